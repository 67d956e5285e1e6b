"""DXF: export a candidate and read it back; import real-world drawings."""

from __future__ import annotations

import math
from pathlib import Path

import ezdxf
import pytest
import yaml
from click.testing import CliRunner
from ezdxf.enums import MTextEntityAlignment, TextEntityAlignment

from spaceplan.check import checked_candidate
from spaceplan.cli.dxf import import_dxf
from spaceplan.data import Room
from spaceplan.dxf.read import read_dxf_rooms
from spaceplan.dxf.write import write_candidate_dxf
from spaceplan.errors import InputError
from spaceplan.read import read_plan, read_scenario

DATA = Path(__file__).parent / "data" / "plot"


def test_round_trip_returns_the_same_rooms(tmp_path):
    scenario = read_scenario(DATA / "scenario.yaml")
    plan = read_plan(DATA / "plan.yaml", scenario)
    out = write_candidate_dxf(
        scenario, checked_candidate(scenario, plan), tmp_path / "a.dxf"
    )
    doc = ezdxf.readfile(out)
    assert doc.audit().has_errors is False
    assert "SP-1F-SERVICE" in doc.layers and "SP-2F-RESIDENT" in doc.layers
    assert doc.styles.get("SP-CJK").dxf.font == "simhei.ttf"
    got = []
    for tag in ("1F", "2F"):
        # units come from the file ($INSUNITS = mm)
        got += read_dxf_rooms(out, f"SP-{tag}-*", text_layer=f"SP-{tag}-TEXT")
    assert sorted(r.id for r in got) == sorted(
        r.id for r in scenario.building.rooms
    )
    for room in got:
        want = scenario.room(room.id)
        assert room.floor == want.floor
        assert room.area == pytest.approx(want.area, rel=0.005)
    assert {r.id: r.name for r in got}["R105"] == "档案室"


def _survey(path: Path, units: int | None = ezdxf.units.MM) -> Path:
    """A survey drawing in mm with the pitfalls of real ones."""
    doc = ezdxf.new("R2010")
    doc.units = 0 if units is None else units  # 0: unitless
    msp = doc.modelspace()
    for name in ("A-ROOM", "A-ROOM-NAME", "A-WALL"):
        doc.layers.add(name)
    room = {"layer": "A-ROOM"}
    # R101: 12 x 8 m, labelled with a centred TEXT (anchor = align point)
    msp.add_lwpolyline(
        [(0, 0), (12000, 0), (12000, 8000), (0, 8000)],
        close=True,
        dxfattribs=room,
    )
    msp.add_text(
        "R101 服务大厅", dxfattribs={"layer": "A-ROOM-NAME", "height": 300}
    ).set_placement((6000, 4000), align=TextEntityAlignment.MIDDLE_CENTER)
    # R102: 8 x 6 m with a half-circle bulge on its east side, closed
    # only by repeating the first vertex
    msp.add_lwpolyline(
        [
            (12000, 0, 0),
            (20000, 0, 1.0),
            (20000, 6000, 0),
            (12000, 6000, 0),
            (12000, 0, 0),
        ],
        format="xyb",
        dxfattribs=room,
    )
    msp.add_mtext(
        "{\\fSimHei|b1|i0|c134|p2;老年活动室}\\P{\\H0.7x;R102}",
        dxfattribs={"layer": "A-ROOM-NAME", "char_height": 300},
    ).set_location((15000, 3000), MTextEntityAlignment.MIDDLE_CENTER)
    # R103: 5 x 4 m inside a block, inserted rotated by 90 degrees
    block = doc.blocks.new("ROOM-BLK")
    block.add_lwpolyline(
        [(0, 0), (5000, 0), (5000, 4000), (0, 4000)],
        close=True,
        dxfattribs=room,
    )
    msp.add_blockref(
        "ROOM-BLK", (30000, 0), dxfattribs={"rotation": 90, "layer": "0"}
    )
    msp.add_mtext(
        "103\\~档案室", dxfattribs={"layer": "A-ROOM-NAME"}
    ).set_location((28000, 2500), MTextEntityAlignment.MIDDLE_CENTER)
    # noise: a wall, an open polyline, a label outside every room
    msp.add_line((0, -500), (30000, -500), dxfattribs={"layer": "A-WALL"})
    msp.add_lwpolyline([(0, 9000), (5000, 9000)], dxfattribs=room)
    msp.add_text("说明", dxfattribs={"layer": "A-ROOM-NAME"}).set_placement(
        (50000, 50000)
    )
    doc.saveas(path)
    return path


def test_import_handles_arcs_blocks_and_mtext(tmp_path):
    rooms = read_dxf_rooms(_survey(tmp_path / "s.dxf"), "a-room", floor=1)
    by_id = {r.id: r for r in rooms}
    assert set(by_id) == {"R101", "R102", "103"}
    assert by_id["R101"].name == "服务大厅"
    assert by_id["R101"].area == pytest.approx(96.0)
    # the bulge adds a half disc of radius 3 m
    assert by_id["R102"].area == pytest.approx(48 + math.pi * 9 / 2, rel=1e-3)
    assert by_id["R102"].name == "老年活动室"  # formatting codes gone
    assert by_id["103"].name == "档案室"  # \~ is a space, not text
    assert by_id["103"].area == pytest.approx(20.0)
    xs = [p[0] for p in by_id["103"].polygon]
    assert min(xs) == pytest.approx(26.0) and max(xs) == pytest.approx(30.0)
    assert {r.floor for r in rooms} == {1}


@pytest.mark.parametrize(
    ("kwargs", "units", "message"),
    [
        # no $INSUNITS and no --units: ask for them
        ({"floor": 1}, None, r"--units: the drawing does not state"),
        # a file claiming metres while drawn in mm: rooms of 9.6e7 m²
        ({"floor": 1}, ezdxf.units.M, r"probably in mm: pass --units mm"),
        # a layer that is not there: list the ones that are
        (
            {"floor": 1, "units": "mm", "layer": "ROOMS"},
            None,
            r"no entity on layer 'ROOMS'; .*A-ROOM, A-ROOM-NAME, A-WALL",
        ),
        # a --floor-from-layer pattern that finds nothing in the layer
        (
            {"units": "mm", "floor_from_layer": r"L(\d)"},
            None,
            r"--floor-from-layer: the pattern finds no floor number",
        ),
    ],
)
def test_bad_drawings_get_one_clear_message(tmp_path, kwargs, units, message):
    path = _survey(tmp_path / "s.dxf", units=units)
    layer = kwargs.pop("layer", "A-ROOM")
    with pytest.raises(InputError, match=message):
        read_dxf_rooms(path, layer, **kwargs)


def test_units_option_wins_over_a_wrong_header(tmp_path):
    path = _survey(tmp_path / "s.dxf", units=ezdxf.units.M)
    rooms = read_dxf_rooms(path, "A-ROOM", units="mm", floor=2)
    assert sorted(round(r.area) for r in rooms) == [20, 62, 96]


def test_floor_from_layer_name(tmp_path):
    doc = ezdxf.new("R2010")
    doc.units = ezdxf.units.M
    for layer, x in (("2F-ROOM", 0), ("B1-ROOM", 20)):
        doc.modelspace().add_lwpolyline(
            [(x, 0), (x + 5, 0), (x + 5, 4), (x, 4)],
            close=True,
            dxfattribs={"layer": layer},
        )
    doc.saveas(tmp_path / "f.dxf")
    rooms = read_dxf_rooms(tmp_path / "f.dxf", "*-ROOM")
    assert sorted(r.floor for r in rooms) == [-1, 2]
    assert sorted(r.id for r in rooms) == ["ROOM-001", "ROOM-002"]


def test_gbk_file_with_a_wrong_code_page_is_read_right(tmp_path):
    doc = ezdxf.new("R2000")
    doc.units = ezdxf.units.MM
    doc.encoding = "gbk"
    doc.modelspace().add_lwpolyline(
        [(0, 0), (6000, 0), (6000, 5000), (0, 5000)],
        close=True,
        dxfattribs={"layer": "ROOM"},
    )
    doc.modelspace().add_text("R1 居民议事室").set_placement((3000, 2500))
    path = tmp_path / "old.dxf"
    doc.saveas(path)
    data = path.read_bytes()
    assert b"ANSI_936" in data
    path.write_bytes(data.replace(b"ANSI_936", b"ANSI_1252"))
    rooms = read_dxf_rooms(path, "ROOM", floor=1)
    assert [(r.id, r.name) for r in rooms] == [("R1", "居民议事室")]


def test_cli_writes_a_room_list(tmp_path):
    path = _survey(tmp_path / "s.dxf", units=None)
    out = tmp_path / "rooms.yaml"
    args = [str(path), "--layer", "A-ROOM", "--units", "mm", "--floor", "1"]
    res = CliRunner().invoke(import_dxf, [*args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "已读取3间房间" in res.output  # Chinese by default
    res = CliRunner().invoke(import_dxf, [*args, "-o", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "3 rooms on floor(s) 1" in res.output
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    rooms = [Room.model_validate(r) for r in raw["rooms"]]
    assert [r.id for r in rooms] == ["R101", "R102", "103"]
    assert "tags" in out.read_text(encoding="utf-8")  # the hint for later


def test_cli_error_is_one_line_and_exit_1(tmp_path):
    path = _survey(tmp_path / "s.dxf", units=None)
    args = [str(path), "--layer", "A-ROOM", "-o", "r.yaml"]
    res = CliRunner().invoke(import_dxf, [*args, "--lang", "en"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "pass --units mm, cm or m" in res.output
    zh = CliRunner().invoke(import_dxf, args)
    assert "请给出 --units mm、cm 或 m" in zh.output
    assert not (tmp_path / "r.yaml").exists()
