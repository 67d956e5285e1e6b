"""Build the bundled CJK font: a GB2312 subset of Noto Sans SC.

Usage::

    pip download --no-deps -d /tmp/fontpkg pylopdf-fonts-zh-cn
    unzip -o /tmp/fontpkg/pylopdf_fonts_zh_cn-*.whl -d /tmp/fontpkg/wheel
    python scripts/subset_font.py \\
        /tmp/fontpkg/wheel/pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf

The charset is built here with no extra data: every GB2312 byte pair is
decoded with Python's codec (6,763 hanzi plus the GB2312 symbols), then
ASCII, Latin-1, CJK punctuation and the few symbols our drawings use are
added. The result goes to ``src/spaceplan/fonts/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "spaceplan"
    / "fonts"
    / "NotoSansSC-Subset.otf"
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(args.out), options)
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
