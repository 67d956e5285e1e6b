"""Renovation works of a candidate, as the outputs read and show them.

A candidate of a renovation run carries ``works`` (docs/formats.md,
renovation and result): partitions removed (``remove_wall``) and built
(``build_wall``), each with the rooms it touches, its length, its cost
in CNY and, where the rooms have outlines, its ``line``. Its ``rooms``
use the new room names: ``R101+R102`` for a merge, ``R104a`` and
``R104b`` (``parts_of`` ``R104``) for a split.

This module reads those fields from a candidate object or a mapping
(``result.json``) and tolerates their absence: a candidate without works
gives no works and :func:`renovated_scenario` returns the scenario
itself, so every output stays as it was. Nothing here decides whether
works are allowed or priced right; :mod:`spaceplan.check` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from pydantic import ValidationError
from shapely.geometry import LineString, Polygon
from shapely.ops import linemerge, split

from spaceplan.data import Building, Room, Scenario
from spaceplan.i18n import Lang, t

#: The kinds of work, in the order tables list them.
KINDS = ("remove_wall", "build_wall")

Segment = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Work:
    """One partition removed or built."""

    kind: str
    rooms: tuple[str, ...]
    length: float
    cost: float
    line: Segment | None = None


@dataclass(frozen=True)
class WallLine:
    """Where a work lies on its floor: one or more polylines (metres)."""

    work: Work
    floor: int
    paths: tuple[Segment, ...]


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """A field of a model or a mapping; ``default`` when it has none."""
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _line(value: Any) -> Segment | None:
    try:
        pts = tuple((float(p[0]), float(p[1])) for p in value or ())
    except (TypeError, ValueError, IndexError):
        return None
    return pts if len(pts) >= 2 else None


def works_of(candidate: Any) -> tuple[Work, ...]:
    """The works of ``candidate``, removals first; () when it has none.

    Entries of an unknown kind are left out.
    """
    out = []
    for item in _get(candidate, "works") or ():
        kind = str(_get(item, "kind", ""))
        if kind not in KINDS:
            continue
        out.append(
            Work(
                kind=kind,
                rooms=tuple(str(r) for r in _get(item, "rooms") or ()),
                length=float(_get(item, "length", 0.0) or 0.0),
                cost=float(_get(item, "cost", 0.0) or 0.0),
                line=_line(_get(item, "line")),
            )
        )
    return tuple(sorted(out, key=lambda w: KINDS.index(w.kind)))


def works_total(candidate: Any) -> float:
    """The candidate's works cost (CNY): ``metrics.works_cost`` when it
    states one, else the sum of its works."""
    stated = _get(_get(candidate, "metrics"), "works_cost")
    if stated is not None:
        return float(stated)
    return sum(w.cost for w in works_of(candidate))


def _records(candidate: Any) -> dict[str, Any]:
    """The candidate's room entries by room name."""
    out = {}
    for rec in _get(candidate, "rooms") or ():
        name = _get(rec, "room")
        if name is not None:
            out[str(name)] = rec
    return out


def split_parent(candidate: Any, part: str) -> str:
    """The room a split part comes from: its ``parts_of``, else its name
    without the trailing letter (``R104a`` -> ``R104``)."""
    stated = _get(_records(candidate).get(part), "parts_of")
    if stated:
        return str(stated)
    return part[:-1] if len(part) > 1 and part[-1].isalpha() else part


# ------------------------------------------------------------- geometry


def _outline(rec: Any) -> Polygon | None:
    pts = _line(_get(rec, "polygon"))
    if pts is None or len(pts) < 3:
        return None
    shape = Polygon(pts)
    return shape if shape.is_valid and shape.area > 0 else None


def _room(
    rid: str,
    like: Room,
    area: float,
    shape: Polygon | None,
    name: str | None,
) -> Room:
    """A drawn room; without its outline when that does not validate."""
    fields: dict[str, Any] = {
        "id": rid, "floor": like.floor, "area": area, "kind": like.kind,
        "name": name, "tags": like.tags,
    }  # fmt: skip
    if shape is not None and isinstance(shape, Polygon):
        coords = list(shape.exterior.coords)[:-1]
        try:
            return Room(**fields, polygon=coords)
        except ValidationError:
            pass
    return Room(**fields)


def _split_shapes(
    parent: Room, line: Segment | None
) -> tuple[Polygon, Polygon] | None:
    """The two pieces of ``parent`` cut along ``line``, left/lower first."""
    if parent.shape is None or line is None:
        return None
    minx, miny, maxx, maxy = parent.shape.bounds
    far = 2 * max(maxx - minx, maxy - miny)
    (x0, y0), (x1, y1) = line[0], line[-1]
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
    dx, dy = (x1 - x0) / length * far, (y1 - y0) / length * far
    cut = LineString([(x0 - dx, y0 - dy), (x1 + dx, y1 + dy)])
    pieces = [
        g for g in split(parent.shape, cut).geoms if isinstance(g, Polygon)
    ]
    if len(pieces) != 2:
        return None
    a, b = sorted(pieces, key=lambda p: (p.bounds[0], p.bounds[1]))
    return a, b


def _apply_splits(
    rooms: dict[str, Room], candidate: Any, works: Sequence[Work]
) -> dict[str, Room]:
    records = _records(candidate)
    out = dict(rooms)
    for work in works:
        if work.kind != "build_wall" or len(work.rooms) != 2:
            continue
        parent_id = split_parent(candidate, work.rooms[0])
        parent = out.get(parent_id)
        if parent is None:
            continue
        cut = _split_shapes(parent, work.line)
        made = {}
        for i, part in enumerate(work.rooms):
            rec = records.get(part)
            shape = _outline(rec) or (cut[i] if cut else None)
            area = _get(rec, "area")
            if area is None:
                area = shape.area if shape is not None else parent.area / 2
            made[part] = _room(part, parent, float(area), shape, parent.name)
        # the parts take the parent's place, so room order stays familiar
        out = {
            k: v
            for rid, room in out.items()
            for k, v in (made.items() if rid == parent_id else [(rid, room)])
        }
    return out


def _groups(pairs: Iterable[Sequence[str]]) -> list[list[str]]:
    """Rooms joined by removed partitions, as connected groups."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        for other in pair[1:]:
            parent[find(other)] = find(pair[0])
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def merged_name(
    candidate: Any, parts: Iterable[str], order: Sequence[str]
) -> str:
    """A merged room's name: the candidate's own (``R101+R102``) when it
    uses one for these parts, else the parts joined in building order."""
    want = set(parts)
    names = list(_records(candidate))
    names += [
        str(_get(a, "room", ""))
        for a in _get(candidate, "assignments") or ()
    ]
    for name in names:
        if "+" in name and set(name.split("+")) == want:
            return name
    rank = {rid: i for i, rid in enumerate(order)}
    return "+".join(sorted(want, key=lambda r: (rank.get(r, len(rank)), r)))


def _apply_merges(
    rooms: dict[str, Room], candidate: Any, works: Sequence[Work]
) -> dict[str, Room]:
    records = _records(candidate)
    pairs = [
        w.rooms
        for w in works
        if w.kind == "remove_wall" and all(r in rooms for r in w.rooms)
    ]
    out = dict(rooms)
    order = list(rooms)
    for group in _groups(pairs):
        parts = sorted(group, key=order.index)
        name = merged_name(candidate, parts, order)
        members = [rooms[p] for p in parts]
        shape = _outline(records.get(name))
        if shape is None and all(m.shape is not None for m in members):
            union = shapely.union_all([m.shape for m in members])
            shape = union if isinstance(union, Polygon) else None
        area = _get(records.get(name), "area")
        if area is None:
            area = sum(m.area for m in members)
        # the parts' original names, or ids where they have none
        names = [m.name or m.id for m in members]
        if not any(m.name for m in members):
            names = []
        # only the tags every part has: which others a merge keeps is the
        # checker's business (spec section 8); a drawing needs none
        common = [
            tag
            for tag in members[0].tags
            if all(tag in m.tags for m in members)
        ]
        like = members[0].model_copy(update={"tags": tuple(common)})
        merged = _room(name, like, float(area), shape, "+".join(names) or None)
        first = parts[0]
        out = {
            (name if rid == first else rid): (merged if rid == first else r)
            for rid, r in out.items()
            if rid == first or rid not in group
        }
    return out


def renovated_rooms(scenario: Scenario, candidate: Any) -> tuple[Room, ...]:
    """The building's rooms after the candidate's works.

    Split rooms become their parts and merged rooms one room named as
    the candidate names it, with the outline the candidate gives or the
    union of the parts' outlines. Without works, the building's rooms.
    """
    works = works_of(candidate)
    rooms = {r.id: r for r in scenario.building.rooms}
    if not works:
        return tuple(rooms.values())
    rooms = _apply_splits(rooms, candidate, works)
    rooms = _apply_merges(rooms, candidate, works)
    return tuple(rooms.values())


def renovated_scenario(scenario: Scenario, candidate: Any) -> Scenario:
    """``scenario`` with the building as the candidate's works leave it.

    For drawing and listing only: the building keeps its floors' survey
    and derives adjacency from the outlines. Without works,
    ``scenario`` itself.
    """
    if not works_of(candidate):
        return scenario
    building = Building(
        rooms=renovated_rooms(scenario, candidate),
        survey=scenario.building.survey,
    )
    fields = {k: getattr(scenario, k) for k in type(scenario).model_fields}
    fields["building"] = building
    # Not validated again: a fix or a near wish may name a room the
    # works absorbed, which the merged room meets (spec section 8).
    # model_construct starts with no cached property of the original.
    return type(scenario).model_construct(**fields)


def _paths(geom: Any) -> tuple[Segment, ...]:
    """Polylines of a (multi)line, merged where they touch."""
    lines = [
        g
        for g in getattr(geom, "geoms", [geom])
        if isinstance(g, LineString) and g.length > 1e-6
    ]
    if not lines:
        return ()
    merged = linemerge(lines) if len(lines) > 1 else lines[0]
    return tuple(
        tuple((float(x), float(y)) for x, y in g.coords)
        for g in getattr(merged, "geoms", [merged])
    )


def wall_lines(scenario: Scenario, candidate: Any) -> tuple[WallLine, ...]:
    """Where each work lies: its ``line``, else the shared edge of the
    outlines on either side of it. Works whose rooms have no outline are
    left out (they are still listed in the works tables)."""
    works = works_of(candidate)
    if not works:
        return ()
    before = {r.id: r for r in scenario.building.rooms}
    after = {r.id: r for r in renovated_rooms(scenario, candidate)}
    # the drawn room each room of a work ends up in (its merge, or itself)
    drawn = {part: r for r in after.values() for part in r.id.split("+")}
    out = []
    for work in works:
        sides = [before.get(r) or after.get(r) for r in work.rooms]
        known = [r for r in sides if r is not None]
        if len(known) < 2 or any(r.shape is None for r in known):
            continue
        if any(
            getattr(drawn.get(r), "shape", None) is None for r in work.rooms
        ):
            continue  # drawn as a schematic block: no place for a line
        if work.line is not None:
            paths: tuple[Segment, ...] = (work.line,)
        else:
            a, b = known[0].shape, known[1].shape
            assert a is not None and b is not None
            paths = _paths(a.boundary.intersection(b.boundary))
        if paths:
            out.append(WallLine(work, known[0].floor, paths))
    return tuple(out)


# --------------------------------------------------------------- words


def _number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def work_kind(work: Work, lang: Lang) -> str:
    """``拆除隔墙`` or ``新建隔墙``."""
    return t(f"works.{work.kind}", lang)


def work_rooms(work: Work, lang: Lang) -> str:
    """The rooms either side of a work, ``R101 / R102``."""
    return t("works.rooms_sep", lang).join(work.rooms)


def works_header(lang: Lang) -> list[str]:
    """Columns of a works table: work, rooms, length, cost."""
    return [
        t(k, lang)
        for k in ("works.kind", "works.rooms", "works.length", "works.cost")
    ]


def works_rows(candidate: Any, lang: Lang) -> list[list[str]]:
    """The works table's body as text, with the total as the last row;
    [] when the candidate has no works."""
    works = works_of(candidate)
    if not works:
        return []
    rows = [
        [
            work_kind(w, lang),
            work_rooms(w, lang),
            _number(w.length, 2),
            _number(w.cost),
        ]
        for w in works
    ]
    rows.append(
        [
            t("works.total", lang),
            "",
            _number(sum(w.length for w in works), 2),
            _number(works_total(candidate)),
        ]
    )
    return rows


def work_sentence(candidate: Any, work: Work, lang: Lang) -> str:
    """One work in words, e.g. the partition between R101 and R102."""
    rooms = [*work.rooms, "", ""]
    fields = {
        "a": rooms[0],
        "b": rooms[1],
        "length": _number(work.length, 2),
        "cost": _number(work.cost),
    }
    if work.kind == "build_wall":
        room = split_parent(candidate, rooms[0])
        return t("works.build_line", lang, room=room, **fields)
    return t("works.remove_line", lang, **fields)


def works_markdown(candidate: Any, lang: Lang, level: int = 2) -> list[str]:
    """The works section of a plan's report, as Markdown lines under a
    heading of ``level``; [] when it has no works."""
    works = works_of(candidate)
    if not works:
        return []
    lines = [f"{'#' * level} {t('works.heading', lang)}", ""]
    lines += [f"- {work_sentence(candidate, w, lang)}" for w in works]
    total = _number(works_total(candidate))
    lines += ["", t("works.total_line", lang, cost=total), ""]
    head = works_header(lang)
    rows = works_rows(candidate, lang)
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


def works_json(candidate: Any) -> dict[str, Any]:
    """``works`` and ``works_cost`` of a plan's JSON report; {} when it
    has no works."""
    works = works_of(candidate)
    if not works:
        return {}
    return {
        "works": [
            {
                "kind": w.kind,
                "rooms": list(w.rooms),
                "length": w.length,
                "cost": w.cost,
                **({"line": [list(p) for p in w.line]} if w.line else {}),
            }
            for w in works
        ],
        "works_cost": works_total(candidate),
    }


def works_texts(candidate: Any, lang: Lang) -> list[str]:
    """Every text a drawing of the candidate's works may show (for the
    glyph check); [] without works."""
    if not works_of(candidate):
        return []
    texts = [t(f"works.{k}", lang) for k in KINDS]
    texts += works_header(lang)
    texts += [
        t(k, lang)
        for k in (
            "works.heading",
            "works.total",
            "works.legend_remove_wall",
            "works.legend_build_wall",
            "works.more",
        )
    ]
    texts += [cell for row in works_rows(candidate, lang) for cell in row]
    return texts
