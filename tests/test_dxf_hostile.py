"""DXF import that never guesses silently, and never a traceback.

Each drawing is made here with ezdxf (a few entities on layer ROOM, in
metres): a bow tie, a NaN vertex, two room numbers in one outline, one
number in two outlines, overlapping outlines, blocks that insert
themselves, and files cut short or with a bad header.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import ezdxf
import pytest
from click.testing import CliRunner

from spaceplan.cli import main

SQUARE = [(0, 0), (5, 0), (5, 4), (0, 4)]


def _drawing(build: Callable[[object], None], path: Path) -> Path:
    doc = ezdxf.new("R2010")
    doc.units = ezdxf.units.M
    doc.layers.add("ROOM")
    build(doc)
    doc.saveas(path)
    return path


def _room(msp, points, label: str | None = None, at=(1, 1)) -> None:
    msp.add_lwpolyline(points, close=True, dxfattribs={"layer": "ROOM"})
    if label is not None:
        msp.add_text(label, dxfattribs={"layer": "ROOM", "height": 0.3}
                     ).set_placement(at)


def _import(path: Path, tmp_path: Path):
    out = tmp_path / "rooms.yaml"
    args = ["import-dxf", str(path), "--layer", "ROOM", "--floor", "1"]
    # The faults are matched in English (Chinese: test_error_language).
    return CliRunner().invoke(main, [*args, "-o", str(out), "--lang", "en"])


def _refused(result, path: Path, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# ------------------------------------------------------------- refused


def test_a_bow_tie_is_refused_naming_its_handle(tmp_path: Path) -> None:
    # buffer(0) once kept one half of it and lost the label of the other.
    def build(doc):
        _room(doc.modelspace(), [(0, 0), (6, 4), (6, 0), (0, 4)], "R101")

    path = _drawing(build, tmp_path / "bowtie.dxf")
    _refused(_import(path, tmp_path), path, "LWPOLYLINE", "crosses itself")


def test_a_nan_vertex_is_refused(tmp_path: Path) -> None:
    # A rectangle with a NaN vertex once became a triangle.
    def build(doc):
        _room(doc.modelspace(), [(0, 0), (5, 0), (math.nan, 4), (0, 4)])

    path = _drawing(build, tmp_path / "nan.dxf")
    result = _import(path, tmp_path)
    _refused(result, path)
    assert "finite" in result.stderr or "readable" in result.stderr


@pytest.mark.parametrize("cycle", [1, 3])
def test_blocks_that_insert_themselves(cycle: int, tmp_path: Path) -> None:
    # A block inserting itself, or a ring of three: RecursionError once.
    def build(doc):
        names = [f"B{i}" for i in range(cycle)]
        blocks = [doc.blocks.new(name=n) for n in names]
        for i, block in enumerate(blocks):
            block.add_blockref(names[(i + 1) % cycle], (0, 0))
        _room(doc.modelspace(), SQUARE, "R101")
        doc.modelspace().add_blockref("B0", (10, 10))

    path = _drawing(build, tmp_path / "cycle.dxf")
    _refused(_import(path, tmp_path), path, "inserts itself")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_a_file_cut_short(keep: float, tmp_path: Path) -> None:
    # StopIteration or ValueError from ezdxf once.
    def build(doc):
        _room(doc.modelspace(), SQUARE, "R101")

    whole = _drawing(build, tmp_path / "whole.dxf").read_bytes()
    path = tmp_path / "cut.dxf"
    path.write_bytes(whole[: int(len(whole) * keep)])
    result = _import(path, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_bad_header_value(tmp_path: Path) -> None:
    def build(doc):
        _room(doc.modelspace(), SQUARE, "R101")

    path = _drawing(build, tmp_path / "header.dxf")
    text = path.read_text(encoding="utf-8", errors="replace")
    text = text.replace("$INSUNITS\n 70\n6\n", "$INSUNITS\n 70\nsix\n", 1)
    path.write_text(text, encoding="utf-8")
    result = _import(path, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


def test_a_truncated_binary_dxf(tmp_path: Path) -> None:
    doc = ezdxf.new("R2010")
    doc.units = ezdxf.units.M
    _room(doc.modelspace(), SQUARE, "R101")
    whole = tmp_path / "whole.dxf"
    doc.saveas(whole, fmt="bin")
    path = tmp_path / "cut.dxf"
    path.write_bytes(whole.read_bytes()[:400])
    result = _import(path, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


def test_a_fifo_is_refused(tmp_path: Path) -> None:
    import os

    path = tmp_path / "pipe.dxf"
    os.mkfifo(path)
    _refused(_import(path, tmp_path), path, "not a regular file")


# ------------------------------------------------------------- warned


def _warnings(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [ln for ln in result.stderr.splitlines() if "warning:" in ln]


def test_two_numbers_in_one_outline_are_warned(tmp_path: Path) -> None:
    def build(doc):
        _room(doc.modelspace(), SQUARE, "R101 R102")

    path = _drawing(build, tmp_path / "two.dxf")
    found = _warnings(_import(path, tmp_path))
    assert any("several room numbers (R101, R102)" in w for w in found)


def test_warnings_speak_chinese_by_default(tmp_path: Path) -> None:
    def build(doc):
        _room(doc.modelspace(), SQUARE, "R101 R102")

    path = _drawing(build, tmp_path / "two.dxf")
    out = tmp_path / "rooms.yaml"
    args = ["import-dxf", str(path), "--layer", "ROOM", "--floor", "1"]
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stderr.splitlines() if "警告" in ln]
    assert lines == [
        f"警告：{path}：一个轮廓内有多个房间编号（R101，R102）：按房间 R101 "
        "读取；请核对图纸"
    ]
    assert "warning:" not in result.stderr


def test_one_number_in_two_outlines_is_warned(tmp_path: Path) -> None:
    def build(doc):
        msp = doc.modelspace()
        _room(msp, SQUARE, "104")
        _room(msp, [(x + 10, y) for x, y in SQUARE], "104", at=(11, 1))

    path = _drawing(build, tmp_path / "twice.dxf")
    found = _warnings(_import(path, tmp_path))
    assert any("104 is in more than one outline" in w for w in found)


def test_overlapping_outlines_are_warned(tmp_path: Path) -> None:
    def build(doc):
        msp = doc.modelspace()
        _room(msp, SQUARE, "R101")
        _room(msp, [(x + 2, y) for x, y in SQUARE], "R102", at=(6, 1))

    path = _drawing(build, tmp_path / "overlap.dxf")
    found = _warnings(_import(path, tmp_path))
    assert any("R101 and R102 on floor 1 overlap by 12.00 m²" in w
               for w in found)
