"""The grid of a sweep: ``--vary`` specs, run ids and one task per run.

``--vary households=2000:8000:500 --vary policy=a,b`` gives every
combination; each is one *run*, keyed by a run id (a hash of its
parameters). :func:`plan_tasks` reads the base scenario, every profile
and every room list once and packs them into plain-dict tasks, so a
worker (or a remote Dask worker) needs no file.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spaceplan.data import ScenarioFile
from spaceplan.errors import InputError, Msg, from_validation
from spaceplan.fileio import confined
from spaceplan.policies import load_policy, looks_like_path
from spaceplan.read import inline_rooms, load_mapping, read_room_list

#: Parameters a sweep may vary, besides ``option.<name>``.
VARY_NAMES = ("households", "population", "policy", "rooms")
#: Scenario options a sweep may vary (``option.time_limit`` is the
#: deterministic budget of the run).
VARY_OPTIONS = ("time_limit", "seed")
#: Columns of ``runs.csv`` after the run id and the varied parameters.


@dataclass(frozen=True)
class Vary:
    """One ``--vary NAME=VALUES`` option: a parameter and its values."""

    name: str
    values: tuple[Any, ...]


def _fault(spec: str, fault: str | Msg) -> InputError:
    return InputError(None, "--vary", Msg("err.vary", spec=spec, fault=fault))


def _number_range(spec: str, text: str, kind: type) -> list[Any]:
    """``a:b:step`` (both ends included) or ``a,b,c`` as numbers."""
    try:
        if ":" in text:
            parts = [kind(p) for p in text.split(":")]
            if len(parts) != 3:
                raise _fault(spec, Msg("err.vary.range"))
            start, stop, step = parts
            if step <= 0:
                raise _fault(spec, Msg("err.vary.step"))
            if stop < start:
                raise _fault(spec, Msg("err.vary.stop"))
            count = int(math.floor((stop - start) / step + 1e-9)) + 1
            return [kind(start + i * step) for i in range(count)]
        return [kind(p) for p in text.split(",")]
    except ValueError:
        key = "err.vary.ints" if kind is int else "err.vary.numbers"
        raise _fault(spec, Msg(key)) from None


def parse_vary(spec: str) -> Vary:
    """Parse one ``NAME=VALUES`` spec.

    ``households`` and ``population`` take ``START:STOP:STEP`` (both ends
    included) or a comma list; ``policy`` a comma list of profile ids or
    paths; ``rooms`` a comma list of CSV room lists; ``option.time_limit``
    and ``option.seed`` a comma list.

    Raises
    ------
    InputError
        Naming ``--vary`` and the fault.
    """
    name, sep, text = spec.partition("=")
    name, text = name.strip(), text.strip()
    if not sep or not name:
        raise _fault(spec, Msg("err.vary.form"))
    if not text:
        raise _fault(spec, Msg("err.vary.empty", name=name))
    if name in ("households", "population"):
        values: list[Any] = _number_range(spec, text, int)
        if any(v <= 0 for v in values):
            raise _fault(spec, Msg("err.vary.positive", name=name))
    elif name in ("policy", "rooms"):
        values = [v.strip() for v in text.split(",") if v.strip()]
    elif name.startswith("option."):
        option = name.removeprefix("option.")
        if option not in VARY_OPTIONS:
            raise _fault(
                spec,
                Msg(
                    "err.vary.option",
                    option=option,
                    known=", ".join(f"option.{o}" for o in VARY_OPTIONS),
                ),
            )
        kind = float if option == "time_limit" else int
        values = _number_range(spec, text, kind)
        if any(v < 0 or (option == "time_limit" and v == 0) for v in values):
            raise _fault(spec, Msg("err.vary.positive", name=name))
    else:
        known = ", ".join([*VARY_NAMES, "option.NAME"])
        raise _fault(spec, Msg("err.vary.name", name=name, known=known))
    if len(set(values)) != len(values):
        raise _fault(spec, Msg("err.vary.twice"))
    return Vary(name, tuple(values))


def parse_varies(specs: Iterable[str]) -> list[Vary]:
    """Parse every ``--vary``; a parameter may be varied once."""
    out: list[Vary] = []
    for spec in specs:
        vary = parse_vary(spec)
        if any(v.name == vary.name for v in out):
            raise _fault(spec, Msg("err.vary.varied_twice", name=vary.name))
        out.append(vary)
    return out


def run_id(params: dict[str, Any], context: str = "") -> str:
    """The id of a run: a hash of its parameters and of its ``context``.

    The context is the digest of what every run of the sweep is solved
    with (the scenario, profiles, room lists and settings; see
    :func:`plan_tasks`), so a sweep started again with another time
    limit or an edited scenario never reuses the old rows.
    """
    text = json.dumps(
        [context, params], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SweepSettings:
    """How every run is solved.

    Attributes
    ----------
    time_limit : float or None
        Deterministic budget per run (CP-SAT ``max_deterministic_time``);
        the wall-clock safety net is ten times it plus 10 s. It wins over
        the scenario's ``options.time_limit``, as on ``solve``'s command
        line; None takes the scenario's, else 5.
    seed : int or None
        CP-SAT seed, winning over the scenario's as ``time_limit`` does
        (a varied ``option.seed`` wins over both).
    workers_per_run : int
        CP-SAT workers per run (1 keeps runs reproducible).
    diagnose : bool
        Find the conflict (binding rule) of infeasible runs.
    """

    time_limit: float | None = 5.0
    seed: int | None = 0
    workers_per_run: int = 1
    diagnose: bool = True


def plan_tasks(
    scenario_path: str | Path,
    varies: Sequence[Vary],
    settings: SweepSettings,
    encoding: str | None = None,
) -> list[dict[str, Any]]:
    """One plain-dict task per combination, self-contained.

    The base scenario, every profile and every room list are read and
    checked here, once; a task carries them as data, so a worker (or a
    remote Dask worker) needs no file. ``encoding`` is that of the CSV
    room lists (None detects it).
    """
    path = Path(scenario_path)
    raw = inline_rooms(load_mapping(path), path, encoding=encoding)
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, path) from None
    if looks_like_path(spec.policy):
        confined(Path(spec.policy), path, "policy")
    names = {v.name: v for v in varies}
    policies: dict[str, Any] = {}
    policy_refs = list(names["policy"].values) if "policy" in names else []
    try:
        base_policy = load_policy(spec.policy, path.parent)
    except InputError as err:
        raise InputError(path, "policy", err.reason) from None
    policies[""] = base_policy.model_dump(mode="json")
    area_type = spec.community.area_type
    for ref in policy_refs:
        try:
            policy = load_policy(ref, Path.cwd())
        except InputError as err:
            raise _fault(f"policy={ref}", err.reason) from None
        if policy.area_type not in (None, area_type):
            raise _fault(
                f"policy={ref}",
                Msg(
                    "err.vary.area_type",
                    policy=policy.id,
                    wanted=policy.area_type,
                    given=area_type,
                ),
            )
        policies[ref] = policy.model_dump(mode="json")
    room_lists: dict[str, Any] = {}
    for ref in names["rooms"].values if "rooms" in names else ():
        rooms_path = Path(ref)
        if not rooms_path.is_file():
            raise _fault(
                f"rooms={ref}", Msg("err.no_room_list", path=rooms_path)
            )
        room_lists[ref] = [
            r.model_dump(mode="json", exclude_none=True)
            for r in read_room_list(rooms_path, encoding)
        ]
    base = spec.model_dump(mode="json", exclude_none=True)
    task_settings = {
        "time_limit": settings.time_limit,
        "seed": settings.seed,
        "workers_per_run": settings.workers_per_run,
        "diagnose": settings.diagnose,
    }
    context = hashlib.sha256(
        json.dumps(
            [base, policies, room_lists, task_settings],
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        ).encode("utf-8")
    ).hexdigest()
    tasks = []
    for combo in itertools.product(*(v.values for v in varies)):
        params = {
            v.name: value for v, value in zip(varies, combo, strict=True)
        }
        tasks.append(
            {
                "run_id": run_id(params, context),
                "params": params,
                "scenario": base,
                "policies": policies,
                "rooms": room_lists,
                "settings": task_settings,
            }
        )
    return tasks
