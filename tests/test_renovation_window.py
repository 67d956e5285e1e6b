"""Windows of moves around the plan of the rooms as they are.

A building whose model with moves is too large
(:data:`spaceplan.solvers.cpsat.backend.FULL_MODEL_PAIRS`) is solved as
it is, then improved a window of merges and splits at a time
(:mod:`spaceplan.solvers.cpsat.window`). Here the size limit is set to
nothing, so that hand-sized cases take that path.
"""

from __future__ import annotations

import dataclasses

import pytest
from tests.test_renovation import (
    HALL,
    HAND,
    PRICES,
    func,
    row_of_three,
    scenario,
    solved,
    two_rooms,
)

from spaceplan.report.wording import note_lines
from spaceplan.solvers.cpsat import backend
from spaceplan.solvers.problem import Problem


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every renovating model takes the path of windows."""
    monkeypatch.setattr(backend, "FULL_MODEL_PAIRS", 0)


@pytest.mark.usefixtures("windows")
def test_a_window_finds_the_merge_the_rooms_as_they_are_lack() -> None:
    # As in test_renovation: the hall (35 m²) fits neither 20 m² room,
    # so the rooms as they are leave it out (−90); the window around A
    # frees the partition to B: 40 − 3.2 = 36.8.
    result = solved(scenario([HALL], two_rooms(), {"cost": PRICES}))
    cand = result.candidates[0]
    assert result.status == "feasible"
    assert cand.objective == pytest.approx(36.8)
    assert cand.plan.placement() == {"hall": "A+B"}
    assert [w.rooms for w in cand.works] == [("A", "B")]


@pytest.mark.usefixtures("windows")
def test_no_window_beats_the_rooms_as_they_are_when_works_are_dear() -> None:
    # At 40,000 元/m the merge costs 160 points: the plan of the rooms
    # as they are (−90, the hall left out) stays, and says so.
    cost = {"remove_per_m": 40000, "build_per_m": 600}
    result = solved(scenario([HALL], two_rooms(), {"cost": cost}))
    cand = result.candidates[0]
    assert cand.objective == pytest.approx(-90.0)
    assert cand.works == ()
    assert any("keeps every wall" in note for note in result.notes)
    # The note has its key, so the report words it in Chinese.
    assert ("A", "face.note.walls_kept") in result.note_keys
    assert note_lines(result, "zh") == [
        "提示：方案 A：带可移动隔墙的模型对此时限过大；本方案保留全部隔墙"
    ]


@pytest.mark.usefixtures("windows")
def test_a_later_candidate_moves_walls_too() -> None:
    # Three 20 m² rooms in a row, both partitions 4 m and movable, works
    # at 1,000 元 a point (the hand preset). The hall (35 m²) fits no
    # room. A: all three merged, 60 − 2 × 3.2 = 53.6. B must put the
    # hall elsewhere: in A+B (or B+D), 40 − 3.2 = 36.8; keeping every
    # wall would leave it out (−90), as later candidates did before.
    config = dataclasses.replace(HAND, candidates=2, min_difference=1)
    result = solved(scenario([HALL], row_of_three(), {"cost": PRICES}), config)
    first, second = result.candidates
    assert first.objective == pytest.approx(53.6)
    assert first.plan.placement() == {"hall": "A+B+D"}
    assert second.objective == pytest.approx(36.8)
    assert second.plan.placement()["hall"] in {"A+B", "B+D"}
    assert len(second.works) == 1
    assert result.notes == ()


def test_a_window_keeps_the_moves_inside_it() -> None:
    # Three rooms in a row: a window of A and B has their merge and
    # their splits, none that touches D.
    scen = scenario([func("desk", 9)], row_of_three(), {"cost": PRICES})
    whole = Problem(scen)
    inside = Problem(scen, movable=frozenset({"A", "B"}), given=whole.options)
    covers = {o.covers for o in inside.options if o.kind != "keep"}
    assert ("A", "B") in covers
    assert all(set(c) <= {"A", "B"} for c in covers)
    assert [o.covers for o in inside.options if o.kind == "keep"] == [
        ("A",), ("B",), ("D",)
    ]
