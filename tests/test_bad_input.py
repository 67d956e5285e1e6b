"""Bad input: one row per fault, each ending in one line and exit 1.

Every row writes a small scenario (and maybe a room list or a plan) into a
temporary folder, runs ``spaceplan validate`` or ``spaceplan check`` with
click's runner and asserts exit status 1, exactly one line on stderr
naming the file, the field path and the fault, and no traceback.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from spaceplan.cli import main

#: A valid scenario (profile ``tiny`` of tests/data/configs) to break.
BASE: dict[str, Any] = {
    "name": "坏输入测试",
    "policy": "tiny",
    "community": {"households": 400, "area_type": "urban_built"},
    "building": {
        "rooms": [
            {"id": "R101", "floor": 1, "area": 60, "tags": ["accessible"]},
            {"id": "R102", "floor": 1, "area": 40},
            {"id": "R201", "floor": 2, "area": 15, "tags": ["lockable"]},
            {"id": "R202", "floor": 2, "area": 25},
            {"id": "R203", "floor": 2, "area": 120},
        ]
    },
}
PLAN = {
    "service_hall": "R101",
    "council_room": "R102",
    "reading_room": "R102",
    "archive": "R201",
    "community_office": "R202",
    "flex_activity": "R203",
}
CSV = """id,name,floor,area,kind,tags
R101,,1,60,room,accessible
R102,,1,40,room,
R201,,2,15,room,lockable
"""
SQUARE_60 = [[0, 0], [10, 0], [10, 6], [0, 6]]


@dataclass
class Case:
    """One bad input: the files to write and what the error must say."""

    files: dict[str, str | bytes]
    file: str  # the file the message must name
    field: str | None  # the field path it must name, if any
    fault: str | tuple[str, ...]  # fragments of the fault
    command: str = "validate"
    extra: list[str] = field(default_factory=list)


def scenario(change: Callable[[dict[str, Any]], Any] | None = None) -> str:
    """BASE as YAML after ``change`` (which edits a deep copy)."""
    data = copy.deepcopy(BASE)
    if change is not None:
        change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def rooms(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["building"]["rooms"]


def plan(change: Callable[[dict[str, Any]], Any]) -> str:
    data = dict(PLAN)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


def with_csv(data: dict[str, Any]) -> None:
    data["building"]["rooms"] = "rooms.csv"


CASES: dict[str, Case] = {
    # A list left open: the YAML parser's own words, with line and column.
    "malformed_yaml": Case(
        {"scenario.yaml": "name: x\nbuilding: [unclosed\n"},
        "scenario.yaml",
        None,
        "is not valid YAML",
    ),
    # JSON cut short: json's message with line and column.
    "malformed_json": Case(
        {"scenario.json": '{"name": "x", "policy": '},
        "scenario.json",
        None,
        "is not valid JSON",
    ),
    # A YAML list where a mapping of fields belongs.
    "top_level_not_mapping": Case(
        {"scenario.yaml": "- name\n- policy\n"},
        "scenario.yaml",
        None,
        "must hold a mapping of fields",
    ),
    # A misspelt profile id gets a did-you-mean.
    "unknown_profile": Case(
        {"scenario.yaml": scenario(lambda d: d.update(policy="tinny"))},
        "scenario.yaml",
        "policy",
        "Did you mean 'tiny'?",
    ),
    # A profile path that does not exist.
    "missing_profile_file": Case(
        {"scenario.yaml": scenario(lambda d: d.update(policy="no/p.yaml"))},
        "scenario.yaml",
        "policy",
        "no profile file at",
    ),
    # require names a function the profile lacks (did-you-mean).
    "unknown_require": Case(
        {"scenario.yaml": scenario(lambda d: d.update(require=["archve"]))},
        "scenario.yaml",
        "require[0]",
        "did you mean 'archive'?",
    ),
    # exclude names a function the profile lacks.
    "unknown_exclude": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d.update(exclude=["vegtable_shop"])
            )
        },
        "scenario.yaml",
        "exclude[0]",
        "did you mean 'vegetable_shop'?",
    ),
    # The plan names a function that is not in the scenario.
    "unknown_plan_function": Case(
        {
            "scenario.yaml": scenario(),
            "plan.yaml": plan(lambda p: p.update(archve=p.pop("archive"))),
        },
        "plan.yaml",
        "archve",
        "did you mean 'archive'?",
        command="check",
    ),
    # The plan names a room that is not in the building.
    "unknown_plan_room": Case(
        {
            "scenario.yaml": scenario(),
            "plan.yaml": plan(lambda p: p.update(archive="R999")),
        },
        "plan.yaml",
        "archive",
        "unknown room 'R999'",
        command="check",
    ),
    # A plan that is a list, not a mapping function: room.
    "plan_not_mapping": Case(
        {"scenario.yaml": scenario(), "plan.yaml": "- R101\n"},
        "plan.yaml",
        None,
        "must hold a mapping",
        command="check",
    ),
    # A result.json without the candidate asked for.
    "unknown_candidate": Case(
        {
            "scenario.yaml": scenario(),
            "result.json": json.dumps(
                {
                    "candidates": [
                        {
                            "id": "A",
                            "assignments": [
                                {"function": "archive", "room": "R201"}
                            ],
                        }
                    ]
                }
            ),
        },
        "result.json",
        "candidates",
        "no candidate 'B'; there are A",
        command="check",
        extra=["--candidate", "B"],
    ),
    # The same room id twice in the YAML room list.
    "duplicate_room_yaml": Case(
        {"scenario.yaml": scenario(lambda d: rooms(d)[1].update(id="R101"))},
        "scenario.yaml",
        "building",
        "Room R101 is listed twice.",
    ),
    # The same room id twice in a CSV room list: the line is named.
    "duplicate_room_csv": Case(
        {
            "scenario.yaml": scenario(with_csv),
            "rooms.csv": CSV + "R101,,2,20,room,\n",
        },
        "rooms.csv",
        "line 5",
        "Room R101 is listed twice (first on line 2).",
    ),
    # A negative area.
    "negative_area": Case(
        {"scenario.yaml": scenario(lambda d: rooms(d)[3].update(area=-5))},
        "scenario.yaml",
        "building.rooms[3].area",
        ("must be greater than 0", "(got -5)."),
    ),
    # A zero area.
    "zero_area": Case(
        {"scenario.yaml": scenario(lambda d: rooms(d)[0].update(area=0))},
        "scenario.yaml",
        "building.rooms[0].area",
        ("must be greater than 0", "(got 0)."),
    ),
    # An area that is not a number.
    "area_not_number_yaml": Case(
        {
            "scenario.yaml": scenario(
                lambda d: rooms(d)[2].update(area="fifteen")
            )
        },
        "scenario.yaml",
        "building.rooms[2].area",
        "must be a number (got 'fifteen').",
    ),
    # Stated 50 m², drawn 10 × 6 = 60 m²: 20 % apart, more than 2 %.
    "polygon_area_mismatch": Case(
        {
            "scenario.yaml": scenario(
                lambda d: rooms(d)[0].update(area=50, polygon=SQUARE_60)
            )
        },
        "scenario.yaml",
        "building.rooms[0]",
        "area 50 m² differs from its polygon's 60.00 m² by more than 2%.",
    ),
    # Edges that cross (an uneven bow tie, 30 m² of signed area).
    "self_intersecting_polygon": Case(
        {
            "scenario.yaml": scenario(
                lambda d: rooms(d)[0].update(
                    polygon=[[0, 0], [10, 0], [0, 10], [4, 10]], area=None
                )
            )
        },
        "scenario.yaml",
        "building.rooms[0]",
        "check for crossing edges",
    ),
    # Two points are a line, not an outline.
    "polygon_two_points": Case(
        {
            "scenario.yaml": scenario(
                lambda d: rooms(d)[0].update(polygon=[[0, 0], [10, 0]])
            )
        },
        "scenario.yaml",
        "building.rooms[0]",
        "polygon needs at least 3 distinct points.",
    ),
    # A room with neither area nor polygon.
    "room_without_area": Case(
        {"scenario.yaml": scenario(lambda d: rooms(d)[1].pop("area"))},
        "scenario.yaml",
        "building.rooms[1]",
        "needs an area or a polygon.",
    ),
    # A CSV room list without its area column.
    "csv_missing_column": Case(
        {
            "scenario.yaml": scenario(with_csv),
            "rooms.csv": "id,floor\nR101,1\n",
        },
        "rooms.csv",
        "header",
        "missing column 'area'",
    ),
    # A CSV area cell that is not a number: line and room named.
    "csv_area_not_number": Case(
        {
            "scenario.yaml": scenario(with_csv),
            "rooms.csv": CSV.replace("R102,,1,40", "R102,,1,forty"),
        },
        "rooms.csv",
        "line 3 (room R102).area",
        "must be a number (got 'forty').",
    ),
    # The room list the scenario points to is not there.
    "csv_missing_file": Case(
        {"scenario.yaml": scenario(with_csv)},
        "scenario.yaml",
        "building.rooms",
        "no room list at",
    ),
    # A tag spaceplan does not know.
    "unknown_tag": Case(
        {
            "scenario.yaml": scenario(
                lambda d: rooms(d)[0].update(tags=["sunny"])
            )
        },
        "scenario.yaml",
        "building.rooms[0].tags[0]",
        "must be one of 'daylight', 'accessible'",
    ),
    # An unknown room kind.
    "unknown_room_kind": Case(
        {
            "scenario.yaml": scenario(
                lambda d: rooms(d)[4].update(kind="office")
            )
        },
        "scenario.yaml",
        "building.rooms[4].kind",
        "must be one of 'room'",
    ),
    # A misspelt optional field is an error, not silently ignored.
    "unknown_field": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d.update(options={"time_limt": 30})
            )
        },
        "scenario.yaml",
        "options.time_limt",
        "is not a known field.",
    ),
    # households must be above 0.
    "households_zero": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d["community"].update(households=0)
            )
        },
        "scenario.yaml",
        "community.households",
        "must be greater than 0 (got 0).",
    ),
    # households must be a whole number.
    "households_fraction": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d["community"].update(households=12.5)
            )
        },
        "scenario.yaml",
        "community.households",
        "must be a whole number",
    ),
    # A rural community with the built-area profile.
    "area_type_mismatch": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d["community"].update(area_type="rural")
            )
        },
        "scenario.yaml",
        "community.area_type",
        "is rural, but profile tiny is for urban_built areas",
    ),
    # An area type that does not exist.
    "area_type_unknown": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d["community"].update(area_type="suburban")
            )
        },
        "scenario.yaml",
        "community.area_type",
        "must be one of",
    ),
    # A new function (not in the profile) needs all its fields.
    "new_function_missing_min_area": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d.update(
                    functions=[
                        {
                            "id": "day_care",
                            "name": "日间照料中心",
                            "name_en": "Day care",
                            "category": "resident",
                        }
                    ]
                )
            )
        },
        "scenario.yaml",
        "functions[0].min_area",
        "is required for the new function 'day_care'",
    ),
    # An override with a bad function id.
    "function_id_pattern": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d.update(
                    functions=[{"id": "Day Care", "min_area": 10}]
                )
            )
        },
        "scenario.yaml",
        "functions[0].id",
        "is not a valid id",
    ),
    # An override whose floors run backwards.
    "floors_backwards": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d.update(
                    functions=[
                        {"id": "archive", "floors": {"min": 3, "max": 1}}
                    ]
                )
            )
        },
        "scenario.yaml",
        "functions[0].floors",
        "floors min 3 is above max 1.",
    ),
    # A schedule naming a slot the profile does not have.
    "schedule_unknown_slot": Case(
        {
            "scenario.yaml": scenario(
                lambda d: d.update(
                    functions=[{"id": "archive", "schedule": ["weekend"]}]
                )
            )
        },
        "scenario.yaml",
        "functions[0].schedule[0]",
        "unknown slot 'weekend'; the profile's slots are day, eve.",
    ),
    # The same key twice in one mapping.
    "yaml_key_twice": Case(
        {"scenario.yaml": "name: a\nname: b\npolicy: tiny\n"},
        "scenario.yaml",
        None,
        "key 'name' appears twice at line 2",
    ),
    # GBK bytes, not UTF-8.
    "not_utf8": Case(
        {"scenario.yaml": "name: 社区\n".encode("gbk")},
        "scenario.yaml",
        None,
        "is not UTF-8 text",
    ),
    # No scenario file at all.
    "missing_file": Case({}, "scenario.yaml", None, "no such file."),
    # The scenario is a folder.
    "scenario_is_folder": Case(
        {"scenario.yaml/keep": ""},
        "scenario.yaml",
        None,
        "is a folder, not a file.",
    ),
}

#: Rows whose message lacks the field path today; see the final report.


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _args(case: Case, folder: Path) -> list[str]:
    names = list(case.files) or [case.file]
    main_file = next((n for n in names if n.startswith("scenario")), case.file)
    args = [case.command, str(folder / main_file.split("/")[0])]
    if case.command == "check":
        other = next(n for n in case.files if not n.startswith("scenario"))
        args.append(str(folder / other))
    return args + case.extra


def test_there_are_enough_rows() -> None:
    assert len(CASES) >= 18


@pytest.mark.usefixtures("tiny_configs")
@pytest.mark.parametrize(
    "name",
    list(CASES),
)
def test_bad_input(name: str, tmp_path: Path, runner) -> None:
    case = CASES[name]
    _write(tmp_path, case.files)
    # The faults are matched in English (Chinese: test_error_language).
    result = runner.invoke(main, [*_args(case, tmp_path), "--lang", "en"])
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert "Traceback" not in result.output
    assert line.startswith(f"error: {tmp_path / case.file}: "), line
    if case.field is not None:
        assert f": {case.field}: " in line, line
    fragments = (case.fault,) if isinstance(case.fault, str) else case.fault
    for fragment in fragments:
        assert fragment in line, line
    assert line[-1] in ".?", line
