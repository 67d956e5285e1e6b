"""HiGHS backend: the CP-SAT allocation model as a mixed-integer program.

The formulation is the one of :mod:`spaceplan.solvers.cpsat.model`, in
the same integer units and with the same objective, written with linear
rows only:

- ``x[f, r]`` (binary) and ``flex[r]`` (binary) as in CP-SAT; ``used[r]``
  is ``hostfixed[r] + flex[r]`` with ``hostfixed[r]`` the OR of the room's
  ``x`` (``hostfixed ≥ x``, ``hostfixed ≤ Σ x``), which with
  ``hostfixed + flex ≤ 1`` also keeps the flexible function alone;
- ``book[f, r, s]`` (binary) books a function with ``sessions``:
  ``Σ_s book = N · x[f, r]``; capacity and ``private`` read the booked
  load of each room and slot, as in :mod:`..cpsat.sessions`;
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

import math
from collections.abc import Sequence

import highspy
import numpy as np

from spaceplan import rules
from spaceplan.solvers.config import Weights
from spaceplan.solvers.objective import (
    advice_coef,
    area_coef,
    near_coef,
)
from spaceplan.solvers.problem import Problem


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
        #: book[f, r, s]: booked function f in session in room r, slot s.
        self.book: dict[tuple[int, int, int], int] = {}
        self.flex: dict[int, int] = {}
        self.hostfixed: dict[int, int] = {}
        self.room_funcs: list[list[int]] = [
            [] for _ in range(problem.num_rooms)
        ]
        self.res_coef = area_coef(weights.resident)
        self.off_coef = area_coef(weights.office)
        self.unused_coef = area_coef(weights.unused)
        self.near_weight = weights.near
        self.advice_coef = advice_coef(weights.advice)
        self.omit_coef = area_coef(weights.omitted)
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
                # Room-local advice (tags, floors, size) costs on x.
                cost = -self.advice_coef * p.costs.get((f, r), 0)
                self.x[f, r] = m.col(0, 1, float(cost), integer=True)
                self.room_funcs[r].append(f)
        if p.has_flexible:
            for r in range(p.num_rooms):
                self.flex[r] = m.col(0, 1, integer=True)
        for f in range(p.num_funcs):
            if p.sessions[f]:
                for r in p.allowed[f]:
                    for s in p.window[f]:
                        self.book[f, r, s] = m.col(0, 1, integer=True)
        for r in range(p.num_rooms):
            if self.room_funcs[r]:
                cap = float(p.room_units[r])
                self.hostfixed[r] = m.col(0, 1, -self.unused_coef * cap)
        for r in range(p.num_rooms):
            # The facility counts building areas (capacity is the room's).
            built = float(p.built_units[r])
            if r in self.hostfixed:
                self.used_terms.append((self.hostfixed[r], built))
            if r in self.flex:
                self.used_terms.append((self.flex[r], built))

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
        self._add_sessions()
        self._add_capacity()
        self._add_private()
        self._add_exclusive()
        self._add_never_with()
        self._add_room_state()
        self._add_peak()
        self._add_office()
        self._add_resident()
        self._add_near()
        self._add_advice()
        self._add_area_target()
        self._add_resident_share()

    def _add_placement(self) -> None:
        optional = set(self.p.optional)
        for f in range(self.p.num_funcs):
            xs = [(self.x[f, r], 1.0) for r in self.p.allowed[f]]
            if f in optional:
                # Σ x + left_out = 1; leaving it out is one advice item.
                lost = self.advice_coef + self.omit_coef * float(
                    self.p.need_units[f]
                )
                out = self.m.col(0, 1, -lost, integer=True)
                self.m.row(1, 1, [*xs, (out, 1.0)])
                continue
            self.m.row(1, 1, xs)

    def _add_advice(self) -> None:
        # An advised exclusive or never_with breach: a 0/1 column paying
        # one advice item, forced to 1 when the rooms say so.
        p, m = self.p, self.m
        for f in p.advice_exclusive:
            for r in p.allowed[f]:
                others = [g for g in self.room_funcs[r] if g != f]
                if not others:
                    continue
                n = float(len(others))
                b = m.col(0, 1, -self.advice_coef, integer=True)
                # Σ others + n x_f - n b <= n
                m.row(
                    -math.inf,
                    n,
                    [
                        *((self.x[g, r], 1.0) for g in others),
                        (self.x[f, r], n),
                        (b, -n),
                    ],
                )
        for f, g in p.advice_pairs:
            b = m.col(0, 1, -self.advice_coef, integer=True)
            for r in p.allowed[f]:
                if (g, r) in self.x:
                    m.row(
                        -math.inf,
                        1,
                        [(self.x[f, r], 1.0), (self.x[g, r], 1.0), (b, -1.0)],
                    )
    def _slot_terms(self, r: int, s: int) -> list[tuple[int, int]]:
        # (function, column) in session in room r at slot s, as CP-SAT's.
        p = self.p
        out = []
        for f in self.room_funcs[r]:
            if p.sessions[f]:
                j = self.book.get((f, r, s))
                if j is not None:
                    out.append((f, j))
            elif p.active[f, s]:
                out.append((f, self.x[f, r]))
        return out

    def _add_sessions(self) -> None:
        # Σ_s book[f, r, s] = N · x[f, r]; book <= x.
        p, m = self.p, self.m
        for f in range(p.num_funcs):
            n = p.sessions[f]
            if not n:
                continue
            for r in p.allowed[f]:
                books = [self.book[f, r, s] for s in p.window[f]]
                m.row(0, 0, [*((b, 1.0) for b in books), (self.x[f, r], -n)])
                for b in books:
                    m.row(-math.inf, 0, [(b, 1.0), (self.x[f, r], -1.0)])

    def _add_private(self) -> None:
        # In session, a private function has the room alone: for every
        # other function g, Σ private + g <= 1 in that room and slot.
        p, m = self.p, self.m
        for r in range(p.num_rooms):
            if not any(p.private[f] for f in self.room_funcs[r]):
                continue
            for s in range(len(p.slots)):
                terms = self._slot_terms(r, s)
                alone = [j for f, j in terms if p.private[f]]
                if not alone or len(terms) < 2:
                    continue
                if len(alone) > 1:
                    m.row(-math.inf, 1, [(j, 1.0) for j in alone])
                for g, j in terms:
                    if not p.private[g]:
                        m.row(
                            -math.inf, 1, [*((a, 1.0) for a in alone),
                                           (j, 1.0)],
                        )

    def _add_capacity(self) -> None:
        p = self.p
        for r in range(p.num_rooms):
            cap = float(p.room_units[r])
            seen: set[frozenset[int]] = set()
            for s in range(len(p.slots)):
                active = self._slot_terms(r, s)
                need = sum(int(p.need_units[f]) for f, _ in active)
                key = frozenset(j for _, j in active)
                if need <= cap or key in seen:
                    continue
                seen.add(key)
                terms = [(j, float(p.need_units[f])) for f, j in active]
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
            # As rules.room_unused_units: the fixed load of each slot, and
            # each booked function's own area.
            columns = {
                frozenset(
                    f for f in funcs if not p.sessions[f] and p.active[f, s]
                )
                for s in range(len(p.slots))
            } | {frozenset([f]) for f in funcs if p.sessions[f]}
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
            cap = float(p.built_units[r])
            o = m.col(0, 1, -self.off_coef * cap)
            for f in offices:
                m.row(-math.inf, 0, [(self.x[f, r], 1.0), (o, -1.0)])

    def _add_resident(self) -> None:
        p = self.p
        mode = p.scenario.policy.accounting.shared_rooms
        for r in range(p.num_rooms):
            if not self.used(r):
                continue
            cap = float(p.built_units[r])
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
            # A recommended function left out meets no wish.
            m.row(
                -math.inf,
                0,
                [(met, 1.0), *((self.x[f, r], -1.0) for r in p.allowed[f])],
            )
            for r in p.allowed[f]:
                zone = [r, *p.neighbours[r]]
                gs = [(self.x[g, q], -1.0) for q in zone if (g, q) in self.x]
                # met <= 1 - x[f, r] + Σ x[g, zone]
                m.row(-math.inf, 1, [(met, 1.0), (self.x[f, r], 1.0), *gs])
        for f, rooms, w in p.near_rooms:
            # A wish for a room or tag: met <= Σ x[f, rooms].
            met = m.col(0, 1, near_coef(self.near_weight, w))
            xs = [(self.x[f, r], -1.0) for r in rooms if (f, r) in self.x]
            m.row(-math.inf, 0, [(met, 1.0), *xs])

    def _add_area_target(self) -> None:
        # An advisory target binds only when advice is made hard.
        if not self.p.target_hard:
            return
        target = self.p.target
        circ = self.p.circulation_units
        high = (
            math.inf
            if target.high_units is None
            else float(target.high_units - circ)
        )
        need = target.least_units - circ
        self.m.row(float(need), high, self.used_terms)

    def _add_resident_share(self) -> None:
        p = self.p
        share = p.share_min
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
