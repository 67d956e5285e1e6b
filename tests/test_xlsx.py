"""The room and function schedule (.xlsx): read back, its totals are
result.json's."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from spaceplan.check import checked_candidate
from spaceplan.export import write_outputs
from spaceplan.read import read_plan, read_scenario
from spaceplan.report.xlsx import schedule_workbook
from spaceplan.solution import Plan, Result, ScenarioRef

DATA = Path(__file__).parent / "data" / "plot"


@pytest.fixture(scope="module")
def scenario():
    return read_scenario(DATA / "scenario.yaml")


@pytest.fixture(scope="module")
def out(scenario, tmp_path_factory):
    plan = read_plan(DATA / "plan.yaml", scenario)
    other = Plan.from_pairs({**plan.placement(), "council_room": "R103"})
    result = Result(
        version="0.1.0",
        scenario=ScenarioRef(name=scenario.name, policy=scenario.policy.id),
        status="feasible",
        solve_seconds=1.0,
        candidates=(
            checked_candidate(scenario, plan, "A"),
            checked_candidate(scenario, other, "B"),
        ),
    )
    folder = tmp_path_factory.mktemp("out")
    write_outputs(scenario, result, folder)
    return folder


def _rows(sheet):
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("cid", ["A", "B"])
def test_totals_equal_result_json(out, cid):
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    cand = next(c for c in result["candidates"] if c["id"] == cid)
    book = load_workbook(out / f"schedule-{cid}.xlsx")
    assert book.sheetnames == ["房间表", "功能表", "合规核验", "时间表"]
    rooms = book["房间表"]
    assert [c.value for c in rooms[1]][:4] == ["房间", "原名称", "楼层", "面积（m²）"]
    *body, total = _rows(rooms)
    assert total[0] == "合计"
    # the counted column sums to the facility area
    assert total[7] == pytest.approx(cand["metrics"]["facility_area"])
    assert sum(r[7] for r in body) == pytest.approx(total[7])
    # rooms in the facility: those holding functions
    holding = {r[0] for r in body if r[5]}
    assert holding == {u["room"] for u in cand["rooms"]}
    # every placement, once
    functions = _rows(book["功能表"])
    assert sorted((r[1], r[2]) for r in functions) == sorted(
        (a["function"], a["room"]) for a in cand["assignments"]
    )
    checks = _rows(book["合规核验"])
    assert len(checks) == len(cand["checks"])
    failed = sum(1 for r in checks if r[4] == "不通过")
    assert failed == sum(1 for c in cand["checks"] if not c["passed"])
    assert (
        checks[0][2] == cand["checks"][0]["required"]
    )  # numbers stay numbers


def test_english_headers(scenario, out):
    result = Result.model_validate_json(
        (out / "result.json").read_text(encoding="utf-8")
    )
    data = schedule_workbook(scenario, result.candidates[0], "en")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Rooms", "Functions", "Compliance", "Timetable"]
    assert book["Rooms"]["A1"].value == "Room"
    # the timetable: one row per room in use, one column per slot
    table = book["Timetable"]
    assert table.max_column == 1 + len(scenario.slots)
    assert table.max_row == 1 + len(result.candidates[0].rooms)
