"""Every command's output with ``--lang zh`` is Chinese.

Each command runs on a bundled example (a failing plan for ``check``, an
infeasible scenario for ``diagnose``); the test fails on any run of three
or more ASCII letters that is not an id, a unit, a file name or a quoted
source. Runs are small: one worker, a seed, a short budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from spaceplan.cli import main
from spaceplan.policies import load_policy, policy_ids
from spaceplan.read import read_scenario

EXAMPLES = Path(str(files("spaceplan") / "examples"))
OFFICE = EXAMPLES / "office-renovation"
DATA = Path(__file__).parent / "data"

#: Words that may stand in Chinese output, each for its reason.
ALLOWED = {
    "spaceplan",  # the tool's name, in sources "spaceplan 默认" and hints
    "check",  # the command named in the hint under check's output
    "all",  # --all, the option named in that hint
    "policies",  # the command named in the hint under the profile list
}
#: File names and paths: what a user passes or gets back.
_FILES = re.compile(
    r"[\w./\\-]+\.(yaml|yml|json|md|png|svg|pdf|dxf|xlsx|html|csv|parquet)"
)
#: Ids as a scenario spells them: snake_case, kebab-case, R101, mon_am.
_IDS = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+\b")
_ROOM_IDS = re.compile(r"\b[A-Z]+\d+[A-Za-z]*\b")


def _texts(value: Any) -> Iterator[str]:
    """Every quoted source and note of a profile (its data, not ours)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if "source" in key or key == "notes":
                yield from _strings(item)
            else:
                yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _quoted() -> list[str]:
    texts: set[str] = set()
    for pid in policy_ids():
        texts.update(_texts(load_policy(pid).model_dump(mode="json")))
    # Longest first, so a source that contains another goes whole.
    return sorted(texts, key=len, reverse=True)


def english_runs(text: str, ids: set[str]) -> list[str]:
    """Runs of three or more ASCII letters outside ids, units, files and
    the profiles' quoted sources."""
    for quoted in _quoted():
        text = text.replace(quoted, " ")
    text = _FILES.sub(" ", text)
    text = _IDS.sub(" ", text)
    text = _ROOM_IDS.sub(" ", text)
    words = re.findall(r"[A-Za-z]{3,}", text)
    return [w for w in words if w not in ALLOWED and w not in ids]


def _ids(scenario: Path) -> set[str]:
    sc = read_scenario(scenario)
    found = {f.id for f in sc.functions} | {r.id for r in sc.building.rooms}
    return found | {sc.policy.id}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, args: list[str]) -> str:
    result = runner.invoke(main, [*args, "--lang", "zh"], env={"COLUMNS": "5000"})
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.output
    return result.stdout + result.stderr


SCENARIO = OFFICE / "scenario.yaml"
FAST = ["--time-limit", "2", "--workers", "1", "--seed", "1"]


def _commands(tmp: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", str(SCENARIO)],
        "policies": ["policies"],
        "policies one": ["policies", "complete-community-2022"],
        "check": [
            "check", str(SCENARIO), str(OFFICE / "plan-noncompliant.yaml")
        ],
        "check compliant": [
            "check", str(SCENARIO), str(OFFICE / "plan-compliant.yaml")
        ],
        "solve": ["solve", str(SCENARIO), "-o", str(tmp / "s"), *FAST],
        "diagnose": [
            "diagnose", str(DATA / "diagnose" / "no-room.yaml"),
            "--no-repairs",
        ],
    }


@pytest.mark.parametrize(
    "name",
    [
        "validate",
        "policies",
        "policies one",
        "check",
        "check compliant",
        "solve",
        pytest.param(
            "diagnose",
            marks=pytest.mark.xfail(
                reason="the diagnosis is reworded on its own branch "
                "(issue 20 item 3); run it here to see what is left",
                strict=False,
            ),
        ),
    ],
)
def test_output_in_chinese_has_no_english(runner, tmp_path, name) -> None:
    args = _commands(tmp_path)[name]
    scenario = Path(args[1]) if args[0] != "policies" else SCENARIO
    ids = _ids(scenario) | set(policy_ids())
    ids |= {f.id for pid in policy_ids() for f in load_policy(pid).functions}
    # The output folder is the user's own path.
    out = _run(runner, args).replace(str(tmp_path), " ")
    assert out.strip()
    assert english_runs(out, ids) == [], out


def test_the_filter_finds_english() -> None:
    # The test can fail: English words in a Chinese line are found.
    assert english_runs("面积不足 but the room is small", set()) == [
        "but", "the", "room", "small",
    ]
    # Ids, units and files are not words.
    assert english_runs("R109 的 service_hall 在 plan-A.png，50 m²", set()) == []
