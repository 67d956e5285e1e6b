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
from spaceplan.errors import InputError, from_validation
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


@dataclass(frozen=True)
class _Label:
    text: str
    at: Point


# ------------------------------------------------------------------ read


def read_dxf_rooms(
    path: str | Path,
    layer: str,
    units: str | None = None,
    floor: int | None = None,
    floor_from_layer: str | None = None,
    encoding: str | None = None,
    text_layer: str | None = None,
) -> list[Room]:
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
        Floor of every room; otherwise taken from the layer name.
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
    list of Room
        In drawing order; ``id`` from a room-number-like label (else
        ``ROOM-001`` …), ``name`` from the other label text, polygon in
        metres, kind ``room`` and no tags: those are for the architect.

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
            f"no entity on layer '{layer}'; the drawing's layers are "
            f"{', '.join(present) or 'none'}",
        )
    outlines, open_count = _outlines(entities, wanted, factor, path)
    if not outlines:
        hint = (
            f" ({open_count} open polylines were skipped: close them)"
            if open_count
            else ""
        )
        raise InputError(
            path,
            "--layer",
            f"layer '{layer}' holds no closed polyline{hint}",
        )
    _check_sizes(path, [p for _, p in outlines], units)
    labels = _labels(entities, text_layer, factor)
    if text_layer is not None and not any(
        _layer_match(n, text_layer) for n in present
    ):
        raise InputError(
            path,
            "--text-layer",
            f"no entity on layer '{text_layer}'; the drawing's layers are "
            f"{', '.join(present)}",
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
                    f"inserts itself ({cycle}); fix the block in the "
                    "drawing",
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


def _dxf_fault(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120] or type(exc).__name__
    return f"is not a readable DXF file ({text}); is it cut short?"


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
                path, "--units", f"'{units}' is not one of mm, cm, m"
            )
        code = UNITS[units]
    else:
        code = int(doc.units or 0)
        if code == 0:
            raise InputError(
                path,
                "--units",
                "the drawing does not state its units ($INSUNITS is 0); "
                "pass --units mm, cm or m (Chinese drawings are usually "
                "in mm)",
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
            raise InputError(
                path, where, "an outline vertex is not a finite number"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            poly = Polygon([(x * factor, y * factor) for x, y in pts])
            reason = "" if poly.is_valid else shapely.is_valid_reason(poly)
        if reason:
            # A repair (buffer(0)) would keep half a bow tie and drop the
            # label of the other half: never guess, say where to fix.
            raise InputError(
                path,
                f"{where} on layer {e.dxf.layer}",
                f"the outline crosses itself ({reason}); fix it in the "
                "drawing",
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
    given = f"--units {units}" if units else "the drawing's $INSUNITS"
    guess = "mm" if typical > high else "m"
    raise InputError(
        path,
        "--units",
        f"with {given} a typical room is {typical:,.4g} m², which is not "
        f"plausible; the drawing is probably in {guess}: pass "
        f"--units {guess}",
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
) -> int:
    if floor is not None:
        return floor
    if pattern is not None:
        try:
            match = re.search(pattern, layer)
        except re.error as exc:
            raise InputError(
                path, "--floor-from-layer", f"not a valid pattern ({exc})"
            ) from None
        if match and match.groups():
            try:
                return int(match.group(1))
            except ValueError:
                pass
    else:
        for regex, sign in _FLOOR_PATTERNS:
            found = regex.search(layer)
            if found:
                return sign * int(found.group(1))
    raise InputError(
        path,
        "--floor",
        f"cannot tell the floor from layer name '{layer}'; pass --floor N",
    )


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
            f"one outline holds several room numbers ({rid}, "
            f"{', '.join(others)}): it is room {rid}; check the drawing",
            DxfWarning,
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
) -> list[Room]:
    rooms: list[Room] = []
    seen: set[str] = set()
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
                f"room number {base} is in more than one outline; this one "
                f"is called {rid}: check the drawing",
                DxfWarning,
                stacklevel=2,
            )
        seen.add(rid)
        coords = [
            (round(x, 3), round(y, 3))
            for x, y in orient(poly).exterior.coords[:-1]
        ]
        try:
            rooms.append(
                Room.model_validate(
                    {
                        "id": rid,
                        "name": name,
                        "floor": _floor_of(path, layer, floor, pattern),
                        "polygon": coords,
                    }
                )
            )
        except ValidationError as exc:
            raise from_validation(exc, path, (f"room {rid}",)) from None
    _warn_overlaps(rooms)
    return rooms


class DxfWarning(UserWarning):
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
                f"rooms {a.id} and {b.id} on floor {a.floor} overlap by "
                f"{shared:.2f} m²; a scenario will refuse them",
                DxfWarning,
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
        item["area"] = r.area
        item["polygon"] = [list(p) for p in r.polygon or ()]
        items.append(item)
    head = (f"# Rooms read from {source}.\n" if source else "") + (
        "# Paste under `building:` in a scenario. Set `kind` (circulation,\n"
        "# service, unavailable) and `tags` (daylight, accessible, ...)\n"
        "# by hand: a drawing cannot tell them.\n"
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
