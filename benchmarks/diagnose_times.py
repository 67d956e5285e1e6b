"""Time the diagnosis of infeasible scenarios (issue 20: "a diagnosis of a
share problem takes 40 s").

Run from the repository root:

    python benchmarks/diagnose_times.py [SCENARIO ...]

Without arguments it diagnoses the bundled infeasible example (the office
building under Chongqing's 2,000 m² rule), the resident-share and
own-override test scenarios, one seed, one worker (the diagnosis always
uses one), the same as ``spaceplan diagnose``. One line per scenario:
wall seconds, solves, repairs, waivers, households served.

Recorded on the shared 2-core development machine (2026-12-03, load
about 8), ``spaceplan diagnose SCENARIO -q`` before (main at ac01103:
every verification optimised its plan up to the 30 s limit) and after
(a verification stops at the first checked plan; the alternative
relaxations get a fifth of the budget), run back to back; CPU seconds
are the steadier measure on a loaded machine:

    scenario                                   before             after
    office-renovation/scenario-chongqing.yaml  207 s (82 s CPU)   51 s (23 s CPU)
    tests/data/diagnose/share.yaml              45 s (19 s CPU)  7.4 s (3.1 s CPU)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from spaceplan.diagnose import diagnose
from spaceplan.read import read_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    ROOT / "src/spaceplan/examples/office-renovation/scenario-chongqing.yaml",
    ROOT / "tests/data/diagnose/share.yaml",
    ROOT / "tests/data/diagnose/office-override.yaml",
]


def main(paths: list[Path]) -> None:
    """Diagnose each scenario and print one line of timings."""
    head = (
        f"{'scenario':58} {'seconds':>8} {'solves':>6} {'rep':>4} {'waiv':>4}"
    )
    print(head + "  households")
    for path in paths:
        scenario = read_scenario(path)
        started = time.perf_counter()
        found = diagnose(scenario, seed=0)
        seconds = time.perf_counter() - started
        most = found.households["max"] if found.households else "-"
        name = str(
            path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        )
        print(
            f"{name[-58:]:58} {seconds:8.1f} {found.solves:6d} "
            f"{len(found.repairs):4d} {len(found.waivers):4d}  {most}"
        )


if __name__ == "__main__":
    main([Path(p).resolve() for p in sys.argv[1:]] or DEFAULT)
