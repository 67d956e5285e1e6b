"""One run of a sweep: a task in, a row of ``runs.csv`` out.

Every run uses a deterministic budget (``max_deterministic_time``, a fixed
seed, one CP-SAT worker by default), so the same run gives the same row
on any machine, on the pool or on Dask.
"""

from __future__ import annotations

import copy
import os
import time
import traceback
from typing import Any

from spaceplan import rules
from spaceplan.data import Policy, ScenarioFile
from spaceplan.read import resolve
from spaceplan.sweep.analysis import first_conflict, tightest


def build_scenario(task: dict[str, Any]) -> Any:
    """The resolved scenario of a task (its parameters applied)."""
    raw = copy.deepcopy(task["scenario"])
    params = task["params"]
    policy_ref = params.get("policy", "")
    policy = Policy.model_validate(task["policies"][policy_ref])
    raw["policy"] = policy.id
    for key in ("households", "population"):
        if key in params:
            raw["community"][key] = params[key]
    if "rooms" in params:
        # Adjacency names rooms of the base list: it lapses with it.
        raw["building"] = {"rooms": task["rooms"][params["rooms"]]}
    options = raw.setdefault("options", {})
    for key, value in params.items():
        if key.startswith("option."):
            options[key.removeprefix("option.")] = value
    spec = ScenarioFile.model_validate(raw)
    return resolve(spec, policy, source=None)


#: Deterministic budget of a run when neither the sweep nor the scenario
#: gives one.
DEFAULT_BUDGET = 5.0


def _setting(
    task: dict[str, Any], key: str, scenario: Any, default: float
) -> Any:
    """A run's setting: varied, else the sweep's, else the scenario's.

    A varied ``option.KEY`` is this run's own value; the sweep's setting
    (its command line) wins over the scenario's options, as on ``solve``.
    """
    params, settings = task["params"], task["settings"]
    if f"option.{key}" in params:
        return params[f"option.{key}"]
    if settings.get(key) is not None:
        return settings[key]
    value = getattr(scenario.options, key)
    return default if value is None else value


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Solve one run; return its row (never raises).

    A plain dict in, a plain dict out: safe for any executor. The keyword
    names of Dask's ``submit`` (workers, resources, ...) never reach it.
    """
    started = time.perf_counter()
    row: dict[str, Any] = {"run_id": task["run_id"], **task["params"]}
    try:
        row.update(_solve_row(task))
    except Exception as exc:  # one bad run must not end the sweep
        message = str(exc).splitlines()[0] if str(exc) else ""
        row.update(
            status="error",
            error=f"{type(exc).__name__}: {message}"[:300],
        )
        if os.environ.get("SPACEPLAN_SWEEP_TRACE"):
            traceback.print_exc()
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _solve_row(task: dict[str, Any]) -> dict[str, Any]:
    # Lazy, for start-up speed: ortools loads when a run solves, not
    # when the CLI starts.
    from spaceplan.solvers import solve
    from spaceplan.solvers.config import SolverConfig

    settings = task["settings"]
    scenario = build_scenario(task)
    budget = float(_setting(task, "time_limit", scenario, DEFAULT_BUDGET))
    seed = int(_setting(task, "seed", scenario, 0))
    config = SolverConfig(
        name="sweep",
        candidates=1,
        params={"max_deterministic_time": budget},
    )
    result = solve(
        scenario,
        config=config,
        time_limit=10 * budget + 10,
        seed=seed,
        workers=int(settings["workers_per_run"]),
        candidates=1,
    )
    target = rules.area_target(scenario.policy, scenario.community)
    row: dict[str, Any] = {
        "status": result.status,
        "target_area": target.m2,
        "binding_rule": "",
    }
    if result.candidates:
        cand = result.candidates[0]
        m = cand.metrics
        row.update(
            facility_area=m.facility_area,
            resident_area=m.resident_area,
            resident_share=m.resident_share,
            area_margin=round(m.facility_area - m.target_area, 2),
            office_area=m.office_area,
            objective=cand.objective,
            binding_rule=tightest(cand.checks),
        )
    elif result.status == "infeasible" and settings["diagnose"]:
        row["binding_rule"] = first_conflict(scenario, seed, budget)
    return row
