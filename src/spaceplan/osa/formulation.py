"""The integer formulation of an OSA instance, free of any solver.

No solver is imported here, so that the CP-SAT and HiGHS back-ends solve
exactly the same model: binary ``x[e, r]`` (entity ``e`` in room ``r``),
integer over-use ``over[r]`` in centi-units, binary floor variables
``y[e, f]`` for entities in floor rules, and one binary ``v[c]`` per soft
rule that needs one.  Objective (centi-units)::

    (ΣC − ΣS) + 3·Σ_r over[r] + 100·Σ_c w_c·v[c]

which equals under-use + 2·over-use plus penalties, because under-use −
over-use = ΣC − ΣS for any assignment.  Only linear rows with integer
coefficients are used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spaceplan.osa.evaluate import AwayFrom
from spaceplan.osa.read import CENTI, Instance, RuleType

__all__ = [
    "Components",
    "Formulation",
    "Row",
    "allowed_rooms",
    "build_formulation",
    "hard_subjects",
    "same_room_groups",
    "trivial_bound",
]


@dataclass(frozen=True)
class Row:
    """A linear row ``lb <= Σ coef·var <= ub`` (None: unbounded side)."""

    coefs: tuple[tuple[int, int], ...]
    lb: int | None
    ub: int | None
    tag: str


@dataclass
class Formulation:
    """Solver-neutral integer linear model of one OSA instance.

    Variables are numbered; ``lb``/``ub`` hold integer bounds (binary
    variables have ``[0, 1]``).  Build it with :func:`build_formulation`.
    """

    instance: Instance
    away_from: AwayFrom
    lb: list[int] = field(default_factory=list)
    ub: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)
    offset: int = 0
    x: dict[tuple[int, int], int] = field(default_factory=dict)
    over: dict[int, int] = field(default_factory=dict)
    y: dict[tuple[int, int], int] = field(default_factory=dict)
    lonely: dict[int, int] = field(default_factory=dict)
    symmetric: list[list[int]] = field(default_factory=list)
    viol: dict[int, int] = field(default_factory=dict)
    allowed: list[list[int]] = field(default_factory=list)

    @property
    def num_vars(self) -> int:
        """Number of variables."""
        return len(self.lb)

    def add_var(self, name: str, lb: int, ub: int) -> int:
        """Add an integer variable and return its index."""
        self.lb.append(lb)
        self.ub.append(ub)
        self.names.append(name)
        return len(self.lb) - 1

    def add_row(
        self,
        coefs: dict[int, int],
        lb: int | None,
        ub: int | None,
        tag: str,
    ) -> None:
        """Add a linear row, dropping zero coefficients."""
        items = tuple((v, c) for v, c in coefs.items() if c != 0)
        if items:
            self.rows.append(Row(items, lb, ub, tag))

    def rooms_from(self, values: Sequence[float]) -> list[int]:
        """Decode an assignment from variable values (rounded)."""
        rooms = [-1] * self.instance.num_entities
        for (e, r), var in self.x.items():
            if values[var] > 0.5:
                rooms[e] = r
        return rooms

    def canonical(self, rooms: Sequence[int]) -> list[int]:
        """The same plan with interchangeable entities in room order.

        The symmetry rows of the model order the rooms of interchangeable
        entities; a warm start must follow that order to be feasible.
        """
        result = list(rooms)
        for group in self.symmetric:
            for e, r in zip(group, sorted(rooms[e] for e in group), strict=True):
                result[e] = r
        return result

    def values_for(self, rooms: Sequence[int]) -> list[int]:
        """All variable values that an assignment implies.

        Parameters
        ----------
        rooms
            Room id per entity.

        Returns
        -------
        list of int
            One value per variable; the violation variables are set to
            the smallest value their rows allow, so the objective of these
            values equals the evaluator's objective (when feasible).
        """
        inst = self.instance
        values = [0] * self.num_vars
        load = [0] * inst.num_rooms
        for (e, r), var in self.x.items():
            if rooms[e] == r:
                values[var] = 1
        for e, r in enumerate(rooms):
            load[r] += inst.entities[e].size
        for r, var in self.over.items():
            values[var] = max(0, load[r] - inst.rooms[r].capacity)
        lonely = {
            e for (e, r), var in self.x.items() if values[var]
        } & hard_subjects(inst, RuleType.NOTSHARING)
        for r, var in self.lonely.items():
            values[var] = sum(rooms[e] == r for e in lonely)
        for (e, f), var in self.y.items():
            values[var] = int(inst.rooms[rooms[e]].floor == f)
        for var in self.viol.values():
            values[var] = 0
            # Raise v[c] only if some row needs it: the rows are the
            # definition, so this stays consistent with the model.
            for row in self._viol_rows.get(var, ()):
                total = sum(c * values[v] for v, c in row.coefs)
                if row.ub is not None and total > row.ub:
                    values[var] = 1
                    break
        return values

    @property
    def _viol_rows(self) -> dict[int, list[Row]]:
        cache = self.__dict__.get("_viol_rows_cache")
        if cache is None:
            viol_vars = set(self.viol.values())
            cache = defaultdict(list)
            for row in self.rows:
                for var, _ in row.coefs:
                    if var in viol_vars:
                        cache[var].append(row)
            self.__dict__["_viol_rows_cache"] = cache
        return cache

    def objective_of(self, values: Sequence[int]) -> int:
        """Objective (centi-units) of integer variable values."""
        return self.offset + sum(
            c * values[v] for v, c in self.objective.items()
        )


def trivial_bound(instance: Instance, bound: int | None = None) -> int:
    """The larger of ``bound`` and the space-misuse bound of the instance.

    Under-use − over-use = ΣC − ΣS for every plan, so misuse
    = (ΣC − ΣS) + 3·Σ over-use, and Σ over-use ≥ max(0, ΣS − ΣC): every
    plan costs at least ΣC − ΣS when space suffices and 2·(ΣS − ΣC) when
    it does not.  A solver stopped before its LP has run can report less
    (even a negative bound, since soft allocations carry negative
    coefficients); this floor keeps the reported gap honest.
    """
    slack = instance.total_capacity - instance.total_size
    floor = slack if slack >= 0 else -2 * slack
    return floor if bound is None else max(bound, floor)


class Components:
    """Union-find over entities, for hard SAMEROOM rules."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def hard_subjects(instance: Instance, kind: RuleType) -> set[int]:
    """Subjects of the hard rules of one kind (entities or rooms).

    For NOTSHARING, the entities that must be alone; for CAPACITY, the
    rooms that may not be over-used.
    """
    return {
        rule.subject
        for rule in instance.rules
        if rule.hard and rule.kind is kind
    }


def same_room_groups(instance: Instance) -> list[list[int]]:
    """Entities tied by hard SAMEROOM rules, in groups (singletons too).

    Groups are ordered by their first entity and list entities in order,
    so every caller sees the same grouping.
    """
    comps = Components(instance.num_entities)
    for rule in instance.rules:
        if rule.hard and rule.kind is RuleType.SAMEROOM:
            comps.union(rule.subject, rule.target)
    members: dict[int, list[int]] = defaultdict(list)
    for e in range(instance.num_entities):
        members[comps.find(e)].append(e)
    return list(members.values())


def allowed_rooms(instance: Instance) -> list[list[int]]:
    """Rooms each entity may take without breaking a unary hard rule.

    Hard ALLOCATION and NONALLOCATION rules fix or forbid rooms, and a
    hard CAPACITY rule forbids the room to any entity (or hard same-room
    group) larger than it.  Hard SAMEROOM groups share one room list.

    Parameters
    ----------
    instance
        The instance.

    Returns
    -------
    list of list of int
        Sorted room ids per entity.
    """
    num_e, num_r = instance.num_entities, instance.num_rooms
    ok = [set(range(num_r)) for _ in range(num_e)]
    for rule in instance.rules:
        if not rule.hard:
            continue
        if rule.kind is RuleType.ALLOCATION:
            ok[rule.subject] &= {rule.target}
        elif rule.kind is RuleType.NONALLOCATION:
            ok[rule.subject].discard(rule.target)
    hard_cap = hard_subjects(instance, RuleType.CAPACITY)
    result: list[list[int]] = [[] for _ in range(num_e)]
    for group in same_room_groups(instance):
        rooms = set(range(num_r))
        for e in group:
            rooms &= ok[e]
        size = sum(instance.entities[e].size for e in group)
        rooms -= {r for r in hard_cap if size > instance.rooms[r].capacity}
        for e in group:
            result[e] = sorted(rooms)
    return result


def build_formulation(
    instance: Instance, away_from: AwayFrom = "floor"
) -> Formulation:
    """Build the OSA integer linear model.

    Parameters
    ----------
    instance
        The instance.
    away_from
        Reading of AWAYFROM rules (see :mod:`spaceplan.osa.evaluate`).

    Returns
    -------
    Formulation
        The model, in centi-units.
    """
    form = Formulation(instance, away_from)
    form.allowed = allowed_rooms(instance)
    _add_assignment(form)
    _add_space(form)
    _add_not_sharing(form)
    _add_floors(form)
    _add_rules(form)
    _add_symmetry(form)
    return form


def _add_assignment(form: Formulation) -> None:
    for e, rooms in enumerate(form.allowed):
        for r in rooms:
            form.x[e, r] = form.add_var(f"x_{e}_{r}", 0, 1)
        form.add_row({form.x[e, r]: 1 for r in rooms}, 1, 1, "assign")


def _occupants(form: Formulation) -> dict[int, list[int]]:
    by_room: dict[int, list[int]] = defaultdict(list)
    for e, r in form.x:
        by_room[r].append(e)
    return by_room


def _add_space(form: Formulation) -> None:
    inst = form.instance
    form.offset += inst.total_capacity - inst.total_size
    hard_cap = hard_subjects(inst, RuleType.CAPACITY)
    for r, ents in sorted(_occupants(form).items()):
        cap = inst.rooms[r].capacity
        sizes = {e: inst.entities[e].size for e in ents}
        max_over = 0 if r in hard_cap else max(0, sum(sizes.values()) - cap)
        over = form.add_var(f"over_{r}", 0, max_over)
        form.over[r] = over
        form.objective[over] = 3
        # Over-use rows over ≥ Σ_e (S_e − t)⁺·x_e − (C − t), valid for every
        # threshold t in [0, C] (see the module notes); t = 0 is the plain
        # load row, t = C says each entity alone over-uses by S_e − C.
        # The LP picks the tightest; larger t helps when it splits entities.
        for t in _thresholds(cap, sizes.values()):
            coefs = {
                form.x[e, r]: s - t for e, s in sizes.items() if s > t
            }
            if not coefs:
                continue
            coefs[over] = -1
            form.add_row(coefs, None, cap - t, f"space{t == 0 and '0' or ''}")


def _add_not_sharing(form: Formulation) -> None:
    inst = form.instance
    hard_ns = hard_subjects(inst, RuleType.NOTSHARING)
    for r, ents in sorted(_occupants(form).items()):
        lonely = [e for e in ents if e in hard_ns]
        if not lonely:
            continue
        # z = Σ x[lonely, r] ≤ 1 says the room holds at most one lonely
        # entity; x[e, r] + z ≤ 1 keeps everyone else out when it holds
        # one.  As tight as the clique rows x[e, r] + Σ x[lonely, r] ≤ 1
        # but sparse: the dense cliques made CP-SAT's LP crawl on nott1c.
        z = form.add_var(f"z_{r}", 0, 1)
        form.lonely[r] = z
        coefs = {form.x[e, r]: 1 for e in lonely}
        coefs[z] = -1
        form.add_row(coefs, 0, 0, "lonely")
        for e in ents:
            if e not in hard_ns:
                form.add_row({form.x[e, r]: 1, z: 1}, None, 1, "lonely")


def _floor_rule(form: Formulation, kind: RuleType) -> bool:
    return kind is RuleType.NEARBY or (
        kind is RuleType.AWAYFROM and form.away_from == "floor"
    )


def _add_floors(form: Formulation) -> None:
    inst = form.instance
    need: set[int] = set()
    for rule in inst.rules:
        if _floor_rule(form, rule.kind):
            need.update((rule.subject, rule.target))
    for e in sorted(need):
        by_floor: dict[int, list[int]] = defaultdict(list)
        for r in form.allowed[e]:
            by_floor[inst.rooms[r].floor].append(r)
        for f in inst.floors:
            var = form.add_var(f"y_{e}_{f}", 0, 1 if by_floor[f] else 0)
            form.y[e, f] = var
            coefs = {form.x[e, r]: 1 for r in by_floor[f]}
            coefs[var] = -1
            form.add_row(coefs, 0, 0, "floor")


def _add_rules(form: Formulation) -> None:
    inst = form.instance
    for rule in inst.rules:
        kind, one, two = rule.kind, rule.subject, rule.target
        weight = rule.weight * CENTI
        if kind in (RuleType.ALLOCATION, RuleType.NONALLOCATION):
            if rule.hard:
                continue  # handled by allowed_rooms
            var = form.x.get((one, two))
            if kind is RuleType.ALLOCATION:
                # Penalty w·(1 − x): a constant plus −w·x, no new variable.
                form.offset += weight
                if var is not None:
                    form.objective[var] = form.objective.get(var, 0) - weight
            elif var is not None:
                form.objective[var] = form.objective.get(var, 0) + weight
            continue
        if kind is RuleType.NOTSHARING and rule.hard:
            continue  # handled by _add_not_sharing
        if kind is RuleType.SAMEROOM and rule.hard:
            # Same allowed rooms already; tie the x of both entities.
            for r in form.allowed[one]:
                form.add_row(
                    {form.x[one, r]: 1, form.x[two, r]: -1}, 0, 0, "same"
                )
            continue
        if kind is RuleType.CAPACITY and rule.hard:
            continue  # over[r] has upper bound 0
        if rule.hard:
            viol = None
        else:
            viol = form.add_var(f"v_{rule.cid}", 0, 1)
            form.viol[rule.cid] = viol
            form.objective[viol] = weight
        _RULE_ROWS[kind](form, one, two, viol)


def _with(coefs: dict[int, int], viol: int | None, coef: int) -> dict[int, int]:
    if viol is not None:
        coefs[viol] = coefs.get(viol, 0) + coef
    return coefs


def _xs(
    form: Formulation, e: int, rooms: Iterable[int]
) -> dict[int, int]:
    return {form.x[e, r]: 1 for r in rooms if (e, r) in form.x}


def _rows_capacity(
    form: Formulation, room: int, _: int, viol: int | None
) -> None:
    over = form.over.get(room)
    if over is None or viol is None:
        return
    # over ≤ M·v, M the largest possible over-use.
    form.add_row({over: 1, viol: -max(1, form.ub[over])}, None, 0, "cap")


def _rows_sameroom(
    form: Formulation, one: int, two: int, viol: int | None
) -> None:
    # Both directions: one suffices for integer points, both tighten the LP.
    for a, b in ((one, two), (two, one)):
        for r in form.allowed[a]:
            coefs = {form.x[a, r]: 1}
            if (b, r) in form.x:
                coefs[form.x[b, r]] = -1
            form.add_row(_with(coefs, viol, -1), None, 0, "sameroom")


def _rows_notsameroom(
    form: Formulation, one: int, two: int, viol: int | None
) -> None:
    for r in set(form.allowed[one]) & set(form.allowed[two]):
        coefs = {form.x[one, r]: 1, form.x[two, r]: 1}
        form.add_row(_with(coefs, viol, -1), None, 1, "notsameroom")


def _rows_notsharing(
    form: Formulation, one: int, _: int, viol: int | None
) -> None:
    # Soft only (hard ones are clique rows): v ≥ x[one,r] + x[e,r] − 1.
    for r in form.allowed[one]:
        for e in range(form.instance.num_entities):
            if e != one and (e, r) in form.x:
                coefs = {form.x[one, r]: 1, form.x[e, r]: 1}
                form.add_row(_with(coefs, viol, -1), None, 1, "notsharing")


def _rows_adjacency(
    form: Formulation, one: int, two: int, viol: int | None
) -> None:
    inst = form.instance
    # The rule reads from the subject's room: target in near[room(one)].
    # The reverse rows (tighter LP) use the transposed lists, which differ
    # when an instance lists adjacency one way only (no file in the data
    # set does, but a reversed row there would cut off good plans).
    for a, b, around in ((one, two, inst.near), (two, one, inst.near_into)):
        for r in form.allowed[a]:
            coefs = {form.x[a, r]: 1}
            for var in _xs(form, b, around[r]):
                coefs[var] = -1
            form.add_row(_with(coefs, viol, -1), None, 0, "adjacency")


def _rows_nearby(
    form: Formulation, one: int, two: int, viol: int | None
) -> None:
    for a, b in ((one, two), (two, one)):
        for f in form.instance.floors:
            coefs = {form.y[a, f]: 1, form.y[b, f]: -1}
            form.add_row(_with(coefs, viol, -1), None, 0, "nearby")


def _rows_awayfrom(
    form: Formulation, one: int, two: int, viol: int | None
) -> None:
    if form.away_from == "floor":
        for f in form.instance.floors:
            coefs = {form.y[one, f]: 1, form.y[two, f]: 1}
            form.add_row(_with(coefs, viol, -1), None, 1, "awayfrom")
        return
    near = form.instance.near
    for r in form.allowed[one]:
        # two sits in at most one room, so this sum is at most 2.
        coefs = {form.x[one, r]: 1, **_xs(form, two, near[r])}
        form.add_row(_with(coefs, viol, -1), None, 1, "awayfrom")


_RULE_ROWS = {
    RuleType.CAPACITY: _rows_capacity,
    RuleType.SAMEROOM: _rows_sameroom,
    RuleType.NOTSAMEROOM: _rows_notsameroom,
    RuleType.NOTSHARING: _rows_notsharing,
    RuleType.ADJACENCY: _rows_adjacency,
    RuleType.NEARBY: _rows_nearby,
    RuleType.AWAYFROM: _rows_awayfrom,
}


def _add_symmetry(form: Formulation) -> None:
    inst = form.instance
    in_rule = set()
    for rule in inst.rules:
        in_rule.add(rule.subject)
        if rule.kind not in (
            RuleType.ALLOCATION,
            RuleType.NONALLOCATION,
            RuleType.CAPACITY,
            RuleType.NOTSHARING,
        ):
            in_rule.add(rule.target)
        if rule.kind is RuleType.CAPACITY:
            in_rule.discard(rule.subject)
    # Entities in no rule with equal size and room list are interchangeable:
    # order them by room index so that only one of their permutations is
    # left.  (Room symmetry is rare: adjacency lists differ.)
    classes: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    for e, entity in enumerate(inst.entities):
        if e not in in_rule:
            classes[entity.size, tuple(form.allowed[e])].append(e)
    for (_, rooms), ents in classes.items():
        if len(ents) > 1:
            form.symmetric.append(ents)
        for a, b in zip(ents, ents[1:], strict=False):
            coefs = {form.x[a, r]: r for r in rooms if r}
            for r in rooms:
                if r:
                    coefs[form.x[b, r]] = coefs.get(form.x[b, r], 0) - r
            form.add_row(coefs, None, 0, "symmetry")


#: Fractions of a room's capacity used as thresholds in the over-use rows.
_FRACTIONS: tuple[float, ...] = ()


def _thresholds(cap: int, sizes: Iterable[int]) -> list[int]:
    del sizes
    return sorted({0, cap, *(int(cap * f) for f in _FRACTIONS)})
