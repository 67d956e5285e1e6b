"""Partitions for a generated scenario: outlines, walls, a renovation.

:func:`spaceplan.bench.generate.generate` lays each floor out as a
double-loaded corridor: the rooms of one side adjoin in a row. This
module draws that layout (rooms :data:`DEPTH` m deep, as wide as their
area needs, the corridor between the two rows), lists every wall between
neighbours, makes a share of them structural, and allows merges and
splits. Rooms, functions and adjacency stay what they were, so the same
instance can be solved with moves on and off.
"""

from __future__ import annotations

import random
from typing import Any

from spaceplan.data import Building, Room, Scenario
from spaceplan.renovation.spec import Renovation, Wall

#: Depth (m) of every room, from the corridor to the outer wall.
DEPTH = 6.0
#: Share of the walls between neighbours that are load-bearing.
STRUCTURAL_SHARE = 0.3


def with_partitions(
    scenario: Scenario,
    structural: float = STRUCTURAL_SHARE,
    seed: int = 0,
    renovation: Renovation | None = None,
) -> Scenario:
    """``scenario`` with room outlines, walls and a renovation.

    Parameters
    ----------
    scenario : Scenario
        A generated scenario (rooms of a side in id order).
    structural : float
        Share of the walls between neighbours that never move.
    seed : int
        Seed of the structural draw.
    renovation : Renovation or None
        The moves allowed; None allows merges and splits at the default
        prices, without a budget.

    Returns
    -------
    Scenario
        The same rooms, functions and adjacency, drawn and walled.
    """
    rng = random.Random(f"spaceplan-bench-walls-{scenario.name}-{seed}")
    building = scenario.building
    rooms: list[Room] = []
    for floor in building.floors:
        rooms += _draw_floor(
            [r for r in building.rooms if r.floor == floor]
        )
    walls = tuple(
        Wall(between=(a, b), structural=rng.random() < structural)
        for a, b in sorted(tuple(sorted(p)) for p in building.adjacent_pairs)
    )
    drawn = Building(
        rooms=tuple(rooms),
        adjacency=building.adjacency,
        survey=building.survey,
        walls=walls,
    )
    fields: dict[str, Any] = {
        k: getattr(scenario, k) for k in type(scenario).model_fields
    }
    fields.update(
        building=drawn,
        renovation=renovation or Renovation(allow=("merge", "split")),
    )
    return Scenario(**fields)


def _draw_floor(spaces: list[Room]) -> list[Room]:
    hosts = [r for r in spaces if r.kind == "room"]
    half = (len(hosts) + 1) // 2
    sides = (hosts[:half], hosts[half:])
    widths = [[r.area / DEPTH for r in side] for side in sides]
    length = max((sum(w) for w in widths), default=1.0) or 1.0
    out: dict[str, Room] = {}
    corridor = next(
        (r for r in spaces if r.kind == "circulation" and r.id.endswith("-C")),
        None,
    )
    aisle = corridor.area / length if corridor is not None else 0.0
    for k, (side, ws) in enumerate(zip(sides, widths, strict=True)):
        y0 = 0.0 if k == 0 else DEPTH + aisle
        x = 0.0
        for room, w in zip(side, ws, strict=True):
            out[room.id] = _outlined(room, _box(x, y0, x + w, y0 + DEPTH))
            x += w
    if corridor is not None:
        out[corridor.id] = _outlined(
            corridor, _box(0.0, DEPTH, length, DEPTH + aisle)
        )
    return [out.get(r.id, r) for r in spaces]


def _box(
    x0: float, y0: float, x1: float, y1: float
) -> tuple[tuple[float, float], ...]:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _outlined(room: Room, polygon: tuple[tuple[float, float], ...]) -> Room:
    data = room.model_dump()
    data["polygon"] = polygon
    return Room.model_validate(data)
