"""Feature tests of the checker, one tiny instance per rule.

Each instance is built in a few lines with the conftest builders; the
comment says why the verdict is what it is.
"""

from __future__ import annotations

import pytest

from spaceplan.check import audit, check_solution
from spaceplan.solution import Plan


def _rules(violations) -> list[str]:
    return [v.rule for v in violations]


def _messages(violations) -> list[str]:
    return [v.message for v in violations]


# ------------------------------------------------------------------ placed


@pytest.fixture
def two_rooms(make_function, make_room, make_scenario):
    """Hall (40 m²) and archive (10 m²); rooms R1 60 m², R2 20 m²."""
    hall = make_function(
        "hall", 40, "service", name="服务大厅", name_en="Service hall"
    )
    archive = make_function(
        "archive", 10, "support", name="档案室", name_en="Archive"
    )
    return make_scenario(
        [hall, archive], [make_room("R1", 60), make_room("R2", 20)]
    )


def test_a_valid_plan_has_no_violations(two_rooms) -> None:
    # Hall 40 ≤ 60 m², archive 10 ≤ 20 m²; no other rule.
    plan = Plan.from_pairs({"hall": "R1", "archive": "R2"})
    assert check_solution(two_rooms, plan) == []
    assert audit(two_rooms, plan).compliant


def test_a_function_not_placed(two_rooms) -> None:
    plan = Plan.from_pairs({"hall": "R1"})
    found = check_solution(two_rooms, plan)
    assert _messages(found) == ["档案室 (archive) is not placed in any room."]
    assert found[0].rule == "placed" and found[0].function == "archive"


def test_a_function_placed_twice(two_rooms) -> None:
    plan = Plan.from_pairs(
        [("hall", "R1"), ("archive", "R1"), ("archive", "R2")]
    )
    found = check_solution(two_rooms, plan)
    assert _messages(found) == [
        "档案室 (archive) is placed 2 times (R1, R2); it needs exactly one "
        "room."
    ]


def test_unknown_ids_in_a_plan_are_violations(two_rooms) -> None:
    # A hand-made plan (not read from a file) may name anything.
    plan = Plan.from_pairs(
        {"hall": "R1", "archive": "R2", "kitchen": "R1", "flex": "R9"}
    )
    messages = _messages(check_solution(two_rooms, plan))
    assert (
        "The plan names function 'kitchen', which is not a function of "
        "this scenario." in messages
    )
    assert "The plan names room 'R9', which is not in the building." in (
        messages
    )


# --------------------------------------------------------------- host kind


def test_a_function_in_a_corridor(make_function, make_room, make_scenario):
    # C1 is circulation: big enough, but only kind 'room' hosts.
    hall = make_function("hall", 40, "service", name_en="Service hall")
    sc = make_scenario([hall], [make_room("C1", 80, kind="circulation")])
    found = check_solution(sc, Plan.from_pairs({"hall": "C1"}))
    assert _rules(found) == ["host_kind"]
    assert found[0].message == (
        "hall (service hall) is in C1, a room of kind 'circulation'; only "
        "rooms of kind 'room' host functions."
    )


# ---------------------------------------------------------------- min area


@pytest.fixture
def council_reading(make_function, make_room, make_scenario):
    """Council (30 m², evening) and reading room (30 m², day) in a 40 m²
    room: 30 + 30 = 60 > 40, but they never meet."""

    def build(reading_schedule):
        council = make_function(
            "council",
            30,
            schedule=["eve"],
            name="居民议事室",
            name_en="Council room",
        )
        reading = make_function(
            "reading",
            30,
            schedule=reading_schedule,
            name="阅览室",
            name_en="Reading room",
        )
        return make_scenario([council, reading], [make_room("R1", 40)])

    return build


def test_two_functions_fit_because_their_slots_differ(council_reading):
    # day 30 m², evening 30 m²: each fits 40 m² alone, so they share.
    sc = council_reading(["day"])
    plan = Plan.from_pairs({"council": "R1", "reading": "R1"})
    assert check_solution(sc, plan) == []
    rows = [r for r in audit(sc, plan).rows if r.rule == "min_area"]
    # margin: 40 - 30 = 10 m² in the busiest slot of each.
    assert [r.margin for r in rows] == [10.0, 10.0]


def test_two_functions_in_the_same_slot_do_not_fit(council_reading):
    # Both in the evening: 30 + 30 = 60 m² > 40 m².
    sc = council_reading(["eve"])
    plan = Plan.from_pairs({"council": "R1", "reading": "R1"})
    found = check_solution(sc, plan)
    # Both functions' rows fail, but the architect reads the fault once.
    failed = [r for r in audit(sc, plan).rows if not r.passed]
    assert [r.function for r in failed] == ["council", "reading"]
    assert _rules(found) == ["min_area"]
    assert found[0].message == (
        "R1 (40 m²) is too small in slot eve: 居民议事室 (council room) + "
        "阅览室 (reading room) need 60 m² together."
    )
    row = next(r for r in audit(sc, plan).rows if r.rule == "min_area")
    assert row.margin == -20.0  # 40 - 60


def test_a_room_too_small_for_one_function(
    make_function, make_room, make_scenario
):
    # 40 m² needed, 39.99 m² available: 0.01 m² short fails.
    hall = make_function("hall", 40, "service", name_en="Service hall")
    sc = make_scenario([hall], [make_room("R1", 39.99)])
    found = check_solution(sc, Plan.from_pairs({"hall": "R1"}))
    assert _messages(found) == [
        "hall (service hall) needs 40 m², but R1 has only 39.99 m²."
    ]
    # Exactly 40 m² fits.
    sc = make_scenario([hall], [make_room("R1", 40)])
    assert check_solution(sc, Plan.from_pairs({"hall": "R1"})) == []


# ---------------------------------------------------------- needs, floors


def test_needs(make_function, make_room, make_scenario) -> None:
    # The archive needs a lockable room; R1 only has daylight.
    archive = make_function(
        "archive",
        10,
        "support",
        needs=["lockable"],
        name="档案室",
        name_en="Archive",
    )
    sc = make_scenario(
        [archive],
        [
            make_room("R1", 20, tags=["daylight"]),
            make_room("R2", 20, tags=["lockable", "quiet"]),
        ],
    )
    found = check_solution(sc, Plan.from_pairs({"archive": "R1"}))
    assert _messages(found) == [
        "档案室 (archive) needs lockable; R1 lacks lockable."
    ]
    assert check_solution(sc, Plan.from_pairs({"archive": "R2"})) == []


def test_floors(make_function, make_room, make_scenario) -> None:
    # The hall may be on floor 1 at most; R2 is on floor 2.
    hall = make_function(
        "hall",
        40,
        "service",
        floors={"max": 1},
        name="服务大厅",
        name_en="Service hall",
    )
    sc = make_scenario(
        [hall], [make_room("R1", 50, floor=1), make_room("R2", 50, floor=2)]
    )
    found = check_solution(sc, Plan.from_pairs({"hall": "R2"}))
    assert _messages(found) == [
        "服务大厅 (service hall) may be on floors up to 1; R2 is on floor 2."
    ]
    assert check_solution(sc, Plan.from_pairs({"hall": "R1"})) == []


def test_basement_floor_range(make_function, make_room, make_scenario):
    # floors {min: -1, max: 1}: -1 and 1 are in, 2 is out.
    f = make_function("store", 10, "support", floors={"min": -1, "max": 1})
    rooms = [make_room("B1", 20, floor=-1), make_room("R2", 20, floor=2)]
    sc = make_scenario([f], rooms)
    assert check_solution(sc, Plan.from_pairs({"store": "B1"})) == []
    found = check_solution(sc, Plan.from_pairs({"store": "R2"}))
    assert "may be on floors -1 to 1" in found[0].message


# ------------------------------------------------------ sharing rules


def test_exclusive(make_function, make_room, make_scenario) -> None:
    # The office is exclusive: a 100 m² room is big enough for both, but
    # the office may not share it.
    office = make_function(
        "office",
        20,
        "office",
        exclusive=True,
        name="社区办公室",
        name_en="Community office",
    )
    hall = make_function(
        "hall", 40, "service", name="服务大厅", name_en="Service hall"
    )
    sc = make_scenario([office, hall], [make_room("R1", 100)])
    found = check_solution(sc, Plan.from_pairs({"office": "R1", "hall": "R1"}))
    assert _messages(found) == [
        "社区办公室 (community office) needs R1 to itself, but shares it "
        "with 服务大厅 (service hall)."
    ]


@pytest.fixture
def archive_reading(make_function, make_room, make_scenario):
    """The archive may not share with the reading room (never_with on the
    archive's side); R204 (50 m²) fits both in area."""
    archive = make_function(
        "archive",
        10,
        "support",
        never_with=["reading"],
        name="档案室",
        name_en="Archive",
    )
    reading = make_function(
        "reading", 30, name="阅览室", name_en="Reading room"
    )
    return make_scenario([archive, reading], [make_room("R204", 50)])


def test_never_with(archive_reading) -> None:
    plan = Plan.from_pairs({"archive": "R204", "reading": "R204"})
    found = check_solution(archive_reading, plan)
    assert found[0].rule == "never_with"
    assert found[0].message == (
        "档案室 (archive) may not share R204 with 阅览室 (reading room)."
    )


def test_never_with_declared_on_one_side_is_reported_once(archive_reading):
    plan = Plan.from_pairs({"archive": "R204", "reading": "R204"})
    assert _rules(check_solution(archive_reading, plan)) == ["never_with"]


def test_never_with_declared_on_the_later_side_is_reported_once(
    make_function, make_room, make_scenario
):
    # reading_room names archive; 'archive' < 'reading_room' in id order.
    archive = make_function("archive", 10, "support")
    reading = make_function("reading_room", 30, never_with=["archive"])
    sc = make_scenario([archive, reading], [make_room("R1", 50)])
    plan = Plan.from_pairs({"archive": "R1", "reading_room": "R1"})
    assert _rules(check_solution(sc, plan)) == ["never_with"]


def test_never_with_in_separate_rooms_passes(archive_reading, make_room):
    sc = archive_reading.replace(
        building={
            "rooms": [r.model_dump() for r in archive_reading.building.rooms]
            + [make_room("R205", 20).model_dump()]
        }
    )
    plan = Plan.from_pairs({"archive": "R205", "reading": "R204"})
    assert check_solution(sc, plan) == []
    row = next(r for r in audit(sc, plan).rows if r.rule == "never_with")
    assert row.passed and row.required == "not with reading"


def test_flexible_room_must_be_alone(make_function, make_room, make_scenario):
    # The flexible room takes its room whole, whatever the area left.
    flex = make_function(
        "flex", 0, flexible=True, name="多功能活动室", name_en="Activity room"
    )
    hall = make_function(
        "hall", 10, "service", name="服务大厅", name_en="Service hall"
    )
    sc = make_scenario(
        [flex, hall], [make_room("R1", 100), make_room("R2", 30)]
    )
    bad = Plan.from_pairs([("flex", "R1"), ("hall", "R1")])
    found = check_solution(sc, bad)
    assert _messages(found) == [
        "多功能活动室 (activity room) takes R1 whole, but 服务大厅 "
        "(service hall) is there too."
    ]
    # In any number of rooms of its own it is fine; zero rooms too.
    good = Plan.from_pairs([("flex", "R1"), ("flex", "R2"), ("hall", "R2")])
    assert _rules(check_solution(sc, good)) == ["flexible_alone"]
    assert check_solution(sc, Plan.from_pairs({"hall": "R2"})) == []
    assert (
        check_solution(sc, Plan.from_pairs([("flex", "R1"), ("hall", "R2")]))
        == []
    )


# ---------------------------------------------------------- facility rules


def test_area_target_short(make_function, make_room, make_scenario):
    # 30 m² per 100 households × 400 = 120 m² > minimum 100 m²; the plan
    # uses R1 (60 m²) and R2 (40 m²): 100 m², 20 m² short. The 50 m²
    # corridor is excluded.
    f1 = make_function("a", 30)
    f2 = make_function("b", 30)
    rooms = [
        make_room("R1", 60),
        make_room("R2", 40),
        make_room("C1", 50, kind="circulation"),
    ]
    sc = make_scenario(
        [f1, f2], rooms, households=400, minimum=100, per_100=30
    )
    plan = Plan.from_pairs({"a": "R1", "b": "R2"})
    found = check_solution(sc, plan)
    assert _messages(found) == [
        "Facility area 100.00 m² is below the target of 120.00 m² (30 m² "
        "per 100 households × 400 households = 120.00 m²; minimum 100 m², "
        "the larger binds): 20.00 m² short."
    ]
    row = audit(sc, plan).rows[0]
    assert (row.required, row.achieved, row.margin) == (120.0, 100.0, -20.0)


def test_area_target_met_with_circulation_included(
    make_function, make_room, make_scenario
):
    # Same rooms, circulation included: 60 + 40 + 50 = 150 m² ≥ 120 m².
    f1 = make_function("a", 30)
    f2 = make_function("b", 30)
    rooms = [
        make_room("R1", 60),
        make_room("R2", 40),
        make_room("C1", 50, kind="circulation"),
    ]
    sc = make_scenario(
        [f1, f2],
        rooms,
        households=400,
        minimum=100,
        per_100=30,
        circulation="include",
    )
    plan = Plan.from_pairs({"a": "R1", "b": "R2"})
    assert check_solution(sc, plan) == []
    assert audit(sc, plan).rows[0].margin == 30.0


@pytest.fixture
def share_case(make_function, make_room, make_scenario):
    """Resident 'club' in R1, office in R2 of a given area; share ≥ 60 %."""

    def build(office_area, shared_rooms="strict"):
        club = make_function("club", 10, "resident")
        office = make_function("office", 10, "office")
        rooms = [make_room("R1", 60), make_room("R2", office_area)]
        return make_scenario(
            [club, office], rooms, share=0.6, shared_rooms=shared_rooms
        )

    return build


def test_resident_share_at_the_boundary_passes(share_case):
    # 60 / (60 + 40) = 60.0 % exactly: passes.
    sc = share_case(40)
    assert (
        check_solution(sc, Plan.from_pairs({"club": "R1", "office": "R2"}))
        == []
    )


def test_resident_share_just_below_fails(share_case):
    # 60 / (60 + 40.01) = 59.996 %: 0.01 m² too much office fails;
    # 60 % of 100.01 m² is 60.006 m², rounded up to 60.01 m²: 0.01 m² more
    # resident activity needed.
    sc = share_case(40.01)
    found = check_solution(sc, Plan.from_pairs({"club": "R1", "office": "R2"}))
    assert _messages(found) == [
        "Resident-activity area 60.00 m² is only 60.0% of the facility's "
        "100.01 m²; at least 60% is required ('strict' accounting): "
        "0.01 m² more resident activity needed."
    ]


@pytest.mark.parametrize(
    ("mode", "resident", "passed"),
    [
        # club + office share R1 (60 m²), R2 (40 m²) left empty:
        # strict: R1 not all resident → 0 of 60 m².
        ("strict", 0.0, False),
        # any: R1 has a resident function → all 60 m².
        ("any", 60.0, True),
        # prorate: 10 × 2 slots each: 60 × 2,000 / 4,000 = 30 m² = 50 %.
        ("prorate", 30.0, False),
    ],
)
def test_resident_share_by_accounting(share_case, mode, resident, passed):
    sc = share_case(40, mode)
    plan = Plan.from_pairs({"club": "R1", "office": "R1"})
    result = audit(sc, plan)
    row = next(r for r in result.rows if r.rule == "resident_share")
    assert row.passed is passed
    assert row.achieved == round(resident / 60, 4)
    assert f"'{mode}' accounting" in row.description


def test_the_audit_lists_every_rule(make_function, make_room, make_scenario):
    # One row per facility rule and per function requirement, passed too.
    hall = make_function(
        "hall",
        40,
        "service",
        needs=["accessible"],
        floors={"max": 1},
        never_with=["office"],
    )
    office = make_function("office", 10, "office", exclusive=True)
    sc = make_scenario(
        [hall, office],
        [make_room("R1", 50, tags=["accessible"]), make_room("R2", 10)],
        minimum=50,
        share=0.0,
    )
    result = audit(sc, Plan.from_pairs({"hall": "R1", "office": "R2"}))
    assert result.compliant
    assert sorted((r.rule, r.subject) for r in result.rows) == sorted(
        [
            ("area_target", "facility"),
            ("resident_share", "facility"),
            ("placed", "hall"),
            ("host_kind", "hall@R1"),
            ("min_area", "hall@R1"),
            ("needs", "hall@R1"),
            ("floors", "hall@R1"),
            ("never_with", "hall@R1"),
            ("placed", "office"),
            ("host_kind", "office@R2"),
            ("min_area", "office@R2"),
            ("exclusive", "office@R2"),
        ]
    )
    assert all(r.source for r in result.rows)
