"""Checker agreement: planted feasible scenarios × CP-SAT, HiGHS, greedy.

Each scenario comes from :func:`spaceplan.bench.generate.generate_planted`
(size S, seed ``i``, shared-room accounting cycling through strict, any
and prorate), built around a planted plan, so it is feasible by
construction; the planted plan is checked first. Every solver then solves
it (one candidate, one worker, seed 0) and every returned plan is checked
again by :func:`~spaceplan.check.check_solution` and its objective
recomputed. Counted as disagreements:

- ``false_infeasible``: a solver says infeasible although the planted plan
  complies;
- ``recheck_failed``: a returned plan breaks a rule;
- ``objective_mismatch``: the objective a solver reports differs from the
  one recomputed from its plan;
- ``optimum_conflict``: CP-SAT and HiGHS both prove optimality with
  different objectives;
- ``beats_optimum``: greedy's plan or the planted plan scores above a
  proven optimum.

Prints one JSON line of counts. Usage::

    python benchmarks/agreement.py --scenarios 1000 --time-limit 10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Literal

from spaceplan.bench.generate import generate_planted
from spaceplan.check import check_solution
from spaceplan.solvers import solve
from spaceplan.solvers.config import load_config
from spaceplan.solvers.objective import MILLI, objective_terms

SOLVERS = ("cpsat", "highs", "greedy")
MODES: tuple[Literal["strict", "any", "prorate"], ...] = (
    "strict",
    "any",
    "prorate",
)


def agree(
    count: int,
    start: int,
    time_limit: float,
    size: str = "S",
    every: int = 0,
) -> dict[str, object]:
    """Run ``count`` scenarios from seed ``start``; return the counts.

    With ``every`` > 0 the counts so far go to stderr every ``every``
    scenarios, so a run stopped early still says what it found.
    """
    counts: Counter[str] = Counter()
    weights = load_config("deterministic").weights
    began = time.perf_counter()
    for seed in range(start, start + count):
        mode = MODES[seed % len(MODES)]
        scenario, planted = generate_planted(size, seed, mode)
        counts["scenarios"] += 1
        if check_solution(scenario, planted):
            counts["planted_not_feasible"] += 1
            continue
        planted_milli = objective_terms(scenario, planted, weights).milli
        proven: list[int] = []
        found: dict[str, int] = {}
        for name in SOLVERS:
            result = solve(
                scenario,
                solver=name,
                config="deterministic",
                time_limit=time_limit,
                seed=0,
                workers=1,
                candidates=1,
            )
            counts["solves"] += 1
            counts[f"{name} {result.status}"] += 1
            if result.status == "infeasible":
                counts["false_infeasible"] += 1
            for cand in result.candidates:
                counts["plans_rechecked"] += 1
                if check_solution(scenario, cand.plan):
                    counts["recheck_failed"] += 1
                milli = objective_terms(scenario, cand.plan, weights).milli
                if round(cand.objective * MILLI) != milli:
                    counts["objective_mismatch"] += 1
            if result.candidates:
                best = round(result.candidates[0].objective * MILLI)
                found[name] = best
                if result.status == "optimal" and name != "greedy":
                    proven.append(best)
        if len(set(proven)) > 1:
            counts["optimum_conflict"] += 1
        if proven:
            top = max(proven)
            if found.get("greedy", top) > top or planted_milli > top:
                counts["beats_optimum"] += 1
        if every and counts["scenarios"] % every == 0:
            print(json.dumps(_summary(counts, size, start, began)),
                  file=sys.stderr, flush=True)
    return _summary(counts, size, start, began)


def _summary(
    counts: Counter[str], size: str, start: int, began: float
) -> dict[str, object]:
    keys = (
        "scenarios",
        "solves",
        "plans_rechecked",
        "planted_not_feasible",
        "false_infeasible",
        "recheck_failed",
        "objective_mismatch",
        "optimum_conflict",
        "beats_optimum",
    )
    out: dict[str, object] = {"size": size, "start": start}
    out.update({k: counts[k] for k in keys})
    out["statuses"] = {
        k: v for k, v in sorted(counts.items()) if " " in k
    }
    out["seconds"] = round(time.perf_counter() - began, 1)
    return out


def main() -> None:
    """Parse the arguments, run, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--size", default="S")
    parser.add_argument(
        "--every", type=int, default=0, help="print counts every N"
    )
    args = parser.parse_args()
    counts = agree(
        args.scenarios, args.start, args.time_limit, args.size, args.every
    )
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
