"""One plan's report reads a candidate's own checks, never re-checks."""

from __future__ import annotations

from pathlib import Path

import pytest

import spaceplan.report.plan as plan_report
from spaceplan.check import audit, checked_candidate
from spaceplan.read import read_plan, read_scenario
from spaceplan.report import compliance_markdown, plan_audit
from spaceplan.solution import Plan

DATA = Path(__file__).parent / "data" / "plot"


@pytest.fixture(scope="module")
def scenario():
    return read_scenario(DATA / "scenario.yaml")


def _plans(scenario):
    plan = read_plan(DATA / "plan.yaml", scenario)
    pairs = plan.placement()
    first = next(iter(pairs))
    # the good plan; one with a function left out (fails "placed"); one
    # with two functions crammed into one room (fails room rules twice)
    missing = Plan.from_pairs({k: v for k, v in pairs.items() if k != first})
    crammed = Plan.from_pairs(dict.fromkeys(pairs, "R101"))
    return [plan, missing, crammed]


def test_candidate_checks_give_back_the_checkers_audit(scenario):
    for plan in _plans(scenario):
        found = audit(scenario, plan)
        cand = checked_candidate(scenario, plan, "A", found=found)
        again = plan_audit(scenario, cand)
        assert again.rows == found.rows
        assert again.violations == found.violations


def test_report_of_a_candidate_does_not_audit(scenario, monkeypatch):
    plan = _plans(scenario)[2]
    cand = checked_candidate(scenario, plan, "A")
    expected = compliance_markdown(scenario, plan, audit(scenario, plan))

    def refuse(*args: object) -> None:
        raise AssertionError("a checked candidate was audited again")

    monkeypatch.setattr(plan_report, "audit", refuse)
    text = compliance_markdown(scenario, cand)
    # same report apart from the candidate id in the heading
    assert text.split("\n", 1)[1] == expected.split("\n", 1)[1]


def test_the_chinese_report_uses_chinese_punctuation(scenario):
    # Labels end in the full-width colon and remarks sit in full-width
    # brackets: no "label: value" or "value (remark)" after a Chinese
    # character. The English report keeps ": " and " (".
    import re

    plan = _plans(scenario)[0]
    zh = compliance_markdown(scenario, plan, audit(scenario, plan), lang="zh")
    han = "[\u4e00-\u9fff]"
    assert re.findall(han + r": ", zh) == []
    assert re.findall(han + r" \(", zh) == []
    # Lists of functions take the enumeration comma 、.
    assert re.findall(han + ", " + han, zh) == []
    assert "户数：" in zh
    en = compliance_markdown(scenario, plan, audit(scenario, plan), lang="en")
    assert "households: " in en.lower()
