"""``spaceplan bench`` on the small size: a CSV row per solve."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from click import Context
from click.testing import CliRunner

from spaceplan.bench import run
from spaceplan.bench.run import COLUMNS, Row, week_ratios
from spaceplan.cli.bench import bench, ratio_lines, summary_table


def test_bench_writes_checked_rows(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        bench,
        [
            "--sizes", "S", "--solvers", "cpsat,greedy", "--seeds", "1",
            "--time-limit", "20", "--workers", "1", "-o", str(tmp_path),
            "--name", "quick",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = tmp_path / "quick.csv"
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == COLUMNS
    assert [r["solver"] for r in rows] == ["cpsat", "greedy"]
    for row in rows:
        assert row["instance"] == "bench-S-seed1"
        assert row["checker_passed"] == "true"
        assert row["num_rooms"] == "15"
        assert row["num_functions"] == "14"
        assert row["git_sha"]
        assert row["ortools_version"]
        assert float(row["peak_rss_mb"]) > 0
    assert rows[0]["status"] == "optimal"
    assert float(rows[0]["objective"]) >= float(rows[1]["objective"])
    # No temporary files are left beside the result.
    assert [p.name for p in tmp_path.iterdir()] == ["quick.csv"]


def test_unknown_size_is_a_usage_error(tmp_path: Path) -> None:
    # Bad options are bad input like any other: exit 1, not click's 2.
    args = ["--sizes", "XXXL", "-o", str(tmp_path)]
    result = CliRunner().invoke(bench, [*args, "--lang", "en"])
    assert result.exit_code == 1
    assert "unknown size 'XXXL'" in result.output
    zh = CliRunner().invoke(bench, args)
    assert "未知规模 'XXXL'" in zh.output


def _row(solver: str, status: str, objective: float, seconds: float) -> Row:
    return Row(
        "i", "S", solver, "default", 0, "sha", "9", "1", status,
        objective, objective, 0.0, seconds, None, True, 1.0, 15, 14,
    )  # fmt: skip


def test_ratio_lines() -> None:
    rows = [
        _row("cpsat", "optimal", 10.0, 0.5),
        _row("highs", "optimal", 10.0, 5.0),
        _row("greedy", "feasible", 8.0, 0.01),
    ]
    lines = ratio_lines(rows)
    assert lines[0].endswith("= 10.0× (same optimum)")
    assert "greedy feasible 8.00" in lines[1]


def test_subcommands_hang_under_bench() -> None:
    # The OSA study, when installed, is ``spaceplan bench osa``.
    # It is imported only when named, so that start-up stays fast.
    try:
        import spaceplan.osa.cli  # noqa: F401
    except ImportError:
        assert bench.get_command(Context(bench), "osa") is None
    else:
        assert bench.get_command(Context(bench), "osa") is not None


def test_peak_memory_is_unknown_without_proc_or_resource(
    tmp_path: Path, monkeypatch
) -> None:
    # As on Windows: no /proc and no ``resource`` module.
    monkeypatch.setattr(run, "PROC_STATUS", str(tmp_path / "absent"))
    monkeypatch.setattr(run, "resource", None)
    assert run.peak_rss_mb() is None
    row = _row("cpsat", "optimal", 1.0, 0.1)
    unknown = Row(**{**asdict(row), "peak_rss_mb": None})
    cells = run.to_csv([unknown]).splitlines()[1].split(",")
    assert cells[COLUMNS.index("peak_rss_mb")] == ""
    table = summary_table([unknown])
    assert table.columns[-1]._cells == [""]


def test_peak_memory_from_proc(tmp_path: Path, monkeypatch) -> None:
    status = tmp_path / "status"
    status.write_text("Name:\tx\nVmHWM:\t  204800 kB\n", encoding="ascii")
    monkeypatch.setattr(run, "PROC_STATUS", str(status))
    assert run.peak_rss_mb() == 200.0


def test_run_module_imports_without_resource(tmp_path: Path) -> None:
    # A stand-in ``resource`` that fails to import, as on Windows.
    (tmp_path / "resource.py").write_text(
        "raise ImportError('no resource here')\n", encoding="utf-8"
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import spaceplan.bench.run as r; print(r.resource)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def test_week_ratios_in_both_languages() -> None:
    # One size solved with fixed times (2.00 s) and booked sessions
    # (5.00 s): the line gives 5.00 / 2.00 = 2.5×, worded per language.
    def row(week: str, seconds: float) -> Row:
        return Row(
            f"M-0-{week}", "M", "cpsat", "default", 0, "", "", "",
            "optimal", 1.0, 1.0, 0.0, seconds, None, True, None, 10, 5,
        )  # fmt: skip

    rows = [row("fixed", 2.0), row("sessions", 5.0)]
    assert week_ratios(rows, "en") == [
        "M-0 cpsat: sessions optimal 5.00 s / fixed optimal 2.00 s = 2.5×"
    ]
    assert week_ratios(rows, "zh") == [
        "M-0 cpsat：预约场次 最优 5.00 s / 固定时段 最优 2.00 s = 2.5×"
    ]
