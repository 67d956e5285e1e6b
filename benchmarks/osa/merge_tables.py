"""Merge bench runs of one instance set into one table of bounds and gaps.

Usage (from the repository root)::

    python benchmarks/osa/merge_tables.py OUT RUN [RUN ...]

Each RUN is a ``spaceplan bench osa ... --pattern-bound S`` output folder;
OUT/table.md gets one row per instance: the run's CP-SAT plan, CP-SAT's
bound, the pattern bound, the better of the two and the gap, then the
best plan of any run folder under ``benchmarks/results/osa`` (only rows
whose re-score equals the objective, with no hard violation) and its gap
to that bound.  A negative gap would mean an invalid bound: it aborts.
"""

from __future__ import annotations

import csv
import statistics
import sys
from pathlib import Path

RESULTS = Path("benchmarks/results/osa")
HEAD = (
    "| instance | objective | re-scored | CP-SAT bound | pattern bound "
    "| bound | gap % | best plan of any run (folder) | its gap % "
    "| reference (NOTES §9) | reference bound |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
    "| ---: | ---: |"
)


def _best_plans() -> dict[str, tuple[float, str]]:
    best: dict[str, tuple[float, str]] = {}
    for path in sorted(RESULTS.rglob("results.csv")):
        folder = str(path.parent.relative_to(RESULTS))
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if (
                    not row["objective"]
                    or row["objective"] != row["evaluated"]
                    or row["hard_violations"] != "0"
                ):
                    continue
                value = float(row["objective"])
                name = row["instance"]
                if name not in best or value < best[name][0]:
                    best[name] = (value, folder)
    return best


def _gap(objective: float, bound: float) -> float:
    return 100 * (objective - bound) / objective if objective else 0.0


def main(out: Path, runs: list[Path]) -> str:
    by: dict[str, dict[str, dict[str, str]]] = {}
    for run in runs:
        with (run / "results.csv").open(newline="") as handle:
            for row in csv.DictReader(handle):
                by.setdefault(row["instance"], {})[row["solver"]] = row
    best = _best_plans()
    lines = [HEAD]
    gaps_cpsat, gaps_run, gaps_best = [], [], []
    raised = 0
    for name in sorted(by):
        cpsat, pattern = by[name]["cpsat"], by[name].get("pattern", {})
        objective = float(cpsat["objective"])
        cp_bound = float(cpsat["bound"] or 0)
        pat_bound = float(pattern.get("bound") or 0)
        bound = max(cp_bound, pat_bound)
        raised += pat_bound > cp_bound
        value, folder = best[name]
        if value < bound - 1e-9:
            raise SystemExit(f"{name}: bound {bound} above plan {value}")
        gaps_cpsat.append(float(cpsat["gap_pct"]))
        gaps_run.append(_gap(objective, bound))
        gaps_best.append(_gap(value, bound))
        lines.append(
            f"| {name} | {cpsat['objective']} | {cpsat['evaluated']} "
            f"| {cpsat['bound']} | {pattern.get('bound', '')} "
            f"({pattern.get('status', '')}) | {bound:.2f} "
            f"| {gaps_run[-1]:.2f} | {value:.2f} ({folder}) "
            f"| {gaps_best[-1]:.2f} | {cpsat['reference']} "
            f"| {cpsat['reference_bound']} |"
        )
    summary = (
        f"{len(by)} instances; the pattern bound is above CP-SAT's on "
        f"{raised}. Median gap: {statistics.median(gaps_cpsat):.2f} % with "
        f"CP-SAT's bound, {statistics.median(gaps_run):.2f} % with the "
        f"better bound, {statistics.median(gaps_best):.2f} % for the best "
        "plan of any run against the better bound."
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "table.md").write_text("\n".join(lines) + "\n\n" + summary + "\n")
    return summary


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    print(main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]))
