"""Sweeps a hostile user cannot fool: run ids, bad rows, orphans, options.

The small diagnosis scenario (five rooms, 275 m²) again; see
``test_sweep.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from spaceplan.sweep import (
    RUNS_FILE,
    RunsFile,
    SweepSettings,
    Vary,
    columns,
    parse_vary,
    plan_tasks,
    read_runs,
)
from spaceplan.sweep.run import _setting, build_scenario

SCENARIO = Path(__file__).parent / "data" / "diagnose" / "feasible.yaml"
HOUSEHOLDS = [parse_vary("households=400,500")]


def _ids(settings: SweepSettings, scenario: Path = SCENARIO) -> list[str]:
    return [t["run_id"] for t in plan_tasks(scenario, HOUSEHOLDS, settings)]


def test_settings_are_part_of_the_run_id() -> None:
    # Another time limit, seed or worker count is another run.
    base = _ids(SweepSettings(time_limit=1.0, seed=0))
    assert base == _ids(SweepSettings(time_limit=1.0, seed=0))
    for other in (
        SweepSettings(time_limit=2.0, seed=0),
        SweepSettings(time_limit=1.0, seed=1),
        SweepSettings(time_limit=1.0, seed=0, workers_per_run=2),
    ):
        assert not set(base) & set(_ids(other))


def test_an_edited_scenario_is_another_run(tmp_path: Path) -> None:
    raw = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    profile = SCENARIO.parent / raw["policy"]
    shutil.copy(profile, tmp_path / profile.name)
    same = tmp_path / "same.yaml"
    same.write_text(yaml.safe_dump(raw), encoding="utf-8")
    raw["community"]["population"] = 1000
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(raw), encoding="utf-8")
    settings = SweepSettings(time_limit=1.0)
    assert _ids(settings, same) == _ids(settings)
    assert not set(_ids(settings)) & set(_ids(settings, edited))


def _task(options: dict, settings: SweepSettings, params: dict) -> dict:
    task = plan_tasks(SCENARIO, [Vary("households", (400,))], settings)[0]
    task["scenario"] = {**task["scenario"], "options": options}
    task["params"] = {**task["params"], **params}
    return task


@pytest.mark.parametrize(
    ("options", "cli", "varied", "expected"),
    [
        # The command line wins over the scenario, as on solve.
        ({"time_limit": 30.0}, 1.0, None, 1.0),
        # No command-line value: the scenario's.
        ({"time_limit": 30.0}, None, None, 30.0),
        # Neither: the default.
        ({}, None, None, 5.0),
        # A varied option.time_limit is the run's own: it wins over both.
        ({"time_limit": 30.0}, 1.0, 7.0, 7.0),
    ],
)
def test_command_line_wins_over_the_scenario(
    options: dict, cli: float | None, varied: float | None, expected: float
) -> None:
    params = {} if varied is None else {"option.time_limit": varied}
    task = _task(options, SweepSettings(time_limit=cli), params)
    scenario = build_scenario(task)
    assert _setting(task, "time_limit", scenario, 5.0) == expected


def test_seed_follows_the_same_order() -> None:
    task = _task({"seed": 9}, SweepSettings(seed=3), {})
    assert _setting(task, "seed", build_scenario(task), 0) == 3
    task = _task({"seed": 9}, SweepSettings(seed=None), {})
    assert _setting(task, "seed", build_scenario(task), 0) == 9


# ----------------------------------------------------------- bad rows

GOOD = "a" * 16
HEADER = columns([Vary("households", (1,))])


def _line(run: str, status: str = "optimal", objective: str = "1.5") -> str:
    cells = [run, "400", status] + [""] * 7 + [objective, "0.1", ""]
    assert len(cells) == len(HEADER)
    return ",".join(cells) + "\n"


@pytest.mark.parametrize(
    "bad",
    [
        _line("b" * 16, status="optimul"),  # a status that cannot be
        _line("c" * 16, objective="1.5x"),  # a number that is not one
        _line("d" * 16, objective="nan"),  # not finite
        _line("not-a-run-id"),  # a run id of no sweep
        _line(GOOD, objective="2.0"),  # the same run twice
        "e" * 16 + ",400\n",  # too few cells
        _line("f" * 16) + "",  # (kept: a good row between bad ones)
        "\xff\xfe garbage\n",  # not UTF-8 (written as bytes below)
    ],
)
def test_malformed_rows_are_dropped_and_rerun(
    bad: str, tmp_path: Path
) -> None:
    path = tmp_path / RUNS_FILE
    body = _line(GOOD) + bad
    data = ",".join(HEADER).encode() + b"\n" + body.encode("latin-1")
    path.write_bytes(data)
    runs = RunsFile(path, HEADER)
    runs.close()
    good_after = bad.startswith("f")
    assert list(runs.done)[0] == GOOD
    assert runs.done[GOOD]["objective"] == "1.5"  # the first row kept
    assert len(runs.done) == (2 if good_after else 1)
    assert runs.dropped_rows == (0 if good_after else 1)
    # The file now holds only well-formed rows, read back the same.
    assert [r["run_id"] for r in read_runs(path)] == list(runs.done)


def test_a_bad_header_names_the_file(tmp_path: Path) -> None:
    from spaceplan.errors import InputError

    path = tmp_path / RUNS_FILE
    path.write_bytes(b"\xff\xfe,run_id\n")
    with pytest.raises(InputError, match="line 1") as err:
        RunsFile(path, HEADER)
    assert str(path) in str(err.value)


# ------------------------------------------------------------ orphans


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command may hold spaces: the fields follow its last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid:
            out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux")
def test_pool_workers_end_with_a_killed_sweep(tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "spaceplan", "sweep", str(SCENARIO),
        "--vary", "households=100:2090:10", "-o", str(tmp_path),
        "--processes", "2", "--time-limit", "1", "--no-progress",
        "--no-plot",
    ]  # fmt: skip
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        path = tmp_path / RUNS_FILE
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the sweep ended before the kill"
            workers = _children(proc.pid)
            if len(workers) >= 2 and path.exists() and path.stat().st_size:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "no pool workers seen"
        # Kill the sweep alone, as a user's kill -9 would: not its group.
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(map(_alive, workers)):
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        assert not left, f"workers {left} outlived the sweep"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
