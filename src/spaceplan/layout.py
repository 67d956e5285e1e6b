"""Floor shapes and room categories, shared by the drawings and DXF.

Nothing here draws: :mod:`spaceplan.plot` turns these shapes and
categories into matplotlib patches, :mod:`spaceplan.dxf.write` into CAD
layers. A floor whose rooms have no polygon gets a schematic instead: a
squarified block per room, its area equal to the room's, so sizes
compare at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import shapely
from shapely.geometry import Polygon, box

from spaceplan.data import Function, Room, Scenario
from spaceplan.i18n import Lang, t
from spaceplan.solution import Candidate, Plan

#: The bundled OFL font subset (drawings and the HTML report embed it).
#: A package installed as files (wheel, editable, ``--target``) has a
#: real folder here, which matplotlib and fontTools need.
FONT_DIR = Path(str(files("spaceplan") / "fonts"))
#: The bundled font file and its family name.
BUNDLED_FONT = FONT_DIR / "NotoSansSC-Subset.otf"
BUNDLED_FAMILY = "Noto Sans SC"

@dataclass(frozen=True)
class CategoryStyle:
    """How rooms of one drawn category look."""

    key: str
    fill: str
    edge: str
    strong: str
    hatch: str | None = None
    dxf_color: int = 7


#: Drawn categories, in legend order. ``fill`` is pale so black labels
#: read well; ``strong`` marks time slots in use and the comparison bars.
CATEGORIES: dict[str, CategoryStyle] = {
    c.key: c
    for c in (
        CategoryStyle("resident", "#fbd3a5", "#8a5a1f", "#e8892b", None, 30),
        CategoryStyle("flexible", "#fcefa8", "#8a7a1f", "#e0c020", None, 50),
        CategoryStyle("service", "#bcd4f6", "#2d5a9a", "#3d7bd9", None, 150),
        CategoryStyle("office", "#d9cdea", "#5b4a80", "#8467b5", None, 200),
        CategoryStyle("support", "#cde6d2", "#3f6e4a", "#4e9a5f", None, 90),
        CategoryStyle("commercial", "#f5c2c2", "#8f3b3b", "#d05050", None, 10),
        CategoryStyle("mixed", "#c9ebe6", "#2f6e66", "#3aa597", None, 130),
        CategoryStyle("empty", "#ffffff", "#808080", "#b0b0b0", "..", 8),
        CategoryStyle("circulation", "#ececec", "#909090", "#b8b8b8", None, 9),
        CategoryStyle("plant", "#dcdcdc", "#808080", "#a0a0a0", "//", 8),
        CategoryStyle(
            "unavailable", "#c8c8c8", "#606060", "#909090", "xx", 252
        ),
    )
}


def function_category(function: Function) -> str:
    """The drawn category of a function: ``flexible`` or its own."""
    return "flexible" if function.flexible else function.category


def room_category(room: Room, functions: Sequence[Function]) -> str:
    """The drawn category of a room holding ``functions``.

    One category when all functions share it (the flexible function
    counts as resident when it shares a resident room), ``mixed`` when
    they do not; rooms that host nothing are drawn by their kind.
    """
    if room.kind == "circulation":
        return "circulation"
    if room.kind == "service":
        return "plant"
    if room.kind == "unavailable":
        return "unavailable"
    if not functions:
        return "empty"
    cats = {function_category(f) for f in functions}
    if cats == {"flexible"}:
        return "flexible"
    cats.discard("flexible")
    if len(cats) == 1:
        return cats.pop()
    return "mixed"


def category_label(key: str, lang: Lang = "zh") -> str:
    """The legend word of a drawn category."""
    return t(f"cat.{key}", lang)


# ------------------------------------------------------------ shapes

#: Width ratio of the schematic block area.
SCHEMATIC_ASPECT = 1.6


@dataclass(frozen=True)
class FloorShapes:
    """The outlines of one floor, real or schematic, in metres."""

    shapes: dict[str, Polygon]
    schematic: frozenset[str]
    note_at: tuple[float, float] | None = None


def as_plan(plan: Plan | Candidate) -> Plan:
    """A candidate's plan, or the plan itself."""
    return plan.plan if isinstance(plan, Candidate) else plan


def room_functions(
    scenario: Scenario, plan: Plan | Candidate
) -> dict[str, list[Function]]:
    """Room id to the scenario functions placed there, in plan order."""
    index = scenario.function_index
    return {
        room: [scenario.functions[index[f]] for f in funcs if f in index]
        for room, funcs in as_plan(plan).room_functions.items()
    }


def _squarify(
    sizes: Sequence[float], x: float, y: float, w: float, h: float
) -> list[tuple[float, float, float, float]]:
    """Squarified treemap of ``sizes`` (summing to ``w * h``)."""
    rects: list[tuple[float, float, float, float]] = []
    items = list(sizes)

    def worst(row: list[float], side: float) -> float:
        s = sum(row)
        return max(
            max(side * side * r / (s * s), s * s / (side * side * r))
            for r in row
        )

    while items:
        side = min(w, h)
        row = [items[0]]
        i = 1
        while i < len(items) and worst([*row, items[i]], side) <= worst(
            row, side
        ):
            row.append(items[i])
            i += 1
        total = sum(row)
        if w >= h:
            rw = total / h
            yy = y
            for r in row:
                rects.append((x, yy, rw, r / rw))
                yy += r / rw
            x, w = x + rw, w - rw
        else:
            rh = total / w
            xx = x
            for r in row:
                rects.append((xx, y, r / rh, rh))
                xx += r / rh
            y, h = y + rh, h - rh
        items = items[i:]
    return rects


def _blocks(rooms: Sequence[Room], x0: float, y0: float) -> dict[str, Polygon]:
    order = sorted(rooms, key=lambda r: (-r.area, r.id))
    total = sum(r.area for r in order)
    height = (total / SCHEMATIC_ASPECT) ** 0.5
    width = total / height
    rects = _squarify([r.area for r in order], x0, y0, width, height)
    return {
        r.id: box(x, y, x + w, y + h)
        for r, (x, y, w, h) in zip(order, rects, strict=True)
    }


def floor_shapes(scenario: Scenario, floor: int) -> FloorShapes:
    """Outlines of the rooms on ``floor``: polygons, else schematic blocks.

    Rooms without a polygon on a floor that has some are laid out as
    blocks to the right of the drawn ones.
    """
    rooms = [r for r in scenario.building.rooms if r.floor == floor]
    drawn = {r.id: r.shape for r in rooms if r.shape is not None}
    loose = [r for r in rooms if r.shape is None]
    shapes: dict[str, Polygon] = {k: v for k, v in drawn.items() if v}
    if not loose:
        return FloorShapes(shapes, frozenset())
    if shapes:
        minx, miny, maxx, maxy = shapely.union_all(
            list(shapes.values())
        ).bounds
        x0 = maxx + max(2.0, 0.08 * (maxx - minx))
        y0 = miny
    else:
        x0 = y0 = 0.0
    blocks = _blocks(loose, x0, y0)
    top = max(b.bounds[3] for b in blocks.values())
    shapes.update(blocks)
    note = (x0, top) if drawn else None
    return FloorShapes(shapes, frozenset(blocks), note)
