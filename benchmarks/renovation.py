"""Renovation benchmark: moves on against moves off, in one run.

For each size (S, M, L, XL) the generator's instance gets outlines and
walls (:func:`spaceplan.bench.partitions.with_partitions`, 30 % of the
walls structural) and is solved twice by CP-SAT on 2 workers: with
``renovation`` (merges and splits at the default prices, no budget) and
without it (the same rooms, every wall kept). Each solve runs in its own
process so that its peak memory is its own.

Targets (issue 21): S and M proven optimal in under 10 s, L within 1 % in
60 s, XL a checked plan in 60 s under 2 GB. S and M are solved with the
model of every move; L and XL (over 4,000 function-room pairs) as they
are, then a window of moves at a time around that plan (no bound then).
``options`` counts the options left after the exact pruning of
:meth:`spaceplan.solvers.problem.Problem.useless`.

Usage::

    python benchmarks/renovation.py [--sizes S,M,L,XL] [--seed 0]

Writes ``benchmarks/results/renovation.csv`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

#: Seconds per solve by size (the issue's targets).
LIMITS = {"S": 10.0, "M": 10.0, "L": 60.0, "XL": 60.0}
RESULTS = Path(__file__).parent / "results" / "renovation.csv"
FIELDS = (
    "size", "moves", "seed", "status", "objective", "bound", "gap",
    "seconds", "build_seconds", "peak_mb", "rooms", "options",
    "alternatives_per_room", "x_vars", "works", "works_cost", "checked",
)


def one(size: str, moves: bool, seed: int) -> dict[str, object]:
    """Solve one instance in this process; the row of the table."""
    from spaceplan.bench.generate import generate
    from spaceplan.bench.partitions import with_partitions
    from spaceplan.check import check_solution
    from spaceplan.solvers import solve
    from spaceplan.solvers.problem import Problem

    scenario = with_partitions(generate(size, seed))
    if not moves:
        scenario = scenario.replace(renovation=None)
    started = time.perf_counter()
    problem = Problem(scenario, prune=True)
    x_vars = sum(len(a) for a in problem.allowed)
    build = time.perf_counter() - started
    result = solve(
        scenario,
        time_limit=LIMITS[size],
        seed=seed,
        workers=2,
        candidates=1,
    )
    cand = result.candidates[0] if result.candidates else None
    gap = None
    if cand is not None and cand.bound is not None:
        gap = abs(cand.bound - cand.objective) / max(1.0, abs(cand.objective))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "size": size,
        "moves": "on" if moves else "off",
        "seed": seed,
        "status": result.status,
        "objective": None if cand is None else cand.objective,
        "bound": None if cand is None else cand.bound,
        "gap": None if gap is None else round(gap, 5),
        "seconds": result.solve_seconds,
        "build_seconds": round(build, 2),
        "peak_mb": round(peak),
        "rooms": len(problem.cover),
        "options": len(problem.options),
        "alternatives_per_room": round(
            problem.num_rooms / max(1, len(problem.cover)), 2
        ),
        "x_vars": x_vars,
        "works": 0 if cand is None else len(cand.works),
        "works_cost": 0.0 if cand is None else cand.metrics.works_cost,
        "checked": cand is not None
        and check_solution(scenario, cand.plan) == [],
    }


def main() -> None:
    """Run every (size, moves) pair in a child process; write the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="S,M,L,XL")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "MOVES"))
    args = parser.parse_args()
    if args.child:
        size, moves = args.child
        print(json.dumps(one(size, moves == "on", args.seed)))
        return
    rows = []
    for size in args.sizes.split(","):
        for moves in ("off", "on"):
            out = subprocess.run(
                [sys.executable, __file__, "--seed", str(args.seed),
                 "--child", size, moves],
                capture_output=True, text=True, check=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(row, file=sys.stderr)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(table(rows))


def table(rows: list[dict[str, object]]) -> str:
    """The rows as the Markdown table of ``benchmarks/README.md``."""
    head = (
        "| size | moves | status | objective | gap | s | peak MB | "
        "alt./room | x vars | works (元) |\n"
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    lines = [head]
    for r in rows:
        gap = "—" if r["gap"] is None else f"{float(r['gap']):.2%}"
        lines.append(
            f"| {r['size']} | {r['moves']} | {r['status']} | "
            f"{r['objective']} | {gap} | {r['seconds']} | {r['peak_mb']} | "
            f"{r['alternatives_per_room']} | {r['x_vars']} | "
            f"{r['works']} ({float(r['works_cost']):,.0f}) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
