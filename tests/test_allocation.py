"""Feature tests of the CP-SAT solver on tiny scenarios.

Each test says in a comment why the optimum is what it is. Every plan is
re-checked with the independent checker and its objective recomputed from
the plan; the engine does both too, so a disagreement fails loudly.
"""

from __future__ import annotations

from typing import Any

import pytest

from spaceplan.check import check_solution
from spaceplan.data import Building, Community, Policy, Scenario
from spaceplan.solvers import solve
from spaceplan.solvers.config import SolverConfig, Weights, load_config
from spaceplan.solvers.objective import objective_terms

SLOTS = ["am", "pm", "eve"]


def make_scenario(
    functions: list[dict[str, Any]],
    rooms: list[dict[str, Any]],
    share: float | None = None,
    target: float | None = None,
    mode: str = "strict",
    adjacency: list[list[str]] | None = None,
) -> Scenario:
    """A scenario built directly from plain dicts."""
    policy = Policy.model_validate(
        {
            "id": "test",
            "title": "测试",
            "source": "test",
            "area_target": {"minimum": target} if target else {},
            "resident_share_min": share,
            "accounting": {"circulation": "exclude", "shared_rooms": mode},
            "slots": SLOTS,
            "functions": functions,
        }
    )
    return Scenario(
        name="test",
        policy=policy,
        community=Community(households=100, area_type="urban_built"),
        building=Building.model_validate(
            {"rooms": rooms, "adjacency": adjacency or []}
        ),
        functions=policy.functions,
    )


def fn(fid: str, cat: str, area: float, **kw: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "name": fid,
        "name_en": fid,
        "category": cat,
        "min_area": area,
        **kw,
    }


def room(rid: str, area: float, **kw: Any) -> dict[str, Any]:
    return {"id": rid, "floor": kw.pop("floor", 1), "area": area, **kw}


def quick(**kw: Any) -> dict[str, Any]:
    return {"workers": 1, "seed": 0, "time_limit": 20, **kw}


def checked(scenario: Scenario, **kw: Any) -> Any:
    result = solve(scenario, **quick(**kw))
    for cand in result.candidates:
        assert check_solution(scenario, cand.plan) == []
    return result


def placement(result: Any, k: int = 0) -> dict[str, str]:
    return result.candidates[k].plan.placement()


def test_functions_share_a_room_only_because_their_slots_differ() -> None:
    # R1 (50 m²) is the only room big enough for either function (R2 has
    # 10 m²). The reading room uses it in the morning, the council room in
    # the evening: 40 m² in each slot, so they share R1.
    funcs = [
        fn("reading", "resident", 40, schedule=["am"]),
        fn("council", "resident", 40, schedule=["eve"]),
    ]
    rooms = [room("R1", 50), room("R2", 10)]
    result = checked(make_scenario(funcs, rooms), candidates=1)
    assert result.status == "optimal"
    assert placement(result) == {"reading": "R1", "council": "R1"}
    # Both in the morning: 80 m² in one slot of a 50 m² room; infeasible.
    funcs[1]["schedule"] = ["am"]
    result = checked(make_scenario(funcs, rooms), candidates=1)
    assert result.status == "infeasible"
    assert result.candidates == ()


def test_exclusive_function_forces_a_second_room() -> None:
    # Without flex, rooms without functions stay empty. Hall (30 m²) and
    # store (10 m², service) fit together in R1 (100 m²): unused 100 − 40 =
    # 60 m², objective −0.2 × 60 = −12. Apart they leave 70 + 10 = 80 m²
    # unused: −16. So together is optimal ...
    funcs = [
        fn("hall", "service", 30),
        fn("store", "service", 10),
    ]
    rooms = [room("R1", 100), room("R2", 20)]
    result = checked(make_scenario(funcs, rooms), candidates=1)
    assert placement(result) == {"hall": "R1", "store": "R1"}
    assert result.candidates[0].objective == pytest.approx(-12.0)
    # ... until the store must have a room of its own: −16.
    funcs[1]["exclusive"] = True
    result = checked(make_scenario(funcs, rooms), candidates=1)
    assert placement(result) == {"hall": "R1", "store": "R2"}
    assert result.status == "optimal"
    assert result.candidates[0].objective == pytest.approx(-16.0)


def test_resident_share_forces_the_office_into_the_smaller_room() -> None:
    # The office wishes to be near the council (weight 50 → 100 points).
    # The council needs 25 m², so only R1 (60 m²) takes it; R1 and R2 are
    # not adjacent. Without a share rule the office joins the council in
    # R1: resident = flex R2 20 m², office area 60, unused 60 − 25 = 35,
    # near met: 20 − 0.5 × 60 − 0.2 × 35 + 100 = 83.
    funcs = [
        fn("council", "resident", 25, schedule=["eve"]),
        fn(
            "office",
            "office",
            15,
            schedule=["am", "pm"],
            near=[{"function": "council", "weight": 50}],
        ),
        {
            "id": "flex",
            "name": "多功能活动室",
            "name_en": "flex",
            "category": "resident",
            "flexible": True,
        },
    ]
    rooms = [room("R1", 60), room("R2", 20)]
    free = checked(make_scenario(funcs, rooms), candidates=1)
    assert placement(free)["office"] == "R1"
    assert free.candidates[0].objective == pytest.approx(83.0)
    # With the 60 % rule (strict): office in R1 makes R1 non-resident,
    # 20 / 80 = 25 % < 60 %. In R2: resident R1 60 / 80 = 75 %, objective
    # 60 − 0.5 × 20 − 0.2 × (35 + 5) = 42.
    ruled = checked(make_scenario(funcs, rooms, share=0.6), candidates=1)
    assert placement(ruled)["office"] == "R2"
    assert ruled.status == "optimal"
    assert ruled.candidates[0].objective == pytest.approx(42.0)
    assert ruled.candidates[0].metrics.resident_share == pytest.approx(0.75)


def test_area_target_counts_only_rooms_in_use() -> None:
    # Target 70 m². Without flex, the best plan leaves R2 empty (unused
    # area only costs), giving 60 m² < 70: the target forces R2 into use
    # by putting the small store there.
    funcs = [fn("hall", "service", 30), fn("store", "service", 10)]
    rooms = [room("R1", 60), room("R2", 12)]
    result = checked(make_scenario(funcs, rooms, target=70), candidates=1)
    assert result.status == "optimal"
    assert placement(result) == {"hall": "R1", "store": "R2"}
    assert result.candidates[0].metrics.facility_area == pytest.approx(72)


@pytest.mark.parametrize("mode", ["strict", "any", "prorate"])
def test_accounting_modes_agree_with_the_checker(mode: str) -> None:
    # A room shared by a service and a resident function counts 0 (strict),
    # whole (any) or in proportion (prorate); the engine re-measures every
    # plan with rules.py and rejects any disagreement with the model.
    funcs = [
        fn("hall", "service", 30, schedule=["am", "pm"]),
        fn("council", "resident", 40, schedule=["eve"]),
        fn("school", "resident", 25, schedule=["am"]),
    ]
    rooms = [room("R1", 45), room("R2", 40), room("R3", 26)]
    sc = make_scenario(funcs, rooms, share=0.3, mode=mode)
    result = checked(sc, candidates=2)
    assert result.status == "optimal"
    for cand in result.candidates:
        terms = objective_terms(sc, cand.plan, load_config().weights)
        assert terms.value == pytest.approx(cand.objective)


def test_candidates_are_distinct_and_ranked() -> None:
    funcs = [
        fn(f"f{i}", "resident", 10 + i, schedule=[SLOTS[i % 3]])
        for i in range(6)
    ]
    rooms = [room(f"R{i}", 20 + 3 * i) for i in range(6)]
    sc = make_scenario(funcs, rooms)
    result = checked(sc, candidates=3, min_difference=2)
    assert len(result.candidates) == 3
    objectives = [c.objective for c in result.candidates]
    assert objectives == sorted(objectives, reverse=True)
    plans = [c.plan.placement() for c in result.candidates]
    for i in range(3):
        for j in range(i):
            moved = sum(plans[i][f] != plans[j][f] for f in plans[i])
            assert moved >= 2


def test_same_seed_same_plans() -> None:
    funcs = [
        fn(f"f{i}", ["resident", "service", "office"][i % 3], 8 + 2 * i,
           schedule=[SLOTS[i % 3], SLOTS[(i + 1) % 3]])
        for i in range(8)
    ]
    rooms = [room(f"R{i}", 15 + 4 * i, floor=1 + i % 2) for i in range(8)]
    sc = make_scenario(funcs, rooms, share=0.2)
    first = solve(sc, config="deterministic", candidates=2)
    again = solve(sc, config="deterministic", candidates=2)
    assert [c.assignments for c in first.candidates] == [
        c.assignments for c in again.candidates
    ]


def test_weights_come_from_the_preset() -> None:
    # With a zero office weight and no other term to separate them, the
    # objective of hall-in-R1 equals hall-in-R2: only resident area counts.
    cfg = SolverConfig(
        name="t",
        weights=Weights(resident=1, office=0, unused=0, near=0),
        candidates=1,
        params={"num_workers": 1, "random_seed": 0},
    )
    funcs = [fn("office", "office", 10)]
    rooms = [room("R1", 30), room("R2", 20)]
    result = solve(make_scenario(funcs, rooms), config=cfg)
    assert result.candidates[0].objective == 0
