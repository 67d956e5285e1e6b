"""Figures as file contents: PNG, SVG and a multi-page PDF, in bytes.

Nothing here writes a file; :mod:`spaceplan.export` writes the bytes.
Call inside :func:`~spaceplan.plot.style.drawing_context`, whose settings
(SVG text as ``<text>``, PDF fonts as TrueType) apply when a figure is
rendered, so the text of every drawing can be searched and copied.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from spaceplan import __version__
from spaceplan.plot.style import SVG_FALLBACK

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


_FAMILY = re.compile(rb"font-family: ([^;\"]+)")


def _with_fallback(match: re.Match[bytes]) -> bytes:
    names = [n.strip() for n in match.group(1).decode("utf-8").split(",")]
    have = {n.strip("'\"") for n in names}
    names += [
        n if n == "sans-serif" else f"'{n}'"
        for n in SVG_FALLBACK
        if n not in have
    ]
    return b"font-family: " + ", ".join(names).encode("utf-8")


def svg_fallback(svg: bytes) -> bytes:
    """``svg`` with :data:`~spaceplan.plot.style.SVG_FALLBACK` appended to
    every ``font-family``, so a viewer without our fonts picks a Chinese
    one instead of showing boxes."""
    return _FAMILY.sub(_with_fallback, svg)


def render(
    fig: Figure,
    fmt: str,
    dpi: float | None = None,
    metadata: dict[str, str | None] | None = None,
) -> bytes:
    """``fig`` saved as ``fmt`` (``png`` or ``svg``), in memory.

    SVG text is kept as ``<text>`` and names Chinese fallback fonts
    (:func:`svg_fallback`).
    """
    buf = io.BytesIO()
    if dpi is None:
        fig.savefig(buf, format=fmt, metadata=metadata)
    else:
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    if fmt == "svg":
        return svg_fallback(buf.getvalue())
    return buf.getvalue()


def render_pdf(figs: Sequence[Figure], title: str) -> bytes:
    """``figs`` as the pages of one PDF titled ``title``, in memory."""
    buf = io.BytesIO()
    meta = {**stamp("pdf"), "Title": title}
    with PdfPages(buf, metadata=meta) as pdf:
        for fig in figs:
            pdf.savefig(fig)
    return buf.getvalue()
