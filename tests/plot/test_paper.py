"""A3 and A1 sheets print at a true scale: a room measures right on paper.

R101 of the drawing scenario is 9 m wide; at 1:n it must span
9 000 / n mm of the printed page, within 1 %.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.backends.backend_agg import FigureCanvasAgg

from spaceplan.cli import main
from spaceplan.plot.render import render_pdf
from spaceplan.plot.sheets import PAPERS, SCALES, plot_candidate_sheet
from spaceplan.plot.style import drawing_context

PLOT_DATA = Path(__file__).parents[1] / "data" / "plot"
#: ISO 216 landscape, mm.
PAPER_MM = {"A3": (420.0, 297.0), "A1": (841.0, 594.0)}
MM_PER_INCH = 25.4


def _media_box_mm(pdf: bytes) -> tuple[float, float]:
    """The first page's size in mm, from the PDF's MediaBox (points)."""
    found = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert found is not None
    w, h = (float(v) for v in found.groups())
    return w / 72 * MM_PER_INCH, h / 72 * MM_PER_INCH


def _scale_words(fig) -> str:
    return next(
        t.get_text() for t in fig.texts if t.get_gid() == "print-scale"
    )


def _scale(fig) -> int:
    """n of the 1:n the title block names."""
    found = re.search(r"1:(\d+)", _scale_words(fig))
    assert found is not None
    return int(found.group(1))


def _room_mm(fig, room_id: str) -> float:
    """The printed width of a room's outline, in mm."""
    patch = next(
        p
        for ax in fig.axes
        for p in ax.patches
        if p.get_gid() == f"room:{room_id}"
    )
    xy = patch.get_transform().transform(patch.get_path().vertices)
    return (xy[:, 0].max() - xy[:, 0].min()) / fig.dpi * MM_PER_INCH


@pytest.mark.parametrize("paper", ["A3", "A1"])
def test_a_room_measures_right_on_paper(scenario, candidates, paper):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, candidates[0], "zh", paper)
        pdf = render_pdf([fig], scenario.name)
    # The page is the paper, to the millimetre.
    w, h = _media_box_mm(pdf)
    assert w == pytest.approx(PAPER_MM[paper][0], rel=0.01)
    assert h == pytest.approx(PAPER_MM[paper][1], rel=0.01)
    # The title block names the scale and the paper.
    words = _scale_words(fig)
    assert f"（{paper}）" in words
    scale = _scale(fig)
    assert scale in SCALES
    FigureCanvasAgg(fig).draw()  # as saved: aspect and anchors applied
    room = scenario.room("R101")
    xs = [x for x, _ in room.polygon]  # type: ignore[union-attr]
    width_m = max(xs) - min(xs)
    assert width_m == 9.0
    assert _room_mm(fig, "R101") == pytest.approx(
        width_m * 1000 / scale, rel=0.01
    )


def test_a1_draws_larger_than_a3(scenario, candidates):
    scales = {}
    with drawing_context():
        for paper in PAPERS:
            fig = plot_candidate_sheet(scenario, candidates[0], "zh", paper)
            scales[paper] = _scale(fig)
    # Twice the paper's side: at least the next larger scale.
    assert scales["A1"] < scales["A3"]


def test_check_writes_a1_sheets(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "check", str(PLOT_DATA / "scenario.yaml"),
            str(PLOT_DATA / "plan.yaml"), "-o", str(out),
            "--paper", "A1", "--lang", "en",
        ],
    )  # fmt: skip
    # The plan breaks the share rule (exit 2); the drawings are written.
    assert (out / "drawings.pdf").is_file(), result.output
    w, h = _media_box_mm((out / "drawings.pdf").read_bytes())
    assert (round(w), round(h)) == (841, 594)


def test_an_unknown_paper_is_refused(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "check", str(PLOT_DATA / "scenario.yaml"),
            str(PLOT_DATA / "plan.yaml"), "-o", str(tmp_path / "x"),
            "--paper", "A9",
        ],
    )  # fmt: skip
    assert result.exit_code == 1  # bad input
    assert "A9" in result.output + result.stderr
    assert not (tmp_path / "x").exists()


def test_the_shortfall_sheet_takes_the_paper_too(scenario):
    from spaceplan.plot.shortfall import plot_shortfall_sheet

    fig = plot_shortfall_sheet(scenario, None, "zh", paper="A1")
    w, h = (v * MM_PER_INCH for v in fig.get_size_inches())
    assert (round(w), round(h)) == (841, 594)
