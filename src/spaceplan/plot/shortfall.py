"""The drawing of an infeasible scenario: the building and its shortfall.

When no plan exists there is still something to hand over: every floor
as it is (rooms by kind, none with a function), the missing area drawn
beside them as a dashed block of that many m², and the diagnosis in a
few lines (what cannot hold, the cheapest verified repairs, waivers
labelled as such).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from spaceplan import rules
from spaceplan.data import Scenario
from spaceplan.diagnose.words import building_units, m2
from spaceplan.i18n import Lang, columns, t
from spaceplan.layout import floor_shapes
from spaceplan.plot.floorplan import draw_floor, labels_of
from spaceplan.plot.sheets import PAPERS
from spaceplan.plot.style import check_glyphs, drawing_context
from spaceplan.solution import Plan

#: A3 landscape, inches (the default paper).
A3 = PAPERS["A3"]
#: Colour of the shortfall.
SHORT = "#c0392b"
#: Repairs and waivers listed on the sheet, at most.
LISTED = 3


def shortfall_units(scenario: Scenario, diagnosis: Mapping[str, Any]) -> int:
    """The area missing, in units: the verified add-area repair's, if
    any; otherwise the area target less the building's usable area."""
    for item in diagnosis.get("repairs") or []:
        if (
            isinstance(item, dict)
            and item.get("kind", "relax") == "relax"
            and not item.get("dropped")
            and item.get("added_area")
        ):
            return rules.to_units(float(item["added_area"]))
    target = rules.area_target(scenario.policy, scenario.community)
    host, circ = building_units(scenario)
    return max(0, target.units - host - circ)


def shortfall_texts(
    scenario: Scenario, diagnosis: Mapping[str, Any], lang: Lang
) -> list[str]:
    """The lines under the floors: the numbers, then the diagnosis."""
    target = rules.area_target(scenario.policy, scenario.community)
    host, circ = building_units(scenario)
    key = "diagnose.drawing.numbers" + (".circ" if circ else "")
    lines = [
        t(
            key,
            lang,
            target=m2(target.units),
            host=m2(host),
            circ=m2(circ),
            short=m2(shortfall_units(scenario, diagnosis)),
        )
    ]
    if diagnosis.get("summary"):
        lines.append(str(diagnosis["summary"]))
    for key in ("repairs", "waivers"):
        items = [i for i in diagnosis.get(key) or [] if isinstance(i, dict)]
        for item in items[:LISTED]:
            lines.append(
                t(
                    f"diagnose.drawing.{key}",
                    lang,
                    rank=item.get("rank", ""),
                    message=item.get("message", ""),
                    cost=item.get("cost_text", ""),
                )
            )
    return lines


def plot_shortfall_sheet(
    scenario: Scenario,
    diagnosis: Mapping[str, Any] | None,
    lang: Lang = "zh",
    font: str | None = None,
    paper: str = "A3",
) -> Figure:
    """The building as it is and what it lacks, on one A3 (or A1) sheet.

    Parameters
    ----------
    scenario
        The infeasible scenario.
    diagnosis
        ``Result.diagnosis`` (the dict of
        :meth:`spaceplan.diagnose.Diagnosis.as_dict`); None draws the
        building and the arithmetic shortfall only.
    lang
        ``zh`` (default) or ``en``.
    font
        A font file used before the bundled one (``--font``).
    paper
        ``A3`` (default) or ``A1``, landscape.

    Returns
    -------
    Figure
        Floors side by side at one scale, the shortfall as a dashed block
        of its area beside them (patch ``gid`` ``shortfall``), the
        diagnosis below.
    """
    found: Mapping[str, Any] = diagnosis or {}
    short = shortfall_units(scenario, found)
    texts = shortfall_texts(scenario, found, lang)
    empty = Plan.from_pairs([])
    with drawing_context(font) as families:
        head = t("diagnose.drawing.title", lang, name=scenario.name)
        check_glyphs(
            [head, *texts, *labels_of(scenario, empty, lang)], families
        )
        floors = scenario.building.floors
        span = _span(scenario)
        cells = len(floors) + (1 if short > 0 else 0)
        # Two panels a row: long floor plates stay legible on A3.
        cols = 1 if cells == 1 else 2
        rows = math.ceil(cells / cols)
        fig = plt.figure(figsize=PAPERS[paper])
        grid = fig.add_gridspec(
            rows + 1,
            cols,
            height_ratios=(*([3.0] * rows), 1.6),
            hspace=0.25,
            wspace=0.08,
        )
        fig.suptitle(head, fontsize=14, x=0.02, ha="left")
        for i, floor in enumerate(floors):
            ax = fig.add_subplot(grid[i // cols, i % cols])
            draw_floor(scenario, empty, floor, lang, span, ax)
        if short > 0:
            i = len(floors)
            cell = fig.add_subplot(grid[i // cols, i % cols])
            _draw_shortfall(cell, short, span, lang)
        panel = fig.add_subplot(grid[rows, :])
        panel.set_axis_off()
        panel.text(
            0.0,
            1.0,
            "\n".join(_wrap(line, 160) for line in texts),
            fontsize=8.5,
            va="top",
            ha="left",
            transform=panel.transAxes,
            linespacing=1.5,
        )
    return fig


def _span(scenario: Scenario) -> tuple[float, float]:
    """Width and height (m) of the largest floor: one scale for all."""
    w = h = 1.0
    for floor in scenario.building.floors:
        shapes = list(floor_shapes(scenario, floor).shapes.values())
        if not shapes:
            continue
        minx, miny, maxx, maxy = shapely.union_all(shapes).bounds
        w, h = max(w, maxx - minx), max(h, maxy - miny)
    return w, h


def _draw_shortfall(
    ax: Axes, short: int, span: tuple[float, float], lang: Lang
) -> None:
    """The missing area as a dashed block as wide as a floor."""
    area = rules.to_m2(short)
    width = span[0]
    depth = area / width
    if depth > 2 * span[1]:
        # Too long a strip for the panel: a square of the same area.
        width = depth = math.sqrt(area)
    ax.add_patch(
        Rectangle(
            (0.0, 0.0),
            width,
            depth,
            facecolor="#fbe3e0",
            edgecolor=SHORT,
            linestyle="--",
            linewidth=1.2,
            hatch="//",
            gid="shortfall",
        )
    )
    ax.text(
        width / 2,
        depth / 2,
        t("diagnose.drawing.block", lang, short=m2(short)),
        ha="center",
        va="center",
        fontsize=10,
        color=SHORT,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
    )
    pad = 0.04 * max(span)
    sw, sh = max(span[0], width), max(span[1], depth)
    ax.set_xlim(width / 2 - sw / 2 - pad, width / 2 + sw / 2 + pad)
    ax.set_ylim(depth / 2 - sh / 2 - pad, depth / 2 + sh / 2 + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.set_title(
        t("diagnose.drawing.short_title", lang), fontsize=11, loc="left"
    )


def _wrap(text: str, width: int) -> str:
    """Wrap at ``width`` columns, a Chinese character counting two."""
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        w = columns(ch)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    if line:
        lines.append(line)
    return "\n".join(lines)
