"""Shared fixtures for the OSA tests: the tiny instance and the data set."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The package may not be installed in the test environment; the src
# layout is importable from the checkout either way.
_SRC = Path(__file__).resolve().parents[2] / "src"
if str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from spaceplan.osa.read import (  # noqa: E402
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
