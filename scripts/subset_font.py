"""Build the bundled CJK font: a GB2312 subset of Noto Sans SC.

Usage::

    pip download --no-deps -d /tmp/fontpkg pylopdf-fonts-zh-cn
    unzip -o /tmp/fontpkg/pylopdf_fonts_zh_cn-*.whl -d /tmp/fontpkg/wheel
    python scripts/subset_font.py \\
        /tmp/fontpkg/wheel/pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf

The charset is built here with no extra data: every GB2312 byte pair is
decoded with Python's codec (6,763 hanzi plus the GB2312 symbols), then
ASCII, Latin-1, CJK punctuation and the few symbols our drawings use are
added. The CFF outlines are then turned into TrueType (quadratic)
outlines, so matplotlib embeds the font in PDFs as real TrueType
(``pdf.fonttype: 42``): text stays searchable and the font type matches
what the PDF declares. The result goes to ``src/spaceplan/fonts/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "spaceplan"
    / "fonts"
    / "NotoSansSC-Subset.ttf"
)

#: Symbols our drawings and reports write besides the ranges below.
EXTRA = "²³±×÷·—–‘’“”…‰′″℃№→←↑↓↔≤≥≠≈∑√∞■□▲△●○◆◇★☆✓•€￥"


def gb2312_chars() -> set[str]:
    """Every character GB2312 encodes, found by decoding its byte pairs."""
    chars: set[str] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def charset() -> str:
    """The subset's characters, sorted by code point."""
    chars = gb2312_chars()
    chars |= {chr(c) for c in range(0x20, 0x7F)}  # ASCII
    chars |= {chr(c) for c in range(0xA0, 0x100)}  # Latin-1
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK punctuation
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    chars |= set(EXTRA)
    return "".join(sorted(chars))


def truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replace ``font``'s CFF outlines by TrueType ones, in place.

    Each cubic curve becomes quadratic splines within ``max_err`` font
    units (of 1,000 per em): invisible at any print size.
    """
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        # CFF contours run anticlockwise, TrueType ones clockwise.
        glyphs[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
        "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
        "maxComponentElements", "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


def main(argv: list[str] | None = None) -> int:
    """Subset ``source`` to :func:`charset` and write it to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansSC-Regular.otf")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = charset()
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(args.source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    truetype(font)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.out))
    kept = len(font.getBestCmap())
    font.close()
    size = args.out.stat().st_size
    print(
        f"{args.out}: {kept} characters of {len(text)} asked, "
        f"{size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
