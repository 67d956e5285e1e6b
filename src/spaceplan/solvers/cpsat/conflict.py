"""CP-SAT side of the diagnosis: conflicts and cheapest relaxations.

Everything here works on :class:`AllocationModel` built with
``rule_literals=True``, where every hard rule of the regulation sits behind
a literal of its own (room capacity stays hard: it is a fact of the
building). Two services:

- :class:`RuleOracle` answers "can these rules hold together?" by solving
  with their literals as assumptions (single worker, no objective), and
  shrinks CP-SAT's core to a minimal conflict set with a deletion filter;
- :func:`cheapest_relaxations` turns every rule literal into a soft one
  with a cost, adds an integer "added area" variable for the facility
  rules, minimises the total cost and returns ranked, distinct repair sets.

No ortools type leaves this module: rules are plain tuples of strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from spaceplan import rules
from spaceplan.solvers.cpsat.model import AllocationModel, RuleKey
from spaceplan.solvers.problem import Problem

#: Facility rules: relaxed by adding area rather than by dropping them.
FACILITY_RULES = ("area_target", "resident_share")


@dataclass(frozen=True)
class Budget:
    """Search budget of one feasibility or repair solve.

    Attributes
    ----------
    deterministic_time : float
        CP-SAT's deterministic time limit (reproducible on any machine).
    wall_time : float
        A loose wall-clock safety net, in seconds.
    seed : int
        CP-SAT's random seed.
    """

    deterministic_time: float = 5.0
    wall_time: float = 30.0
    seed: int = 0

    def apply(self, solver: cp_model.CpSolver) -> None:
        """Set the budget on ``solver``: one worker, fixed seed."""
        params = solver.parameters
        # One worker: the diagnosis must not compete with a sweep's other
        # processes, and a single worker is deterministic.
        params.num_workers = 1
        params.random_seed = self.seed
        params.max_deterministic_time = self.deterministic_time
        params.max_time_in_seconds = self.wall_time
        # Symmetry detection on the rule-literal model (a variable for every
        # function-room pair) can spend seconds of wall time per solve for
        # nothing: a feasibility check with assumptions does not use it.
        params.symmetry_level = 0


def _status_word(code: Any) -> str:
    return {
        cp_model.OPTIMAL: "feasible",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(code, "unknown")


class RuleOracle:
    """Solves the rule-literal model under chosen rules as assumptions.

    Parameters
    ----------
    problem : Problem
        The scenario as index arrays.
    budget : Budget
        Budget of every solve.
    """

    def __init__(self, problem: Problem, budget: Budget) -> None:
        self.problem = problem
        self.budget = budget
        self.built = AllocationModel(problem, None, rule_literals=True)
        self._index = {
            lit.Index(): key for key, lit in self.built.rules.items()
        }
        self.solves = 0

    @property
    def keys(self) -> list[RuleKey]:
        """Every rule of the scenario, in model order."""
        return list(self.built.rules)

    def check(self, assumed: Iterable[RuleKey]) -> tuple[str, list[RuleKey]]:
        """Solve with the rules ``assumed`` on and every other rule free.

        Returns
        -------
        tuple of (str, list of RuleKey)
            ``"feasible"``, ``"infeasible"`` or ``"unknown"``, and for
            ``"infeasible"`` CP-SAT's core: assumed rules that suffice
            for the infeasibility (not necessarily minimal).
        """
        model = self.built.model
        model.clear_assumptions()
        model.add_assumptions([self.built.rules[k] for k in assumed])
        solver = cp_model.CpSolver()
        self.budget.apply(solver)
        self.solves += 1
        word = _status_word(solver.solve(model))
        if word != "infeasible":
            return word, []
        core = [
            self._index[i]
            for i in solver.sufficient_assumptions_for_infeasibility()
            if i in self._index
        ]
        return word, core

    def minimal_conflict(self) -> tuple[str, list[RuleKey]]:
        """A minimal set of rules that cannot hold together.

        CP-SAT's core is shrunk with a deletion filter: each rule in turn
        is set free; when the rest is still infeasible it leaves the set
        (and the set shrinks further to the new core), otherwise it is
        needed and stays. Every rule left is therefore necessary: freeing
        any one of them makes the others feasible.

        Returns
        -------
        tuple of (str, list of RuleKey)
            The status of the whole scenario and, when ``"infeasible"``,
            the minimal conflict set in model order.
        """
        status, core = self.check(self.keys)
        if status != "infeasible":
            return status, []
        if not core:
            core = self.keys
        order = {k: i for i, k in enumerate(self.keys)}
        kept = sorted(set(core), key=order.__getitem__)
        i = 0
        while i < len(kept):
            trial = kept[:i] + kept[i + 1 :]
            word, smaller = self.check(trial)
            if word == "infeasible":
                # Still infeasible without kept[i]: drop it, and take the
                # (possibly smaller) core the solver gives for the rest.
                sub = set(smaller) if smaller else set(trial)
                kept = [k for k in trial if k in sub]
                continue
            # Feasible (or not proved either way: keep the rule, so the
            # set stays a conflict even if not provably minimal).
            i += 1
        return status, kept

    def max_facility(self, assumed: Iterable[RuleKey]) -> int | None:
        """The largest facility area (units) under ``assumed`` rules."""
        built = AllocationModel(self.problem, None, rule_literals=True)
        model = built.model
        for key in assumed:
            model.add(built.rules[key] == 1)
        model.maximize(built.facility)
        solver = cp_model.CpSolver()
        self.budget.apply(solver)
        self.solves += 1
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return round(solver.objective_value)


# ------------------------------------------------------------- relaxations


@dataclass(frozen=True)
class RawRelaxation:
    """One repair set the relaxed optimisation found.

    Attributes
    ----------
    dropped : tuple of RuleKey
        Rules relaxed (set free).
    added_m2 : int
        Whole square metres of usable room area to add.
    cost : float
        Total cost under the repair costs.
    """

    dropped: tuple[RuleKey, ...]
    added_m2: int
    cost: float


def cheapest_relaxations(
    problem: Problem,
    costs: Mapping[str, float],
    area_cost: float,
    count: int,
    budget: Budget,
    exclude: Sequence[RawRelaxation] = (),
) -> list[RawRelaxation]:
    """Up to ``count`` cheapest distinct repair sets, cheapest first.

    Every rule literal becomes soft: dropping rule ``("needs", f)`` costs
    ``costs["needs"]`` and so on. The facility rules (area target,
    resident share) are re-stated with an integer ``added`` area in whole
    m², counted as a new room taken by resident activity, at
    ``area_cost`` per m²; dropping them outright costs
    ``costs["area_target"]`` / ``costs["resident_share"]`` (meant to be
    prohibitive: a waiver, not a design change). After each solution the
    same set of repairs is excluded and the model solved again.

    Parameters
    ----------
    problem : Problem
        The scenario as index arrays.
    costs : mapping of str to float
        Cost of dropping a rule, by rule kind (first element of the key).
    area_cost : float
        Cost per m² of added area.
    count : int
        How many repair sets to return at most.
    budget : Budget
        Budget of each solve.
    exclude : sequence of RawRelaxation
        Repair sets already known (not to be returned again).

    Returns
    -------
    list of RawRelaxation
        Distinct repair sets in order of cost.
    """
    built = AllocationModel(problem, None, rule_literals=True)
    model = built.model
    share = problem.scenario.policy.resident_share_min
    target = problem.target
    # Enough area to meet the target on its own and to lift the share to
    # its minimum with every room of the building in the facility.
    total = int(sum(int(a) for a in problem.room_units))
    total += problem.circulation_units
    reach = target.units + total
    if share is not None and share < 1:
        reach += int(total * share / (1 - share)) + 1
    added = model.new_int_var(0, reach // rules.UNITS_PER_M2 + 1, "added")
    area_used = model.new_bool_var("added_used")
    model.add(added >= 1).only_enforce_if(area_used)
    model.add(added == 0).only_enforce_if(area_used.Not())
    extra = rules.UNITS_PER_M2 * added
    soft: dict[RuleKey, cp_model.IntVar] = {}
    for key, lit in built.rules.items():
        if key[0] in FACILITY_RULES:
            # The model's own versions are replaced by the ones below.
            model.add(lit == 0)
        else:
            soft[key] = lit
    if target.binding != "none":
        keep = model.new_bool_var("keep_area_target")
        model.add(built.facility + extra >= target.units).only_enforce_if(keep)
        soft[("area_target",)] = keep
    if share is not None:
        keep = model.new_bool_var("keep_resident_share")
        model.add(
            rules.SHARE_UNITS * (built.resident_total + extra)
            >= rules.share_units(share) * (built.facility + extra)
        ).only_enforce_if(keep)
        rooms = [v.used for v in built.room.values()]
        model.add(sum(rooms) + area_used >= 1).only_enforce_if(keep)
        soft[("resident_share",)] = keep
    scale = 100
    penalty = sum(
        round(costs.get(key[0], 0.0) * scale) * (1 - lit)
        for key, lit in soft.items()
    )
    model.minimize(penalty + round(area_cost * scale) * added)

    def forbid(found: RawRelaxation) -> None:
        # At least one repair of ``found`` must stay unused.
        keep_any: list[Any] = [soft[k] for k in found.dropped if k in soft]
        if found.added_m2 > 0:
            keep_any.append(area_used.Not())
        if keep_any:
            model.add_bool_or(keep_any)

    for found in exclude:
        forbid(found)
    out: list[RawRelaxation] = []
    for _ in range(count):
        solver = cp_model.CpSolver()
        budget.apply(solver)
        code = solver.solve(model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        dropped = tuple(
            k for k, lit in soft.items() if not solver.boolean_value(lit)
        )
        m2 = int(solver.value(added))
        found = RawRelaxation(dropped, m2, solver.objective_value / scale)
        if not dropped and m2 == 0:
            break  # nothing to repair: the scenario is feasible
        out.append(found)
        forbid(found)
    return out
