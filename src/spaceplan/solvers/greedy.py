"""A greedy baseline: largest function first, then flex fills the rest.

The baseline keeps the boundary honest: it is what a careful person would
do by hand, so the exact solvers must beat it, and it gives CP-SAT a warm
start (:func:`greedy_placement`). It never proves anything: when it finds
no plan, the status is ``"unknown"``.

The method, in integer area units as everywhere:

1. Fixed functions are taken largest first (ties: fewest allowed rooms),
   each into the allowed room where it adds most to the objective — a
   room already in use when sharing is allowed in every slot it is active
   (capacity, ``exclusive``, ``never_with``), otherwise a fresh room,
   best fitting. When a function finds no room, the functions of one
   of its rooms are moved elsewhere to make room (one ejection step);
   failing that, the most constrained order (fewest allowed rooms
   first) is tried.
2. The flexible function takes every room left empty.
3. When the resident share then fails, a simple repair frees rooms for
   the flexible function: a room that does not count as resident is
   emptied by moving its functions into other rooms in use, or moved
   whole into a smaller empty room; each move is kept only when the
   resident area grows.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from spaceplan import rules
from spaceplan.solution import Plan
from spaceplan.solvers.bookings import booked_plan
from spaceplan.solvers.config import SolverConfig, Weights
from spaceplan.solvers.engine import ProgressSink, RawSolve
from spaceplan.solvers.objective import (
    advice_coef,
    area_coef,
    near_coef,
    objective_terms,
)
from spaceplan.solvers.problem import Problem

#: A placement {function index: room index} and the flex room indices.
Placement = tuple[dict[int, int], set[int]]


class _State:
    """Rooms, their functions and their slot loads, as the greedy fills
    them."""

    def __init__(self, problem: Problem, weights: Weights) -> None:
        p = problem
        self.p = p
        self.cap = [int(a) for a in p.room_units]
        # Building areas: what the accounting counts (capacity is cap).
        self.built = [int(a) for a in p.built_units]
        self.advice_coef = advice_coef(weights.advice)
        self.soft_alone = set(p.advice_exclusive)
        self.soft_apart: list[set[int]] = [set() for _ in range(p.num_funcs)]
        for f, g in p.advice_pairs:
            self.soft_apart[f].add(g)
            self.soft_apart[g].add(f)
        self.need = [int(a) for a in p.need_units]
        self.slots_of = [
            np.flatnonzero(p.active[f]) for f in range(p.num_funcs)
        ]
        self.area_slots = [int(a) for a in p.area_slots]
        self.resident = [bool(b) for b in p.resident]
        self.office = [bool(b) for b in p.office]
        self.exclusive = set(p.exclusive)
        self.banned: list[set[int]] = [set() for _ in range(p.num_funcs)]
        for f, g in p.banned_pairs:
            self.banned[f].add(g)
            self.banned[g].add(f)
        self.near: list[list[tuple[int, int]]] = [
            [] for _ in range(p.num_funcs)
        ]
        for f, g, w in p.near_pairs:
            coef = near_coef(weights.near, w)
            self.near[f].append((g, coef))
            self.near[g].append((f, coef))
        self.mode = p.scenario.policy.accounting.shared_rooms
        self.res_coef = area_coef(weights.resident)
        self.off_coef = area_coef(weights.office)
        self.unused_coef = area_coef(weights.unused)
        self.loads = np.zeros((p.num_rooms, len(p.slots)), np.int64)
        # In session per room and slot: how many, and whether privately.
        self.count = np.zeros((p.num_rooms, len(p.slots)), np.int64)
        self.alone = np.zeros((p.num_rooms, len(p.slots)), bool)
        self.members: list[list[int]] = [[] for _ in range(p.num_rooms)]
        self.where: dict[int, int] = {}
        #: The slots each placed function is in session in.
        self.booked: dict[int, npt.NDArray[np.int64]] = {}

    # ---------------------------------------------------------- moves

    def fits(self, f: int, r: int) -> bool:
        """Whether f may join room r as it stands (f allowed in r)."""
        here = self.members[r]
        if r in self.p.flex_fixed:
            return False
        if here:
            if f in self.exclusive or any(g in self.exclusive for g in here):
                return False
            if any(g in self.banned[f] for g in here):
                return False
        return self.slots_for(f, r) is not None

    def _free(self, f: int, r: int, slots: npt.NDArray[np.int64]) -> bool:
        # Within capacity, and private use respected, in every slot.
        if not np.all(self.loads[r, slots] + self.need[f] <= self.cap[r]):
            return False
        if self.p.private[f]:
            return not np.any(self.count[r, slots])
        return not np.any(self.alone[r, slots])

    def slots_for(self, f: int, r: int) -> npt.NDArray[np.int64] | None:
        """The slots f would take in room r now, or None if it cannot.

        A booked function takes the least loaded free slots of its
        window, so that the others keep room; the earlier slot on a tie.
        """
        n = self.p.sessions[f]
        if not n:
            fixed = self.slots_of[f]
            return fixed if self._free(f, r, fixed) else None
        free = [
            s
            for s in self.p.window[f]
            if self._free(f, r, np.array([s], np.int64))
        ]
        if len(free) < n:
            return None
        free.sort(key=lambda s: (int(self.loads[r, s]), s))
        return np.array(sorted(free[:n]), np.int64)

    def put(self, f: int, r: int) -> None:
        """Place f in r, in the slots it had there if still free."""
        last = self.booked.get(f)
        slots = (
            last
            if last is not None and self._free(f, r, last)
            else self.slots_for(f, r)
        )
        if slots is None:
            slots = last if last is not None else self.slots_of[f]
        self.members[r].append(f)
        self.loads[r, slots] += self.need[f]
        self.count[r, slots] += 1
        if self.p.private[f]:
            self.alone[r, slots] = True
        self.booked[f] = slots
        self.where[f] = r

    def take(self, f: int) -> int:
        """Remove f from its room; return the room."""
        r = self.where.pop(f)
        slots = self.booked[f]
        self.members[r].remove(f)
        self.loads[r, slots] -= self.need[f]
        self.count[r, slots] -= 1
        if self.p.private[f]:
            self.alone[r, slots] = False
        return r

    # ------------------------------------------------------ accounting

    def resident_units(self, r: int, funcs: Sequence[int]) -> int:
        """Resident area of room r holding ``funcs`` (flex if empty)."""
        cap = self.built[r]
        if not funcs:
            return cap if self.p.has_flexible else 0
        res = [self.resident[f] for f in funcs]
        if self.mode == "strict":
            return cap if all(res) else 0
        if self.mode == "any":
            return cap if any(res) else 0
        total = sum(self.area_slots[f] for f in funcs)
        part = sum(
            self.area_slots[f] for f, ok in zip(funcs, res, strict=True) if ok
        )
        return cap * part // total if total else 0

    def value(self, r: int, funcs: Sequence[int], peak: int) -> int:
        """Room r's share of the objective (milli), near wishes aside."""
        val = self.res_coef * self.resident_units(r, funcs)
        if funcs:
            if any(self.office[f] for f in funcs):
                val -= self.off_coef * self.built[r]
            val -= self.unused_coef * (self.cap[r] - peak)
        return val

    def advice_items(self, f: int, r: int) -> int:
        """Advice items f would leave unmet by joining room r now."""
        here = self.members[r]
        items = self.p.costs.get((f, r), 0)
        if here and f in self.soft_alone:
            items += 1
        items += sum(
            1 for g in here if g in self.soft_alone and len(here) == 1
        )
        items += sum(1 for g in here if g in self.soft_apart[f])
        return items

    def gain(self, f: int, r: int) -> int:
        """Objective change (milli) of placing f in room r now."""
        here = self.members[r]
        peak = int(self.loads[r].max()) if here else 0
        slots = self.slots_for(f, r)
        top = (
            int(self.loads[r, slots].max())
            if slots is not None and len(slots)
            else 0
        )
        new_peak = max(peak, top + self.need[f])
        delta = self.value(r, [*here, f], new_peak) - self.value(r, here, peak)
        delta -= self.advice_coef * self.advice_items(f, r)
        zone = (r, *self.p.neighbours[r])
        for g, coef in self.near[f]:
            if self.where.get(g, -1) in zone:
                delta += coef
        return delta

    def total_resident(self) -> int:
        """Resident area of the whole plan, flex rooms included."""
        return sum(
            self.resident_units(r, self.members[r])
            for r in range(self.p.num_rooms)
        )

    def facility(self) -> int:
        """Facility area: every room in use plus counted circulation."""
        if self.p.has_flexible:
            used = sum(self.built)
        else:
            used = sum(
                c for c, m in zip(self.built, self.members, strict=True) if m
            )
        return used + self.p.circulation_units


def _place_all(
    problem: Problem, weights: Weights, order: Sequence[int]
) -> _State | None:
    state = _State(problem, weights)
    # A recommended function that finds no room is left out (advice).
    optional = set(problem.optional)
    for f in order:
        best: tuple[int, int, int] | None = None
        for r in problem.allowed[f]:
            if not state.fits(f, r):
                continue
            # Most objective first, then the smaller room, then the index.
            key = (state.gain(f, r), -state.cap[r], -r)
            if best is None or key > best:
                best = key
        if best is None:
            if not _eject(problem, state, f) and f not in optional:
                return None
            continue
        state.put(f, -best[2])
    return state


def _eject(problem: Problem, state: _State, f: int) -> bool:
    """Make room for f: move a room's functions elsewhere, then place f.

    One step of an ejection chain: scarce rooms (street access, water)
    may have been taken by functions that fit elsewhere too.
    """
    for r in problem.allowed[f]:
        evicted = list(state.members[r])
        for g in evicted:
            state.take(g)
        if not state.fits(f, r):
            for g in evicted:
                state.put(g, r)
            continue
        state.put(f, r)
        moved: list[int] = []
        for g in evicted:
            options = [
                q for q in problem.allowed[g] if q != r and state.fits(g, q)
            ]
            if not options:
                break
            q = max(options, key=lambda q: (state.gain(g, q), -q))
            state.put(g, q)
            moved.append(g)
        if len(moved) == len(evicted):
            return True
        for g in moved:
            state.take(g)
        state.take(f)
        for g in evicted:
            state.put(g, r)
    return False


def _share_ok(problem: Problem, state: _State) -> bool:
    share = problem.share_min
    if share is None:
        return True
    fac = state.facility()
    return fac > 0 and rules.share_met(state.total_resident(), fac, share)


def _target_ok(problem: Problem, state: _State) -> bool:
    return not problem.target_hard or problem.target.met(state.facility())


def _evacuate(problem: Problem, state: _State, r: int) -> bool:
    """Move every function of room r into other rooms in use."""
    before = state.total_resident()
    moved: list[int] = []
    for f in sorted(state.members[r], key=lambda g: -state.need[g]):
        options = [
            q
            for q in problem.allowed[f]
            if q != r and state.members[q] and state.fits(f, q)
        ]
        if not options:
            break
        q = max(options, key=lambda q: (state.gain(f, q), -q))
        state.take(f)
        state.put(f, q)
        moved.append(f)
    if not state.members[r] and state.total_resident() > before:
        return True
    for f in reversed(moved):
        state.take(f)
        state.put(f, r)
    return False


def _downsize(problem: Problem, state: _State, r: int) -> bool:
    """Move room r's functions together into a smaller empty room."""
    funcs = list(state.members[r])
    peak = int(state.loads[r].max())
    candidates = [
        q
        for q in range(problem.num_rooms)
        if not state.members[q]
        and q not in problem.flex_fixed
        and peak <= state.cap[q] < state.cap[r]
        and all(q in problem.allowed[f] for f in funcs)
    ]
    if not candidates:
        return False
    q = min(candidates, key=lambda q: (state.cap[q], q))
    before = state.total_resident()
    for f in funcs:
        state.take(f)
        state.put(f, q)
    if state.total_resident() > before:
        return True
    for f in funcs:
        state.take(f)
        state.put(f, r)
    return False


def _repair(problem: Problem, state: _State) -> bool:
    """Free rooms for the flexible function until the share holds."""
    while not _share_ok(problem, state):
        rooms = sorted(
            (
                r
                for r in range(problem.num_rooms)
                if state.members[r]
                and state.resident_units(r, state.members[r]) < state.built[r]
            ),
            key=lambda r: (-state.cap[r], r),
        )
        for r in rooms:
            if _evacuate(problem, state, r) or _downsize(problem, state, r):
                break
        else:
            return False
    return True


def greedy_placement(
    problem: Problem, weights: Weights | None = None
) -> Placement | None:
    """A checked-feasible greedy plan as index maps, or None.

    Parameters
    ----------
    problem : Problem
        The scenario as index arrays.
    weights : Weights, optional
        Objective weights used to rank rooms; the default preset's when
        None.

    Returns
    -------
    tuple of (dict of int to int, set of int) or None
        ``{function index: room index}`` for every fixed function and the
        indices of the rooms the flexible function takes, or None when the
        greedy finds no plan meeting every rule.
    """
    found = _greedy(problem, weights or Weights())
    if found is None:
        return None
    state, flex = found
    return dict(state.where), flex


#: A greedy plan: placement (function → room), flexible rooms, bookings.
GreedySolution = tuple[dict[int, int], set[int], dict[int, list[int]]]


def greedy_solution(
    problem: Problem, weights: Weights | None = None
) -> GreedySolution | None:
    """:func:`greedy_placement` with the slots it books, or None.

    The third item maps each booked function to its slot indices.
    """
    found = _greedy(problem, weights or Weights())
    if found is None:
        return None
    state, flex = found
    booked = {
        f: [int(s) for s in state.booked[f]]
        for f in state.where
        if problem.sessions[f]
    }
    return dict(state.where), flex, booked


def _greedy(
    problem: Problem, weights: Weights
) -> tuple[_State, set[int]] | None:
    """The greedy's final state and flex rooms, or None."""
    if problem.unplaceable():
        return None
    funcs = range(problem.num_funcs)
    largest = sorted(
        funcs,
        key=lambda f: (
            -int(problem.need_units[f]),
            len(problem.allowed[f]),
            f,
        ),
    )
    tightest = sorted(
        funcs,
        key=lambda f: (
            len(problem.allowed[f]),
            -int(problem.need_units[f]),
            f,
        ),
    )
    for order in (largest, tightest):
        state = _place_all(problem, weights, order)
        if state is None:
            continue
        if not _target_ok(problem, state):
            continue
        if not _repair(problem, state):
            continue
        in_use = problem.has_flexible or bool(state.where)
        if problem.share_min is not None and not (
            in_use and problem.num_rooms
        ):
            continue  # the share rule asks for at least one room in use
        flex = (
            {r for r in range(problem.num_rooms) if not state.members[r]}
            if problem.has_flexible
            else set()
        )
        return state, flex
    return None


def placement_plan(problem: Problem, found: Placement) -> Plan:
    """The :class:`Plan` of a placement in index form."""
    placement, flex_rooms = found
    pairs = [
        (problem.funcs[f].id, problem.rooms[r].id)
        for f, r in sorted(placement.items())
    ]
    flex = problem.scenario.flexible_function
    if flex is not None:
        pairs += [(flex.id, problem.rooms[r].id) for r in sorted(flex_rooms)]
    return Plan.from_pairs(pairs)


class GreedyBackend:
    """The greedy baseline as a solver backend (one plan, no bound)."""

    name = "greedy"
    supports_candidates = False

    def solve_one(
        self,
        problem: Problem,
        config: SolverConfig,
        avoid: Sequence[dict[int, int]],
        min_difference: int,
        progress: ProgressSink | None = None,
    ) -> RawSolve:
        """Solve once; see :class:`spaceplan.solvers.engine.Backend`.

        ``avoid`` is ignored: the backend returns one plan only.
        """
        started = time.perf_counter()
        found = _greedy(problem, config.weights)
        seconds = time.perf_counter() - started
        if found is None:
            return RawSolve("unknown", None, seconds=seconds)
        state, flex = found
        plan = placement_plan(problem, (dict(state.where), flex))
        booked = {
            f: [int(s) for s in state.booked[f]]
            for f in state.where
            if problem.sessions[f]
        }
        plan = booked_plan(
            problem, [(a.function, a.room) for a in plan.assignments], booked
        )
        terms = objective_terms(problem.scenario, plan, config.weights)
        return RawSolve(
            "feasible", plan, objective_milli=terms.milli, seconds=seconds
        )
