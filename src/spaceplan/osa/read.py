"""Read Office Space Allocation (OSA) benchmark instances and solutions.

The format is the one of the Nottingham and Ülker & Landa-Silva instance
files: a ``Key: value`` header, then ``ENTITIES``, ``ROOMS`` and
``CONSTRAINTS`` sections of whitespace-separated numbers.  Sizes carry at
most two decimals, so they are stored exactly as integer centi-units
(``13.5`` becomes ``1350``); every later step works on these integers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from functools import cached_property
from pathlib import Path

from spaceplan.errors import InputError, Msg

__all__ = [
    "CENTI",
    "DEFAULT_DATA",
    "DATA_ENV",
    "Entity",
    "Instance",
    "OsaReadError",
    "Room",
    "Rule",
    "RuleType",
    "WEIGHTS",
    "find_instances",
    "format_centi",
    "read_instance",
    "read_solution",
]

#: Sizes, capacities and objectives are integers in units of 1/100.
CENTI = 100
#: Default data folder, relative to the current directory.
DEFAULT_DATA = Path("../shared/data/osa")
#: Environment variable that overrides :data:`DEFAULT_DATA`.
DATA_ENV = "SPACEPLAN_OSA_DATA"


class OsaReadError(InputError):
    """A file could not be read; the message names the file and line.

    The house's bad-input error (:class:`spaceplan.errors.InputError`),
    so the CLI reports it in one line and exits 1.
    """

    def __init__(
        self, where: str | os.PathLike[str] | None, message: Msg
    ) -> None:
        # ``where`` is ``file`` or ``file:line``, as compilers say it.
        place = None if where is None else os.fspath(where)
        super().__init__(place, None, message)


class RuleType(IntEnum):
    """Constraint type codes of the OSA format."""

    ALLOCATION = 0
    NONALLOCATION = 1
    ONEOF = 2
    CAPACITY = 3
    SAMEROOM = 4
    NOTSAMEROOM = 5
    NOTSHARING = 6
    ADJACENCY = 7
    NEARBY = 8
    AWAYFROM = 9


#: Penalty of one violated soft rule, from the readme shipped with the data.
WEIGHTS: dict[RuleType, int] = {
    RuleType.ALLOCATION: 20,
    RuleType.NONALLOCATION: 10,
    RuleType.ONEOF: 10,
    RuleType.CAPACITY: 10,
    RuleType.SAMEROOM: 10,
    RuleType.NOTSAMEROOM: 10,
    RuleType.NOTSHARING: 50,
    RuleType.ADJACENCY: 10,
    RuleType.NEARBY: 10,
    RuleType.AWAYFROM: 10,
}

# Operand kinds per rule type: "e" entity, "r" room, "-" unused.
_OPERANDS: dict[RuleType, tuple[str, str]] = {
    RuleType.ALLOCATION: ("e", "r"),
    RuleType.NONALLOCATION: ("e", "r"),
    RuleType.CAPACITY: ("r", "-"),
    RuleType.SAMEROOM: ("e", "e"),
    RuleType.NOTSAMEROOM: ("e", "e"),
    RuleType.NOTSHARING: ("e", "-"),
    RuleType.ADJACENCY: ("e", "e"),
    RuleType.NEARBY: ("e", "e"),
    RuleType.AWAYFROM: ("e", "e"),
}


@dataclass(frozen=True)
class Entity:
    """A thing to place: an id, a group and the space it needs (centi)."""

    eid: int
    group: int
    size: int


@dataclass(frozen=True)
class Room:
    """A room: id, floor, capacity (centi) and its adjacent rooms.

    ``adjacent`` is the list of the file; it leaves the room itself out,
    although the benchmark treats every room as adjacent to itself.
    """

    rid: int
    floor: int
    capacity: int
    adjacent: tuple[int, ...]


@dataclass(frozen=True)
class Rule:
    """One constraint line: ``subject`` and ``target`` as in the file.

    ``target`` is ``-1`` for the rule types that use one operand.
    """

    cid: int
    kind: RuleType
    hard: bool
    subject: int
    target: int

    @property
    def weight(self) -> int:
        """Penalty of violating this rule when it is soft (whole units)."""
        return WEIGHTS[self.kind]


@dataclass(frozen=True)
class Instance:
    """An OSA instance.  Entity and room ids equal their list positions."""

    name: str
    entities: tuple[Entity, ...]
    rooms: tuple[Room, ...]
    rules: tuple[Rule, ...]
    header: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def num_entities(self) -> int:
        """Number of entities."""
        return len(self.entities)

    @property
    def num_rooms(self) -> int:
        """Number of rooms."""
        return len(self.rooms)

    @cached_property
    def floors(self) -> tuple[int, ...]:
        """Sorted distinct floor ids."""
        return tuple(sorted({room.floor for room in self.rooms}))

    @cached_property
    def near(self) -> tuple[frozenset[int], ...]:
        """Closed adjacency per room: the listed rooms plus the room."""
        return tuple(
            frozenset(room.adjacent) | {room.rid} for room in self.rooms
        )

    @cached_property
    def near_into(self) -> tuple[frozenset[int], ...]:
        """Transposed :attr:`near`: the rooms whose closed list holds r.

        Equal to :attr:`near` when every adjacency is listed both ways (as
        in every file of the data set), not in general.
        """
        into: list[set[int]] = [set() for _ in self.rooms]
        for q, rooms in enumerate(self.near):
            for r in rooms:
                into[r].add(q)
        return tuple(frozenset(rooms) for rooms in into)

    @property
    def total_size(self) -> int:
        """Sum of entity sizes (centi)."""
        return sum(entity.size for entity in self.entities)

    @property
    def total_capacity(self) -> int:
        """Sum of room capacities (centi)."""
        return sum(room.capacity for room in self.rooms)


@dataclass
class _Lines:
    """Non-blank lines of a file with their 1-based numbers."""

    path: Path
    items: list[tuple[int, str]]
    pos: int = 0

    def error(
        self, lineno: int, key: str, /, **fields: object
    ) -> OsaReadError:
        return OsaReadError(f"{self.path}:{lineno}", Msg(key, **fields))

    def peek(self) -> tuple[int, str] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> tuple[int, str]:
        item = self.peek()
        if item is None:
            last = self.items[-1][0] if self.items else 1
            raise self.error(last, "err.osa.eof")
        self.pos += 1
        return item


def _load_lines(path: Path) -> _Lines:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OsaReadError(
            path, Msg("err.osa.cannot_read", reason=exc.strerror)
        ) from exc
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise OsaReadError(path, Msg("err.osa.ascii")) from exc
    # splitlines() treats CRLF, CR and LF alike, which the files need.
    items = [
        (num, line.strip())
        for num, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    if not items:
        raise OsaReadError(f"{path}:1", Msg("err.osa.empty"))
    return _Lines(path, items)


#: The fields of a line, as a message names them.
_WHAT = {
    "adjacency count", "adjacent room", "constraint field", "entity id",
    "entity space", "floor id", "group id", "room id", "room space",
}  # fmt: skip


def _what(what: str) -> Msg | str:
    """A field of a line in words; a header key as the file spells it."""
    if what in _WHAT:
        return Msg("err.osa.what." + what.replace(" ", "_"))
    return what


def _int(lines: _Lines, lineno: int, token: str, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise lines.error(
            lineno, "err.osa.int", what=_what(what), token=token
        ) from None


def _centi(lines: _Lines, lineno: int, token: str, what: str) -> int:
    try:
        value = Decimal(token) * CENTI
    except InvalidOperation:
        raise lines.error(
            lineno, "err.osa.number", what=_what(what),
            token=token,
        ) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise lines.error(
            lineno, "err.osa.decimals", what=_what(what),
            token=token,
        )
    if value < 0:
        raise lines.error(
            lineno, "err.osa.negative", what=_what(what),
            token=token,
        )
    return int(value)


def _read_header(lines: _Lines) -> dict[str, str]:
    header: dict[str, str] = {}
    while (item := lines.peek()) is not None and item[1] != "ENTITIES":
        lineno, text = lines.take()
        key, sep, value = text.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise lines.error(lineno, "err.osa.header_line", text=text)
        # Unknown keys (the stray UpperBound line of p025_n005, the
        # extra counts of the variant nott files) are kept, not rejected.
        header[key.strip()] = value.strip()
    for key in ("NoOfEntities", "NoOfRooms", "NoOfConstraints"):
        if key not in header:
            raise lines.error(
                lines.items[0][0], "err.osa.header_lacks", key=key
            )
    return header


def _expect(lines: _Lines, keyword: str) -> None:
    lineno, text = lines.take()
    if text != keyword:
        raise lines.error(
            lineno, "err.osa.expected", keyword=keyword, text=text
        )


def _read_entities(lines: _Lines, count: int) -> list[Entity]:
    entities = []
    for index in range(count):
        lineno, text = lines.take()
        tokens = text.split()
        if len(tokens) != 3:
            raise lines.error(lineno, "err.osa.entity_fields", n=len(tokens))
        eid = _int(lines, lineno, tokens[0], "entity id")
        if eid != index:
            raise lines.error(
                lineno, "err.osa.entity_order", got=eid, want=index
            )
        group = _int(lines, lineno, tokens[1], "group id")
        size = _centi(lines, lineno, tokens[2], "entity space")
        entities.append(Entity(eid, group, size))
    return entities


def _read_rooms(lines: _Lines, count: int) -> list[Room]:
    rooms = []
    for index in range(count):
        lineno, text = lines.take()
        tokens = text.split()
        if len(tokens) < 4:
            raise lines.error(lineno, "err.osa.room_fields", n=len(tokens))
        rid = _int(lines, lineno, tokens[0], "room id")
        if rid != index:
            raise lines.error(
                lineno, "err.osa.room_order", got=rid, want=index
            )
        floor = _int(lines, lineno, tokens[1], "floor id")
        capacity = _centi(lines, lineno, tokens[2], "room space")
        num_adj = _int(lines, lineno, tokens[3], "adjacency count")
        if len(tokens) != 4 + num_adj:
            raise lines.error(
                lineno,
                "err.osa.adjacent_count",
                rid=rid,
                n=len(tokens) - 4,
                says=num_adj,
            )
        adjacent = tuple(
            _int(lines, lineno, tok, "adjacent room") for tok in tokens[4:]
        )
        for other in adjacent:
            if not 0 <= other < count:
                raise lines.error(lineno, "err.osa.no_adjacent", rid=other)
        rooms.append(Room(rid, floor, capacity, adjacent))
    return rooms


def _check_operand(
    lines: _Lines, lineno: int, kind: str, value: int, sizes: tuple[int, int]
) -> None:
    num_entities, num_rooms = sizes
    if kind == "e" and not 0 <= value < num_entities:
        raise lines.error(lineno, "err.osa.no_entity", eid=value)
    if kind == "r" and not 0 <= value < num_rooms:
        raise lines.error(lineno, "err.osa.no_room", rid=value)


def _read_rules(
    lines: _Lines, count: int, sizes: tuple[int, int]
) -> list[Rule]:
    rules = []
    for index in range(count):
        lineno, text = lines.take()
        tokens = text.split()
        if len(tokens) != 5:
            raise lines.error(lineno, "err.osa.rule_fields", n=len(tokens))
        cid, code, hard, subject, target = (
            _int(lines, lineno, tok, "constraint field") for tok in tokens
        )
        if cid != index:
            raise lines.error(
                lineno, "err.osa.rule_order", got=cid, want=index
            )
        if code not in _OPERANDS:
            raise lines.error(lineno, "err.osa.rule_type", code=code)
        if hard not in (0, 1):
            raise lines.error(lineno, "err.osa.hardness", hard=hard)
        kind = RuleType(code)
        first, second = _OPERANDS[kind]
        _check_operand(lines, lineno, first, subject, sizes)
        _check_operand(lines, lineno, second, target, sizes)
        rules.append(Rule(cid, kind, bool(hard), subject, target))
    return rules


def _header_count(lines: _Lines, header: dict[str, str], key: str) -> int:
    lineno = next(
        (num for num, text in lines.items if text.startswith(key)), 1
    )
    value = _int(lines, lineno, header[key], key)
    if value < 0:
        raise lines.error(lineno, "err.osa.count_negative", key=key)
    return value


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read one OSA instance file.

    Parameters
    ----------
    path
        The instance file.

    Returns
    -------
    Instance
        The instance, named after the file stem.

    Raises
    ------
    OsaReadError
        When the file cannot be read or a line is malformed; the message
        names the file and the line.
    """
    path = Path(path)
    lines = _load_lines(path)
    header = _read_header(lines)
    num_entities = _header_count(lines, header, "NoOfEntities")
    num_rooms = _header_count(lines, header, "NoOfRooms")
    num_rules = _header_count(lines, header, "NoOfConstraints")
    _expect(lines, "ENTITIES")
    entities = _read_entities(lines, num_entities)
    _expect(lines, "ROOMS")
    rooms = _read_rooms(lines, num_rooms)
    _expect(lines, "CONSTRAINTS")
    rules = _read_rules(lines, num_rules, (num_entities, num_rooms))
    extra = lines.peek()
    if extra is not None:
        raise lines.error(extra[0], "err.osa.extra", text=extra[1])
    _check_optional_counts(lines, header, rooms, rules)
    return Instance(
        path.stem, tuple(entities), tuple(rooms), tuple(rules), header
    )


def _check_optional_counts(
    lines: _Lines,
    header: dict[str, str],
    rooms: Sequence[Room],
    rules: Sequence[Rule],
) -> None:
    # The variant headers repeat counts the data also implies; a mismatch
    # means a truncated or edited file, so it is an error, not a warning.
    expected = {
        "NoOfFloors": len({room.floor for room in rooms}),
        "NoOfHardConstraints": sum(rule.hard for rule in rules),
        "NoOfSoftConstraints": sum(not rule.hard for rule in rules),
    }
    for key, actual in expected.items():
        if key in header and _header_count(lines, header, key) != actual:
            lineno = next(
                num for num, text in lines.items if text.startswith(key)
            )
            raise lines.error(
                lineno,
                "err.osa.count_differs",
                key=key,
                says=header[key],
                actual=actual,
            )


def find_instances(data: str | os.PathLike[str]) -> dict[str, Path]:
    """Map instance names to files under an OSA data folder.

    Parameters
    ----------
    data
        The folder holding ``nott_data/``, ``SVe150/`` and ``PNe150/``.

    Returns
    -------
    dict of str to Path
        Instance name (file stem) to path, sorted by name; readme files
        are left out.
    """
    root = Path(data)
    found = {
        path.stem: path
        for path in root.glob("*/*.txt")
        if not path.stem.lower().startswith("readme")
    }
    return dict(sorted(found.items()))


def read_solution(
    path: str | os.PathLike[str], instance: Instance
) -> list[int]:
    """Read a solution file, one ``entity_id room_id`` line per entity.

    Parameters
    ----------
    path
        The solution file.
    instance
        The instance it belongs to, for the id ranges.

    Returns
    -------
    list of int
        Room id per entity id.

    Raises
    ------
    OsaReadError
        When a line is malformed, an id is unknown, or an entity is
        missing or listed twice.
    """
    lines = _load_lines(Path(path))
    rooms: list[int | None] = [None] * instance.num_entities
    for lineno, text in _iter(lines):
        tokens = text.split()
        if len(tokens) != 2:
            raise lines.error(lineno, "err.osa.sol_line")
        eid = _int(lines, lineno, tokens[0], "entity id")
        rid = _int(lines, lineno, tokens[1], "room id")
        if not 0 <= eid < instance.num_entities:
            raise lines.error(lineno, "err.osa.no_entity", eid=eid)
        if not 0 <= rid < instance.num_rooms:
            raise lines.error(lineno, "err.osa.no_room", rid=rid)
        if rooms[eid] is not None:
            raise lines.error(lineno, "err.osa.twice", eid=eid)
        rooms[eid] = rid
    missing = [eid for eid, rid in enumerate(rooms) if rid is None]
    if missing:
        raise OsaReadError(path, Msg("err.osa.no_place", eid=missing[0]))
    return [rid for rid in rooms if rid is not None]


def _iter(lines: _Lines) -> Iterator[tuple[int, str]]:
    while lines.peek() is not None:
        yield lines.take()


def format_centi(value: int) -> str:
    """Format a centi-unit integer with two decimals, exactly.

    Parameters
    ----------
    value
        An amount in 1/100 units.

    Returns
    -------
    str
        For example ``20155`` gives ``'201.55'`` and ``-5`` gives
        ``'-0.05'``.
    """
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), CENTI)
    return f"{sign}{whole}.{frac:02d}"
