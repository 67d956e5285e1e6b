"""The HiGHS MIP: the same optima as CP-SAT, exact prorate, candidates."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from spaceplan.check import check_solution
from spaceplan.solvers import solve
from spaceplan.solvers.config import load_config
from spaceplan.solvers.highs.backend import _options, new_highs
from spaceplan.solvers.objective import objective_terms


@pytest.fixture
def kit(
    make_function: Any, make_room: Any, make_scenario: Any
) -> SimpleNamespace:
    """The conftest builders: f(unction), r(oom), s(cenario)."""
    return SimpleNamespace(f=make_function, r=make_room, s=make_scenario)


def _mixed(kit: Any, mode: str) -> Any:
    # hall (service, 20 m², day) and club (resident, 10 m², day and eve)
    # fit together only in R1 (30 m²); R2 (12 m²) takes club alone.
    funcs = [
        kit.f("hall", 20, "service", schedule=("day",)),
        kit.f("club", 10, "resident", schedule=("day", "eve")),
        kit.f("flex", 0, "resident", flexible=True),
    ]
    rooms = [kit.r("R1", 30), kit.r("R2", 12), kit.r("R3", 40)]
    return kit.s(funcs, rooms, share=0.5, shared_rooms=mode)


def _solve(sc: Any, solver: str, **kw: Any) -> Any:
    return solve(sc, solver=solver, config="deterministic", workers=1, **kw)


@pytest.mark.parametrize("mode", ["strict", "any", "prorate"])
def test_same_optimum_as_cpsat(kit: Any, mode: str) -> None:
    sc = _mixed(kit, mode)
    highs = _solve(sc, "highs", candidates=1)
    cpsat = _solve(sc, "cpsat", candidates=1)
    assert highs.status == cpsat.status == "optimal"
    h, c = highs.candidates[0], cpsat.candidates[0]
    assert h.objective == c.objective
    assert h.bound is not None and h.bound >= h.objective
    assert check_solution(sc, h.plan) == []
    weights = load_config("deterministic").weights
    assert objective_terms(sc, h.plan, weights).value == h.objective


def test_prorate_is_floored_exactly(kit: Any) -> None:
    # R1 (10 m² = 1000 units) must hold a (resident, 3 m², 1 slot) and
    # b (service, 4 m², 2 slots): resident area-slots 300 of 300 + 800,
    # so ⌊1000 × 300 / 1100⌋ = 272 units = 2.72 m² of resident area.
    funcs = [
        kit.f("a", 3, "resident", schedule=("day",)),
        kit.f("b", 4, "service"),
    ]
    sc = kit.s(funcs, [kit.r("R1", 10)], shared_rooms="prorate")
    result = _solve(sc, "highs", candidates=1)
    cand = result.candidates[0]
    assert cand.metrics.resident_area == 2.72
    # Objective: 2.72 resident − 0.2 × (10 − 7) unused = 2.12.
    assert cand.objective == pytest.approx(2.12)


def test_candidates_are_distinct(kit: Any) -> None:
    # Three functions, four rooms: several distinct plans exist.
    funcs = [kit.f(f"f{i}", 10, "resident") for i in range(3)]
    rooms = [kit.r(f"R{i}", 10 + i) for i in range(4)]
    sc = kit.s(funcs, rooms)
    result = _solve(sc, "highs", candidates=3, min_difference=1)
    plans = [c.plan.placement() for c in result.candidates]
    assert len(plans) == 3
    assert len({tuple(sorted(p.items())) for p in plans}) == 3
    objs = [c.objective for c in result.candidates]
    assert objs == sorted(objs, reverse=True)


def test_infeasible_target(kit: Any) -> None:
    # Rooms add up to 50 m² against a 100 m² target.
    funcs = [kit.f("a", 10, "resident")]
    sc = kit.s(funcs, [kit.r("R1", 20), kit.r("R2", 30)], minimum=100)
    assert _solve(sc, "highs").status == "infeasible"


def test_unplaceable_is_infeasible_without_a_solve(kit: Any) -> None:
    # 50 m² fits no room.
    sc = kit.s([kit.f("a", 50, "service")], [kit.r("R1", 30)])
    result = solve(sc, solver="highs")
    assert result.status == "infeasible"
    assert result.candidates == ()


def test_preset_parameters_reach_highs() -> None:
    config = load_config("default").with_overrides(
        time_limit=7, seed=3, workers=1
    )
    h = new_highs()
    _options(h, config)
    assert h.getOptionValue("time_limit")[1] == 7.0
    assert h.getOptionValue("random_seed")[1] == 3
    assert h.getOptionValue("threads")[1] == 1
    assert h.getOptionValue("mip_rel_gap")[1] == 0.0


def test_no_banner_on_stdout(kit: Any, capfd: Any) -> None:
    sc = _mixed(kit, "strict")
    _solve(sc, "highs", candidates=1)
    assert "HiGHS" not in capfd.readouterr().out
