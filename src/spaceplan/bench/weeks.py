"""Booked weeks for generated instances: sessions and private rooms.

The generator plants its plan in the six-slot week of version 1; a
``sessions`` instance moves the narrow schedules to booked sessions of
the 21-slot week and books the planted plan, so that it stays feasible.
"""

from __future__ import annotations

from spaceplan import rules, timetable
from spaceplan.data import Function

#: Templates whose time stays fixed in a ``sessions`` week (opening hours).
OPEN_HOURS = ("service_hall", "community_office", "reading_room")
#: Templates booked privately in a ``sessions`` week.
PRIVATE = ("mediation_room", "social_work_room", "minors_protection")


def _template_id(fid: str) -> str:
    base, _, copy = fid.rpartition("_")
    return base if base and copy.isdigit() else fid


def book_sessions(
    funcs: list[Function],
    groups: list[list[Function]],
    pairs: list[tuple[str, str]],
    v1_slots: tuple[str, ...],
) -> tuple[list[Function], timetable.Timetable]:
    """The functions with booked time, and the planted plan's bookings.

    Each function with a narrow schedule (opening hours aside) asks for
    half its slots of the 21-slot week as sessions within that schedule;
    the mediation, social-work and minors' rooms are private. The
    planted rooms are booked slot by slot (private ones first, each in
    the least used free slots); a private function that finds no free
    slot in its planted room is made not private, so the planted plan
    stays feasible by construction.
    """
    week = timetable.WEEK
    room_of = dict(pairs)
    changed: dict[str, Function] = {}
    for f in funcs:
        tid = _template_id(f.id)
        if f.schedule == "always" or tid in OPEN_HOURS:
            continue
        window = timetable.expand(f.schedule, week)
        changed[f.id] = f.model_copy(
            update={
                "schedule": "always",
                "sessions": max(1, len(window) // 2),
                "within": tuple(f.schedule),
                "private": tid in PRIVATE,
            }
        )
    booked: dict[str, tuple[str, ...]] = {}
    for group in groups:
        members = [changed.get(f.id, f) for f in group]
        need = {f.id: rules.to_units(f.min_area) for f in members}
        # The planted room fits the v1 peak, and any booking within the
        # v1 schedules loads a slot no more than that.
        cap = rules.peak_use(group, v1_slots)
        load = dict.fromkeys(week, 0)
        count = dict.fromkeys(week, 0)
        alone = dict.fromkeys(week, False)
        fixed = [f for f in members if f.sessions is None]
        for f in fixed:
            for s in timetable.fixed_slots(f, week):
                load[s] += need[f.id]
                count[s] += 1
        order = sorted(
            (f for f in members if f.sessions is not None),
            key=lambda f: (not f.private, f.id),
        )
        for f in order:
            n = f.sessions or 0
            free = [
                s
                for s in timetable.window(f, week)
                if load[s] + need[f.id] <= cap
                and not alone[s]
                and (not f.private or count[s] == 0)
            ]
            if len(free) < n and f.private:
                f = f.model_copy(update={"private": False})
                changed[f.id] = f
                free = [
                    s
                    for s in timetable.window(f, week)
                    if load[s] + need[f.id] <= cap and not alone[s]
                ]
            free.sort(key=lambda s: (load[s], week.index(s)))
            take = tuple(sorted(free[:n], key=week.index))
            if len(take) < n:
                raise ValueError(f"cannot book the planted {f.id}.")
            for s in take:
                load[s] += need[f.id]
                count[s] += 1
                alone[s] = alone[s] or f.private
            booked[f.id] = take
    out = [changed.get(f.id, f) for f in funcs]
    rooms: dict[str, list[Function]] = {}
    for f in out:
        if f.id in room_of:
            rooms.setdefault(room_of[f.id], []).append(f)
    return out, timetable.merge_bookings(rooms, booked, week)
