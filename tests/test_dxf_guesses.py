"""import-dxf guesses: a room's kind from its name, the floor from the
layer, else the file name, else floor 1 with a notice."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pytest
import yaml
from click.testing import CliRunner

from spaceplan.cli.dxf import import_dxf as import_cmd
from spaceplan.dxf.read import guess_kind, import_dxf

#: Rooms of a test drawing (metres): id and name, 5 m wide each.
ROOMS = [
    ("101", "办事大厅"),
    ("102", "走廊"),
    ("103", "1号楼梯"),
    ("104", "男卫生间"),
    ("105", "电梯井"),
    ("106", "原办公室"),
]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("走廊", "circulation"),
        ("内过道", "circulation"),
        ("门厅（主入口）", "circulation"),
        ("入口大厅", "circulation"),
        ("2号楼梯", "circulation"),
        ("电梯厅", "circulation"),
        ("电梯井", "service"),  # the shaft, as in the bundled examples
        ("电梯", "service"),
        ("女卫生间", "service"),
        ("公共厕所", "service"),
        ("设备间", "service"),
        ("消防水泵机房", "service"),
        ("配电室", "service"),  # plant, though it ends in 室
        ("办事大厅", "room"),  # a hall where people are served
        ("服务大厅", "room"),
        ("原卫生室", "room"),  # a clinic, not a toilet
        ("原办公室", "room"),
        ("", "room"),
        (None, "room"),
    ],
)
def test_kind_from_the_name(name: str | None, kind: str) -> None:
    assert guess_kind(name) == kind


def _drawing(path: Path, layer: str = "A-ROOM") -> Path:
    doc = ezdxf.new("R2010")
    doc.units = ezdxf.units.M
    msp = doc.modelspace()
    for i, (rid, name) in enumerate(ROOMS):
        x = 5 * i
        msp.add_lwpolyline(
            [(x, 0), (x + 5, 0), (x + 5, 4), (x, 4)],
            close=True,
            dxfattribs={"layer": layer},
        )
        msp.add_text(
            f"{rid} {name}", dxfattribs={"layer": "TEXT", "height": 0.3}
        ).set_placement((x + 1, 2))
    doc.saveas(path)
    return path


def test_kinds_are_guessed_and_reported(tmp_path: Path) -> None:
    found = import_dxf(_drawing(tmp_path / "s.dxf"), "A-ROOM", floor=1)
    kinds = {r.id: r.kind for r in found.rooms}
    assert kinds == {
        "101": "room",
        "102": "circulation",
        "103": "circulation",
        "104": "service",
        "105": "service",
        "106": "room",
    }
    assert found.guessed == {
        "102": "circulation",
        "103": "circulation",
        "104": "service",
        "105": "service",
    }


@pytest.mark.parametrize(
    ("file", "layer", "floor", "source"),
    [
        ("plan.dxf", "2F-ROOM", 2, "layer"),  # the layer wins
        ("village-1F.dxf", "A-ROOM", 1, "file"),
        ("F3-survey.dxf", "A-ROOM", 3, "file"),
        ("二层平面.dxf", "A-ROOM", 2, "file"),
        ("首层平面.dxf", "A-ROOM", 1, "file"),
        ("十二层.dxf", "A-ROOM", 12, "file"),
        ("地下一层.dxf", "A-ROOM", -1, "file"),
        ("survey.dxf", "A-ROOM", 1, "default"),  # nothing: floor 1
    ],
)
def test_floor_from_layer_then_file_name(
    tmp_path: Path, file: str, layer: str, floor: int, source: str
) -> None:
    path = _drawing(tmp_path / file, layer)
    found = import_dxf(path, "*ROOM")
    assert {r.floor for r in found.rooms} == {floor}
    assert found.floor_from == source


def test_cli_says_what_it_guessed(tmp_path: Path) -> None:
    # No floor in the layer or the file name: floor 1, with a notice; the
    # guessed kinds are listed and written to the YAML.
    path = _drawing(tmp_path / "survey.dxf")
    out = tmp_path / "rooms.yaml"
    res = CliRunner().invoke(
        import_cmd, [str(path), "--layer", "A-ROOM", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "全部房间按1层处理" in res.stderr
    assert "交通空间：102 走廊、103 1号楼梯" in res.stderr
    assert "辅助空间：104 男卫生间、105 电梯井" in res.stderr
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    kinds = {r["id"]: r.get("kind", "room") for r in raw["rooms"]}
    assert kinds["102"] == "circulation" and kinds["101"] == "room"
    res = CliRunner().invoke(
        import_cmd,
        [str(path), "--layer", "A-ROOM", "-o", str(out), "--lang", "en"],
    )
    assert "Guessed circulation from the room names" in res.stderr
