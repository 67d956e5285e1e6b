"""Shared fixtures for the OSA tests: the tiny instance and the data set."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from spaceplan.osa.evaluate import evaluate
from spaceplan.osa.read import (
    DATA_ENV,
    Instance,
    find_instances,
    read_instance,
)

HERE = Path(__file__).parent
TINY = HERE / "data" / "tiny.txt"
# The shared data sits beside the repository: <root>/../shared/data/osa.
DATA = Path(
    os.environ.get(DATA_ENV)
    or Path(__file__).resolve().parents[3] / "shared" / "data" / "osa"
)


@pytest.fixture(scope="session")
def tiny() -> Instance:
    """The hand-made 4-entity, 4-room instance of ``data/tiny.txt``."""
    return read_instance(TINY)


@pytest.fixture(scope="session")
def osa_files() -> dict[str, Path]:
    """All OSA instance files; skips when the shared data is absent."""
    found = find_instances(DATA) if DATA.is_dir() else {}
    if len(found) != 77:
        pytest.skip(
            f"OSA data not found at {DATA} (set {DATA_ENV}); "
            f"found {len(found)} of 77 files."
        )
    return found


def _feasible_plans(
    inst: Instance, away_from: str = "floor"
) -> list[tuple[int, list[int]]]:
    found = []
    for rooms in itertools.product(
        range(inst.num_rooms), repeat=inst.num_entities
    ):
        check = evaluate(inst, list(rooms), away_from)  # type: ignore[arg-type]
        if check.feasible:
            found.append((check.objective, list(rooms)))
    # Stable: among equal objectives, enumeration order is kept.
    return sorted(found, key=lambda item: item[0])


@pytest.fixture(scope="session")
def feasible_plans() -> Callable[..., list[tuple[int, list[int]]]]:
    """Brute force for small instances: every hard-feasible plan.

    A function ``(instance, away_from="floor")`` returning
    ``(objective, rooms)`` pairs, best first (the tiny instance has 256
    plans), so that optima are known for certain.
    """
    return _feasible_plans
