"""The weekly strip: which function uses a shared room in which slot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from spaceplan.data import Function, Scenario
from spaceplan.i18n import Lang, group_name, slot_group, slot_short
from spaceplan.layout import CATEGORIES, function_category

#: Circled numbers tying a strip's rows to the names in a room's label.
MARKS = "①②③④⑤⑥⑦⑧⑨⑩"


def mark(i: int) -> str:
    """The circled number of row ``i`` (0-based)."""
    return MARKS[i] if i < len(MARKS) else f"({i + 1})"


def plot_schedule(
    scenario: Scenario,
    functions: Sequence[str],
    lang: Lang = "zh",
    heads: bool = False,
    fontsize: float = 6.0,
    ax: Axes | None = None,
    booked: Mapping[str, Sequence[str]] | None = None,
) -> Axes:
    """Draw a weekly strip: one row per function, one cell per slot.

    Parameters
    ----------
    scenario
        Gives the profile's slots and the functions' schedules.
    functions
        Ids of the functions sharing the room, in label order.
    lang
        ``zh`` or ``en`` for the slot heads.
    heads
        Write day-group and slot heads above the cells (for a legend);
        without them the strip is compact enough to sit inside a room.
    fontsize
        Size of the row marks and heads, in points.
    ax
        Axes to draw in (often an inset of a floor plan); a new figure
        when None.
    booked
        The slots each function is in session in this room, from the
        plan's timetable; a function not named here (or with no
        timetable) shows its profile schedule.

    Returns
    -------
    Axes
        The axes holding the strip, in unit cells: x from 0 to the number
        of slots, y from 0 to the number of functions (first row on top).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 0.3 + 0.25 * len(functions)))
    slots = scenario.slots
    index = scenario.function_index
    funcs: list[Function] = [
        scenario.functions[index[f]] for f in functions if f in index
    ]
    rows = len(funcs)
    mark_w = 1.0
    for row, func in enumerate(funcs):
        y = rows - row - 1
        if booked is not None and func.id in booked:
            active = set(booked[func.id])
        else:
            active = set(func.active_slots(slots))
        colour = CATEGORIES[function_category(func)].strong
        for col, slot in enumerate(slots):
            used = slot in active
            ax.add_patch(
                Rectangle(
                    (col, y + 0.1),
                    1,
                    0.8,
                    facecolor=colour if used else "white",
                    edgecolor="#555555",
                    linewidth=0.3,
                    gid=f"slot:{func.id}:{slot}:{int(used)}",
                )
            )
        ax.text(
            -0.15,
            y + 0.5,
            mark(row),
            ha="right",
            va="center",
            fontsize=fontsize,
        )
    for col in range(1, len(slots)):
        if slot_group(slots[col]) != slot_group(slots[col - 1]):
            ax.plot(
                [col, col],
                [0, rows],
                color="black",
                linewidth=0.9,
                solid_capstyle="butt",
            )
    top: float = rows
    if heads:
        for col, slot in enumerate(slots):
            ax.text(
                col + 0.5,
                rows + 0.15,
                slot_short(slot, lang),
                ha="center",
                va="bottom",
                fontsize=fontsize,
            )
        start = 0
        for col in range(1, len(slots) + 1):
            if col == len(slots) or (
                slot_group(slots[col]) != slot_group(slots[start])
            ):
                group = slot_group(slots[start])
                word = group_name(group, lang)
                ax.text(
                    (start + col) / 2,
                    rows + 0.15 + fontsize / 6.0,
                    word,
                    ha="center",
                    va="bottom",
                    fontsize=fontsize,
                )
                start = col
        top = rows + 0.4 + 2 * fontsize / 6.0
    ax.set_xlim(-mark_w, len(slots) + 0.05)
    ax.set_ylim(-0.05, top)
    ax.set_axis_off()
    return ax
