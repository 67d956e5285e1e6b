"""The matplotlib style: the CJK font set-up and the glyph check.

Colours per room category live in :mod:`spaceplan.layout`.

Chinese labels render on a machine with no CJK font because the package
ships a GB2312 subset of Noto Sans SC (``spaceplan/fonts/``). It is registered
with matplotlib at plot time and put after DejaVu Sans in an explicit
``font.family`` list, so matplotlib falls back per glyph: Latin, digits
and ``²`` come from DejaVu, hanzi from Noto Sans SC. A generic family
(``sans-serif``) would not fall back per glyph.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
from matplotlib import font_manager as fm

from spaceplan.errors import Msg, MsgWarning
from spaceplan.layout import BUNDLED_FONT

#: Environment variable naming a font file to use before the others.
FONT_ENV = "SPACEPLAN_FONT"
#: System CJK families used after the bundled one when matplotlib knows
#: them, for characters outside GB2312.
SYSTEM_CJK = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

#: Families an SVG names after ours, so that a viewer without the
#: bundled font still finds a Chinese one (Windows, macOS, Linux).
SVG_FALLBACK = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
)


# --------------------------------------------------------------- fonts


class FontError(ValueError):
    """A font file given by the user cannot be used."""


@cache
def _register(path: str) -> str:
    """Register a font file with matplotlib; return its family name."""
    if not Path(path).is_file():
        raise FontError(Msg("err.font.missing", path=path))
    try:
        fm.fontManager.addfont(path)
        return str(fm.FontProperties(fname=path).get_name())
    except (OSError, RuntimeError, ValueError) as exc:
        raise FontError(
            Msg("err.font.unreadable", path=path, detail_en=exc)
        ) from None


def font_families(font: str | os.PathLike[str] | None = None) -> list[str]:
    """Register the fonts and return the ``font.family`` list to use.

    ``font`` (or the environment variable ``SPACEPLAN_FONT``) names a
    font file put first; then DejaVu Sans, the bundled Noto Sans SC
    subset and any system CJK family matplotlib already knows.
    """
    families: list[str] = []
    extra = font if font is not None else os.environ.get(FONT_ENV) or None
    if extra is not None:
        families.append(_register(str(Path(extra).expanduser())))
    families += ["DejaVu Sans", _register(str(BUNDLED_FONT))]
    known = {f.name for f in fm.fontManager.ttflist}
    families += [f for f in SYSTEM_CJK if f in known]
    return list(dict.fromkeys(families))


def rc_params(font: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """matplotlib settings for our drawings (fonts, PDF and SVG text).

    Text stays text, so it can be searched and copied: PDFs embed the
    fonts as TrueType (Type 42; the bundled font has TrueType outlines
    for this), SVGs keep ``<text>`` elements whose ``font-family`` lists
    our families and then common Chinese fonts (:data:`SVG_FALLBACK`),
    for a viewer that lacks the bundled one.
    """
    families = font_families(font)
    return {
        "font.family": families,
        "pdf.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "spaceplan",
        "axes.unicode_minus": False,
        "hatch.linewidth": 0.5,
    }


@contextmanager
def drawing_context(
    font: str | os.PathLike[str] | None = None,
) -> Iterator[list[str]]:
    """Use our fonts inside the block; yield the family list.

    matplotlib's own per-glyph warnings are silenced here, because
    :func:`check_glyphs` has already named the missing characters once.
    """
    rc = rc_params(font)
    # The bundled font has one weight; bold CJK text falls back to it,
    # which matplotlib logs for every text drawn.
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with mpl.rc_context(cast(Any, rc)), warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=r"Glyph \d+ .*missing from"
            )
            yield list(rc["font.family"])
    finally:
        logger.setLevel(level)


@cache
def _charmap(family: str) -> frozenset[int]:
    try:
        path = fm.findfont(
            fm.FontProperties(family=family), fallback_to_default=False
        )
        return frozenset(fm.get_font(path).get_charmap())
    except (ValueError, OSError, RuntimeError):
        return frozenset()


def missing_glyphs(texts: Iterable[str], families: Sequence[str]) -> list[str]:
    """Characters of ``texts`` that none of ``families`` can draw."""
    covered: set[int] = set()
    for family in families:
        covered |= _charmap(family)
    chars = {c for s in texts for c in s}
    return sorted(
        c for c in chars if not c.isspace() and ord(c) not in covered
    )


_WARNED: set[str] = set()


def check_glyphs(texts: Iterable[str], families: Sequence[str]) -> list[str]:
    """Warn once, naming the characters no font can draw; return them.

    A character is named only the first time it is found missing in
    this process, so a drawing set gives one warning, not dozens.
    """
    missing = missing_glyphs(texts, families)
    new = [c for c in missing if c not in _WARNED]
    if new:
        _WARNED.update(new)
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in new)
        warnings.warn(
            MsgWarning(Msg("err.font.glyphs", shown=shown, env=FONT_ENV)),
            stacklevel=2,
        )
    return missing
