"""Sessions, private use, the timetable and the architect's decisions.

Tiny scenarios on the 21-slot week, each with its optimum derived by hand
in a comment. Objective (default preset): 1 × resident area − 0.5 × office
area − 0.2 × unused area + 2 × met ``near`` weights; strict accounting; a
booked function counts its own area as the room's use (rules.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceplan import timetable
from spaceplan.check import check_solution
from spaceplan.data import Building, Community, Policy, Scenario, ScenarioFile
from spaceplan.decisions import tiebreak
from spaceplan.errors import InputError
from spaceplan.read import resolve
from spaceplan.solution import Plan
from spaceplan.solvers import solve


def policy_of(functions: list[dict[str, Any]], **kw: Any) -> Policy:
    return Policy.model_validate(
        {
            "id": "test",
            "title": "测试",
            "source": "test",
            "accounting": {"circulation": "exclude", "shared_rooms": "strict"},
            "functions": functions,
            **kw,
        }
    )


def make(
    functions: list[dict[str, Any]],
    rooms: list[dict[str, Any]],
    fix: dict[str, str] | None = None,
    adjacency: list[list[str]] | None = None,
) -> Scenario:
    policy = policy_of(functions)
    return Scenario(
        name="test",
        policy=policy,
        community=Community(households=100, area_type="urban_built"),
        building=Building.model_validate(
            {"rooms": rooms, "adjacency": adjacency or []}
        ),
        functions=policy.functions,
        fix=fix or {},
    )


def fn(fid: str, area: float, **kw: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "name": kw.pop("name", fid),
        "name_en": fid,
        "category": kw.pop("category", "resident"),
        "min_area": area,
        **kw,
    }


def room(rid: str, area: float, **kw: Any) -> dict[str, Any]:
    return {"id": rid, "floor": kw.pop("floor", 1), "area": area, **kw}


def solved(scenario: Scenario, solver: str = "cpsat", **kw: Any) -> Any:
    result = solve(
        scenario, solver=solver, workers=1, seed=0, time_limit=20, **kw
    )
    for cand in result.candidates:
        assert check_solution(scenario, cand.plan) == []
    return result


# ---------------------------------------------------------------- the week


def test_v1_names_are_groups_of_the_21_slot_week():
    week = timetable.WEEK
    assert len(week) == 21
    assert timetable.expand(["weekday_am"], week) == (
        "mon_am", "tue_am", "wed_am", "thu_am", "fri_am",
    )
    assert timetable.expand(["weekend_eve"], week) == ("sat_eve", "sun_eve")
    assert timetable.expand(["sat_*"], week) == (
        "sat_am", "sat_pm", "sat_eve",
    )
    # The v1 six-slot week stays a profile setting: names match as slots.
    assert timetable.expand(["weekday_am"], timetable.V1_SLOTS) == (
        "weekday_am",
    )
    with pytest.raises(ValueError, match="unknown slot 'mon_noon'"):
        timetable.expand(["mon_noon"], week)


def test_an_override_giving_sessions_replaces_the_schedule():
    base = {"id": "a", "schedule": ["weekday_am"], "min_area": 10}
    assert timetable.merge_time(base, {"sessions": 2}) == {
        "id": "a", "min_area": 10, "sessions": 2,
    }
    booked = {"id": "a", "sessions": 2, "within": ["sat_*"]}
    assert timetable.merge_time(booked, {"schedule": "always"}) == {
        "id": "a", "schedule": "always",
    }


@pytest.mark.parametrize(
    ("function", "fault"),
    [
        # Both kinds of time at once are ambiguous.
        (fn("a", 10, schedule=["mon_am"], sessions=2), "both schedule"),
        # within without sessions means nothing.
        (fn("a", 10, within=["sat_*"]), "within without sessions"),
        # Three sessions cannot fit a two-slot window.
        (fn("a", 10, sessions=3, within=["weekend_am"]), "only 2 slots"),
        # A window naming no slot of the week.
        (fn("a", 10, sessions=1, within=["noon_*"]), "unknown slot"),
    ],
)
def test_bad_time_is_an_error(function, fault):
    with pytest.raises(ValueError, match=fault):
        policy_of([function])


# ------------------------------------------------------ sessions, private


def private_pair(within: list[str]) -> Scenario:
    return make(
        [
            fn("mediation", 20, sessions=1, within=within, private=True),
            fn("counselling", 20, sessions=1, within=within, private=True),
        ],
        [room("R1", 50)],
    )


def test_two_private_functions_share_a_room_by_taking_turns():
    # R1 (50 m²) holds both 20 m² functions by area, but each is private,
    # so they fit one room only in different slots: one on Monday
    # morning, the other on Monday afternoon. Both resident, so R1 counts
    # 50 m²; a booked function uses its own 20 m², so 30 m² is unused:
    # 50 − 0.2 × 30 = 44.
    scenario = private_pair(["mon_am", "mon_pm"])
    result = solved(scenario)
    assert result.status == "optimal"
    cand = result.candidates[0]
    assert cand.objective == pytest.approx(44.0)
    week = cand.timetable["R1"]
    assert sorted(week) == ["mon_am", "mon_pm"]
    assert sorted(f for fs in week.values() for f in fs) == [
        "counselling", "mediation",
    ]
    assert all(len(fs) == 1 for fs in week.values())


def test_two_private_functions_in_one_slot_cannot_share():
    # The same pair with a one-slot window must meet at Monday morning:
    # with one room, that breaks private use, so no plan exists.
    result = solve(
        private_pair(["mon_am"]), workers=1, seed=0, time_limit=20
    )
    assert result.status == "infeasible"


def test_greedy_books_private_functions_apart():
    result = solved(private_pair(["mon_am", "mon_pm"]), solver="greedy")
    assert result.candidates
    week = result.candidates[0].timetable["R1"]
    assert all(len(fs) == 1 for fs in week.values())


def weekend_scenario() -> Scenario:
    return make(
        [
            fn("club", 30, schedule=["sat_am", "sat_pm", "sat_eve", "sun_am"]),
            fn("school", 30, sessions=2, within=["sat_*", "sun_*"]),
        ],
        [room("R1", 40)],
    )


def test_the_solver_moves_weekend_sessions_to_the_free_slots():
    # R1 (40 m²) is the only room; the club (30 m²) holds it on Saturday
    # and Sunday morning, and 30 + 30 > 40. The school's two weekend
    # sessions can only go to Sunday afternoon and evening. Both resident:
    # 40 − 0.2 × (40 − 30) = 38.
    for solver in ("cpsat", "greedy"):
        result = solved(weekend_scenario(), solver=solver)
        cand = result.candidates[0]
        booked = timetable.sessions_of(cand.timetable)
        assert booked["school"] == ("sun_pm", "sun_eve"), solver
        assert cand.objective == pytest.approx(38.0)


def test_highs_books_the_same_week():
    # The MIP has the same booking rows: the same optimum, 38, and the
    # private pair booked apart, 44 (see the tests above).
    result = solved(weekend_scenario(), solver="highs")
    assert result.candidates[0].objective == pytest.approx(38.0)
    pair = solved(private_pair(["mon_am", "mon_pm"]), solver="highs")
    assert pair.candidates[0].objective == pytest.approx(44.0)
    week = pair.candidates[0].timetable["R1"]
    assert all(len(fs) == 1 for fs in week.values())


# ------------------------------------------------------------- decisions


def fix_scenario(fix: dict[str, str] | None = None) -> Scenario:
    return make(
        [fn("reading", 20)], [room("R1", 20), room("R2", 30)], fix=fix
    )


def test_fix_costs_the_objective_a_known_amount():
    # Free: the reading room takes R2 (30 m² resident, 10 m² unused):
    # 30 − 0.2 × 10 = 28. Fixed in R1: 20 resident, nothing unused: 20.
    # The fix costs 8 points.
    free = solved(fix_scenario()).candidates[0]
    fixed = solved(fix_scenario({"reading": "R1"})).candidates[0]
    assert free.plan.placement()["reading"] == "R2"
    assert fixed.plan.placement()["reading"] == "R1"
    assert free.objective - fixed.objective == pytest.approx(8.0)


def test_a_plan_breaking_a_fix_fails_the_check():
    plan = Plan.from_pairs({"reading": "R2"})
    found = check_solution(fix_scenario({"reading": "R1"}), plan)
    assert [v.rule for v in found] == ["fix"]


def test_a_wish_for_a_room_is_met_next_to_it():
    # The hall (40 m², service) may take R1 or R2; only R2 is next to the
    # lobby L1 it wishes to be near (weight 8 → 2 × 8 = 16 points). Office
    # or resident area does not change with the room (service counts
    # neither; no unused weight differs: both rooms are 40 m²).
    scenario = make(
        [
            fn(
                "hall", 40, category="service",
                near=[{"room": "L1", "weight": 8}],
            )
        ],
        [
            room("R1", 40),
            room("R2", 40),
            room("L1", 20, kind="circulation", tags=["entrance"]),
        ],
        adjacency=[["R2", "L1"]],
    )
    cand = solved(scenario).candidates[0]
    assert cand.plan.placement()["hall"] == "R2"
    assert cand.objective_terms["near_satisfied"] == 8.0
    assert cand.objective == pytest.approx(16.0)


def scenario_file(**kw: Any) -> ScenarioFile:
    return ScenarioFile.model_validate(
        {
            "name": "t",
            "policy": "test",
            "community": {"households": 100, "area_type": "urban_built"},
            "building": {
                "rooms": [
                    room("R101", 30),
                    room("L101", 20, kind="circulation", name="门厅"),
                ]
            },
            **kw,
        }
    )


FILE_POLICY = [
    fn("archive", 10, name="档案室", category="office"),
    fn("reading", 20, name="阅览室"),
]


@pytest.mark.parametrize(
    ("changes", "fault"),
    [
        # A near wish for a room that is not in the building.
        (
            {"functions": [{"id": "reading", "near": [{"room": "L10l"}]}]},
            "near names unknown room 'L10l'; did you mean 'L101'",
        ),
        # fix by a Chinese name that is almost right.
        ({"fix": {"档案": "R101"}}, "did you mean 'archive (档案室)'"),
        # fix to a room that is not in the building.
        ({"fix": {"archive": "R1O1"}}, "unknown room 'R1O1'"),
        # fix to circulation, which hosts no function.
        ({"fix": {"archive": "L101"}}, "hosts no function"),
    ],
)
def test_unknown_names_in_decisions_are_errors(changes, fault):
    policy = policy_of(FILE_POLICY)
    with pytest.raises(InputError, match=fault.replace("(", r"\(").replace(
        ")", r"\)"
    )):
        resolve(scenario_file(**changes), policy, source="s.yaml")


def test_fix_by_chinese_name():
    policy = policy_of(FILE_POLICY)
    scenario = resolve(scenario_file(fix={"档案室": "R101"}), policy)
    assert scenario.fix == {"archive": "R101"}


def test_a_plan_file_keyed_by_chinese_names(tmp_path):
    from spaceplan.read import read_plan

    policy = policy_of(
        [*FILE_POLICY, fn("school", 20, name="市民学校", sessions=1,
                          within=["sat_*"])]
    )
    scenario = resolve(scenario_file(), policy)
    path = tmp_path / "plan.yaml"
    path.write_text(
        "档案室: R101\n阅览室: R101\n市民学校: R101\n"
        "sessions:\n  市民学校: [sat_pm]\n",
        encoding="utf-8",
    )
    plan = read_plan(path, scenario)
    assert plan.placement() == {
        "archive": "R101", "reading": "R101", "school": "R101",
    }
    assert timetable.sessions_of(plan.timetable or {})["school"] == (
        "sat_pm",
    )


# ------------------------------------------------ the checker's timetable


def busy_scenario() -> Scenario:
    return make(
        [
            fn("mediation", 15, sessions=2, within=["weekday_am"],
               private=True),
            fn("rehab", 30, sessions=3, within=["weekday_am", "weekday_pm"]),
            fn("council", 40, schedule=["weekday_eve"]),
            fn("school", 40, sessions=2, within=["sat_*", "sun_*"]),
        ],
        [room("R1", 45), room("R2", 40)],
    )


@pytest.fixture(scope="module")
def busy_plan() -> Plan:
    result = solved(busy_scenario())
    assert result.status == "optimal"
    return result.candidates[0].plan


def _mutations(
    scenario: Scenario, plan: Plan
) -> list[tuple[str, str, str, str]]:
    """(kind, room, slot, function) changes of one timetable entry.

    Drop an entry, add one, or move one to a slot its function may not
    take (outside its window or schedule) or where it meets a private
    function: each breaks a rule. (A move to another free slot of its
    window is a different valid plan, so it is not a mutation here.)
    """
    assert plan.timetable is not None
    week = timetable.WEEK
    out = []
    for room_id, per_slot in plan.timetable.items():
        for slot, funcs in per_slot.items():
            for f in funcs:
                out.append(("drop", room_id, slot, f))
                func = scenario.function(f)
                allowed = (
                    timetable.window(func, week)
                    if func.sessions
                    else timetable.fixed_slots(func, week)
                )
                for other in week:
                    there = per_slot.get(other, ())
                    if f in there:
                        continue
                    private = func.private or any(
                        scenario.function(g).private for g in there
                    )
                    if other not in allowed or (there and private):
                        out.append(("move", room_id, slot, f + ":" + other))
        for f in plan.room_functions[room_id]:
            for slot in week:
                if f not in per_slot.get(slot, ()):
                    out.append(("add", room_id, slot, f))
    return out


def _apply(plan: Plan, kind: str, room_id: str, slot: str, f: str) -> Plan:
    assert plan.timetable is not None
    week = {r: {s: list(fs) for s, fs in ps.items()}
            for r, ps in plan.timetable.items()}
    if kind == "drop":
        week[room_id][slot].remove(f)
    elif kind == "add":
        week[room_id].setdefault(slot, []).append(f)
    else:
        f, other = f.split(":")
        week[room_id][slot].remove(f)
        week[room_id].setdefault(other, []).append(f)
    return Plan(
        assignments=plan.assignments,
        timetable={
            r: {s: tuple(fs) for s, fs in ps.items()}
            for r, ps in week.items()
        },
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_mutated_timetable_is_always_caught(busy_plan, data):
    # One entry dropped, added, or moved out of its window or next to a
    # private function: a session count, a fixed schedule, a window or
    # private use breaks, and the checker must say so.
    scenario = busy_scenario()
    assert check_solution(scenario, busy_plan) == []
    kind, room_id, slot, f = data.draw(
        st.sampled_from(_mutations(scenario, busy_plan))
    )
    mutated = _apply(busy_plan, kind, room_id, slot, f)
    assert check_solution(scenario, mutated) != []


# ------------------------------------------------------------- tie-break


def test_equal_plans_put_the_most_visited_function_low():
    # R1 (floor 2) and R2 (floor 1) are both 30 m², so the objective is
    # 30 either way (resident, nothing unused). The tie-break counts the
    # school's 2 weekly sessions × 1 storey on floor 2 against 0 on the
    # ground floor, so the school takes R2; the second candidate (the
    # other room) is equal by the objective and says so.
    scenario = make(
        [fn("school", 30, sessions=2, within=["sat_*"])],
        [room("R1", 30, floor=2), room("R2", 30)],
    )
    result = solved(scenario, candidates=2, min_difference=1)
    first, second = result.candidates
    assert first.plan.placement()["school"] == "R2"
    assert first.tiebreak["visit_floors"] == 0
    assert second.tiebreak["visit_floors"] == 2
    assert first.objective == second.objective == pytest.approx(30.0)
    assert "scores the same as A" in second.comparison["en"]
    assert "R1" in second.comparison["en"]


def test_the_report_prints_the_timetable_of_a_shared_room():
    # The private pair shares R1 by taking turns: the report's weekly
    # table shows each on its own half-day of Monday.
    from spaceplan.report.solve import result_markdown

    scenario = private_pair(["mon_am", "mon_pm"])
    result = solved(scenario)
    text = result_markdown(scenario, result, lang="zh")
    assert "### 使用时间表" in text
    monday = next(line for line in text.splitlines() if "| 周一 |" in line)
    cells = [c.strip() for c in monday.strip("|").split("|")]
    assert sorted(cells[1:3]) == ["counselling", "mediation"]
    assert cells[3] == "—"
    english = result_markdown(scenario, result, lang="en")
    assert "### Weekly timetable" in english
    assert "A scores highest" in english


def test_the_report_names_the_bound_row_in_words():
    # The terms table gives the solver's bound a row of its own, named,
    # not "objective / bound" in one cell; here the plan is optimal, so
    # the bound equals the objective.
    from spaceplan.report.solve import result_markdown

    scenario = private_pair(["mon_am", "mon_pm"])
    result = solved(scenario)
    (cand,) = result.candidates
    assert cand.bound is not None
    text = result_markdown(scenario, result, lang="zh")
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in text.splitlines()
        if line.startswith("| 目标值")
    }
    assert rows["目标值"] == f"{cand.objective:,.1f}"
    assert rows["目标值上界（求解器证明，无方案更高）"] == f"{cand.bound:,.1f}"


def test_tie_break_counts_a_function_in_a_merged_room():
    # The school sits in "R1+R3", a room merged from R1 and R3 on floor 2:
    # its 2 weekly sessions × 1 storey count 2, as they would in R1 alone
    # (the tie-break used to skip rooms not in the building's list).
    scenario = make(
        [fn("school", 30, sessions=2, within=["sat_*"])],
        [room("R1", 30, floor=2), room("R2", 30), room("R3", 20, floor=2)],
    )
    merged = tiebreak(scenario, Plan.from_pairs({"school": "R1+R3"}))
    alone = tiebreak(scenario, Plan.from_pairs({"school": "R1"}))
    assert merged.visit_floors == alone.visit_floors == 2
