"""spaceplan: plan community comprehensive service facilities.

The public API::

    import spaceplan

    scenario = spaceplan.read_scenario("scenario.yaml")
    result = spaceplan.solve(scenario, candidates=3, time_limit=10, seed=0)
    for cand in result.candidates:
        assert spaceplan.check_solution(scenario, cand.plan) == []

Names are imported on first use (module ``__getattr__``), so that
``import spaceplan`` and ``spaceplan --help`` stay fast: the solver
(ortools) loads only when ``solve`` is first asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each public name and the module that defines it.
_WHERE = {
    # reading and profiles
    "read_scenario": "spaceplan.read",
    "read_plan": "spaceplan.read",
    "load_policy": "spaceplan.policies",
    "policy_ids": "spaceplan.policies",
    "InputError": "spaceplan.errors",
    # the data model
    "Scenario": "spaceplan.data",
    "Policy": "spaceplan.data",
    "Building": "spaceplan.data",
    "Room": "spaceplan.data",
    "Function": "spaceplan.data",
    "Community": "spaceplan.data",
    # solving
    "solve": "spaceplan.solvers",
    "SolverConfig": "spaceplan.solvers.config",
    "load_config": "spaceplan.solvers.config",
    "Plan": "spaceplan.solution",
    "Result": "spaceplan.solution",
    "Candidate": "spaceplan.solution",
    "Metrics": "spaceplan.solution",
    # checking
    "check_solution": "spaceplan.check",
    "audit": "spaceplan.check",
    "Violation": "spaceplan.check",
}

__all__ = [
    "Building",
    "Candidate",
    "Community",
    "Function",
    "InputError",
    "Metrics",
    "Plan",
    "Policy",
    "Result",
    "Room",
    "Scenario",
    "SolverConfig",
    "Violation",
    "__version__",
    "audit",
    "check_solution",
    "load_config",
    "load_policy",
    "policy_ids",
    "read_plan",
    "read_scenario",
    "solve",
]

if TYPE_CHECKING:
    from spaceplan.check import Violation, audit, check_solution
    from spaceplan.data import (
        Building,
        Community,
        Function,
        Policy,
        Room,
        Scenario,
    )
    from spaceplan.errors import InputError
    from spaceplan.policies import load_policy, policy_ids
    from spaceplan.read import read_plan, read_scenario
    from spaceplan.solution import Candidate, Metrics, Plan, Result
    from spaceplan.solvers import solve
    from spaceplan.solvers.config import SolverConfig, load_config


def __getattr__(name: str) -> Any:
    # A lazy import for start-up speed: the module is loaded when one of
    # its names is first asked for, then the name is kept here.
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(
            f"module 'spaceplan' has no attribute '{name}'"
        ) from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
