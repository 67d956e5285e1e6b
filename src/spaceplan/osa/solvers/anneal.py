"""Simulated annealing for OSA, with incremental move evaluation.

CP-SAT proves bounds and polishes neighbourhoods; it is slow to *find*
good plans from a poor start (nott1b: the greedy plan breaks hard rules,
and CP-SAT's global run spends 30 s reaching what this search reaches in
a few seconds).  This module is the fast plan finder: plain Python, no
solver, a few hundred thousand moves per second on one core.

Moves are "put unit u in room b" and "swap the rooms of units u and v",
where a unit is an entity or a group of entities tied by hard SAMEROOM
rules (they always move together).  The cost of a move is computed from
the two rooms it touches and the rules of the moved unit only:

* space: ``3·max(0, load − C)`` per room (misuse minus its constant
  ΣC − ΣS, see :mod:`spaceplan.osa.formulation`), plus the CAPACITY rule of
  the room when it is over-used;
* not-sharing: the summed weight of the room's NOTSHARING entities when
  it holds more than one entity;
* soft ALLOCATION/NONALLOCATION: a per-unit table over rooms;
* pair rules: a 0/1 "violated" table over (room of one, room of other)
  per rule kind, looked up for the other unit's current room.

Hard rules cost :data:`HARD` each, so the search leaves infeasible plans
quickly and never returns to them at working temperatures; the best plan
is kept only among hard-feasible ones.  The final plan is re-scored by
the evaluator; this module never reports its own number.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spaceplan.osa.evaluate import AwayFrom
from spaceplan.osa.formulation import allowed_rooms, same_room_groups
from spaceplan.osa.read import CENTI, Instance, RuleType

__all__ = ["HARD", "Annealer", "anneal"]

#: Cost of one broken hard rule during the search (centi-units: 10⁶ m²),
#: far above any soft cost, so "cost < HARD" means hard-feasible.
HARD = 10**8

_PAIR_KINDS = (
    RuleType.SAMEROOM,
    RuleType.NOTSAMEROOM,
    RuleType.ADJACENCY,
    RuleType.NEARBY,
    RuleType.AWAYFROM,
)


@dataclass(frozen=True)
class AnnealResult:
    """Best hard-feasible plan found (None when none was), and counts.

    ``final`` is the plan the run ended in, when hard-feasible: a warm
    run's end state is a nearby local optimum, which an iterated search
    uses as a kick away from the best plan.
    """

    rooms: list[int] | None
    cost: int | None
    moves: int
    accepted: int
    seconds: float
    final: list[int] | None = None


def _violation_tables(
    instance: Instance, away_from: AwayFrom
) -> dict[RuleType, list[list[int]]]:
    """0/1 tables ``bad[ra][rb]``: a pair rule with rooms ra, rb is broken."""
    n = instance.num_rooms
    floor = [room.floor for room in instance.rooms]
    near = [instance.near[r] for r in range(n)]
    same = [[int(a != b) for b in range(n)] for a in range(n)]
    apart = [[int(a == b) for b in range(n)] for a in range(n)]
    adjacent = [[int(b not in near[a]) for b in range(n)] for a in range(n)]
    nearby = [[int(floor[a] != floor[b]) for b in range(n)] for a in range(n)]
    if away_from == "floor":
        away = [
            [int(floor[a] == floor[b]) for b in range(n)] for a in range(n)
        ]
    else:
        away = [[int(b in near[a]) for b in range(n)] for a in range(n)]
    return {
        RuleType.SAMEROOM: same,
        RuleType.NOTSAMEROOM: apart,
        RuleType.ADJACENCY: adjacent,
        RuleType.NEARBY: nearby,
        RuleType.AWAYFROM: away,
    }


class Annealer:
    """Incremental state of one OSA plan, grouped into movable units.

    Parameters
    ----------
    instance
        The instance.
    away_from
        Reading of AWAYFROM rules.
    """

    def __init__(self, instance: Instance, away_from: AwayFrom = "floor"):
        self.inst = instance
        num_e, num_r = instance.num_entities, instance.num_rooms
        allowed = allowed_rooms(instance)
        self.members = same_room_groups(instance)
        self.unit_of = [0] * num_e
        for u, group in enumerate(self.members):
            for e in group:
                self.unit_of[e] = u
        units = len(self.members)
        self.size = [
            sum(instance.entities[e].size for e in m) for m in self.members
        ]
        self.heads = [len(m) for m in self.members]
        self.allowed = [allowed[m[0]] for m in self.members]
        self.allowed_set = [frozenset(rooms) for rooms in self.allowed]
        self.cap = [room.capacity for room in instance.rooms]
        self.cap_weight = [0] * num_r
        self.lonely = [0] * units
        self.unary = [[0] * num_r for _ in range(units)]
        self.rules: list[list[tuple[list[list[int]], int, int]]] = [
            [] for _ in range(units)
        ]
        tables = _violation_tables(instance, away_from)
        for rule in instance.rules:
            weight = HARD if rule.hard else rule.weight * CENTI
            kind = rule.kind
            if kind is RuleType.CAPACITY:
                self.cap_weight[rule.subject] += weight
            elif kind is RuleType.NOTSHARING:
                self.lonely[self.unit_of[rule.subject]] += weight
            elif kind in (RuleType.ALLOCATION, RuleType.NONALLOCATION):
                if rule.hard:
                    continue  # already in the allowed rooms
                row = self.unary[self.unit_of[rule.subject]]
                for r in range(num_r):
                    if (r == rule.target) == (kind is RuleType.NONALLOCATION):
                        row[r] += weight
            elif kind in _PAIR_KINDS:
                u, v = self.unit_of[rule.subject], self.unit_of[rule.target]
                if u == v:
                    continue  # constant within a unit: no move changes it
                table = tables[kind]
                # The table is indexed [room of subject][room of target].
                transposed = [list(col) for col in zip(*table, strict=True)]
                self.rules[u].append((table, v, weight))
                self.rules[v].append((transposed, u, weight))
        self.movable = [u for u in range(units) if len(self.allowed[u]) > 1]
        self.room = [-1] * units
        self.load = [0] * num_r
        self.count = [0] * num_r
        self.lonely_in = [0] * num_r
        self.cost = 0

    # -- state -------------------------------------------------------------

    def set_plan(self, rooms: Sequence[int]) -> None:
        """Load an entity→room plan (units follow their first member)."""
        num_r = self.inst.num_rooms
        self.load = [0] * num_r
        self.count = [0] * num_r
        self.lonely_in = [0] * num_r
        for u, m in enumerate(self.members):
            r = rooms[m[0]]
            if r not in self.allowed[u]:
                r = self.allowed[u][0]
            self.room[u] = r
            self.load[r] += self.size[u]
            self.count[r] += self.heads[u]
            self.lonely_in[r] += self.lonely[u]
        self.cost = self.full_cost()

    def plan(self) -> list[int]:
        """The entity→room plan of the current state."""
        rooms = [0] * self.inst.num_entities
        for u, m in enumerate(self.members):
            for e in m:
                rooms[e] = self.room[u]
        return rooms

    def _room_cost(self, r: int, load: int, count: int, lonely: int) -> int:
        over = load - self.cap[r]
        cost = 0
        if over > 0:
            cost = 3 * over + self.cap_weight[r]
        if count > 1:
            cost += lonely
        return cost

    def full_cost(self) -> int:
        """Cost of the current state from scratch (for checks and resets)."""
        cost = sum(
            self._room_cost(r, self.load[r], self.count[r], self.lonely_in[r])
            for r in range(self.inst.num_rooms)
        )
        room = self.room
        for u, rules in enumerate(self.rules):
            cost += self.unary[u][room[u]]
            # Each pair rule is listed under both units: count it once.
            cost += sum(w * t[room[u]][room[v]] for t, v, w in rules if u < v)
        return cost

    def delta(self, u: int, b: int) -> int:
        """Cost change if unit ``u`` moves to room ``b``."""
        a = self.room[u]
        if a == b:
            return 0
        size, heads, lonely = self.size[u], self.heads[u], self.lonely[u]
        load, count, lonely_in = self.load, self.count, self.lonely_in
        rc = self._room_cost
        d = (
            rc(a, load[a] - size, count[a] - heads, lonely_in[a] - lonely)
            - rc(a, load[a], count[a], lonely_in[a])
            + rc(b, load[b] + size, count[b] + heads, lonely_in[b] + lonely)
            - rc(b, load[b], count[b], lonely_in[b])
        )
        unary = self.unary[u]
        d += unary[b] - unary[a]
        room = self.room
        for table, v, w in self.rules[u]:
            rv = room[v]
            d += w * (table[b][rv] - table[a][rv])
        return d

    def move(self, u: int, b: int, d: int) -> None:
        """Put unit ``u`` in room ``b``; ``d`` is its :meth:`delta`."""
        a = self.room[u]
        size, heads, lonely = self.size[u], self.heads[u], self.lonely[u]
        self.load[a] -= size
        self.count[a] -= heads
        self.lonely_in[a] -= lonely
        self.load[b] += size
        self.count[b] += heads
        self.lonely_in[b] += lonely
        self.room[u] = b
        self.cost += d

    # -- search ------------------------------------------------------------

    def run(
        self,
        time_limit: float,
        seed: int = 0,
        t_start: float = 2000.0,
        t_end: float = 10.0,
        swap_share: float = 0.5,
        partner_share: float = 0.3,
        stop: threading.Event | None = None,
        report: Callable[[list[int]], None] | None = None,
        max_moves: int | None = None,
    ) -> AnnealResult:
        """Anneal from the current state for ``time_limit`` seconds.

        The temperature falls geometrically from ``t_start`` to ``t_end``
        (centi-units) over the time budget, or over ``max_moves`` moves
        when given (then the run repeats exactly for a seed, whatever the
        machine's speed; the time limit still applies).  Returns the best plan whose
        cost has no hard-rule part.  ``stop`` ends the run early when set;
        ``report`` receives each new best plan, at most once per batch of
        moves (so a concurrent prover can stop as soon as it can).
        """
        start = time.perf_counter()
        rng = random.Random(seed)
        rand, randrange, exp = rng.random, rng.randrange, math.exp
        movable = self.movable
        if not movable:
            return self._result(self.plan(), start, 0, 0)
        allowed, room, delta, move = (
            self.allowed,
            self.room,
            self.delta,
            self.move,
        )
        ok = self.allowed_set
        rules = self.rules
        best_cost = self.cost if self.cost < HARD else None
        best_plan = self.plan() if best_cost is not None else None
        ratio = math.log(t_end / t_start)
        temp = t_start
        moves = accepted = 0
        reported: list[int] | None = None
        n_mov = len(movable)
        deadline = start + time_limit
        while True:
            # Re-read the clock (and cool) once per batch of moves.
            now = time.perf_counter()
            if report is not None and best_plan is not reported:
                reported = best_plan
                if best_plan is not None:
                    report(best_plan)
            if now >= deadline or (stop is not None and stop.is_set()):
                break
            if max_moves is None:
                done = (now - start) / time_limit
            elif moves >= max_moves:
                break
            else:
                done = moves / max_moves
            temp = t_start * math.exp(ratio * done)
            for _ in range(2000):
                u = movable[randrange(n_mov)]
                a = room[u]
                if rand() < swap_share:
                    v = movable[randrange(n_mov)]
                    b = room[v]
                    if a == b or b not in ok[u] or a not in ok[v]:
                        continue
                    d1 = delta(u, b)
                    move(u, b, d1)
                    d2 = delta(v, a)
                    d = d1 + d2
                    if d <= 0 or rand() < exp(-d / temp):
                        move(v, a, d2)
                    else:
                        move(u, a, -d1)
                        continue
                else:
                    partners = rules[u]
                    if partners and rand() < partner_share:
                        # Towards a rule partner: SAMEROOM and NEARBY
                        # rules are met by joining the partner's room.
                        b = room[partners[randrange(len(partners))][1]]
                        if b == a or b not in ok[u]:
                            continue
                    else:
                        choices = allowed[u]
                        b = choices[randrange(len(choices))]
                        if b == a:
                            continue
                    d = delta(u, b)
                    if d > 0 and rand() >= exp(-d / temp):
                        continue
                    move(u, b, d)
                accepted += 1
                if self.cost < HARD and (
                    best_cost is None or self.cost < best_cost
                ):
                    best_cost = self.cost
                    best_plan = self.plan()
            moves += 2000
        return self._result(best_plan, start, moves, accepted, best_cost)

    def _result(
        self,
        plan: list[int] | None,
        start: float,
        moves: int,
        accepted: int,
        cost: int | None = None,
    ) -> AnnealResult:
        final = self.plan() if self.cost < HARD else None
        return AnnealResult(
            plan, cost, moves, accepted, time.perf_counter() - start, final
        )


def anneal(
    instance: Instance,
    start_plan: Sequence[int],
    time_limit: float,
    seed: int = 0,
    away_from: AwayFrom = "floor",
    stop: threading.Event | None = None,
    report: Callable[[list[int]], None] | None = None,
    t_start: float = 2000.0,
    max_moves: int | None = None,
) -> AnnealResult:
    """Anneal from ``start_plan`` for ``time_limit`` seconds.

    See :meth:`Annealer.run` for ``stop``, ``report``, ``t_start`` and
    ``max_moves``.
    """
    state = Annealer(instance, away_from)
    state.set_plan(start_plan)
    return state.run(
        time_limit, seed=seed, stop=stop, report=report, t_start=t_start,
        max_moves=max_moves,
    )
