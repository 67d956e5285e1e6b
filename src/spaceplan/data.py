"""The data model: rooms, buildings, functions, policy profiles, scenarios.

Field names follow ``spec/formats.md``, the contract with users. Every model
is frozen and forbids unknown fields, so a typo in a file is an error, not a
silently ignored key. Areas are quantised to 0.01 m² on load (see
:mod:`spaceplan.rules`), which lets the solver and the checker do the same
exact integer arithmetic.
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

import shapely
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from shapely.geometry import Polygon

#: Room tags a scenario may use and a function may need.
KNOWN_TAGS = (
    "daylight",
    "accessible",
    "street_access",
    "water",
    "quiet",
    "lockable",
)
#: Function categories of the profiles.
CATEGORIES = ("resident", "service", "office", "support", "commercial")
#: Relative tolerance between a room's stated area and its polygon's area.
AREA_TOLERANCE = 0.02
#: Shortest shared edge (m) that makes two rooms adjacent.
MIN_SHARED_EDGE = 0.8

Tag = Literal[
    "daylight", "accessible", "street_access", "water", "quiet", "lockable"
]
Category = Literal["resident", "service", "office", "support", "commercial"]
RoomKind = Literal["room", "circulation", "service", "unavailable"]
AreaType = Literal["urban_unbuilt", "urban_built", "rural"]
Point = tuple[float, float]

# Bounds with physical sense (docs/input-limits.md). A value outside them
# is a typo or a hostile file; inside them every sum the solver forms fits
# its 64-bit integers.
MAX_AREA = 1e6  # m², a room or a function: a hundred hectares
MAX_COORD = 1e5  # m, an outline's coordinates either side of 0
MIN_FLOOR, MAX_FLOOR = -100, 1000
MAX_HOUSEHOLDS = 10_000_000
MAX_SEED = 2**31 - 1  # CP-SAT takes a 32-bit signed seed
MAX_TIME_LIMIT = 86_400.0  # s: a day
MAX_WEIGHT = 1_000.0  # of a near wish, and of a preset's objective term
MAX_OVERLAP = 0.5  # m² two outlines on one floor may share: drawing slack


def _not_bool(value: Any) -> Any:
    # YAML reads ``true`` as a bool, and pydantic would take it for 1.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}.")
    return value


def _printable(value: str) -> str:
    # Newlines, tabs and invisible marks (the right-to-left override, say)
    # make an id that prints as another one.
    if not value.isprintable() or value != value.strip():
        raise ValueError(
            "must be printable text: no newlines, tabs, invisible "
            "control marks, or spaces at either end."
        )
    return value


# A finite float, an int, and printable text; neither number is a bool.
_Finite = Field(allow_inf_nan=False)
Number = Annotated[float, BeforeValidator(_not_bool), _Finite]
Whole = Annotated[int, BeforeValidator(_not_bool)]
Text = Annotated[str, AfterValidator(_printable)]
Floor = Annotated[Whole, Field(ge=MIN_FLOOR, le=MAX_FLOOR)]
Area = Annotated[Number, Field(le=MAX_AREA)]


def fold_id(text: str) -> str:
    """A room id with case, width and spaces folded: ``R101``, ``r101``,
    ``R 101`` and ``Ｒ１０１`` are one id to a reader, so to us too."""
    return unicodedata.normalize("NFKC", "".join(text.split())).casefold()


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

    id: Annotated[Text, Field(min_length=1, max_length=64)]
    name: str | None = None
    floor: Floor
    area: Annotated[Area, Field(gt=0)]
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
            gap = abs(derived - area)
            if 0 < area <= MAX_AREA and gap > AREA_TOLERANCE * area:
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
        rounded = _round_area(value)
        if rounded <= 0:
            raise ValueError(
                f"area {value:g} m² rounds to 0.00 m² (areas are kept "
                "to 0.01 m²)."
            )
        return rounded

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
        if not isinstance(points, list | tuple) or any(
            not isinstance(p, list | tuple) or len(p) != 2 for p in points
        ):
            raise ValueError
        coords = [
            (float(_not_bool(x)), float(_not_bool(y))) for x, y in points
        ]
    except (TypeError, ValueError, OverflowError):
        raise ValueError(
            "polygon must be a list of [x, y] points in metres."
        ) from None
    if len(coords) > 1 and coords[0] == coords[-1]:
        coords = coords[:-1]
    if len(coords) < 3:
        raise ValueError("polygon needs at least 3 distinct points.")
    if not all(math.isfinite(c) for p in coords for c in p):
        raise ValueError("polygon has a point that is not a finite number.")
    if any(abs(c) > MAX_COORD for p in coords for c in p):
        raise ValueError(
            f"polygon has a point beyond {MAX_COORD:,.0f} m from the "
            "origin; coordinates are in metres."
        )
    with _quiet():
        shape = Polygon(coords)
        valid = shape.is_valid
        reason = "" if valid else shapely.is_valid_reason(shape)
    if not valid:
        raise ValueError(
            f"polygon is not a simple outline ({reason}); "
            "check for crossing edges."
        )
    if shape.area <= 1e-9:
        raise ValueError("polygon has zero area.")
    if shape.area > MAX_AREA:
        raise ValueError(
            f"polygon encloses {shape.area:.3g} m², more than "
            f"{MAX_AREA:,.0f} m²."
        )
    return shape


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence shapely's numpy RuntimeWarnings: stray terminal lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


class Building(Model):
    """The rooms and, optionally, which of them adjoin."""

    rooms: tuple[Room, ...]
    adjacency: tuple[tuple[str, str], ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> Building:
        self._check_rooms()
        self._check_adjacency()
        self._check_overlaps()
        return self

    def _check_rooms(self) -> None:
        if not self.rooms:
            raise ValueError("the building has no rooms.")
        seen: dict[str, int] = {}
        for i, room in enumerate(self.rooms):
            j = seen.setdefault(fold_id(room.id), i)
            first = self.rooms[j].id
            if j != i and first == room.id:
                raise ValueError(f"Room {room.id} is listed twice.")
            if first != room.id:
                raise ValueError(
                    f"Rooms {first} and {room.id} are one id (ids that "
                    "differ only in case or spaces are one id)."
                )

    def _check_overlaps(self) -> None:
        # Two outlines over one patch of floor would count its area
        # twice; a sliver under MAX_OVERLAP is drawing slack.
        by_floor: dict[int, list[Room]] = {}
        for room in self.rooms:
            if room.polygon is not None:
                by_floor.setdefault(room.floor, []).append(room)
        for floor, rooms in sorted(by_floor.items()):
            with _quiet():
                shapes = [r.shape for r in rooms]
                tree = shapely.STRtree(shapes)
                left, right = tree.query(shapes, predicate="intersects")
                pairs = sorted(zip(left.tolist(), right.tolist(), strict=True))
                for i, j in pairs:
                    if j <= i:
                        continue
                    shared = shapes[i].intersection(shapes[j]).area
                    if shared > MAX_OVERLAP:
                        raise ValueError(
                            f"Rooms {rooms[i].id} and {rooms[j].id} on "
                            f"floor {floor} overlap by {shared:.2f} m²; "
                            "an area would count twice."
                        )

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
        with _quiet():
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

    min: Floor | None = None
    max: Floor | None = None

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
    """A soft wish: place next to (or with) another function."""

    function: str
    weight: Annotated[Number, Field(gt=0, le=MAX_WEIGHT)] = 1.0


class Function(Model):
    """A function room the profile asks for."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: str
    name_en: str
    category: Category
    required: bool = True
    flexible: bool = False
    min_area: Annotated[Area, Field(ge=0)] = 0.0
    area_source: str = "default"
    schedule: tuple[str, ...] | Literal["always"] = "always"
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
        if any(n.function == self.id for n in self.near):
            raise ValueError(f"Function {self.id} near names itself.")
        if not self.schedule:
            raise ValueError(f"Function {self.id} schedule is empty.")
        return self

    def active_slots(self, slots: tuple[str, ...]) -> tuple[str, ...]:
        """The slots of ``slots`` in which this function is in use."""
        if self.schedule == "always":
            return slots
        return tuple(s for s in slots if s in self.schedule)

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
    min_area: Annotated[Area, Field(ge=0)] | None = None
    area_source: str | None = None
    schedule: tuple[str, ...] | Literal["always"] | None = None
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

    minimum: Annotated[Area, Field(ge=0)] | None = None
    per_100_households: Annotated[Number, Field(gt=0, le=10_000)] | None = (
        None
    )
    source: str = "default"


class Accounting(Model):
    """How the facility and resident-activity areas are counted."""

    circulation: Literal["exclude", "include"] = "exclude"
    shared_rooms: Literal["strict", "any", "prorate"] = "strict"
    resident_categories: tuple[Category, ...] = ("resident",)
    source: str = "default"


DEFAULT_SLOTS = (
    "weekday_am",
    "weekday_pm",
    "weekday_eve",
    "weekend_am",
    "weekend_pm",
    "weekend_eve",
)


class Policy(Model):
    """A regulation profile: facility rules and the functions asked for."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
    title: str
    title_en: str | None = None
    source: str
    area_type: AreaType | None = None
    extends: str | None = None
    area_target: AreaTarget = AreaTarget()
    resident_share_min: Annotated[Number, Field(ge=0, le=1)] | None = None
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
                if wish.function not in ids:
                    raise ValueError(
                        f"Function {f.id} near names unknown function "
                        f"'{wish.function}'."
                    )
            if f.schedule != "always":
                for slot in f.schedule:
                    if slot not in self.slots:
                        raise ValueError(
                            f"Function {f.id} schedule names unknown "
                            f"slot '{slot}'; the profile's slots are "
                            f"{', '.join(self.slots)}."
                        )
                if not f.schedule:
                    raise ValueError(
                        f"Function {f.id} schedule is empty."
                    )

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

    households: Annotated[Whole, Field(gt=0, le=MAX_HOUSEHOLDS)]
    population: (
        Annotated[Whole, Field(gt=0, le=10 * MAX_HOUSEHOLDS)] | None
    ) = None
    area_type: AreaType


class Options(Model):
    """Run options; missing ones come from the solver presets."""

    candidates: Annotated[Whole, Field(ge=1, le=50)] | None = None
    time_limit: Annotated[Number, Field(gt=0, le=MAX_TIME_LIMIT)] | None = (
        None
    )
    seed: Annotated[Whole, Field(ge=0, le=MAX_SEED)] | None = None
    workers: Annotated[Whole, Field(ge=1, le=64)] | None = None
    min_difference: Annotated[Whole, Field(ge=1, le=10_000)] | None = None
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
    options: Options = Options()
    source: str | None = None
    sha256: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        self._check_functions()
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
            for slot in () if f.schedule == "always" else f.schedule:
                if slot not in self.policy.slots:
                    raise ValueError(
                        f"Function {f.id} schedule names unknown slot "
                        f"'{slot}'."
                    )
        if sum(f.flexible for f in self.functions) > 1:
            raise ValueError("only one flexible function is allowed.")

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
