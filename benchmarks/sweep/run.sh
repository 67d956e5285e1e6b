#!/usr/bin/env bash
# Sweep throughput: one 1,000-run sweep, three ways (1 process, 2
# processes, a 2-worker Dask LocalCluster), one after the other.
#
#   benchmarks/sweep/run.sh [SCENARIO] [VARY]
#
# Defaults: the village-centre example, households 2, 4, ..., 2000 (1,000
# runs; about half are infeasible and get a minimal-conflict diagnosis for
# their binding rule). Every run uses a deterministic budget of 1 s
# (max_deterministic_time), one CP-SAT worker and seed 0, so the three
# sweeps must give the same rows: the script checks that, then writes
# benchmarks/sweep/results/throughput.csv (runs per minute, wall clock,
# including process or cluster start-up).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="${PYTHON:-$root/.venv/bin/python}"
scenario="${1:-$root/src/spaceplan/examples/village-centre/scenario.yaml}"
vary="${2:-households=2:2000:2}"
out="$here/results"
rm -rf "$out/pool-1" "$out/pool-2" "$out/dask-local-2"
mkdir -p "$out"

run() {  # name, extra options
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$py" -m spaceplan sweep "$scenario" --vary "$vary" \
    -o "$out/$name" --time-limit 1 --seed 0 --no-progress --no-plot "$@" \
    > "$out/$name.log" 2>&1
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)"
}

{
  run pool-1 --processes 1
  run pool-2 --processes 2
  run dask-local-2 --scheduler local:2
} > "$out/times.txt"

"$py" - "$out" <<'PY'
import csv, sys
from pathlib import Path

from spaceplan.provenance import provenance

out = Path(sys.argv[1])
source = provenance()
rows = {}
for line in (out / "times.txt").read_text().split("\n"):
    if not line.strip():
        continue
    name, seconds = line.split()
    with open(out / name / "runs.csv", encoding="utf-8") as fh:
        runs = list(csv.DictReader(fh))
    rows[name] = (float(seconds), runs)
key = lambda r: r["run_id"]
same = lambda runs: sorted(
    ({k: v for k, v in r.items() if k != "seconds"} for r in runs), key=key
)
first = same(next(iter(rows.values()))[1])
with open(out / "throughput.csv", "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(["executor", "runs", "seconds", "runs_per_minute",
                "infeasible", "same_rows", "git", "ortools"])
    for name, (seconds, runs) in rows.items():
        w.writerow([
            name, len(runs), f"{seconds:.1f}",
            f"{len(runs) / seconds * 60:.0f}",
            sum(r["status"] == "infeasible" for r in runs),
            same(runs) == first, source.git_sha, source.ortools,
        ])
print((out / "throughput.csv").read_text())
PY
