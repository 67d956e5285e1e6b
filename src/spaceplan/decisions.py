"""Decisions the architect has made: fixed rooms and wishes for rooms.

``fix`` (function → room) is a hard rule the data model validates; a
``near`` wish may name a room (``{room: L101}``) or a room tag
(``{tag: entrance}``) instead of a function. The wish is met when the
function's room is that room, carries that tag, or shares a wall with
one that does. Solver, objective and report read the wishes through
:func:`room_wishes`, so they agree on which are met.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spaceplan.data import Building, Function, Near, Scenario
from spaceplan.solution import Plan
from spaceplan.timetable import weekly_count


@dataclass(frozen=True)
class RoomWish:
    """A ``near`` wish for a room or a tag, with the rooms that meet it."""

    function: str
    wish: Near
    zone: frozenset[str]

    @property
    def weight(self) -> float:
        """The wish's weight."""
        return self.wish.weight

    @property
    def target(self) -> str:
        """The room id or ``tag:<tag>`` the wish names."""
        if self.wish.room is not None:
            return self.wish.room
        return f"tag:{self.wish.tag}"


def wish_zone(building: Building, wish: Near) -> frozenset[str]:
    """Rooms meeting a room or tag wish: the targets and their neighbours.

    Empty for a function wish, or for a tag no room carries.
    """
    if wish.room is not None:
        targets = {wish.room}
    elif wish.tag is not None:
        targets = {r.id for r in building.rooms if wish.tag in r.tags}
    else:
        return frozenset()
    zone = set(targets)
    for pair in building.adjacent_pairs:
        a, b = tuple(pair)
        if a in targets:
            zone.add(b)
        if b in targets:
            zone.add(a)
    return frozenset(zone)


def room_wishes(scenario: Scenario) -> tuple[RoomWish, ...]:
    """Every room or tag wish of the run's placed-once functions.

    A tag wish lapses when no room of the building carries the tag: it
    can be neither met nor missed.
    """
    return tuple(_room_wishes(scenario))


def _room_wishes(scenario: Scenario) -> Iterator[RoomWish]:
    building = scenario.building
    for f in scenario.fixed_functions:
        for wish in f.near:
            if wish.function is not None:
                continue
            zone = wish_zone(building, wish)
            if wish.tag is not None and not zone:
                continue
            yield RoomWish(f.id, wish, zone)


def room_wishes_met(scenario: Scenario, plan: Plan) -> list[bool]:
    """For each of :func:`room_wishes`, in order: is it met?"""
    placement = plan.placement()
    return [
        placement.get(w.function) in w.zone for w in room_wishes(scenario)
    ]


def entrance_rooms(scenario: Scenario) -> tuple[str, ...]:
    """Rooms tagged ``entrance`` (the main entrance, its lobby)."""
    return tuple(
        r.id for r in scenario.building.rooms if "entrance" in r.tags
    )


def function_ref(ref: str, functions: tuple[Function, ...]) -> str | None:
    """The id a function reference (an id or a Chinese name) stands for."""
    for f in functions:
        if ref in (f.id, f.name):
            return f.id
    return None


# --------------------------------------------------------------- tie-break

#: Weight of one extra floor of a function group in the tie-break.
FLOOR_GROUP_WEIGHT = 10
#: Metres a floor change adds to a walk from the entrance.
METRES_PER_FLOOR = 5
#: Categories whose rooms residents visit (counted by weekly sessions).
VISITED = ("resident", "service")


@dataclass(frozen=True)
class TieBreak:
    """The secondary objective: what an architect prefers among equals.

    All three are costs (lower is better): ``group_floors``, the floors a
    category's functions spread over, summed over categories with two
    functions or more; ``visit_floors``, each visited function's weekly
    sessions times its storeys from the ground floor; ``walk``, metres
    from the entrance to each function that wishes to be at it (room
    centres, when the rooms have outlines).
    """

    group_floors: int
    visit_floors: int
    walk: int

    @property
    def cost(self) -> int:
        """The combined cost the solver minimises among equal plans."""
        return (
            FLOOR_GROUP_WEIGHT * self.group_floors
            + self.visit_floors
            + self.walk
        )


def storeys_from_ground(floor: int) -> int:
    """Storeys between a floor and the ground floor (1)."""
    return floor - 1 if floor >= 1 else -floor


def visits(function: Function, slots: tuple[str, ...]) -> int:
    """How often residents come to a function: its slots a week."""
    if function.flexible or function.category not in VISITED:
        return 0
    return weekly_count(function, slots)


def entrance_walks(scenario: Scenario) -> dict[str, dict[str, int]]:
    """Metres from the entrance to each host room, per function wishing it.

    For each function with a ``{tag: entrance}`` wish: room id to the
    distance (whole metres) from the nearest entrance room's centre to
    the room's centre, plus :data:`METRES_PER_FLOOR` per floor between.
    Empty when rooms lack outlines.
    """
    building = scenario.building
    doors = [r for r in building.rooms if "entrance" in r.tags]
    if not doors or any(r.shape is None for r in doors):
        return {}
    hosts = scenario.host_rooms
    if any(r.shape is None for r in hosts):
        return {}
    table: dict[str, int] = {}
    for room in hosts:
        assert room.shape is not None
        centre = room.shape.centroid
        best = None
        for door in doors:
            assert door.shape is not None
            metres = centre.distance(door.shape.centroid) + (
                METRES_PER_FLOOR * abs(room.floor - door.floor)
            )
            best = metres if best is None else min(best, metres)
        table[room.id] = round(best or 0.0)
    return {
        f.id: table
        for f in scenario.fixed_functions
        if any(w.tag == "entrance" for w in f.near)
    }


def room_floor(building: Building, room_id: str) -> int:
    """The floor of a room, or of the rooms a merge or a split made it
    from (``V101+V102``: V101's; ``R104a``: R104's)."""
    for rid in (room_id, room_id.split("+")[0], room_id[:-1]):
        if rid in building.room_index:
            return building.room(rid).floor
    raise KeyError(room_id)


def tiebreak(scenario: Scenario, plan: Plan) -> TieBreak:
    """The secondary objective of a plan (see :class:`TieBreak`)."""
    building = scenario.building
    placement = plan.placement()
    slots = scenario.slots
    by_group: dict[str, set[int]] = {}
    members: dict[str, int] = {}
    visit = 0
    for f in scenario.fixed_functions:
        room = placement.get(f.id)
        if room is None:
            continue
        try:
            # A merged or split room stands on its parts' floor.
            floor = room_floor(building, room)
        except KeyError:
            continue
        by_group.setdefault(f.category, set()).add(floor)
        members[f.category] = members.get(f.category, 0) + 1
        visit += visits(f, slots) * storeys_from_ground(floor)
    groups = sum(
        len(floors) for c, floors in by_group.items() if members[c] > 1
    )
    walk = sum(
        table.get(placement.get(fid, ""), 0)
        for fid, table in entrance_walks(scenario).items()
    )
    return TieBreak(groups, visit, walk)
