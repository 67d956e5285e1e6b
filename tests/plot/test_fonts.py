"""The bundled CJK font: present, licensed, covering GB2312, used."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont

from spaceplan import layout
from spaceplan.plot import style
from spaceplan.plot.floorplan import plot_floorplan


def test_bundled_font_is_small_licensed_and_named():
    assert layout.BUNDLED_FONT.is_file()
    assert 1.5e6 < layout.BUNDLED_FONT.stat().st_size < 2.5e6
    licence = (layout.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert (layout.FONT_DIR / "README.md").is_file()
    font = TTFont(layout.BUNDLED_FONT)
    assert font["name"].getDebugName(1) == "Noto Sans SC"


def test_bundled_font_covers_every_gb2312_character():
    cmap = TTFont(layout.BUNDLED_FONT).getBestCmap()
    missing = []
    for hi in range(0xB0, 0xF8):  # the hanzi rows
        for lo in range(0xA1, 0xFF):
            try:
                char = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if ord(char) not in cmap:
                missing.append(char)
    assert missing == []
    for char in "，。：；（）²±×—“”m":
        assert ord(char) in cmap, char


def test_family_list_names_concrete_fonts():
    # a generic family ("sans-serif") would not fall back per glyph
    families = style.rc_params()["font.family"]
    assert families[:2] == ["DejaVu Sans", "Noto Sans SC"]
    assert "sans-serif" not in families
    assert style.rc_params()["pdf.fonttype"] == 3


def test_user_font_comes_first(monkeypatch):
    monkeypatch.setenv(style.FONT_ENV, str(layout.BUNDLED_FONT))
    assert style.font_families()[0] == "Noto Sans SC"
    with pytest.raises(style.FontError, match="does not exist"):
        style.font_families("/no/such/font.otf")


def test_missing_characters_are_named_once(monkeypatch):
    monkeypatch.setattr(style, "_WARNED", set())
    families = style.font_families()
    with pytest.warns(UserWarning, match="堃 \\(U\\+5803\\)") as record:
        got = style.check_glyphs(["王堃 服务大厅", "堃"], families)
    assert got == ["堃"]
    assert len(record) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        style.check_glyphs(["堃"], families)  # already named: silent


def test_chinese_floor_plan_renders_without_glyph_warnings(
    scenario, plan, tmp_path
):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plot_floorplan(scenario, plan, floor=2)
        with style.drawing_context():
            ax.figure.savefig(tmp_path / "f.png")
        plt.close(ax.figure)
    assert [str(w.message) for w in caught] == []
