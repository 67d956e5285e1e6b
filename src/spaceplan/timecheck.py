"""The checker's rules of time and of the architect's decisions.

Read from a plan's timetable alone (:mod:`spaceplan.timetable`): every
function in session exactly as often as it asks, within its window, only
in its own room; a ``private`` function alone while in session; and each
``fix`` met. Capacity per slot is the checker's ``min_area`` rule, which
reads the same timetable. Rows are handed to a callback so that this
module needs nothing from :mod:`spaceplan.check`, which calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spaceplan import timetable as tt
from spaceplan.data import Function, Scenario
from spaceplan.solution import Plan

#: The rules this module checks, in report order.
TIME_RULES = ("timetable", "sessions", "private", "fix")
#: The source of the time rules themselves.
SOURCE = "spec/formats.md §5"

AddRow = Callable[..., None]


def check_time(scenario: Scenario, plan: Plan, add: AddRow) -> None:
    """Check the plan's timetable and fixes; ``add(**row)`` per rule."""
    week = tt.plan_timetable(scenario, plan)
    _check_entries(scenario, plan, week, add)
    for f in scenario.functions:
        if f.flexible:
            continue
        rooms = plan.function_rooms.get(f.id, ())
        if len(rooms) == 1:
            _check_sessions(scenario, f, rooms[0], week, add)
            if f.private:
                _check_private(scenario, f, rooms[0], week, add)
    _check_fix(scenario, plan, add)


def _check_entries(
    scenario: Scenario, plan: Plan, week: tt.Timetable, add: AddRow
) -> None:
    # Every entry must name a known room, slot and function placed there.
    slots = set(scenario.slots)
    for room, per_slot in week.items():
        placed = set(plan.room_functions.get(room, ()))
        for slot, funcs in per_slot.items():
            if slot not in slots:
                add(
                    rule="timetable", subject=room, source=SOURCE,
                    required="a slot of the week", achieved=slot,
                    passed=False, room=room,
                    description=f"The timetable of {room} names slot "
                    f"'{slot}', which is not a slot of the week.",
                )
            for fid in funcs:
                if fid not in placed:
                    add(
                        rule="timetable", subject=f"{fid}@{room}",
                        source=SOURCE, required="placed in the room",
                        achieved=slot, passed=False, function=fid,
                        room=room,
                        description=f"The timetable has {fid} in session "
                        f"in {room} at {slot}, but the plan does not "
                        f"place {fid} in {room}.",
                    )
            if len(set(funcs)) != len(funcs):
                add(
                    rule="timetable", subject=f"{room}@{slot}",
                    source=SOURCE, required="each function once",
                    achieved=", ".join(funcs), passed=False, room=room,
                    description=f"The timetable lists a function twice "
                    f"in {room} at {slot}.",
                )


def _check_sessions(
    scenario: Scenario,
    f: Function,
    room: str,
    week: tt.Timetable,
    add: AddRow,
) -> None:
    slots = scenario.slots
    mine = tt.in_session(week, room).get(f.id, [])
    source = f.time_source
    kw: dict[str, Any] = {"function": f.id, "room": room}
    if tt.is_session(f):
        allowed = tt.window(f, slots)
        outside = [s for s in mine if s not in allowed]
        n = f.sessions or 0
        ok = len(mine) == n and not outside
        where = (
            f" within {', '.join(f.within)}" if f.within is not None else ""
        )
        words = (
            f"{f.label} is booked {len(mine)} times a week in {room}"
            + (f" ({', '.join(mine)})" if mine else "")
            + f"; it asks for {n}{where}"
            + (
                "."
                if ok
                else (
                    f", and {', '.join(outside)} lies outside."
                    if outside
                    else "."
                )
            )
        )
        add(
            rule="sessions", subject=f"{f.id}@{room}", source=source,
            required=n, achieved=len(mine), passed=ok, description=words,
            **kw,
        )
        return
    fixed = tt.fixed_slots(f, slots)
    ok = sorted(mine) == sorted(fixed)
    if ok:
        return  # a fixed schedule kept is no news for the report
    add(
        rule="sessions", subject=f"{f.id}@{room}", source=source,
        required=len(fixed), achieved=len(mine), passed=ok,
        description=(
            f"{f.label} is in session in {room} as its schedule says "
            f"({len(fixed)} slots a week)."
            if ok
            else f"{f.label} is in session in {room} at "
            f"{', '.join(mine) or 'no slot'}, but its schedule says "
            f"{', '.join(fixed)}."
        ),
        **kw,
    )


def _check_private(
    scenario: Scenario,
    f: Function,
    room: str,
    week: tt.Timetable,
    add: AddRow,
) -> None:
    index = scenario.function_index
    crowded = {
        slot: [g for g in funcs if g != f.id]
        for slot, funcs in week.get(room, {}).items()
        if f.id in funcs and len(funcs) > 1
    }
    ok = not crowded
    if ok:
        words = f"{f.label} has {room} to itself while in session."
    else:
        slot, others = next(iter(crowded.items()))
        names = ", ".join(
            scenario.functions[index[g]].label if g in index else g
            for g in others
        )
        words = (
            f"{f.label} is private, but at {slot} {room} also holds "
            f"{names}"
            + (
                f" (and in {len(crowded) - 1} more slots)."
                if len(crowded) > 1
                else "."
            )
        )
    add(
        rule="private", subject=f"{f.id}@{room}", source=f.rule_source,
        required="alone in session", achieved=len(crowded), passed=ok,
        description=words, function=f.id, room=room,
    )


def _check_fix(scenario: Scenario, plan: Plan, add: AddRow) -> None:
    for fid, room in scenario.fix.items():
        rooms = plan.function_rooms.get(fid, ())
        ok = room in rooms
        label = (
            scenario.function(fid).label
            if fid in scenario.function_index
            else fid
        )
        add(
            rule="fix", subject=fid, source="scenario fix",
            required=room, achieved=", ".join(rooms) or "none",
            passed=ok, function=fid, room=room,
            description=(
                f"{label} is in {room}, as the scenario fixes."
                if ok
                else f"The scenario fixes {label} in {room}, but the "
                f"plan puts it in {', '.join(rooms) or 'no room'}."
            ),
        )
