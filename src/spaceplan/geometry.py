"""Room outlines: validating a polygon and finding rooms that adjoin.

Plain shapely, no spaceplan model: :mod:`spaceplan.data` uses these to
derive a room's area and the building's adjacency from outlines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Protocol

import shapely
from shapely.geometry import Polygon

#: Shortest shared edge (m) that makes two rooms adjacent.
MIN_SHARED_EDGE = 0.8


class Outlined(Protocol):
    """A room with an id, a floor and maybe an outline."""

    @property
    def id(self) -> str:
        """The room's id."""

    @property
    def floor(self) -> int:
        """The room's floor."""

    @property
    def shape(self) -> Polygon | None:
        """The outline, or None."""


def polygon_shape(points: Any) -> Polygon:
    """Build and validate an outline; raise ValueError when impossible."""
    try:
        coords = [(float(p[0]), float(p[1])) for p in points]
        if any(len(p) != 2 for p in points):
            raise ValueError
    except (TypeError, ValueError, IndexError):
        raise ValueError(
            "polygon must be a list of [x, y] points in metres."
        ) from None
    if len(coords) > 1 and coords[0] == coords[-1]:
        coords = coords[:-1]
    if len(coords) < 3:
        raise ValueError("polygon needs at least 3 distinct points.")
    if not all(math.isfinite(c) for p in coords for c in p):
        raise ValueError("polygon has a point that is not a finite number.")
    shape = Polygon(coords)
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        raise ValueError(
            f"polygon is not a simple outline ({reason}); "
            "check for crossing edges."
        )
    if shape.area <= 1e-9:
        raise ValueError("polygon has zero area.")
    return shape


def derive_adjacency(rooms: Iterable[Outlined]) -> set[frozenset[str]]:
    """Pairs of rooms on one floor sharing an edge of at least 0.8 m."""
    by_floor: dict[int, list[Outlined]] = {}
    for room in rooms:
        if room.shape is not None:
            by_floor.setdefault(room.floor, []).append(room)
    pairs: set[frozenset[str]] = set()
    for floor_rooms in by_floor.values():
        shapes = [r.shape for r in floor_rooms]
        tree = shapely.STRtree(shapes)
        for i, room in enumerate(floor_rooms):
            shape = shapes[i]
            assert shape is not None
            for j in tree.query(shape.buffer(1e-6)):
                if j <= i:
                    continue
                other = shapes[int(j)]
                assert other is not None
                shared = shape.boundary.intersection(
                    other.boundary.buffer(0.01)
                )
                if shared.length >= MIN_SHARED_EDGE:
                    pairs.add(frozenset((room.id, floor_rooms[int(j)].id)))
    return pairs


