"""The command line's happy paths, and the reports it writes.

The tiny scenario (tests/data/tiny) has a compliant plan and one that
breaks five rules; see the comments in its plan files for the numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from spaceplan import __version__, resources
from spaceplan.check import audit
from spaceplan.cli import main
from spaceplan.data import Policy
from spaceplan.policies import policy_ids
from spaceplan.read import read_plan, read_scenario
from spaceplan.report import (
    compliance_json,
    compliance_markdown,
    format_margin,
    format_value,
    verdict_line,
)
from spaceplan.solution import Plan


def _paths(tiny_dir: Path, name: str) -> list[str]:
    return [str(tiny_dir / "scenario.yaml"), str(tiny_dir / f"{name}.yaml")]


def test_version(runner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


# ---------------------------------------------------------------- validate


def test_validate_prints_a_summary(runner, tiny_dir) -> None:
    result = runner.invoke(
        main, ["validate", str(tiny_dir / "scenario.yaml"), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "小型测试社区" in out
    assert "tiny" in out
    assert "households: 400" in out
    # 30 m² per 100 households × 400 = 120 m² beats the 100 m² minimum.
    assert "target:     120.00 m²" in out
    assert "30 m² per 100 households × 400 households = 120.00 m²" in out
    # Rooms: 6 rooms 280 m², corridor 20 m², toilet 8 m² = 308 m².
    assert "rooms:      8, 308.00 m² in all" in out
    assert ["room", "6", "280.00", "m²"] in [
        ln.split() for ln in out.split("\n")
    ]
    # Five required functions and the flexible room; the shop is optional.
    assert "functions:  6 (flexible: " in out
    assert "adjacency:  0 pairs" in out
    assert result.stderr == ""


def test_validate_in_chinese_lines_up_its_values(runner, tiny_dir) -> None:
    result = runner.invoke(main, ["validate", str(tiny_dir / "scenario.yaml")])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if "：" in ln[:8]]
    assert lines and not any(":" in ln.split("：")[0] for ln in lines)

    def columns(text: str) -> int:
        return sum(2 if "\u4e00" <= c <= "\u9fff" or c == "：" else 1
                   for c in text)

    # Every value starts in the same terminal column (a Chinese
    # character and the full-width colon take two), as the English
    # labels' values do.
    starts = {
        columns(ln[: len(ln) - len(ln.split("：", 1)[1].lstrip())])
        for ln in lines
        if not ln.startswith(" ")
    }
    assert starts == {12}, starts
    assert "户数：      400" in result.stdout


@pytest.mark.usefixtures("tiny_configs")
def test_validate_counts_adjacency_from_polygons(runner, tmp_path) -> None:
    # Two 5 × 4 rooms side by side share a 4 m wall: one pair.
    (tmp_path / "s.yaml").write_text(
        "name: p\npolicy: tiny\n"
        "community: {households: 10, area_type: urban_built}\n"
        "building:\n  rooms:\n"
        "    - {id: A, floor: 1, polygon: [[0, 0], [5, 0], [5, 4], [0, 4]]}\n"
        "    - {id: B, floor: 1, polygon: [[5, 0], [10, 0], [10, 4], [5, 4]]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        main, ["validate", str(tmp_path / "s.yaml"), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "adjacency:  1 pairs (derived from polygons)" in result.stdout
    assert "40.00 m² in all" in result.stdout


# ---------------------------------------------------------------- policies


@pytest.mark.usefixtures("tiny_configs")
def test_policies_lists_the_profiles(runner) -> None:
    result = runner.invoke(main, ["policies", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "tiny" in result.stdout
    assert "Tiny test facility" in result.stdout
    assert "max(≥ 100 m², 30 m²/100 hh)" in result.stdout
    assert "≥ 60%" in result.stdout


@pytest.mark.usefixtures("tiny_configs")
def test_policies_shows_one_profile(runner) -> None:
    result = runner.invoke(main, ["policies", "tiny"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for word in (
        "服务大厅",
        "community_office",
        "archive",
        "day、eve",
        "严格",
        "多功能",
    ):
        assert word in out


@pytest.mark.usefixtures("tiny_configs")
def test_policies_json_round_trips(runner) -> None:
    result = runner.invoke(main, ["policies", "tiny", "--json"])
    assert result.exit_code == 0, result.output
    policy = Policy.model_validate(json.loads(result.stdout))
    assert policy.id == "tiny"
    assert policy.resident_share_min == 0.6
    assert policy.function("reading_room").never_with == ("archive",)


@pytest.mark.usefixtures("tiny_configs")
def test_policies_unknown_id(runner) -> None:
    result = runner.invoke(main, ["policies", "tinny", "--lang", "en"])
    assert result.exit_code == 1
    # The user folder's profiles come first, then the bundled ones.
    assert result.stderr.strip() == (
        "error: policy: unknown profile 'tinny'. Did you mean 'tiny'? "
        f"Known: {', '.join(policy_ids())}."
    )
    assert result.stderr.startswith(
        "error: policy: unknown profile 'tinny'. Did you mean 'tiny'? "
        "Known: tiny, "
    )
    # By default the same line in Chinese, the ids as they are.
    zh = runner.invoke(main, ["policies", "tinny"])
    assert zh.stderr.strip() == (
        "错误：policy：未知标准 'tinny'。是否指 'tiny'？"
        f"已有：{', '.join(policy_ids())}。"
    )


@pytest.mark.parametrize("pid", policy_ids())
def test_bundled_profiles_round_trip(runner, pid: str) -> None:
    # Every profile of solver_configs/ resolves (base merged in) and its
    # JSON is a valid Policy again.
    result = runner.invoke(main, ["policies", pid, "--json"])
    assert result.exit_code == 0, result.output
    assert Policy.model_validate(json.loads(result.stdout)).id == pid


# ------------------------------------------------------------------- check


def test_check_compliant(runner, tiny_dir) -> None:
    args = [
        "check", *_paths(tiny_dir, "plan-compliant"), "--lang", "en", "--all"
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    # The flexible room carries the programme: advice, counted apart.
    assert result.stdout.strip().endswith(
        "compliant; 1 advice item(s) not followed (never decides compliance)"
    )
    # The resident share: 160 / 260 = 61.5 %, 1.5 points above 60 %.
    assert "61.5%" in result.stdout and "+1.5 pp" in result.stdout


def test_check_noncompliant_shows_the_numbers(runner, tiny_dir) -> None:
    args = [
        "check", *_paths(tiny_dir, "plan-noncompliant"), "--lang", "en",
        "--all",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    out = result.stdout
    # Resident 120 of 220 m² = 54.5 % < 60 %: 5.5 points short.
    assert "54.5%" in out and "-5.5 pp" in out and "FAIL" in out
    assert "not compliant: 4 rule(s) broken" in out
    assert result.stderr == ""


def test_check_in_chinese(runner, tiny_dir) -> None:
    result = runner.invoke(
        main, ["check", *_paths(tiny_dir, "plan-noncompliant")]
    )
    assert result.exit_code == 2
    assert "不通过" in result.stdout
    assert "不符合：4 项未通过" in result.stdout


def test_check_json_on_stdout(runner, tiny_dir) -> None:
    args = ["check", *_paths(tiny_dir, "plan-noncompliant"), "--json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["compliant"] is False
    assert len(data["violations"]) == 4
    assert "不符合" in result.stderr


def test_check_writes_markdown_and_json(runner, tiny_dir, tmp_path) -> None:
    out = tmp_path / "reports" / "x.md"
    args = ["check", *_paths(tiny_dir, "plan-compliant"), "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# 合规检查报告")
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["compliant"] is True
    assert "已写出" in result.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["x.json", "x.md"]


def test_check_lists_the_failures_only(runner, tiny_dir) -> None:
    args = ["check", *_paths(tiny_dir, "plan-noncompliant")]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    lines = result.stdout.strip().splitlines()
    # One line per failure under its group, and a verdict that counts them.
    items = [line for line in lines if line.startswith("  - ")]
    # 4 rules not met, and the flexible room's load listed apart.
    assert len(items) == 5
    assert all("依据" in line for line in items)
    assert lines[-1] == "不符合：4 项未通过；另有 1 项建议未采纳（不影响结论）"
    advice = lines.index("未采纳的建议（不计入不通过）：")
    assert len([x for x in lines[:advice] if x.startswith("  - ")]) == 4
    # No table of the passing rules.
    assert "通过" not in "".join(lines[:-1]).replace("不通过", "")


def test_check_writes_what_solve_writes(runner, tiny_dir, tmp_path) -> None:
    out = tmp_path / "checked"
    args = ["check", *_paths(tiny_dir, "plan-noncompliant"), "-o", str(out)]
    assert runner.invoke(main, args).exit_code == 2
    names = {p.name for p in out.iterdir()}
    assert {"result.json", "report.md", "report.html", "plan-A.png"} <= names
    assert {"plan-A.dxf", "drawings.pdf", "schedule-A.xlsx"} <= names
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    checks = data["candidates"][0]["checks"]
    assert sum(not c["passed"] and c["strength"] != "advice" for c in checks)


def test_check_writes_json_only(runner, tiny_dir, tmp_path) -> None:
    out = tmp_path / "x.json"
    args = ["check", *_paths(tiny_dir, "plan-noncompliant"), "-o", str(out)]
    assert runner.invoke(main, args).exit_code == 2
    assert json.loads(out.read_text(encoding="utf-8"))["compliant"] is False
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_check_a_result_candidate(runner, tiny_dir, tmp_path) -> None:
    # Candidate B of a result is the compliant plan; A lacks the office.
    compliant = read_scenario(tiny_dir / "scenario.yaml")
    good = read_plan(tiny_dir / "plan-compliant.yaml", compliant)
    items = [a.model_dump() for a in good.assignments]
    result_json = {
        "candidates": [
            {"id": "A", "assignments": items[:-2] + items[-1:]},
            {"id": "B", "assignments": items},
        ]
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result_json), encoding="utf-8")
    scen = str(tiny_dir / "scenario.yaml")
    assert runner.invoke(main, ["check", scen, str(path)]).exit_code == 2
    ok = runner.invoke(main, ["check", scen, str(path), "--candidate", "B"])
    assert ok.exit_code == 0, ok.output


# ------------------------------------------------------------------ report


@pytest.fixture
def tiny_noncompliant(tiny_dir):
    sc = read_scenario(tiny_dir / "scenario.yaml")
    plan = read_plan(tiny_dir / "plan-noncompliant.yaml", sc)
    return sc, plan


def test_markdown_report_states_everything(tiny_noncompliant) -> None:
    sc, plan = tiny_noncompliant
    text = compliance_markdown(sc, plan, audit(sc, plan), lang="en")
    # accounting
    assert "circulation not counted" in text
    assert "strict: a room counts only if all its functions are resident" in (
        text
    )
    # area target arithmetic and the facility sum
    assert (
        "30 m² per 100 households × 400 households = 120.00 m²; minimum "
        "100 m² → the larger binds: 120.00 m²" in text
    )
    assert "R101 60 + R102 40 + R203 120 = 220.00 m²" in text
    # every rule row, with its strength, source and margin
    assert (
        "| Resident-activity share | law | 60.0% | 54.5% | -5.5 pp | "
        "**FAIL** | test rule: resident activity at least 60 % |" in text
    )
    assert (
        "| Community office | Function placed | law | 1 | 0 |  | **FAIL** |"
        in text
    )
    # the share under the profile's accounting and under strict
    assert "Under the profile's accounting" in text
    assert "Under strict accounting" in text
    # empty rooms and the rule not checked
    assert "- R201 (15.00 m², 2)" in text and "- R204 (20.00 m², 2)" in text
    assert "8 hours a day" in text
    assert "社区办公室 (community office) is not placed in any room." in text


def test_markdown_report_in_chinese(tiny_noncompliant) -> None:
    sc, plan = tiny_noncompliant
    text = compliance_markdown(sc, plan)
    assert "交通空间不计入设施面积" in text
    assert "每天开放不少于 8 小时" in text
    assert "30 m²/100户 × 400户 = 120.00 m²" in text


def test_json_report_matches_the_audit(tiny_noncompliant) -> None:
    sc, plan = tiny_noncompliant
    result = audit(sc, plan)
    data = compliance_json(sc, plan, result)
    assert len(data["checks"]) == len(result.rows)
    assert [v["rule"] for v in data["violations"]] == [
        v.rule for v in result.violations
    ]
    assert data["accounting"]["shared_rooms"] == "strict"
    assert data["area_target"]["target"] == 120.0
    assert data["area_target"]["binding"] == "per_household"
    assert [r["room"] for r in data["empty_rooms"]] == ["R201", "R202", "R204"]
    assert data["metrics"]["facility_area"] == 220.0
    assert data["not_checked"][0]["rule"] == "open_hours"
    json.dumps(data)  # serialisable as is


def test_report_of_an_empty_plan(tiny_dir) -> None:
    # Nothing placed: facility 0 m², every function unplaced, no crash.
    sc = read_scenario(tiny_dir / "scenario.yaml")
    empty = Plan(assignments=())
    text = compliance_markdown(sc, empty, lang="en")
    assert "Facility area = 0 = 0.00 m²" in text
    assert verdict_line(audit(sc, empty), "en").startswith("not compliant")


@pytest.mark.parametrize(
    ("rule", "value", "shown"),
    [
        ("resident_share", 0.6154, "61.5%"),
        ("area_target", 1260, "1,260.00 m²"),
        ("min_area", 39.99, "39.99 m²"),
        ("placed", 1, "1"),
        ("needs", "lockable", "lockable"),
        ("floors", None, "—"),
    ],
)
def test_format_value(rule, value, shown) -> None:
    assert format_value(rule, value) == shown


def test_format_margin() -> None:
    assert format_margin("resident_share", -0.055) == "-5.5 pp"
    assert format_margin("area_target", 100) == "+100.00 m²"
    assert format_margin("placed", None) == ""


# ---------------------------------------------------------------- examples

EXAMPLES = resources.on_disk(resources.examples())
EXAMPLE_PLANS = sorted(EXAMPLES.glob("*/plan-*.yaml"))


@pytest.mark.parametrize(
    "plan",
    EXAMPLE_PLANS,
    ids=[f"{p.parent.name}/{p.stem}" for p in EXAMPLE_PLANS],
)
def test_example_plans(runner, plan: Path, tmp_path) -> None:
    # Each example's plan-compliant passes (0) and plan-noncompliant
    # fails (2) against its scenario.yaml; the report writes either way.
    scen = plan.parent / "scenario.yaml"
    assert runner.invoke(main, ["validate", str(scen)]).exit_code == 0
    out = tmp_path / "report.md"
    result = runner.invoke(
        main, ["check", str(scen), str(plan), "-o", str(out)]
    )
    expected = 0 if plan.stem == "plan-compliant" else 2
    assert result.exit_code == expected, result.output
    assert "每天开放不少于 8 小时" in out.read_text(encoding="utf-8")


# ------------------------------------------- one spelling, one error path

#: Each command and the shared options it offers.
OFFERS = {
    "validate": {"--json", "--quiet", "--lang"},
    "policies": {"--json", "--lang"},
    "check": {"--json", "--quiet", "--lang", "--output"},
    "solve": {"--json", "--quiet", "--lang", "--output"},
    "demo": {"--json", "--quiet", "--lang", "--output"},
    "diagnose": {"--json", "--quiet", "--lang"},
    "sweep": {"--json", "--quiet", "--lang", "--output"},
    "import-dxf": {"--json", "--quiet", "--lang", "--output"},
    "bench": {"--output"},
    "schema": set(),
}


def test_every_command_is_listed() -> None:
    assert set(main.commands) == set(OFFERS)


@pytest.mark.parametrize("name", sorted(OFFERS))
def test_shared_options_are_offered_alike(runner, name: str) -> None:
    command = main.commands[name]
    opts = {o for p in command.params for o in getattr(p, "opts", [])}
    assert OFFERS[name] <= opts
    help_text = runner.invoke(main, [name, "--help"]).stdout
    if "--output" in OFFERS[name]:
        # The old spellings work but are not shown.
        assert {"--out", "--outdir"} <= opts
        assert "-o, --output" in help_text
        assert "--outdir" not in help_text and "--out " not in help_text
    if "--lang" in OFFERS[name]:
        assert "[zh|en]" in help_text
    if "--quiet" in OFFERS[name]:
        assert "-q, --quiet" in help_text


@pytest.mark.parametrize("name", sorted(OFFERS))
def test_help_lists_the_exit_codes(runner, name: str) -> None:
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Exit status:" in result.stdout
    assert "  0  " in result.stdout
    assert "  1  bad input" in result.stdout


def test_validate_json_quiet_lang(runner, tiny_dir) -> None:
    scenario = str(tiny_dir / "scenario.yaml")
    data = json.loads(
        runner.invoke(main, ["validate", scenario, "--json"]).stdout
    )
    assert data["households"] == 400
    assert data["target_m2"] == 120.0
    assert data["kinds"]["room"] == {"rooms": 6, "area_m2": 280.0}
    quiet = runner.invoke(main, ["validate", scenario, "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""
    en = runner.invoke(main, ["validate", scenario, "--lang", "en"])
    assert en.exit_code == 0
    assert "households: 400" in en.stdout


def test_validate_quiet_still_fails_on_bad_input(runner, tmp_path) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path / "no.yaml")])
    quiet = runner.invoke(main, ["validate", str(tmp_path / "no.yaml"), "-q"])
    assert result.exit_code == quiet.exit_code == 1
    assert quiet.stderr == result.stderr
    assert quiet.stderr.startswith("错误：") and "no.yaml" in quiet.stderr


def test_check_quiet_says_it_by_exit_status(runner, tiny_dir) -> None:
    bad = runner.invoke(
        main, ["check", *_paths(tiny_dir, "plan-noncompliant"), "--quiet"]
    )
    good = runner.invoke(
        main, ["check", *_paths(tiny_dir, "plan-compliant"), "-q"]
    )
    assert (bad.exit_code, good.exit_code) == (2, 0)
    assert bad.output == good.output == ""


def test_policies_in_english(runner) -> None:
    # The functions table is titled in the language asked for.
    profile = str(Path(__file__).parent / "data/configs/policies/tiny.yaml")
    en = runner.invoke(main, ["policies", profile, "--lang", "en"])
    zh = runner.invoke(main, ["policies", profile])
    assert en.exit_code == zh.exit_code == 0
    assert "Functions" in {ln.strip() for ln in en.stdout.splitlines()}
    assert "功能" in {ln.strip() for ln in zh.stdout.splitlines()}


@pytest.mark.parametrize("spelling", ["-o", "--output", "--out", "--outdir"])
def test_every_output_spelling_works(
    runner, tiny_dir, tmp_path, spelling: str
) -> None:
    out = tmp_path / "x.json"
    args = ["check", *_paths(tiny_dir, "plan-compliant"), spelling, str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["compliant"] is True


def test_a_missing_output_is_named_by_its_new_spelling(runner) -> None:
    result = runner.invoke(main, ["sweep", "s.yaml", "--vary", "seed=1"])
    assert result.exit_code == 1
    assert "'-o' / '--output'" in result.output
    assert "--outdir" not in result.output


def test_an_error_of_any_command_is_one_line() -> None:
    # A command of another wing may raise click's own error; a command
    # of ours raises InputError. Both end the same way, without a group.
    from spaceplan.cli.command import LANG_ENV, SpaceplanCommand
    from spaceplan.errors import InputError

    def theirs() -> None:
        raise click.ClickException("data folder not found")

    def ours() -> None:
        raise InputError("a.yaml", "rooms[0].area", "must be positive")

    runner = CliRunner()
    # No --lang option here: SPACEPLAN_LANG sets the language.
    one = runner.invoke(
        SpaceplanCommand("x", callback=theirs), [], env={LANG_ENV: "en"}
    )
    two = runner.invoke(
        SpaceplanCommand("y", callback=ours), [], env={LANG_ENV: "en"}
    )
    assert (one.exit_code, two.exit_code) == (1, 1)
    assert one.stderr == "error: data folder not found\n"
    assert two.stderr == "error: a.yaml: rooms[0].area: must be positive.\n"
    # Chinese by default; a fault given as plain text stays as given.
    zh = runner.invoke(SpaceplanCommand("y", callback=ours), [])
    assert zh.stderr == "错误：a.yaml：rooms[0].area：must be positive.\n"


def test_a_bug_is_not_hidden_as_bad_input() -> None:
    from spaceplan.cli.command import SpaceplanCommand

    def broken() -> None:
        raise KeyError("a bug")

    result = CliRunner().invoke(SpaceplanCommand("z", callback=broken), [])
    assert isinstance(result.exception, KeyError)


# ----------------------------------------------------------------- start-up


def _in_a_fresh_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False
    )


def test_python_m_spaceplan_version() -> None:
    done = _in_a_fresh_python("-m", "spaceplan", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"spaceplan, version {__version__}"


def test_importing_the_cli_loads_no_heavy_module() -> None:
    # ``spaceplan --help`` must start fast: the solver, geometry, plotting
    # and DXF libraries load only inside the commands that use them.
    heavy = ("ortools", "matplotlib", "shapely", "ezdxf", "pandas")
    code = (
        "import sys, spaceplan.cli; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = _in_a_fresh_python("-c", code)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "click" in loaded  # the check sees what was imported
    assert loaded.isdisjoint(heavy), sorted(loaded.intersection(heavy))


def test_help_lists_the_commands_without_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from spaceplan.cli import main\n"
        "try:\n"
        "    main(['--help'], prog_name='spaceplan')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('ortools' in sys.modules, 'shapely' in sys.modules)\n"
    )
    done = _in_a_fresh_python("-c", code)
    assert done.returncode == 0, done.stderr
    assert "import-dxf" in done.stdout
    assert done.stdout.strip().endswith("False False")


def test_diagnose_quiet_and_lang(runner) -> None:
    # feasible.yaml has a plan: nothing to diagnose, exit 0.
    scenario = str(Path(__file__).parent / "data/diagnose/feasible.yaml")
    args = ["diagnose", scenario, "--no-repairs", "--lang", "en"]
    quiet = runner.invoke(main, [*args, "--quiet"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "--time-limit", "nan", "x.yaml"],
        ["solve", "--bogus", "x.yaml"],
        ["solve"],
        ["no-such-command"],
    ],
)
def test_a_usage_error_is_one_line_exit_1(argv: list[str]) -> None:
    # click would print usage, a hint and the error on three lines and
    # exit 2; here it is one ``error:`` line naming the fault, exit 1.
    done = subprocess.run(
        [sys.executable, "-m", "spaceplan", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), lines
    assert "--help'" in lines[0]
