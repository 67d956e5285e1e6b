"""The HiGHS backend (highspy): the allocation model as a MIP."""

from spaceplan.solvers.highs.backend import HighsBackend, HighsClock, new_highs

__all__ = ["HighsBackend", "HighsClock", "new_highs"]
