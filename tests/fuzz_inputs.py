"""Hypothesis strategies for hostile input files (scenario, room list, plan).

Shared by ``tests/test_fuzz.py`` (a quick run in CI) and
``benchmarks/fuzz.py`` (10,000 inputs). A drawn input is a set of files in
one folder and the command line that reads them. Most inputs are a valid
scenario of the test profile ``tiny`` mutated in one to three places (a
value replaced by a hostile one, a key dropped or added, a list item
doubled), written as YAML or JSON; some are cut short or have bytes
flipped; some come with a CSV room list or a plan drawn the same way.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import strategies as st

from spaceplan.cli import main

#: A valid scenario of profile ``tiny`` (tests/data/configs) to mutate.
BASE: dict[str, Any] = {
    "name": "fuzz",
    "policy": "tiny",
    "community": {"households": 400, "area_type": "urban_built"},
    "building": {
        "rooms": [
            {
                "id": "R101",
                "floor": 1,
                "polygon": [[0, 0], [10, 0], [10, 6], [0, 6]],
                "tags": ["accessible"],
            },
            {
                "id": "R102",
                "floor": 1,
                "polygon": [[10, 0], [14, 0], [14, 10], [10, 10]],
            },
            {"id": "R201", "floor": 2, "area": 15, "tags": ["lockable"]},
            {"id": "R202", "floor": 2, "area": 25, "kind": "room"},
            {"id": "R203", "floor": 2, "area": 120},
            {"id": "C1", "floor": 1, "area": 12, "kind": "circulation"},
        ]
    },
    "functions": [
        {"id": "archive", "min_area": 12, "never_with": ["reading_room"]},
        {
            "id": "council_room",
            "near": [{"function": "reading_room", "weight": 2}],
            "schedule": ["eve"],
        },
        {"id": "community_office", "floors": {"min": 1, "max": 2}},
    ],
    "require": ["vegetable_shop"],
    "options": {"time_limit": 5, "seed": 0, "candidates": 2},
}
#: A plan of BASE (compliance does not matter: only reading is fuzzed).
PLAN: dict[str, Any] = {
    "service_hall": "R101",
    "council_room": "R102",
    "reading_room": "R102",
    "archive": "R201",
    "community_office": "R202",
    "flex_activity": "R203",
    "vegetable_shop": "R101",
}
#: The same plan in the form of a result.json.
RESULT: dict[str, Any] = {
    "candidates": [
        {
            "id": "A",
            "assignments": [
                {"function": f, "room": r} for f, r in PLAN.items()
            ],
        }
    ]
}
#: The test profile ``tiny``, as a file a scenario may name.
PROFILE: dict[str, Any] = yaml.safe_load(
    (
        Path(__file__).parent / "data" / "configs" / "policies" / "tiny.yaml"
    ).read_text(encoding="utf-8")
)
CSV_HEADER = ["id", "name", "floor", "area", "kind", "tags"]
CSV_ROWS = [
    ["R101", "门厅", "1", "60", "room", "accessible"],
    ["R102", "", "1", "40", "room", ""],
    ["R201", "", "2", "15", "room", "lockable;quiet"],
    ["R202", "", "2", "25", "", ""],
    ["R203", "", "2", "120", "room", ""],
]

#: Characters that have broken parsers and terminals before.
NASTY = (
    "\x00\x07\t\n\r\x1b\x7f\u202e\u200b\ufeff\u2028'\"\\,;:&*!|>%@`{}[]#"
    "R1０２社区"
)


def _text(max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.one_of(st.sampled_from(NASTY), st.characters()),
        max_size=max_size,
    )


#: Scalars a field might be given instead of the right one.
SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(
        [0, -1, 2**31, 2**63, 10**400, 1e17, 1e300, 0.004, 1e-9, -0.0]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    _text(),
    st.sampled_from(["", "always", "R101", "archive", "archve", "tiny"]),
)
#: Any value: a scalar or a small nest of lists and mappings.
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_text(6), inner, max_size=3),
    ),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a nest of dicts and lists."""
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` changed in one to three places."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(data, path[:-1])
        key = path[-1]
        op = draw(st.sampled_from(["set", "set", "drop", "add", "double"]))
        if op == "set":
            parent[key] = draw(VALUES)
        elif op == "drop":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(_text(8))] = draw(VALUES)
        elif op == "double" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return data


def _dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, default=str)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def damaged(draw: st.DrawFn, text: str) -> bytes:
    """``text`` as UTF-8, maybe cut short or with a byte changed."""
    raw = text.encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(["whole", "whole", "cut", "flip"]))
    if how == "cut" and raw:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif how == "flip" and raw:
        i = draw(st.integers(0, len(raw) - 1))
        raw = raw[:i] + bytes([draw(st.integers(0, 255))]) + raw[i + 1 :]
    return raw


@st.composite
def room_list(draw: st.DrawFn) -> bytes:
    """A CSV room list with cells and rows changed."""
    rows = [list(CSV_HEADER)] + [list(r) for r in CSV_ROWS]
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(rows[i]) - 1))
        cell = draw(
            st.one_of(
                _text(),
                st.sampled_from(
                    ["inf", "nan", "1e309", "-5", "0.001", "true", "", "1" * 400]
                ),
            )
        )
        rows[i][j] = cell
        if draw(st.booleans()):
            rows[i].append(draw(_text(4)))
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = sep.join(",".join(_quote(c) for c in row) for row in rows) + sep
    return draw(damaged(text))


def _quote(cell: str) -> str:
    if any(c in cell for c in ',"\n\r') and not cell.startswith('"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@dataclass(frozen=True)
class Drawn:
    """One fuzzed input: the files of a folder and the command to run."""

    files: dict[str, bytes]
    command: list[str]  # file names are relative to the folder


@st.composite
def inputs(draw: st.DrawFn) -> Drawn:
    """A scenario (maybe with a room list) for validate, or a plan for
    check."""
    kind = draw(
        st.sampled_from(
            ["scenario", "scenario", "scenario", "csv", "profile", "plan"]
        )
    )
    fmt = draw(st.sampled_from(["yaml", "yaml", "json"]))
    name = f"scenario.{fmt}"
    if kind == "scenario":
        text = _dump(draw(mutated(BASE)), fmt)
        return Drawn({name: draw(damaged(text))}, ["validate", name])
    if kind == "csv":
        base = copy.deepcopy(BASE)
        base["building"] = {"rooms": "rooms.csv"}
        files = {name: _dump(base, fmt).encode(), "rooms.csv": draw(room_list())}
        return Drawn(files, ["validate", name])
    if kind == "profile":
        base = copy.deepcopy(BASE)
        base["policy"] = "profile.yaml"
        files = {
            name: _dump(base, fmt).encode(),
            "profile.yaml": draw(damaged(_dump(draw(mutated(PROFILE)), "yaml"))),
        }
        return Drawn(files, ["validate", name])
    plan_fmt = draw(st.sampled_from(["yaml", "json"]))
    plan = draw(mutated(draw(st.sampled_from([PLAN, RESULT]))))
    files = {
        name: _dump(BASE, fmt).encode(),
        f"plan.{plan_fmt}": draw(damaged(_dump(plan, plan_fmt))),
    }
    return Drawn(files, ["check", name, f"plan.{plan_fmt}"])


def run_drawn(drawn: Drawn, folder: Path) -> tuple[int, str, str]:
    """Write the files of ``drawn`` into ``folder`` and run its command."""
    for name, data in drawn.files.items():
        (folder / name).write_bytes(data)
    args = [
        str(folder / a) if a in drawn.files else a for a in drawn.command
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(
        result.exception, SystemExit
    ):
        raise AssertionError(
            f"{type(result.exception).__name__}: {result.exception}"
        ) from result.exception
    return result.exit_code, result.stdout, result.stderr


def judge(code: int, stderr: str, folder: Path) -> str | None:
    """What is wrong with one run, or None when it behaved."""
    if "Traceback" in stderr:
        return "traceback"
    if code not in (0, 1, 2):
        return f"exit {code}"
    if code == 1:
        lines = stderr.splitlines()
        if len(lines) != 1:
            return f"{len(lines)} error lines"
        if not lines[0].startswith((f"error: {folder}", f"错误：{folder}")):
            return "error line names no input file"
    return None
