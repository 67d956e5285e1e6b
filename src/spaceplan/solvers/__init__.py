"""Solver backends behind one registry, and :func:`solve`.

Backends import lazily, so an optional one (HiGHS) costs nothing until
asked for. No ortools or highspy type leaves this package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

from spaceplan.data import Scenario
from spaceplan.errors import InputError, Msg
from spaceplan.solution import Result
from spaceplan.solvers.config import SolverConfig, load_config
from spaceplan.solvers.engine import (
    Backend,
    ProgressSink,
    SolverBugError,
    run,
)

T = TypeVar("T")

#: Backend name to "module:class".
REGISTRY: dict[str, str] = {
    "cpsat": "spaceplan.solvers.cpsat:CpsatBackend",
    "greedy": "spaceplan.solvers.greedy:GreedyBackend",
    "highs": "spaceplan.solvers.highs:HighsBackend",
}

__all__ = [
    "REGISTRY",
    "SolverBugError",
    "SolverConfig",
    "get_backend",
    "load_config",
    "solve",
]


def get_backend(name: str) -> Backend:
    """The backend registered as ``name``."""
    if name not in REGISTRY:
        raise InputError(
            None,
            "--solver",
            Msg("err.solver", name=name, known=", ".join(REGISTRY)),
        )
    module, cls = REGISTRY[name].split(":")
    backend: Backend = getattr(importlib.import_module(module), cls)()
    return backend


def solve(
    scenario: Scenario,
    solver: str = "cpsat",
    config: str | SolverConfig | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    candidates: int | None = None,
    min_difference: int | None = None,
    progress: ProgressSink | None = None,
    diagnose: Callable[[Scenario], dict[str, object]] | None = None,
) -> Result:
    """Find up to K distinct, checked candidate plans for ``scenario``.

    Options left as None come from the scenario's ``options`` and then
    from the preset (``solver_configs/cpsat/<config>.toml``).
    """
    opts = scenario.options
    preset = (
        config
        if isinstance(config, SolverConfig)
        else load_config(config or opts.config)
    )
    preset = preset.with_overrides(
        time_limit=_first(time_limit, opts.time_limit),
        seed=_first(seed, opts.seed),
        workers=_first(workers, opts.workers),
        candidates=_first(candidates, opts.candidates),
        min_difference=_first(min_difference, opts.min_difference),
    )
    return run(
        scenario,
        get_backend(solver),
        preset,
        progress=progress,
        on_infeasible=diagnose,
    )


def _first(*values: T | None) -> T | None:
    return next((v for v in values if v is not None), None)
