"""The comparison chart: area by category per candidate, with rule lines."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from spaceplan.data import Scenario
from spaceplan.i18n import Lang, t
from spaceplan.layout import (
    CATEGORIES,
    category_label,
    room_category,
    room_functions,
)
from spaceplan.plot.style import check_glyphs, drawing_context
from spaceplan.report.works import renovated_scenario
from spaceplan.solution import Candidate

#: Stack order: resident activity at the bottom, so the share tick reads
#: against it.
STACK = (
    "resident",
    "flexible",
    "mixed",
    "service",
    "office",
    "support",
    "commercial",
    "circulation",
)


def category_areas(
    scenario: Scenario, candidate: Candidate
) -> dict[str, float]:
    """Facility area of a candidate by drawn category (m²).

    Rooms count by the category they are drawn in, merged and split
    rooms as the candidate's works leave them; circulation counts only
    when the profile puts it in the facility area.
    """
    scenario = renovated_scenario(scenario, candidate)
    funcs = room_functions(scenario, candidate)
    out = dict.fromkeys(STACK, 0.0)
    for room in scenario.building.rooms:
        here = funcs.get(room.id, [])
        if here:
            out[room_category(room, here)] += room.area
        elif (
            room.kind == "circulation"
            and scenario.policy.accounting.circulation == "include"
        ):
            out["circulation"] += room.area
    return out


def plot_comparison(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    lang: Lang = "zh",
    font: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of area by category, one per candidate.

    A dashed line marks the facility area target; on each bar a black
    tick marks the resident-activity area the share minimum asks for
    (minimum × the candidate's facility area), and the label above the
    bar gives the facility area and the resident share achieved.

    Parameters
    ----------
    scenario
        The scenario the candidates solve.
    candidates
        The candidates, drawn left to right.
    lang
        ``zh`` (default) or ``en``.
    font
        A font file used before the bundled one.
    ax
        Axes to draw in; a new figure when None.

    Returns
    -------
    Axes
        The chart; each bar segment has ``gid`` ``bar:<id>:<category>``.
    """
    with drawing_context(font) as families:
        words = [category_label(k, lang) for k in STACK]
        words += [
            t(k, lang)
            for k in (
                "d.area_by_category",
                "d.target",
                "d.share_line",
                "w.candidate",
            )
        ]
        check_glyphs(words, families)
        return _draw(scenario, candidates, lang, ax)


def _draw(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    lang: Lang,
    ax: Axes | None,
) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(2.0 + 1.4 * len(candidates), 5))
    share_min = scenario.policy.resident_share_min
    used: set[str] = set()
    top = 0.0
    target = 0.0
    for i, cand in enumerate(candidates):
        areas = category_areas(scenario, cand)
        base = 0.0
        for key in STACK:
            if areas[key] <= 0:
                continue
            style = CATEGORIES[key]
            ax.bar(
                i,
                areas[key],
                bottom=base,
                width=0.6,
                color=style.fill,
                edgecolor=style.edge,
                linewidth=0.6,
                gid=f"bar:{cand.id}:{key}",
            )
            base += areas[key]
            used.add(key)
        m = cand.metrics
        target = m.target_area
        top = max(top, base, m.facility_area, target)
        if share_min is not None:
            need = share_min * m.facility_area
            ax.plot(
                [i - 0.38, i + 0.38],
                [need, need],
                color="black",
                linewidth=2.0,
                solid_capstyle="butt",
            )
        ax.text(
            i,
            max(base, m.facility_area) + top * 0.01,
            f"{m.facility_area:.0f} {t('unit.m2', lang)}\n"
            f"{m.resident_share:.1%}",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    if candidates:
        ax.axhline(target, color="#c03030", linestyle="--", linewidth=1.2)
    ax.set_xticks(
        range(len(candidates)),
        [f"{t('w.candidate', lang)} {c.id}" for c in candidates],
    )
    ax.set_xlim(-0.6, max(len(candidates), 1) - 0.4)
    ax.set_ylim(0, max(top, 1.0) * 1.18)
    ax.set_ylabel(f"{t('w.area', lang)} ({t('unit.m2', lang)})")
    ax.set_title(t("d.area_by_category", lang), loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles: list[Patch | Line2D] = [
        Patch(
            facecolor=CATEGORIES[k].fill,
            edgecolor=CATEGORIES[k].edge,
            label=category_label(k, lang),
        )
        for k in STACK
        if k in used
    ]
    handles.append(
        Line2D(
            [],
            [],
            color="#c03030",
            linestyle="--",
            label=f"{t('d.target', lang)} {target:.0f} {t('unit.m2', lang)}",
        )
    )
    if share_min is not None:
        handles.append(
            Line2D(
                [],
                [],
                color="black",
                linewidth=2.0,
                label=f"{t('d.share_line', lang)} {share_min:.0%}",
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )
    return ax
