"""Fuzz the readers through the command line: N hostile inputs, counted.

Draws inputs with the strategies of ``tests/fuzz_inputs.py`` (scenario,
room-list and plan files: valid ones mutated field by field, cut short,
bytes flipped) and runs ``spaceplan validate`` or ``check`` on each, in
process, with a 10 s alarm per input. Prints one JSON line of counts:
inputs, accepted (exit 0 or 2), clean errors (exit 1, one line naming a
file), tracebacks, hangs and misbehaviours (any other exit, several error
lines, a line naming no file); the first few bad inputs are saved under
``--keep`` for a look.

Usage::

    python benchmarks/fuzz.py --inputs 10000 --seed 0
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
# The test profile ``tiny`` (tests/data/configs/policies) by id.
os.environ["SPACEPLAN_PROFILES"] = str(
    ROOT / "tests" / "data" / "configs" / "policies"
)

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from fuzz_inputs import Drawn, inputs, judge, run_drawn  # noqa: E402

#: Seconds an input may take before it counts as a hang.
ALARM = 10


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


def run(count: int, seed: int, keep: Path | None) -> dict[str, object]:
    """Run ``count`` inputs; return the counts."""
    counts: Counter[str] = Counter()
    kept = 0
    signal.signal(signal.SIGALRM, _alarm)

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=inputs())
    def one(drawn: Drawn) -> None:
        nonlocal kept
        with tempfile.TemporaryDirectory(prefix="spaceplan-fuzz-") as tmp:
            folder = Path(tmp)
            signal.alarm(ALARM)
            try:
                code, _, stderr = run_drawn(drawn, folder)
                fault = judge(code, stderr, folder)
            except _Hang:
                fault, code, stderr = "hang", -1, ""
            except AssertionError as exc:  # an exception escaped the CLI
                fault, code, stderr = "traceback", -1, str(exc)
            finally:
                signal.alarm(0)
            counts["inputs"] += 1
            counts[f"command {drawn.command[0]}"] += 1
            if fault is None:
                counts["clean errors" if code == 1 else "accepted"] += 1
                return
            key = fault if fault in ("hang", "traceback") else "misbehaved"
            counts[key] += 1
            if keep is not None and kept < 20:
                kept += 1
                dest = keep / f"bad-{kept:02d}"
                dest.mkdir(parents=True, exist_ok=True)
                for name, data in drawn.files.items():
                    (dest / name).write_bytes(data)
                (dest / "what.txt").write_text(
                    f"{drawn.command}\n{fault}\n{stderr}\n", encoding="utf-8"
                )

    start = time.perf_counter()
    one()
    out: dict[str, object] = {
        "seed": seed,
        "inputs": counts["inputs"],
        "validate": counts["command validate"],
        "check": counts["command check"],
        "accepted": counts["accepted"],
        "clean_errors": counts["clean errors"],
        "tracebacks": counts["traceback"],
        "hangs": counts["hang"],
        "misbehaved": counts["misbehaved"],
        "seconds": round(time.perf_counter() - start, 1),
    }
    return out


def main() -> None:
    """Parse the arguments, run, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--keep", type=Path, default=None, help="folder for bad inputs"
    )
    args = parser.parse_args()
    print(json.dumps(run(args.inputs, args.seed, args.keep)))


if __name__ == "__main__":
    main()
