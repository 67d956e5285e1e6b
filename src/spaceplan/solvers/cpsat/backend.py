"""CP-SAT backend: build the model, set the preset's parameters, solve."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from typing import Any

from ortools.sat.python import cp_model

from spaceplan.i18n import t
from spaceplan.solution import Plan, Status
from spaceplan.solvers.bookings import booked_plan
from spaceplan.solvers.config import SolverConfig, check_cpsat_params
from spaceplan.solvers.cpsat import sessions, window
from spaceplan.solvers.cpsat.model import AllocationModel, BuildTimeout
from spaceplan.solvers.cpsat.tiebreak import tiebreak_cost
from spaceplan.solvers.engine import ProgressSink, RawSolve
from spaceplan.solvers.greedy import (
    GreedySolution,
    greedy_plan,
    greedy_solution,
)
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


#: Seconds to build the CP-SAT model per allowed (function, room) pair, about
#: (the 5,000-room bench size, 96,685 pairs: 29 s on the shared 2-core
#: machine). When the time left is shorter, the model is not built and the
#: greedy plan is the answer.
BUILD_SECONDS_PER_PAIR = 2e-4


class CpsatBackend:
    """Finds plans with OR-Tools CP-SAT."""

    name = "cpsat"
    supports_candidates = True
    #: Whether the backend chooses renovation works (docs/formats.md, renovation).
    supports_works = True

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

        def left() -> float:
            return config.time_limit - (time.perf_counter() - started)

        # The greedy plan first: it is the warm start, and the answer when
        # the clock runs out before CP-SAT has a plan of its own.
        # Renovating, the greedy places in the original rooms (the first
        # of the problem's rooms, same indices) and keeps every wall.
        plain = problem
        if problem.renovating:
            plain = Problem(problem.scenario, renovate=False)
        found = greedy_solution(plain)
        warm = None if found is None else greedy_plan(problem, found)
        pairs = sum(len(rooms) for rooms in problem.allowed)
        if problem.renovating and (
            pairs > FULL_MODEL_PAIRS
            or BUILD_SECONDS_PER_PAIR * pairs
            > config.time_limit * MOVES_SHARE
        ):
            return self._walls_kept(
                problem, plain, config, (avoid, min_difference), started,
                progress,
            )
        if left() < BUILD_SECONDS_PER_PAIR * pairs:
            return _fallback(
                problem, config, warm, avoid, min_difference, started,
                "the model of this building would take longer to build "
                "than the time left",
            )  # fmt: skip
        try:
            built = AllocationModel(
                problem, config.weights, deadline=started + config.time_limit
            )
        except BuildTimeout:
            return _fallback(
                problem, config, warm, avoid, min_difference, started,
                "face.note.build",
            )  # fmt: skip
        for placement in avoid:
            built.add_difference(placement, min_difference)
        # The full hint may take a fifth of the budget, at most 10 s.
        budget = min(10.0, config.time_limit / 5, max(left(), 1e-3))
        kept = None
        if problem.renovating and left() > 0:
            # A third more solves the rooms as they are (walls kept).
            kept = _hint_walls_kept(
                (problem, plain), built, config, (avoid, min_difference),
                budget,
            )
            warm = kept or warm
        if found is not None and kept is None:
            placement, flex_rooms, booked = found
            built.hint(placement, flex_rooms, time_limit=budget, booked=booked)
        solver = cp_model.CpSolver()
        apply_params(solver, config.params)
        # The time limit is the user's wall-clock budget for the whole
        # solve: building the model and the warm start count too.
        if left() <= 0:
            return _fallback(
                problem, config, warm, avoid, min_difference, started,
                "building the model took the whole time limit",
            )  # fmt: skip
        left_now = left()
        solver.parameters.max_time_in_seconds = left_now
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
            # The clock ran out before a plan of its own (a large week to
            # book): the warm start, which the model accepted, is the best
            # plan known.
            return _fallback(
                problem, config, warm, avoid, min_difference, started,
                "face.note.no_plan",
            )  # fmt: skip
        if status == "infeasible":
            return RawSolve(status, None, seconds=seconds)
        bound = math.floor(solver.best_objective_bound + 1e-6)
        objective = round(solver.objective_value)
        final: cp_model.CpSolver = solver
        second = _break_ties(built, solver, config, started)
        if second is not None:
            final = second
            objective = round(second.value(built.objective))
        plan = _extract(problem, built, final)
        return RawSolve(
            status,
            plan,
            objective_milli=objective,
            bound_milli=max(bound, objective) if status == "optimal" else (
                bound
            ),
            seconds=time.perf_counter() - started,
        )

    def _walls_kept(
        self,
        problem: Problem,
        plain: Problem,
        config: SolverConfig,
        earlier: tuple[Sequence[dict[int, int]], int],
        started: float,
        progress: ProgressSink | None,
    ) -> RawSolve:
        """The rooms as they are, then windows of moves around the plan.

        For a building whose model with moves is too large to pay off in
        the time limit (:data:`FULL_MODEL_PAIRS`, :data:`MOVES_SHARE`).
        The first plan spends :data:`KEPT_SHARE` of the time on the
        rooms as they are; its plan is one of the renovating problem
        too (original rooms come first, same indices), and
        :func:`window.improve` spends the rest on merges and splits
        around it. A later candidate does the same, every window kept
        apart from the earlier candidates as the model of every move
        keeps it (:meth:`AllocationModel.add_difference`). The bound of
        the rooms as they are is no bound with moves, so none is given
        and the status is feasible at best.
        """
        avoid, min_difference = earlier
        deadline = started + config.time_limit
        left = deadline - time.perf_counter()
        # The rooms as they are leave time for windows of moves.
        budget = config.with_overrides(time_limit=max(left * KEPT_SHARE, 1e-3))
        # Earlier plans in merged or split rooms differ already.
        kept = [
            p for p in avoid if all(r < plain.num_rooms for r in p.values())
        ]
        raw = self.solve_one(plain, budget, kept, min_difference, progress)
        if raw.plan is None:
            # Infeasible as they are says nothing of the rooms with moves.
            return RawSolve("unknown", None, seconds=raw.seconds)
        better = None
        if raw.objective_milli is not None:
            better = window.improve(
                problem,
                plain,
                _solution(plain, raw.plan),
                raw.objective_milli,
                config,
                deadline,
                (lambda s: _configure(s, config), _extract),
                apart=(
                    [
                        {f: problem.rooms[r].id for f, r in p.items()}
                        for p in avoid
                    ],
                    min_difference,
                ),
            )
        if better is not None:
            return RawSolve(
                "feasible",
                better[0],
                objective_milli=better[1],
                seconds=time.perf_counter() - started,
            )
        return RawSolve(
            "feasible",
            raw.plan,
            objective_milli=raw.objective_milli,
            seconds=time.perf_counter() - started,
            # A greedy fallback says so itself.
            note=raw.note or t(WALLS_KEPT_KEY, "en"),
            note_key=raw.note_key if raw.note else WALLS_KEPT_KEY,
        )


#: CP-SAT parameters of a window of moves (:mod:`.window`), unless the
#: preset sets them. Probing in presolve took 29 s of the 60 s on the L
#: model with every move (300 rooms, 866 options, 18,318 variables); a
#: window is of that order on XL. The model with every move on small
#: buildings keeps it: on M and the village example probing gives the
#: better bound (M at 10 s: 1,276 against 1,283-1,308; village 361
#: against 761).
WINDOW_PARAMS: dict[str, Any] = {"cp_model_probing_level": 0}


def _configure(solver: cp_model.CpSolver, config: SolverConfig) -> None:
    """The preset's parameters and those of a window."""
    _apply_with(solver, config, WINDOW_PARAMS)


def _apply_with(
    solver: cp_model.CpSolver,
    config: SolverConfig,
    defaults: dict[str, Any],
) -> None:
    """The preset's parameters, then ``defaults`` for those it leaves
    unset (a window's, the tie-break's)."""
    apply_params(solver, config.params)
    for key, value in defaults.items():
        if key not in config.params:
            setattr(solver.parameters, key, value)


def _solution(problem: Problem, plan: Plan) -> GreedySolution:
    """A plan of ``problem``'s rooms as index maps (no bookings)."""
    flex = problem.scenario.flexible_function
    placement = {
        problem.func_idx[a.function]: problem.room_idx[a.room]
        for a in plan.assignments
        if a.function in problem.func_idx
    }
    rooms = {
        problem.room_idx[a.room]
        for a in plan.assignments
        if flex is not None and a.function == flex.id
    }
    return placement, rooms, {}


#: Share of the time limit the model with moves may take to build, by
#: :data:`BUILD_SECONDS_PER_PAIR`, and the most (function, room) pairs it
#: may have. Beyond either the backend solves the rooms as they are and
#: then windows of moves around that plan (:mod:`.window`). Measured on
#: the renovation benchmark (60 s, the shared 2-core machine): the L
#: model with moves (9,910 pairs) never got past its root LP, and its
#: answer was the walls-kept plan (4,484.95-4,576.55); the windows gave
#: 4,683.74 with five works. XL's (79,313 pairs) took 33-39 s to build
#: and the answer was the greedy plan (15,243.45). S (282 pairs) and M
#: (1,307) keep the model with moves: S is proven optimal with it.
MOVES_SHARE = 0.1
FULL_MODEL_PAIRS = 4000
#: Share of the time such a building's first plan spends on the rooms as
#: they are; the rest improves it a window of moves at a time.
KEPT_SHARE = 0.6
#: The catalogue key of such a plan's note when no window improved it
#: (a whole note, not a reason for the warm start).
WALLS_KEPT_KEY = "face.note.walls_kept"


#: CP-SAT parameters of the tie-break solve, unless the preset sets them.
#: It starts from the first solve's plan, a complete hint: presolve would
#: only delay it, and on the M renovation bench (2,879 variables) presolve
#: with probing took the whole half second, so the tie-break ended with
#: no plan (unknown) and ordered nothing. Without presolve the hint is the
#: first solution at once and the rest of the time improves on it.
TIEBREAK_PARAMS: dict[str, Any] = {"cp_model_presolve": False}


def _break_ties(
    built: AllocationModel,
    first: cp_model.CpSolver,
    config: SolverConfig,
    started: float,
) -> cp_model.CpSolver | None:
    """A second solve: the first's objective kept, the tie-break lowest.

    Takes at most a thirtieth of the budget (what is left of it, and at
    least half a second): it only orders plans already equal. Returns
    None when there is nothing to break or no time.
    """
    left = config.time_limit - (time.perf_counter() - started)
    budget = min(left, max(0.5, config.time_limit / 30))
    if budget < 0.5:
        return None
    cost = tiebreak_cost(built)
    if isinstance(cost, int):
        return None
    model = built.model
    model.add(built.objective >= round(first.objective_value))
    model.clear_hints()
    solution = list(first.response_proto.solution)
    model.proto.solution_hint.vars.extend(range(len(solution)))
    model.proto.solution_hint.values.extend(solution)
    model.minimize(cost)
    solver = cp_model.CpSolver()
    _apply_with(solver, config, TIEBREAK_PARAMS)
    solver.parameters.max_time_in_seconds = budget
    code = solver.solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver
    return None


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
    return booked_plan(
        problem, pairs, sessions.booked_slots(built, solver)
    )


def _hint_walls_kept(
    problems: tuple[Problem, Problem],
    built: AllocationModel,
    config: SolverConfig,
    earlier: tuple[Sequence[dict[int, int]], int],
    budget: float,
) -> Plan | None:
    """Renovating: the best plan with every wall kept, as the warm start.

    A third of the time limit solves the original rooms alone (a much
    smaller model); its plan, hinted with every wall kept, is one the
    full model can only improve on, so allowing moves never leaves a
    time-limited answer worse than keeping the walls. None when the
    rooms as they are hold no plan (then the walls must move).
    ``problems`` is the renovating problem and the same rooms as they
    are (built once by the caller).
    """
    problem, plain = problems
    avoid, min_difference = earlier
    model = AllocationModel(plain, config.weights)
    for placement in avoid:
        # Earlier plans in merged or split rooms differ from any plan
        # of the original rooms already.
        if all(r < plain.num_rooms for r in placement.values()):
            model.add_difference(placement, min_difference)
    solver = cp_model.CpSolver()
    apply_params(solver, config.params)
    solver.parameters.max_time_in_seconds = max(0.1, config.time_limit / 3)
    if solver.solve(model.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found: GreedySolution = (
        {f: r for (f, r), v in model.x.items() if solver.boolean_value(v)},
        {r for r, v in model.flex.items() if solver.boolean_value(v)},
        sessions.booked_slots(model, solver),
    )
    built.hint(found[0], found[1], time_limit=budget, booked=found[2])
    return greedy_plan(problem, found)


def _fallback(
    problem: Problem,
    config: SolverConfig,
    warm: Plan | None,
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
    if warm is None:
        return RawSolve("unknown", None, seconds=seconds)
    placed = {
        problem.func_idx[fid]: problem.room_idx[rid]
        for fid, rid in warm.placement().items()
        if fid in problem.func_idx and rid in problem.room_idx
    }
    if any(
        sum(placed.get(f) != r for f, r in earlier.items()) < min_difference
        for earlier in avoid
    ):
        return RawSolve("unknown", None, seconds=seconds)
    # The engine works the objective out when it checks the plan.
    return RawSolve(
        "feasible",
        warm,
        seconds=seconds,
        note=t("face.note.warm", "en", why=t(why, "en")),
        note_key=why,
    )
