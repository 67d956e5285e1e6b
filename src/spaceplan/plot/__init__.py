"""Drawings: floor plans, the weekly strip, the comparison chart, sheets.

Each ``plot_*`` function draws into ``ax`` (a new figure when None) and
returns the axes, or (the ``*_sheet`` functions) returns a whole figure.
Nothing here writes a file: :mod:`spaceplan.export` saves the drawing
set. Chinese labels use the bundled Noto Sans SC subset
(``spaceplan/fonts/``), set up by :mod:`spaceplan.plot.style`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "plot_candidate_sheet",
    "plot_comparison",
    "plot_comparison_sheet",
    "plot_cover_sheet",
    "plot_floorplan",
    "plot_schedule",
    "plot_shortfall_sheet",
    "plot_sweep",
    "plot_sweep_sheet",
]

_WHERE = {
    "plot_candidate_sheet": "spaceplan.plot.sheets",
    "plot_comparison": "spaceplan.plot.comparison",
    "plot_comparison_sheet": "spaceplan.plot.sheets",
    "plot_cover_sheet": "spaceplan.plot.sheets",
    "plot_floorplan": "spaceplan.plot.floorplan",
    "plot_schedule": "spaceplan.plot.schedule",
    "plot_shortfall_sheet": "spaceplan.plot.shortfall",
    "plot_sweep": "spaceplan.plot.sweep",
    "plot_sweep_sheet": "spaceplan.plot.sweep",
}


def __getattr__(name: str) -> Any:
    # matplotlib loads only when a drawing is asked for (start-up speed)
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
