"""Drawings: floor plans, the weekly strip and the comparison chart.

Each ``plot_*`` function draws into ``ax`` (a new figure when None) and
returns the axes. :func:`spaceplan.plot.drawings.write_drawings` writes the
whole drawing set of a result (PNG, SVG, PDF, DXF and the HTML report).
Chinese labels use the bundled Noto Sans SC subset (see ``fonts/``).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "plot_comparison",
    "plot_floorplan",
    "plot_schedule",
    "write_drawings",
]

_WHERE = {
    "plot_comparison": "spaceplan.plot.comparison",
    "plot_floorplan": "spaceplan.plot.floorplan",
    "plot_schedule": "spaceplan.plot.schedule",
    "write_drawings": "spaceplan.plot.drawings",
}


def __getattr__(name: str) -> Any:
    # matplotlib loads only when a drawing is asked for
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
