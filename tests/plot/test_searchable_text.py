"""The drawings' text is text: found in the PDF by pdftotext, in the SVG
as <text> elements."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from spaceplan.export import write_drawings
from spaceplan.plot.style import SVG_FALLBACK

PDFTOTEXT = shutil.which("pdftotext")
SVG_NS = "{http://www.w3.org/2000/svg}"
HANZI = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def drawings(scenario, result, tmp_path_factory):
    out = tmp_path_factory.mktemp("drawings")
    write_drawings(scenario, result, out, formats=("svg", "pdf"))
    return out


@pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="needs pdftotext from Debian's poppler-utils "
    "(apt-get install -y poppler-utils)",
)
def test_pdf_text_is_found_by_pdftotext(drawings, scenario):
    run = subprocess.run(
        [str(PDFTOTEXT), "-enc", "UTF-8", str(drawings / "drawings.pdf"), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    text = run.stdout
    # the scenario's name (cover and title blocks) and a function's name
    assert scenario.name in text
    assert "服务大厅" in text
    # fonts embedded as TrueType, not Type 3 glyph procedures, and no
    # complaint from poppler about the embedded font files
    assert "Syntax Warning" not in run.stderr
    fonts = subprocess.run(
        ["pdffonts", str(drawings / "drawings.pdf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "TrueType" in fonts and "Type 3" not in fonts


def test_svg_text_is_text_with_chinese_fallbacks(drawings):
    root = ET.parse(drawings / "plan-A.svg").getroot()
    texts = [
        "".join(e.itertext()) for e in root.iter(f"{SVG_NS}text")
    ]
    chinese = [s for s in texts if HANZI.search(s)]
    assert "服务大厅" in "".join(chinese)
    styles = [e.get("style", "") for e in root.iter(f"{SVG_NS}text")]
    for family in ("Noto Sans SC", *SVG_FALLBACK[:2]):
        assert all(family in s for s in styles), family
