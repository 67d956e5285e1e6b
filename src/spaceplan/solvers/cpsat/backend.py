"""CP-SAT backend: build the model, set the preset's parameters, solve."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from typing import Any

from ortools.sat.python import cp_model

from spaceplan.solution import Plan, Status
from spaceplan.solvers.config import SolverConfig, check_cpsat_params
from spaceplan.solvers.cpsat.model import AllocationModel
from spaceplan.solvers.engine import ProgressSink, RawSolve
from spaceplan.solvers.greedy import (
    Placement,
    greedy_placement,
    placement_plan,
)
from spaceplan.solvers.objective import objective_terms
from spaceplan.solvers.problem import Problem

#: CP-SAT's statuses in our own words, mapped once.
STATUS: dict[Any, Status] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
}


def apply_params(solver: cp_model.CpSolver, params: dict[str, Any]) -> None:
    """Set raw CP-SAT parameters by name (names checked first)."""
    check_cpsat_params(params, None)
    for key, value in params.items():
        if isinstance(value, list):
            # Repeated fields (e.g. subsolvers) are filled, not assigned.
            field = getattr(solver.parameters, key)
            field.clear()
            field.extend(value)
        else:
            setattr(solver.parameters, key, value)


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Forwards incumbents and bounds to a progress sink, cheaply."""

    def __init__(self, sink: ProgressSink, scale: float) -> None:
        super().__init__()
        self.sink = sink
        self.scale = scale
        self.lock = threading.Lock()
        self.bound: float | None = None
        self.best: float | None = None
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        with self.lock:
            self.best = self.objective_value / self.scale
            self.bound = self.best_objective_bound / self.scale
            self.sink.update(self.best, self.bound, self.wall_time)

    def on_bound(self, bound: float) -> None:
        with self.lock:
            self.bound = bound / self.scale
            self.sink.update(
                self.best, self.bound, time.perf_counter() - self.started
            )


class CpsatBackend:
    """Finds plans with OR-Tools CP-SAT."""

    name = "cpsat"
    supports_candidates = True

    def solve_one(
        self,
        problem: Problem,
        config: SolverConfig,
        avoid: Sequence[dict[int, int]],
        min_difference: int,
        progress: ProgressSink | None = None,
    ) -> RawSolve:
        """Solve once; see :class:`spaceplan.solvers.engine.Backend`."""
        started = time.perf_counter()
        built = AllocationModel(problem, config.weights)
        for placement in avoid:
            built.add_difference(placement, min_difference)
        # The warm start may take at most a fifth of the budget.
        warm = _hint_greedy(problem, built, min(10.0, config.time_limit / 5))
        solver = cp_model.CpSolver()
        apply_params(solver, config.params)
        # The time limit is the user's wall-clock budget for the whole
        # solve: building the model and the warm start count too.
        left = config.time_limit - (time.perf_counter() - started)
        if left <= 0:
            return _fallback(
                problem, config, warm, avoid, min_difference, started,
                "building the model took the whole time limit",
            )  # fmt: skip
        solver.parameters.max_time_in_seconds = left
        watcher = None
        if progress is not None:
            watcher = _Watcher(progress, 1000.0)
            solver.best_bound_callback = watcher.on_bound
            progress.start("CP-SAT", config.time_limit)
        try:
            code = solver.solve(built.model, watcher)
        finally:
            if progress is not None:
                progress.stop()
        status = STATUS.get(code)
        if status is None:
            raise RuntimeError(
                f"CP-SAT rejected the model: {solver.status_name(code)}"
            )
        seconds = time.perf_counter() - started
        if status == "unknown":
            return _fallback(
                problem, config, warm, avoid, min_difference, started,
                "CP-SAT found no plan within the time limit",
            )  # fmt: skip
        if status == "infeasible":
            return RawSolve(status, None, seconds=seconds)
        plan = _extract(problem, built, solver)
        return RawSolve(
            status,
            plan,
            objective_milli=round(solver.objective_value),
            bound_milli=math.floor(solver.best_objective_bound + 1e-6),
            seconds=seconds,
        )


def _extract(
    problem: Problem, built: AllocationModel, solver: cp_model.CpSolver
) -> Plan:
    pairs: list[tuple[str, str]] = []
    for (f, r), v in built.x.items():
        if solver.boolean_value(v):
            pairs.append((problem.funcs[f].id, problem.rooms[r].id))
    flex = problem.scenario.flexible_function
    if flex is not None:
        for r, v in built.flex.items():
            if solver.boolean_value(v):
                pairs.append((flex.id, problem.rooms[r].id))
    return Plan.from_pairs(pairs)


def _hint_greedy(
    problem: Problem, built: AllocationModel, budget: float
) -> Placement | None:
    """Warm start from the greedy plan, when greedy finds one; return it."""
    found = greedy_placement(problem)
    if found is not None:
        placement, flex_rooms = found
        built.hint(placement, flex_rooms, time_limit=budget)
    return found


def _fallback(
    problem: Problem,
    config: SolverConfig,
    warm: Placement | None,
    avoid: Sequence[dict[int, int]],
    min_difference: int,
    started: float,
    why: str,
) -> RawSolve:
    """The warm start's plan when CP-SAT has none at the time limit.

    The greedy plan meets every rule (the engine checks it again) and
    differs enough from the earlier candidates, or there is no fallback
    and the status stays ``unknown``.
    """
    seconds = time.perf_counter() - started
    if warm is None or any(
        sum(warm[0].get(f) != r for f, r in earlier.items()) < min_difference
        for earlier in avoid
    ):
        return RawSolve("unknown", None, seconds=seconds)
    plan = placement_plan(problem, warm)
    terms = objective_terms(problem.scenario, plan, config.weights)
    return RawSolve(
        "feasible",
        plan,
        objective_milli=terms.milli,
        seconds=seconds,
        note=f"{why}: this is the greedy warm start's plan, checked but "
        "not optimised; a longer --time-limit may find a better one",
    )
