"""Room outlines: validating a polygon and finding rooms that adjoin.

Plain shapely, no spaceplan model: :mod:`spaceplan.data` uses these to
derive a room's area and the building's adjacency from outlines.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import shapely
from shapely.geometry import Polygon

from spaceplan.errors import Fault
from spaceplan.limits import MAX_AREA, MAX_COORD

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


@contextlib.contextmanager
def quiet_shapely() -> Iterator[None]:
    """Silence shapely's numpy RuntimeWarnings: stray terminal lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError
    return value


def polygon_shape(points: Any) -> Polygon:
    """Build and validate an outline; raise ValueError when impossible."""
    try:
        if not isinstance(points, list | tuple) or any(
            not isinstance(p, list | tuple) or len(p) != 2 for p in points
        ):
            raise ValueError
        coords = [
            (float(_not_bool(x)), float(_not_bool(y))) for x, y in points
        ]
    except (TypeError, ValueError, OverflowError):
        raise Fault("err.poly.points") from None
    if len(coords) > 1 and coords[0] == coords[-1]:
        coords = coords[:-1]
    if len(coords) < 3:
        raise Fault("err.poly.few")
    if not all(math.isfinite(c) for p in coords for c in p):
        raise Fault("err.poly.finite")
    if any(abs(c) > MAX_COORD for p in coords for c in p):
        raise Fault("err.poly.far", max=f"{MAX_COORD:,.0f}")
    with quiet_shapely():
        shape = Polygon(coords)
        valid = shape.is_valid
        reason = "" if valid else shapely.is_valid_reason(shape)
    if not valid:
        raise Fault("err.poly.not_simple", reason_en=reason)
    if shape.area <= 1e-9:
        raise Fault("err.poly.zero")
    if shape.area > MAX_AREA:
        raise Fault(
            "err.poly.huge", area=f"{shape.area:.3g}", max=f"{MAX_AREA:,.0f}"
        )
    return shape


def first_overlap(
    rooms: Iterable[Outlined], slack: float
) -> tuple[str, str, int, float] | None:
    """The first two outlines on one floor sharing more than ``slack`` m².

    Returns ``(room a, room b, floor, shared m²)`` or None; rooms without
    an outline are skipped.
    """
    by_floor: dict[int, list[Outlined]] = {}
    for room in rooms:
        if room.shape is not None:
            by_floor.setdefault(room.floor, []).append(room)
    for floor, members in sorted(by_floor.items()):
        with quiet_shapely():
            shapes = [r.shape for r in members]
            tree = shapely.STRtree(shapes)
            left, right = tree.query(shapes, predicate="intersects")
            for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
                if j <= i:
                    continue
                shared = shapes[i].intersection(shapes[j]).area
                if shared > slack:
                    return members[i].id, members[j].id, floor, shared
    return None


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


