"""Run the recorded community study (the table in benchmarks/README.md).

A thin wrapper around ``spaceplan bench``; run from the repository root:

    python benchmarks/run_community.py
"""

from __future__ import annotations

import sys

from spaceplan.cli.bench import bench

ARGS = [
    "--sizes", "S,M,L,XL",
    "--solvers", "cpsat,highs,greedy",
    "--config", "default",
    "--seeds", "0",
    "--time-limit", "60",
    "--workers", "2",
    "-o", "benchmarks/results",
    "--name", "community-seed0",
]  # fmt: skip

if __name__ == "__main__":
    bench.main(ARGS + sys.argv[1:], prog_name="spaceplan bench")
