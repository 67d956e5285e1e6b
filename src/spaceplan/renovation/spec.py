"""The renovation models of docs/formats.md, renovation: walls, allowed moves, works.

:mod:`spaceplan.data` imports these, so they stand on pydantic alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spaceplan.errors import Fault
from spaceplan.geometry import MIN_SHARED_EDGE
from spaceplan.renovation.walls import WallRoom, shared_edge

Point = tuple[float, float]

Move = Literal["merge", "split"]
WorkKind = Literal["remove_wall", "build_wall"]


class Model(BaseModel):
    """Frozen, no unknown fields: as :class:`spaceplan.data.Model`."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Wall(Model):
    """A wall the architect describes: between two rooms, maybe load-bearing.

    ``length`` (m) is needed when the rooms have no polygons; with
    polygons it is measured from the shared edge.
    """

    between: tuple[str, str]
    structural: bool = False
    length: Annotated[float, Field(gt=0, le=1000)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Wall:
        if self.between[0] == self.between[1]:
            raise Fault("err.wall.self", rid=self.between[0])
        return self


class WorkCost(Model):
    """Prices of partition works in CNY per metre of wall."""

    remove_per_m: Annotated[float, Field(ge=0, le=1e6)] | None = None
    build_per_m: Annotated[float, Field(ge=0, le=1e6)] | None = None


class Renovation(Model):
    """Which partition moves a run may propose, and at what price."""

    allow: tuple[Move, ...] = ("merge", "split")
    cost: WorkCost = WorkCost()
    budget: Annotated[float, Field(ge=0, le=1e10)] | None = None


class Work(Model):
    """One partition removed or built, as ``result.json`` carries it.

    ``rooms`` are the two original rooms a removed wall stood between, or
    the two parts (``R104a``, ``R104b``) a new wall divides; ``line`` is the
    new wall's two end points (or the removed wall's, when polygons
    exist).
    """

    kind: WorkKind
    rooms: tuple[str, ...]
    length: float
    cost: float
    line: tuple[Point, Point] | None = None


def check_walls(rooms: Sequence[WallRoom], walls: Sequence[Wall]) -> None:
    """Raise ValueError for a ``walls`` entry that cannot be a wall.

    Unknown rooms, rooms on two floors, a pair listed twice, a pair of
    outlined rooms that share no edge, or a wall of unknown length.
    """
    by_id = {r.id: r for r in rooms}
    seen: set[frozenset[str]] = set()
    for i, wall in enumerate(walls):
        a, b = wall.between
        where = f"walls[{i}]"
        for rid in (a, b):
            if rid not in by_id:
                raise Fault("err.wall.unknown_room", where=where, rid=rid)
        key = frozenset((a, b))
        if key in seen:
            raise Fault("err.wall.twice", where=where, a=a, b=b)
        seen.add(key)
        ra, rb = by_id[a], by_id[b]
        if ra.floor != rb.floor:
            raise Fault("err.wall.floors", where=where, a=a, b=b)
        if ra.shape is not None and rb.shape is not None:
            length, _ = shared_edge(ra.shape, rb.shape)
            if length < MIN_SHARED_EDGE:
                raise Fault(
                    "err.wall.no_edge", where=where, a=a, b=b,
                    m=MIN_SHARED_EDGE,
                )
        elif wall.length is None:
            raise Fault("err.wall.length", where=where, a=a, b=b)
