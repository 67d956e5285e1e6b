"""Renovation works in the outputs: drawing, DXF, xlsx, HTML, Markdown.

The candidates are made by hand from the drawing tests' plan (no
solver): on floor 1 the partition between R102 (5 × 5 m) and R103
(4 × 5 m) is removed, a 5.0 m wall at x = 5, and a new 6.0 m wall at
x = 14.6 splits R104 (7 × 6 m) into R104a (3.6 × 6 = 21.6 m²) and R104b
(3.4 × 6 = 20.4 m²). Prices as in the spec's example: 800 CNY/m removed
(4,000) and 600 CNY/m built (3,600), 7,600 in all. A candidate without
works must come out exactly as before.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import ezdxf
import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Text
from openpyxl import load_workbook

from spaceplan.check import checked_candidate
from spaceplan.dxf.write import WALL_LAYERS, write_candidate_dxf
from spaceplan.layout import floor_shapes
from spaceplan.plot.floorplan import plot_floorplan
from spaceplan.plot.sheets import plot_candidate_sheet
from spaceplan.plot.style import drawing_context
from spaceplan.read import read_plan, read_scenario
from spaceplan.report.html import render_html
from spaceplan.report.plan import compliance_json
from spaceplan.report.solve import result_markdown
from spaceplan.report.works import (
    renovated_rooms,
    renovated_scenario,
    wall_lines,
    works_of,
    works_total,
)
from spaceplan.report.xlsx import schedule_workbook
from spaceplan.solution import Candidate, Metrics, Result, ScenarioRef

matplotlib.use("Agg")

DATA = Path(__file__).parent / "data"

WORKS = [
    {
        "kind": "remove_wall",
        "rooms": ["R102", "R103"],
        "length": 5.0,
        "cost": 4000.0,
    },
    {
        "kind": "build_wall",
        "rooms": ["R104a", "R104b"],
        "length": 6.0,
        "cost": 3600.0,
        "line": [[14.6, 0.0], [14.6, 6.0]],
    },
]
RENAMED = {"R102": "R102+R103", "R104": "R104a"}


class _Metrics(Metrics):
    works_cost: float = 0.0


class _Candidate(Candidate):
    """A candidate that carries works whatever this tree's Candidate has."""

    metrics: _Metrics
    works: tuple[Any, ...] = ()


def with_works(
    base: Candidate, works: list[dict[str, Any]], cost: float
) -> _Candidate:
    data = base.model_dump()
    renamed = RENAMED if works else {}
    data["assignments"] = [
        {**a, "room": renamed.get(a["room"], a["room"])}
        for a in data["assignments"]
    ]
    data["timetable"] = {
        renamed.get(room, room): week
        for room, week in (data.get("timetable") or {}).items()
    }
    data["works"] = works
    data["metrics"]["works_cost"] = cost
    return _Candidate.model_validate(data)


@pytest.fixture(scope="module")
def scenario():
    return read_scenario(DATA / "plot" / "scenario.yaml")


@pytest.fixture(scope="module")
def base(scenario):
    plan = read_plan(DATA / "plot" / "plan.yaml", scenario)
    return checked_candidate(scenario, plan, "A")


@pytest.fixture(scope="module")
def cand(base):
    return with_works(base, WORKS, 7600.0)


def _result(scenario, *cands):
    return Result(
        version="0.1.0",
        scenario=ScenarioRef(name=scenario.name, policy=scenario.policy.id),
        status="feasible",
        solve_seconds=1.0,
        candidates=cands,
    )


# ------------------------------------------------------------- adapter


def test_works_are_read_from_models_and_mappings(cand):
    works = works_of(cand)
    assert [w.kind for w in works] == ["remove_wall", "build_wall"]
    assert works == works_of(cand.model_dump())
    assert works[1].line == ((14.6, 0.0), (14.6, 6.0))
    assert works_total(cand) == 7600.0
    # no metrics.works_cost: the sum of the works
    assert works_total({"works": WORKS}) == 7600.0
    # absent, empty or of an unknown kind: no works
    assert works_of({}) == works_of({"works": None}) == ()
    assert works_of({"works": [{"kind": "paint", "rooms": []}]}) == ()


def test_renovated_rooms_merge_and_split(scenario, cand):
    rooms = {r.id: r for r in renovated_rooms(scenario, cand)}
    assert "R102" not in rooms and "R103" not in rooms and "R104" not in rooms
    merged = rooms["R102+R103"]
    # 25 + 20 m², one outline: the two rectangles' union
    assert merged.area == pytest.approx(45.0)
    assert merged.shape is not None
    assert merged.shape.area == pytest.approx(45.0)
    # R103 was the store room (原仓库); R102 has no name of its own
    assert merged.name == "R102+原仓库"
    # R102 has street access, R103 has not: the drawn room claims no tag
    assert merged.tags == ()
    # split parts keep their room's kind and tags
    assert rooms["R104a"].kind == rooms["R104b"].kind == "room"
    assert rooms["R104a"].area == pytest.approx(21.6)
    assert rooms["R104b"].area == pytest.approx(20.4)
    # every other room is the building's own
    for room in scenario.building.rooms:
        if room.id not in ("R102", "R103", "R104"):
            assert rooms[room.id] == room


def test_wall_lines_come_from_the_line_or_the_shared_edge(scenario, cand):
    walls = {w.work.kind: w for w in wall_lines(scenario, cand)}
    # R102 and R103 share x = 5 from y = 7 to 12
    assert walls["remove_wall"].paths == (((5.0, 7.0), (5.0, 12.0)),)
    assert walls["build_wall"].paths == (((14.6, 0.0), (14.6, 6.0)),)
    assert {w.floor for w in walls.values()} == {1}


def test_without_works_the_scenario_is_the_same_object(scenario, base):
    assert renovated_scenario(scenario, base) is scenario
    assert wall_lines(scenario, base) == ()


def test_a_merge_without_outlines_is_one_schematic_block(tiny_dir):
    # The tiny building has no polygons: R101 (60 m²) and R102 (40 m²)
    # merged are one 100 m² block, and there is no line to draw.
    tiny = read_scenario(tiny_dir / "scenario.yaml")
    cand = {
        "works": [
            {"kind": "remove_wall", "rooms": ["R101", "R102"],
             "length": 6.0, "cost": 4800.0},
        ],
        "assignments": [{"function": "service_hall", "room": "R101+R102"}],
    }  # fmt: skip
    view = renovated_scenario(tiny, cand)
    shapes = floor_shapes(view, 1)
    assert set(shapes.schematic) == {"R101+R102", "C1", "T1"}
    assert shapes.shapes["R101+R102"].area == pytest.approx(100.0)
    assert wall_lines(tiny, cand) == ()


# ------------------------------------------------------------- drawing


def _walls(fig) -> dict[str, list[Line2D]]:
    out: dict[str, list[Line2D]] = {}
    for line in fig.findobj(Line2D):
        gid = line.get_gid() or ""
        if gid.startswith("wall:"):
            out.setdefault(gid, []).append(line)
    return out


def _room_gids(fig) -> set[str]:
    return {
        p.get_gid()
        for ax in fig.axes
        for p in ax.patches
        if (p.get_gid() or "").startswith("room:")
    }


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def _works_cells(fig) -> list[str]:
    """The works table's cells, header first; [] when there is none."""
    axes = [ax for ax in fig.axes if ax.get_gid() == "works-table"]
    return [
        cell.get_text().get_text()
        for ax in axes
        for cell in ax.tables[0].get_celld().values()
    ]


def test_sheet_draws_the_works_and_their_table(scenario, cand):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, cand)
    walls = _walls(fig)
    assert sorted(walls) == [
        "wall:build_wall:R104a/R104b",
        "wall:remove_wall:R102/R103",
    ]
    (removed,) = walls["wall:remove_wall:R102/R103"]
    (built,) = walls["wall:build_wall:R104a/R104b"]
    assert removed.get_linestyle() == "--"
    assert built.get_linestyle() == "-"
    assert built.get_color() != removed.get_color()
    rooms = _room_gids(fig)
    assert {"room:R102+R103", "room:R104a", "room:R104b"} <= rooms
    assert not {"room:R102", "room:R103", "room:R104"} & rooms
    texts = _texts(fig)
    assert any("R102+R103" in s for s in texts)
    assert len([a for a in fig.axes if a.get_gid() == "works-table"]) == 1
    cells = _works_cells(fig)
    for word in ("拆除隔墙", "新建隔墙", "R102 / R103", "5.00", "合计"):
        assert word in cells, word
    assert "7,600" in cells
    # the legend names both kinds of partition
    assert "拆除的隔墙" in texts and "新建的隔墙" in texts


@pytest.mark.parametrize("floor", [1, 2])
def test_floorplan_draws_the_works_of_its_floor(scenario, cand, floor):
    ax = plot_floorplan(scenario, cand, floor=floor)
    gids = {line.get_gid() for line in ax.lines if line.get_gid()}
    walls = {g for g in gids if g.startswith("wall:")}
    # both works are on floor 1
    assert len(walls) == (2 if floor == 1 else 0)
    plt.close(ax.figure)


def test_sheet_in_english(scenario, cand):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, cand, "en")
    texts = _texts(fig) + _works_cells(fig)
    for word in ("Remove partition", "New partition", "Cost (CNY)"):
        assert word in texts, word
    assert "拆除隔墙" not in texts


def test_sheet_without_works_draws_none(scenario, base):
    with drawing_context():
        fig = plot_candidate_sheet(scenario, base)
    assert _walls(fig) == {}
    assert not [ax for ax in fig.axes if ax.get_gid() == "works-table"]
    assert not any("隔墙" in s for s in _texts(fig))
    rooms = _room_gids(fig)
    assert rooms == {f"room:{r.id}" for r in scenario.building.rooms}


# ----------------------------------------------------------------- DXF


@pytest.fixture(scope="module")
def dxf_doc(scenario, cand, tmp_path_factory):
    path = tmp_path_factory.mktemp("works") / "plan-A.dxf"
    write_candidate_dxf(scenario, cand, path)
    return ezdxf.readfile(path)


def _lines(doc, layer):
    return doc.modelspace().query(f'LINE[layer=="{layer}"]')


def test_dxf_has_removed_and_new_wall_layers(dxf_doc):
    removed, built = _lines(dxf_doc, "拆除"), _lines(dxf_doc, "新建")
    assert len(removed) == 1 and len(built) == 1
    # metres written in mm
    length = [(e.dxf.end - e.dxf.start).magnitude for e in (*removed, *built)]
    assert length == pytest.approx([5000.0, 6000.0])
    dashed = dxf_doc.layers.get("拆除").dxf.linetype
    assert dashed == WALL_LAYERS["remove_wall"][2] != "Continuous"
    assert dashed in dxf_doc.linetypes
    assert dxf_doc.layers.get("新建").dxf.linetype == "Continuous"


def test_dxf_rooms_are_the_merged_and_split_ones(dxf_doc, scenario):
    inserts = dxf_doc.modelspace().query('INSERT[name=="SP-ROOM"]')
    got = {i.get_attrib_text("ROOM") for i in inserts}
    want = {r.id for r in scenario.building.rooms} - {"R102", "R103", "R104"}
    assert got == want | {"R102+R103", "R104a", "R104b"}


def test_dxf_works_layer_names_are_configurable(scenario, cand, tmp_path):
    path = tmp_path / "plan.dxf"
    layers = {"removed": "DEMO-{floor}", "built": "NEW-{floor}"}
    write_candidate_dxf(scenario, cand, path, layers=layers)
    doc = ezdxf.readfile(path)
    assert len(_lines(doc, "DEMO-1F")) == 1
    assert len(_lines(doc, "NEW-1F")) == 1
    assert "拆除" not in doc.layers


def test_dxf_without_works_has_no_works_layers(scenario, base, tmp_path):
    path = tmp_path / "plan.dxf"
    write_candidate_dxf(scenario, base, path)
    doc = ezdxf.readfile(path)
    assert "拆除" not in doc.layers and "新建" not in doc.layers
    assert not doc.modelspace().query("LINE")


# ---------------------------------------------------------------- xlsx


def _book(scenario, cand, lang="zh"):
    return load_workbook(io.BytesIO(schedule_workbook(scenario, cand, lang)))


def test_xlsx_works_sheet_totals_the_works_cost(scenario, cand):
    book = _book(scenario, cand)
    sheet = book["改造工程"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工程", "房间", "长度（m）", "造价（元）")
    assert rows[1] == ("拆除隔墙", "R102 / R103", 5.0, 4000.0)
    assert rows[2] == ("新建隔墙", "R104a / R104b", 6.0, 3600.0)
    assert rows[-1][0] == "合计"
    assert rows[-1][3] == cand.metrics.works_cost == 7600.0
    assert sum(r[3] for r in rows[1:-1]) == rows[-1][3]
    # the rooms sheet lists the rooms as the works leave them
    listed = [r[0] for r in book["房间表"].iter_rows(values_only=True)]
    assert "R102+R103" in listed and "R104b" in listed
    assert "R103" not in listed


def test_xlsx_without_works_has_no_works_sheet(scenario, base):
    book = _book(scenario, base, "en")
    assert book.sheetnames == ["Rooms", "Functions", "Compliance", "Timetable"]


# ---------------------------------------------------------------- HTML


def test_html_and_markdown_carry_the_works(scenario, cand, base):
    other = base.model_copy(update={"id": "B"})
    result = _result(scenario, cand, other)
    page = render_html(scenario, result)
    assert "拆除 R102 与 R103 之间的隔墙，长 5.00 m，造价 4,000 元" in page
    assert "将 R104 分为 R104a 与 R104b" in page
    assert '<table class="works">' in page
    assert "<strong>7,600</strong>" in page
    # the comparison of candidates gives each one's works cost
    assert "改造造价（元）" in page
    md = result_markdown(scenario, result)
    assert "### 改造工程" in md
    assert "| 改造造价（元） | 7,600 | 0 |" in md
    assert "改造工程合计 7,600 元" in md
    english = result_markdown(scenario, result, "en")
    assert "Remove the partition between R102 and R103" in english


def test_html_and_markdown_without_works_are_unchanged(scenario, base):
    result = _result(scenario, base)
    page = render_html(scenario, result)
    md = result_markdown(scenario, result)
    for text in (page, md):
        assert "改造" not in text
    # the same candidate, stated to have no works, reads the same
    empty = with_works(base, [], 0.0)
    assert render_html(scenario, _result(scenario, empty)) == page


def test_check_report_json_lists_the_works(scenario, cand, base):
    data = compliance_json(scenario, cand)
    assert [w["kind"] for w in data["works"]] == ["remove_wall", "build_wall"]
    assert data["works"][1]["line"] == [[14.6, 0.0], [14.6, 6.0]]
    assert data["works_cost"] == 7600.0
    assert "works" not in compliance_json(scenario, base)


def test_a_shared_merged_room_has_its_timetable(scenario, cand):
    # The merged room takes the reading room on Monday evening beside the
    # shop, so it is shared and gets a timetable headed by its own floor
    # and area (25 + 20 m²), not a room of the survey.
    week = {**cand.timetable["R102+R103"]}
    week["mon_eve"] = ("convenience_shop", "reading_room")
    shared = cand.model_copy(
        update={"timetable": {**cand.timetable, "R102+R103": week}}
    )
    result = _result(scenario, shared)
    assert "R102+R103（1 层，45 m²）" in result_markdown(scenario, result)
    assert "R102+R103（1 层，45 m²）" in render_html(scenario, result)
