"""Diagnosis of infeasible scenarios: prechecks, minimal conflicts, repairs.

Every infeasible scenario here gets a conflict set that is shown to be
minimal the hard way: the whole set is infeasible on its own, and freeing
any one rule of it makes the rest feasible. Every repair reported is
applied to the scenario and solved, and the plan passes the checker.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan import rules
from spaceplan.check import check_solution
from spaceplan.cli.diagnose import diagnose as diagnose_cmd
from spaceplan.data import Scenario
from spaceplan.diagnose import (
    ADDED_ROOM,
    apply_changes,
    apply_repair,
    conflict_feasible,
    diagnose,
    diagnose_for_result,
    prechecks,
)
from spaceplan.diagnose import _area_short_of_any_plan as area_short
from spaceplan.read import read_scenario
from spaceplan.solvers import solve
from spaceplan.solvers.config import SolverConfig
from spaceplan.solvers.cpsat.conflict import Budget, RuleOracle
from spaceplan.solvers.problem import Problem

DATA = Path(__file__).parent / "data" / "diagnose"
INFEASIBLE = ["short-area.yaml", "no-room.yaml", "share.yaml"]

#: One worker, a deterministic budget: the same answer on any machine.
CONFIG = SolverConfig(
    name="test",
    candidates=1,
    params={
        "num_workers": 1,
        "random_seed": 0,
        "max_deterministic_time": 5.0,
        "max_time_in_seconds": 30.0,
    },
)


def _keys(found: dict[str, object]) -> list[tuple[str, ...]]:
    """Rule keys of a conflict as the model names them."""
    out = []
    for item in found["conflict"]:  # type: ignore[attr-defined]
        subject = item["subject"]
        if item["rule"] in ("area_target", "resident_share"):
            out.append((item["rule"],))
        elif item["rule"] == "never_with":
            out.append(("never_with", *subject.split("+")))
        else:
            out.append((item["rule"], subject))
    return out


def assert_minimal(
    scenario: Scenario, conflict: list[tuple[str, ...]]
) -> None:
    """The whole set is infeasible; without any one rule it is feasible."""
    assert conflict
    assert conflict_feasible(scenario, conflict) == "infeasible"
    for i, rule in enumerate(conflict):
        rest = conflict[:i] + conflict[i + 1 :]
        assert conflict_feasible(scenario, rest) == "feasible", rule


def assert_repairs_solve(scenario: Scenario, repairs: list[dict]) -> None:
    """At least one repair; each, applied, gives a checked plan."""
    assert repairs
    for repair in repairs:
        assert repair["verified"] is True
        fixed = apply_changes(scenario, repair)
        result = solve(fixed, config=CONFIG)
        assert result.status in ("optimal", "feasible"), repair["message"]
        plan = result.candidates[0].plan
        assert check_solution(fixed, plan) == []


# ------------------------------------------------------------- the files


@pytest.mark.parametrize("name", INFEASIBLE)
def test_file_scenarios_minimal_conflict_and_repair(name: str) -> None:
    scenario = read_scenario(DATA / name)
    found = diagnose(scenario, profiles=False, lang="en").as_dict()
    assert found["status"] == "infeasible"
    assert_minimal(scenario, _keys(found))
    assert_repairs_solve(scenario, found["repairs"] + found["waivers"])


def test_short_area_is_worded_with_the_numbers() -> None:
    # 30 m² per 100 households × 4,200 = 1,260 m²; rooms add up to
    # 60 + 40 + 30 + 25 + 120 = 275 m²: 985 m² short, and adding exactly
    # that much (as resident activity) is the cheapest repair.
    scenario = read_scenario(DATA / "short-area.yaml")
    found = diagnose(scenario, profiles=False, lang="en")
    assert found.conflict_keys == [("area_target",)]
    assert found.summary.startswith(
        "The building's 275 m² of usable rooms cannot reach the 1,260 m² "
        "target (30 m² per 100 households × 4,200 households; source: "
        "test rule"
    )
    assert "985 m² short." in found.summary
    assert found.repairs[0]["added_area"] == 985
    assert found.repairs[0]["dropped"] == []
    assert [p["rule"] for p in found.prechecks] == ["area_target"]


def test_no_room_for_the_hall() -> None:
    # The only accessible room (R201) is on floor 2: the hall needs both.
    scenario = read_scenario(DATA / "no-room.yaml")
    found = diagnose(scenario, profiles=False, lang="en")
    assert set(found.conflict_keys) == {
        ("placed", "service_hall"),
        ("needs", "service_hall"),
        ("floors", "service_hall"),
    }
    sentence = (
        "Service hall needs an accessible room on floor 1; no such room "
        "exists."
    )
    assert found.summary.startswith(sentence)
    assert found.prechecks[0]["message"] == sentence
    # Dropping the need (120) is cheaper than the floor limit (150).
    assert found.repairs[0]["dropped"] == ["needs:service_hall"]


def test_the_default_language_is_chinese() -> None:
    # The same fault as above, worded from the catalogue in Chinese: the
    # rules found, the numbers and the sources do not change.
    scenario = read_scenario(DATA / "no-room.yaml")
    zh = diagnose(scenario, profiles=False, repairs=False)
    en = diagnose(scenario, profiles=False, repairs=False, lang="en")
    sentence = "服务大厅需要无障碍的房间（位于1层）；没有这样的房间。"
    assert zh.summary == sentence
    assert zh.prechecks[0]["message"] == sentence
    assert zh.conflict_keys == en.conflict_keys
    assert [c["source"] for c in zh.conflict][1:] == [
        c["source"] for c in en.conflict
    ][1:]
    assert "服务大厅必须位于1层。" in [c["message"] for c in zh.conflict]


def test_feasible_scenario_has_nothing_to_repair() -> None:
    scenario = read_scenario(DATA / "feasible.yaml")
    found = diagnose(scenario, lang="en")
    assert found.status == "feasible"
    assert found.conflict == [] and found.repairs == []


# -------------------------------------------------------------- builders


def test_exclusive_functions_outnumber_their_rooms(
    make_scenario: Callable[..., Scenario],
    make_function: Callable[..., object],
    make_room: Callable[..., object],
) -> None:
    # Two exclusive functions need water; only R1 has it.
    scenario = make_scenario(
        [
            make_function("a", 10, "service", exclusive=True, needs=["water"]),
            make_function("b", 10, "service", exclusive=True, needs=["water"]),
        ],
        [make_room("R1", 50, tags=["water"]), make_room("R2", 50)],
    )
    assert [p["rule"] for p in prechecks(scenario)] == ["exclusive"]
    found = diagnose(scenario, profiles=False, lang="en").as_dict()
    assert_minimal(scenario, _keys(found))
    assert_repairs_solve(scenario, found["repairs"] + found["waivers"])


def test_never_with_pair_in_one_room(
    make_scenario: Callable[..., Scenario],
    make_function: Callable[..., object],
    make_room: Callable[..., object],
) -> None:
    # One room: both functions must go there, but never together. Letting
    # them share (50) is cheaper than dropping either (400).
    scenario = make_scenario(
        [
            make_function("a", 10, never_with=["b"]),
            make_function("b", 10),
        ],
        [make_room("R1", 30)],
    )
    found = diagnose(scenario, profiles=False, lang="en")
    assert found.conflict_keys == [
        ("placed", "a"),
        ("placed", "b"),
        ("never_with", "a", "b"),
    ]
    assert found.repairs[0]["dropped"] == ["never_with:a+b"]
    assert_repairs_solve(scenario, found.repairs)


def _random_scenario(rng: random.Random, build: dict) -> Scenario:
    tags = ["accessible", "water", "quiet"]
    funcs = []
    for i in range(rng.randint(2, 4)):
        fields: dict = {}
        if rng.random() < 0.4:
            fields["needs"] = [rng.choice(tags)]
        if rng.random() < 0.3:
            fields["floors"] = {"max": 1}
        if rng.random() < 0.3:
            fields["exclusive"] = True
        if i and rng.random() < 0.3:
            fields["never_with"] = [f"f{rng.randrange(i)}"]
        category = rng.choice(["resident", "service", "office"])
        funcs.append(
            build["function"](
                f"f{i}",
                rng.choice([10, 20, 30]),
                category,
                schedule=rng.choice([["day"], ["eve"], "always"]),
                **fields,
            )
        )
    funcs.append(build["function"]("flex", 0, flexible=True))
    rooms = [
        build["room"](
            f"R{j}",
            rng.choice([15, 25, 40]),
            rng.choice([1, 2]),
            tags=rng.sample(tags, rng.randint(0, 2)),
        )
        for j in range(rng.randint(2, 4))
    ]
    return build["scenario"](
        funcs,
        rooms,
        minimum=rng.choice([None, 60, 100]),
        share=rng.choice([None, 0.6]),
    )


def test_random_infeasible_scenarios_get_minimal_conflicts(
    make_scenario: Callable[..., Scenario],
    make_function: Callable[..., object],
    make_room: Callable[..., object],
) -> None:
    build = {
        "scenario": make_scenario,
        "function": make_function,
        "room": make_room,
    }
    rng = random.Random(5)
    seen = 0
    for _ in range(40):
        scenario = _random_scenario(rng, build)
        found = diagnose(scenario, profiles=False, lang="en").as_dict()
        if found["status"] != "infeasible":
            continue
        seen += 1
        assert_minimal(scenario, _keys(found))
        best = (found["repairs"] + found["waivers"])[:1]
        assert_repairs_solve(scenario, best)
        if seen == 8:
            break
    assert seen >= 5


def test_apply_repair_adds_a_room_with_every_tag(
    make_scenario: Callable[..., Scenario],
    make_function: Callable[..., object],
    make_room: Callable[..., object],
) -> None:
    scenario = make_scenario(
        [make_function("a", 10, needs=["water"])], [make_room("R1", 30)]
    )
    fixed = apply_repair(scenario, [("needs", "a")], 25)
    assert fixed.function("a").needs == ()
    added = fixed.room(ADDED_ROOM)
    assert added.area == 25 and "water" in added.tags


# ----------------------------------------------------------- engine, CLI


def test_solve_fills_the_diagnosis() -> None:
    scenario = read_scenario(DATA / "no-room.yaml")
    result = solve(scenario, config=CONFIG, diagnose=diagnose_for_result)
    assert result.status == "infeasible"
    assert result.diagnosis is not None
    assert set(result.diagnosis) >= {
        "summary",
        "prechecks",
        "conflict",
        "repairs",
    }
    json.dumps(result.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("feasible.yaml", 0),  # nothing to diagnose
        ("no-room.yaml", 2),  # infeasible, with a diagnosis
    ],
)
def test_cli_exit_status(name: str, code: int) -> None:
    runner = CliRunner()
    out = runner.invoke(
        diagnose_cmd, [str(DATA / name), "--json", "--no-repairs"]
    )
    assert out.exit_code == code, out.output
    assert json.loads(out.output)["status"] in ("feasible", "infeasible")


def test_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    # A missing file: exit 1, a message naming it, no traceback.
    runner = CliRunner()
    out = runner.invoke(diagnose_cmd, [str(tmp_path / "nope.yaml")])
    assert out.exit_code == 1
    assert "nope.yaml" in out.output and "Traceback" not in out.output


def test_cli_prints_conflict_and_repairs() -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    args = [str(DATA / "short-area.yaml"), "--lang", "en"]
    out = runner.invoke(diagnose_cmd, args)
    assert out.exit_code == 2
    assert "985 m² short" in out.output
    assert "Verified repairs" in out.output


def test_cli_speaks_chinese_by_default() -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    out = runner.invoke(diagnose_cmd, [str(DATA / "short-area.yaml")])
    assert out.exit_code == 2
    # 1,260 m² target less 275 m² of usable rooms
    assert "还差985 m²" in out.output


@pytest.mark.parametrize(
    ("name", "short"),
    [
        # 275 m² of rooms against a per-household target above it: short
        # with every other rule dropped, so no moved wall can help (a
        # merge's area is its parts' sum).
        ("short-area.yaml", True),
        # A function with no room large enough: the area target is not in
        # the conflict, so the works solve still runs.
        ("no-room.yaml", False),
    ],
)
def test_works_are_skipped_only_when_no_plan_reaches_the_area(
    name: str, short: bool
) -> None:
    scenario = read_scenario(DATA / name)
    problem = Problem(scenario)
    oracle = RuleOracle(problem, Budget(5.0, 30.0, 0))
    status, keys = oracle.minimal_conflict()
    assert status == "infeasible"
    target = rules.area_target(scenario.policy, scenario.community)
    assert area_short(scenario, keys, target) is short
