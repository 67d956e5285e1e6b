"""Sweeps: --vary parsing, durable rows, resume after a kill, pool vs Dask.

The sweeps run the small diagnosis test scenario (five rooms, 275 m²):
the target is max(100, 30 × households / 100) m², so up to 916 households
can be served and larger communities are infeasible (area target).
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan.cli.sweep import sweep
from spaceplan.errors import InputError
from spaceplan.sweep import (
    RUNS_FILE,
    RunsFile,
    SweepSettings,
    Vary,
    columns,
    largest_served,
    parse_varies,
    parse_vary,
    plan_tasks,
    read_runs,
    run_id,
    run_sweep,
    run_task,
)

SCENARIO = Path(__file__).parent / "data" / "diagnose" / "feasible.yaml"
#: A small budget: these solves take milliseconds.
FAST = SweepSettings(time_limit=1.0, seed=0)


# --------------------------------------------------------------- --vary


def test_parse_ranges_and_lists() -> None:
    assert parse_vary("households=2000:3000:500").values == (2000, 2500, 3000)
    assert parse_vary("policy=a, b").values == ("a", "b")
    assert parse_vary("option.time_limit=5,10").values == (5.0, 10.0)
    assert parse_vary("population=7").values == (7,)


@pytest.mark.parametrize(
    ("spec", "fault"),
    [
        ("households", "NAME=VALUES"),  # no '='
        ("households=", "no values"),  # nothing after '='
        ("households=1:9", "START:STOP:STEP"),  # a range needs three parts
        ("households=10:1:1", "STOP is below START"),  # backwards
        ("households=1:9:0", "step must be above 0"),  # endless
        ("households=a,b", "whole numbers"),  # not numbers
        ("households=0,5", "above 0"),  # no households
        ("floors=1,2", "unknown parameter 'floors'"),  # not a parameter
        ("option.workers=2", "unknown option 'workers'"),  # use the flag
        ("option.time_limit=0", "above 0"),  # no budget
        ("policy=a,a", "listed twice"),  # duplicate run ids
    ],
)
def test_bad_vary_specs_name_the_option(spec: str, fault: str) -> None:
    with pytest.raises(InputError) as err:
        parse_vary(spec)
    assert err.value.field == "--vary"
    assert fault in str(err.value)


def test_a_parameter_varied_twice() -> None:
    with pytest.raises(InputError, match="varied twice"):
        parse_varies(["households=1,2", "households=3"])


def test_run_id_depends_on_the_combination_and_context() -> None:
    a = run_id({"households": 100, "policy": "x"}, "c")
    assert a == run_id({"policy": "x", "households": 100}, "c")
    assert a != run_id({"households": 101, "policy": "x"}, "c")
    assert a != run_id({"households": 100, "policy": "x"}, "d")


def test_bad_policy_and_rooms_fail_before_any_run(tmp_path: Path) -> None:
    for spec, fault in [
        ("policy=no-such-profile", "unknown profile"),
        ("rooms=missing.csv", "no room list"),
        # chongqing-2022-rural is for rural areas; the scenario is urban.
        ("policy=chongqing-2022-rural", "for rural areas"),
    ]:
        with pytest.raises(InputError, match=fault):
            plan_tasks(SCENARIO, [parse_vary(spec)], FAST)


def test_cli_bad_vary_is_one_line_exit_1(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        sweep,
        [str(SCENARIO), "--vary", "households=1:x:1", "-o", str(tmp_path),
         "--lang", "en"],
    )  # fmt: skip
    assert out.exit_code == 1
    assert out.output.startswith("error: --vary: 'households=1:x:1'")
    zh = CliRunner().invoke(
        sweep,
        [str(SCENARIO), "--vary", "households=1:x:1", "-o", str(tmp_path)],
    )
    assert zh.output.startswith("错误：--vary：'households=1:x:1'：取值必须是整数")
    assert "Traceback" not in out.output


# ------------------------------------------------------------------ runs


def test_one_run_row_feasible_and_infeasible() -> None:
    tasks = plan_tasks(SCENARIO, [Vary("households", (400, 1000))], FAST)
    ok, bad = (run_task(t) for t in tasks)
    # 400 households: target 120 m², met with room to spare; the share
    # rule (65 % against 60 %) is the tighter one.
    assert ok["status"] == "optimal" and ok["target_area"] == 120.0
    assert ok["area_margin"] == ok["facility_area"] - 120.0
    assert ok["binding_rule"] == "resident_share"
    # 1,000 households: 300 m² > the building's 275 m².
    assert bad["status"] == "infeasible"
    assert bad["binding_rule"] == "area_target"


def test_runs_file_drops_a_cut_off_line_and_checks_the_header(
    tmp_path: Path,
) -> None:
    header = columns([Vary("households", (1,))])
    path = tmp_path / RUNS_FILE
    runs = RunsFile(path, header)
    runs.append({"run_id": "a" * 16, "households": 1, "status": "optimal"})
    runs.close()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("b,2,opti")  # a kill in the middle of a write
    runs = RunsFile(path, header)
    assert runs.dropped_partial and list(runs.done) == ["a" * 16]
    runs.close()
    assert path.read_text(encoding="utf-8").endswith(
        "optimal" + "," * 10 + "\n"
    )
    with pytest.raises(InputError, match="different sweep"):
        RunsFile(path, columns([Vary("policy", ("x",))]))


def test_largest_served_per_profile() -> None:
    rows = [
        {"policy": "a", "households": "100", "status": "optimal"},
        {"policy": "a", "households": "300", "status": "feasible"},
        {"policy": "a", "households": "500", "status": "infeasible"},
        {"policy": "b", "households": "100", "status": "infeasible"},
    ]
    by = {r["policy"]: r for r in largest_served(rows, "base")}
    assert by["a"]["largest_households"] == 300
    assert by["a"]["infeasible"] == 1
    assert by["b"]["largest_households"] is None


def test_the_binding_rule_is_named_in_words_with_its_id() -> None:
    from spaceplan.cli.sweep import _binding

    assert _binding("area_target", "zh") == "面积指标（area_target）"
    assert _binding("resident_share", "en") == "resident share (resident_share)"
    assert _binding("needs:service_hall", "zh") == "房间条件（needs:service_hall）"
    # No word for it: the id as it is; none at all: a dash.
    assert _binding("odd_rule", "zh") == "odd_rule"
    assert _binding("", "zh") == "—"


# ---------------------------------------------------------- kill, resume


def _rows_on_disk(path: Path) -> int:
    if not path.exists():
        return 0
    return max(0, path.read_bytes().count(b"\n") - 1)


def test_killed_sweep_resumes_without_loss_or_duplicates(
    tmp_path: Path,
) -> None:
    # 200 runs: households 100, 110, ..., 2090.
    command = [
        sys.executable, "-m", "spaceplan", "sweep", str(SCENARIO),
        "--vary", "households=100:2090:10", "-o", str(tmp_path),
        "--processes", "2", "--time-limit", "1", "--no-progress",
        "--no-plot",
    ]  # fmt: skip
    path = tmp_path / RUNS_FILE
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while _rows_on_disk(path) < 50 and time.monotonic() < deadline:
            assert proc.poll() is None, "the sweep ended before the kill"
            time.sleep(0.02)
    finally:
        # The whole session we started: the CLI and its pool processes.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = read_runs(path)
    assert 50 <= len(before) < 200
    with open(path, "ab") as fh:
        fh.write(b"0123abcd,5")  # and a line cut off by the kill
    out = CliRunner().invoke(sweep, command[4:])
    assert out.exit_code == 0, out.output
    after = read_runs(path)
    ids = [r["run_id"] for r in after]
    households = {int(r["households"]) for r in after}
    assert len(ids) == 200 and len(set(ids)) == 200
    assert households == set(range(100, 2091, 10))
    # Rows written before the kill are kept as they were.
    assert after[: len(before)] == before
    with open(path, encoding="utf-8") as fh:
        assert len(list(csv.reader(fh))) == 201


# ------------------------------------------------------------ pool, Dask


def _comparable(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


def test_pool_and_dask_give_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    varies = [Vary("households", tuple(range(100, 1201, 100)))]
    pool = run_sweep(SCENARIO, varies, tmp_path / "pool", FAST, processes=2)
    dask = run_sweep(
        SCENARIO, varies, tmp_path / "dask", FAST, scheduler="local:2"
    )
    assert len(pool.rows) == 12
    assert _comparable(pool.rows) == _comparable(dask.rows)
    statuses = {r["households"]: r["status"] for r in pool.rows}
    assert statuses["900"] == "optimal" and statuses["1000"] == "infeasible"


def test_bad_scheduler_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tcp://HOST:PORT or local:N"):
        run_sweep(
            SCENARIO,
            [Vary("households", (100,))],
            tmp_path,
            FAST,
            scheduler="udp://x",
        )


# ------------------------------------------------------------------ plot


def test_plot_sweep_draws_one_share_line_per_profile() -> None:
    from spaceplan.plot.sweep import plot_sweep

    rows = [
        {"policy": p, "households": h, "status": s, "resident_share": 0.62,
         "area_margin": 10.0}
        for p in ("a", "b")
        for h, s in ((100, "optimal"), (200, "optimal"), (300, "infeasible"))
    ]  # fmt: skip
    ax = plot_sweep(rows)
    assert len(ax.get_lines()) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["a", "b"]
