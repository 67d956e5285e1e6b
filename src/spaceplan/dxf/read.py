"""DXF in: room outlines and labels from a survey drawing.

Reading handles the pitfalls of real drawings: a missing ``$INSUNITS``
(then ``units`` must be given) or a wrong one (implausible room sizes are
refused with a hint), arc edges (bulges are flattened), outlines inside
blocks (block references are exploded with their transforms), MTEXT
formatting codes, and older Chinese files in GBK that claim another code
page.
"""

from __future__ import annotations

import fnmatch
import math
import re
import statistics
import struct
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ezdxf
import shapely
import yaml
from ezdxf import units as dxf_units
from ezdxf.disassemble import recursive_decompose
from ezdxf.document import Drawing
from ezdxf.entities import DXFGraphic
from ezdxf.lldxf.encoding import decode_dxf_unicode
from ezdxf.tools.text import plain_text
from pydantic import ValidationError
from shapely.geometry import Point, Polygon
from shapely.geometry.polygon import orient

from spaceplan.data import Room
from spaceplan.errors import InputError, Msg, MsgWarning, from_validation
from spaceplan.fileio import check_input, os_fault
from spaceplan.limits import MAX_OVERLAP

#: ``--units`` words and their ezdxf unit codes.
UNITS = {"mm": dxf_units.MM, "cm": dxf_units.CM, "m": dxf_units.M}
#: Largest drawing read (200 MB): survey drawings are large, but a
#: larger file is not one floor's room outlines.
MAX_DXF_BYTES = 200 * 1024 * 1024
#: Room areas (m²) outside this range mean the units are wrong.
PLAUSIBLE_AREA = (0.5, 5000.0)
#: Chord tolerance for arc edges, metres.
ARC_TOLERANCE = 0.01
#: A room number: letters, digits and dashes with at least one digit.
_ROOM_ID = re.compile(r"^(?=.*\d)[A-Za-z]{0,4}[-_]?\d{1,5}[A-Za-z]?$")
#: Label tokens that state an area, not a name: 63.0, m², 63.0㎡.
_AREA_TOKEN = re.compile(r"^(\d+(\.\d+)?)?(m²|m2|㎡|平方米|m\^2)?$", re.I)
#: Default floor patterns in a layer name: 2F, F2, B1 (basement), 2层.
_FLOOR_PATTERNS = (
    (re.compile(r"(?i)(?<![A-Z0-9])B(\d{1,2})(?![0-9])"), -1),
    (re.compile(r"(?i)(?<![0-9])(\d{1,2})F(?![A-Z0-9])"), 1),
    (re.compile(r"(?i)(?<![A-Z0-9])F(\d{1,2})(?![0-9])"), 1),
    (re.compile(r"(\d{1,2})层"), 1),
)


#: Chinese floor words in a file name: 一层, 二层, 首层, 地下一层.
_ZH_FLOOR = re.compile(r"(地下)?([一二三四五六七八九十]{1,3}|首)层")
_ZH_DIGITS = "一二三四五六七八九"
#: Words of a room name that tell its kind, tried in order. Plant and
#: toilets first (配电室 is plant, not a room); then words that mark a
#: room for people (办事大厅 is a room); then circulation. A lift shaft is
#: ``service`` and its lobby ``circulation``, as in the bundled examples.
KIND_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "卫生间",
            "厕所",
            "洗手间",
            "盥洗",
            "设备",
            "机房",
            "配电",
            "管道井",
            "管井",
            "风井",
            "电梯井",
            "强电",
            "弱电",
        ),
        "service",
    ),
    (("服务", "办事", "营业", "活动", "会议", "办公"), "room"),
    (
        ("走廊", "过道", "走道", "门厅", "大厅", "楼梯", "电梯厅", "前室"),
        "circulation",
    ),
    (("电梯",), "service"),
)


@dataclass(frozen=True)
class _Label:
    text: str
    at: Point


# ------------------------------------------------------------------ read


@dataclass(frozen=True)
class DxfImport:
    """Rooms read from a drawing, and what the reader had to guess.

    Attributes
    ----------
    rooms : list of Room
        The rooms, in drawing order.
    floor_from : str
        Where the floor came from: ``option`` (``--floor``), ``layer``,
        ``file`` (the file name) or ``default`` (floor 1, nothing said).
    guessed : dict of str to str
        Room id to the kind guessed from its name (rooms not listed are
        kind ``room``).
    """

    rooms: list[Room]
    floor_from: str
    guessed: dict[str, str]


def read_dxf_rooms(
    path: str | Path,
    layer: str,
    units: str | None = None,
    floor: int | None = None,
    floor_from_layer: str | None = None,
    encoding: str | None = None,
    text_layer: str | None = None,
) -> list[Room]:
    """The rooms of :func:`import_dxf` (see there), without the notes."""
    return import_dxf(
        path, layer, units, floor, floor_from_layer, encoding, text_layer
    ).rooms


def import_dxf(
    path: str | Path,
    layer: str,
    units: str | None = None,
    floor: int | None = None,
    floor_from_layer: str | None = None,
    encoding: str | None = None,
    text_layer: str | None = None,
) -> DxfImport:
    """Read closed room outlines and the labels inside them.

    Parameters
    ----------
    path
        The DXF drawing.
    layer
        Layer of the room outlines (case-insensitive; ``*`` and ``?``
        wildcards allowed, e.g. ``*-ROOM``).
    units
        ``mm``, ``cm`` or ``m``: the drawing unit. Overrides ``$INSUNITS``
        and is required when the drawing does not state its units.
    floor
        Floor of every room; otherwise taken from the layer name, else
        from the file name (``1F``, ``F1``, ``一层``, ``二层``), else 1.
    floor_from_layer
        A regular expression whose first group is the floor number in the
        outline's layer name (default: ``2F``, ``F2``, ``B1``, ``2层``).
    encoding
        Text encoding of an old drawing (e.g. ``gbk``) when its header is
        wrong; GBK text mislabelled as a Western code page is detected
        and re-read without it.
    text_layer
        Layer of the room numbers and names; any layer when None.

    Returns
    -------
    DxfImport
        Rooms in drawing order; ``id`` from a room-number-like label
        (else ``ROOM-001`` …), ``name`` from the other label text,
        polygon in metres, ``kind`` guessed from the name (走廊, 门厅,
        楼梯 → circulation; 卫生间, 设备, 电梯井 → service; else room),
        no tags: those are for the architect. Where the floor came from
        and which kinds were guessed are part of the answer.

    Raises
    ------
    InputError
        With the file, the option at fault and what to do.
    """
    path = Path(path)
    doc = _open(path, encoding)
    entities = _entities(doc, path)
    if encoding is None and _mislabelled_gbk(entities):
        doc = _open(path, "gbk")
        entities = _entities(doc, path)
    factor = _factor(doc, path, units)
    present = sorted({e.dxf.layer for e in entities if e.dxf.hasattr("layer")})
    wanted = [n for n in present if _layer_match(n, layer)]
    if not wanted:
        raise InputError(
            path,
            "--layer",
            _no_entity(layer, present),
        )
    outlines, open_count = _outlines(entities, wanted, factor, path)
    if not outlines:
        hint = (
            Msg("err.dxf.open_skipped", n=open_count) if open_count else ""
        )
        raise InputError(
            path,
            "--layer",
            Msg("err.dxf.no_closed", layer=layer) + hint,
        )
    _check_sizes(path, [p for _, p in outlines], units)
    labels = _labels(entities, text_layer, factor)
    if text_layer is not None and not any(
        _layer_match(n, text_layer) for n in present
    ):
        raise InputError(
            path,
            "--text-layer",
            _no_entity(text_layer, present),
        )
    return _rooms(path, outlines, labels, floor, floor_from_layer)


def _entities(doc: Drawing, path: Path) -> list[DXFGraphic]:
    """Model space entities with block references exploded in place."""
    _check_block_cycles(doc, path)
    try:
        return [
            e
            for e in recursive_decompose(doc.modelspace())
            if isinstance(e, DXFGraphic)
        ]
    except _DXF_FAULTS as exc:
        raise InputError(path, None, _dxf_fault(exc)) from None


def _check_block_cycles(doc: Drawing, path: Path) -> None:
    """Refuse a block that inserts itself, directly or through others.

    Exploding such a block would never end; ezdxf recurses until Python
    gives up.
    """
    inserts: dict[str, set[str]] = {}
    for block in doc.blocks:
        inserts[block.name] = {
            e.dxf.name for e in block if e.dxftype() == "INSERT"
        }
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in inserts:
        stack = [(start, iter(sorted(inserts[start])))]
        state[start] = state.get(start, 0) or 1
        if state[start] == 2:
            continue
        trail = [start]
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[name] = 2
                stack.pop()
                trail.pop()
                continue
            if state.get(child) == 1:
                cycle = " -> ".join([*trail[trail.index(child) :], child])
                raise InputError(
                    path,
                    f"block {child}",
                    Msg("err.dxf.cycle", cycle=cycle),
                )
            if state.get(child, 0) == 0 and child in inserts:
                state[child] = 1
                trail.append(child)
                stack.append((child, iter(sorted(inserts[child]))))


#: What ezdxf and the Python beneath it raise on a damaged drawing.
_DXF_FAULTS = (
    ezdxf.DXFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    StopIteration,
    EOFError,
    RecursionError,
    OverflowError,
    UnicodeError,
    LookupError,
    struct.error,
)


def _dxf_fault(exc: BaseException) -> Msg:
    text = " ".join(str(exc).split())[:120] or type(exc).__name__
    return Msg("err.dxf.unreadable", detail_en=text)


def _no_entity(layer: str, present: Sequence[str]) -> Msg:
    if not present:
        return Msg("err.dxf.no_entity_none", layer=layer)
    return Msg("err.dxf.no_entity", layer=layer, layers=", ".join(present))


def _open(path: Path, encoding: str | None) -> Drawing:
    check_input(path, MAX_DXF_BYTES)
    try:
        return ezdxf.readfile(path, encoding=encoding)
    except OSError as exc:
        raise InputError(path, None, os_fault(exc)) from None
    except _DXF_FAULTS as exc:
        raise InputError(path, None, _dxf_fault(exc)) from None


def _factor(doc: Drawing, path: Path, units: str | None) -> float:
    if units is not None:
        if units not in UNITS:
            raise InputError(
                path, "--units", Msg("err.dxf.units", units=units)
            )
        code = UNITS[units]
    else:
        code = int(doc.units or 0)
        if code == 0:
            raise InputError(
                path,
                "--units",
                Msg("err.dxf.no_units"),
            )
    return float(
        dxf_units.conversion_factor(
            dxf_units.InsertUnits(code), dxf_units.InsertUnits.Meters
        )
    )


def _layer_match(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name.upper(), pattern.upper())


def _outlines(
    entities: Iterable[DXFGraphic],
    layers: Sequence[str],
    factor: float,
    path: Path,
) -> tuple[list[tuple[str, Polygon]], int]:
    out: list[tuple[str, Polygon]] = []
    open_count = 0
    tol = ARC_TOLERANCE / factor
    for e in entities:
        if e.dxftype() not in ("LWPOLYLINE", "POLYLINE"):
            continue
        if e.dxf.layer not in layers:
            continue
        pts = [(v.x, v.y) for v in ezdxf.path.make_path(e).flattening(tol)]
        closed = bool(getattr(e, "closed", False) or e.is_closed)  # type: ignore[attr-defined]
        if len(pts) > 1 and pts[0] == pts[-1]:
            closed = True
            pts = pts[:-1]
        if not closed or len(pts) < 3:
            open_count += 1
            continue
        where = f"{e.dxftype()} {e.dxf.get('handle', '?')}"
        if not all(math.isfinite(c) for pt in pts for c in pt):
            raise InputError(path, where, Msg("err.dxf.vertex"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            poly = Polygon([(x * factor, y * factor) for x, y in pts])
            reason = "" if poly.is_valid else shapely.is_valid_reason(poly)
        if reason:
            # A repair (buffer(0)) would keep half a bow tie and drop the
            # label of the other half: never guess, say where to fix.
            raise InputError(
                path,
                Msg("err.dxf.where_layer", where=where, layer=e.dxf.layer),
                Msg("err.dxf.crosses", reason_en=reason),
            )
        if poly.area > 0:
            out.append((e.dxf.layer, poly))
    return out, open_count


def _check_sizes(
    path: Path, polys: Sequence[Polygon], units: str | None
) -> None:
    typical = statistics.median(p.area for p in polys)
    low, high = PLAUSIBLE_AREA
    if low <= typical <= high:
        return
    given: Msg | str = (
        f"--units {units}" if units else Msg("err.dxf.insunits")
    )
    guess = "mm" if typical > high else "m"
    raise InputError(
        path,
        "--units",
        Msg(
            "err.dxf.implausible",
            given=given,
            typical=f"{typical:,.4g}",
            guess=guess,
        ),
    )


def _text_of(e: DXFGraphic) -> tuple[str, Any] | None:
    kind = e.dxftype()
    if kind == "TEXT":
        text = plain_text(e.dxf.text)
        left = e.dxf.get("halign", 0) == 0 and e.dxf.get("valign", 0) == 0
        at = e.dxf.insert if left else e.dxf.get("align_point", e.dxf.insert)
    elif kind == "MTEXT":
        text = e.plain_text(split=False, fast=False)  # type: ignore[attr-defined]
        at = e.dxf.insert
    else:
        return None
    text = decode_dxf_unicode(text).replace("\u00a0", " ").strip()
    return (text, at) if text else None


def _labels(
    entities: Iterable[DXFGraphic], text_layer: str | None, factor: float
) -> list[_Label]:
    out = []
    for e in entities:
        if text_layer is not None and not _layer_match(
            e.dxf.layer, text_layer
        ):
            continue
        got = _text_of(e)
        if got is None:
            continue
        text, at = got
        out.append(_Label(text, Point(at.x * factor, at.y * factor)))
    return out


def _mislabelled_gbk(entities: Iterable[DXFGraphic]) -> bool:
    """Whether texts look like GBK bytes decoded as a Western code page."""
    for e in entities:
        got = _text_of(e)
        if got is None:
            continue
        text = got[0]
        if not any(0x80 <= ord(c) <= 0xFF for c in text):
            continue
        try:
            fixed = text.encode("cp1252").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any(unicodedata.east_asian_width(c) == "W" for c in fixed):
            return True
    return False


def _floor_of(
    path: Path, layer: str, floor: int | None, pattern: str | None
) -> tuple[int, str]:
    """The floor of an outline, and where it came from."""
    if floor is not None:
        return floor, "option"
    if pattern is not None:
        try:
            match = re.search(pattern, layer)
        except re.error as exc:
            raise InputError(
                path,
                "--floor-from-layer",
                Msg("err.dxf.pattern", detail_en=exc),
            ) from None
        if match and match.groups():
            try:
                return int(match.group(1)), "layer"
            except ValueError:
                pass
        raise InputError(
            path,
            "--floor-from-layer",
            Msg("err.dxf.no_floor", layer=layer),
        )
    found = _floor_in(layer)
    if found is not None:
        return found, "layer"
    found = _floor_in(path.stem)
    if found is not None:
        return found, "file"
    return 1, "default"


def _floor_in(name: str) -> int | None:
    """A floor named in ``name`` (2F, F2, B1, 2层, 二层, 地下一层)."""
    for regex, sign in _FLOOR_PATTERNS:
        found = regex.search(name)
        if found:
            return sign * int(found.group(1))
    zh = _ZH_FLOOR.search(name)
    if zh is None:
        return None
    sign = -1 if zh.group(1) else 1
    return sign * _zh_number(zh.group(2))


def _zh_number(word: str) -> int:
    """一 … 九十九 as a number; 首 (首层, the ground floor) is 1."""
    if word == "首":
        return 1
    if "十" not in word:
        return _ZH_DIGITS.index(word[-1]) + 1
    tens, _, ones = word.partition("十")
    high = _ZH_DIGITS.index(tens) + 1 if tens else 1
    low = _ZH_DIGITS.index(ones) + 1 if ones else 0
    return 10 * high + low


def guess_kind(name: str | None) -> str:
    """The kind of space a room name tells (``room`` when it tells none)."""
    if not name:
        return "room"
    for words, kind in KIND_WORDS:
        if any(word in name for word in words):
            return kind
    return "room"


def _split_label(texts: Sequence[str]) -> tuple[str | None, str | None]:
    """A room number and a name from the texts inside a room."""
    rid: str | None = None
    words: list[str] = []
    others: list[str] = []
    for text in texts:
        for token in text.split():
            if rid is None and _ROOM_ID.match(token):
                rid = token
            elif _ROOM_ID.match(token):
                others.append(token)
                words.append(token)
            elif not _AREA_TOKEN.match(token):
                words.append(token)
    if others:
        warnings.warn(
            DxfWarning(
                Msg(
                    "err.dxf.several_numbers",
                    rid=rid,
                    others=", ".join(others),
                )
            ),
            stacklevel=3,
        )
    name = " ".join(words) or None
    return rid, name


def _rooms(
    path: Path,
    outlines: Sequence[tuple[str, Polygon]],
    labels: Sequence[_Label],
    floor: int | None,
    pattern: str | None,
) -> DxfImport:
    rooms: list[Room] = []
    seen: set[str] = set()
    sources: set[str] = set()
    guessed: dict[str, str] = {}
    tree = shapely.STRtree([p for _, p in outlines])
    inside: dict[int, list[str]] = {}
    for label in labels:
        hits = [int(i) for i in tree.query(label.at, predicate="within")]
        if hits:
            # nested outlines: the label belongs to the smallest
            best = min(hits, key=lambda i: outlines[i][1].area)
            inside.setdefault(best, []).append(label.text)
    auto = 0
    for i, (layer, poly) in enumerate(outlines):
        rid, name = _split_label(inside.get(i, []))
        if rid is None:
            auto += 1
            rid = f"ROOM-{auto:03d}"
        base, n = rid, 1
        while rid in seen:
            n += 1
            rid = f"{base}-{n}"
        if rid != base:
            warnings.warn(
                DxfWarning(Msg("err.dxf.repeated_number", base=base, rid=rid)),
                stacklevel=2,
            )
        seen.add(rid)
        coords = [
            (round(x, 3), round(y, 3))
            for x, y in orient(poly).exterior.coords[:-1]
        ]
        number, source = _floor_of(path, layer, floor, pattern)
        sources.add(source)
        kind = guess_kind(name)
        if kind != "room":
            guessed[rid] = kind
        try:
            rooms.append(
                Room.model_validate(
                    {
                        "id": rid,
                        "name": name,
                        "floor": number,
                        "polygon": coords,
                        "kind": kind,
                    }
                )
            )
        except ValidationError as exc:
            raise from_validation(exc, path, (f"room {rid}",)) from None
    _warn_overlaps(rooms)
    order = ("default", "file", "layer", "option")
    floor_from = min(sources, key=order.index) if sources else "layer"
    return DxfImport(rooms, floor_from, guessed)


class DxfWarning(MsgWarning):
    """Something in a drawing that was read but should be checked."""


def _warn_overlaps(rooms: Sequence[Room]) -> None:
    """Warn of outlines on one floor that overlap by more than slack."""
    shapes = [r.shape for r in rooms]
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        a, b = rooms[i], rooms[j]
        if j <= i or a.floor != b.floor:
            continue
        shared = shapes[i].intersection(shapes[j]).area
        if shared > MAX_OVERLAP:
            warnings.warn(
                DxfWarning(
                    Msg(
                        "err.dxf.overlap_warn",
                        a=a.id,
                        b=b.id,
                        floor=a.floor,
                        shared=f"{shared:.2f}",
                    )
                ),
                stacklevel=3,
            )


def rooms_yaml(rooms: Sequence[Room], source: str = "") -> str:
    """The rooms as a YAML ``rooms:`` list to paste under ``building:``."""
    items = []
    for r in rooms:
        item: dict[str, Any] = {"id": r.id}
        if r.name:
            item["name"] = r.name
        item["floor"] = r.floor
        if r.kind != "room":
            item["kind"] = r.kind
        item["area"] = r.area
        item["polygon"] = [list(p) for p in r.polygon or ()]
        items.append(item)
    head = (f"# Rooms read from {source}.\n" if source else "") + (
        "# Name this file in a scenario (`building: {rooms: this.yaml}`)\n"
        "# or paste the list under `building:`. `kind` was guessed from\n"
        "# the room names (走廊, 楼梯 -> circulation; 卫生间, 设备 ->\n"
        "# service): check it, mark closed rooms `unavailable`, and add\n"
        "# `tags` (daylight, accessible, ...) by hand.\n"
    )
    body = yaml.safe_dump(
        {"rooms": items},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )
    return head + body


# ----------------------------------------------------------------- write
