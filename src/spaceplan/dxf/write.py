"""DXF out: a candidate's rooms to lay over the survey drawing in CAD.

Each candidate's rooms go on one layer per floor and category, with
hatches and labels in a text style that shows Chinese. The shapes and
categories are :mod:`spaceplan.layout`'s, the same the drawings use.
"""

from __future__ import annotations

from pathlib import Path

import ezdxf
from ezdxf import units as dxf_units
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

from spaceplan.data import Scenario
from spaceplan.dxf.read import UNITS
from spaceplan.fileio import atomic_path
from spaceplan.i18n import Lang, function_name
from spaceplan.layout import (
    CATEGORIES,
    floor_shapes,
    room_category,
    room_functions,
)
from spaceplan.solution import Candidate


def floor_tag(floor: int) -> str:
    """``1F`` for floor 1, ``B1`` for the first basement."""
    return f"{floor}F" if floor > 0 else f"B{-floor}"


#: Text style for labels: SimHei is on every Chinese Windows.
TEXT_STYLE = "SP-CJK"


def write_candidate_dxf(
    scenario: Scenario,
    candidate: Candidate,
    path: str | Path,
    lang: Lang = "zh",
    units: str = "mm",
) -> Path:
    """Write a candidate as DXF to lay over the survey drawing.

    Each room's outline goes on layer ``SP-<floor>-<CATEGORY>`` (e.g.
    ``SP-1F-RESIDENT``), its hatch on ``…-HATCH`` and its label (room
    number, functions, area) on ``SP-<floor>-TEXT``, in text style
    ``SP-CJK`` (SimHei). Coordinates are the scenario's metres written in
    ``units`` (mm by default, like most Chinese survey drawings).
    Rooms without a polygon are written as the schematic blocks of the
    floor plans.
    """
    scale = 1.0 / dxf_units.conversion_factor(
        dxf_units.InsertUnits(UNITS[units]), dxf_units.InsertUnits.Meters
    )
    doc = ezdxf.new("R2010", setup=True)
    doc.units = UNITS[units]
    style = doc.styles.add(TEXT_STYLE, font="simhei.ttf")
    style.set_extended_font_data(family="SimHei")
    funcs = room_functions(scenario, candidate)
    msp = doc.modelspace()
    for floor in scenario.building.floors:
        tag = floor_tag(floor)
        text_layer = f"SP-{tag}-TEXT"
        if text_layer not in doc.layers:
            doc.layers.add(text_layer, color=7)
        shapes = floor_shapes(scenario, floor)
        for room in scenario.building.rooms:
            if room.id not in shapes.shapes:
                continue
            here = funcs.get(room.id, [])
            cat = room_category(room, here)
            look = CATEGORIES[cat]
            outline_layer = f"SP-{tag}-{cat.upper()}"
            hatch_layer = f"{outline_layer}-HATCH"
            for name in (outline_layer, hatch_layer):
                if name not in doc.layers:
                    doc.layers.add(name, color=look.dxf_color)
            poly = orient(shapes.shapes[room.id])
            pts = [
                (x * scale, y * scale) for x, y in poly.exterior.coords[:-1]
            ]
            msp.add_lwpolyline(
                pts, close=True, dxfattribs={"layer": outline_layer}
            )
            hatch = msp.add_hatch(
                color=look.dxf_color, dxfattribs={"layer": hatch_layer}
            )
            hatch.paths.add_polyline_path(pts, is_closed=True)
            hatch.transparency = 0.6
            lines = [room.id]
            lines += [function_name(f, lang) for f in here]
            if not here and room.name:
                lines.append(room.name)
            lines.append(f"{room.area:.1f} m²")
            spot = polylabel(poly, tolerance=0.05)
            size = max(0.15, min(0.35, poly.length / 60)) * scale
            text = msp.add_mtext(
                "\\P".join(lines),
                dxfattribs={
                    "layer": text_layer,
                    "style": TEXT_STYLE,
                    "char_height": size,
                },
            )
            text.set_location(
                (spot.x * scale, spot.y * scale),
                attachment_point=ezdxf.enums.MTextEntityAlignment.MIDDLE_CENTER,
            )
    with atomic_path(path) as tmp:
        doc.saveas(tmp)
    return Path(path)
