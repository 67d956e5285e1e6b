"""Fixtures of the drawing tests: a two-floor scenario and its plans."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from spaceplan.check import checked_candidate
from spaceplan.data import Scenario
from spaceplan.read import read_plan, read_scenario
from spaceplan.solution import Candidate, Plan, Result, ScenarioRef

matplotlib.use("Agg")

PLOT_DATA = Path(__file__).parents[1] / "data" / "plot"


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return read_scenario(PLOT_DATA / "scenario.yaml")


@pytest.fixture(scope="session")
def plan(scenario: Scenario) -> Plan:
    return read_plan(PLOT_DATA / "plan.yaml", scenario)


@pytest.fixture(scope="session")
def candidates(scenario: Scenario, plan: Plan) -> tuple[Candidate, ...]:
    # B moves the council room out of R202 into R103, so R202 is no
    # longer shared and the resident share rises above 60 %.
    other = Plan.from_pairs(
        {
            **plan.placement(),
            "council_room": "R103",
            "flex_activity": ["R203", "R106"],
        }
    )
    return (
        checked_candidate(scenario, plan, "A"),
        checked_candidate(scenario, other, "B"),
    )


@pytest.fixture(scope="session")
def result(scenario: Scenario, candidates: tuple[Candidate, ...]) -> Result:
    return Result(
        version="0.1.0",
        scenario=ScenarioRef(name=scenario.name, policy=scenario.policy.id),
        status="feasible",
        solve_seconds=1.0,
        candidates=candidates,
    )
