"""What every OSA back-end returns: a plan, its value, a bound, a status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["OsaResult", "Status"]


class Status(StrEnum):
    """Outcome of a solve, mapped once from each back-end's own codes."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OsaResult:
    """What a back-end returns.

    Attributes
    ----------
    rooms
        Room id per entity, or None when no assignment was found.
    objective
        The solver's objective (centi-units), or None.
    bound
        A proven lower bound (centi-units, rounded up to an integer since
        every objective value is one), or None.
    status
        The outcome.
    seconds
        Wall time spent.
    solver
        Back-end name, for example ``"cpsat"``.
    log
        Short notes (phases, times to improvements).
    trace
        ``(seconds, objective)`` of each improving plan, when the back-end
        reports them; used for time-to-equal-quality ratios.
    """

    rooms: list[int] | None
    objective: int | None
    bound: int | None
    status: Status
    seconds: float
    solver: str
    log: tuple[str, ...] = ()
    trace: tuple[tuple[float, int], ...] = ()
