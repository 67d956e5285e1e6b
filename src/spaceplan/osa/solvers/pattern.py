"""A per-room pattern bound for OSA, by column generation.

The LP relaxation of the shared formulation lets entities split across
rooms so that room loads match capacities exactly: its space-misuse part
is little above the trivial bound.  This module strengthens it by a
Dantzig–Wolfe reformulation of each room: a *pattern* is a set of
entities one room may hold (hard not-sharing entities only alone, hard
same-room groups whole, nothing over a hard capacity), and the master LP
says that every room takes one convex combination of its patterns::

    Σ_p λ[r, p] = 1                      (every room r)
    x[e, r] − Σ_{p ∋ e} λ[r, p] = 0      (every allowed pair)
    over[r] − Σ_p over(p)·λ[r, p] ≥ 0    (over-use of the chosen pattern)

beside every row of the compact model (kept: they still carry the pair
rules and the floors), except the rows of soft SAMEROOM, NOTSAMEROOM
and CAPACITY rules, which the patterns are charged for instead (see
:class:`Charges`): a pattern pays half a SAMEROOM rule's weight when it
holds one of the pair without the other.  The over-use of a fractional room is then
the average over-use of whole patterns, not the over-use of an average
load, which is what closes bin-packing gaps, and a pair split across
rooms costs its weight even fractionally, which is what closes most of
the rest on the Nottingham instances (nott1b: 118.40 with compact rows,
211.17 charged in the patterns).

Columns are priced room by room: with the master's duals a pattern's
reduced cost is ``Σ_{e ∈ p} a_e + pairs(p) + w·max(0, load − C) − u``
and the cheapest pattern is a multiple-choice knapsack (one subset of
each web of units linked by charged rules, or one unit) with a convex over-use
cost, solved exactly by dynamic programming over loads (in units of the
gcd of all sizes).  Every round gives a valid Lagrangian bound ``z_master +
Σ_r min(0, cheapest reduced cost of r)``, so the bound can be reported
when the time runs out before the master is optimal.

Like any LP bound computed in floating point, the result carries HiGHS's
tolerances; we subtract a small margin before rounding up.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from spaceplan.osa.evaluate import AwayFrom, evaluate
from spaceplan.osa.formulation import (
    Components,
    Formulation,
    build_formulation,
    hard_subjects,
    same_room_groups,
    trivial_bound,
)
from spaceplan.osa.read import Instance, RuleType
from spaceplan.osa.solvers.anneal import anneal
from spaceplan.osa.solvers.greedy import solve_greedy
from spaceplan.solvers.highs import HighsClock, new_highs

__all__ = [
    "CHECK_AT",
    "CHECK_ROUNDS",
    "HOPELESS",
    "KNOWN_AT",
    "Charges",
    "Master",
    "PatternBound",
    "PatternPlan",
    "pattern_bound",
    "pattern_plan",
    "seed_plans",
]

#: Reduced costs above this (centi-units) do not enter the master.
_RC_EPS = 1e-6
#: Row tags of the compact model that the pattern rows imply: the load
#: and over-use rows (a pattern's over-use is at least each of them) and
#: the hard not-sharing rows (no pattern breaks one).
_IMPLIED = frozenset({"space", "space0", "lonely"})
#: Row tags of the rules that patterns can charge (see Charges).
_CHARGED = frozenset({"sameroom", "notsameroom", "cap"})
#: Soft (NOT)SAMEROOM rules are charged in the patterns (see Charges)
#: while they link at most this many units together (the pricing
#: enumerates every web's subsets); a rule that would make a larger web
#: keeps its compact rows.
_WEB_MAX = 10
#: Patterns of other loads priced per room and round, beside the best.
_EXTRA = 2
#: Reduced-cost cut-off, as a share of the LP value, for MIP columns.
_PRUNE = 0.05
#: HiGHS ``simplex_strategy`` values.
_DUAL_SIMPLEX = 1
_PRIMAL_SIMPLEX = 4
#: Weight of the stability centre in the smoothed dual point.
_SMOOTHING = 0.7
#: Column generation stops when bound and master are this close (centi).
_CLOSE = 0.01
#: In :func:`pattern_plan`, column generation gives up when, after this
#: share of its time, the gap between master and bound is still over
#: ``HOPELESS`` of the master value: p000_n000 was over 1.0 and had not
#: converged after 145 s (gap 0.32), time that CP-SAT and the LNS put to
#: better use.  nott1 passes only a little after 40 % of the share (about
#: 48 s in a 300 s solve): alone, its Lagrangian bound went from 35 at
#: 41 s to 164 at 50 s and 200 at 62 s (gap 0.26), converging at 81 s.
#: At 0.4 one 300 s run (seed 1, 3a98d86) gave up after 15 rounds at
#: 55.8 s, lost the pattern plan and bound, and ended at 427.80; at 0.5
#: (about 60 s) nott1 is clear, and p000_n000 still gives up (gap about
#: 0.8 at 60 s).
CHECK_AT = 0.5
HOPELESS = 0.6
#: The gap test also waits for this many pricing rounds, so that a slow
#: machine (or a slow share of one) cannot give up on an instance that
#: converges in rounds, not seconds.  By round the gap is steady across
#: runs: it fell below 0.6 at round 16-17 on nott1 (0.66 at round 15,
#: when the 427.80 run gave up), 10 on nott1b, 7 on nott1c and 14-16 on
#: p025_n005, while p000_n000's was still 1.1 at round 25 and 0.59 at
#: round 34 (column generation alone, seed 1).  At 20, p000_n000 still
#: gives up at the time checkpoint (it reaches round 20 first).
CHECK_ROUNDS = 20
#: It also gives up when the master value, which the pattern bound
#: cannot pass, is within this share of a bound already known (CP-SAT's):
#: p025_n005's master stood at 113.0 after 48 s and 111.9 after 150 s,
#: while CP-SAT's bound reached 112.86 in the same solve.  At 5 % one
#: 300 s run (seed 3) kept its whole 121 s share: CP-SAT's bound was
#: 106.50, 6 % under a master that never reached it, and the LNS lost the
#: time.  nott1's master stood at 272 after 48 s, at least 24 % above
#: CP-SAT's bound (207.70 even at 193 s).
_SMALL_GAIN = 0.1
#: ... and that test applies from this share of its time on.  The gap
#: test needs the later checkpoint (nott1's Lagrangian bound was still
#: negative after 26 s and converged after 70 s), the known-bound test
#: does not: the master value only falls, and a phase that can add
#: little to the bound by then never will.  On p025_n005 (column
#: generation alone, seed 1) the master stood at 114.0 after 21 s and
#: 113.0 after 48 s, against CP-SAT bounds of 105–113, and the phase gave
#: up at 49–51 s of its share in every 300 s run, with no plan; nott1's
#: master was 310.6 after 26 s, 35 % above CP-SAT's bound, and nott1b
#: converges in 11–13 s, before this point.  (All of the above is from
#: before the rules were charged in the patterns (Charges): since then
#: p025_n005's master stands at 124–125 against CP-SAT bounds of about
#: 106 and converges, and the phase's MIP gives its best plans.)
KNOWN_AT = 0.15


@dataclass(frozen=True)
class PatternBound:
    """The outcome of :func:`pattern_bound`.

    Attributes
    ----------
    bound
        Proven lower bound (centi-units, rounded up), never below the
        trivial bound; None when the master could not be solved.
    master
        Value of the last master LP (centi-units); equal to the bound
        (up to rounding) when column generation converged.
    converged
        True when no column with negative reduced cost was left.
    rounds
        Pricing rounds done.
    columns
        Pattern columns in the final master.
    seconds
        Wall time.
    gave_up
        True when column generation stopped early at its check: too far
        from converging, or unable to prove much more than a bound known
        elsewhere (see :func:`_generate`).
    """

    bound: int | None
    master: float | None
    converged: bool
    rounds: int
    columns: int
    seconds: float
    gave_up: bool = False


@dataclass
class _Block:
    """One room's pricing data."""

    room: int
    capacity: int
    hard_capacity: bool
    conv_row: int
    over_row: int
    units: list[int]  # units that may share the room
    alone: list[int]  # units that must be alone (hard not-sharing)


class Master:
    """The restricted master LP and its pricing.

    ``x[e, r]`` is substituted out: every compact row that holds it gets,
    instead, the pattern columns of room ``r`` that contain ``e`` (their
    coefficients summed over the pattern's entities).  The ``x`` columns
    stay in the LP, fixed at zero and in no row, so that variable numbers
    match the formulation's.  A pattern's reduced cost is then the sum of
    its entities' ``x`` reduced costs plus its over-use term.
    """

    def __init__(self, form: Formulation) -> None:
        inst = form.instance
        self.form = form
        self.units = same_room_groups(inst)
        self.unit_size = [
            sum(inst.entities[e].size for e in unit) for unit in self.units
        ]
        lonely = hard_subjects(inst, RuleType.NOTSHARING)
        hard_cap = hard_subjects(inst, RuleType.CAPACITY)
        self.gcd = math.gcd(
            *(e.size for e in inst.entities), *(r.capacity for r in inst.rooms)
        ) or 1
        x_of = {var: key for key, var in form.x.items()}
        self.charges = Charges(form, self.units)
        self.x_rows: dict[tuple[int, int], list[tuple[int, float]]] = {
            key: [] for key in form.x
        }
        inf = highspy.kHighsInf
        rows_lo: list[float] = []
        rows_hi: list[float] = []
        entries: list[tuple[int, int, float]] = []  # compact, x included
        charged = self.charges.viols
        for row in form.rows:
            if row.tag in _IMPLIED or (
                row.tag in _CHARGED
                and any(var in charged for var, _ in row.coefs)
            ):
                continue
            i = len(rows_lo)
            rows_lo.append(-inf if row.lb is None else float(row.lb))
            rows_hi.append(inf if row.ub is None else float(row.ub))
            for var, coef in row.coefs:
                entries.append((i, var, float(coef)))
                if var in x_of:
                    self.x_rows[x_of[var]].append((i, float(coef)))
        self.blocks: list[_Block] = []
        for r, room in enumerate(inst.rooms):
            if r not in form.over:
                continue  # no entity may use the room: nothing to price
            conv = len(rows_lo)
            rows_lo += [1.0, 0.0]
            rows_hi += [1.0, inf]
            entries.append((conv + 1, form.over[r], 1.0))
            block = _Block(r, room.capacity, r in hard_cap, conv, conv + 1, [], [])
            for u, unit in enumerate(self.units):
                if (unit[0], r) not in form.x:
                    continue
                if len(unit) == 1 and unit[0] in lonely:
                    block.alone.append(u)
                elif not lonely.intersection(unit):
                    block.units.append(u)
                # A unit holding a lonely entity plus others can sit nowhere
                # without breaking not-sharing: it gets no pattern, and its
                # hard rows already make the model infeasible.
            self.blocks.append(block)
        n = form.num_vars
        self.cost = np.zeros(n)
        for var, coef in form.objective.items():
            self.cost[var] = coef
        self.col_lo = np.array(form.lb, float)
        self.col_hi = np.array(form.ub, float)
        # The patterns carry these rules' penalties: their violation
        # variables stay, at zero and free of cost, so that variable
        # numbers match the formulation's.
        for var in charged:
            self.cost[var] = 0.0
            self.col_hi[var] = 0.0
        self.is_x = np.zeros(n, bool)
        self.is_x[list(x_of)] = True
        self.row_lo = np.array(rows_lo)
        self.row_hi = np.array(rows_hi)
        self.entry_row = np.array([e[0] for e in entries], np.int64)
        self.entry_col = np.array([e[1] for e in entries], np.int64)
        self.entry_value = np.array([e[2] for e in entries])
        self.offset = float(form.offset)
        self.conv = np.array([b.conv_row for b in self.blocks], np.int64)
        #: (room, units) of every pattern column, in column order after
        #: the formulation's variables.
        self.patterns: list[tuple[int, tuple[int, ...]]] = []
        #: Pattern column number (after the formulation's variables) by
        #: (room, set of units).
        self.index: dict[tuple[int, frozenset[int]], int] = {}

        #: Ends every run of this master's HiGHS objects (see _highs).
        self.clock = HighsClock()
        h = self._highs()
        h.setOptionValue("presolve", "off")
        hi = np.where(self.is_x, 0.0, self.col_hi)
        h.addVars(n, self.col_lo * ~self.is_x, hi)
        h.changeColsCost(
            n, np.arange(n, dtype=np.int32), np.where(self.is_x, 0.0, self.cost)
        )
        keep = ~self.is_x[self.entry_col]
        order = np.lexsort((self.entry_col[keep], self.entry_row[keep]))
        rows_k = self.entry_row[keep][order]
        starts = np.searchsorted(rows_k, np.arange(len(rows_lo)))
        h.addRows(
            len(rows_lo),
            self.row_lo,
            self.row_hi,
            len(rows_k),
            starts.astype(np.int32),
            self.entry_col[keep][order].astype(np.int32),
            self.entry_value[keep][order],
        )
        h.changeObjectiveOffset(self.offset)
        self.h = h
        #: Value and pattern reduced costs of the last optimal master.
        self.solved: tuple[float, np.ndarray] | None = None

    def _highs(self) -> highspy.Highs:
        """A silent one-thread HiGHS object that obeys our deadline."""
        h = self.clock.attach(new_highs())
        h.setOptionValue("threads", 1)
        return h

    def reduced(self, duals: np.ndarray) -> np.ndarray:
        """Reduced costs of the compact columns (``x`` included)."""
        return self.cost - np.bincount(
            self.entry_col,
            weights=self.entry_value * duals[self.entry_row],
            minlength=len(self.cost),
        )

    def lagrangian(
        self, duals: np.ndarray
    ) -> tuple[float, list[tuple[float, list[int]]]]:
        """Lagrangian bound at ``duals``, with every room's best pattern.

        All rows but the rooms' convexity rows are dualised.  Duals of
        the wrong sign for a one-sided row are set to zero first, so the
        value is a valid lower bound for any input.
        """
        pi = np.array(duals, dtype=float)
        pi[self.conv] = 0.0
        pi[np.isinf(self.row_lo) & (pi > 0)] = 0.0
        pi[np.isinf(self.row_hi) & (pi < 0)] = 0.0
        rhs = np.where(pi > 0, self.row_lo, self.row_hi)
        value = self.offset + float(np.dot(np.where(pi != 0, rhs, 0.0), pi))
        reduced = self.reduced(pi)
        free = np.where(
            reduced < 0, reduced * self.col_hi, reduced * self.col_lo
        )
        value += float(free[~self.is_x].sum())
        best = [self.price(block, reduced, pi)[:2] for block in self.blocks]
        value += sum(cost for cost, _ in best)
        return value, best

    def add_pattern(self, block: _Block, units: Sequence[int]) -> bool:
        """Add the column of one pattern of ``block``'s room (once)."""
        key = (block.room, frozenset(units))
        load = sum(self.unit_size[u] for u in units)
        over = max(0, load - block.capacity)
        if key in self.index or (over and block.hard_capacity):
            return False
        coefs: dict[int, float] = {block.conv_row: 1.0}
        if over:
            coefs[block.over_row] = -float(over)
        cost = self.charges.of(block.room, units, over > 0)
        for u in units:
            for e in self.units[u]:
                cost += self.cost[self.form.x[e, block.room]]
                for i, coef in self.x_rows[e, block.room]:
                    coefs[i] = coefs.get(i, 0.0) + coef
        rows = [i for i, coef in coefs.items() if coef != 0.0]
        self.h.addCols(
            1,
            np.array([cost]),
            np.zeros(1),
            np.full(1, highspy.kHighsInf),
            len(rows),
            np.zeros(1, np.int32),
            np.array(rows, np.int32),
            np.array([coefs[i] for i in rows]),
        )
        self.index[key] = len(self.patterns)
        self.patterns.append((block.room, tuple(units)))
        return True

    def contents(self, rooms: Sequence[int]) -> dict[int, list[int]]:
        """The units of a plan, room by room (occupied rooms only)."""
        by_room: dict[int, list[int]] = {}
        for u, unit in enumerate(self.units):
            by_room.setdefault(rooms[unit[0]], []).append(u)
        return by_room

    def plan_of(self, values: Sequence[float]) -> list[int] | None:
        """The plan of integral pattern values (None if incomplete)."""
        rooms = [-1] * self.form.instance.num_entities
        first = self.form.num_vars
        for k, (room, units) in enumerate(self.patterns):
            if values[first + k] > 0.5:
                for u in units:
                    for e in self.units[u]:
                        rooms[e] = room
        return None if -1 in rooms else rooms

    def solve_integer(
        self,
        plan: Sequence[int] | None,
        deadline: float,
        on_plan: Callable[[list[int]], None] | None = None,
        stop: threading.Event | None = None,
    ) -> tuple[list[int] | None, bool]:
        """Best plan over the present patterns: (plan, proved optimal).

        ``plan`` (canonical, its patterns already columns) is the start.
        The MIP gets a HiGHS object of its own: a run of the master that
        was interrupted at the deadline left it answering every later run
        with "interrupted" at once.
        """
        keep = self._promising()
        h = self._highs()
        h.passModel(self.h.getLp())
        n = h.getNumCol()
        h.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.full(n, highspy.HighsVarType.kInteger),
        )
        h.setOptionValue("simplex_strategy", _DUAL_SIMPLEX)
        h.setOptionValue("presolve", "on")
        h.setOptionValue("mip_rel_gap", 0.0)
        # Objective values are integers: a gap below 1 centi-unit is closed.
        h.setOptionValue("mip_abs_gap", 0.999)
        if plan is not None:
            values = np.array(self.form.values_for(plan), float)
            values[self.is_x] = 0.0
            values[list(self.charges.viols)] = 0.0
            chosen = np.zeros(n - self.form.num_vars)
            by_room = self.contents(plan)
            for block in self.blocks:
                units = frozenset(by_room.get(block.room, ()))
                chosen[self.index[block.room, units]] = 1.0
            keep |= chosen > 0.5
            start = highspy.HighsSolution()
            start.col_value = list(np.concatenate([values, chosen]))
            start.value_valid = True
            h.setSolution(start)

        drop = np.flatnonzero(~keep) + self.form.num_vars
        if len(drop):
            h.changeColsBounds(
                len(drop),
                drop.astype(np.int32),
                np.zeros(len(drop)),
                np.zeros(len(drop)),
            )

        def improving(event: Any) -> None:
            found = self.plan_of(list(event.data_out.mip_solution))
            if found is not None and on_plan is not None:
                on_plan(found)

        h.cbMipImprovingSolution.subscribe(improving)
        self.clock.stop, self.clock.deadline = stop, deadline
        h.run()
        info = h.getInfo()
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return None, False
        rooms = self.plan_of(list(h.getSolution().col_value))
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return rooms, optimal

    def _promising(self) -> np.ndarray:
        """Pattern columns the MIP keeps: small reduced cost at the LP.

        A pattern whose reduced cost exceeds :data:`_PRUNE` of the LP
        value rarely takes part in a good plan, and dropping those makes
        the MIP far easier: on nott1 (12,176 patterns) HiGHS found no
        plan better than its start in 150 s with all of them, 338.30 in
        84 s with the 8,330 kept at 5 % (364.20 in 53 s at 1 %).  Without
        an optimal master solution every pattern is kept; columns added
        after the last one are kept too.
        """
        count = len(self.patterns)
        if self.solved is None:
            return np.ones(count, bool)
        value, reduced = self.solved
        keep = np.ones(count, bool)  # columns newer than the solution stay
        known = min(count, len(reduced))
        keep[:known] = reduced[:known] <= _PRUNE * max(abs(value), 1.0)
        return keep

    def add_plan(self, rooms: Sequence[int]) -> None:
        """Add the patterns of one plan (and every room's empty pattern)."""
        by_room = self.contents(rooms)
        for block in self.blocks:
            self.add_pattern(block, [])
            units = by_room.get(block.room, [])
            if units and all((self.units[u][0], block.room) in self.form.x for u in units):
                self.add_pattern(block, units)
                # Each pattern less one unit, so that a unit can leave
                # its room fractionally from the first round on.
                if len(units) > 1:
                    for u in units:
                        self.add_pattern(block, [v for v in units if v != u])

    def price(
        self,
        block: _Block,
        reduced: np.ndarray,
        duals: np.ndarray,
        extra: int = 0,
    ) -> tuple[float, list[int], list[list[int]]]:
        """Cheapest pattern of a room: (its cost, its units, others).

        ``reduced`` are the compact reduced costs at ``duals``.  The cost
        leaves out the convexity dual; the empty pattern costs 0.  With
        ``extra``, ``others`` holds the best patterns of that many other
        loads, as further candidates.
        """
        w = max(0.0, float(duals[block.over_row]))
        cap = block.capacity
        best_cost, best_units = 0.0, []  # the empty pattern
        others: list[list[int]] = []
        for u in block.alone:
            size = self.unit_size[u]
            if block.hard_capacity and size > cap:
                continue
            cost = (
                self.profit(block, u, reduced)
                + self.charges.of(block.room, (u,), size > cap)
                + w * max(0, size - cap)
            )
            if cost < best_cost:
                best_cost, best_units = cost, [u]
        profits = {u: self.profit(block, u, reduced) for u in block.units}
        groups = self.charges.choices(block.units, profits, _RC_EPS)
        if groups:
            found = self._knapsack(block, groups, w, 1 + extra)
            others = [units for _, units in found[1:]]
            if found and found[0][0] < best_cost:
                best_cost, best_units = found[0]
        return best_cost, best_units, others

    def profit(self, block: _Block, u: int, reduced: np.ndarray) -> float:
        """A unit's share of a pattern's reduced cost."""
        x = self.form.x
        return float(sum(reduced[x[e, block.room]] for e in self.units[u]))

    def cost_at(
        self,
        block: _Block,
        units: Sequence[int],
        reduced: np.ndarray,
        duals: np.ndarray,
    ) -> float:
        """A given pattern's cost (convexity dual left out)."""
        load = sum(self.unit_size[u] for u in units)
        w = max(0.0, float(duals[block.over_row]))
        over = max(0, load - block.capacity)
        return (
            sum(self.profit(block, u, reduced) for u in units)
            + self.charges.of(block.room, units, over > 0)
            + w * over
        )

    def _knapsack(
        self,
        block: _Block,
        groups: list[list[tuple[tuple[int, ...], float]]],
        w: float,
        count: int = 1,
    ) -> list[tuple[float, list[int]]]:
        """The ``count`` cheapest loads' best patterns (negative costs).

        A multiple-choice knapsack: each group offers sets of units with
        their costs (negative only), of which a pattern takes at most
        one; a group of one set is a plain item.
        """
        g = self.gcd
        cap = block.capacity
        sized = [
            [(units, sum(self.unit_size[u] for u in units) // g, a)
             for units, a in group]
            for group in groups
        ]
        total = sum(max(size for _, size, _ in group) for group in sized)
        if block.hard_capacity:
            top = min(total, cap // g)
        else:
            # Past the capacity a set pays w·size: only sets with
            # a + w·size < 0 can pay for themselves there (at most one per
            # group), plus one set that crosses the capacity.
            cheap = sum(
                max((size for _, size, a in group if a + w * size * g < 0),
                    default=0)
                for group in sized
            )
            top = min(
                total,
                cap // g
                + max(size for group in sized for _, size, _ in group)
                + cheap,
            )
        dp = np.full(top + 1, np.inf)
        dp[0] = 0.0
        pick = np.full((len(sized), top + 1), -1, dtype=np.int32)
        for i, group in enumerate(sized):
            new = dp.copy()
            for c, (_, size, a) in enumerate(group):
                if size > top:
                    continue
                cand = dp[: top + 1 - size] + a
                better = cand < new[size:]
                pick[i, size:][better] = c
                new[size:] = np.where(better, cand, new[size:])
            dp = new
        loads = np.arange(top + 1) * g
        cost = (
            dp
            + w * np.maximum(0, loads - cap)
            + self.charges.full.get(block.room, 0.0) * (loads > cap)
        )
        found: list[tuple[float, list[int]]] = []
        for level in np.argsort(cost, kind="stable")[:count]:
            if not np.isfinite(cost[level]) or cost[level] >= 0:
                break
            value = float(cost[level])
            chosen: list[int] = []
            at = int(level)
            for i in range(len(sized) - 1, -1, -1):
                c = int(pick[i, at])
                if c >= 0:
                    units, size, _ = sized[i][c]
                    chosen.extend(units)
                    at -= size
            found.append((value, chosen))
        return found


class Charges:
    """Soft rules charged in the patterns, not by compact rows.

    The compact rows ``v ≥ x[a, r] − x[b, r]`` of a SAMEROOM rule let the
    master put ``a`` and ``b`` half in each of two rooms, in separate
    patterns, at no penalty.  Charged in the patterns instead, a rule of
    weight ``c`` costs ``c/2`` in every pattern that holds one of its
    units without the other: a plan that splits the pair pays ``c``
    (once in each of the two rooms), one that keeps it together pays
    nothing, and the fractional split above pays ``c`` too.  Likewise a
    NOTSAMEROOM rule costs ``c`` in a pattern holding both units, and a
    soft CAPACITY rule ``c`` in an over-used pattern of its room (the
    compact rows let half a pattern meet them at half the cost, or less).

    Pricing then has pair terms; the rules link units into small webs
    (2–7 units in the Nottingham and generated sets), and a pattern takes
    one subset of each web, so the knapsack becomes a multiple-choice
    knapsack over those subsets.  Rules in webs over :data:`_WEB_MAX`
    units keep their compact rows.
    """

    def __init__(self, form: Formulation, units: list[list[int]]) -> None:
        unit_of = {e: u for u, unit in enumerate(units) for e in unit}
        pairs: list[tuple[int, int, bool, float, int]] = []
        capacity: list[tuple[int, float, int]] = []
        for rule in form.instance.rules:
            var = form.viol.get(rule.cid)
            if rule.hard or var is None:
                continue
            c = float(form.objective.get(var, 0))
            if rule.kind is RuleType.CAPACITY:
                if rule.subject in form.over:
                    capacity.append((rule.subject, c, var))
                continue
            if rule.kind not in (RuleType.SAMEROOM, RuleType.NOTSAMEROOM):
                continue
            a, b = unit_of[rule.subject], unit_of[rule.target]
            if a != b:
                same = rule.kind is RuleType.SAMEROOM
                pairs.append((a, b, same, c, var))
        # Webs grow rule by rule, SAMEROOM rules first (their split is
        # the relaxation's big leak), and a rule that would join two
        # webs into one over _WEB_MAX units keeps its compact rows.
        pairs.sort(key=lambda p: not p[2])
        comps = Components(len(units))
        size = [1] * len(units)  # by component root
        kept: list[tuple[int, int, bool, float, int]] = []
        for pair in pairs:
            ra, rb = comps.find(pair[0]), comps.find(pair[1])
            if ra != rb:
                if size[ra] + size[rb] > _WEB_MAX:
                    continue
                comps.union(ra, rb)
                size[comps.find(rb)] = size[ra] + size[rb]
            kept.append(pair)
        webs: dict[int, list[int]] = {}
        for u in sorted({u for pair in kept for u in pair[:2]}):
            webs.setdefault(comps.find(u), []).append(u)
        #: The web (a sorted tuple of units) of every unit in a rule.
        self.web = {u: tuple(web) for web in webs.values() for u in web}
        #: Violation variables of the charged rules.
        self.viols = frozenset(
            [p[-1] for p in kept] + [var for *_, var in capacity]
        )
        #: Half the weight of every charged SAMEROOM rule a unit is in.
        self.half: dict[int, float] = {}
        #: Pair term of two units (u < v) both in a pattern: minus the
        #: weight of their SAMEROOM rules, plus that of their NOTSAMEROOM
        #: rules.
        self.joint: dict[tuple[int, int], float] = {}
        for a, b, same, c, _ in kept:
            key = (min(a, b), max(a, b))
            if same:
                self.half[a] = self.half.get(a, 0.0) + c / 2
                self.half[b] = self.half.get(b, 0.0) + c / 2
            self.joint[key] = self.joint.get(key, 0.0) + (-c if same else c)
        #: Weight of a room's soft CAPACITY rules (paid when over-used).
        self.full: dict[int, float] = {}
        for room, c, _ in capacity:
            self.full[room] = self.full.get(room, 0.0) + c

    def of(self, room: int, units: Sequence[int], over: bool) -> float:
        """All charges of a pattern of ``units`` in ``room``."""
        return self.cost(units) + (self.full.get(room, 0.0) if over else 0.0)

    def cost(self, units: Sequence[int]) -> float:
        """Pair penalty of a pattern of ``units`` (SAMEROOM, NOTSAMEROOM)."""
        if not self.web:
            return 0.0
        inside = set(units)
        value = sum(self.half.get(u, 0.0) for u in inside)
        for u in inside:
            for v in self.web.get(u, ()):
                if u < v and v in inside:
                    value += self.joint.get((u, v), 0.0)
        return value

    def choices(
        self, units: Sequence[int], profits: dict[int, float], eps: float
    ) -> list[list[tuple[tuple[int, ...], float]]]:
        """Pricing groups of a room's ``units``: every web's subsets.

        ``profits`` are the units' reduced-cost shares; only sets of
        negative cost (below ``-eps``) are offered, since any other set
        never lowers a pattern's cost.
        """
        groups: list[list[tuple[tuple[int, ...], float]]] = []
        webs: dict[tuple[int, ...], list[int]] = {}
        for u in units:
            web = self.web.get(u)
            if web is None:
                if profits[u] < -eps:
                    groups.append([((u,), profits[u])])
            else:
                webs.setdefault(web, []).append(u)
        for members in webs.values():
            sets = []
            for mask in range(1, 1 << len(members)):
                chosen = tuple(
                    u for k, u in enumerate(members) if mask >> k & 1
                )
                value = sum(profits[u] for u in chosen) + self.cost(chosen)
                if value < -eps:
                    sets.append((chosen, value))
            if sets:
                groups.append(sets)
        return groups


def pattern_bound(
    instance: Instance,
    plans: Sequence[Sequence[int]],
    time_limit: float = 60.0,
    away_from: AwayFrom = "floor",
    form: Formulation | None = None,
    progress: Callable[[int, float, float], None] | None = None,
    max_rounds: int | None = None,
    give_up_after: float | None = None,
    known_bound: Callable[[], float | None] | None = None,
) -> PatternBound:
    """Lower bound from the per-room pattern relaxation.

    Parameters
    ----------
    instance
        The instance.
    plans
        Plans whose rooms' contents seed the master; at least one must
        meet every hard rule, so that the master is feasible from the
        start.  More (diverse) plans shorten the first rounds, when the
        master's duals are poor.
    time_limit
        Wall-time budget (seconds); the best Lagrangian bound so far is
        returned when it runs out.
    away_from
        Reading of AWAYFROM rules.
    form
        The formulation, when the caller already built it.
    progress
        Called after every pricing round with (round, master value,
        best bound so far), in centi-units.
    max_rounds
        Stop after this many pricing rounds (the bound stays valid).
    give_up_after
        After this many seconds, stop as soon as the gap between master
        value and bound is over 60 % of the master value after at least
        20 pricing rounds (too far from converging to be worth the rest
        of the time), or the master value is within 10 % of
        ``known_bound``.
    known_bound
        Returns a lower bound proved elsewhere (centi-units), or None.

    Returns
    -------
    PatternBound
        The bound and how column generation went.
    """
    start = time.perf_counter()
    master = _seeded_master(instance, plans, away_from, form)
    return _generate(
        master, start, start + time_limit, progress, max_rounds,
        checkpoint=None if give_up_after is None else start + give_up_after,
        known_bound=known_bound,
    )


def _seeded_master(
    instance: Instance,
    plans: Sequence[Sequence[int]],
    away_from: AwayFrom,
    form: Formulation | None,
) -> Master:
    if form is None:
        form = build_formulation(instance, away_from)
    master = Master(form)
    for plan in plans:
        # The master keeps the symmetry rows: plans must follow them.
        master.add_plan(form.canonical(plan))
    return master


def _generate(
    master: Master,
    start: float,
    deadline: float,
    progress: Callable[[int, float, float], None] | None = None,
    max_rounds: int | None = None,
    stop: threading.Event | None = None,
    checkpoint: float | None = None,
    known_bound: Callable[[], float | None] | None = None,
    known_from: float | None = None,
) -> PatternBound:
    """Column generation on ``master`` until converged or out of time.

    After the ``checkpoint`` time and ``CHECK_ROUNDS`` pricing rounds,
    it gives up once the relative gap between master value and bound is
    over ``HOPELESS``; after
    ``known_from`` (the checkpoint when None), once the master value is
    within ``_SMALL_GAIN`` of ``known_bound()``: the pattern bound can
    then prove little more than is known.
    """
    if known_from is None:
        known_from = checkpoint
    h = master.h
    h.setOptionValue("simplex_strategy", _DUAL_SIMPLEX)
    master.clock.stop, master.clock.deadline = stop, deadline
    best = -math.inf
    center: np.ndarray | None = None
    rounds = 0
    converged = False
    value: float | None = None
    duals: np.ndarray | None = None
    mispriced = False
    gave_up = False
    while time.perf_counter() < deadline and rounds != max_rounds:
        if stop is not None and stop.is_set():
            break
        now = time.perf_counter()
        if value is not None and (
            (
                checkpoint is not None
                and now >= checkpoint
                and rounds >= CHECK_ROUNDS
                and _far(value, best)
            )
            or (
                known_from is not None
                and now >= known_from
                and _known(value, known_bound)
            )
        ):
            gave_up = True
            break
        if duals is None:
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            # New columns leave the basis primal feasible, so primal
            # simplex goes on from it: 3-5× faster than dual simplex there
            # (nott1b), while dual simplex is the faster first solve.
            h.setOptionValue("simplex_strategy", _PRIMAL_SIMPLEX)
            value = float(h.getInfo().objective_function_value)
            solution = h.getSolution()
            duals = np.asarray(solution.row_dual)
            master.solved = (
                value,
                np.asarray(solution.col_dual)[master.form.num_vars :],
            )
        assert value is not None
        # Wentges smoothing: price at a point between the duals of the
        # best bound so far and the master's, which damps the swings of
        # degenerate master duals that otherwise stall the bound.
        smooth = center is not None and not mispriced
        sep = (
            _SMOOTHING * center + (1 - _SMOOTHING) * duals
            if smooth and center is not None
            else duals
        )
        rounds += 1
        bound_here, patterns = master.lagrangian(sep)
        if bound_here > best:
            best, center = bound_here, sep
        if progress is not None:
            progress(rounds, value, best)
        if best >= value - _CLOSE:
            converged = True
            break
        new = 0
        at_master = master.reduced(duals)
        candidates = [
            (block, units)
            for block, (_, units) in zip(master.blocks, patterns, strict=True)
        ]
        # The master's own duals give more columns per room (patterns of
        # the next-best loads too): fewer, if longer, master solves.
        further: list[tuple[_Block, list[int]]] = []
        for block in master.blocks:
            _, units, others = master.price(block, at_master, duals, _EXTRA)
            candidates.append((block, units))
            further += [(block, found) for found in others]
        candidates += further
        for block, units in candidates:
            rc = master.cost_at(block, units, at_master, duals)
            if rc - duals[block.conv_row] < -_RC_EPS and master.add_pattern(
                block, units
            ):
                new += 1
        mispriced = False
        if new:
            duals = None  # re-solve the master
        elif smooth:
            mispriced = True  # price at the master's own duals next
        else:
            converged = True  # no column prices out at the master's duals
            best = max(best, value)
            break
    bound: int | None = None
    if math.isfinite(best):
        # Tolerance margin: HiGHS's feasibility and optimality tolerances
        # are about 1e-7 relative; keep well clear of them.
        bound = trivial_bound(
            master.form.instance, math.ceil(best - 1e-6 * abs(best) - 1e-3)
        )
    return PatternBound(
        bound,
        value,
        converged,
        rounds,
        len(master.patterns),
        time.perf_counter() - start,
        gave_up,
    )


def _far(value: float, best: float) -> bool:
    """True when master value and bound are too far apart to converge."""
    return value - best > HOPELESS * max(abs(value), 1.0)


def _known(
    value: float, known_bound: Callable[[], float | None] | None
) -> bool:
    """True when the master value leaves little to prove beyond the
    known bound (the pattern bound cannot pass the master value)."""
    known = None if known_bound is None else known_bound()
    return known is not None and value - known < _SMALL_GAIN * max(
        abs(value), 1.0
    )


@dataclass(frozen=True)
class PatternPlan:
    """The outcome of :func:`pattern_plan`: a bound and a plan.

    Attributes
    ----------
    bound
        The column generation part (see :class:`PatternBound`).
    rooms
        The best plan made of generated patterns (the restricted master
        solved as a MIP), or None when none was found.
    optimal
        True when HiGHS proved ``rooms`` optimal over the patterns
        generated (not over all plans).
    """

    bound: PatternBound
    rooms: list[int] | None
    optimal: bool


def pattern_plan(
    instance: Instance,
    plans: Sequence[Sequence[int]],
    time_limit: float = 60.0,
    away_from: AwayFrom = "floor",
    form: Formulation | None = None,
    bound_share: float = 0.5,
    stop: threading.Event | None = None,
    on_plan: Callable[[list[int]], None] | None = None,
    known_bound: Callable[[], float | None] | None = None,
) -> PatternPlan:
    """Pattern bound, then the best plan over the generated patterns.

    Column generation (as in :func:`pattern_bound`) runs for at most
    ``bound_share`` of the time; if it converged, the restricted master,
    with every pattern column binary, then goes to HiGHS's MIP solver for
    the rest (a price-and-branch heuristic); if not, no plan is returned
    and the rest of the time goes back to the caller.  Column generation
    gives up early when, after half its share and 20 pricing rounds, the
    gap between master and bound is still over 60 % of the master value,
    or, after 15 % of it,
    the master value is within 10 % of ``known_bound``.  The patterns that
    make the LP bound are the rooms' best contents under the duals, and
    on the Nottingham instances their best combination beats long local
    searches (nott1: 333.90 from a 455.50 seed in about 160 s on one
    core).

    Parameters
    ----------
    instance, plans, time_limit, away_from, form
        As for :func:`pattern_bound`; the best plan is the MIP's start.
    bound_share
        Share of ``time_limit`` for column generation.
    stop
        Ends the work early when set.
    on_plan
        Receives each improving plan of the MIP as soon as it is found.
    known_bound
        Returns a lower bound proved elsewhere (centi-units), or None.

    Returns
    -------
    PatternPlan
        The bound and the plan.
    """
    start = time.perf_counter()
    deadline = start + time_limit
    master = _seeded_master(instance, plans, away_from, form)
    share = bound_share * time_limit
    bound = _generate(
        master, start, start + share, stop=stop,
        checkpoint=start + CHECK_AT * share, known_bound=known_bound,
        known_from=start + KNOWN_AT * share,
    )
    if not bound.converged or (stop is not None and stop.is_set()):
        # Over the columns of an unfinished master the MIP rarely beat its
        # start (nott1, p000_n000); the time is worth more elsewhere.
        return PatternPlan(bound, None, False)
    form = master.form
    scored = [(evaluate(instance, p, form.away_from), p) for p in plans]
    first = min(
        ((check.objective, p) for check, p in scored if check.feasible),
        key=lambda item: item[0],
        default=None,
    )
    rooms, optimal = master.solve_integer(
        None if first is None else form.canonical(first[1]),
        deadline,
        on_plan,
        stop,
    )
    if first is not None and (
        rooms is None
        or evaluate(instance, rooms, form.away_from).objective > first[0]
    ):
        # HiGHS does not always take up the start (seen on nott1 when
        # stopped within seconds); never hand back less than it.
        rooms, optimal = list(first[1]), False
    return PatternPlan(bound, rooms, optimal)


def seed_plans(
    instance: Instance,
    plans: Sequence[Sequence[int] | None],
    seconds: float,
    seed: int,
    away_from: AwayFrom = "floor",
    max_moves: int | None = None,
) -> list[list[int]]:
    """Plans to seed the master: the given ones and an anneal's path.

    A short annealing run from the greedy plan reports every improvement;
    those plans differ room by room, which gives the first master rounds
    many patterns to combine.

    Parameters
    ----------
    instance
        The instance.
    plans
        Known plans (None entries are skipped); hard-infeasible ones are
        dropped.
    seconds
        Annealing time.
    seed
        Annealing seed.
    away_from
        Reading of AWAYFROM rules.
    max_moves
        Anneal for this many moves instead of ``seconds``, so that the
        plans repeat for a given seed.

    Returns
    -------
    list of list of int
        Hard-feasible plans, possibly empty.
    """
    known = [
        list(p)
        for p in plans
        if p is not None and evaluate(instance, p, away_from).feasible
    ]
    start = solve_greedy(
        instance, seed=seed, away_from=away_from, time_limit=1.0
    ).rooms
    assert start is not None  # the greedy plan always places everyone
    found: list[list[int]] = []
    result = anneal(
        instance,
        start,
        seconds,
        seed=seed,
        away_from=away_from,
        report=lambda plan: found.append(list(plan)),
        max_moves=max_moves,
    )
    if result.rooms is not None:
        found.append(list(result.rooms))
    return known + found
