"""The study runner: one CSV row per (instance, solver, config, seed).

Each combination is solved with :func:`spaceplan.solvers.solve` (one
candidate), its plan checked again with :func:`spaceplan.check.
check_solution`, and its row appended to ``<out>/<name>.csv``; the file is
rewritten atomically after every row, so an interrupted study keeps the
rows it finished. Large instances run in a child process of their own, so
that ``peak_rss_mb`` is the peak of that solve alone.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from spaceplan.bench.generate import SIZES, Week, generate
from spaceplan.check import check_solution
from spaceplan.fileio import write_text
from spaceplan.i18n import Lang, t
from spaceplan.provenance import provenance

try:
    import resource
except ImportError:  # Windows has no ``resource``: peak memory is unknown
    resource = None  # type: ignore[assignment]

#: Where Linux states a process's peak memory (``VmHWM``).
PROC_STATUS = "/proc/self/status"

#: Sizes solved in a child process, so their peak memory is their own.
ISOLATED_SIZES = frozenset({"L", "XL"})


@dataclass(frozen=True)
class Row:
    """One benchmark result: a CSV row."""

    instance: str
    size: str
    solver: str
    config: str
    seed: int
    git_sha: str
    ortools_version: str
    highs_version: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    time_to_best: float | None
    checker_passed: bool | None
    peak_rss_mb: float | None
    num_rooms: int
    num_functions: int


COLUMNS = tuple(f.name for f in fields(Row))


class _BestTime:
    """A progress sink that notes when the last incumbent arrived."""

    def __init__(self) -> None:
        self.best: float | None = None
        self.at: float | None = None

    def start(self, label: str, time_limit: float) -> None:
        """A solve begins."""

    def update(
        self, objective: float | None, bound: float | None, elapsed: float
    ) -> None:
        """Note an improving incumbent."""
        if objective is not None and objective != self.best:
            self.best = objective
            self.at = elapsed

    def stop(self) -> None:
        """The solve ended."""


def peak_rss_mb() -> float | None:
    """This process's peak resident memory so far, in MB.

    Linux's ``VmHWM`` when there is one: ``ru_maxrss`` survives ``exec``
    and would report the parent's size for a small child. None (unknown,
    an empty CSV cell) where neither exists, as on Windows.
    """
    try:
        with open(PROC_STATUS, encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    if resource is None:
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def run_one(
    size: str,
    seed: int,
    solver: str,
    config: str,
    time_limit: float,
    workers: int,
    week: Week = "v1",
) -> Row:
    """Generate one instance, solve it and measure the solve."""
    from spaceplan.solvers import solve

    scenario = generate(size, seed, week=week)
    sink = _BestTime()
    started = time.perf_counter()
    result = solve(
        scenario,
        solver=solver,
        config=config,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        candidates=1,
        progress=sink,
    )
    seconds = time.perf_counter() - started
    cand = result.candidates[0] if result.candidates else None
    objective = None if cand is None else cand.objective
    bound = None if cand is None else cand.bound
    gap = None
    if objective is not None and bound is not None:
        gap = round(max(0.0, bound - objective) / max(1.0, abs(bound)), 6)
    passed = None
    if cand is not None:
        passed = check_solution(scenario, cand.plan) == []
    source = provenance()
    return Row(
        instance=scenario.name,
        size=size,
        solver=solver,
        config=config,
        seed=seed,
        git_sha=source.git_sha,
        ortools_version=source.ortools,
        highs_version=source.highspy,
        status=result.status,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=round(seconds, 3),
        time_to_best=None if sink.at is None else round(sink.at, 3),
        checker_passed=passed,
        peak_rss_mb=peak_rss_mb(),
        num_rooms=len(scenario.host_rooms),
        num_functions=len(scenario.functions),
    )


def run_isolated(
    size: str,
    seed: int,
    solver: str,
    config: str,
    time_limit: float,
    workers: int,
    week: Week = "v1",
) -> Row:
    """:func:`run_one` in a child process (its own peak memory)."""
    args = json.dumps(
        [size, seed, solver, config, time_limit, workers, week]
    )
    done = subprocess.run(
        [sys.executable, "-m", "spaceplan.bench.run", args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(
            f"benchmark child failed ({size}, {solver}, seed {seed}): "
            + (lines[-1] if lines else "no message")
        )
    return Row(**json.loads(done.stdout.strip().splitlines()[-1]))


def to_csv(rows: Iterable[Row]) -> str:
    """Rows as CSV text with a header (empty cells for None)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        data = asdict(row)
        for key, value in data.items():
            if value is None:
                data[key] = ""
            elif isinstance(value, bool):
                data[key] = "true" if value else "false"
        writer.writerow(data)
    return buf.getvalue()


def run_study(
    sizes: Sequence[str],
    solvers: Sequence[str],
    configs: Sequence[str],
    seeds: Sequence[int],
    time_limit: float,
    workers: int,
    out: Path,
    on_row: Callable[[Row], None] | None = None,
    isolate: Iterable[str] = ISOLATED_SIZES,
    weeks: Sequence[Week] = ("v1",),
) -> list[Row]:
    """Run every combination; write ``out`` after each row.

    Parameters
    ----------
    sizes, solvers, configs, seeds
        The combinations (all of each with all of the others).
    time_limit : float
        Seconds per solve.
    workers : int
        Threads per solve (CP-SAT workers, HiGHS threads).
    out : Path
        The CSV file, rewritten atomically after every row.
    on_row : callable, optional
        Called with each finished row (for progress output).
    isolate : iterable of str
        Sizes solved in a child process.
    weeks : sequence of {"v1", "fixed", "sessions"}
        The weeks of each instance (see
        :data:`spaceplan.bench.generate.Week`), measured in one run so
        that their times can be compared as ratios.

    Returns
    -------
    list of Row
        The rows, in run order.
    """
    for size in sizes:
        if size not in SIZES:
            raise ValueError(
                f"unknown size '{size}'; the sizes are {', '.join(SIZES)}."
            )
    isolated = set(isolate)
    rows: list[Row] = []
    for size in sizes:
        for seed in seeds:
            for config in configs:
                for week in weeks:
                    for solver in solvers:
                        fn = run_isolated if size in isolated else run_one
                        row = fn(
                            size, seed, solver, config, time_limit,
                            workers, week,
                        )
                        rows.append(row)
                        write_text(out, to_csv(rows))
                        if on_row is not None:
                            on_row(row)
    return rows


def status_word(status: str, lang: Lang = "en") -> str:
    """A solve status in words (最优, 可行 …); one the catalogue lacks (a
    failed or killed run) as it is."""
    key = f"status.{status}"
    word = t(key, lang)
    return status if word == key else word


def week_ratios(rows: Sequence[Row], lang: Lang = "en") -> list[str]:
    """Per size and solver: seconds with booked sessions / fixed times.

    Both instances come from one run, so the ratio is the figure (a
    time alone depends on the machine).
    """
    by_key = {
        (r.instance.removesuffix("-sessions"), r.config, r.solver): r
        for r in rows
        if r.instance.endswith("-sessions")
    }
    lines = []
    for r in rows:
        if not r.instance.endswith("-fixed"):
            continue
        key = (r.instance.removesuffix("-fixed"), r.config, r.solver)
        booked = by_key.get(key)
        if booked is None:
            continue
        ratio = booked.seconds / max(r.seconds, 1e-3)
        lines.append(
            t(
                "bench.weeks",
                lang,
                instance=key[0],
                solver=r.solver,
                booked_status=status_word(booked.status, lang),
                booked=f"{booked.seconds:.2f}",
                status=status_word(r.status, lang),
                s=f"{r.seconds:.2f}",
                ratio=f"{ratio:.1f}",
            )
        )
    return lines


def _child(argv: Sequence[str]) -> None:
    size, seed, solver, config, time_limit, workers, week = json.loads(
        argv[0]
    )
    row = run_one(size, seed, solver, config, time_limit, workers, week)
    print(json.dumps(asdict(row)))


if __name__ == "__main__":
    _child(sys.argv[1:])
