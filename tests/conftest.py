"""Shared fixtures: paths to the tiny test data and scenario builders.

The builders make :class:`~spaceplan.data.Scenario` objects directly, so a
feature test states its whole instance in a few lines. They are fixtures
(not imported names) so that this conftest never clashes with another
test folder's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from spaceplan import resources
from spaceplan.data import (
    Accounting,
    AreaTarget,
    Building,
    Community,
    Function,
    Policy,
    Room,
    Scenario,
)

DATA = Path(__file__).parent / "data"


def build_function(
    fid: str,
    min_area: float = 10,
    category: str = "resident",
    **fields: Any,
) -> Function:
    """A function with a made-up name; ``fields`` override the rest."""
    data: dict[str, Any] = {
        "id": fid,
        "name": fields.pop("name", fid),
        "name_en": fields.pop("name_en", fid.replace("_", " ")),
        "category": category,
        "min_area": min_area,
    }
    data.update(fields)
    return Function.model_validate(data)


def build_room(
    rid: str,
    area: float,
    floor: int = 1,
    kind: str = "room",
    tags: Sequence[str] = (),
) -> Room:
    """A room without a polygon."""
    return Room.model_validate(
        {
            "id": rid,
            "area": area,
            "floor": floor,
            "kind": kind,
            "tags": list(tags),
        }
    )


def build_scenario(
    functions: Sequence[Function],
    rooms: Sequence[Room],
    *,
    households: int = 100,
    minimum: float | None = None,
    per_100: float | None = None,
    share: float | None = None,
    circulation: str = "exclude",
    shared_rooms: str = "strict",
    slots: Sequence[str] = ("day", "eve"),
) -> Scenario:
    """A resolved scenario: no area target or share rule unless given."""
    policy = Policy(
        id="test",
        title="测试",
        source="tests",
        area_target=AreaTarget(
            minimum=minimum, per_100_households=per_100, source="test area"
        ),
        resident_share_min=share,
        resident_share_source="test share",
        accounting=Accounting.model_validate(
            {"circulation": circulation, "shared_rooms": shared_rooms}
        ),
        slots=tuple(slots),
        functions=tuple(functions),
    )
    return Scenario(
        name="test",
        policy=policy,
        community=Community(households=households, area_type="urban_built"),
        building=Building(rooms=tuple(rooms)),
        functions=tuple(functions),
    )


@pytest.fixture
def make_function() -> Callable[..., Function]:
    """The :func:`build_function` factory."""
    return build_function


@pytest.fixture
def make_room() -> Callable[..., Room]:
    """The :func:`build_room` factory."""
    return build_room


@pytest.fixture
def make_scenario() -> Callable[..., Scenario]:
    """The :func:`build_scenario` factory."""
    return build_scenario


@pytest.fixture
def data_dir() -> Path:
    """``tests/data``."""
    return DATA


@pytest.fixture
def tiny_configs(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Add ``tests/data/configs/policies`` (profile ``tiny``) as a user
    profile folder, through ``$SPACEPLAN_PROFILES``."""
    folder = DATA / "configs" / "policies"
    monkeypatch.setenv(resources.PROFILES_ENV, str(folder))
    return folder


@pytest.fixture
def tiny_dir(tiny_configs: Path) -> Path:
    """The tiny scenario: ``tests/data/tiny`` (profile ``tiny`` by id)."""
    return DATA / "tiny"


@pytest.fixture
def runner() -> CliRunner:
    """A click runner with a wide terminal, so table cells do not wrap."""
    return CliRunner(env={"COLUMNS": "200"})
