"""The data model: rooms, buildings, functions, policy profiles, scenarios.

Field names follow the formats of the README (``spaceplan schema`` prints
them), the contract with users. Every model is frozen and forbids unknown
fields, so a typo in a file is an error, not a silently ignored key. Areas are quantised to 0.01 m² on load (see
:mod:`spaceplan.rules`), which lets the solver and the checker do the same
exact integer arithmetic.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from shapely.geometry import Polygon

from spaceplan import bilingual, references, timetable
from spaceplan.errors import Fault
from spaceplan.geometry import (
    derive_adjacency,
    first_overlap,
    polygon_shape,
    quiet_shapely,
)
from spaceplan.limits import (
    MAX_AREA,
    MAX_HOUSEHOLDS,
    MAX_OVERLAP,
    MAX_SEED,
    MAX_TIME_LIMIT,
    MAX_WEIGHT,
    Area,
    Floor,
    Number,
    Text,
    Whole,
    fold_id,
)
from spaceplan.renovation.spec import Renovation, Wall, check_walls

#: Relative tolerance between a room's stated area and its polygon's area.
AREA_TOLERANCE = 0.02

#: Room tags a scenario may use and a function may need.
Tag = Literal[
    "daylight",
    "accessible",
    "street_access",
    "water",
    "quiet",
    "lockable",
    "entrance",
]
KNOWN_TAGS: tuple[str, ...] = get_args(Tag)
Category = Literal["resident", "service", "office", "support", "commercial"]
#: Function categories of the profiles.
CATEGORIES: tuple[str, ...] = get_args(Category)
#: How hard a rule is (docs/sources.md): a seed document's rule, a standard's
#: clause, or advice that never decides compliance.
Strength = Literal["law", "standard", "advice"]
HardStrength = Literal["law", "standard"]
#: Exactly how a source names spaceplan's own assumption.
DEFAULT_SOURCE = "spaceplan default"
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
                raise Fault("err.data.no_area")
            return data
        shape = polygon_shape(poly)
        area = data.get("area")
        derived = shape.area
        if area is not None:
            if not isinstance(area, int | float) or isinstance(area, bool):
                return data  # the field validator reports the type
            gap = abs(derived - area)
            if 0 < area <= MAX_AREA and gap > AREA_TOLERANCE * area:
                raise Fault("err.data.area_polygon", area=f"{area:g}",
                            poly=f"{derived:.2f}", tol=f"{AREA_TOLERANCE:.0%}")
            return data
        return {**data, "area": derived}

    @field_validator("area")
    @classmethod
    def _quantise(cls, value: float) -> float:
        rounded = _round_area(value)
        if rounded <= 0:
            raise Fault("err.data.area_zero", area=f"{value:g}")
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


class FloorSurvey(Model):
    """A floor's surveyed building area (建筑面积), walls included."""

    floor: int
    gross_area: Annotated[float, Field(gt=0)]

    @field_validator("gross_area")
    @classmethod
    def _quantise(cls, value: float) -> float:
        return _round_area(value)


class Building(Model):
    """Rooms, which adjoin, and floors' gross areas (file key ``floors``,
    read into :attr:`survey`; :attr:`floors` is the floor numbers)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    rooms: tuple[Room, ...]
    adjacency: tuple[tuple[str, str], ...] | None = None
    survey: tuple[FloorSurvey, ...] = Field(default=(), alias="floors")
    walls: tuple[Wall, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Building:
        self._check_rooms()
        self._check_adjacency()
        check_walls(self.rooms, self.walls)
        self._check_survey()
        self._check_overlaps()
        return self

    def _check_survey(self) -> None:
        seen: set[int] = set()
        for entry in self.survey:
            if entry.floor in seen:
                raise Fault("err.data.floor_twice", floor=entry.floor)
            seen.add(entry.floor)
            area = sum(r.area for r in self.rooms if r.floor == entry.floor)
            if area == 0:
                raise Fault("err.data.floor_empty", floor=entry.floor)
            if entry.gross_area < area - 0.01:
                raise Fault("err.data.gross", floor=entry.floor,
                            gross=f"{entry.gross_area:g}", area=f"{area:.2f}")

    @cached_property
    def gross_areas(self) -> dict[int, float]:
        """Surveyed gross area per floor, where the file gives one."""
        return {e.floor: e.gross_area for e in self.survey}

    def _check_rooms(self) -> None:
        if not self.rooms:
            raise Fault("err.data.no_rooms")
        seen: dict[str, int] = {}
        for i, room in enumerate(self.rooms):
            j = seen.setdefault(fold_id(room.id), i)
            first = self.rooms[j].id
            if j != i and first == room.id:
                raise Fault("err.data.room_twice", rid=room.id)
            if first != room.id:
                raise Fault("err.data.one_id", a=first, b=room.id)

    def _check_overlaps(self) -> None:
        # Two outlines over one patch of floor would count its area
        # twice; a sliver under MAX_OVERLAP is drawing slack.
        found = first_overlap(self.rooms, MAX_OVERLAP)
        if found is not None:
            a, b, floor, shared = found
            raise Fault("err.data.overlap", a=a, b=b, floor=floor,
                        shared=f"{shared:.2f}")

    def _check_adjacency(self) -> None:
        ids = {r.id for r in self.rooms}
        for a, b in self.adjacency or ():
            for rid in (a, b):
                if rid not in ids:
                    raise Fault("err.data.adjacency_unknown", rid=rid)
            if a == b:
                raise Fault("err.data.adjacency_self", rid=a)

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
        with quiet_shapely():
            return frozenset(derive_adjacency(self.rooms))

    def adjacent(self, a: str, b: str) -> bool:
        """Whether rooms ``a`` and ``b`` share a wall."""
        return frozenset((a, b)) in self.adjacent_pairs

    @cached_property
    def floors(self) -> tuple[int, ...]:
        """The building's floors, lowest first."""
        return tuple(sorted({r.floor for r in self.rooms}))


# ----------------------------------------------------------------- functions


class FloorRange(Model):
    """Allowed floors of a function, both ends inclusive."""

    min: Floor | None = None
    max: Floor | None = None

    @model_validator(mode="after")
    def _order(self) -> FloorRange:
        lo, hi = self.min, self.max
        if lo is not None and hi is not None and lo > hi:
            raise Fault("err.data.floors", lo=self.min, hi=self.max)
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
    weight: Annotated[Number, Field(gt=0, le=MAX_WEIGHT)] = 1.0

    @model_validator(mode="after")
    def _one_target(self) -> Near:
        given = [k for k in ("function", "room", "tag") if getattr(self, k)]
        if len(given) != 1:
            raise Fault("err.data.near_one")
        return self


class AreaBand(Model):
    """An advised room size for communities up to a number of households."""

    households_max: Annotated[int, Field(gt=0)] | None = None
    min_area: Annotated[float, Field(gt=0)]


class Advice(Model):
    """Soft placement rules of a function: advice (docs/sources.md).

    The keys mirror the hard ones; each unmet item costs the solver
    ``advice_weight`` and is listed in the report, but never decides
    compliance. ``min_area`` asks for a room of at least that size;
    ``area_bands`` give it by households (the first band whose
    ``households_max`` is not below the community's households).
    """

    needs: tuple[Tag, ...] = ()
    floors: FloorRange | None = None
    exclusive: bool = False
    never_with: tuple[str, ...] = ()
    min_area: Annotated[float, Field(gt=0)] | None = None
    area_bands: tuple[AreaBand, ...] = ()
    source: bilingual.SourceText = DEFAULT_SOURCE

    @model_validator(mode="after")
    def _check(self) -> Advice:
        if self.area_bands and self.area_bands[-1].households_max:
            raise Fault("err.data.bands_last")
        tops = [b.households_max for b in self.area_bands[:-1]]
        known = [t for t in tops if t is not None]
        if len(known) != len(tops) or known != sorted(known):
            raise Fault("err.data.bands_rise")
        return self

    def advised_area(self, households: int) -> float | None:
        """The advised room size for ``households``, if any."""
        for band in self.area_bands:
            top = band.households_max
            if top is None or households <= top:
                return band.min_area
        return self.min_area

    @property
    def empty(self) -> bool:
        """Whether the block advises nothing."""
        keys = (self.needs, self.floors, self.exclusive, self.never_with)
        return not (any(keys) or self.min_area or self.area_bands)


Required = bool | Literal["recommended"]


class Function(Model):
    """A function room the profile asks for.

    ``required: recommended`` puts the function in every run but makes
    its placement advice: the solver places it when it can and the
    report says when it could not. ``strength`` is that of the hard
    rules (placement, needs, floors, exclusive, never_with) and
    ``area_strength`` that of ``min_area``.
    """

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
    name: str
    name_en: str
    category: Category
    required: Required = True
    flexible: bool = False
    min_area: Annotated[Area, Field(ge=0)] = 0.0
    area_source: bilingual.SourceText = "default"
    area_strength: Strength = "law"
    schedule: tuple[str, ...] | Literal["always"] = "always"
    sessions: Annotated[int, Field(ge=1)] | None = None
    within: tuple[str, ...] | None = None
    private: bool = False
    time_source: bilingual.SourceText = "default"
    needs: tuple[Tag, ...] = ()
    floors: FloorRange | None = None
    exclusive: bool = False
    never_with: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()
    advice: Advice = Advice()
    strength: HardStrength = "law"
    rule_source: bilingual.SourceText = "default"
    aliases: tuple[str, ...] = ()
    note: str | None = None

    @property
    def recommended(self) -> bool:
        """Whether placing the function is advice only."""
        return self.required == "recommended"

    @field_validator("min_area")
    @classmethod
    def _quantise(cls, value: float) -> float:
        return _round_area(value)

    @model_validator(mode="after")
    def _check(self) -> Function:
        if not self.flexible and self.min_area <= 0:
            raise Fault("err.data.min_area", fid=self.id)
        if self.id in self.never_with + self.advice.never_with:
            raise Fault("err.data.never_self", fid=self.id)
        fault = timetable.time_fields_fault(self)
        if fault is not None:
            raise Fault("err.ref.time", fid=self.id, fault=fault)
        if any(n.function == self.id for n in self.near):
            raise Fault("err.data.near_self", fid=self.id)
        if not self.schedule:
            raise Fault("err.ref.schedule_empty", fid=self.id)
        return self

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
    required: Required | None = None
    flexible: bool | None = None
    min_area: Annotated[Area, Field(ge=0)] | None = None
    area_source: bilingual.SourceText | None = None
    area_strength: Strength | None = None
    schedule: tuple[str, ...] | Literal["always"] | None = None
    sessions: Annotated[int, Field(ge=1)] | None = None
    within: tuple[str, ...] | None = None
    private: bool | None = None
    time_source: bilingual.SourceText | None = None
    needs: tuple[Tag, ...] | None = None
    floors: FloorRange | None = None
    exclusive: bool | None = None
    never_with: tuple[str, ...] | None = None
    near: tuple[Near, ...] | None = None
    advice: Advice | None = None
    strength: HardStrength | None = None
    rule_source: bilingual.SourceText | None = None
    aliases: tuple[str, ...] | None = None
    note: str | None = None


# ------------------------------------------------------------------ policies


class AreaTarget(Model):
    """The facility's area target: the larger of its two terms.

    ``tolerance`` makes the minimum a band ("about 800 m²" ± 10 %);
    ``strength: advice`` reports it without deciding compliance.
    """

    minimum: Annotated[Area, Field(ge=0)] | None = None
    per_100_households: Annotated[Number, Field(gt=0, le=10_000)] | None = (
        None
    )
    tolerance: Annotated[Number, Field(ge=0, lt=1)] | None = None
    strength: Strength = "law"
    source: bilingual.SourceText = "default"


SharedSpace = Literal["apportion", "include", "exclude"]


class Accounting(Model):
    """How the facility and resident-activity areas are counted.

    ``shared_space`` (docs/sources.md): ``apportion`` shares each floor's
    circulation and service space (and walls, given a gross area) out
    among its rooms; ``include`` adds circulation at its own area;
    ``exclude`` leaves it out. The v1 key ``circulation: include |
    exclude`` still loads and means ``shared_space`` of that name.
    ``resident_functions`` names functions counted as resident activity
    whatever their category (resident-facing services).
    """

    shared_space: SharedSpace = "apportion"
    shared_rooms: Literal["strict", "any", "prorate"] = "prorate"
    resident_categories: tuple[Category, ...] = ("resident",)
    resident_functions: tuple[str, ...] = ()
    source: bilingual.SourceText = "default"

    @model_validator(mode="before")
    @classmethod
    def _v1_circulation(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "circulation" not in data:
            return data
        data = dict(data)
        value = data.pop("circulation")
        if value not in ("include", "exclude"):
            raise Fault("err.data.circulation")
        if data.setdefault("shared_space", value) != value:
            raise Fault("err.data.shared_space")
        return data

    @property
    def circulation(self) -> str:
        """The v1 name of the setting (``apportion`` counts it too)."""
        return "exclude" if self.shared_space == "exclude" else "include"


#: The default week: 21 slots (the v1 six are a profile setting).
DEFAULT_SLOTS = timetable.WEEK


class Policy(Model):
    """A regulation profile: facility rules and the functions asked for."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
    title: str
    title_en: str | None = None
    source: bilingual.SourceText
    area_type: AreaType | None = None
    extends: str | None = None
    area_target: AreaTarget = AreaTarget()
    resident_share_min: Annotated[Number, Field(ge=0, le=1)] | None = None
    resident_share_source: bilingual.SourceText = "default"
    resident_share_strength: Strength = "law"
    accounting: Accounting = Accounting()
    slots: tuple[str, ...] = DEFAULT_SLOTS
    functions: tuple[Function, ...] = ()
    notes: tuple[bilingual.SourceText, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Policy:
        references.check_policy(self)
        return self

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
    advice: Literal["soft", "hard"] | None = None


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
    renovation: Renovation | None = None


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
    renovation: Renovation | None = None

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        references.check_scenario(self)
        return self

    @cached_property
    def function_index(self) -> dict[str, int]:
        """Function id to its position in :attr:`functions`."""
        return {f.id: i for i, f in enumerate(self.functions)}

    def function(self, function_id: str) -> Function:
        """The function with this id."""
        return self.functions[self.function_index[function_id]]

    @property
    def advice_hard(self) -> bool:
        """Whether this run treats advice as hard rules."""
        return self.options.advice == "hard"

    def advised_area(self, function: Function) -> float | None:
        """The room size advised for ``function`` in this community."""
        return function.advice.advised_area(self.community.households)

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
