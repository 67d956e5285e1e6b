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
rules and the floors).  The over-use of a fractional room is then the
average over-use of whole patterns, not the over-use of an average load,
which is what closes bin-packing gaps.

Columns are priced room by room: with the master's duals a pattern's
reduced cost is ``Σ_{e ∈ p} a_e + w·max(0, load − C) − u`` and the
cheapest pattern is a knapsack with a convex over-use cost, solved
exactly by dynamic programming over loads (in units of the gcd of all
sizes).  Every round gives a valid Lagrangian bound ``z_master +
Σ_r min(0, cheapest reduced cost of r)``, so the bound can be reported
when the time runs out before the master is optimal.

Like any LP bound computed in floating point, the result carries HiGHS's
tolerances; we subtract a small margin before rounding up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from spaceplan.osa.evaluate import AwayFrom
from spaceplan.osa.read import Instance, RuleType
from spaceplan.solvers.osa import (
    Formulation,
    build_formulation,
    same_room_groups,
    trivial_bound,
)

__all__ = ["PatternBound", "pattern_bound"]

#: Reduced costs above this (centi-units) do not enter the master.
_RC_EPS = 1e-6
#: Row tags of the compact model that the pattern rows imply: the load
#: and over-use rows (a pattern's over-use is at least each of them) and
#: the hard not-sharing rows (no pattern breaks one).
_IMPLIED = frozenset({"space", "space0", "lonely"})
#: HiGHS ``simplex_strategy`` values.
_DUAL_SIMPLEX = 1
_PRIMAL_SIMPLEX = 4
#: Weight of the stability centre in the smoothed dual point.
_SMOOTHING = 0.7
#: Column generation stops when bound and master are this close (centi).
_CLOSE = 0.01


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
    """

    bound: int | None
    master: float | None
    converged: bool
    rounds: int
    columns: int
    seconds: float


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


class _Master:
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
        lonely = {
            rule.subject
            for rule in inst.rules
            if rule.hard and rule.kind is RuleType.NOTSHARING
        }
        hard_cap = {
            rule.subject
            for rule in inst.rules
            if rule.hard and rule.kind is RuleType.CAPACITY
        }
        self.gcd = math.gcd(
            *(e.size for e in inst.entities), *(r.capacity for r in inst.rooms)
        ) or 1
        x_of = {var: key for key, var in form.x.items()}
        self.x_rows: dict[tuple[int, int], list[tuple[int, float]]] = {
            key: [] for key in form.x
        }
        inf = highspy.kHighsInf
        rows_lo: list[float] = []
        rows_hi: list[float] = []
        entries: list[tuple[int, int, float]] = []  # compact, x included
        for row in form.rows:
            if row.tag in _IMPLIED:
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
        self.is_x = np.zeros(n, bool)
        self.is_x[list(x_of)] = True
        self.row_lo = np.array(rows_lo)
        self.row_hi = np.array(rows_hi)
        self.entry_row = np.array([e[0] for e in entries], np.int64)
        self.entry_col = np.array([e[1] for e in entries], np.int64)
        self.entry_value = np.array([e[2] for e in entries])
        self.offset = float(form.offset)
        self.conv = np.array([b.conv_row for b in self.blocks], np.int64)
        self.columns = 0
        self.seen: set[tuple[int, frozenset[int]]] = set()

        h = highspy.Highs()
        h.silent()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
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
        best = [self.price(block, reduced, pi) for block in self.blocks]
        value += sum(cost for cost, _ in best)
        return value, best

    def add_pattern(self, block: _Block, units: Sequence[int]) -> bool:
        """Add the column of one pattern of ``block``'s room (once)."""
        key = (block.room, frozenset(units))
        if key in self.seen:
            return False
        self.seen.add(key)
        load = sum(self.unit_size[u] for u in units)
        over = max(0, load - block.capacity)
        if over and block.hard_capacity:
            return False
        coefs: dict[int, float] = {block.conv_row: 1.0}
        if over:
            coefs[block.over_row] = -float(over)
        cost = 0.0
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
        self.columns += 1
        return True

    def add_plan(self, rooms: Sequence[int]) -> None:
        """Add the patterns of one plan (and every room's empty pattern)."""
        by_room: dict[int, list[int]] = {}
        for u, unit in enumerate(self.units):
            by_room.setdefault(rooms[unit[0]], []).append(u)
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
        self, block: _Block, reduced: np.ndarray, duals: np.ndarray
    ) -> tuple[float, list[int]]:
        """Cheapest pattern of a room: (its cost, its units).

        ``reduced`` are the compact reduced costs at ``duals``.  The cost
        leaves out the convexity dual; the empty pattern costs 0.
        """
        w = max(0.0, float(duals[block.over_row]))
        cap = block.capacity
        best_cost, best_units = 0.0, []  # the empty pattern
        for u in block.alone:
            size = self.unit_size[u]
            if block.hard_capacity and size > cap:
                continue
            cost = self.profit(block, u, reduced) + w * max(0, size - cap)
            if cost < best_cost:
                best_cost, best_units = cost, [u]
        items = [(u, self.profit(block, u, reduced)) for u in block.units]
        items = [(u, a) for u, a in items if a < -_RC_EPS]
        if items:
            cost, units = self._knapsack(block, items, w)
            if cost < best_cost:
                best_cost, best_units = cost, units
        return best_cost, best_units

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
        return sum(self.profit(block, u, reduced) for u in units) + w * max(
            0, load - block.capacity
        )

    def _knapsack(
        self, block: _Block, items: list[tuple[int, float]], w: float
    ) -> tuple[float, list[int]]:
        g = self.gcd
        cap = block.capacity
        sizes = [self.unit_size[u] // g for u, _ in items]
        total = sum(sizes)
        if block.hard_capacity:
            top = min(total, cap // g)
        else:
            # Past the capacity an item pays w·size: only items with
            # a + w·size < 0 can pay for themselves there, plus one item
            # that crosses the capacity.
            cheap = sum(
                s for s, (_, a) in zip(sizes, items, strict=True) if a + w * s * g < 0
            )
            top = min(total, cap // g + max(sizes) + cheap)
        dp = np.full(top + 1, np.inf)
        dp[0] = 0.0
        take = np.zeros((len(items), top + 1), dtype=bool)
        for i, (s, (_, a)) in enumerate(zip(sizes, items, strict=True)):
            if s > top:
                continue
            cand = dp[:-s] + a if s else dp + a
            better = cand < dp[s:]
            take[i, s:] = better
            dp[s:] = np.where(better, cand, dp[s:])
        loads = np.arange(top + 1) * g
        cost = dp + w * np.maximum(0, loads - cap)
        level = int(np.argmin(cost))
        chosen: list[int] = []
        for i in range(len(items) - 1, -1, -1):
            if take[i, level]:
                chosen.append(items[i][0])
                level -= sizes[i]
        return float(cost.min()), chosen


def pattern_bound(
    instance: Instance,
    plans: Sequence[Sequence[int]],
    time_limit: float = 60.0,
    away_from: AwayFrom = "floor",
    form: Formulation | None = None,
    progress: Callable[[int, float, float], None] | None = None,
    max_rounds: int | None = None,
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

    Returns
    -------
    PatternBound
        The bound and how column generation went.
    """
    start = time.perf_counter()
    deadline = start + time_limit
    if form is None:
        form = build_formulation(instance, away_from)
    master = _Master(form)
    for plan in plans:
        # The master keeps the symmetry rows: plans must follow them.
        master.add_plan(form.canonical(plan))
    h = master.h
    h.setOptionValue("simplex_strategy", _DUAL_SIMPLEX)
    best = -math.inf
    center: np.ndarray | None = None
    rounds = 0
    converged = False
    value: float | None = None
    duals: np.ndarray | None = None
    mispriced = False
    while time.perf_counter() < deadline and rounds != max_rounds:
        if duals is None:
            # HiGHS's time limit counts the object's whole run time.
            h.setOptionValue(
                "time_limit",
                h.getRunTime() + max(0.01, deadline - time.perf_counter()),
            )
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            # New columns leave the basis primal feasible, so primal
            # simplex goes on from it: 3-5× faster than dual simplex there
            # (nott1b), while dual simplex is the faster first solve.
            h.setOptionValue("simplex_strategy", _PRIMAL_SIMPLEX)
            value = float(h.getInfo().objective_function_value)
            duals = np.asarray(h.getSolution().row_dual)
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
        if smooth:
            # The master's own duals give a second column per room.
            patterns = patterns + [
                master.price(b, at_master, duals) for b in master.blocks
            ]
        for block, (_, units) in zip(master.blocks * 2, patterns, strict=False):
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
        bound = trivial_bound(instance, math.ceil(best - 1e-6 * abs(best) - 1e-3))
    return PatternBound(
        bound,
        value,
        converged,
        rounds,
        master.columns,
        time.perf_counter() - start,
    )


def seed_plans(
    instance: Instance,
    plans: Sequence[Sequence[int] | None],
    seconds: float,
    seed: int,
    away_from: AwayFrom = "floor",
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

    Returns
    -------
    list of list of int
        Hard-feasible plans, possibly empty.
    """
    from spaceplan.osa.evaluate import evaluate
    from spaceplan.solvers.osa.anneal import anneal
    from spaceplan.solvers.osa.greedy import solve_greedy

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
    )
    if result.rooms is not None:
        found.append(list(result.rooms))
    return known + found
