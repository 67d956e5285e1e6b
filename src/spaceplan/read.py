"""Reading scenarios, room lists and plans; every fault as an InputError.

A scenario is resolved on reading: its room list loaded (inline or CSV),
its profile found and merged, its function overrides, ``require`` and
``exclude`` applied. What comes out is a :class:`~spaceplan.data.Scenario`
that the solver and the checker can trust.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spaceplan import timetable
from spaceplan.data import (
    Function,
    FunctionOverride,
    Policy,
    Room,
    Scenario,
    ScenarioFile,
    fold_id,
)
from spaceplan.errors import (
    InputError,
    did_you_mean,
    from_validation,
    shown,
)
from spaceplan.fileio import (
    confined,
    first_line,
    load_mapping,
    load_mapping_bytes,
    present,
    read_text,
)
from spaceplan.policies import load_policy, looks_like_path
from spaceplan.solution import Plan

#: Columns a CSV room list must have; others are optional.
CSV_REQUIRED = ("id", "floor", "area")
CSV_COLUMNS = ("id", "name", "floor", "area", "kind", "tags")


# -------------------------------------------------------------------- rooms


def read_rooms_csv(path: str | Path) -> list[Room]:
    """Read a CSV room list (columns ``id, name, floor, area, kind,
    tags``; tags ``;``-separated)."""
    path = Path(path)
    with last_net(path):
        text = read_text(path)
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
            f"line {reader.line_num + 1}",
            f"is not valid CSV: {first_line(exc)}",
        ) from None


def _csv_rooms(reader: csv.DictReader[str], path: Path) -> list[Room]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InputError(path, None, "is empty: no header row")
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise InputError(
            path,
            "header",
            f"missing column {', '.join(repr(m) for m in missing)}; a "
            f"room list needs {', '.join(CSV_REQUIRED)}",
        )
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise InputError(
            path,
            "header",
            f"unknown column {shown(unknown[0])}; the columns are "
            f"{', '.join(CSV_COLUMNS)}",
        )
    rooms: list[Room] = []
    lines: dict[str, tuple[str, int]] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            raise InputError(
                path, f"line {line}", "has more cells than the header"
            )
        row = {
            k.strip(): (v.strip() if isinstance(v, str) else v)
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
            where = f"line {line} (room {name})"
            if err.field:
                where += f".{err.field}"
            raise InputError(path, where, err.fault) from None
        room = rooms[-1]
        first = lines.setdefault(fold_id(room.id), (room.id, line))
        if first[1] != line:
            raise InputError(
                path, f"line {line}", _twice(room.id, *first)
            )
    if not rooms:
        raise InputError(path, None, "lists no rooms")
    return rooms


def _twice(rid: str, first_id: str, first_line: int) -> str:
    if rid == first_id:
        return f"Room {rid} is listed twice (first on line {first_line})"
    return (
        f"Room {rid} is the same id as {first_id} on line {first_line} "
        "(ids that differ only in case or spaces are one id)"
    )


# ----------------------------------------------------------------- scenario


def read_scenario(
    path: str | Path, allow_outside: bool | None = None
) -> Scenario:
    """Read, validate and resolve a scenario file (YAML or JSON).

    Parameters
    ----------
    path
        The scenario file.
    allow_outside
        Whether its room list and profile may lie outside its folder;
        None reads :data:`spaceplan.fileio.ALLOW_OUTSIDE_ENV`.
    """
    path = Path(path)
    with last_net(path):
        return _read_scenario(path, allow_outside)


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
            path, None, f"cannot be read ({type(exc).__name__})"
        ) from None


def _read_scenario(path: Path, allow_outside: bool | None) -> Scenario:
    data, raw = load_mapping_bytes(path)
    raw = inline_rooms(raw, path, allow_outside)
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, path) from None
    if looks_like_path(spec.policy):
        confined(Path(spec.policy), path, "policy", allow_outside)
    try:
        policy = load_policy(spec.policy, path.parent)
    except InputError as err:
        if err.file is None:
            raise InputError(path, err.field, err.fault) from None
        raise
    digest = hashlib.sha256(data).hexdigest()
    return resolve(spec, policy, source=str(path), sha256=digest)


def inline_rooms(
    raw: dict[str, Any], path: Path, allow_outside: bool | None = None
) -> dict[str, Any]:
    """``raw`` with a room-list path replaced by the rooms it lists.

    The path is relative to the scenario's folder and must lie inside it
    (see :func:`spaceplan.fileio.confined`).
    """
    building = raw.get("building")
    if not isinstance(building, dict):
        return raw
    rooms = building.get("rooms")
    if not isinstance(rooms, str):
        return raw
    csv_path = confined(Path(rooms), path, "building.rooms", allow_outside)
    if not present(csv_path):
        raise InputError(
            path, "building.rooms", f"no room list at {csv_path}"
        )
    room_list = read_rooms_csv(csv_path)
    dumped = [r.model_dump(exclude_none=True) for r in room_list]
    return {**raw, "building": {**building, "rooms": dumped}}


def resolve(
    spec: ScenarioFile,
    policy: Policy,
    source: str | None = None,
    sha256: str | None = None,
) -> Scenario:
    """Apply a scenario's overrides, require and exclude to its profile."""
    where = source
    if (
        policy.area_type is not None
        and spec.community.area_type != policy.area_type
    ):
        raise InputError(
            where,
            "community.area_type",
            f"is {spec.community.area_type}, but profile {policy.id} is "
            f"for {policy.area_type} areas; pick the profile of this "
            "area type",
        )
    functions = {f.id: f for f in policy.functions}
    added: set[str] = set()
    for i, override in enumerate(spec.functions):
        changes = override.model_dump(exclude_none=True)
        base = functions.get(override.id)
        if base is None:
            _check_new_function(changes, where, i)
            data = changes
            added.add(override.id)
        else:
            data = timetable.merge_time(
                base.model_dump(exclude_unset=True), changes
            )
        for key in ("schedule", "within"):
            names = data.get(key)
            if isinstance(names, list | tuple):
                for k, slot in enumerate(names):
                    if not timetable.slots_of_name(slot, policy.slots):
                        raise InputError(
                            where,
                            f"functions[{i}].{key}[{k}]",
                            timetable.unknown_slot(slot, policy.slots),
                        )
        try:
            functions[override.id] = Function.model_validate(data)
        except ValidationError as exc:
            raise from_validation(exc, where, ("functions", i)) from None
    known = list(functions)
    for i, override in enumerate(spec.functions):
        _check_names(override, i, known, where, policy.id)
    for key, ids in (("require", spec.require), ("exclude", spec.exclude)):
        for i, fid in enumerate(ids):
            if fid not in functions:
                raise InputError(
                    where, f"{key}[{i}]", _unknown(fid, known, policy.id)
                )
    both = set(spec.require) & set(spec.exclude)
    if both:
        fid = sorted(both)[0]
        raise InputError(
            where, "exclude", f"function '{fid}' is also in require"
        )
    chosen = [
        f
        for fid, f in functions.items()
        if fid not in spec.exclude
        and (f.required or fid in spec.require or fid in added)
    ]
    # `require` makes a recommended function (advice) a required one.
    chosen = [
        f.replace(required=True)
        if f.recommended and f.id in spec.require
        else f
        for f in chosen
    ]
    kept = {f.id for f in chosen}
    chosen = [_drop_lapsed(f, kept, functions) for f in chosen]
    fix = _resolve_fix(spec, chosen, where)
    try:
        return Scenario(
            fix=fix,
            name=spec.name,
            policy=policy,
            community=spec.community,
            building=spec.building,
            functions=tuple(chosen),
            options=spec.options,
            source=source,
            sha256=sha256,
        )
    except ValidationError as exc:
        raise from_validation(exc, where) from None


def _resolve_fix(
    spec: ScenarioFile, chosen: list[Function], where: str | None
) -> dict[str, str]:
    """``fix`` keyed by function id (a Chinese name is accepted)."""
    names = {f.id: f.id for f in chosen}
    names.update({f.name: f.id for f in chosen})
    rooms = {r.id: r.id for r in spec.building.rooms}
    rooms.update({r.name: r.id for r in spec.building.rooms if r.name})
    out: dict[str, str] = {}
    for ref, room in spec.fix.items():
        fid = names.get(ref)
        if fid is None:
            raise InputError(
                where,
                f"fix.{ref}",
                f"unknown function '{ref}' (not a function of this run)"
                f"{did_you_mean(ref, names)}",
            )
        if fid in out:
            raise InputError(
                where, f"fix.{ref}", f"fixes {fid} a second time"
            )
        if room not in rooms or rooms[room] != room:
            raise InputError(
                where,
                f"fix.{ref}",
                f"unknown room '{room}'{did_you_mean(room, rooms)}",
            )
        out[fid] = room
    return out


def _check_new_function(
    changes: Mapping[str, Any], where: str | None, i: int
) -> None:
    needed = ["name", "name_en", "category"]
    if not changes.get("flexible"):
        needed.append("min_area")
    for key in needed:
        if key not in changes:
            raise InputError(
                where,
                f"functions[{i}].{key}",
                f"is required for the new function '{changes['id']}' "
                "(not in the profile)",
            )


def _check_names(
    override: FunctionOverride,
    i: int,
    known: list[str],
    where: str | None,
    policy_id: str,
) -> None:
    """Refuse a never_with or near name no function of the run has.

    A misspelt name must not be dropped as if its function had lapsed:
    the rule it states would silently vanish.
    """
    for k, other in enumerate(override.never_with or ()):
        if other not in known:
            raise InputError(
                where,
                f"functions[{i}].never_with[{k}]",
                _unknown(other, known, policy_id),
            )
    for k, wish in enumerate(override.near or ()):
        if wish.function is not None and wish.function not in known:
            raise InputError(
                where,
                f"functions[{i}].near[{k}].function",
                _unknown(wish.function, known, policy_id),
            )


def _drop_lapsed(
    f: Function, kept: set[str], all_functions: Mapping[str, Function]
) -> Function:
    """Drop never_with / near references to functions not in this run."""
    never = tuple(x for x in f.never_with if x in all_functions)
    near = tuple(
        n for n in f.near if n.function is None or n.function in kept
    )
    soft = tuple(x for x in f.advice.never_with if x in all_functions)
    if (never, near, soft) == (f.never_with, f.near, f.advice.never_with):
        return f
    advice = f.advice.replace(never_with=soft)
    return f.replace(never_with=never, near=near, advice=advice)


def _unknown(fid: str, known: Iterable[str], policy_id: str) -> str:
    hint = did_you_mean(fid, known)
    return (
        f"unknown function {shown(fid)} (not in profile {policy_id}){hint}"
    )


# --------------------------------------------------------------------- plan


def read_plan(
    path: str | Path, scenario: Scenario, candidate: str | None = None
) -> Plan:
    """Read a plan: a ``result.json`` or a YAML mapping ``function: room``.

    For a result, ``candidate`` picks a candidate by id (the first when
    None), with its timetable. A YAML plan maps functions (by id or
    Chinese name) to rooms, at the top level or under ``assignments``;
    ``sessions`` may map each function whose sessions are booked to its
    slots (names, groups or patterns of the week). Ids the scenario does
    not know are errors, so a typo cannot pass for a missing function.
    """
    path = Path(path)
    with last_net(path):
        return _read_plan(path, scenario, candidate)


def _read_plan(
    path: Path, scenario: Scenario, candidate: str | None
) -> Plan:
    raw = load_mapping(path)
    booked: dict[str, Any] | None = None
    week: Any = None
    if "candidates" in raw:
        pairs, prefix, week = _pairs_from_result(raw, path, candidate)
    else:
        body = {k: v for k, v in raw.items() if k != "sessions"}
        mapping = body.get("assignments", body)
        if not isinstance(mapping, dict):
            raise InputError(
                path, "assignments", "must map function ids to room ids"
            )
        prefix = "assignments." if "assignments" in raw else ""
        pairs = []
        for fid, room in mapping.items():
            rooms = room if isinstance(room, list) else [room]
            for r in rooms:
                if not isinstance(r, str | int) or isinstance(r, bool):
                    raise InputError(
                        path,
                        f"{prefix}{fid}",
                        f"must be a room id (got {shown(r)})",
                    )
                pairs.append((str(fid), str(r), f"{prefix}{fid}"))
        if "sessions" in raw:
            if not isinstance(raw["sessions"], dict):
                raise InputError(
                    path, "sessions", "must map functions to their slots"
                )
            booked = raw["sessions"]
    names = {f.id: f.id for f in scenario.functions}
    names.update({f.name: f.id for f in scenario.functions})
    known_r = list(scenario.building.room_index)
    resolved = []
    for fid, rid, field in pairs:
        if fid not in names:
            raise InputError(
                path,
                field,
                f"unknown function {shown(fid)} (not a function of this "
                f"scenario){did_you_mean(fid, names)}",
            )
        if rid not in scenario.building.room_index:
            hint = did_you_mean(rid, known_r)
            raise InputError(
                path, field, f"unknown room {shown(rid)}{hint}"
            )
        resolved.append((names[fid], rid))
    plan = Plan.from_pairs(resolved)
    if booked is not None:
        week = _plan_week(path, scenario, plan, booked, names)
    if week is None:
        return plan
    return Plan(assignments=plan.assignments, timetable=week)


def _plan_week(
    path: Path,
    scenario: Scenario,
    plan: Plan,
    booked: dict[str, Any],
    names: dict[str, str],
) -> timetable.Timetable:
    """A YAML plan's ``sessions`` and the fixed schedules, as a timetable."""
    slots = scenario.slots
    by_id: dict[str, tuple[str, ...]] = {}
    for ref, given in booked.items():
        field = f"sessions.{ref}"
        if ref not in names:
            raise InputError(
                path,
                field,
                f"unknown function '{ref}'{did_you_mean(str(ref), names)}",
            )
        items = given if isinstance(given, list) else [given]
        try:
            by_id[names[ref]] = timetable.expand(map(str, items), slots)
        except ValueError as exc:
            raise InputError(path, field, str(exc)) from None
    rooms = {
        room: [scenario.function(f) for f in funcs]
        for room, funcs in plan.room_functions.items()
    }
    return timetable.merge_bookings(rooms, by_id, slots)


def _pairs_from_result(
    raw: dict[str, Any], path: Path, candidate: str | None
) -> tuple[list[tuple[str, str, str]], str, Any]:
    cands = raw.get("candidates")
    if not isinstance(cands, list) or not cands:
        raise InputError(path, "candidates", "holds no candidate plan")
    index = 0
    if candidate is not None:
        ids = [c.get("id") for c in cands if isinstance(c, dict)]
        if candidate not in ids:
            there = ", ".join(
                i[:40] if isinstance(i, str) else shown(i) for i in ids[:10]
            )
            raise InputError(
                path,
                "candidates",
                f"no candidate {shown(candidate)}; there are {there}",
            )
        index = ids.index(candidate)
    cand = cands[index]
    items = cand.get("assignments") if isinstance(cand, dict) else None
    if not isinstance(items, list):
        raise InputError(
            path, f"candidates[{index}].assignments", "must be a list"
        )
    pairs = []
    for j, item in enumerate(items):
        field = f"candidates[{index}].assignments[{j}]"
        if not (
            isinstance(item, dict)
            and isinstance(item.get("function"), str)
            and isinstance(item.get("room"), str)
        ):
            raise InputError(
                path, field, "must have a function id and a room id"
            )
        pairs.append((item["function"], item["room"], field))
    week = cand.get("timetable") or None
    if week is not None and not (
        isinstance(week, dict)
        and all(
            isinstance(per_slot, dict)
            and all(isinstance(fs, list) for fs in per_slot.values())
            for per_slot in week.values()
        )
    ):
        raise InputError(
            path,
            f"candidates[{index}].timetable",
            "must map rooms to slots to lists of functions",
        )
    return pairs, "", week
