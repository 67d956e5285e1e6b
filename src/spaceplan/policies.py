"""Finding and loading regulation profiles.

Profiles are looked up by id in the folders of
:func:`spaceplan.resources.profile_dirs`: the user's folders from
``$SPACEPLAN_PROFILES`` first, then the package's own
``solver_configs/policies``. The first folder that has an id wins.

A profile file may ``extends:`` a base profile (by id); its functions are
then merged field by field into the base's, ``remove_functions`` drops
base functions the document does not name, and ``recommend_functions``
marks base functions ``required: recommended`` (a programme borrowed from
another document: placing it is advice). Files whose name starts with an
underscore are bases, not listed as profiles of their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spaceplan import resources
from spaceplan.data import Policy
from spaceplan.errors import InputError, Msg, did_you_mean, from_validation
from spaceplan.fileio import confined, load_mapping, present
from spaceplan.timetable import merge_time

#: Keys a profile file may hold that are resolved on load.
_LOADER_KEYS = ("remove_functions", "recommend_functions", "abstract")


@dataclass(frozen=True)
class PolicyFile:
    """Where a profile id lives."""

    id: str
    path: Path
    abstract: bool


def _index() -> dict[str, PolicyFile]:
    for folder in resources.user_profile_dirs():
        if not folder.is_dir():
            raise InputError(
                None, resources.PROFILES_ENV, Msg("err.no_folder", path=folder)
            )
    return _index_of(tuple(resources.profile_dirs()))


@cache
def _index_of(folders: tuple[Path, ...]) -> dict[str, PolicyFile]:
    # A missing bundled folder (a broken install) simply adds nothing.
    out: dict[str, PolicyFile] = {}
    for folder in folders:
        for pid, entry in _folder_index(folder).items():
            out.setdefault(pid, entry)
    return out


def _folder_index(folder: Path) -> dict[str, PolicyFile]:
    out: dict[str, PolicyFile] = {}
    for path in sorted(folder.glob("*.y*ml")):
        raw = load_mapping(path)
        pid = raw.get("id")
        if not isinstance(pid, str):
            raise InputError(path, "id", Msg("err.missing"))
        if pid in out:
            raise InputError(
                path,
                "id",
                Msg("err.profile.same_id", pid=pid, other=out[pid].path.name),
            )
        abstract = path.name.startswith("_") or bool(raw.get("abstract"))
        out[pid] = PolicyFile(pid, path, abstract)
    return out


def _no_profiles() -> InputError:
    where = ", ".join(str(d) for d in resources.profile_dirs())
    return InputError(
        None,
        "profiles",
        Msg("err.profile.none", where=where, env=resources.PROFILES_ENV),
    )


def policy_ids(include_bases: bool = False) -> list[str]:
    """The ids of the profiles found, in the order of their folders.

    Raises
    ------
    InputError
        If no profile is found at all (a broken install).
    """
    index = _index()
    if not any(not p.abstract for p in index.values()):
        raise _no_profiles()
    return [
        p.id for p in index.values() if include_bases or not p.abstract
    ]


def find_policy(ref: str, base_dir: Path | None = None) -> Path:
    """The file of a profile given by id or by path."""
    if looks_like_path(ref):
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not present(path):
            raise InputError(
                None, "policy", Msg("err.profile.no_file", path=path)
            )
        return path
    index = _index()
    if ref in index:
        return index[ref].path
    ids = [k for k, v in index.items() if not v.abstract]
    if not ids:
        raise _no_profiles()
    hint = did_you_mean(ref, ids, sentence=True)
    raise InputError(
        None,
        "policy",
        Msg("err.profile.unknown", ref=ref, hint=hint, known=", ".join(ids)),
    )


def looks_like_path(ref: str) -> bool:
    """Whether a profile reference is a file path rather than an id."""
    return ref.endswith((".yaml", ".yml", ".json")) or (
        "/" in ref or os.sep in ref
    )


def load_policy(ref: str, base_dir: Path | None = None) -> Policy:
    """Load and fully resolve a profile (base merged in) by id or path."""
    path = find_policy(ref, base_dir)
    return _load_resolved(path.resolve())


@cache
def _load_resolved(path: Path) -> Policy:
    raw = _resolve_raw(path, seen=())
    for key in _LOADER_KEYS:
        raw.pop(key, None)
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, path) from None


def _resolve_raw(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path in seen:
        raise InputError(path, "extends", Msg("err.profile.cycle"))
    raw = dict(load_mapping(path))
    base_ref = raw.get("extends")
    if base_ref is None:
        return raw
    if not isinstance(base_ref, str):
        raise InputError(path, "extends", Msg("err.profile.extends"))
    bundled = {d.resolve() for d in resources.profile_dirs()}
    if looks_like_path(base_ref) and path.parent not in bundled:
        # A user's profile may extend a file beside it, not one anywhere.
        confined(Path(base_ref), path, "extends", owner="profile")
    try:
        base_path = find_policy(base_ref, path.parent)
    except InputError as err:
        raise InputError(path, "extends", err.reason) from None
    base = _resolve_raw(base_path.resolve(), (*seen, path))
    return merge_profile(base, raw, path)


def merge_profile(
    base: dict[str, Any], child: dict[str, Any], path: Path
) -> dict[str, Any]:
    """The child's keys over the base's; functions merged by id."""
    merged = {k: v for k, v in base.items() if k not in _LOADER_KEYS}
    for key, value in child.items():
        if key in ("functions", "remove_functions", "recommend_functions"):
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    functions = {
        f["id"]: dict(f)
        for f in _entries(base.get("functions"))
        if isinstance(f, dict) and isinstance(f.get("id"), str)
    }
    removed = _base_ids(child, "remove_functions", functions, path)
    for fid in removed:
        del functions[fid]
    # A document that names no rooms borrows a programme as advice.
    for fid in _base_ids(child, "recommend_functions", functions, path):
        functions[fid] = {**functions[fid], "required": "recommended"}
    entries = child.get("functions") or []
    if not isinstance(entries, list):
        raise InputError(path, "functions", Msg("err.profile.functions"))
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(
            entry.get("id"), str
        ):
            raise InputError(path, f"functions[{i}].id", Msg("err.missing"))
        fid = entry["id"]
        functions[fid] = merge_time(functions.get(fid, {}), entry)
    # A function dropped by the child may still be named in another's
    # never_with or near lists: those references lapse with it. Any other
    # unknown name is left for the profile's validation to refuse.
    gone = set(removed)
    for f in functions.values():
        if isinstance(f.get("never_with"), list):
            f["never_with"] = [x for x in f["never_with"] if x not in gone]
        soft = f.get("advice")
        if isinstance(soft, dict) and isinstance(soft.get("never_with"), list):
            f["advice"] = {
                **soft,
                "never_with": [x for x in soft["never_with"] if x not in gone],
            }
        if isinstance(f.get("near"), list):
            f["near"] = [
                n
                for n in f["near"]
                if not (isinstance(n, dict) and n.get("function") in gone)
            ]
    merged["functions"] = list(functions.values())
    return merged


def _base_ids(
    child: dict[str, Any],
    key: str,
    functions: dict[str, Any],
    path: str | Path,
) -> list[str]:
    """The function ids a child profile lists under ``key``, each one a
    function of its base."""
    ids = child.get(key) or []
    if not isinstance(ids, list) or not all(isinstance(f, str) for f in ids):
        raise InputError(path, key, Msg("err.profile.ids"))
    for i, fid in enumerate(ids):
        if fid not in functions:
            raise InputError(
                path, f"{key}[{i}]", Msg("err.profile.base_lacks", fid=fid)
            )
        if fid in ids[:i]:
            raise InputError(
                path, f"{key}[{i}]", Msg("err.profile.twice", fid=fid)
            )
    return ids


def _entries(value: Any) -> list[Any]:
    """A profile's function list; anything else is left to validation."""
    return value if isinstance(value, list) else []
