"""Fuzzing the readers through the command line (a quick profile).

Hypothesis draws scenario, room-list and plan files (valid ones mutated
field by field, cut short, bytes flipped; see ``fuzz_inputs``) and runs
``spaceplan validate`` or ``spaceplan check`` on them. Whatever the input,
the command exits 0, 1 or 2; exit 1 comes with exactly one line on stderr
that names one of the files; no traceback ever. ``benchmarks/fuzz.py``
runs the same strategies over 10,000 inputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz_inputs import BASE, PLAN, Drawn, inputs, judge, run_drawn

QUICK = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
    ],
)


@pytest.mark.usefixtures("tiny_configs")
def test_the_unmutated_inputs_are_valid(tmp_path: Path) -> None:
    # Otherwise every mutation would only meet the same first error.
    import yaml

    (tmp_path / "s.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(PLAN), encoding="utf-8")
    drawn = Drawn({}, ["check", str(tmp_path / "s.yaml"), str(tmp_path / "p.yaml")])
    code, _, stderr = run_drawn(drawn, tmp_path)
    assert code in (0, 2), stderr


@pytest.mark.usefixtures("tiny_configs")
@QUICK
@given(drawn=inputs())
def test_any_input_ends_cleanly(drawn: Drawn, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    code, _, stderr = run_drawn(drawn, folder)
    assert judge(code, stderr, folder) is None, (code, stderr)
