"""``spaceplan import-dxf``: a room list for a scenario from a drawing."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from spaceplan.cli.command import SpaceplanCommand
from spaceplan.cli.options import (
    BAD_INPUT,
    as_lang,
    exit_codes,
    json_option,
    lang_option,
    output_option,
    quiet_option,
)
from spaceplan.fileio import prepare_output_file, write_text
from spaceplan.i18n import t


@click.command(
    "import-dxf",
    cls=SpaceplanCommand,
    epilog=exit_codes((0, "the room list was written"), BAD_INPUT),
)
@click.argument("drawing", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--layer",
    required=True,
    help="Layer of the closed room outlines (wildcards allowed: '*-ROOM').",
)
@click.option(
    "--text-layer",
    default=None,
    help="Layer of the room numbers and names [default: any layer].",
)
@click.option(
    "--units",
    type=click.Choice(["mm", "cm", "m"]),
    default=None,
    help="Drawing unit; needed when the drawing does not state it, and "
    "wins over a wrong $INSUNITS.",
)
@click.option(
    "--floor",
    type=int,
    default=None,
    help="Floor of every room (1 ground floor, -1 first basement) "
    "[default: from the layer name, e.g. 2F-ROOM].",
)
@click.option(
    "--floor-from-layer",
    default=None,
    metavar="REGEX",
    help="Regular expression whose first group is the floor number in "
    "the layer name.",
)
@click.option(
    "--encoding",
    default=None,
    help="Text encoding of an old drawing whose header is wrong, e.g. gbk.",
)
@output_option(
    "YAML file to write (a `rooms:` list).",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
)
@json_option("Print what was read as JSON.")
@quiet_option("Print nothing but errors.")
@lang_option()
def import_dxf(
    drawing: Path,
    layer: str,
    text_layer: str | None,
    units: str | None,
    floor: int | None,
    floor_from_layer: str | None,
    encoding: str | None,
    output: Path,
    as_json: bool,
    quiet: bool,
    lang: str,
) -> None:
    """Read room outlines and labels from DRAWING (DXF) into a room list.

    Closed polylines on --layer become rooms (arcs, blocks included); a
    text inside a room gives its number (e.g. R101, 101) and name.
    Kinds and tags are left for you to add.
    """
    # Imported here, not at the top: start-up speed (ezdxf, shapely).
    from spaceplan.dxf.read import DxfWarning, read_dxf_rooms, rooms_yaml
    from spaceplan.solution import SCHEMA_VERSION

    prepare_output_file(output)  # before any work
    with warnings.catch_warnings(record=True) as caught:
        # What the drawing leaves in doubt is said once, as a warning line;
        # any other library warning is dropped, never printed as noise.
        warnings.simplefilter("always")
        rooms = read_dxf_rooms(
            drawing,
            layer,
            units=units,
            floor=floor,
            floor_from_layer=floor_from_layer,
            encoding=encoding,
            text_layer=text_layer,
        )
    for w in caught:
        if issubclass(w.category, DxfWarning) and not quiet:
            click.echo(f"warning: {drawing}: {w.message}", err=True)
    source = f"{drawing.name}, layer {layer}"
    write_text(output, rooms_yaml(rooms, source))
    unnamed = sum(r.id.startswith("ROOM-") for r in rooms)
    floors = sorted({r.floor for r in rooms})
    total = sum(r.area for r in rooms)
    if as_json:
        found = {
            "schema_version": SCHEMA_VERSION,
            "rooms": len(rooms),
            "floors": floors,
            "area_m2": round(total, 2),
            "unnamed": unnamed,
            "output": str(output),
        }
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if quiet:
        return
    language = as_lang(lang)
    click.echo(
        t(
            "face.dxf.read",
            language,
            n=len(rooms),
            floors=", ".join(map(str, floors)),
            area=total,
            output=output,
        )
    )
    if unnamed:
        click.echo(t("face.dxf.unnamed", language, n=unnamed), err=True)
