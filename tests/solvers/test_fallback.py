"""CP-SAT with nothing at the time limit: the greedy plan, or unknown.

The time limit is the whole solve's: building the model and the warm
start count. When CP-SAT has no plan when it runs out, the greedy warm
start's plan (checked by the engine like any other) is returned as
``feasible`` with a note; without one the status stays ``unknown``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from spaceplan.check import check_solution
from spaceplan.solvers.config import load_config
from spaceplan.solvers.cpsat.backend import (
    CpsatBackend,
    _fallback,
    greedy_plan,
)
from spaceplan.solvers.engine import run
from spaceplan.solvers.greedy import greedy_solution
from spaceplan.solvers.problem import Problem


@pytest.fixture
def shared(
    make_function: Any, make_room: Any, make_scenario: Any
) -> Any:
    # hall (day) and council (eve) share R1 (30 m²); R2 goes to flex.
    funcs = [
        make_function("hall", 20, "service", schedule=("day",)),
        make_function("council", 25, "resident", schedule=("eve",)),
        make_function("flex", 0, "resident", flexible=True),
    ]
    rooms = [make_room("R1", 30), make_room("R2", 40)]
    return make_scenario(funcs, rooms, minimum=60, share=0.5)


def test_a_limit_spent_on_building_returns_the_greedy_plan(shared) -> None:
    # A budget of a nanosecond is gone before CP-SAT could start.
    config = load_config("deterministic").with_overrides(
        time_limit=1e-9, candidates=1
    )
    result = run(shared, CpsatBackend(), config)
    assert result.status == "feasible"
    assert check_solution(shared, result.candidates[0].plan) == []
    assert "building the model took the whole time limit" in result.notes[0]
    assert "notes" in result.model_dump_json()


def test_no_note_gives_an_empty_notes_list(shared) -> None:
    config = load_config("deterministic").with_overrides(candidates=1)
    result = run(shared, CpsatBackend(), config)
    assert result.status == "optimal" and result.notes == ()
    assert json.loads(result.model_dump_json())["notes"] == []


def test_no_greedy_plan_stays_unknown(shared) -> None:
    problem = Problem(shared)
    config = load_config("deterministic")
    raw = _fallback(problem, config, None, [], 1, 0.0, "why")
    assert raw.status == "unknown" and raw.plan is None


def test_a_greedy_plan_too_close_to_an_earlier_one_is_not_used(
    shared,
) -> None:
    # The second candidate must move at least one function; the greedy
    # plan is the first candidate itself, so it cannot be the second.
    problem = Problem(shared)
    found = greedy_solution(problem)
    assert found is not None
    warm = greedy_plan(problem, found)
    config = load_config("deterministic")
    raw = _fallback(problem, config, warm, [dict(found[0])], 1, 0.0, "why")
    assert raw.status == "unknown"
    ok = _fallback(problem, config, warm, [], 1, 0.0, "why")
    assert ok.status == "feasible" and ok.note is not None
