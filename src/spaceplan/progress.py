"""Solver progress on stderr with rich: incumbent, bound, gap, elapsed.

Nothing is shown for a solve that ends within a second: the display only
appears once a solve has lasted that long, so quick runs stay quiet and
stdout is never touched.
"""

from __future__ import annotations

import threading
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

#: Seconds a solve must last before progress is shown.
SHOW_AFTER = 1.0


def gap(objective: float | None, bound: float | None) -> float | None:
    """Relative gap between incumbent and bound (maximisation)."""
    if objective is None or bound is None:
        return None
    scale = max(abs(objective), abs(bound), 1e-9)
    return max(0.0, (bound - objective) / scale)


class RichProgress:
    """A :class:`~spaceplan.solvers.engine.ProgressSink` drawing on stderr."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None
        self._fields = {"obj": "–", "bound": "–", "gap": "–"}
        self._limit = 1.0
        self._label = ""
        self._started = 0.0

    def start(self, label: str, time_limit: float) -> None:
        """A solve begins; show progress if it lasts over a second."""
        with self._lock:
            self._label = label
            self._limit = max(time_limit, 1e-3)
            self._started = time.perf_counter()
            self._fields = {"obj": "–", "bound": "–", "gap": "–"}
            self._timer = threading.Timer(SHOW_AFTER, self._show)
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if self._timer is None:
                return
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                TextColumn(
                    "obj {task.fields[obj]}  bound {task.fields[bound]}  "
                    "gap {task.fields[gap]}"
                ),
                console=self.console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                self._label,
                total=self._limit,
                obj=self._fields["obj"],
                bound=self._fields["bound"],
                gap=self._fields["gap"],
            )
            ticker = threading.Thread(target=self._tick, daemon=True)
            ticker.start()

    def _tick(self) -> None:
        while True:
            with self._lock:
                if self._progress is None or self._task is None:
                    return
                elapsed = time.perf_counter() - self._started
                self._progress.update(
                    self._task,
                    completed=min(elapsed, self._limit),
                    obj=self._fields["obj"],
                    bound=self._fields["bound"],
                    gap=self._fields["gap"],
                )
            time.sleep(0.2)

    def update(
        self, objective: float | None, bound: float | None, elapsed: float
    ) -> None:
        """A new incumbent or bound (called from solver threads)."""
        g = gap(objective, bound)
        with self._lock:
            if objective is not None:
                self._fields["obj"] = f"{objective:,.1f}"
            if bound is not None:
                self._fields["bound"] = f"{bound:,.1f}"
            if g is not None:
                self._fields["gap"] = f"{g:.2%}"

    def stop(self) -> None:
        """The solve ended: remove the display."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._progress is not None:
                self._progress.stop()
            self._progress = None
            self._task = None
