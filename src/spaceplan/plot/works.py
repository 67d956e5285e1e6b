"""The works table of a candidate sheet: partitions removed and built.

One row per work (拆除隔墙 / 新建隔墙) with its rooms, length and cost, and
the total in 元, drawn at the foot of the sheet's side panel.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from spaceplan.i18n import Lang, t
from spaceplan.report.works import works_header, works_rows
from spaceplan.solution import Candidate

#: Rows of the works table a sheet shows; the report lists every one.
WORKS_ROWS = 8


def works_table(
    fig: Figure,
    candidate: Candidate,
    lang: Lang,
    rect: tuple[float, float, float, float],
) -> None:
    """The works table (拆除 / 新建隔墙) at the foot of the side panel.

    ``rect`` is the panel (figure fractions); the table sits on its
    bottom edge, one row per work and the total last. Nothing is drawn
    for a candidate without works.
    """
    rows = works_rows(candidate, lang)
    if not rows:
        return
    body, total = rows[:-1], rows[-1]
    if len(body) > WORKS_ROWS:
        more = t("works.more", lang, n=len(body) - WORKS_ROWS + 1)
        body = [*body[: WORKS_ROWS - 1], [more, "", "", ""]]
    rows = [*body, total]
    x, y, w, _ = rect
    row_h = 0.019
    height = row_h * (len(rows) + 1)
    fig.text(
        x, y + height + 0.008, t("works.heading", lang), fontsize=11,
        fontweight="bold", va="bottom",
    )  # fmt: skip
    ax = fig.add_axes((x - 0.004, y, w, height))
    ax.set_axis_off()
    ax.set_gid("works-table")
    tab = ax.table(
        cellText=rows,
        colLabels=works_header(lang),
        colWidths=[0.33, 0.25, 0.19, 0.23],
        loc="upper left",
        cellLoc="left",
        bbox=Bbox.from_bounds(0.0, 0.0, 1.0, 1.0),
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(8)
    for (r, c), cell in tab.get_celld().items():
        cell.set_edgecolor("#999999")
        cell.set_linewidth(0.5)
        if c >= 2:
            cell.get_text().set_horizontalalignment("right")
        if r == 0 or r == len(rows):
            cell.get_text().set_fontweight("bold")
        if r == 0:
            cell.set_facecolor("#efefeb")
