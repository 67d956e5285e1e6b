"""The checker's rules of time and of the architect's decisions.

Read from a plan's timetable alone (:mod:`spaceplan.timetable`): every
function in session exactly as often as it asks, within its window, only
in its own room; a ``private`` function alone while in session; and each
``fix`` met. Capacity per slot is the checker's ``min_area`` rule, which
reads the same timetable. Rows are handed to a callback so that this
module needs nothing from :mod:`spaceplan.check`, which calls it; each
row carries the catalogue key of its sentence and the sentence's fields
(``locale/check.toml``), and the checker words it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spaceplan import timetable as tt
from spaceplan.data import Function, Scenario
from spaceplan.i18n import t
from spaceplan.solution import Plan

#: The rules this module checks, in report order.
TIME_RULES = ("timetable", "sessions", "private", "fix")
#: The source of the time rules themselves: the scenario format.
SOURCE = t("chk.src.time", "en")
#: The source of a ``fix`` row: the scenario itself.
FIX_SOURCE = t("chk.src.fix", "en")

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
                    passed=False, room=room, key="chk.tt.bad_slot",
                    fields={
                        "room": room,
                        "slot": slot,
                        "required_key": "chk.v.week_slot",
                        "achieved_key": "chk.v.slot",
                    },
                )
            for fid in funcs:
                if fid not in placed:
                    add(
                        rule="timetable", subject=f"{fid}@{room}",
                        source=SOURCE, required="placed in the room",
                        achieved=slot, passed=False, function=fid,
                        room=room, key="chk.tt.not_placed",
                        fields={
                            "f": fid,
                            "room": room,
                            "slot": slot,
                            "required_key": "chk.v.placed_in_room",
                            "achieved_key": "chk.v.slot",
                        },
                    )
            if len(set(funcs)) != len(funcs):
                add(
                    rule="timetable", subject=f"{room}@{slot}",
                    source=SOURCE, required="each function once",
                    achieved=", ".join(funcs), passed=False, room=room,
                    key="chk.tt.twice",
                    fields={
                        "room": room,
                        "slot": slot,
                        "others": list(funcs),
                        "required_key": "chk.v.each_once",
                        "achieved_key": "chk.v.others",
                    },
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
        fields: dict[str, Any] = {
            "f": f.id,
            "room": room,
            "got": len(mine),
            "n": n,
            "slots": list(mine),
        }
        key = "chk.sessions.ok"
        if f.within is not None:
            key = "chk.sessions.within"
            fields["within"] = list(f.within)
            if outside:
                key = "chk.sessions.outside"
                fields["outside"] = outside
        add(
            rule="sessions", subject=f"{f.id}@{room}", source=source,
            required=n, achieved=len(mine), passed=ok, key=key,
            fields=fields, **kw,
        )
        return
    fixed = tt.fixed_slots(f, slots)
    ok = sorted(mine) == sorted(fixed)
    if ok:
        return  # a fixed schedule kept is no news for the report
    add(
        rule="sessions", subject=f"{f.id}@{room}", source=source,
        required=len(fixed), achieved=len(mine), passed=ok,
        key="chk.schedule.bad",
        fields={
            "f": f.id,
            "room": room,
            "slots": list(mine),
            "fixed": list(fixed),
        },
        **kw,
    )


def _check_private(
    scenario: Scenario,
    f: Function,
    room: str,
    week: tt.Timetable,
    add: AddRow,
) -> None:
    crowded = {
        slot: [g for g in funcs if g != f.id]
        for slot, funcs in week.get(room, {}).items()
        if f.id in funcs and len(funcs) > 1
    }
    ok = not crowded
    fields: dict[str, Any] = {"f": f.id, "room": room}
    if ok:
        key = "chk.private.ok"
    else:
        slot, others = next(iter(crowded.items()))
        fields.update(slot=slot, others=others)
        key = "chk.private.bad"
        if len(crowded) > 1:
            key = "chk.private.bad_more"
            fields["more"] = len(crowded) - 1
    fields["required_key"] = "chk.v.alone_in_session"
    add(
        rule="private", subject=f"{f.id}@{room}", source=f.rule_source,
        required="alone in session", achieved=len(crowded), passed=ok,
        key=key, fields=fields, function=f.id, room=room,
    )


def _check_fix(scenario: Scenario, plan: Plan, add: AddRow) -> None:
    for fid, room in scenario.fix.items():
        rooms = plan.function_rooms.get(fid, ())
        ok = room in rooms
        add(
            rule="fix", subject=fid, source=FIX_SOURCE,
            required=room, achieved=", ".join(rooms) or "none",
            passed=ok, function=fid, room=room,
            key="chk.fix.ok" if ok else "chk.fix.bad",
            fields={
                "f": fid,
                "room": room,
                "rooms": list(rooms),
                "achieved_key": "chk.v.rooms",
            },
        )
