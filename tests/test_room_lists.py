"""Room lists in every form an architect has them: CSV (UTF-8 or GBK),
Excel .xlsx, and the YAML ``rooms:`` list that ``import-dxf`` writes.

Every form of the same three rooms reads to the same rooms; every fault
is one line naming the file and the field, exit status 1.
"""

from __future__ import annotations

import logging
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from spaceplan.cli import main
from spaceplan.data import Room
from spaceplan.dxf.read import rooms_yaml
from spaceplan.errors import InputError
from spaceplan.read import read_room_list, read_scenario

ROWS = [
    ["id", "name", "floor", "area", "kind", "tags"],
    ["R101", "原营业厅", 1, 60.5, "room", "daylight;accessible"],
    ["R102", "原办公室", 1, 30, "room", ""],
    ["C101", "走廊", 1, 12, "circulation", ""],
]
CSV = "\n".join(",".join(str(c) for c in row) for row in ROWS) + "\n"

SCENARIO = """\
name: 房间清单测试
policy: {policy}
community: {{households: 400, area_type: urban_built}}
building:
  rooms: {rooms}
"""
POLICY = Path(__file__).parent / "data" / "diagnose" / "profile.yaml"


def _expected() -> list[tuple[str, str | None, int, float, str]]:
    return [
        ("R101", "原营业厅", 1, 60.5, "room"),
        ("R102", "原办公室", 1, 30.0, "room"),
        ("C101", "走廊", 1, 12.0, "circulation"),
    ]


def _summary(
    rooms: list[Room],
) -> list[tuple[str, str | None, int, float, str]]:
    return [(r.id, r.name, r.floor, r.area, r.kind) for r in rooms]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _scenario(tmp_path: Path, rooms: str) -> Path:
    # The profile beside the scenario: files it names stay in its folder.
    (tmp_path / "profile.yaml").write_bytes(POLICY.read_bytes())
    path = tmp_path / "scenario.yaml"
    path.write_text(
        SCENARIO.format(policy="profile.yaml", rooms=rooms), encoding="utf-8"
    )
    return path


# ------------------------------------------------------------- the forms


def test_utf8_csv(tmp_path: Path) -> None:
    path = tmp_path / "rooms.csv"
    path.write_text(CSV, encoding="utf-8")
    assert _summary(read_room_list(path)) == _expected()


def test_gbk_csv_is_detected_with_a_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Excel on Chinese Windows saves "CSV" in GBK: the bytes of 原营业厅
    # are not UTF-8, so the reader falls back and says so once.
    path = tmp_path / "rooms.csv"
    path.write_bytes(CSV.encode("gbk"))
    with caplog.at_level(logging.WARNING, logger="spaceplan.roomlist"):
        rooms = read_room_list(path)
    assert _summary(rooms) == _expected()
    notices = [r.getMessage() for r in caplog.records]
    assert len(notices) == 1 and "read as GBK" in notices[0]


def test_gbk_csv_with_the_encoding_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "rooms.csv"
    path.write_bytes(CSV.encode("gbk"))
    with caplog.at_level(logging.WARNING, logger="spaceplan.roomlist"):
        rooms = read_room_list(path, encoding="gbk")
    assert _summary(rooms) == _expected()
    assert caplog.records == []  # named: no notice


def test_xlsx_with_chinese_headings(tmp_path: Path) -> None:
    # The headings may be the Chinese ones an Excel sheet carries.
    head = ["编号", "名称", "楼层", "面积", "类型", "标签"]
    path = _xlsx(tmp_path / "rooms.xlsx", [head, *ROWS[1:]])
    assert _summary(read_room_list(path)) == _expected()


def test_yaml_room_list_from_import_dxf(tmp_path: Path) -> None:
    # import-dxf writes `rooms:` with polygons; a scenario names the file.
    rooms = [
        Room(
            id="R101",
            name="原营业厅",
            floor=1,
            polygon=((0, 0), (10, 0), (10, 6), (0, 6)),
        ),
        Room(
            id="C101",
            name="走廊",
            floor=1,
            kind="circulation",
            polygon=((0, 6), (10, 6), (10, 8), (0, 8)),
        ),
    ]
    (tmp_path / "rooms-dxf.yaml").write_text(
        rooms_yaml(rooms, "test.dxf"), encoding="utf-8"
    )
    scenario = read_scenario(_scenario(tmp_path, "rooms-dxf.yaml"))
    got = [(r.id, r.area, r.kind) for r in scenario.building.rooms]
    assert got == [("R101", 60.0, "room"), ("C101", 20.0, "circulation")]


@pytest.mark.parametrize("name", ["rooms.csv", "rooms.xlsx"])
def test_scenario_names_the_list(tmp_path: Path, name: str) -> None:
    if name.endswith(".xlsx"):
        _xlsx(tmp_path / name, ROWS)
    else:
        (tmp_path / name).write_text(CSV, encoding="utf-8")
    scenario = read_scenario(_scenario(tmp_path, name))
    assert [r.id for r in scenario.building.rooms] == ["R101", "R102", "C101"]


# ------------------------------------------------------------ the faults


CASES = [
    # Latin-1 bytes that are neither UTF-8 nor Chinese GBK text.
    ("rooms.csv", "latin", None, "neither UTF-8 nor GBK"),
    # A named encoding that does not fit the bytes: the byte is named.
    ("rooms.csv", "utf16", "byte", "is not ascii text"),
    # An old .xls workbook: say what to do.
    ("rooms.xls", "junk", None, "save it as .xlsx"),
    # A file called .xlsx that is not a workbook.
    ("rooms.xlsx", "junk", None, "not a readable Excel"),
    # An .xlsx whose area is not a number: the row and field are named.
    ("rooms.xlsx", "bad-area", "row 2 (room R101).area", "number"),
    # A YAML file without a rooms list.
    ("rooms.yaml", "no-list", "rooms", "must be a list"),
    # A YAML room with a bad floor: the list index is named.
    ("rooms.yaml", "bad-floor", "rooms[0].floor", "whole number"),
]


def _write_fault(path: Path, kind: str) -> None:
    if kind == "latin":
        path.write_bytes(
            "id,name,floor,area\nR1,Café,1,20\n".encode("latin-1")
        )
    elif kind == "utf16":
        path.write_bytes(CSV.encode("utf-16"))
    elif kind == "junk":
        path.write_bytes(b"not a workbook")
    elif kind == "bad-area":
        _xlsx(path, [ROWS[0], ["R101", "厅", 1, "大", "room", ""]])
    elif kind == "no-list":
        path.write_text("building: 1\n", encoding="utf-8")
    elif kind == "bad-floor":
        path.write_text(
            "rooms:\n  - {id: R1, floor: one, area: 20}\n", encoding="utf-8"
        )


@pytest.mark.parametrize(("name", "kind", "field", "fragment"), CASES)
def test_faults_name_file_and_field(
    tmp_path: Path, name: str, kind: str, field: str | None, fragment: str
) -> None:
    path = tmp_path / name
    _write_fault(path, kind)
    encoding = "ascii" if kind == "utf16" else None
    with pytest.raises(InputError) as caught:
        read_room_list(path, encoding=encoding)
    err = caught.value
    assert str(path) in str(err)
    if field is not None:
        assert err.field is not None and err.field.startswith(field)
    assert fragment in err.fault


@pytest.mark.parametrize("kind", ["latin", "bad-area"])
def test_cli_fault_is_one_line_exit_1(tmp_path: Path, kind: str) -> None:
    name = "rooms.csv" if kind == "latin" else "rooms.xlsx"
    _write_fault(tmp_path / name, kind)
    scenario = _scenario(tmp_path, name)
    out = CliRunner().invoke(main, ["validate", str(scenario)])
    assert out.exit_code == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith(f"错误：{tmp_path / name}：")
    assert "Traceback" not in out.output
