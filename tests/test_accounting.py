"""Accounting v2 (apportioned building area) and advice (rule strength).

The apportion arithmetic on a hand example, the comparison with the v1
strict reading, a village building that used to be infeasible, and a
property: advice never changes which plans comply.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceplan import rules
from spaceplan.check import audit, check_solution
from spaceplan.data import (
    Accounting,
    AreaTarget,
    Building,
    Community,
    Function,
    Policy,
    Room,
    Scenario,
    ScenarioFile,
)
from spaceplan.policies import load_policy
from spaceplan.read import resolve
from spaceplan.solution import Plan, evaluate_plan
from spaceplan.solvers import solve

SLOTS = ("am", "pm", "eve")


def _two_floors(gross: bool) -> Building:
    # Floor 1: rooms R1 60 + R2 40, unavailable U1 20, corridor C1 20,
    # toilets T1 10: 150 m² of spaces.  Floor 2: room R3 30, corridor C2 10.
    floors = (
        ({"floor": 1, "gross_area": 180}, {"floor": 2, "gross_area": 45})
        if gross
        else ()
    )
    return Building.model_validate(
        {
            "rooms": [
                {"id": "R1", "floor": 1, "area": 60},
                {"id": "R2", "floor": 1, "area": 40},
                {"id": "U1", "floor": 1, "area": 20, "kind": "unavailable"},
                {"id": "C1", "floor": 1, "area": 20, "kind": "circulation"},
                {"id": "T1", "floor": 1, "area": 10, "kind": "service"},
                {"id": "R3", "floor": 2, "area": 30},
                {"id": "C2", "floor": 2, "area": 10, "kind": "circulation"},
            ],
            "floors": list(floors),
        }
    )


APPORTION = Accounting(shared_space="apportion")


def test_apportion_without_gross_area() -> None:
    # Floor 1: factor = all spaces / (room + unavailable)
    #        = (60 + 40 + 20 + 20 + 10) / (60 + 40 + 20) = 150 / 120 = 1.25,
    # so R1 = 75, R2 = 50 and U1 = 25 (U1 keeps its share out of the
    # facility).  Floor 2: factor = 40 / 30 = 4/3, so R3 = 40.
    building = _two_floors(gross=False)
    factors = rules.floor_factors(building)
    assert factors[1].factor == 1.25
    assert not factors[1].surveyed
    assert factors[2].gross_units * 3 == factors[2].base_units * 4
    units = rules.building_units(building, APPORTION)
    assert units == {"R1": 7500, "R2": 5000, "U1": 2500, "R3": 4000}
    # The floors' spaces are shared out exactly: nothing is lost or added.
    assert units["R1"] + units["R2"] + units["U1"] == 15000


def test_apportion_with_gross_area_counts_walls() -> None:
    # Floor 1: factor = gross 180 / 120 = 1.5, so R1 = 90, R2 = 60, U1 = 30
    # (the 30 m² of walls are shared out too).  Floor 2: 45 / 30 = 1.5,
    # so R3 = 45.
    building = _two_floors(gross=True)
    assert rules.floor_factors(building)[1].surveyed
    units = rules.building_units(building, APPORTION)
    assert units == {"R1": 9000, "R2": 6000, "U1": 3000, "R3": 4500}


def test_apportion_rounds_down_so_a_floor_never_grows() -> None:
    # Three 10 m² rooms and a 10 m² corridor: factor 4/3, each room
    # 13.333… m², kept as 13.33 m²; together 39.99 ≤ 40 m².
    building = Building.model_validate(
        {
            "rooms": [
                {"id": f"R{i}", "floor": 1, "area": 10} for i in range(3)
            ]
            + [{"id": "C", "floor": 1, "area": 10, "kind": "circulation"}]
        }
    )
    units = rules.building_units(building, APPORTION)
    assert set(units.values()) == {1333}


@pytest.mark.parametrize(
    ("shared_space", "facility", "resident", "strict_share"),
    [
        # apportion: 75 + 50 + 40 = 165 m²; R1 and R3 resident: 115 m².
        ("apportion", 16500, 11500, 0.6),
        # include: 60 + 40 + 30 + all corridors 30 = 160; resident 90.
        ("include", 16000, 9000, 0.6),
        # exclude: the rooms only, 130; resident 90.
        ("exclude", 13000, 9000, 0.6),
    ],
)
def test_facility_and_resident_areas_per_accounting(
    shared_space: str, facility: int, resident: int, strict_share: float
) -> None:
    scenario = _scenario(
        _two_floors(gross=False),
        Accounting(shared_space=shared_space),  # type: ignore[arg-type]
    )
    plan = Plan.from_pairs(
        {"club": "R1", "office": "R2", "flex": ["R3"]}
    )
    ev = evaluate_plan(scenario, plan)
    assert (ev.facility_units, ev.resident_units) == (facility, resident)
    # The v1 strict/include reading, for comparison, whatever the profile:
    # 60 + 30 resident of 60 + 40 + 30 + 30 = 90 / 160.
    assert ev.metrics.resident_share_strict == round(9000 / 16000, 4)
    assert ev.strict_facility_units == 16000


def test_v1_circulation_key_still_loads() -> None:
    assert Accounting.model_validate(
        {"circulation": "include"}
    ).shared_space == "include"
    assert Accounting().shared_space == "apportion"
    assert Accounting().shared_rooms == "prorate"
    with pytest.raises(ValueError, match="disagree"):
        Accounting.model_validate(
            {"circulation": "include", "shared_space": "exclude"}
        )


def test_gross_area_below_the_floors_spaces_is_refused() -> None:
    with pytest.raises(ValueError, match="less than its spaces"):
        Building.model_validate(
            {
                "rooms": [{"id": "R1", "floor": 1, "area": 60}],
                "floors": [{"floor": 1, "gross_area": 50}],
            }
        )


def _scenario(
    building: Building,
    accounting: Accounting,
    functions: tuple[Function, ...] | None = None,
    share: float | None = None,
    minimum: float | None = None,
    advice: str | None = None,
) -> Scenario:
    funcs = functions if functions is not None else (
        Function(
            id="club", name="活动", name_en="club", category="resident",
            min_area=20,
        ),
        Function(
            id="office", name="办公", name_en="office", category="office",
            min_area=20,
        ),
        Function(
            id="flex", name="多功能", name_en="flex", category="resident",
            flexible=True,
        ),
    )
    policy = Policy(
        id="acc", title="核算", source="tests", slots=SLOTS,
        accounting=accounting, functions=funcs,
        area_target=AreaTarget(minimum=minimum),
        resident_share_min=share,
    )
    return Scenario(
        name="acc", policy=policy,
        community=Community(households=100, area_type="urban_built"),
        building=building, functions=funcs,
        options={"advice": advice},  # type: ignore[arg-type]
    )


# ------------------------------------------------------ the village case


VILLAGE_ROOMS = [
    # 1F: the hall is the entrance; no room is tagged quiet.
    ("R101", 1, 60, ["accessible", "street_access", "daylight"]),
    ("R102", 1, 30, ["accessible", "daylight"]),
    ("R103", 1, 25, ["accessible", "street_access", "lockable"]),
    ("R104", 1, 40, ["accessible", "daylight"]),
    ("R105", 1, 12, ["lockable"]),
    ("C101", 1, 60, []),
    # 2F: up one stair, no lift.
    ("R201", 2, 45, ["daylight"]),
    ("R202", 2, 40, ["daylight"]),
    ("R203", 2, 30, []),
    ("R204", 2, 36, ["daylight"]),
    ("R205", 2, 20, ["lockable"]),
    ("C201", 2, 49, []),
]


def _village() -> Scenario:
    # 338 m² of rooms and 109 m² of corridor and stair: 447 m².
    rooms = [
        {
            "id": rid, "floor": floor, "area": area, "tags": tags,
            "kind": "circulation" if rid.startswith("C") else "room",
        }
        for rid, floor, area, tags in VILLAGE_ROOMS
    ]
    spec = ScenarioFile.model_validate(
        {
            "name": "村党群服务中心",
            "policy": "chongqing-2022-rural",
            "community": {"households": 700, "area_type": "rural"},
            "building": {"rooms": rooms},
            "options": {"time_limit": 20, "seed": 0, "workers": 1},
        }
    )
    return resolve(spec, load_policy("chongqing-2022-rural"))


@pytest.mark.slow
def test_village_without_quiet_rooms_solves_and_complies() -> None:
    scenario = _village()
    assert sum(r.area for r in scenario.building.rooms) == 447
    result = solve(scenario, time_limit=20, seed=0, workers=1, candidates=1)
    assert result.status in ("optimal", "feasible")
    cand = result.candidates[0]
    assert check_solution(scenario, cand.plan) == []
    # 符合: every deciding check passes; the advice not followed is listed.
    deciding = [c for c in cand.checks if c.strength != "advice"]
    assert all(c.passed for c in deciding)
    unmet = [c for c in cand.checks if c.strength == "advice" and not c.passed]
    assert any(c.rule == "advice_needs" and "quiet" in c.description
               for c in unmet)
    assert cand.metrics.advice_unmet >= 1
    # The 60 % share holds under apportioned building area.
    assert cand.metrics.resident_share >= 0.60


# ------------------------------------------------ advice never decides


@st.composite
def advised(draw: Any) -> tuple[Scenario, Scenario]:
    """A tiny scenario with advice, and the same without any advice.

    Recommended functions (placement as advice) are left to
    :func:`test_recommended_function_left_out_is_advice`: removing one
    removes a function, not a rule.
    """
    funcs = []
    for i in range(draw(st.integers(1, 3))):
        others = [f"f{j}" for j in range(i)]
        advice: dict[str, Any] = {
            "needs": draw(st.sampled_from([[], ["quiet"], ["daylight"]])),
            "exclusive": draw(st.booleans()),
        }
        if draw(st.booleans()):
            advice["floors"] = {"max": 1}
        if draw(st.booleans()):
            advice["min_area"] = draw(st.sampled_from([15, 25]))
        if others and draw(st.booleans()):
            advice["never_with"] = [draw(st.sampled_from(others))]
        funcs.append(
            Function.model_validate(
                {
                    "id": f"f{i}", "name": f"功能{i}",
                    "name_en": f"function {i}",
                    "category": draw(st.sampled_from(["resident", "office"])),
                    "min_area": draw(st.sampled_from([5, 10, 20])),
                    "schedule": draw(
                        st.lists(st.sampled_from(SLOTS), min_size=1,
                                 max_size=3, unique=True)
                    ),
                    "needs": draw(st.sampled_from([[], ["accessible"]])),
                    "advice": advice,
                }
            )
        )
    rooms = [
        Room(
            id=f"R{j}", floor=draw(st.sampled_from([1, 2])),
            area=draw(st.sampled_from([10, 20, 30])),
            tags=tuple(
                draw(st.lists(st.sampled_from(
                    ["quiet", "daylight", "accessible"]), unique=True))
            ),
        )
        for j in range(draw(st.integers(1, 3)))
    ]
    rooms.append(Room(id="C", floor=1, area=8, kind="circulation"))
    building = Building(rooms=tuple(rooms))
    acc = Accounting(
        shared_rooms=draw(st.sampled_from(["strict", "prorate"]))
    )
    share = draw(st.sampled_from([None, 0.5]))
    minimum = draw(st.sampled_from([None, 20]))
    with_advice = _scenario(building, acc, tuple(funcs), share, minimum)
    bare = tuple(f.replace(advice={}) for f in funcs)
    without = _scenario(building, acc, bare, share, minimum)
    return with_advice, without


def _plans(scenario: Scenario) -> list[Plan]:
    """Every placement of the fixed functions in the host rooms (a
    recommended one may be left out)."""
    rooms = [r.id for r in scenario.host_rooms]
    choices = [
        [*rooms, None] if f.recommended else rooms
        for f in scenario.fixed_functions
    ]
    out = []
    for combo in itertools.product(*choices):
        pairs = [
            (f.id, r)
            for f, r in zip(scenario.fixed_functions, combo, strict=True)
            if r is not None
        ]
        out.append(Plan.from_pairs(pairs))
    return out


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(advised())
def test_advice_never_changes_which_plans_comply(
    pair: tuple[Scenario, Scenario],
) -> None:
    # Brute force over every plan: removing every advice item leaves the
    # set of complying plans the same.
    with_advice, without = pair
    for plan in _plans(with_advice):
        assert (check_solution(with_advice, plan) == []) == (
            check_solution(without, plan) == []
        )


@settings(
    max_examples=15, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(advised())
def test_advice_never_makes_a_scenario_infeasible(
    pair: tuple[Scenario, Scenario],
) -> None:
    with_advice, without = pair
    a = solve(with_advice, time_limit=5, seed=0, workers=1, candidates=1)
    b = solve(without, time_limit=5, seed=0, workers=1, candidates=1)
    assert (a.status == "infeasible") == (b.status == "infeasible")
    for cand in a.candidates:
        assert check_solution(with_advice, cand.plan) == []
        # The objective pays for exactly the advice the checker lists.
        assert cand.metrics.advice_unmet == audit(
            with_advice, cand.plan
        ).advice_unmet


def test_hard_advice_decides() -> None:
    # One quiet-advised function, one room without the tag: soft, the plan
    # complies with one advice item unmet; hard, it does not comply.
    funcs = (
        Function.model_validate(
            {
                "id": "f0", "name": "阅览", "name_en": "reading",
                "category": "resident", "min_area": 10,
                "advice": {"needs": ["quiet"]},
            }
        ),
    )
    building = Building(rooms=(Room(id="R0", floor=1, area=20),))
    plan = Plan.from_pairs({"f0": "R0"})
    soft = _scenario(building, Accounting(), funcs)
    hard = _scenario(building, Accounting(), funcs, advice="hard")
    assert check_solution(soft, plan) == []
    assert audit(soft, plan).advice_unmet == 1
    assert [v.rule for v in check_solution(hard, plan)] == ["advice_needs"]
    assert solve(hard, time_limit=5, seed=0, workers=1).status == (
        "infeasible"
    )


def test_recommended_function_left_out_is_advice() -> None:
    # The hall is recommended; no room can take it beside the club (20 m²
    # room, 20 + 20 m² in the same slots): the plan complies, leaving it
    # out, and the report lists it as advice not followed.
    funcs = (
        Function(
            id="club", name="活动", name_en="club", category="resident",
            min_area=20,
        ),
        Function(
            id="hall", name="大厅", name_en="hall", category="service",
            min_area=20, required="recommended",
        ),
    )
    building = Building(rooms=(Room(id="R0", floor=1, area=20),))
    scenario = _scenario(building, Accounting(), funcs)
    result = solve(scenario, time_limit=5, seed=0, workers=1, candidates=1)
    assert result.status == "optimal"
    cand = result.candidates[0]
    assert cand.plan.placement() == {"club": "R0"}
    unmet = [c for c in cand.checks if not c.passed]
    assert [(c.rule, c.strength) for c in unmet] == [("placed", "advice")]
