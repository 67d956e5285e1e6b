"""The axis grid (轴网) of a floor plan, from the room outlines.

A survey drawing has its structural grid; spaceplan has the rooms'
outlines only, so it draws the lines along which walls run: an x (or y)
position is a grid line when the room edges on it add up to at least
:data:`MIN_RUN` metres. Vertical lines are numbered 1, 2, 3 … from the
left and horizontal ones lettered A, B, C … from the bottom, skipping I,
O and Z, each in a bubble below and left of the building, as the
drafting standard numbers axes (GB/T 50001-2017 房屋建筑制图统一标准,
定位轴线).
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterable
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Circle
from shapely.geometry import Polygon

#: Metres of wall on one line that make it a grid line.
MIN_RUN = 2.0
#: Positions closer than this (m) are one line.
SNAP = 0.05
#: More lines than this in one direction is no grid to read: none drawn.
MAX_LINES = 40
#: Row letters: the alphabet without I, O and Z.
ROW_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "IOZ")


def row_label(k: int) -> str:
    """The letter of horizontal grid line ``k`` (0-based): A … Y, then
    AA, AB … as the standard allows."""
    n = len(ROW_LETTERS)
    if k < n:
        return ROW_LETTERS[k]
    return ROW_LETTERS[k // n - 1] + ROW_LETTERS[k % n]


def grid_lines(
    shapes: Iterable[Polygon],
) -> tuple[list[float], list[float]]:
    """x positions of vertical and y positions of horizontal grid lines.

    Only axis-parallel edges count; slanted walls have no grid line.
    """
    runs: tuple[dict[float, float], dict[float, float]] = ({}, {})
    for shape in shapes:
        coords = list(shape.exterior.coords)
        for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
            if abs(x0 - x1) < 1e-6 and abs(y0 - y1) > 1e-6:
                key = round(round(x0 / SNAP) * SNAP, 3)
                runs[0][key] = runs[0].get(key, 0.0) + abs(y1 - y0)
            elif abs(y0 - y1) < 1e-6 and abs(x0 - x1) > 1e-6:
                key = round(round(y0 / SNAP) * SNAP, 3)
                runs[1][key] = runs[1].get(key, 0.0) + abs(x1 - x0)
    xs, ys = (
        sorted(p for p, run in r.items() if run >= MIN_RUN) for r in runs
    )
    return xs, ys


def draw_axis_grid(
    ax: Axes,
    shapes: Iterable[Polygon],
    bounds: tuple[float, float, float, float],
    pad: float,
    pt_per_m: float,
) -> int:
    """Draw the grid lines and their bubbles; return how many lines.

    ``bounds`` is the building's (minx, miny, maxx, maxy) and ``pad`` the
    margin around it in metres: bubbles sit in the margin, below the
    building for the numbers and left of it for the letters.
    """
    xs, ys = grid_lines(shapes)
    if len(xs) > MAX_LINES or len(ys) > MAX_LINES:
        return 0
    minx, miny, maxx, maxy = bounds
    radius = pad * 0.4
    size = max(4.0, min(8.0, radius * pt_per_m * 0.9))
    style: dict[str, Any] = {
        "color": "#9a9a9a", "linewidth": 0.4, "linestyle": "-.",
    }  # fmt: skip
    # Bubbles of lines closer than a bubble's width move apart along the
    # margin, each joined to its line by a bent leader (折线引出).
    knee, row = miny - pad * 0.1, miny - pad * 0.5
    across = spread(xs, radius)
    for k, (x, at) in enumerate(zip(xs, across, strict=True)):
        ax.plot([x, x, at], [maxy, knee, row + radius], **style)
        _bubble(ax, at, row, radius, str(k + 1), size)
    knee, col = minx - pad * 0.1, minx - pad * 0.5
    # The lowest letter keeps clear of the first number at the corner.
    step = bubble_step(radius)
    near = min((abs(c - col) for c in across), default=step)
    low = row + math.sqrt(max(0.0, step**2 - near**2))
    up = spread(ys, radius, low)
    for k, (y, at) in enumerate(zip(ys, up, strict=True)):
        ax.plot([maxx, knee, col + radius], [y, y, at], **style)
        _bubble(ax, col, at, radius, row_label(k), size)
    return len(xs) + len(ys)


#: Space between two bubbles moved apart, as a share of their radius.
BUBBLE_GAP = 0.1


def bubble_step(radius: float) -> float:
    """Distance between the centres of two bubbles side by side."""
    return radius * (2 + BUBBLE_GAP)


def spread(
    positions: list[float], radius: float, low: float = -math.inf
) -> list[float]:
    """Centres for the bubbles of sorted grid ``positions``: each at its
    line, unless that would overlap its neighbour; then a run of crowded
    bubbles is spaced a diameter (and :data:`BUBBLE_GAP`) apart, centred
    on the middle of its lines. No centre is below ``low``."""
    step = bubble_step(radius)
    runs: list[list[float]] = []
    for p in positions:
        if runs and p - runs[-1][-1] < step:
            runs[-1].append(p)
        else:
            runs.append([p])
    centres: list[float] = []
    for run in runs:
        middle = (run[0] + run[-1]) / 2
        first = middle - step * (len(run) - 1) / 2
        # A run spread wider than its lines may reach the run before.
        first = max(first, centres[-1] + step if centres else low)
        centres += [first + step * k for k in range(len(run))]
    return centres


def _bubble(
    ax: Axes, x: float, y: float, radius: float, text: str, size: float
) -> None:
    ax.add_patch(
        Circle(
            (x, y), radius, facecolor="white", edgecolor="#777777",
            linewidth=0.5, gid=f"axis:{text}",
        )
    )  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=size,
            color="#444444")  # fmt: skip
