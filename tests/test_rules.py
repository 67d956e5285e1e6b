"""The regulation arithmetic of :mod:`spaceplan.rules`, worked by hand.

Areas are integer units of 0.01 m² (1 m² = 100 units) and shares basis
points (60 % = 6,000), so every expected value below is exact.
"""

from __future__ import annotations

import pytest

from spaceplan import rules
from spaceplan.data import Accounting, Room

SLOTS = ("day", "eve")
STRICT = Accounting(shared_rooms="strict")
ANY = Accounting(shared_rooms="any")
PRORATE = Accounting(shared_rooms="prorate")


# ------------------------------------------------------------------ units


@pytest.mark.parametrize(
    ("m2", "units"),
    [
        (1, 100),  # 1 m² is 100 units of 0.01 m²
        (12.34, 1234),
        (0.005, 0),  # half a unit rounds to even: 0.5 -> 0
        (0.015, 2),  # 1.5 -> 2 (round half to even)
        (1260, 126_000),
    ],
)
def test_to_units(m2: float, units: int) -> None:
    assert rules.to_units(m2) == units


def test_to_m2_is_the_inverse_of_to_units() -> None:
    # 126,000 units / 100 = 1,260 m²; 1 unit = 0.01 m².
    assert rules.to_m2(126_000) == 1260.0
    assert rules.to_m2(1) == 0.01
    assert rules.to_m2(rules.to_units(86.55)) == 86.55


@pytest.mark.parametrize(
    ("share", "points"),
    [(0.60, 6000), (0.6154, 6154), (1.0, 10_000), (0.0, 0)],
)
def test_share_units(share: float, points: int) -> None:
    # basis points: share × 10,000
    assert rules.share_units(share) == points


# ------------------------------------------------------------ area target


def test_area_target_per_household_binds(make_scenario) -> None:
    # 30 m² per 100 households × 4,200 households = 1,260 m² > minimum
    # 300 m², so per_household binds: 126,000 units.
    sc = make_scenario([], _rooms(), households=4200, minimum=300, per_100=30)
    target = rules.area_target(sc.policy, sc.community)
    assert target.units == 126_000
    assert target.m2 == 1260.0
    assert target.binding == "per_household"
    assert target.minimum_units == 30_000
    assert target.per_household_units == 126_000


def test_area_target_minimum_binds(make_scenario) -> None:
    # 30 m² per 100 households × 800 households = 240 m² < minimum 300 m².
    sc = make_scenario([], _rooms(), households=800, minimum=300, per_100=30)
    target = rules.area_target(sc.policy, sc.community)
    assert (target.units, target.binding) == (30_000, "minimum")


def test_area_target_tie_is_reported_as_minimum(make_scenario) -> None:
    # 30 × 1,000 / 100 = 300 m² = minimum 300 m²: the minimum binds (the
    # per-household term must be strictly larger to bind).
    sc = make_scenario([], _rooms(), households=1000, minimum=300, per_100=30)
    target = rules.area_target(sc.policy, sc.community)
    assert (target.units, target.binding) == (30_000, "minimum")


def test_area_target_rounds_a_fraction_up(make_scenario) -> None:
    # 2.5 m² per 100 households × 3 households = 0.075 m² = 7.5 units,
    # rounded up to 8 units (0.08 m²) so the target is never undershot.
    sc = make_scenario([], _rooms(), households=3, per_100=2.5)
    target = rules.area_target(sc.policy, sc.community)
    assert (target.units, target.binding) == (8, "per_household")


def test_area_target_minimum_only_and_none(make_scenario) -> None:
    # minimum 2,000 m² alone: 200,000 units; no terms: no target at all.
    sc = make_scenario([], _rooms(), households=4200, minimum=2000)
    assert rules.area_target(sc.policy, sc.community).units == 200_000
    sc = make_scenario([], _rooms())
    target = rules.area_target(sc.policy, sc.community)
    assert (target.units, target.binding) == (0, "none")


# ---------------------------------------------------------- slot loads


def test_slot_loads_add_only_within_a_slot(make_function) -> None:
    # council 30 m² in the evening, reading 30 m² by day, archive 10 m²
    # always: day 30 + 10 = 40 m², evening 30 + 10 = 40 m², never 70.
    council = make_function("council", 30, schedule=["eve"])
    reading = make_function("reading", 30, schedule=["day"])
    archive = make_function("archive", 10)
    loads = rules.slot_loads([council, reading, archive], SLOTS)
    assert loads == {"day": 4000, "eve": 4000}


def test_slot_loads_of_nothing_are_zero() -> None:
    assert rules.slot_loads([], SLOTS) == {"day": 0, "eve": 0}


def test_peak_use_is_the_busiest_slot(make_function) -> None:
    # day 25 + 10 = 35 m², evening 10 m²: peak 35 m² = 3,500 units.
    a = make_function("a", 25, schedule=["day"])
    b = make_function("b", 10)
    assert rules.peak_use([a, b], SLOTS) == 3500
    assert rules.peak_use([], SLOTS) == 0


def test_over_capacity_slots(make_function) -> None:
    # A 30 m² room: day 20 + 15 = 35 m² is over, evening 15 m² fits.
    a = make_function("a", 20, schedule=["day"])
    b = make_function("b", 15)
    assert rules.over_capacity_slots(3000, [a, b], SLOTS) == {"day": 3500}
    # Exactly full (35 m² room) is not over capacity.
    assert rules.over_capacity_slots(3500, [a, b], SLOTS) == {}


def test_area_slots(make_function) -> None:
    # 12.5 m² × 2 active slots = 25 m²-slots = 2,500 units; 12.5 × 1.
    always = make_function("a", 12.5)
    evening = make_function("b", 12.5, schedule=["eve"])
    assert rules.area_slots(always, SLOTS) == 2500
    assert rules.area_slots(evening, SLOTS) == 1250


# ---------------------------------------------------- resident accounting


def test_is_resident(make_function) -> None:
    resident = make_function("r", 10, "resident")
    office = make_function("o", 10, "office")
    flexible = make_function("f", 0, "support", flexible=True)
    assert rules.is_resident(resident, STRICT)
    assert not rules.is_resident(office, STRICT)
    # The flexible function is resident whatever its category.
    assert rules.is_resident(flexible, STRICT)
    # resident_categories may widen the definition.
    wide = Accounting(resident_categories=("resident", "office"))
    assert rules.is_resident(office, wide)


@pytest.fixture
def mixed(make_function):
    """A 40 m² room's functions: reading (resident, 30 m², day) and
    archive (support, 10 m², always)."""
    return [
        make_function("reading", 30, "resident", schedule=["day"]),
        make_function("archive", 10, "support"),
    ]


def test_strict_counts_only_all_resident_rooms(mixed) -> None:
    # strict: the archive is not resident, so the room counts 0.
    assert rules.room_resident_units(4000, mixed, STRICT, SLOTS) == 0
    # With the reading room alone the whole 40 m² counts.
    assert rules.room_resident_units(4000, mixed[:1], STRICT, SLOTS) == 4000


def test_any_counts_the_whole_room_for_one_resident(mixed) -> None:
    # any: the reading room is resident, so the whole 40 m² counts.
    assert rules.room_resident_units(4000, mixed, ANY, SLOTS) == 4000
    # The archive alone is not resident: 0.
    assert rules.room_resident_units(4000, mixed[1:], ANY, SLOTS) == 0


def test_prorate_by_area_slots(mixed) -> None:
    # reading 30 m² × 1 slot = 3,000; archive 10 m² × 2 slots = 2,000;
    # 40 m² × 3,000 / 5,000 = 24 m² = 2,400 units.
    assert rules.room_resident_units(4000, mixed, PRORATE, SLOTS) == 2400


def test_prorate_floors_the_division(make_function) -> None:
    # room 10.01 m² = 1,001 units; resident 10 m² × 1 slot = 1,000,
    # other 10 m² × 2 slots = 2,000: 1,001 × 1,000 // 3,000 = 333
    # (333.67 floored, so the share is never overstated).
    funcs = [
        make_function("a", 10, "resident", schedule=["day"]),
        make_function("b", 10, "service"),
    ]
    assert rules.room_resident_units(1001, funcs, PRORATE, SLOTS) == 333


def test_flexible_and_empty_rooms(make_function) -> None:
    flex = make_function("flex", 0, "resident", flexible=True)
    for acc in (STRICT, ANY, PRORATE):
        # The flexible room counts whole in every reading: 120 m².
        assert rules.room_resident_units(12_000, [flex], acc, SLOTS) == (
            12_000
        )
        # An empty room is not in the facility: 0.
        assert rules.room_resident_units(12_000, [], acc, SLOTS) == 0


@pytest.mark.parametrize(
    ("circulation", "expected"),
    [
        # rooms 60 + 40 = 100 m²; corridors 20 m² not counted: 100 m².
        ("exclude", 10_000),
        # ... counted: 100 + 20 = 120 m².
        ("include", 12_000),
    ],
)
def test_facility_units(circulation: str, expected: int) -> None:
    acc = Accounting.model_validate({"circulation": circulation})
    assert rules.facility_units([6000, 4000], [2000], acc) == expected


def test_share_exactly_at_the_boundary_passes() -> None:
    # 60 m² resident of 100 m² facility is exactly 60 %: passes.
    assert rules.share_met(6000, 10_000, 0.60)


def test_share_one_unit_below_the_boundary_fails() -> None:
    # 59.99 m² of 100 m² is 59.99 % < 60 %: 0.01 m² below fails.
    assert not rules.share_met(5999, 10_000, 0.60)


def test_share_of() -> None:
    # 160 / 260 = 0.61538...; no facility gives 0, not a division error.
    assert rules.share_of(16_000, 26_000) == pytest.approx(0.615384615)
    assert rules.share_of(0, 0) == 0.0


@pytest.mark.parametrize(
    ("facility", "expected"),
    [
        # 60 % of 100 m² = 60 m² exactly.
        (10_000, 6000),
        # 60 % of 100.01 m² = 60.006 m² = 6,000.6 units, rounded up to
        # 6,001 so that the share is really met.
        (10_001, 6001),
        (0, 0),
    ],
)
def test_resident_needed(facility: int, expected: int) -> None:
    needed = rules.resident_needed(facility, 0.60)
    assert needed == expected
    assert rules.share_met(needed, facility, 0.60)
    if needed:
        assert not rules.share_met(needed - 1, facility, 0.60)


# ------------------------------------------------------- office and misuse


def test_office_rooms(make_function) -> None:
    office = make_function("office", 20, "office")
    hall = make_function("hall", 40, "service")
    assert rules.is_office(office) and not rules.is_office(hall)
    # Any office in a room makes the whole 60 m² office area.
    assert rules.room_office_units(6000, [hall, office]) == 6000
    assert rules.room_office_units(6000, [hall]) == 0


def test_room_unused_units(make_function) -> None:
    # 60 m² room, peak 40 m² (service hall always): 20 m² unused.
    hall = make_function("hall", 40, "service")
    flex = make_function("flex", 0, "resident", flexible=True)
    assert rules.room_unused_units(6000, [hall], SLOTS) == 2000
    # Over capacity is not negative unused area.
    assert rules.room_unused_units(3000, [hall], SLOTS) == 0
    # The flexible room and an empty room count nothing.
    assert rules.room_unused_units(6000, [flex], SLOTS) == 0
    assert rules.room_unused_units(6000, [], SLOTS) == 0


def _rooms() -> list[Room]:
    return [Room(id="R1", floor=1, area=10)]
