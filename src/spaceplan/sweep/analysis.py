"""What a sweep's runs say: the binding rule, the largest count served.

The binding rule of a solved run is its facility rule with the smallest
relative margin; of an infeasible run, the first rule of its minimal
conflict (a facility rule first).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any

#: Statuses that mean a plan was found.
SOLVED = ("optimal", "feasible")


def tightest(checks: Iterable[Any]) -> str:
    """The facility rule with the smallest relative margin."""
    best, name = math.inf, ""
    for check in checks:
        if check.rule not in ("area_target", "resident_share"):
            continue
        if check.margin is None or not isinstance(check.required, float | int):
            continue
        scale = abs(float(check.required)) or 1.0
        margin = check.margin / scale
        if margin < best:
            best, name = margin, check.rule
    return name


def first_conflict(scenario: Any, seed: int, budget: float) -> str:
    """The binding rule of an infeasible run: from its minimal conflict."""
    # Lazy, for start-up speed: the diagnosis loads ortools.
    from spaceplan.diagnose import diagnose, load_costs, rule_name

    costs = dataclasses.replace(
        load_costs(), deterministic_time=budget, wall_time=10 * budget + 10
    )
    found = diagnose(
        scenario, repairs=False, profiles=False, seed=seed, costs=costs
    )
    keys = found.conflict_keys
    if not keys:
        return ""
    # A facility rule says more about a what-if than the functions caught
    # up in it: name it first when it is part of the conflict.
    facility = [k for k in keys if k[0] in ("area_target", "resident_share")]
    return rule_name((facility or keys)[0])


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def profile_of(row: dict[str, Any], base_policy: str) -> str:
    """The profile of a row: its varied policy or the scenario's."""
    return str(row.get("policy") or base_policy)


def largest_served(
    rows: Sequence[dict[str, Any]], base_policy: str
) -> list[dict[str, Any]]:
    """Per profile: runs, outcomes and the largest household count served.

    ``households`` is read from the row when varied, otherwise it is the
    scenario's.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(profile_of(row, base_policy), []).append(row)
    out = []
    for policy, group in groups.items():
        solved = [r for r in group if r.get("status") in SOLVED]
        households = [
            int(float(r["households"]))
            for r in solved
            if r.get("households") not in (None, "")
        ]
        best = max(households) if households else None
        binding = ""
        if best is not None:
            at_best = [
                r for r in solved if int(float(r["households"])) == best
            ]
            binding = at_best[0].get("binding_rule", "")
        out.append(
            {
                "policy": policy,
                "runs": len(group),
                "solved": len(solved),
                "infeasible": sum(
                    r.get("status") == "infeasible" for r in group
                ),
                "other": sum(
                    r.get("status") not in (*SOLVED, "infeasible")
                    for r in group
                ),
                "largest_households": best,
                "binding_rule": binding,
            }
        )
    return out
