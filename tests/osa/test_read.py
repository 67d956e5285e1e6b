"""Reader tests: all 77 benchmark files, header variants, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from spaceplan.osa.read import (
    Instance,
    OsaReadError,
    format_centi,
    read_instance,
    read_solution,
)

TINY = Path(__file__).parent / "data" / "tiny.txt"


def test_all_77_files_match_their_headers(osa_files: dict[str, Path]) -> None:
    for name, path in osa_files.items():
        inst = read_instance(path)
        head = inst.header
        assert inst.name == name
        assert inst.num_entities == int(head["NoOfEntities"])
        assert inst.num_rooms == int(head["NoOfRooms"])
        assert len(inst.rules) == int(head["NoOfConstraints"])
        if "NoOfHardConstraints" in head:
            hard = sum(rule.hard for rule in inst.rules)
            assert hard == int(head["NoOfHardConstraints"])
        # Adjacency is symmetric in every file of the benchmark.
        for room in inst.rooms:
            for other in room.adjacent:
                assert room.rid in inst.rooms[other].adjacent


def test_files_have_crlf(osa_files: dict[str, Path]) -> None:
    # The point of this test is that the reader meets CRLF for real.
    assert b"\r\n" in osa_files["nott1d"].read_bytes()


@pytest.mark.parametrize(
    ("name", "entities", "rooms", "size", "capacity"),
    [
        # Entities, rooms, total size and total capacity, as counted
        # from the instance files.
        ("nott1", 158, 131, "3805.00", "3873.80"),
        ("nott1d", 56, 56, "981.00", "925.50"),
        ("p000_n025", 150, 92, "2774.00", "2668.90"),
        ("p025_n000", 150, 92, "2774.00", "2860.00"),
    ],
)
def test_statistics(
    osa_files: dict[str, Path],
    name: str,
    entities: int,
    rooms: int,
    size: str,
    capacity: str,
) -> None:
    inst = read_instance(osa_files[name])
    assert (inst.num_entities, inst.num_rooms) == (entities, rooms)
    assert format_centi(inst.total_size) == size
    assert format_centi(inst.total_capacity) == capacity


def test_upper_bound_line_is_kept(osa_files: dict[str, Path]) -> None:
    inst = read_instance(osa_files["p025_n005"])
    assert inst.header["UpperBound"] == "251.94"
    assert inst.num_entities == 150


def test_variant_header(tmp_path: Path, osa_files: dict[str, Path]) -> None:
    # The variant nott files add three counts; the data is unchanged.
    text = osa_files["nott1d"].read_text()
    extra = (
        "NoOfFloors:      3\nNoOfHardConstraints: 49\n"
        "NoOfSoftConstraints: 39\n"
    )
    variant = text.replace("NoOfConstraints: 88", "NoOfConstraints: 88\n" + extra)
    path = tmp_path / "nott1d.txt"
    path.write_text(variant)
    assert read_instance(path) == read_instance(osa_files["nott1d"])


def test_tiny(tiny: Instance) -> None:
    assert [e.size for e in tiny.entities] == [1000, 600, 400, 1250]
    assert tiny.near[0] == frozenset({0, 1})
    assert tiny.near[3] == frozenset({3})
    assert tiny.floors == (0, 1)


def test_crlf_and_lf_read_alike(tmp_path: Path, tiny: Instance) -> None:
    path = tmp_path / "tiny.txt"
    path.write_bytes(TINY.read_bytes().replace(b"\n", b"\r\n"))
    assert read_instance(path) == tiny


_LINES = TINY.read_text().splitlines()


def _edit(line: int, text: str | None) -> str:
    # Replace (or drop, when None) a 1-based line of the tiny file.
    lines = list(_LINES)
    if text is None:
        del lines[line - 1]
    else:
        lines[line - 1] = text
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        # An entity size with three decimals cannot be held exactly.
        (_edit(6, "0 0 10.125"), ":6:", "more than two decimals"),
        # A non-numeric size.
        (_edit(7, "1 0 six"), ":7:", "not a number"),
        # Room line says 1 adjacent room, lists 2.
        (_edit(11, "0 0 15 1 1 2"), ":11:", "lists 2 adjacent rooms"),
        # Constraint names a room that does not exist.
        (_edit(16, "0 0 0 0 7"), ":16:", "room 7 does not exist"),
        # Unknown constraint type.
        (_edit(17, "1 12 0 1 2"), ":17:", "unsupported constraint type"),
        # Entity ids out of order.
        (_edit(6, "5 0 10"), ":6:", "entity id 5, expected 0"),
        # A header line that is not "Key: value".
        (_edit(1, "NoOfEntities 4"), ":1:", "Key: value"),
        # The file ends before the last constraint.
        (_edit(24, None), ":23:", "unexpected end of file"),
        # An optional count that disagrees with the data.
        (
            _edit(3, "NoOfConstraints: 9\nNoOfHardConstraints: 2"),
            ":4:",
            "NoOfHardConstraints says 2",
        ),
    ],
)
def test_bad_files(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(OsaReadError, match=message) as info:
        read_instance(path)
    assert str(path) + where in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OsaReadError, match="cannot read"):
        read_instance(tmp_path / "nope.txt")


def test_read_solution(tmp_path: Path, tiny: Instance) -> None:
    path = tmp_path / "tiny.sol"
    path.write_text("3 2\n0 0\n1 1\n2 1\n")
    assert read_solution(path, tiny) == [0, 1, 1, 2]
    path.write_text("0 0\n0 1\n")
    with pytest.raises(OsaReadError, match=":2: entity 0 is listed twice"):
        read_solution(path, tiny)
    path.write_text("0 0\n")
    with pytest.raises(OsaReadError, match="entity 1 has no room"):
        read_solution(path, tiny)


def test_format_centi() -> None:
    assert format_centi(20155) == "201.55"
    assert format_centi(5) == "0.05"
    assert format_centi(-5) == "-0.05"
    assert format_centi(0) == "0.00"
