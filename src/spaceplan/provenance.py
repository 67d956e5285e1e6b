"""Where a recorded result came from: the commit and the versions.

Benchmark rows and sweep throughput tables carry it, so a number can be
traced to the code and the solvers that produced it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from spaceplan import __version__


@dataclass(frozen=True)
class Provenance:
    """The commit and package versions of this process.

    Attributes
    ----------
    git_sha : str
        The checkout's commit (12 hex digits), ``"unknown"`` outside a
        git checkout (an installed wheel).
    spaceplan, ortools, highspy : str
        Package versions; ``""`` for one that is not installed.
    """

    git_sha: str
    spaceplan: str
    ortools: str
    highspy: str


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return ""


def _git_sha() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@cache
def provenance() -> Provenance:
    """The commit and versions, read once per process."""
    return Provenance(
        git_sha=_git_sha(),
        spaceplan=__version__,
        ortools=_version("ortools"),
        highspy=_version("highspy"),
    )
