"""The HTML report: self-contained, and whole in a real (headless) browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spaceplan.check import checked_candidate
from spaceplan.export import write_drawings
from spaceplan.read import read_plan, read_scenario
from spaceplan.report.html import render_html
from spaceplan.sentences import source_words
from spaceplan.solution import Plan, Result, ScenarioRef

DATA = Path(__file__).parent / "data" / "plot"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def scenario():
    return read_scenario(DATA / "scenario.yaml")


@pytest.fixture(scope="module")
def result(scenario):
    plan = read_plan(DATA / "plan.yaml", scenario)
    other = Plan.from_pairs({**plan.placement(), "council_room": "R103"})
    return Result(
        version="0.1.0",
        scenario=ScenarioRef(name=scenario.name, policy=scenario.policy.id),
        status="feasible",
        solve_seconds=1.0,
        candidates=(
            checked_candidate(scenario, plan, "A"),
            checked_candidate(scenario, other, "B"),
        ),
    )


@pytest.fixture(scope="module")
def report(scenario, result, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_drawings(scenario, result, out, formats=("svg", "html"))
    return out / "report.html"


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    # nothing to fetch: no URL, no linked file, no external reference
    assert not re.search(r"(?i)\b(https?|ftp|file):", page)
    assert not re.search(r"(?i)<(link|script|img|iframe)\b", page)
    assert not re.search(r"(?i)\bsrc=", page)
    assert not re.search(r"url\((?!#|data:)", page)
    assert "@import" not in page
    # the report's own Chinese text has its font inside the file
    assert "url(data:font/ttf;base64," in page
    # two plans and the comparison, inline, with ids kept apart
    assert page.count("<svg") == 3
    assert 'id="cA-room:R101"' in page and 'id="cB-room:R101"' in page


def test_report_holds_the_compliance_rows_with_sources(report, result):
    page = report.read_text(encoding="utf-8")
    for cand in result.candidates:
        assert f'id="candidate-{cand.id}"' in page
        for row in cand.checks:
            # the checker's own sources are worded in the page's language
            source = source_words(row.source, "zh")
            assert source.replace("&", "&amp;") in page
    # A breaks the share rule: the row is marked
    assert page.count('class="failrow"') >= 2  # in the comparison and in A
    assert "不通过" in page


def test_report_without_candidates_shows_the_diagnosis(scenario, tmp_path):
    infeasible = Result(
        version="0.1.0",
        scenario=ScenarioRef(name=scenario.name, policy=scenario.policy.id),
        status="infeasible",
        solve_seconds=0.5,
        diagnosis={
            "summary": "面积不足：可用房间合计 280 m²，低于指标 300 m²。",
            "repairs": [{"rank": 1, "message": "增加 20 m² 用房"}],
        },
    )
    paths = write_drawings(scenario, infeasible, tmp_path)
    # No plan: the building and its shortfall are drawn (plot/shortfall).
    names = ["drawings.pdf", "report.html", "shortfall.png"]
    assert sorted(p.name for p in paths) == names
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "面积不足" in page and "增加 20 m² 用房" in page
    assert "300.0 m²" in page  # the rule that was required
    assert "<svg" not in page


def test_english_report(scenario, result):
    page = render_html(scenario, result, "en")
    assert '<html lang="en">' in page
    assert "Compliance checks" in page and "Service hall" in page


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium "
    "(apt-get install -y chromium)",
)
def test_report_in_headless_chromium(report, tmp_path):
    url = report.resolve().as_uri()
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    # the browser parsed it whole: summary, comparison, both candidates
    for anchor in ("summary", "comparison", "candidate-A", "candidate-B"):
        assert f'id="{anchor}"' in dom
    # the comparison table, then compliance and rooms for each candidate,
    # and a weekly timetable for each shared room
    timetables = dom.count('class="timetable"')
    assert dom.count("<table") == 1 + 2 * 2 + timetables
    assert dom.count("<svg") == 3
    assert "</html>" in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1400,2400",
            f"--screenshot={shot}",
            url,
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    keep = os.environ.get("SPACEPLAN_ARTIFACTS")  # e.g. for CI to upload
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report.png")
