"""Greedy construction plus first-improvement local search for OSA.

Solver-free: a warm start for CP-SAT and HiGHS, and a baseline that keeps
the comparison honest.  Hard rules are costed with a large penalty, so a
plan with hard violations is possible when the greedy is stuck; callers
check it with the evaluator.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence

from spaceplan.osa.evaluate import AwayFrom, evaluate, rule_violated
from spaceplan.osa.formulation import allowed_rooms
from spaceplan.osa.read import CENTI, Instance, Rule, RuleType
from spaceplan.osa.solvers.result import OsaResult, Status

__all__ = ["solve_greedy"]

# Cost of one violated hard rule during the search (centi-units).
_HARD = 10**7


class _State:
    """An assignment with room loads and per-entity rule lists."""

    def __init__(self, instance: Instance, away_from: AwayFrom) -> None:
        self.inst = instance
        self.away_from = away_from
        self.rooms = [-1] * instance.num_entities
        self.load = [0] * instance.num_rooms
        self.count = [0] * instance.num_rooms
        self.by_entity: dict[int, list[Rule]] = defaultdict(list)
        self.by_room: dict[int, list[Rule]] = defaultdict(list)
        self.lonely: dict[int, list[Rule]] = defaultdict(list)
        for rule in instance.rules:
            if rule.kind is RuleType.CAPACITY:
                self.by_room[rule.subject].append(rule)
            elif rule.kind is RuleType.NOTSHARING:
                self.lonely[rule.subject].append(rule)
            else:
                self.by_entity[rule.subject].append(rule)
                if rule.kind not in (
                    RuleType.ALLOCATION,
                    RuleType.NONALLOCATION,
                ):
                    self.by_entity[rule.target].append(rule)

    def space(self, r: int) -> int:
        cap = self.inst.rooms[r].capacity
        load = self.load[r]
        return max(0, cap - load) + 2 * max(0, load - cap)

    def rule_cost(self, rule: Rule) -> int:
        if rule.kind not in (
            RuleType.ALLOCATION,
            RuleType.NONALLOCATION,
            RuleType.CAPACITY,
            RuleType.NOTSHARING,
        ) and (self.rooms[rule.subject] < 0 or self.rooms[rule.target] < 0):
            return 0  # partner not placed yet
        if rule.kind is RuleType.NOTSHARING and self.rooms[rule.subject] < 0:
            return 0
        if rule.kind in (RuleType.ALLOCATION, RuleType.NONALLOCATION) and (
            self.rooms[rule.subject] < 0
        ):
            return 0
        reason = rule_violated(
            self.inst, rule, self.rooms, self.load, self.count,
            self.away_from,
        )
        if reason is None:
            return 0
        return _HARD if rule.hard else rule.weight * CENTI

    def local_cost(self, e: int) -> int:
        """Cost of everything that changes when entity ``e`` moves."""
        r = self.rooms[e]
        rules = list(self.by_entity[e]) + self.lonely[e]
        if r >= 0:
            rules += self.by_room[r]
        total = sum(self.rule_cost(rule) for rule in rules)
        return total

    def room_cost(self, r: int) -> int:
        """Space misuse, capacity and not-sharing costs of room ``r``."""
        total = self.space(r) + sum(
            self.rule_cost(rule) for rule in self.by_room[r]
        )
        for e in self.members[r]:
            total += sum(self.rule_cost(rule) for rule in self.lonely[e])
        return total

    @property
    def members(self) -> dict[int, set[int]]:
        cache = self.__dict__.get("_members")
        if cache is None:
            cache = defaultdict(set)
            self.__dict__["_members"] = cache
        return cache

    def place(self, e: int, r: int) -> None:
        old = self.rooms[e]
        size = self.inst.entities[e].size
        if old >= 0:
            self.load[old] -= size
            self.count[old] -= 1
            self.members[old].discard(e)
        self.rooms[e] = r
        if r >= 0:
            self.load[r] += size
            self.count[r] += 1
            self.members[r].add(e)

    def move_cost(self, e: int, r: int) -> int:
        """Change in cost if ``e`` moves to room ``r`` (then moves back)."""
        old = self.rooms[e]
        touched = {q for q in (old, r) if q >= 0}
        before = sum(self.room_cost(q) for q in touched)
        before += self._entity_rules(e)
        self.place(e, r)
        after = sum(self.room_cost(q) for q in touched)
        after += self._entity_rules(e)
        self.place(e, old)
        if old < 0:
            # Unplaced rooms count for nothing; compare with empty room.
            pass
        return after - before

    def _entity_rules(self, e: int) -> int:
        return sum(self.rule_cost(rule) for rule in self.by_entity[e])


def solve_greedy(
    instance: Instance,
    seed: int = 0,
    away_from: AwayFrom = "floor",
    time_limit: float = 2.0,
) -> OsaResult:
    """Build a plan greedily, then improve it by moves and swaps.

    Parameters
    ----------
    instance
        The instance.
    seed
        Seed for tie-breaking and move order.
    away_from
        Reading of AWAYFROM rules.
    time_limit
        Seconds for the local search after construction.

    Returns
    -------
    OsaResult
        The plan with its evaluator objective; status FEASIBLE when no hard
        rule is broken, else UNKNOWN (the plan is still returned).
    """
    start = time.perf_counter()
    rng = random.Random(seed)
    state = _State(instance, away_from)
    allowed = allowed_rooms(instance)
    # Constrained and large entities first: they have fewest good rooms.
    lonely = {
        rule.subject
        for rule in instance.rules
        if rule.kind is RuleType.NOTSHARING and rule.hard
    }
    order = sorted(
        range(instance.num_entities),
        key=lambda e: (
            len(allowed[e]) > 1,
            e not in lonely,
            -instance.entities[e].size,
            rng.random(),
        ),
    )
    for e in order:
        best = min(
            allowed[e], key=lambda r: (state.move_cost(e, r), rng.random())
        )
        state.place(e, best)
    _improve(state, allowed, rng, start + time_limit)
    rooms = list(state.rooms)
    result = evaluate(instance, rooms, away_from)
    return OsaResult(
        rooms,
        result.objective,
        None,
        Status.FEASIBLE if result.feasible else Status.UNKNOWN,
        time.perf_counter() - start,
        "greedy",
        (result.summary(),),
    )


def _improve(
    state: _State,
    allowed: Sequence[Sequence[int]],
    rng: random.Random,
    deadline: float,
) -> None:
    """First-improvement moves and swaps until no gain or time is up."""
    num_e = state.inst.num_entities
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        order = list(range(num_e))
        rng.shuffle(order)
        for e in order:
            if time.perf_counter() >= deadline:
                return
            for r in allowed[e]:
                if r != state.rooms[e] and state.move_cost(e, r) < 0:
                    state.place(e, r)
                    improved = True
                    break
        for e in order:
            if time.perf_counter() >= deadline:
                return
            f = rng.randrange(num_e)
            a, b = state.rooms[e], state.rooms[f]
            if a == b or b not in allowed[e] or a not in allowed[f]:
                continue
            before = _pair_cost(state, e, f)
            state.place(e, b)
            state.place(f, a)
            if _pair_cost(state, e, f) < before:
                improved = True
            else:
                state.place(e, a)
                state.place(f, b)


def _pair_cost(state: _State, e: int, f: int) -> int:
    rooms = {state.rooms[e], state.rooms[f]}
    return (
        sum(state.room_cost(q) for q in rooms)
        + state._entity_rules(e)
        + state._entity_rules(f)
    )
