"""``spaceplan solve`` as a user runs it: outputs, stdout, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan import resources
from spaceplan.check import check_solution
from spaceplan.cli import main
from spaceplan.read import read_scenario
from spaceplan.solution import Result

EXAMPLES = resources.on_disk(resources.examples())
FAST = ["--workers", "1", "--seed", "0", "--time-limit", "20"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "200"})


def test_solve_writes_checked_candidates(
    runner: CliRunner, tmp_path: Path
) -> None:
    scenario = EXAMPLES / "village-centre" / "scenario.yaml"
    out = tmp_path / "out"
    res = runner.invoke(
        main,
        ["solve", str(scenario), "-o", str(out), "-k", "2",
         "--no-drawings", *FAST],
    )
    assert res.exit_code == 0, res.output
    result = Result.model_validate_json((out / "result.json").read_text())
    assert result.status in ("optimal", "feasible")
    assert len(result.candidates) == 2
    sc = read_scenario(scenario)
    for cand in result.candidates:
        assert check_solution(sc, cand.plan) == []
        # Every deciding check passes; advice may be listed as not followed.
        assert all(c.passed for c in cand.checks if c.strength != "advice")
    report = (out / "report.md").read_text()
    assert "方案比较" in report and "合规检查报告" in report


def test_json_puts_only_the_result_on_stdout(runner: CliRunner) -> None:
    scenario = EXAMPLES / "csv-rooms" / "scenario.yaml"
    res = runner.invoke(
        main, ["solve", str(scenario), "--json", "-k", "1", *FAST]
    )
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["status"] in ("optimal", "feasible")
    assert data["candidates"][0]["assignments"]


def test_infeasible_example_exits_2_with_a_diagnosis(
    runner: CliRunner, tmp_path: Path
) -> None:
    # 1,024 m² of rooms with the circulation, toilets and plant of their
    # floors apportioned to them (1,450.70 m² of building area) cannot
    # reach 2,000 m².
    scenario = EXAMPLES / "office-renovation" / "scenario-chongqing.yaml"
    out = tmp_path / "out"
    res = runner.invoke(
        main, ["solve", str(scenario), "-o", str(out), "--no-drawings",
               *FAST],
    )
    assert res.exit_code == 2, res.output
    data = json.loads((out / "result.json").read_text())
    assert data["status"] == "infeasible"
    assert data["candidates"] == []
    # The diagnosis speaks the user's language (zh by default).
    assert "还差549.30 m²" in data["diagnosis"]["summary"]


def test_no_plan_within_the_limit_falls_back_to_greedy(
    runner: CliRunner, tmp_path: Path
) -> None:
    # A deterministic budget far too small for CP-SAT to find any plan:
    # the greedy warm start's plan is returned, checked, with a note.
    preset = tmp_path / "tiny-budget.toml"
    preset.write_text(
        "[params]\nnum_workers = 1\nmax_deterministic_time = 1e-6\n"
    )
    scenario = EXAMPLES / "new-complex" / "scenario.yaml"
    res = runner.invoke(
        main,
        ["solve", str(scenario), "--config", str(preset), "--json", "-k", "1"],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["status"] == "feasible"
    assert "greedy warm start" in data["notes"][0]
    # The note in the user's language (Chinese by default).
    assert "提示：方案 A：CP-SAT 在时限内未找到方案" in res.stderr
    assert data["note_keys"] == [["A", "face.note.no_plan"]]
    sc = read_scenario(scenario)
    plan = Result.model_validate(data).candidates[0].plan
    assert check_solution(sc, plan) == []


@pytest.mark.parametrize(
    "args, fault",
    [
        # A preset name that does not exist lists the known ones.
        (["--config", "fastest"], "unknown preset 'fastest'"),
        # An option value out of range is bad input, not "infeasible".
        (["--time-limit", "0"], "--time-limit"),
        (["--solver", "gurobi"], "--solver"),
    ],
)
def test_bad_options_exit_1(
    runner: CliRunner, args: list[str], fault: str
) -> None:
    scenario = EXAMPLES / "csv-rooms" / "scenario.yaml"
    res = runner.invoke(main, ["solve", str(scenario), *args, "--lang", "en"])
    assert res.exit_code == 1
    assert fault in res.output
    assert "Traceback" not in res.output


def test_a_typo_in_a_preset_parameter_fails_at_once(
    runner: CliRunner, tmp_path: Path
) -> None:
    preset = tmp_path / "typo.toml"
    preset.write_text("[params]\nnum_worker = 1\n")
    scenario = EXAMPLES / "csv-rooms" / "scenario.yaml"
    args = ["solve", str(scenario), "--config", str(preset)]
    res = runner.invoke(main, [*args, "--lang", "en"])
    assert res.exit_code == 1
    assert "params.num_worker" in res.stderr
    assert "did you mean 'num_workers'" in res.stderr
    zh = runner.invoke(main, args)
    assert "不是 CP-SAT 参数（是否指 'num_workers'？）" in zh.stderr


@pytest.mark.parametrize("spelling", ["--output", "--out", "--outdir"])
def test_every_output_spelling_names_the_folder(
    runner: CliRunner, tmp_path: Path, spelling: str
) -> None:
    scenario = EXAMPLES / "csv-rooms" / "scenario.yaml"
    out = tmp_path / "out"
    res = runner.invoke(
        main,
        ["solve", str(scenario), spelling, str(out), "-k", "1", "-q",
         "--no-drawings", *FAST],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "report.md",
        "result.json",
    ]


def test_advice_hard_turns_advice_into_rules(
    runner: CliRunner, tmp_path: Path
) -> None:
    # The csv-rooms building has no room of 80 m² for the council room
    # that its 1,200 households are advised: soft, the plan complies and
    # lists the advice; with --advice-hard the scenario is infeasible and
    # the diagnosis names the advice.
    scenario = EXAMPLES / "csv-rooms" / "scenario.yaml"
    out = tmp_path / "out"
    res = runner.invoke(
        main,
        ["solve", str(scenario), "-o", str(out), "--no-drawings",
         "--advice-hard", *FAST],
    )
    assert res.exit_code == 2, res.output
    data = json.loads((out / "result.json").read_text())
    assert "--advice-hard" in data["diagnosis"]["summary"]
