"""The week, its slot groups and patterns, and the arithmetic of bookings.

The default week has 21 slots, seven days of three periods (``mon_am``
… ``sun_eve``). The six slot names of version 1 stay usable as groups of
that week (``weekday_am`` is ``mon_am`` … ``fri_am``, ``weekend_eve`` is
``sat_eve`` and ``sun_eve``), so a v1 schedule keeps its meaning; a
profile may still list its own ``slots`` (the v1 six-slot week, say), and
then names are matched against those. A name in a schedule or a
``within`` window is a slot, a group, or a shell pattern (``sat_*``).

A *timetable* is ``{room: {slot: (function, …)}}``: who is in session
where and when. Solver and checker both read a plan's time through the
functions of this module, so they agree on what a schedule means.

Nothing here imports the data model at run time: :mod:`spaceplan.data`
imports this module.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, Self, TypeVar

from spaceplan.errors import Fault, Msg


class Timed(Protocol):
    """What this module reads of a function (:class:`~spaceplan.data.
    Function` has it; the protocol keeps the import one way)."""

    @property
    def id(self) -> str: ...  # noqa: D102

    @property
    def flexible(self) -> bool: ...  # noqa: D102

    @property
    def schedule(self) -> tuple[str, ...] | str: ...  # noqa: D102

    @property
    def sessions(self) -> int | None: ...  # noqa: D102

    @property
    def within(self) -> tuple[str, ...] | None: ...  # noqa: D102

    def model_copy(  # noqa: D102
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Self: ...


Function = TypeVar("Function", bound=Timed)

#: Days of the default week, Monday first.
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = DAYS[:5]
WEEKEND = DAYS[5:]
#: Periods of a day.
PERIODS = ("am", "pm", "eve")
#: The default week: 21 slots, day by day.
WEEK = tuple(f"{d}_{p}" for d in DAYS for p in PERIODS)
#: The six slots of version 1, still a profile setting.
V1_SLOTS = (
    "weekday_am",
    "weekday_pm",
    "weekday_eve",
    "weekend_am",
    "weekend_pm",
    "weekend_eve",
)
#: The v1 names as groups of the default week.
GROUPS: dict[str, tuple[str, ...]] = {
    f"{part}_{p}": tuple(f"{d}_{p}" for d in days)
    for part, days in (("weekday", WEEKDAYS), ("weekend", WEEKEND))
    for p in PERIODS
}

#: A timetable: room -> slot -> the functions in session there and then.
Timetable = dict[str, dict[str, tuple[str, ...]]]


def expand(names: Iterable[str], slots: Sequence[str]) -> tuple[str, ...]:
    """The slots of ``slots`` that ``names`` stand for, in week order.

    A name is a slot of ``slots``, a group of :data:`GROUPS` whose slots
    are in ``slots``, or a shell pattern (``sat_*``) matching some of
    them.

    Raises
    ------
    ValueError
        When a name stands for no slot of ``slots``.
    """
    chosen: set[str] = set()
    for name in names:
        found = slots_of_name(name, slots)
        if not found:
            raise Fault(unknown_slot(name, slots))
        chosen.update(found)
    return tuple(s for s in slots if s in chosen)


def slots_of_name(name: str, slots: Sequence[str]) -> tuple[str, ...]:
    """The slots one name stands for (empty when none)."""
    if name in slots:
        return (name,)
    group = GROUPS.get(name)
    if group is not None and all(s in slots for s in group):
        return group
    if any(c in name for c in "*?["):
        return tuple(s for s in slots if fnmatch.fnmatchcase(s, name))
    return ()


def unknown_slot(name: str, slots: Sequence[str]) -> Msg:
    """The words for a slot name that stands for nothing."""
    groups = [g for g, members in GROUPS.items() if set(members) <= set(slots)]
    known = (
        f"{slots[0]} … {slots[-1]}" if len(slots) > 6 else ", ".join(slots)
    )
    if groups:
        return Msg(
            "err.slot.unknown_or_group",
            name=name,
            known=known,
            groups=", ".join(groups),
        )
    return Msg("err.slot.unknown", name=name, known=known)


def is_session(function: Function) -> bool:
    """Whether the solver chooses the function's slots (``sessions``)."""
    return function.sessions is not None


def fixed_slots(function: Function, slots: Sequence[str]) -> tuple[str, ...]:
    """The slots a fixed schedule names; none for a session function."""
    if is_session(function):
        return ()
    if function.schedule == "always":
        return tuple(slots)
    return expand(function.schedule, slots)


def window(function: Function, slots: Sequence[str]) -> tuple[str, ...]:
    """The slots a session function may be booked in (all by default)."""
    if function.within is None:
        return tuple(slots)
    return expand(function.within, slots)


def weekly_count(function: Function, slots: Sequence[str]) -> int:
    """How many slots a week the function is in session."""
    if function.sessions is not None:
        return function.sessions
    return len(fixed_slots(function, slots))


def time_fields_fault(function: Any) -> Msg | None:
    """What is wrong with how a function gives its time, or None.

    ``function`` is a data-model function while it is being validated
    (``model_fields_set`` tells whether ``schedule`` was written).
    """
    if function.sessions is None:
        return (
            Msg("err.time.within_alone")
            if function.within is not None
            else None
        )
    if "schedule" in function.model_fields_set and function.schedule != (
        "always"
    ):
        return Msg("err.time.both")
    if function.within is not None and not function.within:
        return Msg("err.time.within_empty")
    return None


def check_time(function: Function, slots: Sequence[str]) -> Msg | None:
    """What is wrong with a function's time in this week, or None."""
    try:
        if function.schedule != "always" and not is_session(function):
            expand(function.schedule, slots)
        if function.within is not None:
            allowed = expand(function.within, slots)
            n = function.sessions or 0
            if n > len(allowed):
                return Msg(
                    "err.time.window",
                    n=n,
                    within=", ".join(function.within),
                    k=len(allowed),
                )
        elif function.sessions is not None and function.sessions > len(
            slots
        ):
            return Msg("err.time.week", n=function.sessions, k=len(slots))
    except Fault as exc:
        return exc.msg
    return None


def merge_time(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[
    str, Any
]:
    """``change`` over ``base`` where a new time replaces the old one.

    A change giving ``sessions`` (or ``within``) replaces the base's
    ``schedule``; one giving ``schedule`` replaces its ``sessions`` and
    ``within``.
    """
    merged = dict(base)
    if "sessions" in change or "within" in change:
        merged.pop("schedule", None)
    if "schedule" in change:
        merged.pop("sessions", None)
        merged.pop("within", None)
    merged.update(change)
    return merged


# ---------------------------------------------------------------- bookings


def fixed_timetable(
    room_functions: Mapping[str, Sequence[Function]], slots: Sequence[str]
) -> Timetable:
    """The timetable that fixed schedules alone give, per room."""
    return merge_bookings(room_functions, {}, slots)


def merge_bookings(
    room_functions: Mapping[str, Sequence[Function]],
    booked: Mapping[str, Sequence[str]],
    slots: Sequence[str],
) -> Timetable:
    """The full timetable: fixed schedules plus booked sessions.

    ``booked`` maps a session function to the slots it was given; a
    function placed in several rooms (the flexible one) is in session in
    each of them.
    """
    out: Timetable = {}
    for room, funcs in room_functions.items():
        per_slot: dict[str, list[str]] = {}
        for f in funcs:
            if f.flexible:
                continue
            mine = (
                booked.get(f.id, ())
                if is_session(f)
                else fixed_slots(f, slots)
            )
            for s in mine:
                per_slot.setdefault(s, []).append(f.id)
        if per_slot:
            out[room] = {
                s: tuple(per_slot[s]) for s in slots if s in per_slot
            }
    return out


def in_session(timetable: Timetable, room: str) -> dict[str, list[str]]:
    """Function id to the slots it is in session in ``room``."""
    out: dict[str, list[str]] = {}
    for slot, funcs in timetable.get(room, {}).items():
        for f in funcs:
            out.setdefault(f, []).append(slot)
    return out


def booked_copy(function: Function, slots: Sequence[str]) -> Function:
    """The function as booked: a fixed schedule of exactly ``slots``.

    Room capacity, peak use and accounting then read a booked plan with
    the same arithmetic as a fixed one. The copy is not validated again
    on purpose: a plan may book too few sessions, which the checker
    reports.
    """
    return function.model_copy(
        update={"schedule": tuple(slots), "sessions": None, "within": None}
    )


def sessions_of(timetable: Timetable) -> dict[str, tuple[str, ...]]:
    """Function id to every slot it is in session in, over all rooms."""
    out: dict[str, list[str]] = {}
    for per_slot in timetable.values():
        for slot, funcs in per_slot.items():
            for f in funcs:
                out.setdefault(f, []).append(slot)
    return {f: tuple(s) for f, s in out.items()}


def plan_timetable(scenario: Any, plan: Any) -> Timetable:
    """A plan's timetable: its own, or the one its fixed schedules give.

    A plan made before sessions existed (a v1 plan file) carries none;
    its fixed functions are then in session as their schedules say, and
    a function with ``sessions`` is booked nowhere.
    """
    if plan.timetable is not None:
        return {
            room: {s: tuple(fs) for s, fs in per_slot.items()}
            for room, per_slot in plan.timetable.items()
        }
    index = scenario.function_index
    rooms = {
        room: [scenario.functions[index[f]] for f in funcs if f in index]
        for room, funcs in plan.room_functions.items()
    }
    return fixed_timetable(rooms, scenario.slots)


def booked_functions(
    functions: Sequence[Function],
    timetable: Timetable,
    room: str,
    slots: Sequence[str],
) -> list[Function]:
    """The functions of ``room`` as the timetable books them there.

    Slots the week does not have are left out here; the checker reports
    them.
    """
    mine = in_session(timetable, room)
    week = set(slots)
    return [
        f
        if f.flexible
        else booked_copy(f, tuple(s for s in mine.get(f.id, ()) if s in week))
        for f in functions
    ]
