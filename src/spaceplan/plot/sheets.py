"""The sheets of a drawing set: one per candidate, a cover, a comparison.

Each ``plot_*_sheet`` function returns an A3 (or A1) landscape figure;
nothing here writes a file (:mod:`spaceplan.export` saves them). Call
them inside :func:`~spaceplan.plot.style.drawing_context` so the labels
use the bundled CJK font. The rule box reads the candidate's own checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle

from spaceplan import __version__
from spaceplan.data import Scenario
from spaceplan.i18n import Lang, function_name, policy_title, t
from spaceplan.layout import (
    CATEGORIES,
    category_label,
    floor_shapes,
    room_category,
    room_functions,
)
from spaceplan.plot.comparison import plot_comparison
from spaceplan.plot.floorplan import (
    CHANGE_STYLE,
    M_PER_INCH,
    WALL_STYLE,
    draw_floor,
    labels_of,
)
from spaceplan.plot.schedule import plot_schedule
from spaceplan.plot.works import works_table
from spaceplan.report.present import function_changes
from spaceplan.report.solve import candidate_table
from spaceplan.report.wording import failure_line, row_source
from spaceplan.report.works import (
    KINDS,
    renovated_scenario,
    wall_lines,
    works_of,
)
from spaceplan.sentences import source_words
from spaceplan.solution import Candidate, Result

#: Paper sizes a drawing set prints on, landscape, inches (ISO 216).
PAPERS = {"A3": (16.54, 11.69), "A1": (33.11, 23.39)}
#: The default paper, A3 landscape.
PAGE = PAPERS["A3"]
_RESERVE = 0.8  # inches of a floor panel kept for its title and key
_PASS, _FAIL = "#1d7a35", "#b3261e"
#: Print scales a candidate sheet may use (1:n), largest first: those
#: GB/T 50104 (建筑制图标准) gives for plans (1:50 to 1:300), then 1:500
#: and 1:1000 for large sites. The first at which every floor fits its
#: panel is used.
SCALES = (50, 100, 150, 200, 300, 500, 1000)


# ---------------------------------------------------------------- figures


def _grid(
    spans: Sequence[tuple[float, float]], width: float, height: float
) -> tuple[int, int]:
    """Rows and columns of floor panels that give the largest scale."""
    n = len(spans)
    span_w = max(s[0] for s in spans)
    span_h = max(s[1] for s in spans)
    best = (1, n)
    best_scale = -1.0
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        # a panel loses 0.3 in to its sides and 0.8 in to the title
        # above and the small-room key below; drawings get 8 % padding
        cell_w = width / cols - 0.3
        cell_h = height / rows - _RESERVE
        scale = min(cell_w / span_w, cell_h / span_h) / 1.08
        if scale > best_scale:
            best, best_scale = (rows, cols), scale
    return best


def print_scale(
    span: tuple[float, float], panel: tuple[float, float]
) -> int | None:
    """The largest of :data:`SCALES` at which ``span`` fits ``panel``.

    Parameters
    ----------
    span
        The widest and the deepest floor, metres.
    panel
        The room a floor has on the page, inches.

    Returns
    -------
    int or None
        ``n`` of 1:n, or None when even the smallest scale is too big.
    """
    # The plans pad each side with 4 % of the floor's larger side, blank
    # paper that may run into the panel's margins; half of it must fit.
    pad = 0.04 * max(span)
    for scale in SCALES:
        w = (span[0] + pad) / scale / M_PER_INCH
        h = (span[1] + pad) / scale / M_PER_INCH
        if w <= panel[0] and h <= panel[1]:
            return scale
    return None


def _north_arrow(fig: Figure, x: float, y: float, lang: Lang) -> None:
    """A north arrow (up the page) centred at ``x``, top at ``y``."""
    ax = fig.add_axes((x - 0.02, y - 0.06, 0.04, 0.06))
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.4, 2.0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_gid("north-arrow")
    ax.add_patch(
        Polygon(
            [(0, 1), (0.45, -0.9), (0, -0.5)],
            closed=True,
            facecolor="black",
            edgecolor="black",
            linewidth=0.8,
        )
    )
    ax.add_patch(
        Polygon(
            [(0, 1), (-0.45, -0.9), (0, -0.5)],
            closed=True,
            facecolor="white",
            edgecolor="black",
            linewidth=0.8,
        )
    )
    ax.text(
        0, 1.15, t("face.north", lang), ha="center", va="bottom",
        fontsize=10, fontweight="bold",
    )  # fmt: skip


def _layout(
    spans: Sequence[tuple[float, float]], width: float, height: float
) -> tuple[int, int, int | None]:
    """Rows, columns and print scale of the floor panels.

    The grid whose panels take the largest standard scale wins; among
    equals, the one :func:`_grid` prefers (the largest exact fit).
    """
    span = (max(s[0] for s in spans), max(s[1] for s in spans))
    best = _grid(spans, width, height)
    options = [best] + [
        (math.ceil(len(spans) / cols), cols)
        for cols in range(1, len(spans) + 1)
    ]

    def rank(grid: tuple[int, int]) -> float:
        rows, cols = grid
        panel = (width / cols - 0.3, height / rows - _RESERVE)
        scale = print_scale(span, panel)
        return math.inf if scale is None else scale

    rows, cols = min(options, key=rank)  # min keeps the first of equals
    found = rank((rows, cols))
    return rows, cols, None if found == math.inf else int(found)


def _title(fig: Figure, scenario: Scenario, head: str, lang: Lang) -> None:
    fig.text(
        0.025,
        0.975,
        scenario.name,
        fontsize=17,
        fontweight="bold",
        va="top",
        ha="left",
    )
    policy = scenario.policy
    fig.text(
        0.025,
        0.935,
        t(
            "d.title_line",
            lang,
            head=head,
            policy=policy_title(policy, lang),
            id=policy.id,
        ),
        fontsize=11,
        va="top",
        ha="left",
        color="#333333",
    )
    fig.text(
        0.975,
        0.975,
        f"spaceplan {__version__}",
        fontsize=7,
        color="#888888",
        va="top",
        ha="right",
    )


def _facility_verdict(candidate: Candidate, rule: str) -> bool | None:
    """The checker's verdict on a facility rule; None when not checked."""
    return next(
        (
            row.passed
            for row in candidate.checks
            if row.rule == rule and row.subject == "facility"
        ),
        None,
    )


def _rule_lines(
    candidate: Candidate, lang: Lang
) -> list[tuple[str, bool | None]]:
    m = candidate.metrics
    unit = t("unit.m2", lang)
    lines: list[tuple[str, bool | None]] = [
        (
            f"{t('m.facility_area', lang)} {m.facility_area:,.1f} {unit}\n"
            f"  {t('d.of_target', lang)} {m.target_area:,.1f} {unit}",
            _facility_verdict(candidate, "area_target"),
        )
    ]
    if m.resident_share_min is not None:
        lines.append(
            (
                f"{t('m.resident_share', lang)} {m.resident_share:.1%}\n"
                f"  {t('d.minimum', lang)} {m.resident_share_min:.0%}",
                _facility_verdict(candidate, "resident_share"),
            )
        )
    # Advice never counts as a failure: it is listed apart.
    failed = sum(
        not c.passed and c.strength != "advice" for c in candidate.checks
    )
    advice = sum(
        not c.passed and c.strength == "advice" for c in candidate.checks
    )
    if candidate.checks:
        word = (
            t("d.all_pass", lang)
            if not failed
            else f"{failed} {t('d.n_fail', lang)}"
        )
        lines.append((f"{t('d.compliance', lang)}: {word}", not failed))
    if advice:
        lines.append((t("face.advice_apart", lang, n=advice), None))
    return lines


def _side_panel(
    fig: Figure,
    scenario: Scenario,
    candidate: Candidate,
    categories: Iterable[str],
    shared: bool,
    lang: Lang,
    rect: tuple[float, float, float, float],
    walls: Iterable[str] = (),
    changes: Iterable[str] = (),
) -> None:
    x, y, w, h = rect
    # rule box
    top = y + h
    fig.text(
        x, top, t("d.rules", lang), fontsize=11, fontweight="bold", va="top"
    )
    yy = top - 0.035
    for text, ok in _rule_lines(candidate, lang):
        mark = "—" if ok is None else ("✓" if ok else "✗")
        colour = "#333333" if ok is None else (_PASS if ok else _FAIL)
        fig.text(
            x, yy, mark, fontsize=13, color=colour, va="top", fontweight="bold"
        )
        fig.text(x + 0.018, yy, text, fontsize=9, va="top", linespacing=1.35)
        yy -= 0.019 * (text.count("\n") + 1) + 0.012
    fig.add_artist(
        Rectangle(
            (x - 0.006, yy + 0.004),
            w,
            top - yy + 0.006,
            transform=fig.transFigure,
            fill=False,
            edgecolor="#888888",
            linewidth=0.8,
        )
    )
    # legend
    yy -= 0.03
    handles: list[Artist] = [
        Patch(
            facecolor=CATEGORIES[k].fill,
            edgecolor="#222222",
            hatch=CATEGORIES[k].hatch,
            linewidth=0.6,
            label=category_label(k, lang),
        )
        for k in CATEGORIES
        if k in set(categories)
    ]
    handles += [
        Line2D(
            [], [], label=t(f"works.legend_{kind}", lang),
            **WALL_STYLE[kind],  # type: ignore[arg-type]
        )
        for kind in KINDS
        if kind in set(walls)
    ]  # fmt: skip
    handles += [
        Line2D(
            [], [], linestyle="none", label=t(f"face.legend.{kind}", lang),
            **CHANGE_STYLE[kind],  # type: ignore[arg-type]
        )
        for kind in CHANGE_STYLE
        if kind in set(changes)
    ]  # fmt: skip
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(x - 0.008, yy),
        bbox_transform=fig.transFigure,
        title=t("d.legend", lang),
        fontsize=9,
        title_fontsize=10,
        frameon=False,
        handlelength=2.2,
        handleheight=1.3,
        alignment="left",
    )
    yy -= 0.06 + 0.0195 * len(handles)
    if shared:
        demo = [
            f.id
            for f in scenario.functions
            if not f.flexible and f.schedule != "always"
        ][:2]
        if len(demo) == 2:
            fig.text(
                x,
                yy,
                t("d.strip", lang),
                fontsize=10,
                fontweight="bold",
                va="top",
            )
            ax = fig.add_axes((x, yy - 0.085, w * 0.62, 0.06))
            plot_schedule(scenario, demo, lang, heads=True, fontsize=7, ax=ax)
            fig.text(
                x,
                yy - 0.095,
                _wrap(
                    t("d.strip_note", lang), int(t("d.strip_note_wrap", lang))
                ),
                fontsize=7.5,
                va="top",
                color="#444444",
            )


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split(" ") if " " in text else list(text):
        sep = " " if " " in text and line else ""
        if len(line) + len(sep) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line += sep + word
    return "\n".join([*lines, line])


def plot_candidate_sheet(
    scenario: Scenario,
    candidate: Candidate,
    lang: Lang = "zh",
    paper: str = "A3",
) -> Figure:
    """A page for one candidate: every floor, legend and the rule box.

    Call inside :func:`~spaceplan.plot.style.drawing_context` so the
    labels use the bundled CJK font.

    Parameters
    ----------
    scenario
        The building and functions.
    candidate
        A checked candidate (its ``checks`` fill the rule box).
    lang
        ``zh`` (default) or ``en``.
    paper
        ``A3`` (default) or ``A1``, landscape: each floor prints at the
        largest of :data:`SCALES` that fits its panel on that paper.

    Returns
    -------
    Figure
        A landscape figure of that paper size, not attached to pyplot.
    """
    page = PAPERS[paper]
    fig = Figure(figsize=page)
    # the building as the candidate's works leave it, and the works
    view = renovated_scenario(scenario, candidate)
    walls = wall_lines(scenario, candidate)
    floors = view.building.floors
    spans = []
    for floor in floors:
        geo = floor_shapes(view, floor)
        b = shapely.union_all(list(geo.shapes.values())).bounds
        spans.append((b[2] - b[0], b[3] - b[1]))
    span = (max(s[0] for s in spans), max(s[1] for s in spans))
    side_w = 3.7  # inches
    left, right, top, bottom = 0.35, 0.35, 1.25, 0.35
    area_w = page[0] - left - right - side_w - 0.3
    area_h = page[1] - top - bottom
    rows, cols, scale = _layout(spans, area_w, area_h)
    cell_w, cell_h = area_w / cols, area_h / rows
    for i, floor in enumerate(floors):
        r, c = divmod(i, cols)
        rect = (
            (left + c * cell_w + 0.15) / page[0],
            (page[1] - top - (r + 1) * cell_h + 0.5) / page[1],
            (cell_w - 0.3) / page[0],
            (cell_h - _RESERVE) / page[1],
        )
        ax = fig.add_axes(rect)
        ax.set_anchor("W")
        draw_floor(view, candidate, floor, lang, span, ax, scale, walls)
    head = f"{t('d.plan', lang)} · {t('w.candidate', lang)} {candidate.id}"
    _title(fig, scenario, head, lang)
    fig.text(
        0.975,
        0.955,
        t("face.scale", lang, scale=scale, paper=paper)
        if scale is not None
        else t("face.not_to_scale", lang, paper=paper),
        fontsize=11,
        va="top",
        ha="right",
        gid="print-scale",
    )
    _north_arrow(
        fig, (left + area_w - 0.3) / page[0], 1 - 0.25 / page[1], lang
    )
    funcs = room_functions(view, candidate)
    cats = [
        room_category(room, funcs.get(room.id, []))
        for room in view.building.rooms
    ]
    shared = any(len(v) > 1 for v in funcs.values())
    moved_or_new = {c.kind for c in function_changes(view, funcs).values()}
    panel = (
        1 - (side_w + right) / page[0],
        bottom / page[1],
        side_w / page[0],
        1 - (top + bottom) / page[1],
    )
    _side_panel(
        fig,
        view,
        candidate,
        cats,
        shared,
        lang,
        panel,
        walls={w.kind for w in works_of(candidate)},
        changes=moved_or_new,
    )
    works_table(fig, candidate, lang, panel)
    return fig


def plot_comparison_sheet(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    lang: Lang = "zh",
    paper: str = "A3",
) -> Figure:
    """The comparison sheet: the bar chart and a table of metrics."""
    fig = Figure(figsize=PAPERS[paper])
    _title(fig, scenario, t("d.comparison", lang), lang)
    ax = fig.add_axes((0.06, 0.40, 0.62, 0.46))
    plot_comparison(scenario, candidates, lang, ax=ax)
    table = fig.add_axes((0.06, 0.04, 0.88, 0.28))
    _metrics_table(table, candidates, lang)
    return fig


def _metrics_table(
    ax: Axes, candidates: Sequence[Candidate], lang: Lang
) -> None:
    ax.set_axis_off()
    head, cells, failed = candidate_table(candidates, lang)
    colours = [
        ["white"] * (len(head) - 1) + ["#e3f2e6" if not n else "#f8dcdc"]
        for n in failed
    ]
    tab = ax.table(
        cellText=cells,
        colLabels=head,
        cellColours=colours,
        loc="upper left",
        cellLoc="center",
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(9)
    tab.scale(1, 1.6)
    for cell in tab.get_celld().values():
        cell.set_edgecolor("#999999")
        cell.set_linewidth(0.5)


def plot_cover_sheet(
    scenario: Scenario, result: Result, lang: Lang = "zh", paper: str = "A3"
) -> Figure:
    """The cover: scenario, profile and the compliance summary."""
    fig = Figure(figsize=PAPERS[paper])
    _title(fig, scenario, t("d.drawing_set", lang), lang)
    unit = t("unit.m2", lang)
    m0 = result.candidates[0].metrics if result.candidates else None
    facts = [
        (t("w.policy", lang), f"{policy_title(scenario.policy, lang)}"),
        (t("w.source", lang), source_words(scenario.policy.source, lang)),
        (t("w.households", lang), f"{scenario.community.households:,}"),
        (
            t("m.target_area", lang),
            "—" if m0 is None else f"{m0.target_area:,.1f} {unit}",
        ),
        (
            t("d.share_line", lang),
            "—"
            if scenario.policy.resident_share_min is None
            else f"{scenario.policy.resident_share_min:.0%}",
        ),
        (t("w.status", lang), t(f"status.{result.status}", lang)),
        (
            t("d.rooms", lang),
            f"{len(scenario.building.rooms)} / "
            f"{t('d.functions_n', lang)} {len(scenario.functions)}",
        ),
    ]
    fig.text(
        0.06,
        0.84,
        t("d.summary", lang),
        fontsize=13,
        fontweight="bold",
        va="top",
    )
    for i, (k, v) in enumerate(facts):
        y = 0.80 - i * 0.032
        fig.text(0.06, y, k, fontsize=10, va="top", color="#555555")
        fig.text(0.22, y, _clip(v, 90), fontsize=10, va="top")
    fig.text(
        0.06,
        0.54,
        t("d.cover_summary", lang),
        fontsize=13,
        fontweight="bold",
        va="top",
    )
    height = 0.026 * (len(result.candidates) + 1)
    ax = fig.add_axes((0.06, 0.51 - height, 0.88, height))
    _metrics_table(ax, result.candidates, lang)
    notes = [
        f"{t('w.candidate', lang)} {c.id}  "
        f"{_clip(failure_line(row, lang, scenario), 120)}"
        for c in result.candidates
        for row in c.checks
        if not row.passed and row.strength != "advice"
    ]
    if notes:
        fig.text(
            0.06, 0.48 - height, t("d.failures", lang), fontsize=11, va="top"
        )
        fig.text(
            0.06,
            0.45 - height,
            "\n".join(notes[:12]),
            fontsize=8.5,
            va="top",
            color=_FAIL,
            linespacing=1.5,
        )
    return fig


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------ texts


def sheet_texts(scenario: Scenario, result: Result, lang: Lang) -> list[str]:
    """Every text the drawing set may show, for the glyph check."""
    texts = [
        scenario.name,
        policy_title(scenario.policy, lang),
        source_words(scenario.policy.source, lang),
        scenario.policy.id,
    ]
    texts += [function_name(f, lang) for f in scenario.functions]
    texts += [category_label(k, lang) for k in CATEGORIES]
    texts += [t(k, lang) for k in _WORD_KEYS]
    for cand in result.candidates:
        texts += labels_of(scenario, cand, lang)
        texts += [
            failure_line(r, lang, scenario)
            for r in cand.checks
            if not r.passed
        ]
        texts += [row_source(r, lang) for r in cand.checks]
    return texts


_WORD_KEYS = (
    "d.plan",
    "d.drawing_set",
    "d.comparison",
    "d.rules",
    "d.legend",
    "d.strip",
    "d.strip_note",
    "d.cover_summary",
    "d.failures",
    "d.summary",
    "d.compliance",
    "d.all_pass",
    "d.n_fail",
    "face.advice_apart",
    "d.of_target",
    "d.minimum",
    "d.share_line",
    "d.target",
    "d.rooms",
    "d.functions_n",
    "m.facility_area",
    "m.target_area",
    "m.resident_share",
    "m.office_area",
    "m.unused_area",
    "m.rooms_used",
    "m.objective",
    "w.candidate",
    "w.policy",
    "w.source",
    "w.households",
    "w.status",
    "slot.weekday",
    "slot.weekend",
    "slot.am.short",
    "slot.pm.short",
    "slot.eve.short",
    "status.optimal",
    "status.feasible",
    "status.infeasible",
    "status.unknown",
)
