"""``runs.csv``: one durable row per run, resumable after a kill.

Rows are appended one at a time (flush + fsync), so an interrupted sweep
started again with the same command skips the runs already written and
loses or repeats nothing.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spaceplan.errors import InputError
from spaceplan.sweep.grid import Vary

RESULT_COLUMNS = (
    "status",
    "binding_rule",
    "target_area",
    "facility_area",
    "resident_area",
    "resident_share",
    "area_margin",
    "office_area",
    "objective",
    "seconds",
    "error",
)
RUNS_FILE = "runs.csv"


def columns(varies: Sequence[Vary]) -> list[str]:
    """The header of ``runs.csv``."""
    return ["run_id", *(v.name for v in varies), *RESULT_COLUMNS]


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return " ".join(str(value).split())


class RunsFile:
    """``runs.csv``, appended one durable row at a time.

    Opening it repairs what a kill can leave behind: a last line cut off
    mid-write is dropped. A header that differs from this sweep's is an
    error (another sweep wrote the folder).
    """

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.done: dict[str, dict[str, str]] = {}
        self.dropped_partial = False
        self._open()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            data = self.path.read_bytes()
            cut = data.rfind(b"\n") + 1
            if cut != len(data):
                # A kill during a write: keep whole lines only.
                self.dropped_partial = True
                with open(self.path, "r+b") as fh:
                    fh.truncate(cut)
                    fh.flush()
                    os.fsync(fh.fileno())
                data = data[:cut]
            if data:
                self._load(data.decode("utf-8"))
        # Held open for the whole sweep and closed by close().
        self._fh = open(  # noqa: SIM115
            self.path, "a", encoding="utf-8", newline=""
        )
        if not self.path.stat().st_size:
            self._write(self.header)

    def _load(self, text: str) -> None:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header != self.header:
            raise InputError(
                self.path,
                None,
                "was written by a different sweep (its columns are "
                f"{', '.join(header or [])}); use another output folder",
            )
        for cells in reader:
            if len(cells) != len(self.header):
                continue
            row = dict(zip(self.header, cells, strict=True))
            self.done.setdefault(row["run_id"], row)

    def _write(self, cells: Sequence[Any]) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(
            [_format(c) for c in cells]
        )
        # One write per line, then flush and fsync: a row is on disk
        # before the next run is counted as done.
        self._fh.write(buf.getvalue())
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def append(self, row: dict[str, Any]) -> None:
        """Write one run's row durably."""
        self._write([row.get(c) for c in self.header])
        self.done[row["run_id"]] = {
            c: _format(row.get(c)) for c in self.header
        }

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def read_runs(path: str | Path) -> list[dict[str, str]]:
    """The complete rows of a ``runs.csv`` (a cut-off last line ignored)."""
    data = Path(path).read_bytes()
    data = data[: data.rfind(b"\n") + 1]
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    width = len(reader.fieldnames or [])
    return [r for r in reader if None not in r and len(r) == width]
