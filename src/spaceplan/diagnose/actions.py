"""Repairs an architect can act on without new area or a waiver.

Three questions, each answered by solving:

- :func:`max_households`: the largest household count the building
  serves as it is (an exact search over households);
- :func:`available_rooms`: which unavailable room, brought into use,
  makes the scenario feasible on its own;
- :func:`reverted_overrides`: which of the scenario's own changes to a
  profile function (a larger ``min_area``, an added need) is the cause,
  so that returning it to the profile's value makes the scenario
  feasible.

Each answer is verified by a full solve (the plan passes the checker)
before it is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spaceplan import rules
from spaceplan.data import Function, Scenario
from spaceplan.solvers.cpsat.conflict import Budget, RuleOracle
from spaceplan.solvers.problem import Problem

#: Function fields a scenario may override, in the order they are named.
OVERRIDE_FIELDS = (
    "min_area",
    "needs",
    "floors",
    "exclusive",
    "never_with",
    "schedule",
)

#: Solves a scenario and says whether a checked plan exists.
Verify = Callable[[Scenario], bool]


def rules_hold(scenario: Scenario, budget: Budget) -> str:
    """``feasible``, ``infeasible`` or ``unknown`` with every rule on."""
    oracle = RuleOracle(Problem(scenario), budget)
    return oracle.check(oracle.keys)[0]


# ------------------------------------------------------------ households


@dataclass(frozen=True)
class Households:
    """The largest household count the building serves.

    Attributes
    ----------
    households : int
        The largest count whose scenario is feasible.
    target_units : int
        The area target (units) at that count.
    next_units : int
        The area target (units) one household more, which fails.
    exact : bool
        Whether ``households + 1`` was proved infeasible (not only left
        unproved by the budget).
    solves : int
        Feasibility solves spent.
    """

    households: int
    target_units: int
    next_units: int
    exact: bool
    solves: int


def with_households(scenario: Scenario, households: int) -> Scenario:
    """The scenario for a community of ``households`` households."""
    community = scenario.community.replace(households=households)
    return scenario.replace(community=community)


def max_households(
    scenario: Scenario,
    budget: Budget,
    verify: Verify,
    reach: int | None = None,
) -> Households | None:
    """The largest household count the building serves, found exactly.

    Only a per-household area target depends on the households, so the
    search runs only when that term binds. A larger community never has
    a smaller target (nor smaller advised rooms), so feasibility falls
    with the households and a bisection over ``1 … households`` finds
    the boundary. ``reach``, the largest facility (units) the other rules
    allow, gives a first guess that is usually the answer: the search
    then checks it and its successor (two solves) and bisects only when
    the guess is off.

    Returns
    -------
    Households or None
        None when the target's per-household term is not what binds, or
        when even one household is too many (a fixed minimum that the
        building cannot reach, say) or the budget leaves it open.
    """
    per_100 = scenario.policy.area_target.per_100_households
    target = rules.area_target(scenario.policy, scenario.community)
    if per_100 is None or target.binding != "per_household":
        return None
    solves = 0
    memo: dict[int, str] = {}

    def status(n: int) -> str:
        nonlocal solves
        if n not in memo:
            solves += 1
            memo[n] = rules_hold(with_households(scenario, n), budget)
        return memo[n]

    top = scenario.community.households - 1
    if top < 1:
        return None
    guess = None
    if reach is not None:
        # per_100 m² per 100 households is per_100 units per household.
        guess = min(top, max(1, int(reach // per_100)))
    if (
        guess is not None
        and status(guess) == "feasible"
        and (guess == top or status(guess + 1) == "infeasible")
    ):
        return _households(scenario, guess, memo, solves, verify)
    lo, hi = 0, top + 1  # lo feasible (or 0), hi not feasible
    for n, word in memo.items():
        if word == "feasible":
            lo = max(lo, n)
        else:
            hi = min(hi, n)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if status(mid) == "feasible":
            lo = mid
        else:
            hi = mid
    if lo == 0:
        return None
    return _households(scenario, lo, memo, solves, verify)


def _households(
    scenario: Scenario,
    n: int,
    memo: dict[int, str],
    solves: int,
    verify: Verify,
) -> Households | None:
    found = with_households(scenario, n)
    if not verify(found):
        return None
    after = with_households(scenario, n + 1)
    policy = scenario.policy
    return Households(
        households=n,
        target_units=rules.area_target(policy, found.community).units,
        next_units=rules.area_target(policy, after.community).units,
        exact=memo.get(n + 1, "infeasible") == "infeasible",
        solves=solves + 1,
    )


# ----------------------------------------------------------------- rooms


def with_room_available(scenario: Scenario, room_id: str) -> Scenario:
    """The scenario with the unavailable room ``room_id`` in use."""
    rooms = tuple(
        r.replace(kind="room") if r.id == room_id else r
        for r in scenario.building.rooms
    )
    building = scenario.building.replace(rooms=rooms)
    return scenario.replace(building=building)


def available_rooms(
    scenario: Scenario, budget: Budget, verify: Verify, limit: int = 3
) -> list[dict[str, Any]]:
    """Unavailable rooms that make the scenario feasible on their own.

    Smallest first; at most ``limit``. Each dict has ``room``,
    ``area`` (m²) and ``floor``.
    """
    out: list[dict[str, Any]] = []
    closed = sorted(
        (r for r in scenario.building.rooms if r.kind == "unavailable"),
        key=lambda r: (r.area, r.id),
    )
    for room in closed:
        if len(out) == limit:
            break
        fixed = with_room_available(scenario, room.id)
        if rules_hold(fixed, budget) != "feasible" or not verify(fixed):
            continue
        out.append({"room": room.id, "area": room.area, "floor": room.floor})
    return out


# ------------------------------------------------------------- overrides


def overridden(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Functions the scenario changed from its profile, and the fields."""
    out: dict[str, tuple[str, ...]] = {}
    for f in scenario.functions:
        if f.id not in scenario.policy.function_index:
            continue
        base = scenario.policy.function(f.id)
        fields = tuple(
            name
            for name in OVERRIDE_FIELDS
            if _field(f, name) != _field(base, name)
        )
        if fields:
            out[f.id] = fields
    return out


def _field(f: Function, name: str) -> Any:
    value = getattr(f, name)
    if name in ("needs", "never_with") and isinstance(value, tuple):
        return tuple(sorted(value))
    return value


def with_profile_function(
    scenario: Scenario, function_id: str, fields: tuple[str, ...]
) -> Scenario:
    """The scenario with ``fields`` of one function back at the profile's."""
    base = scenario.policy.function(function_id)
    known = set(scenario.function_index) | set(scenario.policy.function_index)
    funcs = []
    for f in scenario.functions:
        if f.id == function_id:
            changes = {name: getattr(base, name) for name in fields}
            if "never_with" in changes:
                changes["never_with"] = tuple(
                    x for x in base.never_with if x in known
                )
            f = f.replace(**changes)
        funcs.append(f)
    return scenario.replace(functions=tuple(funcs))


def reverted_overrides(
    scenario: Scenario, budget: Budget, verify: Verify
) -> list[dict[str, Any]]:
    """Overrides whose reversal alone makes the scenario feasible.

    Each dict has ``function``, ``fields`` and, per field, the scenario's
    and the profile's values (``values``: field -> (scenario, profile)).
    """
    out: list[dict[str, Any]] = []
    for fid, fields in overridden(scenario).items():
        fixed = with_profile_function(scenario, fid, fields)
        if rules_hold(fixed, budget) != "feasible" or not verify(fixed):
            continue
        mine = scenario.function(fid)
        base = scenario.policy.function(fid)
        out.append(
            {
                "function": fid,
                "fields": list(fields),
                "values": {
                    name: (getattr(mine, name), getattr(base, name))
                    for name in fields
                },
            }
        )
    return out
