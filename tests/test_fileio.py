"""The guarded reader and the output folder that never mixes two runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from spaceplan import export
from spaceplan.errors import InputError
from spaceplan.export import output_folder, prepare_output_folder
from spaceplan.fileio import read_input


def _run(folder: Path, names: list[str], fail: bool = False) -> None:
    with output_folder(folder) as stage:
        for name in names:
            (stage / name).write_text(name, encoding="utf-8")
        if fail:
            raise RuntimeError("the solve failed")


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _scraps(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


def test_read_input_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"name: x\n")
    assert read_input(path) == b"name: x\n"


def test_read_input_caps_the_size(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="larger than"):
        read_input(path, max_bytes=100)


def test_a_new_folder_is_made_with_its_marker(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    _run(out, ["result.json", "plan-A.png"])
    assert _listing(out) == {"result.json", "plan-A.png"}
    assert _scraps(out.parent) == []


def test_a_second_run_replaces_the_first_whole(tmp_path: Path) -> None:
    # Three candidates, then one: plan-B and plan-C must not survive.
    out = tmp_path / "out"
    _run(out, ["result.json", "plan-A.png", "plan-B.png", "plan-C.png"])
    _run(out, ["result.json", "plan-A.png"])
    assert _listing(out) == {"result.json", "plan-A.png"}
    assert _scraps(tmp_path) == []


def test_without_an_atomic_exchange_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    _run(out, ["result.json", "plan-B.png"])
    _run(out, ["result.json"])
    assert _listing(out) == {"result.json"}
    assert _scraps(tmp_path) == []


def test_a_failed_run_leaves_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(out, ["result.json", "plan-A.png"])
    with pytest.raises(RuntimeError):
        _run(out, ["result.json"], fail=True)
    assert _listing(out) == {"result.json", "plan-A.png"}
    assert _scraps(tmp_path) == []


def test_scraps_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    # A process that has ended: its staging folder is a scrap.
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    scrap = tmp_path / f".out.run-{gone.pid}-abc"
    scrap.mkdir()
    live = tmp_path / f".out.run-{os.getppid()}-abc"  # a live process
    live.mkdir()
    _run(tmp_path / "out", ["result.json"])
    assert not scrap.exists()
    assert live.exists()


@pytest.mark.parametrize(
    ("make", "fault"),
    [
        # A file where the folder should be.
        (lambda p: p.write_text("x"), "is a file, not a folder"),
        # A folder of the user's own files: never swapped away.
        (
            lambda p: (p.mkdir(), (p / "thesis.docx").write_text("x")),
            "holds files spaceplan did not write",
        ),
    ],
)
def test_unusable_folders_are_refused(tmp_path: Path, make, fault) -> None:
    out = tmp_path / "out"
    make(out)
    with pytest.raises(InputError, match=fault):
        prepare_output_folder(out)


def test_a_folder_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="a part of the path is a file"):
        prepare_output_folder(tmp_path / "file" / "out")


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs /sys")
def test_a_folder_under_sys_is_refused() -> None:
    with pytest.raises(InputError, match="cannot be written"):
        prepare_output_folder("/sys/spaceplan-out")


def test_an_old_output_folder_may_be_replaced(tmp_path: Path) -> None:
    # An earlier output folder: recognised by its result.json.
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text("{}")
    (out / "plan-C.png").write_text("x")
    _run(out, ["result.json"])
    assert _listing(out) == {"result.json"}


def test_the_current_folder_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "result.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="is the current folder"):
        prepare_output_folder(".")
