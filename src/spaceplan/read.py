"""Reading scenarios, room lists and plans; every fault as an InputError.

A scenario is resolved on reading: its room list loaded (inline, or a CSV,
Excel or YAML file),
its profile found and merged, its function overrides, ``require`` and
``exclude`` applied. What comes out is a :class:`~spaceplan.data.Scenario`
that the solver and the checker can trust.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spaceplan import timetable
from spaceplan.data import (
    Function,
    FunctionOverride,
    Policy,
    Scenario,
    ScenarioFile,
)
from spaceplan.errors import (
    InputError,
    Msg,
    did_you_mean,
    from_validation,
    shown,
)
from spaceplan.fileio import (
    confined,
    load_mapping,
    load_mapping_bytes,
    present,
)
from spaceplan.policies import load_policy, looks_like_path
from spaceplan.renovation.spec import Work
from spaceplan.roomlist import last_net, read_room_list
from spaceplan.roomlist import read_rooms_csv as read_rooms_csv
from spaceplan.solution import Plan
from spaceplan.works.check import renovated

# ----------------------------------------------------------------- scenario


def read_scenario(
    path: str | Path,
    allow_outside: bool | None = None,
    encoding: str | None = None,
) -> Scenario:
    """Read, validate and resolve a scenario file (YAML or JSON).

    Parameters
    ----------
    path
        The scenario file.
    allow_outside
        Whether its room list and profile may lie outside its folder;
        None reads :data:`spaceplan.fileio.ALLOW_OUTSIDE_ENV`.
    encoding
        Text encoding of a CSV room list it names (``gbk``); None
        detects UTF-8 or GBK.
    """
    path = Path(path)
    with last_net(path):
        return _read_scenario(path, allow_outside, encoding)


def _read_scenario(
    path: Path, allow_outside: bool | None, encoding: str | None
) -> Scenario:
    data, raw = load_mapping_bytes(path)
    raw = inline_rooms(raw, path, allow_outside, encoding)
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
            raise InputError(path, err.place, err.reason) from None
        raise
    digest = hashlib.sha256(data).hexdigest()
    return resolve(spec, policy, source=str(path), sha256=digest)


def inline_rooms(
    raw: dict[str, Any],
    path: Path,
    allow_outside: bool | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """``raw`` with a room-list path replaced by the rooms it lists.

    The path is relative to the scenario's folder and must lie inside it
    (see :func:`spaceplan.fileio.confined`); ``encoding`` is that of a
    CSV list (None detects it).
    """
    building = raw.get("building")
    if not isinstance(building, dict):
        return raw
    rooms = building.get("rooms")
    if not isinstance(rooms, str):
        return raw
    list_path = confined(Path(rooms), path, "building.rooms", allow_outside)
    if not present(list_path):
        raise InputError(
            path, "building.rooms", Msg("err.no_room_list", path=list_path)
        )
    room_list = read_room_list(list_path, encoding)
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
            Msg(
                "err.area_type",
                given=spec.community.area_type,
                policy=policy.id,
                wanted=policy.area_type,
            ),
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
            where, "exclude", Msg("err.also_required", fid=fid)
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
            renovation=spec.renovation,
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
                Msg("err.fix.unknown_function", ref=ref)
                + did_you_mean(ref, names),
            )
        if fid in out:
            raise InputError(
                where, f"fix.{ref}", Msg("err.fix.twice", fid=fid)
            )
        if room not in rooms or rooms[room] != room:
            raise InputError(
                where,
                f"fix.{ref}",
                Msg("err.unknown_room", room=shown(room))
                + did_you_mean(room, rooms),
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
                Msg("err.new_function_needs", fid=changes["id"]),
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


def _unknown(fid: str, known: Iterable[str], policy_id: str) -> Msg:
    hint = did_you_mean(fid, known)
    return (
        Msg("err.unknown_function.profile", fid=shown(fid), policy=policy_id)
        + hint
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
        body = {
            k: v for k, v in raw.items() if k not in ("sessions", "works")
        }
        mapping = body.get("assignments", body)
        if not isinstance(mapping, dict):
            raise InputError(path, "assignments", Msg("err.plan.mapping"))
        prefix = "assignments." if "assignments" in raw else ""
        pairs = []
        for fid, room in mapping.items():
            rooms = room if isinstance(room, list) else [room]
            for r in rooms:
                if not isinstance(r, str | int) or isinstance(r, bool):
                    raise InputError(
                        path,
                        f"{prefix}{fid}",
                        Msg("err.plan.room_id", got=shown(r)),
                    )
                pairs.append((str(fid), str(r), f"{prefix}{fid}"))
        if "sessions" in raw:
            if not isinstance(raw["sessions"], dict):
                raise InputError(path, "sessions", Msg("err.plan.sessions"))
            booked = raw["sessions"]
    names = {f.id: f.id for f in scenario.functions}
    names.update({f.name: f.id for f in scenario.functions})
    works = _read_works(raw, path, candidate)
    # Rooms a plan's works make (R101+R102, R104a) are rooms of its plan.
    building = renovated(scenario, Plan(assignments=(), works=works)).building
    known_r = list(building.room_index)
    resolved = []
    for fid, rid, field in pairs:
        if fid not in names:
            raise InputError(
                path,
                field,
                Msg("err.unknown_function.scenario", fid=shown(fid))
                + did_you_mean(fid, names),
            )
        if rid not in building.room_index:
            hint = did_you_mean(rid, known_r)
            raise InputError(
                path, field, Msg("err.unknown_room", room=shown(rid)) + hint
            )
        resolved.append((names[fid], rid))
    plan = Plan.from_pairs(resolved).replace(works=works)
    if booked is not None:
        week = _plan_week(path, scenario, plan, booked, names)
    if week is None:
        return plan
    return plan.replace(timetable=week)


def _read_works(
    raw: dict[str, Any], path: Path, candidate: str | None
) -> tuple[Work, ...]:
    """A plan's partition works (docs/formats.md, renovation): a result candidate's, or
    a YAML plan's ``works`` list."""
    where: tuple[str | int, ...] = ("works",)
    given = raw.get("works", [])
    cands = raw.get("candidates")
    if isinstance(cands, list):
        ids = [c.get("id") if isinstance(c, dict) else None for c in cands]
        k = ids.index(candidate) if candidate in ids else 0
        given = cands[k].get("works", []) if isinstance(cands[k], dict) else []
        where = ("candidates", k, "works")
    if not isinstance(given, list):
        raise InputError(
            path,
            ".".join(map(str, where)),
            Msg("err.list_type", got=shown(given)),
        )
    out = []
    for i, item in enumerate(given):
        try:
            out.append(Work.model_validate(item))
        except ValidationError as exc:
            raise from_validation(exc, path, (*where, i)) from None
    return tuple(out)


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
                Msg("err.unknown_function", fid=shown(ref))
                + did_you_mean(str(ref), names),
            )
        items = given if isinstance(given, list) else [given]
        try:
            by_id[names[ref]] = timetable.expand(map(str, items), slots)
        except ValueError as exc:
            raise InputError(path, field, _fault_of(exc)) from None
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
        raise InputError(path, "candidates", Msg("err.plan.no_candidate"))
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
                Msg(
                    "err.plan.candidate", name=shown(candidate), there=there
                ),
            )
        index = ids.index(candidate)
    cand = cands[index]
    items = cand.get("assignments") if isinstance(cand, dict) else None
    if not isinstance(items, list):
        raise InputError(
            path,
            f"candidates[{index}].assignments",
            Msg("err.list_type", got=shown(items)),
        )
    pairs = []
    for j, item in enumerate(items):
        field = f"candidates[{index}].assignments[{j}]"
        if not (
            isinstance(item, dict)
            and isinstance(item.get("function"), str)
            and isinstance(item.get("room"), str)
        ):
            raise InputError(path, field, Msg("err.plan.pair"))
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
            Msg("err.plan.timetable"),
        )
    return pairs, "", week


def _fault_of(exc: ValueError) -> Msg | str:
    """A ValueError's fault: its catalogue message if it carries one."""
    msg = getattr(exc, "msg", None)
    return msg if isinstance(msg, Msg) else str(exc)
