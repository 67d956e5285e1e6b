"""Plans and results: assignments plus the metrics they compute themselves.

A :class:`Plan` is an assignment of functions to rooms. Its metrics come
from :mod:`spaceplan.rules` alone, so a plan read from a file, made by hand
or returned by any solver is measured the same way. :class:`Result` is the
``result.json`` contract: the README lists what ``solve -o`` writes and
``spaceplan schema result`` prints its JSON Schema.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any, Literal

from pydantic import Field

from spaceplan import bilingual, rules, timetable
from spaceplan.data import Function, Model, Point, Scenario
from spaceplan.renovation.spec import Work
from spaceplan.works.check import rebuild

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


class Assignment(Model):
    """One function placed in one room."""

    function: str
    room: str


class Plan(Model):
    """An assignment of functions to rooms.

    A fixed function appears once; the flexible function may appear in
    any number of rooms.
    """

    assignments: tuple[Assignment, ...]
    #: Partitions removed and built (docs/formats.md, renovation); rooms of the plan
    #: use the names these works give (``R101+R102``, ``R104a``).
    works: tuple[Work, ...] = ()
    #: Room -> slot -> functions in session; None: fixed schedules only.
    timetable: dict[str, dict[str, tuple[str, ...]]] | None = None

    @classmethod
    def from_pairs(cls, pairs: Any) -> Plan:
        """Build from ``(function, room)`` pairs or a ``{function: room}``
        mapping (a list of rooms for the flexible function)."""
        items: list[Assignment] = []
        if isinstance(pairs, dict):
            for func, room in pairs.items():
                rooms = room if isinstance(room, list | tuple) else [room]
                items.extend(
                    Assignment(function=func, room=r) for r in rooms
                )
        else:
            items = [Assignment(function=f, room=r) for f, r in pairs]
        return cls(assignments=tuple(items))

    @cached_property
    def room_functions(self) -> dict[str, tuple[str, ...]]:
        """Room id to the functions placed there, in plan order."""
        out: dict[str, list[str]] = defaultdict(list)
        for a in self.assignments:
            out[a.room].append(a.function)
        return {r: tuple(fs) for r, fs in out.items()}

    @cached_property
    def function_rooms(self) -> dict[str, tuple[str, ...]]:
        """Function id to the rooms it was placed in."""
        out: dict[str, list[str]] = defaultdict(list)
        for a in self.assignments:
            out[a.function].append(a.room)
        return {f: tuple(rs) for f, rs in out.items()}

    def placement(self) -> dict[str, str]:
        """Fixed placements as ``{function: room}`` (first room wins)."""
        return {f: rs[0] for f, rs in self.function_rooms.items()}


class RoomUse(Model):
    """A room of the facility and what it holds."""

    room: str
    functions: tuple[str, ...]
    area: float
    resident_area: float
    peak_use: float
    office_area: float = 0.0
    unused_area: float = 0.0
    floor: int = 1
    slot_use: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    building_area: float | None = None
    #: A split part: the room it was cut from (a merge is named R1+R2).
    parts_of: str | None = None
    #: The outline of a merged or split room, when the originals have one.
    polygon: tuple[Point, ...] | None = None


class Metrics(Model):
    """Facility-level numbers of a plan (m² and shares)."""

    target_area: float
    facility_area: float
    resident_area: float
    resident_share: float
    office_area: float
    unused_area: float
    circulation_area: float = 0.0
    resident_share_min: float | None = None
    rooms_used: int = 0
    rooms_empty: int = 0
    shared_space: str = "include"
    walls_counted: bool = False
    resident_share_strict: float | None = None
    flex_area: float = 0.0
    flex_carries: bool = False
    advice_unmet: int = 0
    works_cost: float = 0.0


class PlanEvaluation(Model):
    """A plan measured: per-room uses and facility metrics, in units too."""

    rooms: tuple[RoomUse, ...]
    metrics: Metrics
    target_units: int
    facility_units: int
    resident_units: int
    office_units: int
    unused_units: int
    empty_rooms: tuple[str, ...]
    strict_resident_units: int = 0
    strict_facility_units: int = 0
    flex_units: int = 0


def evaluate_plan(scenario: Scenario, plan: Plan) -> PlanEvaluation:
    """Measure ``plan`` with the rules of :mod:`spaceplan.rules`.

    Areas in the facility, resident and office sums are building areas
    under the profile's ``shared_space`` accounting; the same plan is
    also measured under the v1 ``strict``/``include`` reading, for
    comparison. Function and room ids the scenario does not know are
    skipped here; :func:`spaceplan.check.check_solution` reports them.
    """
    rebuilt = rebuild(scenario, plan.works)
    scenario = rebuilt.scenario
    policy = scenario.policy
    acc = policy.accounting
    strict = rules.strict_accounting(acc)
    slots = scenario.slots
    building = scenario.building
    target = rules.area_target(policy, scenario.community)
    counted = rules.building_units(building, acc)
    uses: list[RoomUse] = []
    host_units: list[int] = []
    plain_units: list[int] = []
    resident = office = unused = strict_res = flex = 0
    room_functions = plan.room_functions
    week = timetable.plan_timetable(scenario, plan)
    for room in building.rooms:
        ids = room_functions.get(room.id, ())
        planned = _known(scenario, ids)
        funcs = timetable.booked_functions(planned, week, room.id, slots)
        if not funcs:
            continue
        area = rules.to_units(room.area)
        built = counted.get(room.id, area)
        res = rules.room_resident_units(built, funcs, acc, slots)
        strict_res += rules.room_resident_units(area, funcs, strict, slots)
        off = rules.room_office_units(built, funcs)
        waste = rules.room_unused_units(area, planned, slots)
        fixed = [f for f in funcs if not f.flexible]
        peak = rules.peak_use(fixed, slots) if fixed else area
        if not fixed:
            flex += built
        host_units.append(built)
        plain_units.append(area)
        resident += res
        office += off
        unused += waste
        uses.append(
            RoomUse(
                room=room.id,
                functions=tuple(f.id for f in funcs),
                area=room.area,
                resident_area=rules.to_m2(res),
                peak_use=rules.to_m2(peak),
                office_area=rules.to_m2(off),
                unused_area=rules.to_m2(waste),
                floor=room.floor,
                slot_use={
                    s: tuple(
                        f.id for f in funcs if s in f.active_slots(slots)
                    )
                    for s in slots
                },
                building_area=rules.to_m2(built),
                **_made(rebuilt.made_of, room),
            )
        )
    circulation = sum(
        rules.to_units(r.area)
        for r in building.rooms
        if r.kind == "circulation"
    )
    facility = rules.facility_units(host_units, [circulation], acc)
    strict_fac = rules.facility_units(plain_units, [circulation], strict)
    used = {u.room for u in uses}
    empty = tuple(
        r.id for r in scenario.host_rooms if r.id not in used
    )
    walls = acc.shared_space == "apportion" and bool(building.survey)
    metrics = Metrics(
        target_area=target.m2,
        facility_area=rules.to_m2(facility),
        resident_area=rules.to_m2(resident),
        resident_share=round(rules.share_of(resident, facility), 4),
        office_area=rules.to_m2(office),
        unused_area=rules.to_m2(unused),
        circulation_area=rules.to_m2(circulation),
        resident_share_min=policy.resident_share_min,
        rooms_used=len(uses),
        rooms_empty=len(empty),
        shared_space=acc.shared_space,
        walls_counted=walls,
        resident_share_strict=round(
            rules.share_of(strict_res, strict_fac), 4
        ),
        flex_area=rules.to_m2(flex),
        flex_carries=rules.flex_carries(
            flex, facility, target.units, policy.resident_share_min
        ),
        works_cost=round(sum(w.cost for w in plan.works), 2),
    )
    return PlanEvaluation(
        rooms=tuple(uses),
        metrics=metrics,
        target_units=target.units,
        facility_units=facility,
        resident_units=resident,
        office_units=office,
        unused_units=unused,
        empty_rooms=empty,
        strict_resident_units=strict_res,
        strict_facility_units=strict_fac,
        flex_units=flex,
    )


def _made(made_of: dict[str, tuple[str, ...]], room: Any) -> dict[str, Any]:
    """``parts_of`` and outline of a room a renovation made."""
    if room.id not in made_of:
        return {}
    parts = made_of[room.id]
    split = len(parts) == 1
    return {"parts_of": parts[0] if split else None, "polygon": room.polygon}


def _known(scenario: Scenario, ids: tuple[str, ...]) -> list[Function]:
    index = scenario.function_index
    return [scenario.functions[index[i]] for i in ids if i in index]


# ------------------------------------------------------------------- result


class CheckRecord(Model):
    """One rule of the compliance report, as stored in ``result.json``."""

    rule: str
    subject: str = "facility"
    strength: str = "law"
    source: bilingual.SourceText
    required: float | str | None
    achieved: float | str | None
    margin: float | None = None
    passed: bool
    description: str = ""
    #: Unmet advice items the row stands for, when it is failed advice.
    items: int = 1
    #: The catalogue key of the description and its fields (ids and
    #: numbers), so a report can word the row in either language.
    key: str = ""
    fields: dict[str, Any] = Field(default_factory=dict)


class Candidate(Model):
    """One candidate plan of a result, checked before it was written."""

    id: str
    objective: float
    bound: float | None = None
    objective_terms: dict[str, float] = Field(default_factory=dict)
    assignments: tuple[Assignment, ...]
    rooms: tuple[RoomUse, ...]
    empty_rooms: tuple[str, ...] = ()
    metrics: Metrics
    checks: tuple[CheckRecord, ...]
    moved: tuple[str, ...] = ()
    works: tuple[Work, ...] = ()
    timetable: dict[str, dict[str, tuple[str, ...]]] = Field(
        default_factory=dict
    )
    #: What this candidate does differently, by language (zh, en).
    comparison: dict[str, str] = Field(default_factory=dict)
    #: The secondary objective's terms (costs; lower is better).
    tiebreak: dict[str, int] = Field(default_factory=dict)

    @property
    def plan(self) -> Plan:
        """The candidate's assignment, works and timetable as a Plan."""
        return Plan(
            assignments=self.assignments,
            works=self.works,
            timetable=self.timetable or None,
        )


class ScenarioRef(Model):
    """Which scenario a result belongs to."""

    name: str
    sha256: str | None = None
    policy: str


#: The version of every JSON document spaceplan prints or writes
#: (``result.json``, ``check --json``, ``validate --json``, ...).
SCHEMA_VERSION = 2


class Result(Model):
    """What a solve returns and ``result.json`` holds."""

    schema_version: int = SCHEMA_VERSION
    tool: str = "spaceplan"
    version: str
    scenario: ScenarioRef
    status: Status
    solve_seconds: float
    solver: str = "cpsat"
    config: str | None = None
    seed: int | None = None
    objective_description: str = ""
    objective_weights: dict[str, float] = Field(default_factory=dict)
    candidates: tuple[Candidate, ...] = ()
    diagnosis: dict[str, Any] | None = None
    accounting: dict[str, Any] = Field(default_factory=dict)
    #: Prices, moves considered and model size of a renovation run.
    renovation: dict[str, Any] | None = None
    #: What the user should know about how the plans were found (e.g. a
    #: fallback plan at the time limit); an empty list when there is none.
    notes: tuple[str, ...] = ()
    #: Per note with a catalogue key: the candidate and the key of why
    #: (``face.note.*``), so a report words it in the user's language.
    note_keys: tuple[tuple[str, str], ...] = ()
