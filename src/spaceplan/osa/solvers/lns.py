"""Large-neighbourhood search for OSA, kicked by warm anneals.

:func:`lns` fixes all entities but 20–70 (chosen by room, floor,
department, rule web, around violated rules, or by misuse: over-used
rooms with the rooms nearest their load in capacity), re-solves the small
model with one CP-SAT worker, and keeps gains; a share of the steps
re-solves 30–130 entities with HiGHS instead
(:class:`spaceplan.osa.solvers.highs.SubMip`).  :func:`search` repeats it
and kicks the plan out of a stall with a short, warm anneal (an iterated
local search).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from spaceplan.osa.evaluate import AwayFrom, evaluate, room_loads
from spaceplan.osa.formulation import Formulation
from spaceplan.osa.read import Instance, Rule, RuleType
from spaceplan.osa.solvers.anneal import anneal
from spaceplan.osa.solvers.cpsat import CpsatModel, GlobalRun, reporter
from spaceplan.osa.solvers.highs import SubMip
from spaceplan.osa.solvers.incumbent import Incumbent

__all__ = [
    "NEIGHBOURHOODS",
    "Heat",
    "lns",
    "misuse",
    "neighbourhood",
    "rule_web",
    "search",
]


#: Neighbourhood sizes (entities) of the LNS's HiGHS steps: the range,
#: the first size, and the time limit of one step (s).
_MIP_SIZES = (30, 130)

_MIP_START = 50
_MIP_STEP_SECONDS = 3.0

#: Neighbourhood kinds of the LNS, drawn uniformly (repeats weight them).
NEIGHBOURHOODS = (
    "room", "floor", "rule", "rule", "group", "cluster", "cluster",
    "misuse", "misuse",
)


_CLUSTER_KINDS = (RuleType.SAMEROOM, RuleType.ADJACENCY, RuleType.NEARBY)


def rule_web(instance: Instance, rule: Rule) -> set[int]:
    """Entities linked to ``rule`` by soft rules of the same kind."""
    links: dict[int, set[int]] = {}
    for other in instance.rules:
        if other.kind is rule.kind and not other.hard:
            links.setdefault(other.subject, set()).add(other.target)
            links.setdefault(other.target, set()).add(other.subject)
    web: set[int] = set()
    stack = [rule.subject, rule.target]
    while stack:
        e = stack.pop()
        if e not in web:
            web.add(e)
            stack.extend(links.get(e, ()))
    return web


def _rooms_around(
    instance: Instance, rooms: Sequence[int], free: set[int],
    rng: random.Random, extra: int = 6,
) -> set[int]:
    """Rooms of the freed entities, their adjacent rooms, a few more."""
    own = {rooms[e] for e in free}
    around = set(own)
    for r in own:
        around.update(instance.near[r])
    others = [r for r in range(instance.num_rooms) if r not in around]
    around.update(rng.sample(others, min(extra, len(others))))
    return around


def misuse(
    instance: Instance,
    rooms: Sequence[int],
    by_room: dict[int, list[int]],
    rng: random.Random,
    size: int,
) -> set[int]:
    """Entities of over-used rooms and of rooms of about their load.

    In a tight packing the over-use sits in single rooms a little too
    small for their occupants (p025_n005 at 131.80: 13 rooms over by
    0.2–1.5 m², each with one entity), and fixing one takes a chain of
    moves among rooms of similar capacity anywhere in the building, which
    the spatial neighbourhoods do not free together.  So: one to three
    over-used rooms (or, with none, the most under-used), then rooms in
    order of how close their capacity is to one of those loads.
    """
    loads = room_loads(instance, rooms)
    caps = [room.capacity for room in instance.rooms]
    over = [r for r in by_room if loads[r] > caps[r]]
    if not over:
        over = sorted(by_room, key=lambda r: loads[r] - caps[r])[:6]
    picked = rng.sample(over, min(len(over), rng.randint(1, 3)))
    free: set[int] = set()
    order = sorted(
        range(instance.num_rooms),
        key=lambda r: min(abs(caps[r] - loads[p]) for p in picked)
        + rng.random(),
    )
    for r in picked + order:
        if len(free) >= size:
            break
        free.update(by_room.get(r, ()))
    return free


def neighbourhood(
    instance: Instance, rooms: Sequence[int], rng: random.Random, size: int,
    away_from: AwayFrom,
) -> tuple[str, set[int]]:
    """Pick about ``size`` entities to re-open around the incumbent.

    Returns the kind drawn (one of :data:`NEIGHBOURHOODS`) and the
    entities.
    """
    num_e = instance.num_entities
    by_room: dict[int, list[int]] = {}
    for e, r in enumerate(rooms):
        by_room.setdefault(r, []).append(e)
    kind = rng.choice(NEIGHBOURHOODS)
    free: set[int] = set()
    if kind == "misuse":
        free = misuse(instance, rooms, by_room, rng, size)
    elif kind == "cluster":
        # A broken pair rule's whole web of rules of its kind (soft
        # SAMEROOM rules form chains of 2–5 entities whose joint size
        # exceeds most rooms), their rooms, and rooms large enough to
        # take much of the web: meeting such rules moves many entities
        # into one big room and its occupants elsewhere at once.
        webbed = [
            v.rule
            for v in evaluate(instance, rooms, away_from).soft_violations
            if v.rule.kind in _CLUSTER_KINDS
        ]
        if webbed:
            web = rule_web(instance, rng.choice(webbed))
            total = sum(instance.entities[e].size for e in web)
            for e in web:
                free.update(by_room[rooms[e]])
            hosts = [
                r
                for r, room in enumerate(instance.rooms)
                if 2 * room.capacity >= total
            ]
            rng.shuffle(hosts)
            for r in hosts:
                if len(free) >= size:
                    break
                free.update(by_room.get(r, ()))
    elif kind == "group":
        # Whole departments (OSA group ids) with whoever shares their
        # rooms: NEARBY and SAMEROOM rules mostly tie one group, and
        # moving it to another floor needs all of it free at once.
        groups = sorted({entity.group for entity in instance.entities})
        rng.shuffle(groups)
        members: dict[int, list[int]] = {}
        for e, entity in enumerate(instance.entities):
            members.setdefault(entity.group, []).append(e)
        for g in groups:
            for e in members[g]:
                free.update(by_room[rooms[e]])
            if len(free) >= size:
                break
    elif kind == "rule":
        broken = evaluate(instance, rooms, away_from).soft_violations
        seeds = [
            e
            for v in broken
            for e in (v.rule.subject, v.rule.target)
            if v.rule.kind
            not in (RuleType.CAPACITY,)
            and 0 <= e < num_e
        ]
        rng.shuffle(seeds)
        for e in seeds:
            # Re-open the rule's entities and whoever shares their rooms.
            free.update(by_room[rooms[e]])
            free.add(e)
            if len(free) >= size:
                break
    elif kind == "floor":
        floor = rng.choice(instance.floors)
        pool = [
            e for e in range(num_e) if instance.rooms[rooms[e]].floor == floor
        ]
        free.update(rng.sample(pool, min(size, len(pool))))
    # Top up (and the "room" kind): grow around random rooms and their
    # adjacent rooms, so that moves between neighbours are possible.
    room_order = list(range(instance.num_rooms))
    rng.shuffle(room_order)
    for r in room_order:
        if len(free) >= size:
            break
        for q in sorted(instance.near[r]):
            free.update(by_room.get(q, ()))
    return kind, free


def lns(
    model: CpsatModel,
    current: tuple[list[int], int],
    best: Incumbent,
    runner: GlobalRun,
    deadline: float,
    seed: int,
    log: list[str],
    sub_limit: float = 1.0,
    stall: int = 60,
    repack: float = 0.5,
    mip: SubMip | None = None,
    mip_share: float = 0.0,
) -> tuple[list[int], int]:
    """Re-open entities around ``current``, re-solve, keep gains.

    A step re-opens 20–45 entities for CP-SAT (40–70 once half-way to a
    stall), or, with probability ``mip_share``, 30–130 for ``mip``
    (HiGHS), whose LP proves most such neighbourhoods optimal within
    seconds.
    Returns after ``stall`` steps without a gain (or at the deadline, or
    when the global run is done).  Each gain that beats the shared best
    is offered to it and to the global run's stopping test; a better plan
    that another source (the global run) finds meanwhile replaces
    ``current`` between steps.
    """
    instance = model.form.instance
    away_from = model.form.away_from
    rng = random.Random(seed)
    size = 30
    # HiGHS steps take larger neighbourhoods, grown while it proves them.
    mip_size = _MIP_START
    it = idle = 0
    rooms, objective = current
    seen = best.objective
    while (left := deadline - best.clock()) > 0.5 and idle < stall:
        if runner.done.is_set():
            break
        it += 1
        idle += 1
        # Half-way to a stall, escalate: neighbourhoods of 40–70 entities
        # with 3 s each reach moves the small ones cannot.
        wide = 2 * idle > stall
        low, high, limit = (
            (40, 70, 3 * sub_limit) if wide else (20, 45, sub_limit)
        )
        size = min(max(size, low), high)
        with best.lock:
            # Take up a plan found elsewhere (the global run) since the
            # last look; the shared best as such is not taken, or a kick
            # away from it would be undone at the first step.
            if best.objective != seen:
                seen = best.objective
                if seen is not None and seen < objective:
                    assert best.rooms is not None
                    rooms, objective = list(best.rooms), seen
        if mip is not None and rng.random() < mip_share:
            # A HiGHS step: a larger neighbourhood, usually proved.
            kind, free = neighbourhood(
                instance, rooms, rng, mip_size, away_from
            )
            proved, candidate = mip.solve(
                rooms, free, min(left, _MIP_STEP_SECONDS), runner.done
            )
            mip_low, mip_high = _MIP_SIZES
            mip_size = (
                min(mip_high, mip_size + 2) if proved
                else max(mip_low, mip_size - 5)
            )
            kind += "/highs"
        else:
            kind, free = neighbourhood(instance, rooms, rng, size, away_from)
            # Every other step, re-pack the freed entities among their own
            # rooms, the rooms next to them and a few others: a far
            # smaller sub-model that CP-SAT often solves to optimality
            # within the step (on nott1 the open version rarely improved
            # in 1 s).
            within = (
                _rooms_around(instance, rooms, free, rng)
                if rng.random() < repack
                else None
            )
            proved, candidate = model.step(
                rooms, free, within, min(left, limit), seed + it
            )
            # Fully solved neighbourhoods are easy: grow them.
            size = min(high, size + 1) if proved else max(low, size - 2)
        if candidate is None or -1 in candidate:
            continue
        check = evaluate(instance, candidate, away_from)
        # HiGHS works to tolerances: only a plan the checker passes counts.
        value = check.objective
        if check.feasible and value < objective:
            rooms, objective, idle = candidate, value, 0
            if best.offer(candidate, value):
                seen = value
                runner.check()
                log.append(
                    f"lns it {it} {kind} size {len(free)} obj={value} "
                    f"at {best.clock() - best.start:.1f}s"
                )
    log.append(f"lns {it} steps, ended at {objective}")
    return rooms, objective


class Heat:
    """Starting temperature of the kicks, tuned to land near the best plan.

    A kick should leave the best plan's basin but stay close enough for
    the LNS to find its way down again.  At a fixed 600 (centi-units) the
    kicks of the logged 300 s runs ended 9 % (nott1b), 18 % (p025_n005)
    and 90 % (p000_n000) above the best plan, and none led to a better
    one.  The first heat is therefore a share of the best objective (the
    solve's ``kick_heat``), at least :attr:`LOWEST`; it halves after a
    kick that lands more than :attr:`FAR` above the best and doubles
    after one that lands within :attr:`NEAR` (it barely moved), which is
    then repeated at once, up to :attr:`TRIES` kicks in a row.
    """

    FAR = 0.05
    NEAR = 0.005
    LOWEST = 20.0
    #: Kicks in a row while they do not move (each one hotter).
    TRIES = 4

    def __init__(self, start: float) -> None:
        self.value = max(start, self.LOWEST)

    def adapt(self, best: int, kicked: int) -> bool:
        """Adjust the heat to a kick's landing; True when it did not move."""
        excess = (kicked - best) / max(abs(best), 1)
        if excess > self.FAR:
            self.value = max(self.value / 2, self.LOWEST)
        elif excess < self.NEAR:
            self.value *= 2
            return True
        return False


def search(
    form: Formulation,
    runner: GlobalRun,
    best: Incumbent,
    deadline: float,
    seed: int,
    log: list[str],
    stall: int = 60,
    kick: float = 3.0,
    kick_heat: float = 0.003,
    mip_share: float = 0.0,
) -> None:
    """LNS, kicked by warm anneals when it stalls, until the deadline."""
    instance, away_from = form.instance, form.away_from
    report = reporter(form, best, runner)
    if best.rooms is None:
        return
    model = CpsatModel(form)
    mip = SubMip(form, seed) if mip_share > 0 else None
    with best.lock:
        current = (list(best.rooms), best.objective or 0)
    rng = random.Random(seed)
    rounds = 0
    heat = Heat(kick_heat * abs(best.objective or 0))
    while not runner.done.is_set() and best.clock() < deadline - 0.5:
        rounds += 1
        current = lns(
            model, current, best, runner, deadline, seed + 1000 * rounds,
            log, stall=stall, mip=mip, mip_share=mip_share,
        )
        left = deadline - best.clock()
        if runner.done.is_set() or left < 2 * kick:
            break
        # Stalled: kick the plan out of its basin with a short, warm
        # anneal from the best plan, then search around the result (an
        # iterated local search; the best plan is never lost).  A kick
        # that ends where it began is no kick: try again, hotter.
        for _ in range(Heat.TRIES):
            if deadline - best.clock() < 2 * kick:
                break
            with best.lock:
                assert best.rooms is not None
                plan, top = list(best.rooms), best.objective or 0
            found = anneal(
                instance, plan, kick, seed=rng.randrange(1 << 30),
                away_from=away_from, stop=runner.done, t_start=heat.value,
                report=report,
            )
            end = found.final or found.rooms
            if end is None or runner.done.is_set():
                break
            plan = form.canonical(end)
            current = (plan, evaluate(instance, plan, away_from).objective)
            log.append(
                f"kick {rounds} (heat {heat.value:.0f}): from "
                f"{best.objective} to {current[1]} at "
                f"{best.clock() - best.start:.1f}s"
            )
            if not heat.adapt(top, current[1]):
                break
