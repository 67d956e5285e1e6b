"""The regulation arithmetic, defined once.

The solver encodes these rules, the checker evaluates them, the report
prints them. All areas are handled as integers in units of 0.01 m²
(:data:`UNITS_PER_M2`), so that the solver and the checker agree exactly,
with no floating-point tolerance to argue about. Shares are handled in
basis points (1/10,000).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from spaceplan import timetable
from spaceplan.data import Accounting, Building, Community, Function, Policy

#: Integer area units per square metre (areas are kept to 0.01 m²).
UNITS_PER_M2 = 100
#: Share units per 1 (basis points).
SHARE_UNITS = 10_000


def to_units(area: float) -> int:
    """Square metres to integer area units (0.01 m²), rounded."""
    return round(area * UNITS_PER_M2)


def to_m2(units: int | float) -> float:
    """Integer area units back to square metres."""
    return units / UNITS_PER_M2


def share_units(share: float) -> int:
    """A share such as 0.60 in basis points (6000)."""
    return round(share * SHARE_UNITS)


# --------------------------------------------------------------- area target


@dataclass(frozen=True)
class AreaTarget:
    """The facility's area target and which term of it binds.

    Attributes
    ----------
    units : int
        The target in area units: the larger of the two terms.
    minimum_units : int or None
        The absolute minimum of the area type, if the profile has one.
    per_household_units : int or None
        ``per_100_households × households / 100``, if the profile has it.
    binding : str
        ``"minimum"``, ``"per_household"`` or ``"none"`` (no target).
    low_units, high_units : int or None
        For an "about" target (a tolerance), the band it is met in.
    """

    units: int
    minimum_units: int | None
    per_household_units: int | None
    binding: Literal["minimum", "per_household", "none"]
    low_units: int | None = None
    high_units: int | None = None

    @property
    def least_units(self) -> int:
        """The smallest facility area that meets the target."""
        return self.units if self.low_units is None else self.low_units

    def met(self, facility: int) -> bool:
        """Whether a facility of ``facility`` units meets the target."""
        if self.binding == "none":
            return True
        if facility < self.least_units:
            return False
        return self.high_units is None or facility <= self.high_units

    @property
    def m2(self) -> float:
        """The target in square metres."""
        return to_m2(self.units)


def area_target(policy: Policy, community: Community) -> AreaTarget:
    """The facility area target of ``policy`` for ``community``.

    target = max(minimum, per_100_households × households / 100). In area
    units the per-household term is ``per_100_households × households``
    exactly (m² per 100 households × households / 100 × 100 units/m²),
    rounded up so that a fractional target is never undershot.
    """
    rule = policy.area_target
    minimum = None if rule.minimum is None else to_units(rule.minimum)
    per_household = None
    if rule.per_100_households is not None:
        exact = rule.per_100_households * community.households
        per_household = math.ceil(exact - 1e-9)
    terms = [t for t in (minimum, per_household) if t is not None]
    if not terms:
        return AreaTarget(0, None, None, "none")
    value = max(terms)
    binding: Literal["minimum", "per_household"] = (
        "per_household"
        if per_household is not None and per_household == value
        and (minimum is None or per_household > minimum)
        else "minimum"
    )
    low = high = None
    if rule.tolerance:
        # "About 800 m²" ± tolerance, in basis points, exactly.
        tol = share_units(rule.tolerance)
        low = -(-value * (SHARE_UNITS - tol) // SHARE_UNITS)
        high = value * (SHARE_UNITS + tol) // SHARE_UNITS
    return AreaTarget(value, minimum, per_household, binding, low, high)


# ---------------------------------------------------------- room capacity


def slot_loads(
    functions: Iterable[Function], slots: Sequence[str]
) -> dict[str, int]:
    """Per slot, the added minimum areas (units) of the active functions.

    This is one room, multiple uses: functions used in different slots
    never add up; those used in the same slot do.
    """
    loads = dict.fromkeys(slots, 0)
    for f in functions:
        need = to_units(f.min_area)
        for slot in f.active_slots(tuple(slots)):
            loads[slot] += need
    return loads


def peak_use(functions: Iterable[Function], slots: Sequence[str]) -> int:
    """The largest slot load (units) of ``functions`` sharing one room."""
    loads = slot_loads(functions, slots)
    return max(loads.values(), default=0)


def over_capacity_slots(
    room_units: int, functions: Iterable[Function], slots: Sequence[str]
) -> dict[str, int]:
    """Slots whose load exceeds the room, with their loads (units)."""
    return {
        s: load
        for s, load in slot_loads(functions, slots).items()
        if load > room_units
    }


def area_slots(function: Function, slots: Sequence[str]) -> int:
    """A function's area-slots: min area (units) × its slots a week.

    A function with ``sessions`` counts its sessions, wherever they are
    booked.
    """
    return to_units(function.min_area) * timetable.weekly_count(
        function, slots
    )


# ------------------------------------------------------- building area


@dataclass(frozen=True)
class FloorFactor:
    """How one floor's shared space is apportioned to its rooms.

    A room's building area is ``⌊area × gross / base⌋`` units, where
    ``gross`` is the floor's surveyed gross area (walls included) or,
    without one, the sum of all its spaces of every kind, and ``base``
    is the sum of its ``room`` and ``unavailable`` spaces.
    """

    floor: int
    gross_units: int
    base_units: int
    surveyed: bool

    @property
    def factor(self) -> float:
        """gross / base (1.0 on a floor with nothing to apportion to)."""
        return self.gross_units / self.base_units if self.base_units else 1.0


def floor_factors(building: Building) -> dict[int, FloorFactor]:
    """Each floor's apportioning factor (共有建筑面积分摊, GB/T 17986)."""
    gross = building.gross_areas
    out: dict[int, FloorFactor] = {}
    for floor in building.floors:
        spaces = [r for r in building.rooms if r.floor == floor]
        base = sum(
            to_units(r.area)
            for r in spaces
            if r.kind in ("room", "unavailable")
        )
        total = sum(to_units(r.area) for r in spaces)
        surveyed = floor in gross
        out[floor] = FloorFactor(
            floor,
            to_units(gross[floor]) if surveyed else total,
            base,
            surveyed,
        )
    return out


def building_units(
    building: Building, accounting: Accounting
) -> dict[str, int]:
    """Each ``room``/``unavailable`` space's area (units) as counted.

    Under ``apportion`` that is its area times its floor's factor,
    rounded down, so that a floor's rooms never add up to more than the
    floor; otherwise it is the room's own area.
    """
    out: dict[str, int] = {}
    factors = floor_factors(building)
    apportion = accounting.shared_space == "apportion"
    for room in building.rooms:
        if room.kind not in ("room", "unavailable"):
            continue
        units = to_units(room.area)
        if apportion:
            ff = factors[room.floor]
            units = units * ff.gross_units // ff.base_units
        out[room.id] = units
    return out


def shared_units(building: Building, accounting: Accounting) -> int:
    """Shared space (units) added to the facility on top of its rooms.

    Only ``include`` adds the circulation at its own area; ``apportion``
    has already put it into the rooms' building areas.
    """
    if accounting.shared_space != "include":
        return 0
    return sum(
        to_units(r.area)
        for r in building.rooms
        if r.kind == "circulation"
    )


def strict_accounting(accounting: Accounting) -> Accounting:
    """The v1 reading, for comparison: ``strict`` rooms, ``include``."""
    return accounting.replace(shared_space="include", shared_rooms="strict")


# ------------------------------------------------------ resident accounting


def is_resident(function: Function, accounting: Accounting) -> bool:
    """Whether ``function`` counts as resident activity."""
    return (
        function.flexible
        or function.category in accounting.resident_categories
        or function.id in accounting.resident_functions
    )


def room_resident_units(
    room_units: int,
    functions: Sequence[Function],
    accounting: Accounting,
    slots: Sequence[str],
) -> int:
    """The resident-activity area (units) a room contributes.

    - ``strict``: the whole room if every function in it is resident;
    - ``any``: the whole room if at least one is;
    - ``prorate``: ⌊room × resident area-slots / all area-slots⌋, where a
      function's area-slots are its min area times its active slots.

    A room holding the flexible function holds nothing else and is
    resident in every reading. An empty room contributes nothing.
    """
    if not functions:
        return 0
    resident = [is_resident(f, accounting) for f in functions]
    mode = accounting.shared_rooms
    if any(f.flexible for f in functions):
        return room_units
    if mode == "strict":
        return room_units if all(resident) else 0
    if mode == "any":
        return room_units if any(resident) else 0
    total = sum(area_slots(f, slots) for f in functions)
    part = sum(
        area_slots(f, slots)
        for f, r in zip(functions, resident, strict=True)
        if r
    )
    if total == 0:
        return 0
    return room_units * part // total


def facility_units(
    host_units: Iterable[int],
    circulation_units: Iterable[int],
    accounting: Accounting,
) -> int:
    """Facility area (units): rooms in use, plus circulation if counted.

    ``host_units`` are building areas (apportioned when the accounting
    apportions); circulation is added only under ``include``.
    """
    total = sum(host_units)
    if accounting.shared_space == "include":
        total += sum(circulation_units)
    return total


def share_met(resident: int, facility: int, share_min: float) -> bool:
    """Whether resident / facility reaches ``share_min`` (exactly)."""
    return resident * SHARE_UNITS >= share_units(share_min) * facility


def share_of(resident: int, facility: int) -> float:
    """resident / facility as a float (0 when there is no facility)."""
    return resident / facility if facility else 0.0


def resident_needed(facility: int, share_min: float) -> int:
    """The least resident area (units) meeting the share for a facility."""
    return -(-share_units(share_min) * facility // SHARE_UNITS)


def flex_carries(
    flex: int, facility: int, target: int, share_min: float | None
) -> bool:
    """Whether the flexible room alone carries the programme.

    True when the flexible 多功能活动室 by itself reaches the resident
    share, or takes more than half the area target: the named function
    rooms are then a thin programme in a large facility.
    """
    if flex <= 0:
        return False
    if share_min is not None and facility > 0 and share_met(
        flex, facility, share_min
    ):
        return True
    return 2 * flex > target > 0


# ------------------------------------------------------- office and misuse


def is_office(function: Function) -> bool:
    """Whether ``function`` is office space (办公, to be minimised)."""
    return function.category == "office"


def room_office_units(room_units: int, functions: Sequence[Function]) -> int:
    """Office area of a room: the whole room if it hosts any office."""
    return room_units if any(is_office(f) for f in functions) else 0


def room_unused_units(
    room_units: int, functions: Sequence[Function], slots: Sequence[str]
) -> int:
    """Area left unused in a room hosting fixed functions (units).

    The room's area minus its peak slot load; rooms holding the flexible
    function (which takes a whole room) or nothing count zero. A function
    whose sessions the solver books counts its own area, not the slots
    it is booked in: the room needs at least that whatever the timetable,
    and a plan gains nothing by crowding sessions into one slot.
    """
    fixed = [f for f in functions if not f.flexible]
    if not fixed or len(fixed) != len(functions):
        return 0
    booked = max(
        (to_units(f.min_area) for f in fixed if f.sessions is not None),
        default=0,
    )
    return max(0, room_units - max(peak_use(fixed, slots), booked))
