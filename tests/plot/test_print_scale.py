"""The candidate sheet prints at a true scale, named in its title block,
with a north arrow."""

from __future__ import annotations

import pytest

from spaceplan.plot.floorplan import M_PER_INCH
from spaceplan.plot.sheets import SCALES, plot_candidate_sheet, print_scale
from spaceplan.plot.style import drawing_context


@pytest.mark.parametrize(
    ("span", "panel", "scale"),
    [
        # 20 m + 0.8 m pad at 1:100 is 8.2 in: fits 9 in
        ((20.0, 10.0), (9.0, 5.0), 100),
        # ... but not 8 in; at 1:150 it is 5.5 in
        ((20.0, 10.0), (8.0, 5.0), 150),
        # a 60 m floor in 4 in: 1:1000 would do, 1:500 too (4.9 in > 4)
        ((60.0, 20.0), (4.0, 4.0), 1000),
        # a 600 m site in 4 in: no scale fits
        ((600.0, 200.0), (4.0, 4.0), None),
    ],
)
def test_the_largest_fitting_scale_is_chosen(span, panel, scale):
    assert print_scale(span, panel) == scale


def test_floors_print_at_the_scale_in_the_title_block(scenario, candidates):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, candidates[0])
    texts = {t.get_gid(): t.get_text() for t in fig.texts}
    word = texts["print-scale"]
    scale = next(s for s in SCALES if f"1:{s}（A3）" in word)
    width, _ = fig.get_size_inches()
    floors = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(floors) == len(scenario.building.floors)
    for ax in floors:
        x0, x1 = ax.get_xlim()
        paper = ax.get_position().width * width * M_PER_INCH
        assert (x1 - x0) / paper == pytest.approx(scale)
    arrows = [ax for ax in fig.axes if ax.get_gid() == "north-arrow"]
    assert len(arrows) == 1
    assert [t.get_text() for t in arrows[0].texts] == ["北"]
