"""Actionable repairs: households served, a closed room, an own override.

The scenarios use the diagnosis test profile (tests/data/diagnose/
profile.yaml): 30 m² per 100 households with at least 100 m², resident
share 60 % under strict accounting, circulation not counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan.check import check_solution
from spaceplan.cli.diagnose import diagnose as diagnose_cmd
from spaceplan.diagnose import apply_changes, diagnose
from spaceplan.diagnose.actions import (
    max_households,
    overridden,
    rules_hold,
    with_households,
)
from spaceplan.diagnose.repairs import load_costs, solve_status, verify_config
from spaceplan.read import read_scenario
from spaceplan.solvers import solve
from spaceplan.solvers.cpsat.conflict import Budget

DATA = Path(__file__).parent / "data"
BUDGET = Budget(5.0, 30.0, 0)


def _feasible(scenario) -> bool:  # type: ignore[no-untyped-def]
    config = verify_config(load_costs(), 0)
    return solve_status(scenario, config) in ("optimal", "feasible")


def _assert_fixes(scenario, repair) -> None:  # type: ignore[no-untyped-def]
    fixed = apply_changes(scenario, repair)
    result = solve(fixed, workers=1, seed=0, candidates=1, time_limit=30)
    assert result.status in ("optimal", "feasible"), repair["message"]
    assert check_solution(fixed, result.candidates[0].plan) == []


# ------------------------------------------------------------ households


# short-area.yaml: rooms 60 + 40 + 30 + 25 + 120 = 275 m², all usable at
# once (hall and archive in R101, the office alone in R104, resident
# 40 + 30 + 120 = 190 of 275 m² = 69 % ≥ 60 %). The target is
# 30 m² per 100 households = 0.3 m² per household, above the 100 m²
# minimum from 334 households on: 916 × 0.3 = 274.8 m² ≤ 275 m², but
# 917 × 0.3 = 275.1 m² > 275 m². So the building serves 916 households.
MAX_HOUSEHOLDS = 916


@pytest.mark.parametrize(
    "reach",
    [
        27_500,  # the facility's reach: the guess is checked (two solves)
        None,  # no guess: a bisection over 1 … 4,199
        20_000,  # a wrong guess (666): the bisection corrects it
    ],
)
def test_max_households_is_exact(reach: int | None) -> None:
    scenario = read_scenario(DATA / "diagnose" / "short-area.yaml")
    found = max_households(scenario, BUDGET, _feasible, reach)
    assert found is not None
    assert found.households == MAX_HOUSEHOLDS
    assert found.exact
    assert (found.target_units, found.next_units) == (27_480, 27_510)
    assert rules_hold(with_households(scenario, 917), BUDGET) == "infeasible"


def test_diagnosis_states_the_households() -> None:
    scenario = read_scenario(DATA / "diagnose" / "short-area.yaml")
    found = diagnose(scenario, profiles=False)
    assert found.households is not None
    assert found.households["max"] == MAX_HOUSEHOLDS
    assert "本建筑最多可服务916户" in found.summary
    en = diagnose(scenario, profiles=False, lang="en")
    assert "serves at most 916 households" in en.summary


def test_no_household_count_when_the_minimum_binds() -> None:
    # 300 households: 90 m² < the 100 m² minimum, so the minimum binds and
    # the households cannot help; the search is not run.
    scenario = read_scenario(DATA / "diagnose" / "share.yaml")
    small = with_households(scenario, 300)
    assert max_households(small, BUDGET, _feasible, None) is None


# ----------------------------------------------------------------- rooms


def test_make_an_unavailable_room_available() -> None:
    # closed-room.yaml: the hall needs an accessible room on floor 1; the
    # only one, R105 (50 m²), is unavailable. Opening it is the first
    # repair, ahead of dropping the need (120) and with no new area.
    scenario = read_scenario(DATA / "diagnose" / "closed-room.yaml")
    found = diagnose(scenario, profiles=False, lang="en")
    first = found.repairs[0]
    assert first["kind"] == "make_available"
    assert first["changes"][0]["subject"] == "R105"
    assert "R105" in first["message"] and "available" in first["message"]
    assert first["cost_text"] == "50 m² brought into use"
    _assert_fixes(scenario, first)
    zh = diagnose(scenario, profiles=False, repairs=True)
    assert zh.repairs[0]["message"] == "启用不可用的房间R105（1层，50 m²）。"


# ------------------------------------------------------------- overrides


def test_return_the_override_to_the_profile() -> None:
    # office-override.yaml sets the office to 60 m² (profile: 20 m²); the
    # office must then take R201 and the share falls to 28 %. Returning
    # it to 20 m² is the first repair, with no area and no waiver.
    scenario = read_scenario(DATA / "diagnose" / "office-override.yaml")
    assert overridden(scenario) == {"community_office": ("min_area",)}
    found = diagnose(scenario, profiles=False)
    first = found.repairs[0]
    assert first["kind"] == "revert_override"
    assert first["message"] == (
        "将社区办公室恢复为配置文件的设定：面积20 m²（本情景改为60 m²）。"
    )
    assert first["cost_text"] == "无需增加面积"
    _assert_fixes(scenario, first)
    # Making the office optional is a waiver, listed apart and labelled.
    assert all(not r["waiver"] for r in found.repairs)
    assert any(
        w["dropped"] == ["placed:community_office"] for w in found.waivers
    )
    assert all("主管部门" in w["message"] for w in found.waivers)


def test_costs_carry_units() -> None:
    # Every cost is words with a unit, never a bare number.
    scenario = read_scenario(DATA / "diagnose" / "office-override.yaml")
    found = diagnose(scenario, profiles=False, lang="en")
    for item in found.repairs + found.waivers:
        text = item["cost_text"]
        assert "m²" in text or text in ("no new area", "a waiver"), text


def test_cli_shows_waivers_apart_in_chinese() -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    scenario = DATA / "diagnose" / "office-override.yaml"
    out = runner.invoke(diagnose_cmd, [str(scenario)])
    assert out.exit_code == 2
    repairs, _, waivers = out.output.partition("需要监管豁免的修正")
    assert "无需增加面积" in repairs  # the reverted override, first
    assert "将必配的社区办公室改为可选" in waivers
    assert "将必配的社区办公室改为可选" not in repairs
