"""Candidates come best first, whatever order the solves found them in.

With a time limit each solve may stop short of its optimum, so a later
candidate can score higher than an earlier one; the architect reads A as
the best plan. A scripted backend hands the engine a weaker plan first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spaceplan.check import check_solution
from spaceplan.solution import Plan
from spaceplan.solvers.config import SolverConfig, load_config
from spaceplan.solvers.engine import RawSolve, run
from spaceplan.solvers.problem import Problem


class Scripted:
    """Returns the given plans in order, one per solve."""

    name = "scripted"
    supports_candidates = True

    def __init__(self, plans: list[Plan]) -> None:
        self.plans = list(plans)

    def solve_one(
        self,
        problem: Problem,
        config: SolverConfig,
        avoid: Sequence[dict[int, int]],
        min_difference: int,
        progress: Any = None,
    ) -> RawSolve:
        if not self.plans:
            return RawSolve("infeasible", None)
        k = len(avoid) + 1
        return RawSolve("feasible", self.plans.pop(0), note=f"solve {k}")


def test_the_best_plan_is_a(make_function, make_room, make_scenario) -> None:
    # The flexible room takes what the hall leaves. Plan "small" puts the
    # hall (service, 20 m²) in the 40 m² room, leaving the 30 m² room to
    # resident use; plan "large" puts it in the 30 m² room, leaving 40 m²
    # resident: more resident area, so a higher objective.
    funcs = [
        make_function("hall", 20, "service"),
        make_function("flex", 0, "resident", flexible=True),
    ]
    rooms = [make_room("R1", 30), make_room("R2", 40)]
    scenario = make_scenario(funcs, rooms, minimum=60, share=0.4)
    worse = Plan.from_pairs([("hall", "R2"), ("flex", "R1")])
    better = Plan.from_pairs([("hall", "R1"), ("flex", "R2")])
    for plan in (worse, better):
        assert check_solution(scenario, plan) == []
    config = load_config("deterministic").with_overrides(candidates=2)
    result = run(scenario, Scripted([worse, better]), config)
    a, b = result.candidates
    assert (a.id, b.id) == ("A", "B")
    assert a.objective > b.objective
    assert a.plan.placement()["hall"] == "R1"
    # B moved the hall relative to the new A; the notes follow the labels.
    assert b.moved == ("hall",)
    assert result.notes == ("candidate A: solve 2", "candidate B: solve 1")
