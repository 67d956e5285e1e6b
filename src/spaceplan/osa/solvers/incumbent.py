"""The best plan so far, shared by every phase of a portfolio solve."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

__all__ = ["Incumbent"]


class Incumbent:
    """The best plan so far, shared by the global run and the search.

    Parameters
    ----------
    start
        The solve's start, on ``clock``.
    clock
        Seconds as a float; the times of the trace are read from it (a
        test passes a fake clock).
    """

    def __init__(
        self, start: float, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.start = start
        self.clock = clock
        self.lock = threading.Lock()
        self.rooms: list[int] | None = None
        self.objective: int | None = None
        self.trace: list[tuple[float, int]] = []
        #: A lower bound proved outside CP-SAT (the pattern bound).
        self.bound: int | None = None

    def raise_bound(self, bound: int) -> None:
        """Record a proven lower bound from another source."""
        with self.lock:
            if self.bound is None or bound > self.bound:
                self.bound = bound

    def proved(self) -> bool:
        """True when the external bound proves the best plan optimal."""
        return (
            self.bound is not None
            and self.objective is not None
            and self.objective <= self.bound
        )

    def offer(self, rooms: Sequence[int], objective: int) -> bool:
        """Keep ``rooms`` if it beats the incumbent; True when it did."""
        with self.lock:
            if self.objective is not None and objective >= self.objective:
                return False
            self.rooms, self.objective = list(rooms), objective
            self.trace.append((self.clock() - self.start, objective))
            return True
