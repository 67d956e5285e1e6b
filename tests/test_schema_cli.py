"""``spaceplan schema``: JSON Schema from the models, one per document."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from spaceplan import resources
from spaceplan.cli import main

EXAMPLES = resources.on_disk(resources.examples())

FIELDS = {
    "scenario": {"name", "policy", "community", "building", "options"},
    "result": {"tool", "version", "scenario", "status", "candidates"},
    "policy": {"id", "title", "source", "area_target", "functions"},
}


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_each_schema_is_json_naming_the_known_fields(kind):
    res = CliRunner().invoke(main, ["schema", kind])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert FIELDS[kind] <= set(schema["properties"])


def test_scenario_rooms_are_a_list_or_a_path():
    schema = json.loads(CliRunner().invoke(main, ["schema", "scenario"]).stdout)
    rooms = schema["$defs"]["Building"]["properties"]["rooms"]
    kinds = {alt.get("type") for alt in rooms["anyOf"]}
    assert kinds == {"array", "string"}
    # every example's top-level keys are in the schema, the required
    # ones present; csv-rooms names its room list by path
    for path in sorted(EXAMPLES.glob("*/scenario.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) <= set(schema["properties"]), path
        assert set(schema["required"]) <= set(data), path
    csv = yaml.safe_load(
        (EXAMPLES / "csv-rooms" / "scenario.yaml").read_text("utf-8")
    )
    assert isinstance(csv["building"]["rooms"], str)


def test_help_lists_exit_codes_and_a_bad_kind_exits_1():
    res = CliRunner().invoke(main, ["schema", "--help"])
    assert "Exit status:" in res.stdout and "0  the schema" in res.stdout
    bad = CliRunner().invoke(main, ["schema", "plan", "--lang", "en"])
    assert bad.exit_code == 1
    assert "'plan' is not one of" in bad.stderr
    zh = CliRunner().invoke(main, ["schema", "plan"])
    assert "'plan' 不在可选值" in zh.stderr
