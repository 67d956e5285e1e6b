"""Colours per room category, the CJK font set-up and the glyph check.

Chinese labels render on a machine with no CJK font because the package
ships a GB2312 subset of Noto Sans SC (``plot/fonts/``). It is registered
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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
from matplotlib import font_manager as fm

from spaceplan.data import Function, Room
from spaceplan.i18n import Lang, t

FONT_DIR = Path(__file__).parent / "fonts"
#: The bundled font file and its family name.
BUNDLED_FONT = FONT_DIR / "NotoSansSC-Subset.otf"
BUNDLED_FAMILY = "Noto Sans SC"
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


@dataclass(frozen=True)
class CategoryStyle:
    """How rooms of one drawn category look."""

    key: str
    fill: str
    edge: str
    strong: str
    hatch: str | None = None
    dxf_color: int = 7


#: Drawn categories, in legend order. ``fill`` is pale so black labels
#: read well; ``strong`` marks time slots in use and the comparison bars.
CATEGORIES: dict[str, CategoryStyle] = {
    c.key: c
    for c in (
        CategoryStyle("resident", "#fbd3a5", "#8a5a1f", "#e8892b", None, 30),
        CategoryStyle("flexible", "#fcefa8", "#8a7a1f", "#e0c020", None, 50),
        CategoryStyle("service", "#bcd4f6", "#2d5a9a", "#3d7bd9", None, 150),
        CategoryStyle("office", "#d9cdea", "#5b4a80", "#8467b5", None, 200),
        CategoryStyle("support", "#cde6d2", "#3f6e4a", "#4e9a5f", None, 90),
        CategoryStyle("commercial", "#f5c2c2", "#8f3b3b", "#d05050", None, 10),
        CategoryStyle("mixed", "#c9ebe6", "#2f6e66", "#3aa597", None, 130),
        CategoryStyle("empty", "#ffffff", "#808080", "#b0b0b0", "..", 8),
        CategoryStyle("circulation", "#ececec", "#909090", "#b8b8b8", None, 9),
        CategoryStyle("plant", "#dcdcdc", "#808080", "#a0a0a0", "//", 8),
        CategoryStyle(
            "unavailable", "#c8c8c8", "#606060", "#909090", "xx", 252
        ),
    )
}


def function_category(function: Function) -> str:
    """The drawn category of a function: ``flexible`` or its own."""
    return "flexible" if function.flexible else function.category


def room_category(room: Room, functions: Sequence[Function]) -> str:
    """The drawn category of a room holding ``functions``.

    One category when all functions share it (the flexible function
    counts as resident when it shares a resident room), ``mixed`` when
    they do not; rooms that host nothing are drawn by their kind.
    """
    if room.kind == "circulation":
        return "circulation"
    if room.kind == "service":
        return "plant"
    if room.kind == "unavailable":
        return "unavailable"
    if not functions:
        return "empty"
    cats = {function_category(f) for f in functions}
    if cats == {"flexible"}:
        return "flexible"
    cats.discard("flexible")
    if len(cats) == 1:
        return cats.pop()
    return "mixed"


def category_label(key: str, lang: Lang = "zh") -> str:
    """The legend word of a drawn category."""
    return t(f"cat.{key}", lang)


# --------------------------------------------------------------- fonts


class FontError(ValueError):
    """A font file given by the user cannot be used."""


@cache
def _register(path: str) -> str:
    """Register a font file with matplotlib; return its family name."""
    if not Path(path).is_file():
        raise FontError(f"font file {path} does not exist.")
    try:
        fm.fontManager.addfont(path)
        return str(fm.FontProperties(fname=path).get_name())
    except (OSError, RuntimeError, ValueError) as exc:
        raise FontError(f"cannot read font file {path}: {exc}") from None


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

    PDF keeps Type 3 fonts: the CFF-based OTF embeds cleanly that way,
    while Type 42 makes poppler complain. SVG text becomes paths, so the
    file shows the same glyphs on a machine without the font.
    """
    return {
        "font.family": font_families(font),
        "pdf.fonttype": 3,
        "svg.fonttype": "path",
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
            f"These characters have no glyph in the drawing fonts and "
            f"will show as boxes: {shown}. Pass --font PATH (or set "
            f"{FONT_ENV}) to a font that has them, e.g. Noto Sans CJK SC.",
            UserWarning,
            stacklevel=2,
        )
    return missing
