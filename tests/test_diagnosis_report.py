"""The diagnosis of a result with no plan, worded in the reports.

The HTML and Markdown reports lay out the stored diagnosis as sentences
and tables with headings in the user's language, never as a dump of its
keys (``{'rule': ...}``, ``cost_text``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from spaceplan.read import read_scenario
from spaceplan.report.diagnosis import diagnosis_words
from spaceplan.report.html import render_html
from spaceplan.report.solve import result_markdown
from spaceplan.solution import Result, ScenarioRef

DATA = Path(__file__).parent / "data" / "plot"

#: A diagnosis as ``Diagnosis.as_dict`` stores it (its words in Chinese).
DIAGNOSIS = {
    "status": "infeasible",
    "summary": "建筑内275 m²的可用房间达不到1,260 m²的面积指标：还差985 m²。",
    "prechecks": [
        {"rule": "area_target", "subject": "facility",
         "message": "可用房间达不到面积指标。", "source": "某方案 三(二)"},
    ],
    "conflict": [
        {"rule": "area_target", "subject": "facility",
         "message": "设施面积必须达到1,260 m²。", "source": "某方案 三(二)"},
        {"rule": "needs", "subject": "service_hall",
         "message": "服务大厅需要无障碍房间。", "source": "GB 50763-2012 7.3"},
    ],
    "repairs": [
        {"rank": 1, "kind": "relax", "cost": 985.0, "cost_unit": "m2",
         "cost_text": "增加985 m²", "waiver": False, "dropped": [],
         "changes": [{"kind": "add_area", "subject": "building",
                      "amount": 985, "message": "增加985 m²的可用房间。"}],
         "message": "增加985 m²的可用房间。", "verified": True,
         "status": "feasible"},
    ],
    "waivers": [
        {"rank": 1, "cost_text": "豁免", "waiver": True,
         "message": "豁免面积指标（须经主管部门同意）。"},
    ],
    "households": {"max": 916, "exact": True, "message": "最多可服务916户。"},
    "profiles": [
        {"policy": "chengdu-2017", "feasible": False},
        {"policy": "complete-community-2022", "feasible": True},
    ],
    "seconds": 5.3,
    "solves": 9,
}  # fmt: skip
KEYS = {
    key
    for value in DIAGNOSIS.values()
    for item in (value if isinstance(value, list) else [value])
    if isinstance(item, dict)
    for key in item
} | set(DIAGNOSIS)


@pytest.fixture(scope="module")
def infeasible():
    scenario = read_scenario(DATA / "scenario.yaml")
    result = Result(
        version="0.1.0",
        scenario=ScenarioRef(name=scenario.name, policy=scenario.policy.id),
        status="infeasible",
        solve_seconds=0.5,
        diagnosis=DIAGNOSIS,
    )
    return scenario, result


def _visible(page: str) -> str:
    page = re.sub(r"<(style|svg|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def test_html_diagnosis_is_sentences_and_tables(infeasible) -> None:
    page = render_html(*infeasible, "zh")
    section = page[page.index('<section id="diagnosis"'):]
    section = section[: section.index("</section>")]
    text = _visible(section)
    assert "{'" not in text and '{"' not in text
    # The costs note names the file of repair costs: a file, not a key.
    words = set(re.findall(r"[A-Za-z_]{3,}", text.replace("repairs.toml", "")))
    assert words & KEYS == set(), words & KEYS
    # Headings and columns come from the catalogue, the rows from the data.
    assert "最小冲突" in text and "修改内容" in text
    assert section.count("<tr>") == 2 + 1 + 1 + 3  # rows and heads
    assert "增加985 m²的可用房间。" in text
    assert "complete-community-2022" in text  # the feasible profile


def test_english_headings_under_english(infeasible) -> None:
    text = _visible(render_html(*infeasible, "en"))
    assert "Minimal conflict" in text and "what to change" in text


def test_markdown_lays_out_the_same_blocks(infeasible) -> None:
    scenario, result = infeasible
    md = result_markdown(scenario, result, "zh")
    assert "{'" not in md
    assert "| 序号 | 代价 | 修改内容 |" in md
    assert "| 1 | 增加985 m² | 增加985 m²的可用房间。 |" in md
    assert "- 可用房间达不到面积指标。（来源：某方案 三(二)）" in md


def test_a_partial_diagnosis_still_reads() -> None:
    # An older result may hold bare sentences or few keys.
    words = diagnosis_words({"summary": "不可行。", "repairs": ["加房间"]}, "zh")
    assert words.summary == "不可行。"
    assert words.blocks[0].rows == (("1", "", "加房间"),)
