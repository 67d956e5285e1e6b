"""A slice of ``benchmarks/agreement.py`` in the suite: no disagreement.

Three planted feasible scenarios (one per shared-room accounting) are
solved by CP-SAT, HiGHS and greedy; every plan is checked again and its
objective recomputed. The full run (1,000 scenarios) is recorded in
``benchmarks/README.md``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "agreement.py"


def _agreement():
    spec = importlib.util.spec_from_file_location("agreement", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_slice_agrees() -> None:
    counts = _agreement().agree(count=3, start=0, time_limit=5.0)
    assert counts["scenarios"] == 3
    assert counts["solves"] == 9
    # Every solver found a plan for every (feasible) scenario.
    assert counts["plans_rechecked"] == 9
    for key in (
        "planted_not_feasible",
        "false_infeasible",
        "recheck_failed",
        "objective_mismatch",
        "optimum_conflict",
        "beats_optimum",
    ):
        assert counts[key] == 0, (key, counts)
