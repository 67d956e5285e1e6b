"""The drawing of an infeasible scenario: the building and its shortfall."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.text import Text

from spaceplan.diagnose import diagnose
from spaceplan.export import write_outputs
from spaceplan.plot.shortfall import plot_shortfall_sheet, shortfall_units
from spaceplan.read import read_scenario
from spaceplan.solvers import solve

DATA = Path(__file__).parents[1] / "data" / "diagnose"


def _patches(fig, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        p.get_gid()
        for ax in fig.axes
        for p in ax.patches
        if (p.get_gid() or "").startswith(prefix)
    ]


def test_every_room_and_the_missing_area_are_drawn() -> None:
    # short-area.yaml: 1,260 m² asked, 275 m² of rooms: 985 m² missing,
    # the verified add-area repair; five rooms on two floors.
    scenario = read_scenario(DATA / "short-area.yaml")
    found = diagnose(scenario, profiles=False).as_dict()
    assert shortfall_units(scenario, found) == 98_500
    fig = plot_shortfall_sheet(scenario, found)
    try:
        rooms = sorted(_patches(fig, "room:"))
        assert rooms == [f"room:{r.id}" for r in scenario.building.rooms]
        assert _patches(fig, "shortfall") == ["shortfall"]
        text = "\n".join(t.get_text() for t in fig.findobj(Text))
        assert "985 m²" in text and "缺少" in text
        assert "豁免" in text  # the waiver, labelled as such
    finally:
        plt.close(fig)


def test_without_a_diagnosis_the_arithmetic_is_drawn() -> None:
    # No diagnosis: the target less the rooms, 1,260 - 275 = 985 m².
    scenario = read_scenario(DATA / "short-area.yaml")
    assert shortfall_units(scenario, {}) == 98_500
    fig = plot_shortfall_sheet(scenario, None, lang="en")
    try:
        text = "\n".join(t.get_text() for t in fig.findobj(Text))
        assert "985 m²\nmissing" in text
    finally:
        plt.close(fig)


def test_an_infeasible_solve_writes_the_drawing(tmp_path: Path) -> None:
    scenario = read_scenario(DATA / "no-room.yaml")
    result = solve(scenario, workers=1, seed=0, candidates=1, time_limit=10)
    assert result.status == "infeasible"
    names = {p.name for p in write_outputs(scenario, result, tmp_path)}
    assert {"shortfall.png", "drawings.pdf"} <= names
