"""Why a scenario is infeasible, and the cheapest ways to fix it.

Three steps, cheapest first:

1. :func:`prechecks`: arithmetic that needs no solver (the building is
   smaller than the target, a function no room can take, more exclusive
   functions than rooms for them, a resident share out of reach);
2. a minimal conflict: a feasibility pass with every rule behind a literal
   (:mod:`spaceplan.solvers.cpsat.diagnose`), CP-SAT's core shrunk by a
   deletion filter until freeing any one rule of the set makes the rest
   feasible;
3. repairs: the cheapest relaxations (costs in
   ``solver_configs/repairs.toml``), each applied to the scenario and
   solved again; only verified repairs are reported. Other bundled
   profiles of the same area type are tried as well.

Everything is worded in the regulation's terms, with numbers and sources.
:func:`diagnose_for_result` is the hook :func:`spaceplan.solvers.solve`
calls when a scenario is infeasible.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spaceplan import resources, rules
from spaceplan.data import (
    KNOWN_TAGS,
    AreaTarget,
    Function,
    Policy,
    Room,
    Scenario,
    ScenarioFile,
)
from spaceplan.errors import InputError
from spaceplan.policies import load_policy, policy_ids
from spaceplan.solvers.config import SolverConfig
from spaceplan.solvers.cpsat.diagnose import (
    Budget,
    RawRelaxation,
    RuleOracle,
    cheapest_relaxations,
)
from spaceplan.solvers.problem import Problem

RuleKey = tuple[str, ...]

#: Id of the virtual room that stands for added area in a verification.
ADDED_ROOM = "ADDED"

#: Words for room tags, as adjectives of "room".
TAG_WORDS = {
    "accessible": "accessible",
    "daylight": "daylit",
    "street_access": "street-facing",
    "water": "plumbed",
    "quiet": "quiet",
    "lockable": "lockable",
}

#: Area types in words.
AREA_WORDS = {
    "urban_built": "built-up urban",
    "urban_unbuilt": "new urban",
    "rural": "rural",
}

#: Rule kinds that concern one function, in the order they are worded.
FUNCTION_RULES = ("placed", "needs", "floors", "exclusive")


# ------------------------------------------------------------------ costs


@dataclass(frozen=True)
class RepairCosts:
    """Costs and search settings of the repairs (``repairs.toml``)."""

    area_per_m2: float = 1.0
    rules: dict[str, float] = field(
        default_factory=lambda: {
            "never_with": 50.0,
            "exclusive": 80.0,
            "needs": 120.0,
            "floors": 150.0,
            "placed": 400.0,
            "area_target": 100000.0,
            "resident_share": 100000.0,
        }
    )
    alternatives: int = 3
    deterministic_time: float = 5.0
    wall_time: float = 30.0


def load_costs(path: str | None = None) -> RepairCosts:
    """Read ``solver_configs/repairs.toml`` (or ``path``).

    A missing file (a test profile folder, say) gives the defaults.
    """
    where = resources.on_disk(resources.repairs()) if path is None else path
    try:
        with open(where, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        if path is not None:
            raise InputError(path, None, "no such file") from None
        return RepairCosts()
    except tomllib.TOMLDecodeError as exc:
        raise InputError(where, None, f"is not valid TOML: {exc}") from None
    base = RepairCosts()
    costs = dict(base.rules)
    for key, value in raw.get("rules", {}).items():
        if key not in costs:
            raise InputError(where, f"rules.{key}", "is not a known rule")
        if not isinstance(value, int | float) or value < 0:
            raise InputError(where, f"rules.{key}", "must be a number ≥ 0")
        costs[key] = float(value)
    search = raw.get("search", {})
    return RepairCosts(
        area_per_m2=float(raw.get("area", {}).get("per_m2", 1.0)),
        rules=costs,
        alternatives=int(search.get("alternatives", base.alternatives)),
        deterministic_time=float(
            search.get("deterministic_time", base.deterministic_time)
        ),
        wall_time=float(search.get("wall_time", base.wall_time)),
    )


# ------------------------------------------------------------------ words


def _m2(units: int | float) -> str:
    value = rules.to_m2(units)
    digits = 0 if value == round(value) else 2
    return f"{value:,.{digits}f} m²"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _room_words(f: Function) -> str:
    adjectives = [TAG_WORDS.get(t, t) for t in f.needs]
    text = " ".join([*adjectives, "room"])
    return f"{_article(text)} {text}"


def _floor_words(f: Function, scenario: Scenario) -> str:
    if f.floors is None:
        return ""
    floors = scenario.building.floors
    lo = f.floors.min if f.floors.min is not None else min(floors)
    hi = f.floors.max if f.floors.max is not None else max(floors)
    if f.floors.min is None and f.floors.max is not None and hi > lo:
        return f" on floor {hi} or below"
    if f.floors.max is None and f.floors.min is not None and hi > lo:
        return f" on floor {lo} or above"
    return f" on floor {lo}" if lo == hi else f" on floors {lo}–{hi}"


def _target_terms(scenario: Scenario) -> str:
    target = rules.area_target(scenario.policy, scenario.community)
    rule = scenario.policy.area_target
    hh = scenario.community.households
    if target.binding == "per_household":
        return (
            f"{rule.per_100_households:g} m² per 100 households × "
            f"{hh:,} households"
        )
    area_type = AREA_WORDS.get(scenario.community.area_type, "these")
    return f"the minimum for {area_type} areas"


def _building_units(scenario: Scenario) -> tuple[int, int]:
    """Host room units and counted circulation units."""
    host = sum(rules.to_units(r.area) for r in scenario.host_rooms)
    circ = rules.facility_units(
        [],
        [
            rules.to_units(r.area)
            for r in scenario.building.rooms
            if r.kind == "circulation"
        ],
        scenario.policy.accounting,
    )
    return host, circ


def _area_sentence(scenario: Scenario, reach: int, whole: bool) -> str:
    """The target sentence: what the facility reaches and what is short."""
    target = rules.area_target(scenario.policy, scenario.community)
    src = scenario.policy.area_target.source
    host, circ = _building_units(scenario)
    if whole:
        what = f"The building's {_m2(host)} of usable rooms"
        if circ:
            what += f" and {_m2(circ)} of circulation"
    else:
        what = (
            f"Under the other rules here, a facility of at most {_m2(reach)}"
        )
    return (
        f"{what} cannot reach the {_m2(target.units)} target "
        f"({_target_terms(scenario)}; source: {src}): "
        f"{_m2(target.units - reach)} short."
    )


# -------------------------------------------------------------- prechecks


def _finding(
    rule: str, subject: str, message: str, source: str
) -> dict[str, str]:
    return {
        "rule": rule,
        "subject": subject,
        "message": message,
        "source": source,
    }


def prechecks(scenario: Scenario) -> list[dict[str, str]]:
    """Faults found by arithmetic alone, before any solve.

    Each is a dict with ``rule``, ``subject``, ``message`` and ``source``.
    An empty list does not mean the scenario is feasible: only the full
    diagnosis can say that.
    """
    out: list[dict[str, str]] = []
    problem = Problem(scenario)
    policy = scenario.policy
    target = rules.area_target(policy, scenario.community)
    host, circ = _building_units(scenario)
    if target.binding != "none" and host + circ < target.units:
        out.append(
            _finding(
                "area_target",
                "facility",
                _area_sentence(scenario, host + circ, whole=True),
                policy.area_target.source,
            )
        )
    for f in problem.unplaceable():
        func = problem.funcs[f]
        out.append(
            _finding(
                "placed",
                func.id,
                _no_room_sentence(scenario, func),
                func.rule_source,
            )
        )
    out.extend(_exclusive_check(problem))
    out.extend(_share_check(scenario, problem, host, circ))
    return out


def _no_room_sentence(scenario: Scenario, f: Function) -> str:
    """``X needs an accessible room on floor 1; no such room exists.``"""
    need = rules.to_units(f.min_area)
    fitting = [
        r
        for r in scenario.host_rooms
        if all(t in r.tags for t in f.needs)
        and (f.floors is None or f.floors.allows(r.floor))
    ]
    text = f"{f.label} needs {_room_words(f)}{_floor_words(f, scenario)}"
    if not fitting:
        return f"{text}; no such room exists."
    biggest = max(fitting, key=lambda r: r.area)
    size = _m2(rules.to_units(biggest.area))
    return (
        f"{text} of at least {_m2(need)} (source: {f.area_source}); the "
        f"largest such room, {biggest.id}, has {size}."
    )


def _exclusive_check(problem: Problem) -> list[dict[str, str]]:
    if not problem.exclusive:
        return []
    rooms = {r for f in problem.exclusive for r in problem.allowed[f]}
    if len(problem.exclusive) <= len(rooms):
        return []
    names = ", ".join(problem.funcs[f].label for f in problem.exclusive)
    sources = sorted({problem.funcs[f].rule_source for f in problem.exclusive})
    return [
        _finding(
            "exclusive",
            "+".join(problem.funcs[f].id for f in problem.exclusive),
            f"{len(problem.exclusive)} functions need a room of their own "
            f"({names}), but only {len(rooms)} room(s) could take any of "
            "them.",
            "; ".join(sources),
        )
    ]


def _share_check(
    scenario: Scenario, problem: Problem, host: int, circ: int
) -> list[dict[str, str]]:
    policy = scenario.policy
    share = policy.resident_share_min
    if share is None or host + circ == 0:
        return []
    acc = policy.accounting
    floor_units = 0
    if acc.shared_rooms == "strict":
        # Under strict accounting a room with a non-resident function counts
        # nothing: those functions' peak load, and the smallest room each
        # could take, are area the share can never include.
        nonres = [
            f for f in range(problem.num_funcs) if not problem.resident[f]
        ]
        loads = [
            sum(
                int(problem.need_units[f])
                for f in nonres
                if problem.active[f, s]
            )
            for s in range(len(problem.slots))
        ]
        smallest = [
            min(int(problem.room_units[r]) for r in problem.allowed[f])
            for f in nonres
            if problem.allowed[f]
        ]
        floor_units = max([*loads, *smallest, 0])
    best = rules.share_of(host - floor_units, host + circ)
    if rules.share_met(host - floor_units, host + circ, share):
        return []
    parts = []
    if floor_units:
        parts.append(
            f"at least {_m2(floor_units)} goes to non-resident functions"
        )
    if circ:
        parts.append(f"{_m2(circ)} of circulation counts in the facility")
    return [
        _finding(
            "resident_share",
            "facility",
            f"Even with every room in use the resident share reaches at "
            f"most {best:.1%} ({'; '.join(parts)}), below the "
            f"{share:.0%} required.",
            policy.resident_share_source,
        )
    ]


# ---------------------------------------------------------------- conflict


def _subject(key: RuleKey) -> str:
    if key[0] == "never_with":
        return f"{key[1]}+{key[2]}"
    return key[1] if len(key) > 1 else "facility"


def rule_name(key: RuleKey) -> str:
    """A rule key as one word: ``area_target``, ``needs:service_hall``."""
    return ":".join(key[:1] + ((_subject(key),) if len(key) > 1 else ()))


def _rule_message(scenario: Scenario, key: RuleKey) -> tuple[str, str]:
    """One rule of a conflict in words, and its source."""
    policy = scenario.policy
    kind = key[0]
    if kind == "area_target":
        target = rules.area_target(policy, scenario.community)
        return (
            f"The facility must reach {_m2(target.units)} "
            f"({_target_terms(scenario)}).",
            policy.area_target.source,
        )
    if kind == "resident_share":
        share = policy.resident_share_min or 0.0
        acc = policy.accounting
        circ = (
            "circulation counted in the facility"
            if acc.circulation == "include"
            else "circulation not counted"
        )
        return (
            f"At least {share:.0%} of the facility area must be resident "
            f"activity ('{acc.shared_rooms}' accounting, {circ}).",
            policy.resident_share_source,
        )
    if kind == "never_with":
        a, b = scenario.function(key[1]), scenario.function(key[2])
        return (
            f"{a.label} and {b.label} may never share a room.",
            a.rule_source,
        )
    f = scenario.function(key[1])
    if kind == "placed":
        return (
            f"{f.label} must have a room of at least "
            f"{_m2(rules.to_units(f.min_area))}.",
            f"{policy.source}; area: {f.area_source}",
        )
    if kind == "needs":
        tags = ", ".join(f.needs)
        return (f"{f.label} needs a room that is {tags}.", f.rule_source)
    if kind == "floors":
        return (
            f"{f.label} must be{_floor_words(f, scenario)}.",
            f.rule_source,
        )
    return (f"{f.label} needs a room of its own (exclusive).", f.rule_source)


def _conflict_summary(
    scenario: Scenario, oracle: RuleOracle, conflict: list[RuleKey]
) -> str:
    kinds = {k[0] for k in conflict}
    funcs = {k[1] for k in conflict if k[0] in FUNCTION_RULES}
    if conflict == [("area_target",)]:
        host, circ = _building_units(scenario)
        return _area_sentence(scenario, host + circ, whole=True)
    if (
        len(funcs) == 1
        and kinds <= {"placed", "needs", "floors"}
        and "placed" in kinds
    ):
        return _no_room_sentence(scenario, scenario.function(funcs.pop()))
    lines = [_rule_message(scenario, k)[0] for k in conflict]
    text = f"These {len(conflict)} rules cannot all hold: " + " ".join(lines)
    if "area_target" in kinds:
        rest = [k for k in conflict if k != ("area_target",)]
        reach = oracle.max_facility(rest)
        if reach is not None:
            text += " " + _area_sentence(scenario, reach, whole=False)
    return text


# ----------------------------------------------------------------- repairs


@dataclass(frozen=True)
class Repair:
    """A verified way to make the scenario feasible.

    Attributes
    ----------
    dropped : tuple of RuleKey
        Rules relaxed.
    added_m2 : int
        Square metres of usable rooms to add.
    cost : float
        Cost under ``repairs.toml``.
    status : str
        Status of the solve that verified it.
    """

    dropped: tuple[RuleKey, ...]
    added_m2: int
    cost: float
    status: str

    def changes(self, scenario: Scenario) -> list[dict[str, Any]]:
        """Each change in words: ``kind``, ``subject``, ``message``."""
        out: list[dict[str, Any]] = []
        if self.added_m2:
            out.append(
                {
                    "kind": "add_area",
                    "subject": "building",
                    "amount": self.added_m2,
                    "message": f"Add {self.added_m2:,} m² of usable rooms "
                    "(e.g. a room for resident activity).",
                }
            )
        for key in self.dropped:
            out.append(
                {
                    "kind": f"drop_{key[0]}",
                    "subject": _subject(key),
                    "message": _repair_words(scenario, key),
                }
            )
        return out

    def as_dict(self, scenario: Scenario, rank: int) -> dict[str, Any]:
        """The repair as stored in ``Result.diagnosis``."""
        changes = self.changes(scenario)
        return {
            "rank": rank,
            "cost": self.cost,
            "added_area": self.added_m2,
            "dropped": [rule_name(k) for k in self.dropped],
            "changes": changes,
            "message": " ".join(c["message"] for c in changes),
            "verified": True,
            "status": self.status,
        }


def _repair_words(scenario: Scenario, key: RuleKey) -> str:
    kind = key[0]
    if kind == "area_target":
        return "Waive the area target (an exemption from the regulation)."
    if kind == "resident_share":
        return "Waive the resident-share rule (an exemption)."
    if kind == "never_with":
        a, b = scenario.function(key[1]), scenario.function(key[2])
        return f"Let {a.label} and {b.label} share a room (drop never_with)."
    f = scenario.function(key[1])
    if kind == "placed":
        return f"Make {f.label} optional: leave it out of this run."
    if kind == "needs":
        return (
            f"Let {f.label} take a room that is not "
            f"{' or '.join(f.needs)} (drop the need)."
        )
    if kind == "floors":
        return (
            f"Let {f.label} go on any floor (drop the limit"
            f"{_floor_words(f, scenario)})."
        )
    return f"Let {f.label} share its room (drop exclusive)."


def apply_repair(
    scenario: Scenario, dropped: Iterable[RuleKey], added_m2: int = 0
) -> Scenario:
    """The scenario with rules ``dropped`` relaxed and area added.

    Added area is a virtual room ``ADDED`` on the lowest floor, with
    every tag, so any function may take it.
    """
    funcs = {f.id: f for f in scenario.functions}
    policy = scenario.policy
    for key in dropped:
        kind = key[0]
        if kind == "placed":
            funcs.pop(key[1], None)
        elif kind == "never_with":
            for a, b in ((key[1], key[2]), (key[2], key[1])):
                if a in funcs:
                    keep = tuple(x for x in funcs[a].never_with if x != b)
                    funcs[a] = funcs[a].replace(never_with=keep)
        elif kind in ("needs", "floors", "exclusive"):
            value = {"needs": (), "floors": None, "exclusive": False}[kind]
            if key[1] in funcs:
                funcs[key[1]] = funcs[key[1]].replace(**{kind: value})
        elif kind == "area_target":
            policy = policy.replace(area_target=AreaTarget())
        elif kind == "resident_share":
            policy = policy.replace(resident_share_min=None)
    known = set(funcs) | set(policy.function_index)
    kept = [
        f
        if set(f.never_with) <= known
        else f.replace(never_with=tuple(x for x in f.never_with if x in known))
        for f in funcs.values()
    ]
    building = scenario.building
    if added_m2 > 0:
        room = Room(
            id=ADDED_ROOM,
            name="added area",
            floor=min(r.floor for r in building.rooms),
            area=float(added_m2),
            tags=KNOWN_TAGS,
        )
        building = building.replace(rooms=(*building.rooms, room))
    return scenario.replace(
        policy=policy, functions=tuple(kept), building=building
    )


def _verify_config(costs: RepairCosts, seed: int) -> SolverConfig:
    return SolverConfig(
        name="diagnose",
        candidates=1,
        params={
            "num_workers": 1,
            "random_seed": seed,
            "max_deterministic_time": costs.deterministic_time,
            "max_time_in_seconds": costs.wall_time,
        },
    )


def _solve_status(scenario: Scenario, config: SolverConfig) -> str:
    from spaceplan.solvers import solve

    # The scenario's own options (candidates, time limit, workers) must
    # not widen a verification: one plan, one worker, the repair budget.
    return solve(
        scenario,
        config=config,
        candidates=1,
        workers=1,
        time_limit=config.time_limit,
        seed=config.seed,
    ).status


def _profile_options(
    scenario: Scenario, config: SolverConfig
) -> list[dict[str, Any]]:
    """Other bundled profiles of the same area type, solved."""
    out: list[dict[str, Any]] = []
    area_type = scenario.community.area_type
    for pid in policy_ids():
        if pid == scenario.policy.id:
            continue
        try:
            other = load_policy(pid)
        except InputError:
            continue
        if other.area_type not in (None, area_type):
            continue
        try:
            switched = with_policy(scenario, other)
        except InputError as err:
            out.append(
                {"policy": pid, "status": "not comparable", "note": err.fault}
            )
            continue
        status = _solve_status(switched, config)
        out.append(
            {
                "policy": pid,
                "title": other.title,
                "status": status,
                "feasible": status in ("optimal", "feasible"),
            }
        )
    return out


def with_policy(scenario: Scenario, policy: Policy) -> Scenario:
    """The scenario re-resolved under another profile.

    The scenario file's overrides, ``require`` and ``exclude`` are kept
    when the scenario came from a file; otherwise the functions it
    required beyond the old profile are required again where the new one
    has them.
    """
    from spaceplan.read import load_mapping, resolve

    raw: dict[str, Any] = {}
    if scenario.source is not None:
        try:
            raw = load_mapping(scenario.source)
        except InputError:
            raw = {}
    if raw:
        data = {
            **raw,
            "policy": policy.id,
            "building": scenario.building.model_dump(
                mode="json", exclude_none=True
            ),
        }
    else:
        ids = policy.function_index
        data = {
            "name": scenario.name,
            "policy": policy.id,
            "community": scenario.community.model_dump(),
            "building": scenario.building.model_dump(
                mode="json", exclude_none=True
            ),
            "require": [
                f.id
                for f in scenario.functions
                if f.id in ids and not policy.function(f.id).required
            ],
            "options": scenario.options.model_dump(exclude_none=True),
        }
    data["community"] = {
        **data["community"],
        "area_type": scenario.community.area_type,
    }
    try:
        spec = ScenarioFile.model_validate(data)
    except Exception as exc:  # a pydantic error: not comparable
        raise InputError(None, "policy", str(exc).splitlines()[0]) from None
    return resolve(spec, policy)


# --------------------------------------------------------------- diagnose


@dataclass
class Diagnosis:
    """What :func:`diagnose` found; :meth:`as_dict` is the JSON form."""

    status: str
    summary: str
    prechecks: list[dict[str, str]]
    conflict: list[dict[str, str]]
    conflict_keys: list[RuleKey]
    repairs: list[dict[str, Any]]
    profiles: list[dict[str, Any]]
    seconds: float
    solves: int
    searched_repairs: bool = False

    @property
    def feasible(self) -> bool:
        """Whether the scenario turned out feasible."""
        return self.status == "feasible"

    def as_dict(self) -> dict[str, Any]:
        """The diagnosis as stored in ``Result.diagnosis``."""
        return {
            "status": self.status,
            "summary": self.summary,
            "prechecks": self.prechecks,
            "conflict": self.conflict,
            "repairs": self.repairs,
            "profiles": self.profiles,
            "seconds": round(self.seconds, 3),
            "solves": self.solves,
        }


def diagnose(
    scenario: Scenario,
    *,
    repairs: bool = True,
    profiles: bool = True,
    seed: int = 0,
    costs: RepairCosts | None = None,
) -> Diagnosis:
    """Prechecks, a minimal conflict and verified repairs of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The resolved scenario.
    repairs : bool
        Look for repairs (and verify each with a solve).
    profiles : bool
        Also try the other bundled profiles of the same area type.
    seed : int
        CP-SAT seed of every solve.
    costs : RepairCosts or None
        Repair costs; None reads ``solver_configs/repairs.toml``.

    Returns
    -------
    Diagnosis
        ``status`` is ``"infeasible"`` with a conflict, ``"feasible"``
        (nothing to repair) or ``"unknown"`` (the budget ran out).
    """
    started = time.perf_counter()
    costs = costs or load_costs()
    budget = Budget(costs.deterministic_time, costs.wall_time, seed)
    found = prechecks(scenario)
    problem = Problem(scenario)
    oracle = RuleOracle(problem, budget)
    status, keys = oracle.minimal_conflict()
    conflict = []
    for key in keys:
        message, source = _rule_message(scenario, key)
        conflict.append(
            {
                "rule": key[0],
                "subject": _subject(key),
                "message": message,
                "source": source,
            }
        )
    if status != "infeasible":
        summary = (
            "The scenario is feasible: every rule can hold."
            if status == "feasible"
            else "No answer within the budget: neither a plan nor a "
            "conflict was found."
        )
        return Diagnosis(
            status,
            summary,
            found,
            [],
            [],
            [],
            [],
            time.perf_counter() - started,
            oracle.solves,
        )
    summary = _conflict_summary(scenario, oracle, keys)
    verified: list[dict[str, Any]] = []
    switch: list[dict[str, Any]] = []
    if repairs:
        config = _verify_config(costs, seed)
        for raw in cheapest_relaxations(
            problem,
            costs.rules,
            costs.area_per_m2,
            costs.alternatives,
            budget,
        ):
            repair = _verify(scenario, raw, config)
            if repair is not None:
                verified.append(repair.as_dict(scenario, len(verified) + 1))
        if profiles:
            switch = _profile_options(scenario, config)
        if verified:
            summary += f" Cheapest verified repair: {verified[0]['message']}"
    return Diagnosis(
        status,
        summary,
        found,
        conflict,
        keys,
        verified,
        switch,
        time.perf_counter() - started,
        oracle.solves,
        searched_repairs=repairs,
    )


def _verify(
    scenario: Scenario, raw: RawRelaxation, config: SolverConfig
) -> Repair | None:
    try:
        fixed = apply_repair(scenario, raw.dropped, raw.added_m2)
    except (InputError, ValueError):
        return None
    status = _solve_status(fixed, config)
    if status not in ("optimal", "feasible"):
        return None
    return Repair(raw.dropped, raw.added_m2, raw.cost, status)


def diagnose_for_result(scenario: Scenario) -> dict[str, Any]:
    """The hook for :func:`spaceplan.solvers.solve` (``diagnose=``).

    Returns the diagnosis of an infeasible scenario as a plain dict for
    ``Result.diagnosis``.
    """
    return diagnose(scenario).as_dict()


def conflict_feasible(
    scenario: Scenario, assumed: Sequence[RuleKey], seed: int = 0
) -> str:
    """Solve with only the rules ``assumed`` on (the others free).

    Used to show that a conflict set is minimal: the whole set is
    ``"infeasible"``, and dropping any one rule gives ``"feasible"``.
    """
    costs = load_costs()
    oracle = RuleOracle(
        Problem(scenario),
        Budget(costs.deterministic_time, costs.wall_time, seed),
    )
    return oracle.check(assumed)[0]
