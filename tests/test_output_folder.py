"""Output folders: probed before the solve, never two runs mixed.

A solve writes its files beside the output folder and swaps them in whole
at the end (:func:`spaceplan.fileio.output_folder`). Killed at any moment,
it leaves the previous run's complete set or its own, never a mix; a run
with fewer candidates leaves no stale ``plan-C``; an infeasible run no old
drawing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan import solvers
from spaceplan.cli import main
from spaceplan.cli.solve import examples_dir

EXAMPLES = examples_dir()
SMALL = EXAMPLES / "csv-rooms" / "scenario.yaml"
#: A small infeasible scenario (a function no room fits): its diagnosis
#: is quick, and any infeasible run must leave no old drawing.
INFEASIBLE = Path(__file__).parent / "data" / "diagnose" / "no-room.yaml"
FAST = ["--workers", "1", "--seed", "0", "--time-limit", "5", "--quiet"]
#: How many times the kill test kills a solve.
KILLS = 12


def _solve(out: Path, k: int, scenario: Path = SMALL) -> list[str]:
    return [
        sys.executable, "-m", "spaceplan", "solve", str(scenario),
        "-o", str(out), "-k", str(k), *FAST,
    ]  # fmt: skip


def _listing(folder: Path) -> frozenset[str]:
    return frozenset(os.listdir(folder))


def _candidates(folder: Path) -> int:
    data = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return len(data["candidates"])


# ------------------------------------------------------ probed up front


@pytest.mark.parametrize(
    "where",
    [
        "file/out",  # under a file
        "own/out",  # a folder of the user's own files
    ],
)
def test_an_unusable_folder_fails_before_the_solve(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "own" / "out").mkdir(parents=True)
    (tmp_path / "own" / "out" / "thesis.docx").write_text("x")

    def no_solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved before the folder was checked")

    monkeypatch.setattr(solvers, "solve", no_solve)
    out = tmp_path / where
    result = CliRunner().invoke(
        main, ["solve", str(SMALL), "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}: ")
    assert "Traceback" not in result.output
    assert (tmp_path / "own" / "out" / "thesis.docx").exists()


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs /sys")
@pytest.mark.parametrize("command", ["check", "import-dxf", "sweep"])
def test_other_commands_probe_their_output_first(
    command: str, tmp_path: Path
) -> None:
    out = "/sys/spaceplan-out" + ("" if command == "sweep" else "/r.md")
    args = {
        "check": ["check", str(SMALL), str(SMALL.parent / "plan-compliant.yaml")],
        "import-dxf": ["import-dxf", str(tmp_path / "none.dxf"), "--layer", "R"],
        "sweep": ["sweep", str(SMALL), "--vary", "households=100"],
    }[command]
    result = CliRunner().invoke(main, [*args, "-o", out, "--lang", "en"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "cannot be written" in lines[0], lines
    assert "Traceback" not in result.output


# ------------------------------------------------------- never mixed


def test_fewer_candidates_and_infeasible_leave_nothing_stale(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    subprocess.run(_solve(out, 3), check=True)
    assert {"plan-B.png", "plan-C.png"} <= _listing(out)
    subprocess.run(_solve(out, 1), check=True)
    assert _candidates(out) == 1
    assert not any(n.startswith(("plan-B", "plan-C")) for n in _listing(out))
    done = subprocess.run(_solve(out, 1, INFEASIBLE), check=False)
    assert done.returncode == 2
    assert _candidates(out) == 0
    assert not any(n.startswith("plan-") for n in _listing(out))
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no scraps


@pytest.mark.slow
def test_a_killed_solve_leaves_one_whole_run(tmp_path: Path) -> None:
    # Two complete runs as references: three candidates, then one.
    three, one = tmp_path / "three", tmp_path / "one"
    subprocess.run(_solve(three, 3), check=True)
    started = time.monotonic()
    subprocess.run(_solve(one, 1), check=True)
    span = time.monotonic() - started
    whole = {_listing(three): 3, _listing(one): 1}
    rng = random.Random(22)
    out = tmp_path / "out"
    seen = set()
    for _ in range(KILLS):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(three, out)
        proc = subprocess.Popen(
            _solve(out, 1),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Moments over the whole run, most in its second half, where the
        # files are written.
        time.sleep(span * rng.uniform(0.4, 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not out.exists():
            seen.add("absent")
            continue
        names = _listing(out)
        assert names in whole, f"a mixed folder: {sorted(names)}"
        assert _candidates(out) == whole[names]
        seen.add(whole[names])
    # Scraps of the killed runs go with the next run.
    subprocess.run(_solve(out, 1), check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "one",
        "out",
        "three",
    ]
    assert seen  # at least one kill was judged


def test_two_solves_into_one_folder_leave_one_whole_run(
    tmp_path: Path,
) -> None:
    # Two runs at once into one folder, one asking for three candidates
    # and one for one: each swaps its own staging folder in whole, so the
    # folder ends as the complete set of whichever finished last, and
    # neither run deletes the other's staging folder on the way.
    three, one = tmp_path / "three", tmp_path / "one"
    subprocess.run(_solve(three, 3), check=True)
    subprocess.run(_solve(one, 1), check=True)
    whole = {_listing(three): 3, _listing(one): 1}
    out = tmp_path / "out"
    procs = [
        subprocess.Popen(
            _solve(out, k),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (3, 1)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    names = _listing(out)
    assert names in whole, f"a mixed folder: {sorted(names)}"
    assert _candidates(out) == whole[names]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "one",
        "out",
        "three",
    ]
