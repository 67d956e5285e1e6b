"""The data model: rooms, buildings, functions, policy profiles, scenarios.

Field names follow ``spec/formats.md``, the contract with users. Every model
is frozen and forbids unknown fields, so a typo in a file is an error, not a
silently ignored key. Areas are quantised to 0.01 m² on load (see
:mod:`spaceplan.rules`), which lets the solver and the checker do the same
exact integer arithmetic.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from functools import cached_property
from typing import Annotated, Any, Literal

import shapely
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from shapely.geometry import Polygon

from spaceplan import timetable

#: Room tags a scenario may use and a function may need.
KNOWN_TAGS = (
    "daylight",
    "accessible",
    "street_access",
    "water",
    "quiet",
    "lockable",
    "entrance",
)
#: Function categories of the profiles.
CATEGORIES = ("resident", "service", "office", "support", "commercial")
#: Relative tolerance between a room's stated area and its polygon's area.
AREA_TOLERANCE = 0.02
#: Shortest shared edge (m) that makes two rooms adjacent.
MIN_SHARED_EDGE = 0.8

Tag = Literal[
    "daylight",
    "accessible",
    "street_access",
    "water",
    "quiet",
    "lockable",
    "entrance",
]
Category = Literal["resident", "service", "office", "support", "commercial"]
RoomKind = Literal["room", "circulation", "service", "unavailable"]
AreaType = Literal["urban_unbuilt", "urban_built", "rural"]
Point = tuple[float, float]


class Model(BaseModel):
    """Base of every spaceplan model: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Any:
        """Return a copy with ``changes`` applied, validated again."""
        data = self.model_dump(mode="python", exclude_unset=False)
        data.update(changes)
        return type(self).model_validate(data)


def _round_area(value: float) -> float:
    return round(float(value), 2)


# --------------------------------------------------------------------- rooms


class Room(Model):
    """One room of the building, as the architect surveyed it."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    name: str | None = None
    floor: int
    area: Annotated[float, Field(gt=0)]
    polygon: tuple[Point, ...] | None = None
    kind: RoomKind = "room"
    tags: tuple[Tag, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _area_from_polygon(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        poly = data.get("polygon")
        if poly is None:
            if data.get("area") is None:
                raise ValueError("needs an area or a polygon.")
            return data
        shape = _polygon_shape(poly)
        area = data.get("area")
        derived = shape.area
        if area is not None:
            if not isinstance(area, int | float) or isinstance(area, bool):
                return data  # the field validator reports the type
            if area > 0 and abs(derived - area) > AREA_TOLERANCE * area:
                raise ValueError(
                    f"area {area:g} m² differs from its polygon's "
                    f"{derived:.2f} m² by more than "
                    f"{AREA_TOLERANCE:.0%}."
                )
            return data
        return {**data, "area": derived}

    @field_validator("area")
    @classmethod
    def _quantise(cls, value: float) -> float:
        return _round_area(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(";") if t.strip())
        return value

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @cached_property
    def shape(self) -> Polygon | None:
        """The outline as a shapely polygon, or None."""
        return None if self.polygon is None else Polygon(self.polygon)

    @property
    def hosts_functions(self) -> bool:
        """Whether a function may be placed here."""
        return self.kind == "room"


def _polygon_shape(points: Any) -> Polygon:
    """Build and validate an outline; raise ValueError when impossible."""
    try:
        coords = [(float(p[0]), float(p[1])) for p in points]
        if any(len(p) != 2 for p in points):
            raise ValueError
    except (TypeError, ValueError, IndexError):
        raise ValueError(
            "polygon must be a list of [x, y] points in metres."
        ) from None
    if len(coords) > 1 and coords[0] == coords[-1]:
        coords = coords[:-1]
    if len(coords) < 3:
        raise ValueError("polygon needs at least 3 distinct points.")
    if not all(math.isfinite(c) for p in coords for c in p):
        raise ValueError("polygon has a point that is not a finite number.")
    shape = Polygon(coords)
    if not shape.is_valid:
        reason = shapely.is_valid_reason(shape)
        raise ValueError(
            f"polygon is not a simple outline ({reason}); "
            "check for crossing edges."
        )
    if shape.area <= 1e-9:
        raise ValueError("polygon has zero area.")
    return shape


class Building(Model):
    """The rooms and, optionally, which of them adjoin."""

    rooms: tuple[Room, ...]
    adjacency: tuple[tuple[str, str], ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> Building:
        self._check_rooms()
        self._check_adjacency()
        return self

    def _check_rooms(self) -> None:
        if not self.rooms:
            raise ValueError("the building has no rooms.")
        seen: set[str] = set()
        for room in self.rooms:
            if room.id in seen:
                raise ValueError(f"Room {room.id} is listed twice.")
            seen.add(room.id)

    def _check_adjacency(self) -> None:
        ids = {r.id for r in self.rooms}
        for a, b in self.adjacency or ():
            for rid in (a, b):
                if rid not in ids:
                    raise ValueError(
                        f"adjacency names unknown room '{rid}'."
                    )
            if a == b:
                raise ValueError(f"adjacency pairs room {a} with itself.")

    @cached_property
    def room_index(self) -> dict[str, int]:
        """Room id to its position in :attr:`rooms`."""
        return {r.id: i for i, r in enumerate(self.rooms)}

    def room(self, room_id: str) -> Room:
        """The room with this id."""
        return self.rooms[self.room_index[room_id]]

    @cached_property
    def adjacent_pairs(self) -> frozenset[frozenset[str]]:
        """Pairs of adjoining rooms, stated or derived from polygons."""
        if self.adjacency is not None:
            return frozenset(frozenset(p) for p in self.adjacency)
        return frozenset(derive_adjacency(self.rooms))

    def adjacent(self, a: str, b: str) -> bool:
        """Whether rooms ``a`` and ``b`` share a wall."""
        return frozenset((a, b)) in self.adjacent_pairs

    @cached_property
    def floors(self) -> tuple[int, ...]:
        """The building's floors, lowest first."""
        return tuple(sorted({r.floor for r in self.rooms}))


def derive_adjacency(rooms: Iterable[Room]) -> set[frozenset[str]]:
    """Pairs of rooms on one floor sharing an edge of at least 0.8 m."""
    by_floor: dict[int, list[Room]] = {}
    for room in rooms:
        if room.shape is not None:
            by_floor.setdefault(room.floor, []).append(room)
    pairs: set[frozenset[str]] = set()
    for floor_rooms in by_floor.values():
        shapes = [r.shape for r in floor_rooms]
        tree = shapely.STRtree(shapes)
        for i, room in enumerate(floor_rooms):
            shape = shapes[i]
            assert shape is not None
            for j in tree.query(shape.buffer(1e-6)):
                if j <= i:
                    continue
                other = shapes[int(j)]
                assert other is not None
                shared = shape.boundary.intersection(
                    other.boundary.buffer(0.01)
                )
                if shared.length >= MIN_SHARED_EDGE:
                    pairs.add(frozenset((room.id, floor_rooms[int(j)].id)))
    return pairs


# ----------------------------------------------------------------- functions


class FloorRange(Model):
    """Allowed floors of a function, both ends inclusive."""

    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _order(self) -> FloorRange:
        if (
            self.min is not None
            and self.max is not None
            and self.min > self.max
        ):
            raise ValueError(
                f"floors min {self.min} is above max {self.max}."
            )
        return self

    def allows(self, floor: int) -> bool:
        """Whether ``floor`` lies in the range."""
        if self.min is not None and floor < self.min:
            return False
        return self.max is None or floor <= self.max


class Near(Model):
    """A soft wish: in the same room as, or next to, something.

    The something is another function, a room by id, or any room with a
    tag (``entrance``: the main entrance or its lobby).
    """

    function: str | None = None
    room: str | None = None
    tag: Tag | None = None
    weight: Annotated[float, Field(gt=0)] = 1.0

    @model_validator(mode="after")
    def _one_target(self) -> Near:
        given = [k for k in ("function", "room", "tag") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "a near wish names exactly one of function, room or tag."
            )
        return self


class Function(Model):
    """A function room the profile asks for."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: str
    name_en: str
    category: Category
    required: bool = True
    flexible: bool = False
    min_area: Annotated[float, Field(ge=0)] = 0.0
    area_source: str = "default"
    schedule: tuple[str, ...] | Literal["always"] = "always"
    sessions: Annotated[int, Field(ge=1)] | None = None
    within: tuple[str, ...] | None = None
    private: bool = False
    time_source: str = "default"
    needs: tuple[Tag, ...] = ()
    floors: FloorRange | None = None
    exclusive: bool = False
    never_with: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()
    rule_source: str = "default"
    note: str | None = None

    @field_validator("min_area")
    @classmethod
    def _quantise(cls, value: float) -> float:
        return _round_area(value)

    @model_validator(mode="after")
    def _check(self) -> Function:
        if not self.flexible and self.min_area <= 0:
            raise ValueError(
                f"Function {self.id} needs a min_area above 0."
            )
        if self.id in self.never_with:
            raise ValueError(
                f"Function {self.id} never_with names itself."
            )
        self._check_time()
        return self

    def _check_time(self) -> None:
        if self.sessions is None:
            if self.within is not None:
                raise ValueError(
                    f"Function {self.id} gives within without sessions."
                )
            return
        if "schedule" in self.model_fields_set and self.schedule != (
            "always"
        ):
            raise ValueError(
                f"Function {self.id} gives both schedule and sessions; "
                "give one."
            )
        if self.within is not None and not self.within:
            raise ValueError(f"Function {self.id} within is empty.")

    def active_slots(self, slots: tuple[str, ...]) -> tuple[str, ...]:
        """The slots of ``slots`` in which this function is in use.

        Fixed schedules only: a function with ``sessions`` has none until
        a plan books them (see :mod:`spaceplan.timetable`).
        """
        return timetable.fixed_slots(self, slots)

    @property
    def label(self) -> str:
        """Chinese and English name, for messages."""
        return f"{self.name} ({self.name_en.lower()})"


class FunctionOverride(Model):
    """A scenario's change to one profile function, or a new function."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: str | None = None
    name_en: str | None = None
    category: Category | None = None
    required: bool | None = None
    flexible: bool | None = None
    min_area: Annotated[float, Field(ge=0)] | None = None
    area_source: str | None = None
    schedule: tuple[str, ...] | Literal["always"] | None = None
    sessions: Annotated[int, Field(ge=1)] | None = None
    within: tuple[str, ...] | None = None
    private: bool | None = None
    time_source: str | None = None
    needs: tuple[Tag, ...] | None = None
    floors: FloorRange | None = None
    exclusive: bool | None = None
    never_with: tuple[str, ...] | None = None
    near: tuple[Near, ...] | None = None
    rule_source: str | None = None
    note: str | None = None


# ------------------------------------------------------------------ policies


class AreaTarget(Model):
    """The facility's area target: the larger of its two terms."""

    minimum: Annotated[float, Field(ge=0)] | None = None
    per_100_households: Annotated[float, Field(gt=0)] | None = None
    source: str = "default"


class Accounting(Model):
    """How the facility and resident-activity areas are counted."""

    circulation: Literal["exclude", "include"] = "exclude"
    shared_rooms: Literal["strict", "any", "prorate"] = "strict"
    resident_categories: tuple[Category, ...] = ("resident",)
    source: str = "default"


#: The default week: 21 slots (the v1 six are a profile setting).
DEFAULT_SLOTS = timetable.WEEK


class Policy(Model):
    """A regulation profile: facility rules and the functions asked for."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
    title: str
    title_en: str | None = None
    source: str
    area_type: AreaType | None = None
    extends: str | None = None
    area_target: AreaTarget = AreaTarget()
    resident_share_min: Annotated[float, Field(ge=0, le=1)] | None = None
    resident_share_source: str = "default"
    accounting: Accounting = Accounting()
    slots: tuple[str, ...] = DEFAULT_SLOTS
    functions: tuple[Function, ...] = ()
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Policy:
        self._check_slots()
        self._check_function_ids()
        self._check_references()
        return self

    def _check_slots(self) -> None:
        if not self.slots:
            raise ValueError("slots is empty.")
        if len(set(self.slots)) != len(self.slots):
            raise ValueError("slots lists a slot twice.")

    def _check_function_ids(self) -> None:
        seen: set[str] = set()
        for f in self.functions:
            if f.id in seen:
                raise ValueError(f"Function {f.id} is defined twice.")
            seen.add(f.id)
        flex = [f.id for f in self.functions if f.flexible]
        if len(flex) > 1:
            raise ValueError(
                f"only one flexible function is allowed, found {flex}."
            )

    def _check_references(self) -> None:
        ids = {f.id for f in self.functions}
        for f in self.functions:
            for other in f.never_with:
                if other not in ids:
                    raise ValueError(
                        f"Function {f.id} never_with names unknown "
                        f"function '{other}'."
                    )
            for wish in f.near:
                if wish.function is not None and wish.function not in ids:
                    raise ValueError(
                        f"Function {f.id} near names unknown function "
                        f"'{wish.function}'."
                    )
            if f.schedule != "always" and f.sessions is None and not (
                f.schedule
            ):
                raise ValueError(
                    f"Function {f.id} schedule is empty."
                )
            fault = timetable.check_time(f, self.slots)
            if fault is not None:
                raise ValueError(f"Function {f.id} {fault}.")

    @cached_property
    def function_index(self) -> dict[str, int]:
        """Function id to its position in :attr:`functions`."""
        return {f.id: i for i, f in enumerate(self.functions)}

    def function(self, function_id: str) -> Function:
        """The function with this id."""
        return self.functions[self.function_index[function_id]]


# ----------------------------------------------------------------- scenario


class Community(Model):
    """The community the facility serves."""

    households: Annotated[int, Field(gt=0)]
    population: Annotated[int, Field(gt=0)] | None = None
    area_type: AreaType


class Options(Model):
    """Run options; missing ones come from the solver presets."""

    candidates: Annotated[int, Field(ge=1, le=50)] | None = None
    time_limit: Annotated[float, Field(gt=0)] | None = None
    seed: Annotated[int, Field(ge=0)] | None = None
    workers: Annotated[int, Field(ge=1, le=64)] | None = None
    min_difference: Annotated[int, Field(ge=1)] | None = None
    config: str | None = None


class ScenarioFile(Model):
    """A scenario as the architect writes it (policy by id or path)."""

    name: str
    policy: str
    community: Community
    building: Building
    functions: tuple[FunctionOverride, ...] = ()
    require: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fix: dict[str, str] = Field(default_factory=dict)
    options: Options = Options()


class Scenario(Model):
    """A scenario with its profile resolved: what solver and checker see.

    ``functions`` are the functions of this run: the profile's required
    ones plus those named in ``require`` and added by the scenario, minus
    those in ``exclude``, with the scenario's overrides applied.
    """

    name: str
    policy: Policy
    community: Community
    building: Building
    functions: tuple[Function, ...]
    fix: dict[str, str] = Field(default_factory=dict)
    options: Options = Options()
    source: str | None = None
    sha256: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        self._check_functions()
        self._check_decisions()
        return self

    def _check_functions(self) -> None:
        ids = [f.id for f in self.functions]
        if len(set(ids)) != len(ids):
            raise ValueError("a function is listed twice.")
        known = set(ids)
        for f in self.functions:
            for other in f.never_with:
                if other not in known and other not in (
                    self.policy.function_index
                ):
                    raise ValueError(
                        f"Function {f.id} never_with names unknown "
                        f"function '{other}'."
                    )
            fault = timetable.check_time(f, self.policy.slots)
            if fault is not None:
                raise ValueError(f"Function {f.id} {fault}.")
        if sum(f.flexible for f in self.functions) > 1:
            raise ValueError("only one flexible function is allowed.")

    def _check_decisions(self) -> None:
        fids = [f.id for f in self.functions]
        rooms = self.building.room_index
        for fid, rid in self.fix.items():
            if fid not in fids:
                raise ValueError(
                    f"fix names unknown function '{fid}'"
                    f"{name_hint(fid, self._function_names())}."
                )
            if rid not in rooms:
                raise ValueError(
                    f"fix puts {fid} in unknown room '{rid}'"
                    f"{name_hint(rid, self._room_names())}."
                )
            if not self.building.room(rid).hosts_functions:
                raise ValueError(
                    f"fix puts {fid} in {rid}, a room of kind "
                    f"'{self.building.room(rid).kind}' that hosts no "
                    "function."
                )
        for f in self.functions:
            for wish in f.near:
                if wish.room is not None and wish.room not in rooms:
                    raise ValueError(
                        f"Function {f.id} near names unknown room "
                        f"'{wish.room}'"
                        f"{name_hint(wish.room, self._room_names())}."
                    )

    def _function_names(self) -> dict[str, str]:
        names = {f.id: f.id for f in self.functions}
        names.update({f.name: f.id for f in self.functions})
        return names

    def _room_names(self) -> dict[str, str]:
        names = {r.id: r.id for r in self.building.rooms}
        names.update({r.name: r.id for r in self.building.rooms if r.name})
        return names

    @cached_property
    def function_index(self) -> dict[str, int]:
        """Function id to its position in :attr:`functions`."""
        return {f.id: i for i, f in enumerate(self.functions)}

    def function(self, function_id: str) -> Function:
        """The function with this id."""
        return self.functions[self.function_index[function_id]]

    @property
    def slots(self) -> tuple[str, ...]:
        """The profile's time slots."""
        return self.policy.slots

    @cached_property
    def fixed_functions(self) -> tuple[Function, ...]:
        """Functions placed in exactly one room (all but the flexible)."""
        return tuple(f for f in self.functions if not f.flexible)

    @cached_property
    def flexible_function(self) -> Function | None:
        """The flexible resident function, if the run has one."""
        return next((f for f in self.functions if f.flexible), None)

    @cached_property
    def host_rooms(self) -> tuple[Room, ...]:
        """Rooms that can host functions (kind ``room``)."""
        return tuple(r for r in self.building.rooms if r.hosts_functions)

    def room(self, room_id: str) -> Room:
        """The room with this id."""
        return self.building.room(room_id)


def name_hint(name: str, names: dict[str, str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``names``, or ``""``.

    ``names`` maps every spelling (an id, a Chinese name) to the id it
    stands for; the suggestion names the id, and the Chinese name when
    that is what matched.
    """
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
    if not close:
        close = [k for k in names if name and (name in k or k in name)][:1]
    if not close:
        return ""
    match = close[0]
    ident = names[match]
    shown = ident if match == ident else f"{ident} ({match})"
    return f"; did you mean '{shown}'?"
