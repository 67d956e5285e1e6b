"""Functions a plan moves (迁入) or puts in a room anew (新设) are marked.

The scenario says where a function is today only by a room's present
name (原档案室): the drawing scenario is renamed so that the archive stays
in 原档案室 R105, the service hall leaves 原服务大厅 R201 for R101, and the
elderly activity room takes R201, which held another use.
"""

from __future__ import annotations

import pytest

from spaceplan.check import checked_candidate
from spaceplan.data import Room, Scenario
from spaceplan.layout import room_functions
from spaceplan.plot.floorplan import room_lines
from spaceplan.plot.sheets import plot_candidate_sheet
from spaceplan.plot.style import drawing_context
from spaceplan.report.present import Change, function_changes, present_rooms

NAMES = {"R105": "原档案室", "R201": "原服务大厅（临时）", "R103": None}


@pytest.fixture(scope="module")
def renamed(scenario: Scenario) -> Scenario:
    rooms = tuple(
        r.replace(name=NAMES[r.id]) if r.id in NAMES else r
        for r in scenario.building.rooms
    )
    return scenario.replace(building=scenario.building.replace(rooms=rooms))


def test_present_rooms_are_read_from_names(renamed) -> None:
    # 原 and a remark in brackets are not part of the use.
    assert present_rooms(renamed) == {
        "archive": ("R105",), "service_hall": ("R201",),
    }  # fmt: skip


def test_moved_new_and_unchanged(renamed, plan) -> None:
    changes = function_changes(renamed, room_functions(renamed, plan))
    assert changes[("R101", "service_hall")] == Change("moved", "R201")
    assert changes[("R201", "elderly_activity")] == Change("new")
    assert ("R105", "archive") not in changes  # it stays where it is
    # The flexible room is never marked.
    assert not any(fid == "flex_activity" for _, fid in changes)


def test_nothing_is_marked_when_no_present_use_is_known(scenario, plan):
    rooms = tuple(r.replace(name=None) for r in scenario.building.rooms)
    bare = scenario.replace(building=scenario.building.replace(rooms=rooms))
    assert function_changes(bare, room_functions(bare, plan)) == {}


def test_labels_say_moved_and_new() -> None:
    from spaceplan.data import Function

    f = Function(
        id="reading_room", name="阅览室", name_en="Reading room",
        category="resident", min_area=20,
    )  # fmt: skip
    room = Room(id="R9", name="会议室", floor=1, area=30.0)
    moved = room_lines(room, [f], "zh", changes={f.id: Change("moved", "R2")})
    assert moved[0] == "阅览室（自R2迁入）"
    new = room_lines(room, [f], "en", changes={f.id: Change("new")})
    assert new[0] == "Reading room (new here)"


def test_the_sheet_marks_them_and_its_legend_explains(renamed, plan) -> None:
    cand = checked_candidate(renamed, plan, "A")
    with drawing_context():
        fig = plot_candidate_sheet(renamed, cand, "zh")
    gids = {
        line.get_gid() for ax in fig.axes for line in ax.get_lines()
    }
    assert "moved:R101:service_hall" in gids
    assert any(g and g.startswith("new:R201:") for g in gids)
    labels = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "服务大厅（自R201迁入）" in labels
    legend = " ".join(
        t.get_text() for leg in fig.legends for t in leg.get_texts()
    )
    assert "迁入" in legend and "新设" in legend
