"""The rooms a renovation could make: merges and splits of the originals.

A renovation option covers one or more original rooms and makes one or
more rooms of them: *keep* leaves a room as it is, *merge* removes the
partitions inside a chain or L of up to :data:`MAX_MERGE` rooms, *split*
builds one straight partition across a rectangular room. Every original
room of kind ``room`` is covered by exactly one chosen option. The solver
(:mod:`spaceplan.solvers.problem`) chooses among the options of
:func:`options`; the checker (:mod:`spaceplan.works.check`) rebuilds
the same rooms from a plan's works with :func:`merged_room` and
:func:`split_rooms`, and judges them on its own.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import shapely
from shapely.geometry import Polygon

from spaceplan import resources
from spaceplan.data import Building, Room, Scenario
from spaceplan.geometry import MIN_SHARED_EDGE, derive_adjacency
from spaceplan.renovation.spec import Renovation, Work
from spaceplan.renovation.walls import Partition, partitions, shared_edge

#: Most original rooms one merged room joins. Two or three rooms in a
#: chain or an L are what an architect opens up in a partition plan; the
#: connected sets grow combinatorially beyond that, and a larger open plan
#: is a redesign to draw by hand, not a move to price.
MAX_MERGE = 3
#: New partitions stand on this module (m) from the room's lower corner.
MODULE = 0.3
#: Smallest part a split may leave (m² and m).
MIN_PART_AREA = 6.0
MIN_PART_WIDTH = 2.1
#: Split positions tried per direction of a room (see :func:`cut_positions`).
MAX_CUTS = 3
#: Tags a merged room has when any part has them; the rest need all parts.
ANY_PART_TAGS = ("daylight", "street_access", "water", "entrance")

OptionKind = Literal["keep", "merge", "split"]
#: Slack (m) of the bounding-box test before two outlines are compared.
_NEAR = 0.05


@dataclass(frozen=True)
class Prices:
    """Prices of works in CNY per metre, with where they come from."""

    remove_per_m: float
    build_per_m: float
    source: str


@cache
def default_prices() -> Prices:
    """The bundled defaults (``solver_configs/renovation.toml``)."""
    path = resources.configs() / "renovation.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))["cost"]
    return Prices(
        float(raw["remove_per_m"]), float(raw["build_per_m"]), raw["source"]
    )


def prices(renovation: Renovation | None) -> Prices:
    """The run's prices: the scenario's, else the defaults."""
    base = default_prices()
    cost = renovation.cost if renovation is not None else None
    remove = cost.remove_per_m if cost else None
    build = cost.build_per_m if cost else None
    given = remove is not None or build is not None
    return Prices(
        base.remove_per_m if remove is None else remove,
        base.build_per_m if build is None else build,
        "scenario renovation.cost" if given else base.source,
    )


def work_cost(length: float, per_m: float) -> float:
    """A work's cost in whole yuan (what the solver and checker add)."""
    return float(round(length * per_m))


@dataclass(frozen=True)
class Option:
    """One way to treat some original rooms: keep, merge or split.

    ``rooms`` are the rooms it makes; their ids are unique among all
    options (a split part's id carries its cut, ``R104a~2``), ``names``
    are what a plan calls them (``R104a``).
    """

    kind: OptionKind
    covers: tuple[str, ...]
    rooms: tuple[Room, ...]
    names: tuple[str, ...]
    works: tuple[Work, ...] = ()

    @property
    def cost(self) -> float:
        """The works' cost in CNY."""
        return sum(w.cost for w in self.works)


# ------------------------------------------------------------------ rooms


def merged_tags(parts: Sequence[Room]) -> tuple[str, ...]:
    """Tags of a merged room: those all parts have, or any for some."""
    seen = dict.fromkeys(t for r in parts for t in r.tags)
    return tuple(
        t
        for t in seen
        if t in ANY_PART_TAGS or all(t in r.tags for r in parts)
    )


def merged_name(parts: Sequence[Room]) -> str:
    """``R101+R102``: the parts' ids in the order given."""
    return "+".join(r.id for r in parts)


def merged_room(parts: Sequence[Room], name: str | None = None) -> Room:
    """The room left when the partitions between ``parts`` come down.

    Its area is the sum of the parts' (walls are not measured), its
    outline the union of theirs when all have one.
    """
    polygon = None
    shapes = [r.shape for r in parts]
    if all(s is not None for s in shapes):
        # A hair of buffer closes the gaps of outlines drawn a few mm
        # apart; the area stays the parts' sum either way.
        eps = 0.005
        union = shapely.unary_union(
            [s.buffer(eps, join_style="mitre") for s in shapes if s]
        ).buffer(-eps, join_style="mitre")
        if isinstance(union, Polygon) and not union.is_empty:
            union = union.simplify(0.001)
            polygon = tuple(
                (round(x, 3), round(y, 3))
                for x, y in list(union.exterior.coords)[:-1]
            )
    area = sum(round(r.area * 100) for r in parts) / 100
    return Room(
        id=name or merged_name(parts),
        floor=parts[0].floor,
        area=area,
        polygon=polygon,
        kind="room",
        tags=merged_tags(parts),
    )


def rectangle(room: Room) -> tuple[float, float, float, float] | None:
    """``(xmin, ymin, xmax, ymax)`` of an axis-parallel rectangular room."""
    shape = room.shape
    if shape is None:
        return None
    x0, y0, x1, y1 = shape.bounds
    if abs((x1 - x0) * (y1 - y0) - shape.area) > 1e-4:
        return None
    return x0, y0, x1, y1


def split_rooms(
    room: Room, axis: Literal["x", "y"], at: float, tag: str = ""
) -> tuple[Room, Room, tuple[tuple[float, float], tuple[float, float]]]:
    """The two parts of ``room`` cut at ``x = at`` or ``y = at``.

    Part ``a`` is the lower one (smaller x or y). Its area is measured,
    part ``b`` gets the rest, so the parts add up to the room exactly.
    ``tag`` is appended to both ids (unique option ids in the solver).
    """
    box = rectangle(room)
    assert box is not None
    x0, y0, x1, y1 = box
    if axis == "x":
        a_box, b_box = (x0, y0, at, y1), (at, y0, x1, y1)
        line = ((at, y0), (at, y1))
    else:
        a_box, b_box = (x0, y0, x1, at), (x0, at, x1, y1)
        line = ((x0, at), (x1, at))
    units = round(room.area * 100)
    a_units = round((a_box[2] - a_box[0]) * (a_box[3] - a_box[1]) * 100)
    parts = []
    for suffix, bx, u in (("a", a_box, a_units), ("b", b_box, units - a_units)):
        parts.append(
            Room(
                id=f"{room.id}{suffix}{tag}",
                floor=room.floor,
                area=u / 100,
                polygon=_box(bx),
                kind="room",
                tags=room.tags,
            )
        )
    line = tuple((round(x, 3), round(y, 3)) for x, y in line)  # type: ignore[assignment]
    return parts[0], parts[1], line


def _box(b: tuple[float, float, float, float]) -> tuple[tuple[float, float], ...]:
    x0, y0, x1, y1 = (round(v, 3) for v in b)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def cut_ok(room: Room, axis: Literal["x", "y"], at: float) -> bool:
    """Whether a cut is on the module and leaves two usable parts."""
    box = rectangle(room)
    if box is None:
        return False
    x0, y0, x1, y1 = box
    lo, hi, depth = (x0, x1, y1 - y0) if axis == "x" else (y0, y1, x1 - x0)
    steps = (at - lo) / MODULE
    if abs(steps - round(steps)) > 1e-6:
        return False
    widths = (at - lo, hi - at)
    return all(
        w >= MIN_PART_WIDTH - 1e-9
        and depth >= MIN_PART_WIDTH - 1e-9
        and w * depth >= MIN_PART_AREA - 1e-9
        for w in widths
    )


def cut_positions(
    room: Room, axis: Literal["x", "y"], needs: Iterable[float]
) -> list[float]:
    """Where the solver may cut ``room`` across ``axis``.

    The module line nearest the middle, then for each function size
    (largest first) the first module line that leaves part ``a``, and the
    last that leaves part ``b``, just large enough for it; at most
    :data:`MAX_CUTS`, valid ones only. A part sized to a function is what
    a split is for (a room of its own); the middle keeps a generic choice.
    Every module line would give dozens of near-identical rooms.
    """
    box = rectangle(room)
    if box is None:
        return []
    x0, y0, x1, y1 = box
    lo, hi, depth = (x0, x1, y1 - y0) if axis == "x" else (y0, y1, x1 - x0)
    if depth <= 0:
        return []

    def line(k: int) -> float:
        return round(lo + k * MODULE, 3)

    wanted = [line(round((hi - lo) / 2 / MODULE))]
    for need in sorted(set(needs), reverse=True):
        k_a = math.ceil(round(need / depth / MODULE, 6))
        k_b = math.floor(round((hi - lo - need / depth) / MODULE, 6))
        wanted += [line(k_a), line(k_b)]
    out: list[float] = []
    for at in wanted:
        if at not in out and cut_ok(room, axis, at):
            out.append(at)
        if len(out) == MAX_CUTS:
            break
    return sorted(out)


def has_access(
    part: Room,
    origin: Room,
    building: Building,
    walls: dict[frozenset[str], Partition],
) -> bool:
    """The door condition of a split part.

    A part keeps access when its outline shares at least one door width
    (0.8 m) with circulation space on its floor, or with a room other
    than the one it was cut from across a partition that is not
    structural (a door can be cut there). Its sibling does not count: a
    room reached only through another room's new door is not accessible.
    """
    shape = part.shape
    if shape is None:
        return False
    x0, y0, x1, y1 = shape.bounds
    for other in building.rooms:
        if other.floor != part.floor or other.id == origin.id:
            continue
        if other.shape is None or other.kind not in ("circulation", "room"):
            continue
        # Outlines whose boxes are apart share no edge: skip the
        # geometry (a 1,000-room building: 8 s of its options).
        a0, b0, a1, b1 = other.shape.bounds
        if a0 > x1 + _NEAR or a1 < x0 - _NEAR or b0 > y1 + _NEAR or (
            b1 < y0 - _NEAR
        ):
            continue
        if other.kind == "room":
            wall = walls.get(frozenset((origin.id, other.id)))
            if wall is None or wall.structural:
                continue
        length, _ = shared_edge(shape, other.shape)
        if length >= MIN_SHARED_EDGE:
            return True
    return False


# ---------------------------------------------------------------- options


def merge_sets(
    building: Building, walls: dict[frozenset[str], Partition]
) -> list[tuple[str, ...]]:
    """Sets of 2 or 3 rooms joined by movable partitions, none structural.

    A set is a chain or an L: connected through movable partitions; a
    structural wall between any two members rules the set out (the wall
    would stay inside the room). Members are in building order.
    """
    order = building.room_index
    movable: dict[str, set[str]] = {}
    for wall in walls.values():
        if not wall.structural:
            a, b = wall.rooms
            movable.setdefault(a, set()).add(b)
            movable.setdefault(b, set()).add(a)
    found: set[tuple[str, ...]] = set()
    for a, nbrs in movable.items():
        for b in nbrs:
            found.add(tuple(sorted((a, b), key=order.__getitem__)))
        if MAX_MERGE >= 3:
            for b, c in itertools.combinations(sorted(nbrs), 2):
                trio = tuple(sorted((a, b, c), key=order.__getitem__))
                found.add(trio)
    out = []
    for group in sorted(found, key=lambda g: [order[r] for r in g]):
        inner = [
            walls[frozenset(p)]
            for p in itertools.combinations(group, 2)
            if frozenset(p) in walls
        ]
        if not any(w.structural for w in inner):
            out.append(group)
    return out


def remove_works(
    group: Sequence[str],
    walls: dict[frozenset[str], Partition],
    per_m: float,
) -> tuple[Work, ...]:
    """The partitions that come down to merge ``group``."""
    out = []
    for a, b in itertools.combinations(group, 2):
        wall = walls.get(frozenset((a, b)))
        if wall is None:
            continue
        out.append(
            Work(
                kind="remove_wall",
                rooms=wall.rooms,
                length=wall.length,
                cost=work_cost(wall.length, per_m),
                line=wall.line,
            )
        )
    return tuple(out)


def options(scenario: Scenario) -> tuple[Option, ...]:
    """Every option of the scenario's renovation, keeps first.

    Without ``renovation`` (or with nothing allowed) only keeps.
    """
    building = scenario.building
    hosts = scenario.host_rooms
    out = [
        Option("keep", (r.id,), (r,), (r.id,)) for r in hosts
    ]
    reno = scenario.renovation
    if reno is None or not reno.allow:
        return tuple(out)
    price = prices(reno)
    walls = partitions(building.rooms, building.walls)
    pinned = wish_targets(scenario)
    walls = {
        k: w for k, w in walls.items() if not set(w.rooms) & pinned
    }
    if "merge" in reno.allow:
        for group in merge_sets(building, walls):
            parts = [building.room(r) for r in group]
            room = merged_room(parts)
            works = remove_works(group, walls, price.remove_per_m)
            out.append(Option("merge", group, (room,), (room.id,), works))
    if "split" in reno.allow:
        needs = [f.min_area for f in scenario.fixed_functions]
        for room in hosts:
            if room.id not in pinned:
                out.extend(_splits(room, building, walls, needs, price))
    return tuple(out)


def wish_targets(scenario: Scenario) -> set[str]:
    """Rooms a ``near`` wish names, by id or by tag: they never move.

    A room someone wishes to be near stays as it is, so that whether a
    wish is met depends on the chosen rooms alone, in the solver as in
    the checker.
    """
    out: set[str] = set()
    for f in scenario.fixed_functions:
        for wish in f.near:
            if wish.room is not None:
                out.add(wish.room)
            elif wish.tag is not None:
                out.update(
                    r.id for r in scenario.building.rooms
                    if wish.tag in r.tags
                )
    return out


def _splits(
    room: Room,
    building: Building,
    walls: dict[frozenset[str], Partition],
    needs: Sequence[float],
    price: Prices,
) -> list[Option]:
    out: list[Option] = []
    axes: tuple[Literal["x", "y"], ...] = ("x", "y")
    for axis in axes:
        fitting = [n for n in needs if n <= room.area - MIN_PART_AREA]
        for at in cut_positions(room, axis, fitting):
            tag = f"~{axis}{at:g}"
            a, b, line = split_rooms(room, axis, at, tag)
            if not all(has_access(p, room, building, walls) for p in (a, b)):
                continue
            length = round(math.dist(*line), 2)
            names = (f"{room.id}a", f"{room.id}b")
            work = Work(
                kind="build_wall",
                rooms=names,
                length=length,
                cost=work_cost(length, price.build_per_m),
                line=line,
            )
            out.append(Option("split", (room.id,), (a, b), names, (work,)))
    return out


def adjacency(
    building: Building,
    rooms: Sequence[Room],
    covers: Sequence[tuple[str, ...]],
    siblings: Sequence[int] | None = None,
) -> set[frozenset[str]]:
    """Which of ``rooms`` (made from ``covers`` originals) adjoin.

    Two rooms adjoin when they share no original room (or are the two
    parts of one split, ``siblings`` giving each room's option) and, with
    derived adjacency, their outlines share an edge of 0.8 m; with a
    stated ``adjacency`` (or a room without outline), when an original of
    one adjoins an original of the other.
    """
    index = {r.id: i for i, r in enumerate(rooms)}
    group = list(siblings) if siblings is not None else list(range(len(rooms)))
    geometric = building.adjacency is None
    out: set[frozenset[str]] = set()
    if geometric:
        for pair in derive_adjacency(rooms):
            i, j = (index[r] for r in pair)
            if set(covers[i]) & set(covers[j]) and group[i] != group[j]:
                continue
            out.add(pair)
    by_orig: dict[str, list[int]] = {}
    for i, cov in enumerate(covers):
        for rid in cov:
            by_orig.setdefault(rid, []).append(i)
    for pair in building.adjacent_pairs:
        a, b = tuple(pair)
        for i in by_orig.get(a, ()):
            for j in by_orig.get(b, ()):
                if i == j or set(covers[i]) & set(covers[j]):
                    continue
                if geometric and rooms[i].shape and rooms[j].shape:
                    continue
                out.add(frozenset((rooms[i].id, rooms[j].id)))
    if not geometric:
        for i, j in itertools.combinations(range(len(rooms)), 2):
            if group[i] == group[j] and covers[i] == covers[j]:
                out.add(frozenset((rooms[i].id, rooms[j].id)))
    return out
