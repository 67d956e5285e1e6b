"""Figures as file contents: PNG, SVG and a multi-page PDF, in bytes.

Nothing here writes a file; :mod:`spaceplan.export` writes the bytes.
Call inside :func:`~spaceplan.plot.style.drawing_context`, whose settings
(SVG text as paths, PDF Type 3 fonts) apply when a figure is rendered.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from spaceplan import __version__

#: Resolution of the PNG drawings.
PNG_DPI = 150


def stamp(fmt: str) -> dict[str, str | None]:
    """Metadata naming spaceplan and leaving out dates, so files repeat."""
    if fmt == "png":
        return {"Software": f"spaceplan {__version__}"}
    if fmt == "svg":
        return {"Date": None, "Creator": f"spaceplan {__version__}"}
    if fmt == "pdf":
        return {"Creator": f"spaceplan {__version__}", "CreationDate": None}
    return {}


def render(
    fig: Figure,
    fmt: str,
    dpi: float | None = None,
    metadata: dict[str, str | None] | None = None,
) -> bytes:
    """``fig`` saved as ``fmt`` (``png`` or ``svg``), in memory."""
    buf = io.BytesIO()
    if dpi is None:
        fig.savefig(buf, format=fmt, metadata=metadata)
    else:
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    return buf.getvalue()


def render_pdf(figs: Sequence[Figure], title: str) -> bytes:
    """``figs`` as the pages of one PDF titled ``title``, in memory."""
    buf = io.BytesIO()
    meta = {**stamp("pdf"), "Title": title}
    with PdfPages(buf, metadata=meta) as pdf:
        for fig in figs:
            pdf.savefig(fig)
    return buf.getvalue()
