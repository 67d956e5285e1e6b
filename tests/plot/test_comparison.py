"""The comparison chart and the files of the drawing set."""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import pytest

from spaceplan.export import write_drawings
from spaceplan.plot.comparison import category_areas, plot_comparison


def test_bars_stack_the_facility_area_by_category(scenario, candidates):
    ax = plot_comparison(scenario, candidates)
    for cand in candidates:
        bars = [
            p for p in ax.patches if p.get_gid().startswith(f"bar:{cand.id}:")
        ]
        total = sum(p.get_height() for p in bars)
        # circulation is excluded by the profile: bars add up to the
        # facility area
        assert total == pytest.approx(cand.metrics.facility_area)
    # A: R201 and R202 are shared by two resident functions, so they
    # stay resident; R106 and R203 hold the flexible room.
    areas = category_areas(scenario, candidates[0])
    assert areas["resident"] == pytest.approx(63 + 45)
    assert areas["flexible"] == pytest.approx(24 + 72)
    assert areas["mixed"] == 0
    plt.close(ax.figure)


def test_rule_lines_are_drawn(scenario, candidates):
    ax = plot_comparison(scenario, candidates, lang="en")
    ys = sorted({round(y, 2) for line in ax.lines for y in line.get_ydata()})
    assert 300.0 in ys  # the area target
    for cand in candidates:  # 60 % of each candidate's facility area
        assert round(0.6 * cand.metrics.facility_area, 2) in ys
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["Candidate A", "Candidate B"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Area target 300 m²" in legend
    assert "Resident-share minimum 60%" in legend
    plt.close(ax.figure)


def test_drawing_set_files(scenario, result, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no missing-glyph warning at all
        paths = write_drawings(
            scenario, result, tmp_path, formats=("png", "svg", "pdf")
        )
    names = sorted(p.name for p in paths)
    assert names == [
        "comparison.png",
        "drawings.pdf",
        "plan-A.png",
        "plan-A.svg",
        "plan-B.png",
        "plan-B.svg",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temps
    pdf = (tmp_path / "drawings.pdf").read_bytes()
    # cover, one page per candidate, comparison
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 4
    assert b"/Subtype /Type3" in pdf  # CFF font kept as Type 3
    svg = (tmp_path / "plan-A.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and 'id="room:R101"' in svg
    png = (tmp_path / "plan-A.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_format_is_refused(scenario, result, tmp_path):
    with pytest.raises(ValueError, match="unknown drawing format jpg"):
        write_drawings(scenario, result, tmp_path, formats=("jpg",))
