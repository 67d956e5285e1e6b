"""``spaceplan schema``: the JSON Schema of the files spaceplan reads and
writes, generated from its pydantic models.

- ``scenario``: a scenario file as written by hand (``ScenarioFile``);
  ``building.rooms`` is a list of rooms or the path of a room list.
- ``result``: ``result.json`` (``Result``).
- ``policy``: a regulation profile (``Policy``).

The models are imported inside the command, so that ``spaceplan --help``
starts fast.
"""

from __future__ import annotations

import json
from typing import Any

import click

from spaceplan.cli.command import SpaceplanCommand
from spaceplan.cli.options import BAD_INPUT, exit_codes, lang_option

#: The documents a schema can be printed for.
KINDS = ("scenario", "result", "policy")
#: The JSON Schema dialect pydantic generates.
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _rooms_list_or_path(schema: dict[str, Any]) -> dict[str, Any]:
    """``building.rooms`` as the reader takes it: rooms, or a file name.

    The model holds the rooms the reader made; the file may name a room
    list beside it instead (``rooms: rooms.csv``).
    """
    building = schema["$defs"]["Building"]["properties"]
    rooms = building["rooms"]
    building["rooms"] = {
        "title": rooms.get("title", "Rooms"),
        "anyOf": [
            {k: v for k, v in rooms.items() if k != "title"},
            {
                "type": "string",
                "minLength": 1,
                "description": "Path of a room list file, relative to "
                "the scenario file (CSV with columns id, name, floor, "
                "area, kind, tags).",
            },
        ],
    }
    return schema


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a ``kind`` of document (one of :data:`KINDS`).

    Raises
    ------
    ValueError
        ``kind`` is not one of :data:`KINDS`.
    """
    # Imported here, not at the top: start-up speed (pydantic models).
    from spaceplan.data import Policy, ScenarioFile
    from spaceplan.solution import Result

    if kind == "scenario":
        schema = _rooms_list_or_path(ScenarioFile.model_json_schema())
    elif kind == "result":
        schema = Result.model_json_schema(mode="serialization")
    elif kind == "policy":
        schema = Policy.model_json_schema()
    else:
        raise ValueError(f"unknown schema {kind!r}; use {', '.join(KINDS)}.")
    return {"$schema": DIALECT, **schema}


@click.command(
    "schema",
    cls=SpaceplanCommand,
    epilog=exit_codes((0, "the schema is printed"), BAD_INPUT),
)
@click.argument("kind", type=click.Choice(KINDS), metavar="KIND")
@lang_option("Language of errors (the schema itself is JSON).")
def schema(kind: str, lang: str) -> None:
    """Print the JSON Schema of a scenario, result.json or a profile.

    KIND is scenario, result or policy. The schema is generated from the
    models that read and write these files, so it cannot drift from
    them; editors use it to complete and check YAML and JSON.
    """
    click.echo(json.dumps(json_schema(kind), ensure_ascii=False, indent=2))
