"""HiGHS backend: the CP-SAT allocation model as a mixed-integer program.

The formulation is the one of :mod:`spaceplan.solvers.cpsat.model`, in
the same integer units and with the same objective, written with linear
rows only:

- ``x[f, r]`` (binary) and ``flex[r]`` (binary) as in CP-SAT; ``used[r]``
  is ``hostfixed[r] + flex[r]`` with ``hostfixed[r]`` the OR of the room's
  ``x`` (``hostfixed ≥ x``, ``hostfixed ≤ Σ x``), which with
  ``hostfixed + flex ≤ 1`` also keeps the flexible function alone;
- placement, capacity per slot, ``exclusive`` (one aggregated row per
  pair function-room, as CP-SAT's enforced sum), ``never_with``, the area
  target and the resident share are the same rows;
- quantities that only gain from being large (resident area, satisfied
  ``near`` wishes, the peak load that reduces unused area) get upper
  bounds only, and those that only lose (office) lower bounds only: at
  an optimum each equals its definition, and any plan the MIP accepts is
  a plan the checker accepts;
- the peak load ``max_s load[r, s]`` picks its slot with one binary per
  slot that is not dominated (a slot whose active functions are a subset
  of another slot's never carries the peak);
- ``prorate`` accounting, ``res = ⌊area × part / total⌋``, is linearised
  exactly: ``res`` is integer and ``res × total ≤ area × part`` is
  written with ``w[f, r] ≥ res − area × (1 − x[f, r])`` standing for
  ``res × x[f, r]``. Rooms that can hold only resident, or only
  non-resident, functions need no product at all.

The plan is read back by rounding ``x`` and ``flex``; its objective is
recomputed from the plan with :func:`~spaceplan.solvers.objective.
objective_terms`, and the MIP's dual bound is floored.
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

from spaceplan import rules
from spaceplan.solution import Plan, Status
from spaceplan.solvers.config import SolverConfig, Weights
from spaceplan.solvers.engine import ProgressSink, RawSolve
from spaceplan.solvers.objective import area_coef, near_coef, objective_terms
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


class _Rows:
    """Columns and rows collected in plain lists, passed to HiGHS once."""

    def __init__(self) -> None:
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.integer: list[int] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def col(
        self, lb: float, ub: float, cost: float = 0.0, integer: bool = False
    ) -> int:
        """Add a column; return its index."""
        self.lb.append(lb)
        self.ub.append(ub)
        self.cost.append(cost)
        if integer:
            self.integer.append(len(self.lb) - 1)
        return len(self.lb) - 1

    def row(
        self, lo: float, hi: float, terms: Sequence[tuple[int, float]]
    ) -> None:
        """Add ``lo ≤ Σ coef × col ≤ hi``."""
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        self.starts.append(len(self.index))
        for j, v in terms:
            self.index.append(j)
            self.value.append(v)

    def load(self, h: highspy.Highs) -> None:
        """Pass the columns, objective and rows to ``h``."""
        n = len(self.lb)
        h.addVars(n, np.array(self.lb), np.array(self.ub))
        idx = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, idx, np.array(self.cost))
        if self.integer:
            ints = np.array(self.integer, dtype=np.int32)
            h.changeColsIntegrality(
                len(ints),
                ints,
                np.full(len(ints), 1, dtype=np.uint8),
            )
        if self.row_lo:
            h.addRows(
                len(self.row_lo),
                np.array(self.row_lo),
                np.array(self.row_hi),
                len(self.index),
                np.array(self.starts, dtype=np.int32),
                np.array(self.index, dtype=np.int32),
                np.array(self.value),
            )
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)


class MipModel:
    """The allocation MIP of a :class:`Problem`.

    Parameters
    ----------
    problem : Problem
        The scenario as index arrays.
    weights : Weights
        Objective weights (the same integer coefficients as CP-SAT).
    """

    def __init__(self, problem: Problem, weights: Weights) -> None:
        self.p = problem
        self.m = _Rows()
        self.x: dict[tuple[int, int], int] = {}
        self.flex: dict[int, int] = {}
        self.hostfixed: dict[int, int] = {}
        self.room_funcs: list[list[int]] = [
            [] for _ in range(problem.num_rooms)
        ]
        self.res_coef = area_coef(weights.resident)
        self.off_coef = area_coef(weights.office)
        self.unused_coef = area_coef(weights.unused)
        self.near_weight = weights.near
        #: Objective terms (column, milli coefficient).
        self.resident_terms: list[tuple[int, float]] = []
        self.used_terms: list[tuple[int, float]] = []
        self.add_variables()
        self.add_constraints()

    # ---------------------------------------------------------- variables

    def add_variables(self) -> None:
        """x, flex and hostfixed columns."""
        p, m = self.p, self.m
        for f in range(p.num_funcs):
            for r in p.allowed[f]:
                self.x[f, r] = m.col(0, 1, integer=True)
                self.room_funcs[r].append(f)
        if p.has_flexible:
            for r in range(p.num_rooms):
                self.flex[r] = m.col(0, 1, integer=True)
        for r in range(p.num_rooms):
            if self.room_funcs[r]:
                cap = float(p.room_units[r])
                self.hostfixed[r] = m.col(0, 1, -self.unused_coef * cap)
        for r in range(p.num_rooms):
            cap = float(p.room_units[r])
            if r in self.hostfixed:
                self.used_terms.append((self.hostfixed[r], cap))
            if r in self.flex:
                self.used_terms.append((self.flex[r], cap))

    def used(self, r: int) -> list[tuple[int, float]]:
        """``used[r]`` as terms: hostfixed + flex."""
        out = []
        if r in self.hostfixed:
            out.append((self.hostfixed[r], 1.0))
        if r in self.flex:
            out.append((self.flex[r], 1.0))
        return out

    # -------------------------------------------------------- constraints

    def add_constraints(self) -> None:
        """Every hard rule and every objective term, in a fixed order."""
        self._add_placement()
        self._add_capacity()
        self._add_exclusive()
        self._add_never_with()
        self._add_room_state()
        self._add_peak()
        self._add_office()
        self._add_resident()
        self._add_near()
        self._add_area_target()
        self._add_resident_share()

    def _add_placement(self) -> None:
        for f in range(self.p.num_funcs):
            xs = [(self.x[f, r], 1.0) for r in self.p.allowed[f]]
            self.m.row(1, 1, xs)

    def _add_capacity(self) -> None:
        p = self.p
        for r, funcs in enumerate(self.room_funcs):
            cap = float(p.room_units[r])
            for s in range(len(p.slots)):
                active = [f for f in funcs if p.active[f, s]]
                if sum(int(p.need_units[f]) for f in active) <= cap:
                    continue
                terms = [
                    (self.x[f, r], float(p.need_units[f])) for f in active
                ]
                self.m.row(-math.inf, cap, terms)

    def _add_exclusive(self) -> None:
        for f in self.p.exclusive:
            for r in self.p.allowed[f]:
                others = [g for g in self.room_funcs[r] if g != f]
                if not others:
                    continue
                n = float(len(others))
                terms = [(self.x[g, r], 1.0) for g in others]
                self.m.row(-math.inf, n, [*terms, (self.x[f, r], n)])

    def _add_never_with(self) -> None:
        for f, g in self.p.banned_pairs:
            for r in self.p.allowed[f]:
                if (g, r) in self.x:
                    self.m.row(
                        -math.inf,
                        1,
                        [(self.x[f, r], 1.0), (self.x[g, r], 1.0)],
                    )

    def _add_room_state(self) -> None:
        # hostfixed = OR(x); hostfixed + flex <= 1 keeps flex alone.
        m = self.m
        for r, h in self.hostfixed.items():
            xs = [self.x[f, r] for f in self.room_funcs[r]]
            for v in xs:
                m.row(-math.inf, 0, [(v, 1.0), (h, -1.0)])
            m.row(0, math.inf, [*((v, 1.0) for v in xs), (h, -1.0)])
            if r in self.flex:
                m.row(-math.inf, 1, [(h, 1.0), (self.flex[r], 1.0)])

    def _add_peak(self) -> None:
        # peak[r] = max over slots of the load; only its upper side matters
        # (unused area = area × hostfixed − peak is minimised).
        if self.unused_coef == 0:
            return
        p, m = self.p, self.m
        for r, funcs in enumerate(self.room_funcs):
            if not funcs:
                continue
            cap = float(p.room_units[r])
            columns = {
                frozenset(f for f in funcs if p.active[f, s])
                for s in range(len(p.slots))
            }
            tops = [
                c for c in columns if c and not any(c < d for d in columns)
            ]
            peak = m.col(0, cap, self.unused_coef)
            if len(tops) == 1:
                load = [
                    (self.x[f, r], float(p.need_units[f])) for f in tops[0]
                ]
                m.row(-math.inf, 0, [(peak, 1.0), *((j, -v) for j, v in load)])
                continue
            picks = []
            for top in sorted(tops, key=sorted):
                z = m.col(0, 1, integer=True)
                picks.append((z, 1.0))
                load = [(self.x[f, r], float(p.need_units[f])) for f in top]
                # peak <= load + cap (1 - z)
                m.row(
                    -math.inf,
                    cap,
                    [(peak, 1.0), (z, cap), *((j, -v) for j, v in load)],
                )
            m.row(1, 1, picks)

    def _add_office(self) -> None:
        # office[r] >= x for office functions; only its lower side matters.
        if self.off_coef == 0:
            return
        p, m = self.p, self.m
        for r, funcs in enumerate(self.room_funcs):
            offices = [f for f in funcs if p.office[f]]
            if not offices:
                continue
            cap = float(p.room_units[r])
            o = m.col(0, 1, -self.off_coef * cap)
            for f in offices:
                m.row(-math.inf, 0, [(self.x[f, r], 1.0), (o, -1.0)])

    def _add_resident(self) -> None:
        p = self.p
        mode = p.scenario.policy.accounting.shared_rooms
        for r in range(p.num_rooms):
            if not self.used(r):
                continue
            cap = float(p.room_units[r])
            if mode == "prorate":
                self._prorate(r, cap)
                continue
            flag = self.m.col(0, 1, self.res_coef * cap)
            self.resident_terms.append((flag, cap))
            funcs = self.room_funcs[r]
            if mode == "strict":
                self.m.row(
                    -math.inf,
                    0,
                    [(flag, 1.0), *((j, -v) for j, v in self.used(r))],
                )
                for f in funcs:
                    if not p.resident[f]:
                        self.m.row(
                            -math.inf, 1, [(flag, 1.0), (self.x[f, r], 1.0)]
                        )
            else:
                lits = [(self.x[f, r], -1.0) for f in funcs if p.resident[f]]
                if r in self.flex:
                    lits.append((self.flex[r], -1.0))
                self.m.row(-math.inf, 0, [(flag, 1.0), *lits])

    def _prorate(self, r: int, cap: float) -> None:
        # res <= ⌊cap × part / total⌋, exactly: res is integer, and
        # res × total <= cap × part holds with w_f >= res × x_f.
        p, m = self.p, self.m
        funcs = self.room_funcs[r]
        has_res = any(p.resident[f] for f in funcs)
        has_other = any(not p.resident[f] for f in funcs)
        mixed = has_res and has_other
        res = m.col(0, cap, self.res_coef, integer=mixed)
        self.resident_terms.append((res, 1.0))
        if has_res:
            bound = self.used(r)
        else:
            bound = [(self.flex[r], 1.0)] if r in self.flex else []
        m.row(-math.inf, 0, [(res, 1.0), *((j, -cap * v) for j, v in bound)])
        if not mixed:
            return
        product = []
        for f in funcs:
            w = m.col(0, cap)
            x = self.x[f, r]
            # w >= res - cap (1 - x)
            m.row(-cap, math.inf, [(w, 1.0), (res, -1.0), (x, -cap)])
            weight = float(p.area_slots[f])
            product.append((w, weight))
            if p.resident[f]:
                product.append((x, -cap * weight))
        m.row(-math.inf, 0, product)

    def _add_near(self) -> None:
        p, m = self.p, self.m
        for f, g, w in p.near_pairs:
            met = m.col(0, 1, near_coef(self.near_weight, w))
            for r in p.allowed[f]:
                zone = [r, *p.neighbours[r]]
                gs = [(self.x[g, q], -1.0) for q in zone if (g, q) in self.x]
                # met <= 1 - x[f, r] + Σ x[g, zone]
                m.row(-math.inf, 1, [(met, 1.0), (self.x[f, r], 1.0), *gs])

    def _add_area_target(self) -> None:
        target = self.p.target
        if target.binding == "none":
            return
        need = target.units - self.p.circulation_units
        self.m.row(float(need), math.inf, self.used_terms)

    def _add_resident_share(self) -> None:
        p = self.p
        share = p.scenario.policy.resident_share_min
        if share is None:
            return
        # SHARE × Σ res >= share × (Σ area × used + circulation)
        s = rules.share_units(share)
        terms = [(j, rules.SHARE_UNITS * v) for j, v in self.resident_terms]
        terms += [(j, -s * v) for j, v in self.used_terms]
        self.m.row(float(s * p.circulation_units), math.inf, terms)
        anyroom = [t for r in range(p.num_rooms) for t in self.used(r)]
        self.m.row(1, math.inf, anyroom)

    # ---------------------------------------------------------- candidates

    def add_difference(
        self, placement: dict[int, int], min_difference: int
    ) -> None:
        """Move at least ``min_difference`` functions from ``placement``.

        As in the CP-SAT model, a move counts only when the function leaves
        its room's class of interchangeable rooms.
        """
        same = [
            (self.x[f, q], 1.0)
            for f, r in placement.items()
            for q in self.p.class_rooms[r]
            if (f, q) in self.x
        ]
        self.m.row(-math.inf, float(len(placement) - min_difference), same)


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
    from spaceplan.solvers.greedy import greedy_placement

    found = greedy_placement(built.p)
    if found is None:
        return
    placement, flex_rooms = found
    cols: list[int] = []
    vals: list[float] = []
    for (f, r), j in built.x.items():
        cols.append(j)
        vals.append(float(placement.get(f) == r))
    for r, j in built.flex.items():
        cols.append(j)
        vals.append(float(r in flex_rooms))
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
    return Plan.from_pairs(pairs)


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
