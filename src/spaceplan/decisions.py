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
