"""Why a scenario is infeasible, and the cheapest ways to fix it.

Three steps, cheapest first:

1. :func:`~spaceplan.diagnose.prechecks.prechecks`: arithmetic that needs
   no solver (the building is smaller than the target, a function no
   room can take, more exclusive functions than rooms for them, a
   resident share out of reach);
2. a minimal conflict: a feasibility pass with every rule behind a literal
   (:mod:`spaceplan.solvers.cpsat.conflict`), CP-SAT's core shrunk by a
   deletion filter until freeing any one rule of the set makes the rest
   feasible; :mod:`~spaceplan.diagnose.conflicts` words it;
3. :mod:`~spaceplan.diagnose.actions`: what the architect can act on
   first: the largest household count the building serves (an exact
   search), an unavailable room that would fix it, the scenario's own
   override of a profile function that causes it;
4. :mod:`~spaceplan.diagnose.repairs`: the cheapest relaxations (costs in
   ``solver_configs/repairs.toml``, in m²), each applied to the scenario
   and solved again; only verified repairs are reported, and those that
   waive the regulation (a facility rule, a required function) apart
   from design changes. Other bundled profiles of the same area type are
   tried as well.

Everything is worded in the regulation's terms, with numbers and sources,
in Chinese or English (``locale/diagnose.toml``).
:func:`diagnose_for_result` is the hook :func:`spaceplan.solvers.solve`
calls when a scenario is infeasible.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spaceplan import rules
from spaceplan.data import Scenario
from spaceplan.diagnose.actions import (
    available_rooms,
    max_households,
    reverted_overrides,
)
from spaceplan.diagnose.conflicts import (
    conflict_rows,
    conflict_summary,
    rule_name,
)
from spaceplan.diagnose.prechecks import prechecks
from spaceplan.diagnose.repairs import (
    ADDED_ROOM,
    Repair,
    RepairCosts,
    apply_changes,
    apply_repair,
    households_words,
    load_costs,
    profile_options,
    revert_repair,
    room_repair,
    solve_status,
    verify,
    verify_config,
    with_policy,
)
from spaceplan.diagnose.words import RuleKey, building_units
from spaceplan.diagnose.works import works_repairs
from spaceplan.i18n import Lang, t
from spaceplan.solvers.cpsat.conflict import (
    Budget,
    RawRelaxation,
    RuleOracle,
    cheapest_relaxations,
)
from spaceplan.solvers.problem import Problem

__all__ = [
    "ADDED_ROOM",
    "Diagnosis",
    "Repair",
    "RepairCosts",
    "RuleKey",
    "apply_changes",
    "apply_repair",
    "conflict_feasible",
    "diagnose",
    "diagnose_for_result",
    "load_costs",
    "prechecks",
    "rule_name",
    "with_policy",
]


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
    waivers: list[dict[str, Any]] = field(default_factory=list)
    households: dict[str, Any] | None = None

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
            "waivers": self.waivers,
            "households": self.households,
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
    lang: Lang = "zh",
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
    lang : {"zh", "en"}
        Language of every message (``locale/diagnose.toml``).

    Returns
    -------
    Diagnosis
        ``status`` is ``"infeasible"`` with a conflict, ``"feasible"``
        (nothing to repair) or ``"unknown"`` (the budget ran out).
    """
    started = time.perf_counter()
    costs = costs or load_costs()
    budget = Budget(costs.deterministic_time, costs.wall_time, seed)
    found = prechecks(scenario, lang)
    problem = Problem(scenario)
    oracle = RuleOracle(problem, budget)
    status, keys = oracle.minimal_conflict()
    conflict = conflict_rows(scenario, keys, lang)
    if status != "infeasible":
        word = "feasible" if status == "feasible" else "unknown"
        summary = t(f"diagnose.{word}", lang)
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
    summary = conflict_summary(scenario, oracle, keys, lang)
    found_repairs: list[dict[str, Any]] = []
    waivers: list[dict[str, Any]] = []
    switch: list[dict[str, Any]] = []
    households: dict[str, Any] | None = None
    solves = 0
    if repairs:
        config = verify_config(costs, seed)

        def feasible(fixed: Scenario) -> bool:
            nonlocal solves
            solves += 1
            return solve_status(fixed, config) in ("optimal", "feasible")

        target = rules.area_target(scenario.policy, scenario.community)
        if ("area_target",) in keys and target.binding == "per_household":
            # Only a per-household target moves with the households.
            rest = [k for k in oracle.keys if k != ("area_target",)]
            reach = oracle.max_facility(rest)
            most = max_households(scenario, budget, feasible, reach)
            if most is not None:
                solves += most.solves
                households = {
                    "max": most.households,
                    "target_m2": most.target_units / 100,
                    "exact": most.exact,
                    "message": households_words(most, lang),
                }
                summary += " " + households["message"]
        for room in available_rooms(scenario, budget, feasible):
            found_repairs.append(
                room_repair(room, len(found_repairs) + 1, lang)
            )
        for back in reverted_overrides(scenario, budget, feasible):
            found_repairs.append(
                revert_repair(scenario, back, len(found_repairs) + 1, lang)
            )
        for raw in _relaxations(problem, costs, budget):
            repair = verify(scenario, raw, config, costs.area_per_m2)
            solves += 1
            if repair is None:
                continue
            if repair.waiver:
                waivers.append(
                    repair.as_dict(scenario, len(waivers) + 1, lang)
                )
            else:
                found_repairs.append(
                    repair.as_dict(scenario, len(found_repairs) + 1, lang)
                )
        if not _area_short_of_any_plan(scenario, keys, target):
            found_repairs += works_repairs(
                scenario, config, lang, len(found_repairs)
            )
        if profiles:
            switch = profile_options(scenario, config)
        best = found_repairs or waivers
        if best:
            summary = t(
                "diagnose.cheapest",
                lang,
                summary=summary,
                repair=best[0]["message"],
            )
    return Diagnosis(
        status,
        summary,
        found,
        conflict,
        keys,
        found_repairs,
        switch,
        time.perf_counter() - started,
        oracle.solves + solves,
        searched_repairs=repairs,
        waivers=waivers,
        households=households,
    )


def _area_short_of_any_plan(
    scenario: Scenario, keys: Sequence[RuleKey], target: rules.AreaTarget
) -> bool:
    """Whether the area target fails even with every other rule dropped.

    With every rule free the largest facility is the whole building (its
    host rooms and counted circulation). Then moving walls cannot help:
    a merge's area is its parts' sum and a split's parts sum to the room
    (``works/moves.py``), so the largest facility with works equals the
    largest without. The check saves the works solve, which would
    otherwise spend its whole budget proving infeasibility.
    """
    if ("area_target",) not in keys or target.binding == "none":
        return False
    return sum(building_units(scenario)) < target.least_units


def _relaxations(
    problem: Problem, costs: RepairCosts, budget: Budget
) -> list[RawRelaxation]:
    """The cheapest relaxation, then cheaper-to-find alternatives.

    The cheapest set gets the whole budget; the alternatives (ranked after
    it, each verified anyway) get a fifth of it each, because proving the
    second-cheapest optimal costs the most search and changes least.
    """
    first = cheapest_relaxations(
        problem, costs.rules, costs.area_per_m2, 1, budget
    )
    if not first or costs.alternatives <= 1:
        return first
    quick = Budget(
        budget.deterministic_time / 5, budget.wall_time / 5, budget.seed
    )
    return first + cheapest_relaxations(
        problem,
        costs.rules,
        costs.area_per_m2,
        costs.alternatives - 1,
        quick,
        exclude=first,
    )


def diagnose_for_result(
    scenario: Scenario, lang: Lang = "en"
) -> dict[str, Any]:
    """The hook for :func:`spaceplan.solvers.solve` (``diagnose=``).

    Returns the diagnosis of an infeasible scenario as a plain dict for
    ``Result.diagnosis``, worded in ``lang`` (``spaceplan solve`` passes
    the user's ``--lang``; English when called without one).
    """
    return diagnose(scenario, lang=lang).as_dict()


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
