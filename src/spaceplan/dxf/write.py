"""DXF out: a candidate's rooms to lay over the survey drawing in CAD.

Each candidate's rooms go on one layer per floor and category, with
hatches and labels in a text style that shows Chinese. Floors sit side
by side along x (the first at the survey's own coordinates), each under
a title. Every room carries a ``SP-ROOM`` block reference whose
attributes hold its id, functions, original name and area, for CAD's
attribute tools (EATTEDIT, data extraction). The shapes and categories
are :mod:`spaceplan.layout`'s, the same the drawings use.

A candidate with renovation works (:mod:`spaceplan.report.works`) is
drawn as the works leave the building: a merged room (``R101+R102``) is
one outline with one ``SP-ROOM`` block, split parts (``R104a``) each
have theirs. Removed partitions are lines on the layer ``拆除`` in a
dashed linetype, new partitions lines on the layer ``新建``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import ezdxf
from ezdxf import units as dxf_units
from ezdxf.document import Drawing
from ezdxf.enums import MTextEntityAlignment, TextEntityAlignment
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient
from shapely.ops import polylabel, unary_union

from spaceplan.data import Scenario
from spaceplan.dxf.read import UNITS
from spaceplan.fileio import atomic_path
from spaceplan.i18n import Lang, function_name, t
from spaceplan.layout import (
    CATEGORIES,
    FloorShapes,
    floor_shapes,
    room_category,
    room_functions,
)
from spaceplan.report.works import WallLine, renovated_scenario, wall_lines
from spaceplan.solution import Candidate


def floor_tag(floor: int) -> str:
    """``1F`` for floor 1, ``B1`` for the first basement."""
    return f"{floor}F" if floor > 0 else f"B{-floor}"


#: Text style for labels: SimHei is on every Chinese Windows.
TEXT_STYLE = "SP-CJK"
#: The block each room's attributes hang on.
ROOM_BLOCK = "SP-ROOM"
#: The block's attribute tags, in order.
ROOM_TAGS = ("ROOM", "FUNCTIONS", "NAME", "AREA")
#: Layer names by role, as templates of ``{floor}`` (``1F``, ``B1``)
#: and ``{category}`` (``RESIDENT``, ``SERVICE`` …). Pass some of them to
#: :func:`write_candidate_dxf` to follow an office's layer standard.
DEFAULT_LAYERS: dict[str, str] = {
    "outline": "SP-{floor}-{category}",
    "hatch": "SP-{floor}-{category}-HATCH",
    "text": "SP-{floor}-TEXT",
    "room": "SP-{floor}-ROOM",
    "title": "SP-TITLE",
    "removed": "拆除",
    "built": "新建",
}
#: Layer role, colour (ACI) and linetype of each kind of work.
WALL_LAYERS: dict[str, tuple[str, int, str]] = {
    "remove_wall": ("removed", 1, "SP-DASHED"),
    "build_wall": ("built", 5, "Continuous"),
}
#: The dashed linetype of removed partitions: dash, gap (metres).
DASH = (0.4, 0.2)
#: Space between floors laid side by side, as a share of the widest
#: floor, and at least this many metres.
GAP_SHARE = 0.25
GAP_MIN = 5.0


def layer_names(layers: Mapping[str, str] | None = None) -> dict[str, str]:
    """:data:`DEFAULT_LAYERS` with ``layers`` put over it.

    Raises
    ------
    ValueError
        A role that is not one of :data:`DEFAULT_LAYERS`, or a template
        with a field other than ``{floor}`` and ``{category}``.
    """
    given = dict(layers or {})
    unknown = sorted(set(given) - set(DEFAULT_LAYERS))
    if unknown:
        raise ValueError(
            f"unknown DXF layer role {', '.join(unknown)}; "
            f"use {', '.join(DEFAULT_LAYERS)}."
        )
    names = {**DEFAULT_LAYERS, **given}
    for role, template in names.items():
        try:
            template.format(floor="1F", category="X")
        except (KeyError, IndexError, ValueError):
            raise ValueError(
                f"DXF layer {role} {template!r} may use only {{floor}} "
                "and {category}."
            ) from None
    return names


def floor_offsets(
    shapes: Mapping[int, FloorShapes],
) -> dict[int, float]:
    """The x shift of each floor (metres) so that none overlaps another.

    The first floor keeps its coordinates, so it still lies on the
    survey drawing; each next one starts a gap after the previous one's
    right edge.
    """
    offsets: dict[int, float] = {}
    extents = {
        floor: unary_union(list(s.shapes.values())).bounds
        for floor, s in shapes.items()
        if s.shapes
    }
    if not extents:
        return {floor: 0.0 for floor in shapes}
    widest = max(b[2] - b[0] for b in extents.values())
    gap = max(GAP_MIN, GAP_SHARE * widest)
    right: float | None = None
    for floor in shapes:
        if floor not in extents:
            offsets[floor] = 0.0
            continue
        minx, _, maxx, _ = extents[floor]
        offsets[floor] = 0.0 if right is None else right + gap - minx
        right = maxx + offsets[floor]
    return offsets


def _room_block(doc: Drawing, height: float, lang: Lang) -> None:
    """The ``SP-ROOM`` block: one attribute definition per tag."""
    block = doc.blocks.new(ROOM_BLOCK)
    for i, tag in enumerate(ROOM_TAGS):
        attdef = block.add_attdef(
            tag,
            (0.0, -i * height * 1.5),
            dxfattribs={"height": height, "style": TEXT_STYLE},
        )
        attdef.dxf.prompt = t(f"face.dxf.tag_{tag.lower()}", lang)
        # The visible label is the MTEXT beside it; the attributes are
        # data for CAD's attribute tools, so they do not print twice.
        attdef.is_invisible = True


def _add_wall(
    doc: Drawing,
    wall: WallLine,
    names: Mapping[str, str],
    tag: str,
    dx: float,
    scale: float,
) -> None:
    """One work as LINE entities on its layer (拆除 or 新建)."""
    role, color, linetype = WALL_LAYERS[wall.work.kind]
    name = names[role].format(floor=tag, category="")
    if linetype not in doc.linetypes:
        dash, gap = DASH[0] * scale, DASH[1] * scale
        doc.linetypes.add(
            linetype, pattern=[dash + gap, dash, -gap], description="- - -"
        )
    if name not in doc.layers:
        doc.layers.add(name, color=color, linetype=linetype)
    msp = doc.modelspace()
    for path in wall.paths:
        for (x0, y0), (x1, y1) in zip(path, path[1:], strict=False):
            msp.add_line(
                ((x0 + dx) * scale, y0 * scale),
                ((x1 + dx) * scale, y1 * scale),
                dxfattribs={"layer": name, "lineweight": 50},
            )


def write_candidate_dxf(
    scenario: Scenario,
    candidate: Candidate,
    path: str | Path,
    lang: Lang = "zh",
    units: str = "mm",
    layers: Mapping[str, str] | None = None,
) -> Path:
    """Write a candidate as DXF to lay over the survey drawing.

    Parameters
    ----------
    scenario
        The resolved scenario.
    candidate
        The candidate to draw.
    path
        The DXF file to write.
    lang
        ``zh`` (default) or ``en`` for labels, titles and prompts.
    units
        Drawing units; the scenario's metres are written in mm by
        default, like most Chinese survey drawings.
    layers
        Layer names by role over :data:`DEFAULT_LAYERS`: ``outline``
        (each room's outline, default ``SP-<floor>-<CATEGORY>``, e.g.
        ``SP-1F-RESIDENT``), ``hatch``, ``text`` (the label: room number,
        functions, area), ``room`` (the ``SP-ROOM`` block reference) and
        ``title`` (the floor titles), ``removed`` (partitions the
        works remove, default ``拆除``) and ``built`` (partitions they
        build, default ``新建``).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Only the text style used (``SP-CJK``, SimHei) is added to the
    mandatory ``Standard``. Rooms without a polygon are written as the
    schematic blocks of the floor plans.
    """
    names = layer_names(layers)
    scale = 1.0 / dxf_units.conversion_factor(
        dxf_units.InsertUnits(UNITS[units]), dxf_units.InsertUnits.Meters
    )
    # No setup: ezdxf's standard styles, linetypes and dimension styles
    # would come along unused.
    doc = ezdxf.new("R2010", setup=False)
    doc.units = UNITS[units]
    style = doc.styles.add(TEXT_STYLE, font="simhei.ttf")
    style.set_extended_font_data(family="SimHei")
    _room_block(doc, 0.25 * scale, lang)
    walls = wall_lines(scenario, candidate)
    scenario = renovated_scenario(scenario, candidate)
    funcs = room_functions(scenario, candidate)
    msp = doc.modelspace()

    def layer(role: str, tag: str, color: int, cat: str = "") -> str:
        name = names[role].format(floor=tag, category=cat.upper())
        if name not in doc.layers:
            doc.layers.add(name, color=color)
        return name

    shapes = {f: floor_shapes(scenario, f) for f in scenario.building.floors}
    offsets = floor_offsets(shapes)
    for floor in scenario.building.floors:
        tag = floor_tag(floor)
        dx = offsets[floor]
        drawn: list[Polygon] = []
        for room in scenario.building.rooms:
            if room.id not in shapes[floor].shapes:
                continue
            here = funcs.get(room.id, [])
            cat = room_category(room, here)
            color = CATEGORIES[cat].dxf_color
            poly = orient(shapes[floor].shapes[room.id])
            drawn.append(poly)
            pts = [
                ((x + dx) * scale, y * scale)
                for x, y in poly.exterior.coords[:-1]
            ]
            msp.add_lwpolyline(
                pts,
                close=True,
                dxfattribs={"layer": layer("outline", tag, color, cat)},
            )
            hatch = msp.add_hatch(
                color=color,
                dxfattribs={"layer": layer("hatch", tag, color, cat)},
            )
            hatch.paths.add_polyline_path(pts, is_closed=True)
            hatch.transparency = 0.6
            names_here = [function_name(f, lang) for f in here]
            lines = [room.id, *names_here]
            if not here and room.name:
                lines.append(room.name)
            area = f"{room.area:.1f} m²"
            lines.append(area)
            spot = polylabel(poly, tolerance=0.05)
            at = ((spot.x + dx) * scale, spot.y * scale)
            size = max(0.15, min(0.35, poly.length / 60)) * scale
            text_layer = layer("text", tag, 7)
            text = msp.add_mtext(
                "\\P".join(lines),
                dxfattribs={
                    "layer": text_layer,
                    "style": TEXT_STYLE,
                    "char_height": size,
                },
            )
            text.set_location(
                at, attachment_point=MTextEntityAlignment.MIDDLE_CENTER
            )
            ref = msp.add_blockref(
                ROOM_BLOCK, at, dxfattribs={"layer": layer("room", tag, 7)}
            )
            ref.add_auto_attribs(
                {
                    "ROOM": room.id,
                    "FUNCTIONS": t("sol.list_sep", lang).join(names_here),
                    "NAME": room.name or "",
                    "AREA": area,
                }
            )
        for wall in walls:
            if wall.floor == floor:
                _add_wall(doc, wall, names, tag, dx, scale)
        if drawn:
            minx, miny, _, _ = unary_union(drawn).bounds
            title = msp.add_text(
                t("face.dxf.floor_title", lang, floor=tag),
                height=0.6 * scale,
                dxfattribs={
                    "layer": layer("title", tag, 7),
                    "style": TEXT_STYLE,
                },
            )
            title.set_placement(
                ((minx + dx) * scale, (miny - 1.5) * scale),
                align=TextEntityAlignment.BOTTOM_LEFT,
            )
    with atomic_path(path) as tmp:
        doc.saveas(tmp)
    return Path(path)
