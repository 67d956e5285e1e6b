"""Partitions: the walls between two rooms on one floor that may move.

A partition comes from a shared polygon edge of at least
:data:`~spaceplan.geometry.MIN_SHARED_EDGE` between two rooms of kind
``room``, or from ``building.walls``. A ``walls`` entry describes the wall
it names (load-bearing or not, its length) and leaves the others movable.
Plain shapely and duck-typed rooms, so :mod:`spaceplan.data` can validate
``walls`` with :func:`check_walls`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shapely.geometry import Polygon

from spaceplan.geometry import derive_adjacency

Point = tuple[float, float]


class WallRoom(Protocol):
    """What this module reads of a room."""

    @property
    def id(self) -> str:
        """The room's id."""

    @property
    def floor(self) -> int:
        """The room's floor."""

    @property
    def kind(self) -> str:
        """room, circulation, service or unavailable."""

    @property
    def shape(self) -> Polygon | None:
        """The outline, or None."""


@dataclass(frozen=True)
class Partition:
    """A wall between two rooms of one floor."""

    rooms: tuple[str, str]
    length: float
    structural: bool
    line: tuple[Point, Point] | None = None


def shared_edge(
    a: Polygon, b: Polygon
) -> tuple[float, tuple[Point, Point] | None]:
    """Length (m) of the edge two outlines share, and its end points.

    The same 1 cm tolerance as :func:`spaceplan.geometry.derive_adjacency`;
    the end points are the two points of the shared edge farthest apart.
    """
    shared = a.boundary.intersection(b.boundary)
    length = float(shared.length)
    if length <= 0:
        # Outlines drawn a few mm apart: the tolerance band's length
        # overshoots each end by the band's width.
        shared = a.boundary.intersection(b.boundary.buffer(0.01))
        length = max(0.0, float(shared.length) - 0.02)
    if length <= 0:
        return 0.0, None
    pts = _coords(shared)
    best = max(
        itertools.combinations(pts, 2),
        key=lambda ab: (ab[0][0] - ab[1][0]) ** 2 + (ab[0][1] - ab[1][1]) ** 2,
        default=None,
    )
    if best is None:
        return round(length, 2), None
    p, q = (round(best[0][0], 3), round(best[0][1], 3)), (
        round(best[1][0], 3),
        round(best[1][1], 3),
    )
    return round(length, 2), (p, q)


def _coords(geom: Any) -> list[Point]:
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _coords(g)]
    return [(float(x), float(y)) for x, y in geom.coords]


def partitions(
    rooms: Iterable[WallRoom], walls: Sequence[Any]
) -> dict[frozenset[str], Partition]:
    """Every wall between two ``room`` rooms of one floor, by room pair.

    Pairs come from shared polygon edges and from ``walls``; a listed
    wall's ``structural`` and ``length`` win over what the polygons say.
    """
    hosts = [r for r in rooms if r.kind == "room"]
    by_id = {r.id: r for r in hosts}
    order = {r.id: i for i, r in enumerate(hosts)}
    listed = {frozenset(w.between): w for w in walls}
    pairs = set(derive_adjacency(hosts)) | {
        k for k in listed if all(rid in by_id for rid in k)
    }
    out: dict[frozenset[str], Partition] = {}
    for key in pairs:
        a, b = sorted(key, key=order.__getitem__)
        ra, rb = by_id[a], by_id[b]
        if ra.floor != rb.floor:
            continue
        length, line = 0.0, None
        if ra.shape is not None and rb.shape is not None:
            length, line = shared_edge(ra.shape, rb.shape)
        wall = listed.get(key)
        structural = bool(wall is not None and wall.structural)
        if wall is not None and wall.length is not None:
            length = round(float(wall.length), 2)
        if length <= 0:
            continue
        out[key] = Partition((a, b), length, structural, line)
    return out
