"""The sweep chart: resident share and area margin against households.

One line per profile; the resident share on the left axis (with the
profile's minimum as a dotted line where the rows carry it), the area
margin (facility minus target, m²) on a twin right axis, dashed.
Infeasible runs are marked with a cross on the zero-margin line, other
failures (unknown, error) with a hollow circle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from spaceplan.i18n import Lang, t

SOLVED = ("optimal", "feasible")


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def plot_sweep(
    rows: Sequence[Mapping[str, Any]],
    ax: Axes | None = None,
    base_policy: str = "",
    lang: Lang = "zh",
) -> Axes:
    """Draw a sweep's rows: share and margin against households.

    Parameters
    ----------
    rows : sequence of mapping
        Rows of ``runs.csv`` (strings or numbers): ``households``,
        ``policy`` (optional), ``status``, ``resident_share``,
        ``area_margin``.
    ax : Axes or None
        Where to draw; a new figure when None.
    base_policy : str
        The profile of rows without a ``policy`` column.
    lang : {"zh", "en"}
        Language of the titles and labels.

    Returns
    -------
    Axes
        The share axes (the margin is on its twin).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
    margin_ax = ax.twinx()
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        policy = str(
            row.get("policy") or base_policy or t("face.sweep.scenario", lang)
        )
        groups.setdefault(policy, []).append(row)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (policy, group) in enumerate(sorted(groups.items())):
        colour = colours[i % len(colours)]
        points = sorted(
            (x, r)
            for r in group
            if (x := _num(r.get("households"))) is not None
        )
        solved = [(x, r) for x, r in points if r.get("status") in SOLVED]
        xs = [x for x, _ in solved]
        nan = float("nan")
        share = [_num(r.get("resident_share")) for _, r in solved]
        margin = [_num(r.get("area_margin")) for _, r in solved]
        share_f = [nan if v is None else v for v in share]
        margin_m2 = [nan if v is None else v for v in margin]
        ax.plot(xs, share_f, "o-", color=colour, ms=3, label=policy)
        margin_ax.plot(xs, margin_m2, "s--", color=colour, ms=2, alpha=0.7)
        bad = [x for x, r in points if r.get("status") == "infeasible"]
        if bad:
            margin_ax.plot(
                bad, [0.0] * len(bad), "x", color=colour, ms=6, mew=1.5
            )
        other = [
            x
            for x, r in points
            if r.get("status") not in (*SOLVED, "infeasible")
        ]
        if other:
            margin_ax.plot(
                other, [0.0] * len(other), "o", mfc="none", color=colour
            )
    margin_ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel(t("face.sweep.x", lang))
    ax.set_ylabel(t("face.sweep.share", lang))
    margin_ax.set_ylabel(t("face.sweep.margin", lang))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.grid(True, alpha=0.3)
    if groups:
        ax.legend(
            title=t("face.sweep.legend", lang), fontsize="small", loc="best"
        )
    ax.set_title(t("face.sweep.chart", lang))
    return ax


def plot_sweep_sheet(
    rows: Sequence[Mapping[str, Any]],
    base_policy: str = "",
    lang: Lang = "zh",
) -> Figure:
    """:func:`plot_sweep` on a figure of its own.

    Call inside :func:`~spaceplan.plot.style.drawing_context`.

    Parameters
    ----------
    rows : sequence of mapping
        As for :func:`plot_sweep`.
    base_policy : str
        The profile of rows without a ``policy`` column.
    lang : {"zh", "en"}
        Language of the titles and labels.

    Returns
    -------
    Figure
        An 8 × 4.8 in figure, not attached to pyplot.
    """
    fig = Figure(figsize=(8, 4.8), layout="constrained")
    plot_sweep(rows, ax=fig.add_subplot(), base_policy=base_policy, lang=lang)
    return fig
