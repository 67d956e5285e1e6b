"""Floor plans: one patch per room, every function labelled, labels fit."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from spaceplan.data import Building, Room, Scenario
from spaceplan.layout import CATEGORIES
from spaceplan.plot.floorplan import _write_key, plot_floorplan
from spaceplan.plot.sheets import plot_candidate_sheet
from spaceplan.plot.style import drawing_context
from spaceplan.solution import Plan


def _room_patches(axes):
    return [
        p
        for ax in axes
        for p in ax.patches
        if (p.get_gid() or "").startswith("room:")
    ]


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


@pytest.mark.parametrize("floor", [1, 2])
def test_one_patch_per_room_on_each_floor(scenario, plan, floor):
    ax = plot_floorplan(scenario, plan, floor=floor)
    got = sorted(p.get_gid() for p in _room_patches([ax]))
    want = sorted(
        f"room:{r.id}" for r in scenario.building.rooms if r.floor == floor
    )
    assert got == want
    plt.close(ax.figure)


def test_candidate_sheet_has_one_patch_per_room(scenario, candidates):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, candidates[0])
    patches = _room_patches(fig.axes)
    assert len(patches) == len(scenario.building.rooms)
    assert len({p.get_gid() for p in patches}) == len(patches)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_function_is_labelled(scenario, candidates, lang):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, candidates[0], lang)
    text = _texts(fig)
    for fid in candidates[0].plan.function_rooms:
        f = scenario.function(fid)
        assert (f.name if lang == "zh" else f.name_en) in text
    # the rule box states the area against the target, in the language
    assert ("设施面积" in text) == (lang == "zh")
    assert "343.0" in text and "300.0" in text


def test_rooms_are_filled_by_category(scenario, plan):
    ax = plot_floorplan(scenario, plan, floor=1)
    fills = {
        p.get_gid(): matplotlib_hex(p.get_facecolor())
        for p in _room_patches([ax])
    }
    assert fills["room:R101"] == CATEGORIES["service"].fill  # service hall
    assert fills["room:R104"] == CATEGORIES["office"].fill
    assert fills["room:R103"] == CATEGORIES["empty"].fill  # no function
    assert fills["room:C1"] == CATEGORIES["circulation"].fill
    assert fills["room:R106"] == CATEGORIES["flexible"].fill
    plt.close(ax.figure)


def matplotlib_hex(rgba) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba)


def test_shared_room_shows_its_weekly_strip(scenario, plan):
    # R201 holds the elderly room (weekday am, pm) and the reading room
    # (weekday eve, weekend am, pm, eve): the strip must say so, slot by
    # slot of the 21-slot week (weekday_am is mon_am … fri_am).
    ax = plot_floorplan(scenario, plan, floor=2)
    strips = {a.get_gid(): a for a in ax.child_axes}
    assert set(strips) == {"strip:R201", "strip:R202"}
    cells = {p.get_gid() for p in strips["strip:R201"].patches}
    assert "slot:elderly_activity:mon_am:1" in cells
    assert "slot:elderly_activity:fri_eve:0" in cells
    assert "slot:reading_room:wed_eve:1" in cells
    assert "slot:reading_room:mon_pm:0" in cells
    plt.close(ax.figure)


def test_labels_stay_inside_their_rooms(scenario, plan):
    for floor in (1, 2):
        ax = plot_floorplan(scenario, plan, floor=floor)
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        rooms = {p.get_gid()[5:]: p for p in _room_patches([ax])}
        labels = [t for t in ax.texts if (t.get_gid() or "")[:6] == "label:"]
        assert labels
        for text in labels:
            box = text.get_window_extent(renderer)
            room = rooms[text.get_gid()[6:]].get_window_extent(renderer)
            assert room.x0 <= box.x0 and box.x1 <= room.x1, text.get_text()
            assert room.y0 <= box.y0 and box.y1 <= room.y1, text.get_text()
        plt.close(fig)


def _tiny_scenario(scenario: Scenario, polygons: bool) -> Scenario:
    rooms = [
        Room(
            id="R1",
            floor=1,
            area=60.0,
            polygon=((0, 0), (10, 0), (10, 6), (0, 6)) if polygons else None,
        ),
        Room(
            id="R2",
            floor=1,
            area=1.0,
            polygon=((10, 0), (11, 0), (11, 1), (10, 1)) if polygons else None,
        ),
        Room(id="R3", floor=1, area=30.0),
    ]
    return scenario.replace(building=Building(rooms=tuple(rooms)))


def test_small_room_is_listed_under_the_panel(scenario):
    # R2 is 1 m x 1 m: "档案室" and its area cannot fit inside.
    tiny = _tiny_scenario(scenario, polygons=True)
    plan = Plan.from_pairs({"service_hall": "R1", "archive": "R2"})
    ax = plot_floorplan(tiny, plan)
    key = "\n".join(t.get_text() for t in ax.texts if t.get_gid() == "key")
    assert "R2" in key and "档案室" in key
    assert "服务大厅" not in key
    plt.close(ax.figure)


def test_building_without_polygons_gets_proportional_blocks(scenario):
    tiny = _tiny_scenario(scenario, polygons=False)
    plan = Plan.from_pairs({"service_hall": "R1", "archive": "R3"})
    ax = plot_floorplan(tiny, plan)
    areas = {}
    for p in _room_patches([ax]):
        verts = p.get_path().vertices[:-1]
        xs, ys = verts[:, 0], verts[:, 1]
        areas[p.get_gid()] = 0.5 * abs(
            sum(xs[i] * ys[i - 1] - xs[i - 1] * ys[i] for i in range(len(xs)))
        )
    assert areas == pytest.approx(
        {"room:R1": 60.0, "room:R2": 1.0, "room:R3": 30.0}
    )
    notes = [t.get_text() for t in ax.texts]
    assert any("示意" in n for n in notes)
    plt.close(ax.figure)


def test_mixed_floor_puts_loose_rooms_beside_the_drawing(scenario):
    tiny = _tiny_scenario(scenario, polygons=True)  # R3 has no polygon
    ax = plot_floorplan(tiny, Plan.from_pairs({"service_hall": "R1"}))
    patches = {p.get_gid(): p for p in _room_patches([ax])}
    assert patches["room:R3"].get_path().vertices[:, 0].min() > 11
    assert patches["room:R3"].get_linestyle() == "--"
    plt.close(ax.figure)


def test_key_columns_do_not_overlap_on_a_narrow_plan() -> None:
    # Eight rooms listed under a plan drawn 2 cm wide (a true scale can
    # make it narrower than its key): two columns of four, the second
    # placed after the longest line of the first, so no text overlaps.
    # Measured in the drawings' own fonts, as the sheets are drawn.
    with drawing_context():
        fig = Figure(figsize=(8, 4))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.05, 0.6, 0.1, 0.3))
        key = [
            f"R10{i}  服务大厅（新设） / 居民议事室（新设） / 社会组织活动室"
            f"（新设）  32.4 m²（分时共用）"
            for i in range(8)
        ]
        _write_key(ax, key, "zh")
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        first, second = (
            text.get_window_extent(renderer)
            for text in ax.texts
            if text.get_gid() == "key"
        )
    assert first.x1 < second.x0
