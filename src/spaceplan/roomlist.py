"""Room lists: CSV (UTF-8 or GBK), Excel ``.xlsx`` and YAML ``rooms:``.

A scenario's ``building.rooms`` may name a file instead of listing its
rooms (:func:`spaceplan.read.read_scenario` reads it with
:func:`read_room_list`). Every file goes through the guarded loader of
:mod:`spaceplan.fileio`; every fault is an
:class:`~spaceplan.errors.InputError` naming the file and the line, row
or list entry.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spaceplan.data import Room, fold_id
from spaceplan.errors import InputError, Msg, from_validation, shown
from spaceplan.fileio import (
    check_input,
    decode_text,
    first_line,
    load_mapping,
    read_input,
)

#: Columns a room list must have; others are optional.
CSV_REQUIRED = ("id", "floor", "area")
CSV_COLUMNS = ("id", "name", "floor", "area", "kind", "tags")
#: Chinese column headings a room list from Excel may use.
HEADER_ALIASES = {
    "编号": "id",
    "房间编号": "id",
    "名称": "name",
    "房间名称": "name",
    "楼层": "floor",
    "面积": "area",
    "类型": "kind",
    "标签": "tags",
}
#: Room-list files read as a YAML (or JSON) ``rooms:`` list.
YAML_SUFFIXES = (".yaml", ".yml", ".json")
#: Notices about input that was read but should be checked (a room list's
#: encoding). With no logging set up, Python prints them on stderr as one
#: plain line, which is what the command line wants.
log = logging.getLogger("spaceplan.roomlist")


# -------------------------------------------------------------------- rooms


def read_room_list(
    path: str | Path, encoding: str | None = None
) -> list[Room]:
    """Read a room list: CSV, Excel ``.xlsx`` or YAML/JSON ``rooms:``.

    Parameters
    ----------
    path
        The file; its suffix picks the reader (``.xlsx``; ``.yaml``,
        ``.yml``, ``.json``: a ``rooms:`` list such as ``import-dxf``
        writes; anything else: CSV).
    encoding
        Text encoding of a CSV file (e.g. ``gbk``); None reads UTF-8 and
        falls back to GBK (Excel's "CSV" on Chinese Windows) with a
        notice (a warning on the ``spaceplan.roomlist`` logger).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return read_rooms_yaml(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_rooms_xlsx(path)
    if suffix == ".xls":
        raise InputError(
            path,
            None,
            Msg("err.rooms.xls"),
        )
    return read_rooms_csv(path, encoding)


def read_rooms_csv(
    path: str | Path, encoding: str | None = None
) -> list[Room]:
    """Read a CSV room list (columns ``id, name, floor, area, kind,
    tags``; tags ``;``-separated); see :func:`read_room_list`."""
    path = Path(path)
    with last_net(path):
        text = room_list_text(path, encoding)
    return _rooms_from_csv_text(text, path)


def _rooms_from_csv_text(text: str, path: Path) -> list[Room]:
    # newline="" lets the csv module take CR, LF and CRLF line ends alike.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        with last_net(path):
            return _csv_rooms(reader, path)
    except csv.Error as exc:
        # csv counts a line once it has parsed it: the fault is in the
        # next one.
        raise InputError(
            path,
            Msg("err.where.line", n=reader.line_num + 1),
            Msg("err.rooms.csv", detail_en=first_line(exc)),
        ) from None


def _column(heading: str) -> str:
    """A column heading as the room field it names (Chinese allowed)."""
    text = heading.strip().lstrip("\ufeff")
    return HEADER_ALIASES.get(text, text)


def _csv_rooms(reader: csv.DictReader[str], path: Path) -> list[Room]:
    header = [_column(h) for h in (reader.fieldnames or [])]
    if not header:
        raise InputError(path, None, Msg("err.rooms.no_header"))
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise InputError(
            path,
            "header",
            Msg(
                "err.rooms.missing_column",
                missing=", ".join(repr(m) for m in missing),
                needed=", ".join(CSV_REQUIRED),
            ),
        )
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            path,
            "header",
            Msg(
                "err.rooms.unknown_column",
                name=shown(unknown[0]),
                columns=", ".join(CSV_COLUMNS),
            ),
        )
    rooms: list[Room] = []
    lines: dict[str, tuple[str, int]] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            raise InputError(
                path,
                Msg("err.where.line", n=line),
                Msg("err.rooms.more_cells"),
            )
        row = {
            _column(k): (v.strip() if isinstance(v, str) else v)
            for k, v in raw.items()
        }
        if not any(row.values()):
            continue
        data = {k: v for k, v in row.items() if v not in (None, "")}
        try:
            rooms.append(Room.model_validate(data))
        except ValidationError as exc:
            err = from_validation(exc, path)
            rid = row.get("id") or "?"
            name = rid if len(rid) <= 40 and rid.isprintable() else shown(rid)
            where = Msg(
                "err.where.line_room",
                n=line,
                room=name,
                field=f".{err.field}" if err.field else "",
            )
            raise InputError(path, where, err.reason) from None
        room = rooms[-1]
        first = lines.setdefault(fold_id(room.id), (room.id, line))
        if first[1] != line:
            raise InputError(
                path, Msg("err.where.line", n=line), _twice(room.id, *first)
            )
    if not rooms:
        raise InputError(path, None, Msg("err.rooms.none"))
    return rooms


def _twice(rid: str, first_id: str, first_line: int) -> Msg:
    if rid == first_id:
        return Msg("err.rooms.twice", rid=rid, line=first_line)
    return Msg("err.rooms.same_id", rid=rid, other=first_id, line=first_line)


def room_list_text(path: Path, encoding: str | None) -> str:
    """The text of a CSV room list: UTF-8, GBK detected, or ``encoding``."""
    data = read_input(path)
    if encoding is None:
        try:
            return decode_text(data, path)
        except InputError:
            pass
    else:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(
                path, "encoding", Msg("err.encoding.unknown",
                                      name=shown(encoding))
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                path,
                Msg("err.where.byte", n=exc.start),
                Msg("err.encoding.wrong", name=encoding),
            ) from None
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        raise InputError(path, None, Msg("err.encoding.neither"))
    # A message, so the command line says it in the user's language.
    log.warning(Msg("err.notice.gbk", path=path))
    return text


def read_rooms_xlsx(path: str | Path) -> list[Room]:
    """Read a room list from the first sheet of an Excel workbook.

    The first row holds the headings (the CSV columns, or their Chinese
    names 编号, 名称, 楼层, 面积, 类型, 标签); a fault names the sheet's
    row.
    """
    # Imported here, not at the top: start-up speed (openpyxl is only
    # needed for workbooks).
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    check_input(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise InputError(path, None, Msg("err.rooms.bad_xlsx")) from None
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            # One CSV line per sheet row (newlines in a cell become
            # spaces), so the CSV reader's line numbers are the rows.
            writer.writerow([_cell(v) for v in values])
    finally:
        book.close()
    try:
        return _rooms_from_csv_text(out.getvalue(), path)
    except InputError as err:
        place = err.place
        if isinstance(place, Msg) and place.key in _ROWS:
            # A sheet has rows, not lines.
            place = Msg(_ROWS[place.key], **place.fields)
        raise InputError(path, place, err.reason) from None


_ROWS = {"err.where.line": "err.where.row",
         "err.where.line_room": "err.where.row_room"}


def _cell(value: Any) -> str:
    """A sheet cell as CSV text: whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_rooms_yaml(path: str | Path) -> list[Room]:
    """Read a YAML (or JSON) ``rooms:`` list, as ``import-dxf`` writes."""
    path = Path(path)
    raw = load_mapping(path)
    items = raw.get("rooms")
    if items is None and isinstance(raw.get("building"), dict):
        items = raw["building"].get("rooms")
    if not isinstance(items, list):
        raise InputError(path, "rooms", Msg("err.rooms.not_list"))
    if not items:
        raise InputError(path, "rooms", Msg("err.rooms.none"))
    rooms: list[Room] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(items):
        try:
            room = Room.model_validate(item)
        except ValidationError as exc:
            raise from_validation(exc, path, ("rooms", i)) from None
        first = seen.setdefault(fold_id(room.id), f"rooms[{i}]")
        if first != f"rooms[{i}]":
            raise InputError(
                path,
                f"rooms[{i}]",
                Msg("err.rooms.twice_as", rid=room.id, first=first),
            )
        rooms.append(room)
    return rooms


@contextlib.contextmanager
def last_net(path: Path) -> Iterator[None]:
    """Turn a recursion, overflow or memory fault into an InputError.

    The readers bound nesting, sizes and values, so none of these should
    happen; this is the last net under them, so that no input of any
    shape ends in a traceback.
    """
    try:
        yield
    except (RecursionError, OverflowError, MemoryError) as exc:
        raise InputError(
            path, None, Msg("err.cannot_read", reason=type(exc).__name__)
        ) from None
