"""``spaceplan import-dxf``: a room list for a scenario from a drawing."""

from __future__ import annotations

from pathlib import Path

import click

from spaceplan.errors import InputError
from spaceplan.fileio import write_text


@click.command("import-dxf")
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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="YAML file to write (a `rooms:` list).",
)
def import_dxf(
    drawing: Path,
    layer: str,
    text_layer: str | None,
    units: str | None,
    floor: int | None,
    floor_from_layer: str | None,
    encoding: str | None,
    output: Path,
) -> None:
    """Read room outlines and labels from DRAWING (DXF) into a room list.

    Closed polylines on --layer become rooms (arcs, blocks included); a
    text inside a room gives its number (e.g. R101, 101) and name.
    Kinds and tags are left for you to add.
    """
    from spaceplan.dxf.read import read_dxf_rooms, rooms_yaml

    try:
        rooms = read_dxf_rooms(
            drawing,
            layer,
            units=units,
            floor=floor,
            floor_from_layer=floor_from_layer,
            encoding=encoding,
            text_layer=text_layer,
        )
    except InputError as err:
        raise click.ClickException(str(err)) from None
    source = f"{drawing.name}, layer {layer}"
    write_text(output, rooms_yaml(rooms, source))
    unnamed = sum(r.id.startswith("ROOM-") for r in rooms)
    floors = sorted({r.floor for r in rooms})
    total = sum(r.area for r in rooms)
    click.echo(
        f"{len(rooms)} rooms on floor(s) {', '.join(map(str, floors))}, "
        f"{total:,.1f} m² in all -> {output}"
    )
    if unnamed:
        click.echo(
            f"{unnamed} room(s) had no number inside and were called "
            "ROOM-001 ...; rename them in the YAML.",
            err=True,
        )
