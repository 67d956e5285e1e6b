"""The axis grid: lines where walls run, numbered and lettered."""

from __future__ import annotations

import matplotlib.pyplot as plt
from shapely.geometry import box

from spaceplan.plot.axisgrid import draw_axis_grid, grid_lines, row_label
from spaceplan.plot.floorplan import plot_floorplan


def test_lines_where_walls_run() -> None:
    # Two 5 m x 4 m rooms side by side and a 1 m x 1 m closet on the
    # first. Vertical runs: x = 0 has 4 + 1 m, x = 5 has 8 m, x = 10 has
    # 4 m, x = 1 only 1 m (< 2 m, no line). Horizontal: y = 0 has 10 m,
    # y = 4 has 10 + 1 m, y = 5 only 1 m.
    shapes = [box(0, 0, 5, 4), box(5, 0, 10, 4), box(0, 4, 1, 5)]
    xs, ys = grid_lines(shapes)
    assert xs == [0.0, 5.0, 10.0]
    assert ys == [0.0, 4.0]


def test_rows_skip_i_o_and_z() -> None:
    # 26 letters less I, O and Z: 23 single letters, then AA.
    letters = [row_label(k) for k in range(23)]
    assert "I" not in letters and "O" not in letters and "Z" not in letters
    assert letters[:9] == list("ABCDEFGHJ")
    assert row_label(22) == "Y" and row_label(23) == "AA"


def test_the_grid_is_drawn_with_its_bubbles() -> None:
    _, ax = plt.subplots()
    shapes = [box(0, 0, 5, 4), box(5, 0, 10, 4)]
    n = draw_axis_grid(ax, shapes, (0, 0, 10, 4), 1.0, 20.0)
    assert n == 5
    bubbles = sorted(p.get_gid() for p in ax.patches)
    assert bubbles == ["axis:1", "axis:2", "axis:3", "axis:A", "axis:B"]
    plt.close(ax.figure)


def test_a_floor_plan_with_outlines_has_a_grid(scenario, plan) -> None:
    ax = plot_floorplan(scenario, plan, floor=1)
    assert any((p.get_gid() or "").startswith("axis:") for p in ax.patches)
    plt.close(ax.figure)


def test_bubbles_of_close_lines_move_apart() -> None:
    # Lines at 0, 0.3 and 10 with bubbles of radius 0.4: a bubble is 0.84
    # wide with its gap, so the first two move apart around their middle
    # 0.15 (to 0.15 -+ 0.42 = -0.27 and 0.57); the third stays at its line.
    from spaceplan.plot.axisgrid import spread

    got = spread([0.0, 0.3, 10.0], 0.4)
    assert [round(c, 2) for c in got] == [-0.27, 0.57, 10.0]
    assert all(b - a >= 0.84 - 1e-9 for a, b in zip(got, got[1:], strict=False))


def test_a_crowded_run_never_overlaps_the_run_before() -> None:
    # Lines 0, 0.1, 0.2 are one crowded run around 0.1: -0.74, 0.1, 0.94.
    # 1.1 and 1.15 are a second run (1.1 - 0.2 = 0.9 apart from the
    # first's lines); around 1.125 they would start at 0.705, within a
    # bubble of 0.94, so they start at 0.94 + 0.84 = 1.78.
    from spaceplan.plot.axisgrid import spread

    got = spread([0.0, 0.1, 0.2, 1.1, 1.15], 0.4)
    assert all(b - a >= 0.84 - 1e-9 for a, b in zip(got, got[1:], strict=False))
    assert [round(c, 2) for c in got] == [-0.74, 0.1, 0.94, 1.78, 2.62]


def test_the_corner_bubbles_keep_clear_of_each_other() -> None:
    # A 10 m x 4 m building, margin 1 m: bubbles of radius 0.4 at 0.5 m
    # out. Number 1 (x = 0, y = -0.5) and letter A (x = -0.5, y = 0)
    # would be 0.71 apart, less than 0.84: A moves up to at least
    # -0.5 + sqrt(0.84² - 0.5²) = 0.175.
    _, ax = plt.subplots()
    draw_axis_grid(ax, [box(0, 0, 10, 4)], (0, 0, 10, 4), 1.0, 20.0)
    centres = {p.get_gid(): p.center for p in ax.patches}
    (x1, y1), (xa, ya) = centres["axis:1"], centres["axis:A"]
    assert ((x1 - xa) ** 2 + (y1 - ya) ** 2) ** 0.5 >= 0.84 - 1e-9
    assert ya > 0.17
    plt.close(ax.figure)
