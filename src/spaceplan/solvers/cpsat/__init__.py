"""The CP-SAT backend (OR-Tools): spaceplan's main solver."""

from spaceplan.solvers.cpsat.backend import CpsatBackend

__all__ = ["CpsatBackend"]
