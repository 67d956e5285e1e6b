"""What-if sweeps: one scenario solved over a grid of parameters.

``--vary households=2000:8000:500 --vary policy=a,b`` gives every
combination; each is one *run*, keyed by a run id (a hash of its
parameters). Runs go to a process pool (spawn) or a Dask cluster as plain
dicts and come back as rows, which are appended to ``runs.csv`` one at a
time (flush + fsync), so an interrupted sweep started again with the same
command skips the runs already written and loses or repeats nothing.

Every run uses a deterministic budget (``max_deterministic_time``, a fixed
seed, one CP-SAT worker by default), so the same run gives the same row
on any machine, on the pool or on Dask.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spaceplan.sweep.analysis import SOLVED, largest_served, profile_of
from spaceplan.sweep.grid import (
    VARY_NAMES,
    VARY_OPTIONS,
    SweepSettings,
    Vary,
    parse_varies,
    parse_vary,
    plan_tasks,
    run_id,
)
from spaceplan.sweep.pools import (
    cpu_cores,
    dask_client,
    default_processes,
    process_pool,
)
from spaceplan.sweep.run import build_scenario, run_task
from spaceplan.sweep.store import (
    RESULT_COLUMNS,
    RUNS_FILE,
    RunsFile,
    columns,
    read_runs,
)

__all__ = [
    "RESULT_COLUMNS",
    "RUNS_FILE",
    "SOLVED",
    "VARY_NAMES",
    "VARY_OPTIONS",
    "RunsFile",
    "SweepOutcome",
    "SweepSettings",
    "Vary",
    "build_scenario",
    "columns",
    "cpu_cores",
    "dask_client",
    "default_processes",
    "largest_served",
    "parse_varies",
    "parse_vary",
    "plan_tasks",
    "process_pool",
    "profile_of",
    "read_runs",
    "run_id",
    "run_sweep",
    "run_task",
]


@dataclass
class SweepOutcome:
    """What :func:`run_sweep` did."""

    path: Path
    rows: list[dict[str, str]]
    ran: int
    skipped: int
    seconds: float
    varies: list[Vary] = field(default_factory=list)


def run_sweep(
    scenario_path: str | Path,
    varies: Sequence[Vary],
    outdir: str | Path,
    settings: SweepSettings | None = None,
    processes: int | None = None,
    scheduler: str | None = None,
    on_row: Callable[[dict[str, Any], int, int], None] | None = None,
    encoding: str | None = None,
) -> SweepOutcome:
    """Run every combination not yet in ``OUTDIR/runs.csv``.

    Parameters
    ----------
    scenario_path : str or Path
        The base scenario file.
    varies : sequence of Vary
        The varied parameters.
    outdir : str or Path
        Output folder (``runs.csv`` is resumed if present).
    settings : SweepSettings or None
        Budget, seed, workers per run.
    processes : int or None
        Pool size; None fills the cores (cores // workers per run).
    scheduler : str or None
        ``tcp://HOST:PORT`` or ``local:N`` to run on Dask instead.
    on_row : callable or None
        Called with each finished row, the count done and the total.
    encoding : str or None
        Text encoding of the CSV room lists (None detects it).

    Returns
    -------
    SweepOutcome
        The rows of this sweep (old and new) in grid order.
    """
    started = time.perf_counter()
    settings = settings or SweepSettings()
    tasks = plan_tasks(scenario_path, varies, settings, encoding)
    path = Path(outdir) / RUNS_FILE
    runs = RunsFile(path, columns(varies))
    try:
        todo = [t for t in tasks if t["run_id"] not in runs.done]
        skipped = len(tasks) - len(todo)
        if todo:
            if scheduler:
                executor = dask_client(scheduler)
            else:
                n = processes or default_processes(settings.workers_per_run)
                executor = process_pool(max(1, min(n, len(todo))))
            with executor as (submit, completed):
                futures = [submit(t) for t in todo]
                done = skipped
                for future in completed(futures):
                    row = future.result()
                    runs.append(row)
                    done += 1
                    if on_row is not None:
                        on_row(row, done, len(tasks))
    finally:
        runs.close()
    order = {t["run_id"]: i for i, t in enumerate(tasks)}
    rows = sorted(
        (r for r in runs.done.values() if r["run_id"] in order),
        key=lambda r: order[r["run_id"]],
    )
    return SweepOutcome(
        path,
        rows,
        len(todo),
        skipped,
        time.perf_counter() - started,
        list(varies),
    )
