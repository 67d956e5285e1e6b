"""HiGHS backend: solve the MIP of :mod:`.model` and read the plan back.

Keeps HiGHS's console quiet, stops it at the time limit or on a
cancel, passes the preset's options, warm-starts it from a plan and
turns its status and column values into a :class:`~spaceplan.solution.
Plan`.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import highspy
import numpy as np

from spaceplan.solution import Plan, Status
from spaceplan.solvers.bookings import booked_plan
from spaceplan.solvers.config import SolverConfig
from spaceplan.solvers.engine import ProgressSink, RawSolve
from spaceplan.solvers.highs.model import MipModel
from spaceplan.solvers.objective import objective_terms
from spaceplan.solvers.problem import Problem

#: Model statuses that mean "stopped early": a plan only if one was found.
_STOPPED = {
    getattr(highspy.HighsModelStatus, name)
    for name in (
        "kTimeLimit",
        "kInterrupt",
        "kHighsInterrupt",
        "kIterationLimit",
        "kSolutionLimit",
        "kObjectiveBound",
        "kObjectiveTarget",
        "kMemoryLimit",
        "kUnknown",
    )
    if hasattr(highspy.HighsModelStatus, name)
}
#: HiGHS's value of a feasible primal solution status.
_FEASIBLE = 2


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send C-level stdout to /dev/null (HiGHS prints a banner once)."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        fd = 1  # a captured Python stdout: the banner goes to fd 1
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    ctypes.CDLL(None).fflush(None)
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance: no banner on stdout, no log."""
    with _quiet_stdout():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    return h


class HighsClock:
    """Ends the runs of HiGHS objects at our own deadline or stop flag.

    HiGHS's ``time_limit`` option did not follow a deadline across
    repeated runs of one object (a MIP after column generation overran
    its share by a minute), so the objects a clock is attached to are
    interrupted from their simplex and MIP callbacks instead.  Set
    :attr:`deadline` (``time.perf_counter()`` seconds) and :attr:`stop`
    before each run.
    """

    def __init__(self) -> None:
        self.deadline = math.inf
        self.stop: threading.Event | None = None

    def attach(self, h: highspy.Highs) -> highspy.Highs:
        """Subscribe ``h``'s interrupt callbacks to this clock; returns it."""
        h.cbSimplexInterrupt.subscribe(self._interrupt)
        h.cbMipInterrupt.subscribe(self._interrupt)
        return h

    def _interrupt(self, event: Any) -> None:
        # The flag is set either way: HiGHS keeps it from one callback to
        # the next, even across runs, so a flag raised once and never
        # lowered would end every later run of the object at its first
        # callback (the LNS's HiGHS steps did so after their first
        # timeout).
        event.interrupt(
            time.perf_counter() >= self.deadline
            or (self.stop is not None and self.stop.is_set())
        )


def _options(h: highspy.Highs, config: SolverConfig) -> None:
    params = config.params
    h.setOptionValue("time_limit", float(config.time_limit))
    h.setOptionValue("threads", int(config.workers))
    h.setOptionValue("random_seed", int(config.seed))
    # Prove the same optimum as CP-SAT: no relative gap, and the same
    # absolute gap (the objective moves in whole milli-points).
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue(
        "mip_abs_gap", float(params.get("absolute_gap_limit", 0.0))
    )


def _warm_start(h: highspy.Highs, built: MipModel) -> None:
    """Offer the greedy plan as a first incumbent (CP-SAT gets it too)."""
    from spaceplan.solvers.greedy import greedy_solution

    found = greedy_solution(built.p)
    if found is None:
        return
    placement, flex_rooms, booked = found
    cols: list[int] = []
    vals: list[float] = []
    for (f, r), j in built.x.items():
        cols.append(j)
        vals.append(float(placement.get(f) == r))
    for r, j in built.flex.items():
        cols.append(j)
        vals.append(float(r in flex_rooms))
    for (f, r, s), j in built.book.items():
        cols.append(j)
        vals.append(float(placement.get(f) == r and s in booked.get(f, ())))
    h.setSolution(len(cols), np.array(cols, dtype=np.int32), np.array(vals))


def _status(h: highspy.Highs) -> Status:
    code = h.getModelStatus()
    found = h.getInfo().primal_solution_status == _FEASIBLE
    if code == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if code in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return "infeasible"
    if code in _STOPPED:
        return "feasible" if found else "unknown"
    raise RuntimeError(
        f"HiGHS could not solve the model: {h.modelStatusToString(code)}"
    )


def _extract(problem: Problem, built: MipModel, values: Any) -> Plan:
    pairs: list[tuple[str, str]] = []
    for (f, r), j in built.x.items():
        if values[j] > 0.5:
            pairs.append((problem.funcs[f].id, problem.rooms[r].id))
    flex = problem.scenario.flexible_function
    if flex is not None:
        for r, j in built.flex.items():
            if values[j] > 0.5:
                pairs.append((flex.id, problem.rooms[r].id))
    booked: dict[int, list[int]] = {}
    for (f, _, s), j in built.book.items():
        if values[j] > 0.5:
            booked.setdefault(f, []).append(s)
    return booked_plan(problem, pairs, booked)


class HighsBackend:
    """Finds plans with the HiGHS MIP solver (a baseline for CP-SAT)."""

    name = "highs"
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
        built = MipModel(problem, config.weights)
        for placement in avoid:
            built.add_difference(placement, min_difference)
        h = new_highs()
        _options(h, config)
        built.m.load(h)
        if not avoid:
            _warm_start(h, built)
        # As for CP-SAT, the limit is the whole solve's wall-clock budget.
        spent = time.perf_counter() - started
        h.setOptionValue(
            "time_limit", max(0.1, float(config.time_limit) - spent)
        )
        if progress is not None:
            progress.start("HiGHS", config.time_limit)
        try:
            h.run()
        finally:
            if progress is not None:
                progress.stop()
        status = _status(h)
        seconds = time.perf_counter() - started
        if status in ("infeasible", "unknown"):
            return RawSolve(status, None, seconds=seconds)
        values = h.getSolution().col_value
        plan = _extract(problem, built, values)
        objective = objective_terms(problem.scenario, plan, config.weights)
        # A solve stopped before its root LP ends has a plan (the warm
        # start) but no finite dual bound yet.
        dual = h.getInfo().mip_dual_bound
        bound = (
            math.floor(dual + 1e-6) if math.isfinite(dual) else None
        )
        if status == "optimal":
            bound = objective.milli if bound is None else max(
                bound, objective.milli
            )
        return RawSolve(
            status,
            plan,
            objective_milli=objective.milli,
            bound_milli=bound,
            seconds=seconds,
        )
