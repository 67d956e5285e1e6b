"""The public API (``import spaceplan``) and the package's data files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import spaceplan
from spaceplan import resources
from spaceplan.cli import main
from spaceplan.errors import InputError
from spaceplan.policies import load_policy, policy_ids


@pytest.mark.parametrize("name", spaceplan.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(spaceplan, name) is not None


def test_public_names_are_the_listed_ones() -> None:
    # Each lazily resolved name is in __all__ and the other way round.
    assert sorted(spaceplan.__all__) == sorted(
        ["__version__", *spaceplan._WHERE]
    )
    assert set(spaceplan.__all__) <= set(dir(spaceplan))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'solv'"):
        _ = spaceplan.solv  # type: ignore[attr-defined]


def test_import_spaceplan_loads_no_solver() -> None:
    # ortools loads only when solve is first asked for. A fresh
    # interpreter, since this test process has loaded it already.
    code = (
        "import sys, spaceplan; "
        "print(sorted(m for m in ('ortools', 'matplotlib', 'shapely') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip() == "[]"


def test_the_api_solves_and_checks_an_example() -> None:
    # The README's example, on the smallest bundled building.
    path = resources.on_disk(resources.examples()) / "csv-rooms"
    scenario = spaceplan.read_scenario(path / "scenario.yaml")
    result = spaceplan.solve(
        scenario, candidates=1, time_limit=20, seed=0, workers=1
    )
    assert result.candidates
    for cand in result.candidates:
        assert spaceplan.check_solution(scenario, cand.plan) == []


# ---------------------------------------------------------------- resources


def test_the_package_data_is_there() -> None:
    assert (resources.profiles() / "_base-community.yaml").is_file()
    assert (resources.presets() / "default.toml").is_file()
    assert resources.repairs().is_file()
    examples = resources.on_disk(resources.examples())
    assert (examples / "office-renovation" / "scenario.yaml").is_file()
    assert "complete-community-2022" in policy_ids()


def test_user_profiles_come_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Two user folders: the first has a profile of its own that extends
    # a bundled base, the second one with a bundled id, which takes the
    # bundled profile's place.
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    bundled = resources.on_disk(resources.profiles())
    own = (bundled / "chengdu-2017.yaml").read_text(encoding="utf-8")
    (first / "mine.yaml").write_text(
        own.replace("id: chengdu-2017", "id: mine"), encoding="utf-8"
    )
    (second / "chengdu.yaml").write_text(
        own.replace("title:", "title: USER", 1), encoding="utf-8"
    )
    monkeypatch.setenv(
        resources.PROFILES_ENV, f"{first}{os.pathsep}{second}"
    )
    ids = policy_ids()
    assert ids[0] == "mine"
    assert ids.count("chengdu-2017") == 1
    assert load_policy("mine").id == "mine"
    assert load_policy("chengdu-2017").title.startswith("USER")


def test_a_missing_user_folder_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(resources.PROFILES_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="SPACEPLAN_PROFILES: no folder"):
        policy_ids()


def test_policies_without_any_profile_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, runner
) -> None:
    # A broken install: the bundled folder is empty and no user folder
    # is set. Today's empty table with exit 0 becomes a clear error.
    monkeypatch.delenv(resources.PROFILES_ENV, raising=False)
    monkeypatch.setattr(resources, "profiles", lambda: tmp_path)
    result = runner.invoke(main, ["policies", "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "no profile found" in result.stderr
    assert resources.PROFILES_ENV in result.stderr
