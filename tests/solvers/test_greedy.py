"""The greedy baseline: checked plans, honest statuses, the warm start."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from spaceplan.check import check_solution
from spaceplan.solvers import solve
from spaceplan.solvers.config import load_config
from spaceplan.solvers.greedy import (
    greedy_placement,
    placement_plan,
)
from spaceplan.solvers.objective import objective_terms
from spaceplan.solvers.problem import Problem


@pytest.fixture
def kit(
    make_function: Any, make_room: Any, make_scenario: Any
) -> SimpleNamespace:
    """The conftest builders: f(unction), r(oom), s(cenario)."""
    return SimpleNamespace(f=make_function, r=make_room, s=make_scenario)


def _shared(kit: Any) -> Any:
    # hall (day) and council (eve) use different slots: they share R1
    # (30 m²) and leave R2 whole to the flexible function.
    funcs = [
        kit.f("hall", 20, "service", schedule=("day",)),
        kit.f("council", 25, "resident", schedule=("eve",)),
        kit.f("flex", 0, "resident", flexible=True),
    ]
    rooms = [kit.r("R1", 30), kit.r("R2", 40)]
    return kit.s(funcs, rooms, minimum=60, share=0.5)


def test_time_sharing_frees_a_room_for_flex(kit: Any) -> None:
    sc = _shared(kit)
    found = greedy_placement(Problem(sc))
    assert found is not None
    placement, flex = found
    # Both fixed functions in R1 (index 0), flex in R2 (index 1).
    assert placement == {0: 0, 1: 0}
    assert flex == {1}
    plan = placement_plan(Problem(sc), found)
    assert check_solution(sc, plan) == []


def test_backend_objective_is_recomputed_objective(kit: Any) -> None:
    sc = _shared(kit)
    result = solve(sc, solver="greedy", candidates=3)
    assert result.status == "feasible"
    # Greedy returns one plan, without a bound.
    assert len(result.candidates) == 1
    cand = result.candidates[0]
    assert cand.bound is None
    assert check_solution(sc, cand.plan) == []
    weights = load_config("default").weights
    assert objective_terms(sc, cand.plan, weights).value == cand.objective


def test_greedy_never_beats_cpsat_here(kit: Any) -> None:
    sc = _shared(kit)
    greedy = solve(sc, solver="greedy").candidates[0].objective
    cpsat = solve(sc, solver="cpsat", config="deterministic", candidates=1)
    assert cpsat.candidates[0].objective >= greedy


def test_exclusive_and_never_with_are_respected(kit: Any) -> None:
    # a is exclusive and b may not share with c: with three rooms each
    # function needs its own room, although capacity would allow sharing.
    funcs = [
        kit.f("a", 10, "service", exclusive=True),
        kit.f("b", 10, "resident", schedule=("day",)),
        kit.f("c", 10, "resident", schedule=("eve",), never_with=("b",)),
    ]
    rooms = [kit.r(f"R{i}", 50) for i in range(3)]
    sc = kit.s(funcs, rooms)
    found = greedy_placement(Problem(sc))
    assert found is not None
    assert len(set(found[0].values())) == 3
    assert check_solution(sc, placement_plan(Problem(sc), found)) == []


def test_unknown_when_share_cannot_hold(kit: Any) -> None:
    # One service function, one room, no flex: resident share 0 % < 60 %.
    # Greedy cannot prove it, so it says "unknown", not "infeasible".
    funcs = [kit.f("hall", 20, "service")]
    sc = kit.s(funcs, [kit.r("R1", 30)], share=0.6)
    result = solve(sc, solver="greedy")
    assert result.status == "unknown"
    assert result.candidates == ()


def test_unplaceable_function_is_infeasible(kit: Any) -> None:
    # 50 m² fits in no room: that alone proves infeasibility.
    funcs = [kit.f("hall", 50, "service")]
    sc = kit.s(funcs, [kit.r("R1", 30)])
    result = solve(sc, solver="greedy")
    assert result.status == "infeasible"
    assert result.candidates == ()


def test_repair_moves_service_functions_together(kit: Any) -> None:
    # Largest first puts office (20 m², day) in R1 (20 m²) for its snug
    # fit, then hall (10 m², eve) into R2 with R1 full... The share rule
    # (strict, 60 %) then needs the non-resident functions in one room:
    # repair moves them together so the other rooms go to flex.
    funcs = [
        kit.f("office", 20, "office", schedule=("day",)),
        kit.f("hall", 20, "service", schedule=("eve",)),
        kit.f("flex", 0, "resident", flexible=True),
    ]
    rooms = [
        kit.r("R1", 20),
        kit.r("R2", 20),
        kit.r("R3", 25),
        kit.r("R4", 40),
    ]
    sc = kit.s(funcs, rooms, share=0.7)
    result = solve(sc, solver="greedy")
    assert result.status == "feasible"
    plan = result.candidates[0].plan
    assert check_solution(sc, plan) == []
    rooms_used = {plan.placement()["office"], plan.placement()["hall"]}
    assert len(rooms_used) == 1
