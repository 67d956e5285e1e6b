"""Hostile input: every reproducer of issue 22 ends in one line, exit 1.

Each row names a file of ``tests/data/hostile`` (its first line says what
is wrong with it), the command, and fragments the one error line must
hold. Inputs that would be large on disk (an alias bomb, deep nesting, a
long CSV cell) are written by the test; those that could hang (a FIFO,
``/dev/zero``, the alias bomb) run in a subprocess under a timeout, so a
regression fails the test instead of stopping the suite.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan import cli, limits, resources
from spaceplan.cli import main
from spaceplan.cli import options as cli_options
from spaceplan.cli.command import LANG_ENV
from spaceplan.data import Room
from spaceplan.errors import shown
from spaceplan.fileio import ALLOW_OUTSIDE_ENV

HOSTILE = Path(__file__).parent / "data" / "hostile"
PROFILES = Path(__file__).parent / "data" / "configs" / "policies"


@dataclass(frozen=True)
class Row:
    """One hostile file and what the error line must say."""

    field: str | None
    fault: tuple[str, ...]
    command: str = "validate"
    file: str | None = None  # the file named, when not the scenario


ROWS: dict[str, Row] = {
    # --- hangs
    # A solve that never stops.
    "time-limit-inf.yaml": Row(
        "options.time_limit", ("must be a finite number", "inf"), "solve"
    ),
    # nan compares false with every bound: no limit at all.
    "time-limit-nan.yaml": Row(
        "options.time_limit", ("must be a finite number",), "solve"
    ),
    # --- silently wrong
    # A misspelt never_with was dropped: the ban vanished.
    "never-with-misspelt.yaml": Row(
        "functions[0].never_with[0]",
        ("unknown function 'archve'", "did you mean 'archive'?"),
        "solve",
    ),
    # A misspelt near was dropped: the wish vanished.
    "near-misspelt.yaml": Row(
        "functions[0].near[0].function",
        ("unknown function 'archve'", "did you mean 'archive'?"),
        "solve",
    ),
    # Twenty copies of one outline counted as 2,400 m².
    "overlapping-outlines.yaml": Row(
        "building", ("Rooms R01 and R02 on floor 1 overlap by 120.00 m²",)
    ),
    # 0.004 m² passed gt=0 and became a room of 0.00 m².
    "area-rounds-to-zero.yaml": Row(
        "building.rooms[3].area", ("rounds to 0.00 m²",)
    ),
    # households: true read as one household.
    "households-true.yaml": Row(
        "community.households", ("must be a number, not true",)
    ),
    # area: true read as 1 m².
    "area-true.yaml": Row(
        "building.rooms[3].area", ("must be a number, not true",)
    ),
    # --- tracebacks while reading
    # TypeError: unhashable type: 'list'.
    "unhashable-key.yaml": Row(
        None, ("a list used as a key is not text", "line 8")
    ),
    # OverflowError in rules.to_units.
    "area-inf.yaml": Row(
        "building.rooms[4].area", ("must be a finite number", "inf")
    ),
    # json reads Infinity as a float.
    "infinity.json": Row(
        "building.rooms[0].area", ("must be a finite number", "inf")
    ),
    # 1e309 in a CSV cell is float('inf').
    "csv-inf.yaml": Row(
        "line 3 (room R102).area",
        ("must be a finite number",),
        file="inf.csv",
    ),
    # OverflowError in shapely's area, with a RuntimeWarning printed.
    "coordinate-overflow.yaml": Row(
        "building.rooms[0]", ("polygon has a point beyond 100,000 m",)
    ),
    # OverflowError in rules.area_target.
    "integer-400-digits.yaml": Row(
        "community.households", ("must be at most 10,000,000",)
    ),
    # KeyError: 0 in data.py.
    "polygon-mappings.yaml": Row(
        "building.rooms[0]", ("polygon must be a list of [x, y] points",)
    ),
    # OSError: File name too long.
    "policy-path-long.yaml": Row("policy", ("the path is too long",)),
    "csv-path-long.yaml": Row(
        "building.rooms", ("the path is too long",)
    ),
    # _csv.Error: new-line character seen in unquoted field. A bare CR
    # now ends a line, so the stray "0" is a row of its own, refused.
    "csv-bare-cr.yaml": Row(
        "line 4 (room 0)",
        ("needs an area or a polygon",),
        file="bare-cr.csv",
    ),
    # --- tracebacks at solve time on scenarios validate accepted
    # OverflowError in the solver's area units.
    "area-huge.yaml": Row(
        "building.rooms[4].area", ("must be at most 1,000,000",), "solve"
    ),
    "min-area-huge.yaml": Row(
        "functions[0].min_area", ("must be at most 1,000,000",), "solve"
    ),
    # ortools TypeError on a 64-bit overflow.
    "households-huge.yaml": Row(
        "community.households", ("must be at most 10,000,000",), "solve"
    ),
    "seed-huge.yaml": Row(
        "options.seed", ("must be at most 2,147,483,647",), "solve"
    ),
    # MODEL_INVALID.
    "near-weight-huge.yaml": Row(
        "functions[0].near[0].weight", ("must be at most 1000",), "solve"
    ),
    # SolverBugError.
    "near-itself.yaml": Row(
        "functions[0]", ("Function council_room near names itself.",), "solve"
    ),
    # numpy ValueError; the profile loader refused it, overrides did not.
    "schedule-empty.yaml": Row(
        "functions[0]", ("Function archive schedule is empty.",), "solve"
    ),
    # --- paths and ids
    # A room list outside the scenario's folder.
    "csv-outside.yaml": Row(
        "building.rooms", ("lies outside the scenario's folder",)
    ),
    # A profile outside the scenario's folder.
    "policy-outside.yaml": Row(
        "policy", ("lies outside the scenario's folder",)
    ),
    # A profile beside the scenario that extends one outside its folder.
    "profile-extends-outside.yaml": Row(
        "extends",
        ("lies outside the profile's folder",),
        file="profiles/extends-outside.yaml",
    ),
    # Ids that differ in case, or in spaces only, are one id.
    "room-id-case.yaml": Row("building", ("Rooms R101 and r101 are one id",)),
    "room-id-space.yaml": Row(
        "building", ("Rooms R202 and R 202 are one id",)
    ),
    # A newline, and the right-to-left override.
    "room-id-newline.yaml": Row(
        "building.rooms[4].id", ("must be printable text",)
    ),
    "room-id-bidi.yaml": Row(
        "building.rooms[4].id", ("must be printable text",)
    ),
}


#: Files that are not scenarios: room lists and solver presets.
SIDE = (".csv", ".toml")

#: Solver presets (``solve --config FILE``) and what the error must say.
PRESETS: dict[str, tuple[str, str]] = {
    "preset-time-inf.toml": (
        "params.max_time_in_seconds", "must be a number from 0.01 to 86400"
    ),
    "preset-weight-nan.toml": ("objective.resident", "(got nan)"),
    "preset-wrong-type.toml": ("params.linearization_level", "is not a valid value"),
}


@pytest.fixture
def runner() -> CliRunner:
    """The house runner, in English: the faults here are matched in
    English words (the Chinese lines are tested in test_error_language)."""
    return CliRunner(env={"COLUMNS": "200", LANG_ENV: "en"})


def _assert_one_line(result, path: Path, row: Row) -> None:
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"error: {path}: ") or line.startswith(
        f"error: {str(path)[:150]}"
    ), line
    if row.field is not None:
        assert f": {row.field}: " in line, line
    for fragment in row.fault:
        assert fragment in line, line


def _args(command: str, path: Path, out: Path) -> list[str]:
    if command == "solve":
        return ["solve", str(path), "-o", str(out), "--quiet"]
    return [command, str(path)]


def test_every_hostile_file_has_a_row() -> None:
    files = {
        p.name
        for p in HOSTILE.iterdir()
        if p.suffix not in SIDE and p.is_file()
    }
    assert files == set(ROWS)
    presets = {p.name for p in HOSTILE.glob("*.toml")}
    assert presets == set(PRESETS)


@pytest.mark.usefixtures("tiny_configs")
@pytest.mark.parametrize("name", sorted(ROWS))
def test_hostile_file(name: str, runner, tmp_path: Path) -> None:
    path = HOSTILE / name
    row = ROWS[name]
    named = path if row.file is None else HOSTILE / row.file
    with warnings.catch_warnings():
        # A library warning would print among the lines: make it fail.
        warnings.simplefilter("error")
        result = runner.invoke(
            main, _args(row.command, path, tmp_path / "out")
        )
    _assert_one_line(result, named, row)
    # Refused before solving: nothing written.
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("tiny_configs")
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_hostile_preset(name: str, runner, tiny_dir: Path, tmp_path) -> None:
    path = HOSTILE / name
    field, fault = PRESETS[name]
    args = ["solve", str(tiny_dir / "scenario.yaml"), "--config", str(path)]
    result = runner.invoke(main, [*args, "-o", str(tmp_path / "out")])
    _assert_one_line(result, path, Row(field, (fault,)))
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("tiny_configs")
def test_outside_paths_may_be_allowed(
    runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACEPLAN_ALLOW_OUTSIDE_PATHS", "1")
    for name in ("csv-outside.yaml", "policy-outside.yaml"):
        result = runner.invoke(main, ["validate", str(HOSTILE / name)])
        assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("tiny_configs")
def test_outside_paths_by_the_option(runner) -> None:
    name = str(HOSTILE / "csv-outside.yaml")
    allowed = runner.invoke(main, ["--allow-outside-paths", "validate", name])
    assert allowed.exit_code == 0, allowed.output
    # For that command only: the next one refuses again.
    refused = runner.invoke(main, ["validate", name])
    assert refused.exit_code == 1, refused.output
    assert os.environ.get(ALLOW_OUTSIDE_ENV) is None


def test_the_cli_and_the_model_agree_on_the_bounds() -> None:
    assert cli_options.MAX_TIME_LIMIT == limits.MAX_TIME_LIMIT
    assert cli_options.MAX_SEED == limits.MAX_SEED
    assert cli.ALLOW_OUTSIDE_ENV == ALLOW_OUTSIDE_ENV


@pytest.mark.parametrize(
    ("option", "value"),
    [
        # A solve that never stops, or that nan lets through.
        ("--time-limit", "inf"),
        ("--time-limit", "nan"),
        ("--time-limit", "1e309"),
        ("--time-limit", "86401"),
        # CP-SAT takes a 32-bit seed.
        ("--seed", "2147483648"),
    ],
)
@pytest.mark.parametrize("command", ["solve", "sweep"])
def test_cli_numbers_are_finite_and_bounded(
    command: str, option: str, value: str, runner, tmp_path: Path
) -> None:
    args = [command, str(HOSTILE / "time-limit-inf.yaml"), option, value]
    if command == "sweep":
        args += ["--vary", "households=100", "-o", str(tmp_path / "out")]
    result = runner.invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert option in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("tiny_configs")
def test_outside_through_a_symlink(runner, tmp_path: Path) -> None:
    # The link lies inside the folder; what it points to does not.
    (tmp_path / "rooms.csv").symlink_to("/proc/self/environ")
    scenario = tmp_path / "s.yaml"
    text = (HOSTILE / "csv-outside.yaml").read_text(encoding="utf-8")
    scenario.write_text(text.replace("../tiny/rooms.csv", "rooms.csv"))
    result = runner.invoke(main, ["validate", str(scenario)])
    row = Row("building.rooms", ("lies outside the scenario's folder",))
    _assert_one_line(result, scenario, row)


@pytest.mark.usefixtures("tiny_configs")
def test_long_csv_cell(runner, tmp_path: Path) -> None:
    # csv refuses a cell over 131,072 characters with its own error.
    scenario = tmp_path / "s.yaml"
    text = (HOSTILE / "csv-inf.yaml").read_text(encoding="utf-8")
    scenario.write_text(text.replace("inf.csv", "long-cell.csv"))
    cell = "x" * 200_000
    (tmp_path / "long-cell.csv").write_text(
        f"id,floor,area\nR101,1,60\nR102,1,\"{cell}\"\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["validate", str(scenario)])
    row = Row("line 3", ("is not valid CSV", "field larger than"))  # noqa
    _assert_one_line(result, tmp_path / "long-cell.csv", row)


@pytest.mark.usefixtures("tiny_configs")
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting(suffix: str, runner, tmp_path: Path) -> None:
    # 20,000 levels: a RecursionError in the composer or in json.
    path = tmp_path / f"deep{suffix}"
    depth = 20_000
    path.write_text(
        '{"name": ' + "[" * depth + "]" * depth + "}", encoding="utf-8"
    )
    result = runner.invoke(main, ["validate", str(path)])
    _assert_one_line(result, path, Row(None, ("nests deeper than 50",)))


@pytest.mark.usefixtures("tiny_configs")
def test_aliases_nesting_deep(runner, tmp_path: Path) -> None:
    # Each alias nests the one before: 60 levels once expanded.
    lines = ["a0: &a0 [x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 60)]
    path = tmp_path / "chain.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    _assert_one_line(result, path, Row(None, ("nest deeper than 50",)))


@pytest.mark.usefixtures("tiny_configs")
def test_recursive_alias(runner, tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("name: &a [*a]\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    _assert_one_line(result, path, Row(None, ("refers to a value",)))


@pytest.mark.usefixtures("tiny_configs")
def test_honest_aliases_still_work(runner, tmp_path: Path) -> None:
    # An anchor reused for tags and a merge key: ordinary YAML.
    text = (HOSTILE / "households-true.yaml").read_text(encoding="utf-8")
    text = text.replace("households: true", "households: 400")
    text = text.replace("tags: [accessible]", "tags: &t [accessible]")
    text = text.replace("{id: R102, floor: 1, area: 40}", (
        "{id: R102, floor: 1, area: 40, tags: *t}"
    ))
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


# --------------------------------------------- in a subprocess, with timeout


#: Seconds a command may take once the package is imported. Generous on
#: a loaded machine, and still a failure instead of a stuck suite.
LIMIT = 10
#: Seconds the import itself may take (a busy shared machine is slow).
IMPORT_LIMIT = 120


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process; a hang fails after LIMIT seconds.

    The clock starts once the package is imported (the child says so on
    stderr), so a slow import on a busy machine does not count.
    """
    env = {
        **os.environ,
        resources.PROFILES_ENV: str(PROFILES),
        # The faults below are matched in English.
        LANG_ENV: "en",
    }
    code = (
        "import sys; from spaceplan.cli import main; "
        "print('ready', file=sys.stderr, flush=True); main()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
    ) as proc:
        assert proc.stderr is not None
        fd = proc.stderr.fileno()
        first = b""
        while not first.endswith(b"\n"):
            # Byte by byte: nothing after the line may sit in a buffer
            # that communicate() would not see.
            ready, _, _ = select.select([fd], [], [], IMPORT_LIMIT)
            assert ready, "the package did not import"
            byte = os.read(fd, 1)
            assert byte, "the child ended before it was ready"
            first += byte
        assert first == b"ready\n", first
        try:
            out, err = proc.communicate(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"{args} did not end in {LIMIT} s") from None
    return subprocess.CompletedProcess(
        args, proc.returncode, out.decode(), err.decode()
    )


def _assert_one_line_process(
    done: subprocess.CompletedProcess[str], path: Path, fault: str
) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert fault in lines[0], lines[0]


def _bomb(levels: int = 9) -> str:
    # Each level lists the one before ten times: 10**9 values at the top.
    lines = ['l0: &l0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"l{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    # The bomb sits in a room name, where the error formatter once
    # printed the whole expanded structure.
    text = (HOSTILE / "households-true.yaml").read_text(encoding="utf-8")
    text = _bomb() + text.replace("{id: R102,", "{name: *l9, id: R102,")
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    done = _run(["validate", str(path)], tmp_path)
    _assert_one_line_process(done, path, "expand to more than 100,000")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("role", ["scenario", "plan", "room list"])
def test_fifo_is_refused_at_once(role: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    scenario = tmp_path / "s.yaml"
    text = (HOSTILE / "households-true.yaml").read_text(encoding="utf-8")
    text = text.replace("households: true", "households: 400")
    if role == "room list":
        fifo = fifo.rename(tmp_path / "pipe.csv")
        text = text.split("building:")[0] + "building: {rooms: pipe.csv}\n"
    scenario.write_text(text, encoding="utf-8")
    args = {
        "scenario": ["validate", str(fifo)],
        "plan": ["check", str(scenario), str(fifo)],
        "room list": ["validate", str(scenario)],
    }[role]
    done = _run(args, tmp_path)
    _assert_one_line_process(done, fifo, "is not a regular file")


@pytest.mark.skipif(
    not Path("/dev/zero").exists(), reason="needs /dev/zero"
)
def test_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    done = _run(["validate", "/dev/zero"], tmp_path)
    _assert_one_line_process(
        done, Path("/dev/zero"), "is not a regular file"
    )


def test_too_large_a_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: no 21 MB written
    done = _run(["validate", str(path)], tmp_path)
    _assert_one_line_process(done, path, "is larger than 20 MB")


# ------------------------------------------------------------ the pieces


def test_shown_is_bounded() -> None:
    # A structure far too large to print whole is shown in 40 characters.
    big: list[object] = ["x" * 1000]
    for _ in range(30):
        big = [big] * 10
    assert len(shown(big)) <= 40
    assert shown(10**5000).startswith("<a ")


def test_room_validation_is_quiet() -> None:
    # Outlines near the coordinate bound make no numpy warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Room.model_validate(
            {
                "id": "R1",
                "floor": 1,
                "polygon": [[0, 0], [1e3, 0], [1e3, 1e3], [0, 1e3]],
            }
        )
