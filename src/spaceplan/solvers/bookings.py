"""A solver's placement and booked sessions as a :class:`Plan`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spaceplan import timetable
from spaceplan.data import Function
from spaceplan.solution import Plan
from spaceplan.solvers.problem import Problem


def booked_plan(
    problem: Problem,
    pairs: Sequence[tuple[str, str]],
    booked: Mapping[int, Sequence[int]],
) -> Plan:
    """The plan of ``(function, room)`` pairs and booked slot indices.

    ``booked`` maps a function index to the slot indices it is in session
    in; the plan's timetable adds the fixed schedules.
    """
    scenario = problem.scenario
    rooms: dict[str, list[Function]] = {}
    for fid, rid in pairs:
        rooms.setdefault(rid, []).append(scenario.function(fid))
    slots = problem.slots
    by_id = {
        problem.funcs[f].id: tuple(slots[s] for s in ss)
        for f, ss in booked.items()
    }
    week = timetable.merge_bookings(rooms, by_id, slots)
    plan = Plan.from_pairs(pairs)
    return Plan(assignments=plan.assignments, timetable=week)
