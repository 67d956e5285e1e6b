"""Property: one mutation of a valid plan is caught exactly when it breaks
a rule.

Hypothesis builds a small scenario around a plan that is valid by
construction (rooms sized to their peak slot load, needs and floors taken
from the room, bans only between functions in different rooms, area
target and resident share set at or below what the plan achieves). A
single mutation (move, drop, duplicate, or move next to a banned partner)
is then judged twice: by :func:`check_solution`, and by the rules written
out again below in plain Python. The two must agree on whether the plan
breaks a rule, and on which rules it breaks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from spaceplan.check import check_solution
from spaceplan.data import (
    Accounting,
    AreaTarget,
    Building,
    Community,
    Function,
    Policy,
    Room,
    Scenario,
)
from spaceplan.solution import Plan

SLOTS = ("day", "eve")
TAGS = ("accessible", "lockable", "daylight")
SCHEDULES: tuple[Any, ...] = ("always", ("day",), ("eve",))
CORRIDOR = "C1"


@dataclass
class Instance:
    """Plain data of a generated scenario, for the independent rules."""

    rooms: dict[str, dict[str, Any]]  # id -> area (m², int), floor, tags
    funcs: dict[str, dict[str, Any]]  # id -> min_area, category, ...
    plan: list[tuple[str, str]]
    minimum: int
    share_pct: int | None


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    """A scenario with a plan that is valid by construction."""
    n_rooms = draw(st.integers(2, 5))
    n_funcs = draw(st.integers(2, 5))
    rooms: dict[str, dict[str, Any]] = {}
    for i in range(n_rooms):
        rooms[f"R{i}"] = {
            "floor": draw(st.integers(1, 2)),
            "tags": sorted(draw(st.sets(st.sampled_from(TAGS)))),
        }
    room_ids = list(rooms)
    funcs: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for j in range(n_funcs):
        fid = f"f{j}"
        rid = draw(st.sampled_from(room_ids))
        where[fid] = rid
        room = rooms[rid]
        floors = draw(
            st.sampled_from(
                [None, {"max": room["floor"]}, {"min": room["floor"]}]
            )
        )
        needs = (
            sorted(draw(st.sets(st.sampled_from(room["tags"]))))
            if room["tags"]
            else []
        )
        funcs[fid] = {
            "min_area": draw(st.integers(1, 30)),
            "category": draw(
                st.sampled_from(["resident", "service", "office"])
            ),
            "schedule": draw(st.sampled_from(SCHEDULES)),
            "needs": needs,
            "floors": floors,
            "exclusive": False,
            "never_with": [],
        }
    together = defaultdict(list)
    for fid, rid in where.items():
        together[rid].append(fid)
    for fid, rid in where.items():
        if len(together[rid]) == 1:
            funcs[fid]["exclusive"] = draw(st.booleans())
        # Bans only between functions the plan keeps apart.
        for other, orid in where.items():
            if orid != rid and draw(st.integers(0, 3)) == 0:
                funcs[fid]["never_with"].append(other)
    for rid, room in rooms.items():
        here = [funcs[f] for f in together[rid]]
        peak = max(
            (sum(f["min_area"] for f in here if _active(f, s)) for s in SLOTS),
            default=0,
        )
        room["area"] = max(peak, 5) + draw(st.sampled_from([0, 1, 10, 40]))
    rooms[CORRIDOR] = {
        "floor": 1,
        "tags": list(TAGS),
        "area": 100,
        "kind": "circulation",
    }
    plan = list(where.items())
    facility, resident = _areas(rooms, funcs, plan)
    minimum = draw(st.integers(0, facility))
    share_pct = draw(st.one_of(st.none(), st.just(resident * 100 // facility)))
    return Instance(rooms, funcs, plan, minimum, share_pct)


def _active(f: dict[str, Any], slot: str) -> bool:
    return f["schedule"] == "always" or slot in f["schedule"]


def _areas(rooms, funcs, plan) -> tuple[int, int]:
    """Facility and strict resident area (m²) of a plan."""
    by_room: dict[str, list[str]] = defaultdict(list)
    for fid, rid in plan:
        by_room[rid].append(fid)
    facility = resident = 0
    for rid, fids in by_room.items():
        if rooms[rid].get("kind", "room") == "circulation":
            continue  # excluded from the facility area
        facility += rooms[rid]["area"]
        if all(funcs[f]["category"] == "resident" for f in fids):
            resident += rooms[rid]["area"]
    return facility, resident


def broken_rules(inst: Instance, plan: list[tuple[str, str]]) -> set[str]:
    """The rules of docs/formats.md a plan breaks, evaluated independently.

    Rule names are the checker's; a function in the wrong room is still
    measured against that room, as the checker does.
    """
    broken: set[str] = set()
    counts = Counter(f for f, _ in plan)
    if any(counts[f] != 1 for f in inst.funcs):
        broken.add("placed")  # each function in exactly one room
    by_room: dict[str, list[str]] = defaultdict(list)
    for fid, rid in plan:
        if fid not in by_room[rid]:
            by_room[rid].append(fid)
    for rid, fids in by_room.items():
        room = inst.rooms[rid]
        if room.get("kind", "room") != "room":
            broken.add("host_kind")
        for slot in SLOTS:
            load = sum(
                inst.funcs[f]["min_area"]
                for f in fids
                if _active(inst.funcs[f], slot)
            )
            if load > room["area"]:
                broken.add("min_area")
        for fid in fids:
            f = inst.funcs[fid]
            if not set(f["needs"]) <= set(room["tags"]):
                broken.add("needs")
            lo = (f["floors"] or {}).get("min", -99)
            hi = (f["floors"] or {}).get("max", 99)
            if not lo <= room["floor"] <= hi:
                broken.add("floors")
            if f["exclusive"] and len(fids) > 1:
                broken.add("exclusive")
            if set(fids) & set(f["never_with"]):
                broken.add("never_with")
    facility, resident = _areas(inst.rooms, inst.funcs, plan)
    if facility < inst.minimum:
        broken.add("area_target")
    if inst.share_pct is not None and (
        facility == 0 or resident * 100 < inst.share_pct * facility
    ):
        broken.add("resident_share")
    return broken


def to_scenario(inst: Instance) -> Scenario:
    """The generated instance as a spaceplan scenario."""
    functions = tuple(
        Function.model_validate(
            {"id": fid, "name": fid, "name_en": fid, **spec}
        )
        for fid, spec in inst.funcs.items()
    )
    rooms = tuple(
        Room.model_validate({"id": rid, **spec})
        for rid, spec in inst.rooms.items()
    )
    policy = Policy(
        id="prop",
        title="property test",
        source="tests",
        area_target=AreaTarget(minimum=inst.minimum),
        resident_share_min=(
            None if inst.share_pct is None else inst.share_pct / 100
        ),
        accounting=Accounting(shared_rooms="strict", shared_space="exclude"),
        slots=SLOTS,
        functions=functions,
    )
    return Scenario(
        name="prop",
        policy=policy,
        community=Community(households=100, area_type="urban_built"),
        building=Building(rooms=rooms),
        functions=functions,
    )


def mutate(
    inst: Instance, data: st.DataObject
) -> tuple[str, list[tuple[str, str]]]:
    """One mutation of the plan, drawn by hypothesis."""
    plan = list(inst.plan)
    i = data.draw(st.integers(0, len(plan) - 1), label="function")
    fid, rid = plan[i]
    kinds = ["move", "drop", "duplicate"]
    banned = [r for g, r in plan if g in inst.funcs[fid]["never_with"]]
    if banned:
        kinds.append("banned")
    kind = data.draw(st.sampled_from(kinds), label="mutation")
    if kind == "drop":
        del plan[i]
    elif kind == "banned":
        plan[i] = (fid, data.draw(st.sampled_from(banned)))
    else:
        other = data.draw(
            st.sampled_from([r for r in inst.rooms if r != rid]),
            label="room",
        )
        if kind == "move":
            plan[i] = (fid, other)
        else:
            plan.append((fid, other))
    return kind, plan


PROPERTY = settings(max_examples=150, deadline=None, derandomize=True)


@PROPERTY
@given(inst=instances())
def test_the_constructed_plan_is_valid(inst: Instance) -> None:
    assert broken_rules(inst, inst.plan) == set()
    assert check_solution(to_scenario(inst), Plan.from_pairs(inst.plan)) == []


@PROPERTY
@given(inst=instances(), data=st.data())
def test_one_mutation_is_caught_exactly_when_it_breaks_a_rule(
    inst: Instance, data: st.DataObject
) -> None:
    kind, plan = mutate(inst, data)
    found = check_solution(to_scenario(inst), Plan.from_pairs(plan))
    expected = broken_rules(inst, plan)
    # Caught exactly when a rule breaks, and for the right reasons.
    assert bool(found) == bool(expected), (kind, plan, found)
    assert {v.rule for v in found} == expected, (kind, plan, found)
    if kind in ("drop", "duplicate", "banned"):
        # These always break a rule (placed once; the ban itself).
        assert found
