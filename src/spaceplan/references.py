"""Checks that a scenario's names point at something that exists.

A ``never_with`` naming no function, a ``fix`` or a ``near`` naming no
room, or a time window naming no slot is a fault in the user's file, not
something to drop quietly. The data model calls :func:`check_scenario`
once the profile is resolved; each fault is a ``ValueError`` whose words
end with the closest known name (ids and Chinese names both match).
"""

from __future__ import annotations

from typing import Any

from spaceplan import timetable
from spaceplan.errors import Fault, did_you_mean

#: The data model calls this module while it validates a scenario, so the
#: scenario is typed loosely here rather than imported back (one way).
Scenario = Any


def check_policy(policy: Any) -> None:
    """Raise ``ValueError`` on the first fault in a profile's own names."""
    if not policy.slots:
        raise Fault("err.ref.slots_empty")
    if len(set(policy.slots)) != len(policy.slots):
        raise Fault("err.ref.slots_twice")
    seen: set[str] = set()
    for f in policy.functions:
        if f.id in seen:
            raise Fault("err.ref.defined_twice", fid=f.id)
        seen.add(f.id)
    flex = [f.id for f in policy.functions if f.flexible]
    if len(flex) > 1:
        raise Fault("err.ref.flexible_found", found=flex)
    names = {f.id: f.id for f in policy.functions}
    names.update({f.name: f.id for f in policy.functions})
    for fid in policy.accounting.resident_functions:
        if fid not in seen:
            raise Fault(
                "err.ref.resident", fid=fid, hint=did_you_mean(fid, names)
            )
    for f in policy.functions:
        for other in f.never_with + f.advice.never_with:
            if other not in seen:
                raise Fault(
                    "err.ref.never_with",
                    fid=f.id,
                    other=other,
                    hint=did_you_mean(other, names),
                )
        for wish in f.near:
            if wish.function is not None and wish.function not in seen:
                raise Fault(
                    "err.ref.near_function",
                    fid=f.id,
                    other=wish.function,
                    hint=did_you_mean(wish.function, names),
                )
        if f.schedule != "always" and f.sessions is None and not f.schedule:
            raise Fault("err.ref.schedule_empty", fid=f.id)
        fault = timetable.check_time(f, policy.slots)
        if fault is not None:
            raise Fault("err.ref.time", fid=f.id, fault=fault)


def check_scenario(scenario: Scenario) -> None:
    """Raise ``ValueError`` on the first dangling name in ``scenario``."""
    _check_functions(scenario)
    _check_decisions(scenario)


def _check_functions(scenario: Scenario) -> None:
    ids = [f.id for f in scenario.functions]
    if len(set(ids)) != len(ids):
        raise Fault("err.ref.function_twice")
    known = set(ids) | set(scenario.policy.function_index)
    for f in scenario.functions:
        for other in f.never_with + f.advice.never_with:
            if other not in known:
                raise Fault(
                    "err.ref.never_with",
                    fid=f.id,
                    other=other,
                    hint=did_you_mean(other, function_names(scenario)),
                )
        fault = timetable.check_time(f, scenario.policy.slots)
        if fault is not None:
            raise Fault("err.ref.time", fid=f.id, fault=fault)
    if sum(f.flexible for f in scenario.functions) > 1:
        raise Fault("err.ref.flexible")


def _check_decisions(scenario: Scenario) -> None:
    building = scenario.building
    rooms = building.room_index
    fids = {f.id for f in scenario.functions}
    for fid, rid in scenario.fix.items():
        if fid not in fids:
            raise Fault(
                "err.ref.fix_function",
                fid=fid,
                hint=did_you_mean(fid, function_names(scenario)),
            )
        if rid not in rooms:
            raise Fault(
                "err.ref.fix_room",
                fid=fid,
                rid=rid,
                hint=did_you_mean(rid, room_names(scenario)),
            )
        room = building.room(rid)
        if not room.hosts_functions:
            raise Fault("err.ref.fix_kind", fid=fid, rid=rid, kind=room.kind)
    for f in scenario.functions:
        for wish in f.near:
            if wish.room is not None and wish.room not in rooms:
                raise Fault(
                    "err.ref.near_room",
                    fid=f.id,
                    rid=wish.room,
                    hint=did_you_mean(wish.room, room_names(scenario)),
                )


def function_names(scenario: Scenario) -> dict[str, str]:
    """Every spelling of a function (id, Chinese name) to its id."""
    names = {f.id: f.id for f in scenario.functions}
    names.update({f.name: f.id for f in scenario.functions})
    return names


def room_names(scenario: Scenario) -> dict[str, str]:
    """Every spelling of a room (id, name) to its id."""
    names = {r.id: r.id for r in scenario.building.rooms}
    names.update({r.name: r.id for r in scenario.building.rooms if r.name})
    return names
