"""Score an OSA assignment without any solver.

This module is the one authority on the OSA objective: every solver's
answer is re-scored here.  The objective, in exact centi-units, is

``Σ_r [max(0, C_r − load_r) + 2·max(0, load_r − C_r)]
+ 100 · Σ_{violated soft rules} weight``,

empty rooms counting as fully under-used.  Hard rules never enter the
objective; their violations are listed instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spaceplan.osa.read import CENTI, Instance, Rule, RuleType, format_centi

__all__ = [
    "AwayFrom",
    "Evaluation",
    "Violation",
    "evaluate",
    "room_loads",
    "rule_violated",
]

#: Reading of AWAYFROM: ``"floor"`` (readme: the two entities sit on
#: different floors) or ``"room"`` (not in the same or an adjacent room).
AwayFrom = Literal["floor", "room"]


@dataclass(frozen=True)
class Violation:
    """One violated rule, with a short human-readable reason."""

    rule: Rule
    message: str


@dataclass(frozen=True)
class Evaluation:
    """The score of an assignment, all amounts in centi-units."""

    under: int
    over: int
    penalty: int
    soft_violations: tuple[Violation, ...]
    hard_violations: tuple[Violation, ...]

    @property
    def misuse(self) -> int:
        """Space misuse: under-use plus twice the over-use."""
        return self.under + 2 * self.over

    @property
    def objective(self) -> int:
        """Misuse plus soft-rule penalties (centi-units)."""
        return self.misuse + self.penalty

    @property
    def feasible(self) -> bool:
        """True when no hard rule is violated."""
        return not self.hard_violations

    def summary(self) -> str:
        """One line: objective, its parts and the hard-violation count."""
        return (
            f"objective {format_centi(self.objective)} = misuse "
            f"{format_centi(self.misuse)} + penalty "
            f"{format_centi(self.penalty)}; "
            f"{len(self.soft_violations)} soft and "
            f"{len(self.hard_violations)} hard violations"
        )


def room_loads(instance: Instance, rooms: Sequence[int]) -> list[int]:
    """Summed entity size (centi) per room under the assignment ``rooms``."""
    loads = [0] * instance.num_rooms
    for entity, rid in zip(instance.entities, rooms, strict=True):
        loads[rid] += entity.size
    return loads


def rule_violated(
    instance: Instance,
    rule: Rule,
    rooms: Sequence[int],
    loads: Sequence[int],
    occupants: Sequence[int],
    away_from: AwayFrom = "floor",
) -> str | None:
    """Say whether one rule is violated by an assignment, and why.

    Parameters
    ----------
    instance
        The instance.
    rule
        The rule to test.
    rooms
        Room id per entity.
    loads
        Load per room (centi), as from the same assignment.
    occupants
        Number of entities per room.
    away_from
        Reading of AWAYFROM rules.

    Returns
    -------
    str or None
        A reason when violated, else None.
    """
    kind, one, two = rule.kind, rule.subject, rule.target
    floor = [room.floor for room in instance.rooms]
    if kind is RuleType.ALLOCATION:
        if rooms[one] != two:
            return f"entity {one} is in room {rooms[one]}, not {two}"
    elif kind is RuleType.NONALLOCATION:
        if rooms[one] == two:
            return f"entity {one} is in room {two}"
    elif kind is RuleType.CAPACITY:
        if loads[one] > instance.rooms[one].capacity:
            return f"room {one} is over-used"
    elif kind is RuleType.SAMEROOM:
        if rooms[one] != rooms[two]:
            return f"entities {one} and {two} are in different rooms"
    elif kind is RuleType.NOTSAMEROOM:
        if rooms[one] == rooms[two]:
            return f"entities {one} and {two} share room {rooms[one]}"
    elif kind is RuleType.NOTSHARING:
        if occupants[rooms[one]] > 1:
            return f"entity {one} shares room {rooms[one]}"
    elif kind is RuleType.ADJACENCY:
        if rooms[two] not in instance.near[rooms[one]]:
            return f"rooms of entities {one} and {two} are not adjacent"
    elif kind is RuleType.NEARBY:
        if floor[rooms[one]] != floor[rooms[two]]:
            return f"entities {one} and {two} are on different floors"
    elif kind is RuleType.AWAYFROM:
        if away_from == "floor":
            if floor[rooms[one]] == floor[rooms[two]]:
                return f"entities {one} and {two} are on the same floor"
        elif rooms[two] in instance.near[rooms[one]]:
            return f"entities {one} and {two} are in the same or adjacent rooms"
    else:
        raise ValueError(f"Rule type {kind.name} is not supported.")
    return None


def evaluate(
    instance: Instance,
    rooms: Sequence[int],
    away_from: AwayFrom = "floor",
) -> Evaluation:
    """Score an assignment of entities to rooms.

    Parameters
    ----------
    instance
        The instance.
    rooms
        Room id per entity id; every entity must have a room.
    away_from
        ``"floor"`` (the readme: violated when on the same floor) or
        ``"room"`` (violated when in the same or an adjacent room).

    Returns
    -------
    Evaluation
        Under-use, over-use, penalties and the violated rules.

    Raises
    ------
    ValueError
        When ``rooms`` has the wrong length or names an unknown room.
    """
    if len(rooms) != instance.num_entities:
        raise ValueError(
            f"Assignment has {len(rooms)} entries, the instance "
            f"{instance.num_entities} entities."
        )
    for eid, rid in enumerate(rooms):
        if not 0 <= rid < instance.num_rooms:
            raise ValueError(f"Entity {eid} is in unknown room {rid}.")
    loads = room_loads(instance, rooms)
    occupants = [0] * instance.num_rooms
    for rid in rooms:
        occupants[rid] += 1
    under = over = 0
    for room, load in zip(instance.rooms, loads, strict=True):
        # An empty room has load 0, so it counts fully as under-used.
        under += max(0, room.capacity - load)
        over += max(0, load - room.capacity)
    soft: list[Violation] = []
    hard: list[Violation] = []
    for rule in instance.rules:
        reason = rule_violated(
            instance, rule, rooms, loads, occupants, away_from
        )
        if reason is not None:
            (hard if rule.hard else soft).append(Violation(rule, reason))
    penalty = CENTI * sum(v.rule.weight for v in soft)
    return Evaluation(under, over, penalty, tuple(soft), tuple(hard))
