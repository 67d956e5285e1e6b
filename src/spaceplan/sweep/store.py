"""``runs.csv``: one durable row per run, resumable after a kill.

Rows are appended one at a time (flush + fsync), so an interrupted sweep
started again with the same command skips the runs already written and
loses or repeats nothing. A row that is malformed (cut short, corrupted,
not UTF-8, a status or number that cannot be) is dropped on opening and
its run solved again.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spaceplan.errors import InputError, Msg
from spaceplan.fileio import write_fault, write_text
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
#: Statuses a row may hold.
STATUSES = ("optimal", "feasible", "infeasible", "unknown", "error")
#: Result columns that hold a number (or nothing).
NUMBERS = (
    "target_area",
    "facility_area",
    "resident_area",
    "resident_share",
    "area_margin",
    "office_area",
    "objective",
    "seconds",
)
_RUN_ID = re.compile(r"^[0-9a-f]{16}$")


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
        #: Whole lines dropped as malformed (their runs are solved again).
        self.dropped_rows = 0
        self._open()

    def _open(self) -> None:
        try:
            self._open_file()
        except OSError as exc:
            raise InputError(
                self.path.parent, None, write_fault(exc)
            ) from None

    def _open_file(self) -> None:
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
                self._load(data)
        # Held open for the whole sweep and closed by close().
        self._fh = open(  # noqa: SIM115
            self.path, "a", encoding="utf-8", newline=""
        )
        if not self.path.stat().st_size:
            self._write(self.header)

    def _load(self, data: bytes) -> None:
        header, rows, bad = parse_runs(data, self.path)
        if header != self.header:
            raise InputError(
                self.path,
                None,
                Msg(
                    "err.sweep.other",
                    columns=", ".join(header or [])[:200],
                ),
            )
        for row in rows:
            if row["run_id"] in self.done:
                bad += 1  # a run written twice: keep the first
                continue
            self.done[row["run_id"]] = row
        if bad:
            # Rewrite the file with the good rows only, in one step, so
            # that no reader ever meets the bad ones again.
            self.dropped_rows = bad
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(self.header)
            for row in self.done.values():
                writer.writerow([row[c] for c in self.header])
            write_text(self.path, buf.getvalue())

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
    """The well-formed rows of a ``runs.csv`` (any other line ignored)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            path, None, Msg("err.cannot_read", reason=exc.strerror)
        ) from None
    return parse_runs(data[: data.rfind(b"\n") + 1], path)[1]


def parse_runs(
    data: bytes, path: Path
) -> tuple[list[str] | None, list[dict[str, str]], int]:
    """The header, the well-formed rows and the count of bad lines.

    Raises
    ------
    InputError
        When the header line is not UTF-8 text.
    """
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        return None, [], 0
    try:
        header = next(csv.reader([lines[0].decode("utf-8")]), None)
    except (UnicodeDecodeError, csv.Error):
        raise InputError(
            path,
            Msg("err.where.line", n=1),
            Msg("err.sweep.header"),
        ) from None
    rows: list[dict[str, str]] = []
    bad = 0
    for line in lines[1:]:
        row = _row(line, header or [])
        if row is None:
            bad += 1
        else:
            rows.append(row)
    return header, rows, bad


def _row(line: bytes, header: list[str]) -> dict[str, str] | None:
    """One line as a row, or None when it is malformed."""
    try:
        cells = next(csv.reader([line.decode("utf-8")]), None)
    except (UnicodeDecodeError, csv.Error):
        return None
    if cells is None or len(cells) != len(header):
        return None
    row = dict(zip(header, cells, strict=True))
    if not _RUN_ID.match(row.get("run_id", "")):
        return None
    if "status" in row and row["status"] not in STATUSES:
        return None
    for name in NUMBERS:
        value = row.get(name, "")
        if value == "":
            continue
        try:
            if not math.isfinite(float(value)):
                return None
        except ValueError:
            return None
    return row
