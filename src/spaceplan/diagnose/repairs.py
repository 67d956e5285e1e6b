"""Repairs: the cheapest relaxations that make a scenario feasible.

Costs come from ``solver_configs/repairs.toml``; each relaxation found by
:func:`spaceplan.solvers.cpsat.conflict.cheapest_relaxations` is applied
to the scenario and solved again, and only verified ones are kept. Other
bundled profiles of the same area type are tried as well.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spaceplan import resources, rules
from spaceplan.data import (
    KNOWN_TAGS,
    AreaTarget,
    Policy,
    Room,
    Scenario,
    ScenarioFile,
)
from spaceplan.diagnose.actions import (
    Households,
    with_profile_function,
    with_room_available,
)
from spaceplan.diagnose.conflicts import rule_name, subject
from spaceplan.diagnose.words import (
    RuleKey,
    floor_words,
    fname,
    m2,
    tag_names,
)
from spaceplan.errors import InputError, Msg
from spaceplan.i18n import Lang, t
from spaceplan.policies import load_policy, policy_ids
from spaceplan.read import load_mapping, resolve
from spaceplan.solvers import solve
from spaceplan.solvers.config import SolverConfig
from spaceplan.solvers.cpsat.conflict import RawRelaxation

#: Id of the virtual room that stands for added area in a verification.
ADDED_ROOM = "ADDED"
#: Rules whose relaxation is a regulatory waiver, not a design change.
WAIVER_RULES = ("area_target", "resident_share", "placed")

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
            raise InputError(path, None, Msg("err.no_such_file")) from None
        return RepairCosts()
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            where, None, Msg("err.toml.bad", problem_en=exc)
        ) from None
    base = RepairCosts()
    costs = dict(base.rules)
    for key, value in raw.get("rules", {}).items():
        if key not in costs:
            raise InputError(where, f"rules.{key}", Msg("err.repairs.rule"))
        if not isinstance(value, int | float) or value < 0:
            raise InputError(where, f"rules.{key}", Msg("err.repairs.cost"))
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
    per_m2 : float
        Cost of one m² added (``repairs.toml``): the yardstick that turns
        the cost of the rule changes into m².
    """

    dropped: tuple[RuleKey, ...]
    added_m2: int
    cost: float
    status: str
    per_m2: float = 1.0

    def changes(
        self, scenario: Scenario, lang: Lang = "zh"
    ) -> list[dict[str, Any]]:
        """Each change in words: ``kind``, ``subject``, ``message``."""
        out: list[dict[str, Any]] = []
        if self.added_m2:
            out.append(
                {
                    "kind": "add_area",
                    "subject": "building",
                    "amount": self.added_m2,
                    "message": t(
                        "diagnose.repair.add_area", lang, m2=self.added_m2
                    ),
                }
            )
        for key in self.dropped:
            out.append(
                {
                    "kind": f"drop_{key[0]}",
                    "subject": subject(key),
                    "message": repair_words(scenario, key, lang),
                }
            )
        return out

    @property
    def waiver(self) -> bool:
        """Whether the repair waives the regulation, not the design.

        Dropping a facility rule (the area target, the resident share)
        or making a required function optional changes what the
        regulation asks, which needs the authority's consent; the other
        relaxations change how rooms are used.
        """
        return any(k[0] in WAIVER_RULES for k in self.dropped)

    def cost_words(self, lang: Lang = "zh") -> str:
        """The cost with units: m² added plus rule changes in m²."""
        if self.waiver:
            return t("diagnose.cost.waiver", lang)
        parts = []
        if self.added_m2:
            parts.append(t("diagnose.cost.area", lang, m2=self.added_m2))
        per_m2 = self.per_m2 or 1.0
        points = (self.cost - self.added_m2 * per_m2) / per_m2
        if self.dropped and points > 0:
            parts.append(t("diagnose.cost.rules", lang, points=points))
        if not parts:
            return t("diagnose.cost.none", lang)
        return t("diagnose.cost.sep", lang).join(parts)

    def as_dict(
        self, scenario: Scenario, rank: int, lang: Lang = "zh"
    ) -> dict[str, Any]:
        """The repair as stored in ``Result.diagnosis``."""
        changes = self.changes(scenario, lang)
        return {
            "rank": rank,
            "kind": "relax",
            "cost": self.cost,
            "cost_unit": "m2",
            "cost_text": self.cost_words(lang),
            "waiver": self.waiver,
            "added_area": self.added_m2,
            "dropped": [rule_name(k) for k in self.dropped],
            "changes": changes,
            "message": " ".join(c["message"] for c in changes),
            "verified": True,
            "status": self.status,
        }


def repair_words(scenario: Scenario, key: RuleKey, lang: Lang) -> str:
    """Relaxing the rule ``key``, in words."""
    kind = key[0]
    if kind in ("area_target", "resident_share"):
        return t(f"diagnose.repair.{kind}", lang)
    if kind == "never_with":
        a, b = scenario.function(key[1]), scenario.function(key[2])
        return t(
            "diagnose.repair.never_with",
            lang,
            a=fname(a, lang),
            b=fname(b, lang),
        )
    f = scenario.function(key[1])
    if kind == "needs":
        tags = tag_names(f, "diagnose.sep.or", lang)
        return t(
            "diagnose.repair.needs", lang, label=fname(f, lang), tags=tags
        )
    if kind == "floors":
        floors = floor_words(f, scenario, lang)
        return t(
            "diagnose.repair.floors", lang, label=fname(f, lang), floors=floors
        )
    if kind == "placed":
        return t("diagnose.repair.placed", lang, label=fname(f, lang))
    return t("diagnose.repair.exclusive", lang, label=fname(f, lang))


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


def verify_config(costs: RepairCosts, seed: int) -> SolverConfig:
    """The solver settings of every verification: one worker, the budget.

    A verification asks only whether a plan exists, so the solver stops
    at its first plan (checked as every plan is); optimising it would
    spend the whole time limit on a repair that is already proved.
    """
    return SolverConfig(
        name="diagnose",
        candidates=1,
        params={
            "num_workers": 1,
            "stop_after_first_solution": True,
            "random_seed": seed,
            "max_deterministic_time": costs.deterministic_time,
            "max_time_in_seconds": costs.wall_time,
        },
    )


def solve_status(scenario: Scenario, config: SolverConfig) -> str:
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


def profile_options(
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
        status = solve_status(switched, config)
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
        raise InputError(
            None, "policy", Msg("err.text", text=str(exc).splitlines()[0])
        ) from None
    return resolve(spec, policy)


# --------------------------------------------------------------- diagnose


def verify(
    scenario: Scenario,
    raw: RawRelaxation,
    config: SolverConfig,
    per_m2: float = 1.0,
) -> Repair | None:
    """The relaxation ``raw`` as a repair, if a solve confirms it."""
    try:
        fixed = apply_repair(scenario, raw.dropped, raw.added_m2)
    except (InputError, ValueError):
        return None
    status = solve_status(fixed, config)
    if status not in ("optimal", "feasible"):
        return None
    return Repair(raw.dropped, raw.added_m2, raw.cost, status, per_m2)


# ----------------------------------------------------- actionable repairs


def room_repair(
    found: dict[str, Any], rank: int, lang: Lang = "zh"
) -> dict[str, Any]:
    """Bringing an unavailable room into use, as a repair dict."""
    area = m2(rules.to_units(found["area"]))
    message = t(
        "diagnose.repair.make_available",
        lang,
        room=found["room"],
        floor=found["floor"],
        area=area,
    )
    change = {
        "kind": "make_available",
        "subject": found["room"],
        "amount": found["area"],
        "message": message,
    }
    return _action(rank, "make_available", change, found["area"], lang)


def revert_repair(
    scenario: Scenario, found: dict[str, Any], rank: int, lang: Lang = "zh"
) -> dict[str, Any]:
    """Returning a function to the profile's setting, as a repair dict."""
    f = scenario.function(found["function"])
    parts = []
    for name in found["fields"]:
        mine, profile = found["values"][name]
        if name == "min_area":
            parts.append(
                t(
                    "diagnose.revert.min_area",
                    lang,
                    mine=m2(rules.to_units(mine)),
                    profile=m2(rules.to_units(profile)),
                )
            )
        else:
            field = t(f"diagnose.revert.name.{name}", lang)
            parts.append(t("diagnose.revert.field", lang, field=field))
    message = t(
        "diagnose.repair.revert",
        lang,
        label=fname(f, lang),
        changes=t("diagnose.sep.list", lang).join(parts),
    )
    change = {
        "kind": "revert_override",
        "subject": f.id,
        "fields": list(found["fields"]),
        "message": message,
    }
    return _action(rank, "revert_override", change, 0.0, lang)


def _action(
    rank: int, kind: str, change: dict[str, Any], area: float, lang: Lang
) -> dict[str, Any]:
    cost_text = (
        t("diagnose.cost.room", lang, area=m2(rules.to_units(area)))
        if area
        else t("diagnose.cost.none", lang)
    )
    return {
        "rank": rank,
        "kind": kind,
        "cost": 0.0,
        "cost_unit": "m2",
        "cost_text": cost_text,
        "waiver": False,
        "added_area": 0,
        "dropped": [],
        "changes": [change],
        "message": change["message"],
        "verified": True,
        "status": "feasible",
    }


def households_words(found: Households, lang: Lang = "zh") -> str:
    """The largest household count, in one sentence."""
    key = "diagnose.households" if found.exact else "diagnose.households.open"
    return t(
        key,
        lang,
        n=found.households,
        next_n=found.households + 1,
        target=m2(found.target_units),
        next=m2(found.next_units),
    )


def apply_changes(scenario: Scenario, repair: dict[str, Any]) -> Scenario:
    """The scenario with a repair dict (``Diagnosis.repairs``) applied."""
    dropped: list[RuleKey] = []
    for name in repair.get("dropped", []):
        kind, _, subject = name.partition(":")
        dropped.append((kind, *subject.split("+")) if subject else (kind,))
    fixed = apply_repair(scenario, dropped, int(repair.get("added_area", 0)))
    for change in repair.get("changes", []):
        if change["kind"] == "make_available":
            fixed = with_room_available(fixed, change["subject"])
        elif change["kind"] == "revert_override":
            fields = tuple(change["fields"])
            fixed = with_profile_function(fixed, change["subject"], fields)
    return fixed
