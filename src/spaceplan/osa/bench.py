"""Run solvers over OSA instances and record checked results.

Every plan a solver returns is re-scored by :func:`evaluate`; the CSV
holds both numbers, so a mismatch cannot hide.  Files are written
atomically (:mod:`spaceplan.fileio`), so a killed run never leaves a
half-written file.  Back-ends are picked by name from :data:`SOLVERS`.
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from spaceplan.errors import InputError, Msg
from spaceplan.fileio import write_text
from spaceplan.osa.evaluate import AwayFrom, evaluate
from spaceplan.osa.read import (
    DATA_ENV,
    DEFAULT_DATA,
    Instance,
    OsaReadError,
    find_instances,
    format_centi,
    read_instance,
)
from spaceplan.osa.solvers.greedy import solve_greedy
from spaceplan.osa.solvers.result import OsaResult
from spaceplan.provenance import provenance

__all__ = [
    "REFERENCE",
    "SOLVERS",
    "BenchRow",
    "resolve_data",
    "resolve_instances",
    "run_bench",
    "solve_one",
    "write_solution",
]

#: Annealing seconds (at most) that seed the pattern bound's master.
_PATTERN_SEED_SECONDS = 5.0

#: A back-end as the bench calls it: ``(instance, time_limit, seed,
#: workers, away_from) -> OsaResult``.
Backend = Callable[[Instance, float, int, int, AwayFrom], OsaResult]


# The CP-SAT and HiGHS back-ends import their solver when first called,
# not when the bench is imported (start-up speed): ortools and highspy take
# most of a second to load, and the CLI imports this module to build its
# options.
def _cpsat(
    instance: Instance, time_limit: float, seed: int, workers: int,
    away_from: AwayFrom,
) -> OsaResult:
    from spaceplan.osa.solvers.portfolio import solve_portfolio

    return solve_portfolio(
        instance, time_limit, seed, workers, away_from=away_from
    )


def _highs(
    instance: Instance, time_limit: float, seed: int, workers: int,
    away_from: AwayFrom,
) -> OsaResult:
    from spaceplan.osa.solvers.highs import solve_highs

    return solve_highs(
        instance, time_limit, seed, workers, away_from=away_from
    )


def _greedy(
    instance: Instance, time_limit: float, seed: int, workers: int,
    away_from: AwayFrom,
) -> OsaResult:
    return solve_greedy(
        instance, seed, away_from, time_limit=min(time_limit, 10.0)
    )


#: The back-ends by name (``cpsat`` is the portfolio of
#: :mod:`spaceplan.osa.solvers.portfolio`, led by CP-SAT).
SOLVERS: dict[str, Backend] = {
    "cpsat": _cpsat,
    "highs": _highs,
    "greedy": _greedy,
}

#: Reference values per instance: the best objective known before this
#: project ("opt" when proven optimal) and the best proven lower bound.
REFERENCE: dict[str, tuple[str, str]] = {
    "nott1": ("335.80", "253.87 (HiGHS)"),
    "nott1b": ("221.95", "117.48 (HiGHS)"),
    "nott1c": ("304.55 opt", "304.55"),
    "nott1d": ("201.55 opt", "201.55"),
    "nott1e": ("177.70 opt", "177.70"),
    "s000_v000": ("0.00 opt", "0"),
    "p000_n000": ("66.50", "40.37"),
    "p025_n005": ("128.80", "117.63"),
}


@dataclass(frozen=True)
class BenchRow:
    """One CSV row: one solver on one instance."""

    instance: str
    solver: str
    status: str
    objective: str
    evaluated: str
    hard_violations: int
    bound: str
    gap_pct: str
    seconds: float
    seed: int
    workers: int
    time_limit: float
    away_from: str
    git_sha: str
    ortools: str
    reference: str
    reference_bound: str


def resolve_data(data: str | os.PathLike[str] | None) -> Path:
    """The OSA data folder: the option, else the env var, else default.

    Parameters
    ----------
    data
        The ``--data`` value, or None.

    Returns
    -------
    Path
        The folder, resolved against the current directory.
    """
    if data is None:
        data = os.environ.get(DATA_ENV) or DEFAULT_DATA
    return Path(data).resolve()


def resolve_instances(
    names: Sequence[str], data: Path
) -> list[Path]:
    """Turn instance names or paths into files; all of them when empty.

    Parameters
    ----------
    names
        Names such as ``nott1d`` or paths to instance files.
    data
        The data folder, for names.

    Returns
    -------
    list of Path
        The instance files, in the order given.

    Raises
    ------
    OsaReadError
        For an unknown name or a missing file.
    """
    known = find_instances(data) if data.is_dir() else {}
    if not names:
        if not known:
            raise OsaReadError(data, Msg("err.osa.none"))
        return list(known.values())
    paths = []
    for name in names:
        if name in known:
            paths.append(known[name])
        elif Path(name).is_file():
            paths.append(Path(name))
        else:
            key = "err.osa.unknown" if known else "err.osa.unknown_empty"
            raise OsaReadError(None, Msg(key, name=name, folder=data))
    return paths


def write_solution(path: Path, rooms: Sequence[int]) -> None:
    """Write ``entity_id room_id`` lines, atomically."""
    write_text(
        path, "".join(f"{e} {r}\n" for e, r in enumerate(rooms))
    )


def solve_one(
    instance: Instance,
    solver: str,
    time_limit: float,
    seed: int,
    workers: int,
    away_from: AwayFrom = "floor",
) -> OsaResult:
    """Run one back-end, picked by name from :data:`SOLVERS`.

    Parameters
    ----------
    instance
        The instance.
    solver
        One of :data:`SOLVERS`.
    time_limit, seed, workers
        Budget, seed and threads/workers.
    away_from
        Reading of AWAYFROM rules.

    Returns
    -------
    OsaResult
        The back-end's result.
    """
    if solver not in SOLVERS:
        raise InputError(
            None,
            None,
            Msg("err.solver", name=solver, known=", ".join(SOLVERS)),
        )
    return SOLVERS[solver](instance, time_limit, seed, workers, away_from)


def _run_log(result: OsaResult) -> str:
    """A solve's log lines, its improving plans and its outcome."""
    lines = list(result.log)
    if result.trace:
        lines.append("improving plans (seconds objective):")
        lines += [f"{t:.2f} {format_centi(v)}" for t, v in result.trace]
    value = "-" if result.objective is None else format_centi(result.objective)
    bound = "-" if result.bound is None else format_centi(result.bound)
    lines.append(
        f"result: {result.status.value} objective {value} bound {bound} "
        f"in {result.seconds:.2f}s"
    )
    return "\n".join(lines) + "\n"


def _gap(objective: int | None, bound: int | None) -> str:
    if objective is None or bound is None:
        return ""
    if objective == 0:
        return "0.00" if bound >= 0 else ""
    return f"{100 * (objective - bound) / abs(objective):.2f}"


def run_bench(
    paths: Iterable[Path],
    solvers: Sequence[str],
    outdir: Path,
    time_limit: float,
    seed: int,
    workers: int,
    away_from: AwayFrom = "floor",
    on_row: Callable[[BenchRow], None] | None = None,
    pattern_seconds: float = 0.0,
) -> list[BenchRow]:
    """Solve, check and record each instance with each solver.

    Writes ``<instance>.sol`` (the best checked plan over the solvers),
    ``<instance>.<solver>.sol`` when several solvers run,
    ``<instance>.<solver>.log`` (the solver's phase log and the times of
    its improving plans), ``results.csv`` and ``results.md`` in
    ``outdir``; CSV and Markdown are rewritten after
    every instance so an interrupted run keeps what it finished.

    Parameters
    ----------
    paths
        Instance files.
    solvers
        Back-end names.
    outdir
        Output folder (created).
    time_limit, seed, workers
        Per solver and instance.
    away_from
        Reading of AWAYFROM rules.
    on_row
        Called with each row as soon as it is known (for printing).
    pattern_seconds
        When positive, also compute the per-room pattern bound
        (:mod:`spaceplan.osa.solvers.pattern`) for this long per
        instance, seeded with the best plan; it gets a row of its own,
        solver ``pattern``, with a bound and no plan.

    Returns
    -------
    list of BenchRow
        All rows.
    """
    rows: list[BenchRow] = []
    traces: dict[tuple[str, str], tuple[tuple[float, int], ...]] = {}
    source = provenance()
    sha, ortools = source.git_sha, source.ortools
    for path in paths:
        instance = read_instance(path)
        best: tuple[int, list[int]] | None = None
        for solver in solvers:
            result = solve_one(
                instance, solver, time_limit, seed, workers, away_from
            )
            evaluated = ""
            hard = 0
            if result.rooms is not None:
                check = evaluate(instance, result.rooms, away_from)
                evaluated = format_centi(check.objective)
                hard = len(check.hard_violations)
                if len(solvers) > 1:
                    write_solution(
                        outdir / f"{instance.name}.{solver}.sol", result.rooms
                    )
                if hard == 0 and (best is None or check.objective < best[0]):
                    best = (check.objective, result.rooms)
            row = BenchRow(
                instance=instance.name,
                solver=solver,
                status=result.status.value,
                objective=(
                    "" if result.objective is None
                    else format_centi(result.objective)
                ),
                evaluated=evaluated,
                hard_violations=hard,
                bound="" if result.bound is None else format_centi(
                    result.bound
                ),
                gap_pct=_gap(result.objective, result.bound),
                seconds=round(result.seconds, 2),
                **_run_fields(
                    instance.name, seed, workers, time_limit, away_from,
                    sha, ortools,
                ),
            )
            rows.append(row)
            traces[instance.name, solver] = result.trace
            write_text(
                outdir / f"{instance.name}.{solver}.log", _run_log(result)
            )
            if on_row is not None:
                on_row(row)
        if pattern_seconds > 0:
            row = _pattern_row(
                instance, best, pattern_seconds, seed, away_from, sha, ortools
            )
            rows.append(row)
            if on_row is not None:
                on_row(row)
        if best is not None:
            write_solution(outdir / f"{instance.name}.sol", best[1])
        _write_tables(outdir, rows, traces)
    return rows


def _pattern_row(
    instance: Instance,
    best: tuple[int, list[int]] | None,
    seconds: float,
    seed: int,
    away_from: AwayFrom,
    sha: str,
    ortools: str,
) -> BenchRow:
    """Run the pattern bound and describe it as a bench row."""
    # Imported here for start-up speed (highspy), like the back-ends.
    from spaceplan.osa.solvers.pattern import pattern_bound, seed_plans

    start = time.perf_counter()
    plans = seed_plans(
        instance,
        [best[1]] if best is not None else [],
        min(_PATTERN_SEED_SECONDS, 0.1 * seconds),
        seed,
        away_from,
    )
    result = pattern_bound(
        instance,
        plans,
        max(0.1, seconds - (time.perf_counter() - start)),
        away_from,
    )
    if result.bound is None:
        status = "unknown"
    else:
        status = "converged" if result.converged else "stopped"
    return BenchRow(
        instance=instance.name,
        solver="pattern",
        status=status,
        objective="",
        evaluated="",
        hard_violations=0,
        bound="" if result.bound is None else format_centi(result.bound),
        gap_pct=_gap(best[0] if best else None, result.bound),
        seconds=round(time.perf_counter() - start, 2),
        **_run_fields(
            instance.name, seed, 1, seconds, away_from, sha, ortools
        ),
    )


def _run_fields(
    name: str,
    seed: int,
    workers: int,
    time_limit: float,
    away_from: AwayFrom,
    sha: str,
    ortools: str,
) -> dict[str, Any]:
    """The BenchRow fields that describe the run, not its outcome."""
    ref = REFERENCE.get(name, ("", ""))
    return {
        "seed": seed,
        "workers": workers,
        "time_limit": time_limit,
        "away_from": away_from,
        "git_sha": sha,
        "ortools": ortools,
        "reference": ref[0],
        "reference_bound": ref[1],
    }


def _write_tables(
    outdir: Path,
    rows: Sequence[BenchRow],
    traces: dict[tuple[str, str], tuple[tuple[float, int], ...]],
) -> None:
    buffer = io.StringIO()
    fields = list(BenchRow.__dataclass_fields__)
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    write_text(outdir / "results.csv", buffer.getvalue())
    write_text(outdir / "results.md", markdown(rows, traces))


def _time_to(trace: Sequence[tuple[float, int]], target: int) -> float | None:
    return next((t for t, value in trace if value <= target), None)


def markdown(
    rows: Sequence[BenchRow],
    traces: dict[tuple[str, str], tuple[tuple[float, int], ...]] | None = None,
) -> str:
    """Markdown tables: results beside the reference values, and CP-SAT vs HiGHS.

    Parameters
    ----------
    rows
        Bench rows.
    traces
        ``(instance, solver)`` to improvement traces, for the ratios.

    Returns
    -------
    str
        The Markdown text.
    """
    lines = [
        "| instance | solver | status | objective | re-scored | bound "
        "| gap % | s | reference | reference bound |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.instance} | {r.solver} | {r.status} | {r.objective} | "
            f"{r.evaluated} | {r.bound} | {r.gap_pct} | {r.seconds:.1f} | "
            f"{r.reference} | {r.reference_bound} |"
        )
    ratio_lines = _ratios(rows, traces or {})
    if ratio_lines:
        lines += ["", *ratio_lines]
    return "\n".join(lines) + "\n"


def _ratios(
    rows: Sequence[BenchRow],
    traces: dict[tuple[str, str], tuple[tuple[float, int], ...]],
) -> list[str]:
    """CP-SAT vs HiGHS: time for each to reach the worse final objective."""
    by_key = {(r.instance, r.solver): r for r in rows}
    out = []
    for (name, solver), row in by_key.items():
        other = by_key.get((name, "highs"))
        if solver != "cpsat" or other is None:
            continue
        if not row.objective or not other.objective:
            continue
        target = max(_centi(row.objective), _centi(other.objective))
        t_c = _time_to(traces.get((name, "cpsat"), ()), target)
        t_h = _time_to(traces.get((name, "highs"), ()), target)
        ratio = f"{t_c / t_h:.2f}" if t_c and t_h else ""
        out.append(
            f"| {name} | {format_centi(target)} | "
            f"{'' if t_c is None else f'{t_c:.1f}'} | "
            f"{'' if t_h is None else f'{t_h:.1f}'} | {ratio} |"
        )
    if not out:
        return []
    return [
        "Time to equal quality (the worse of the two final objectives):",
        "",
        "| instance | target | CP-SAT s | HiGHS s | CP-SAT / HiGHS |",
        "| --- | ---: | ---: | ---: | ---: |",
        *out,
    ]


def _centi(text: str) -> int:
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))
