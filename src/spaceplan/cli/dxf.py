"""``spaceplan import-dxf``: a room list for a scenario from a drawing."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from spaceplan.cli.command import SpaceplanCommand, warning_line
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
    "[default: from the layer name, e.g. 2F-ROOM, else the file name, "
    "e.g. village-1F.dxf or 二层.dxf, else 1].",
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
    text inside a room gives its number (e.g. R101, 101) and name. The
    kind is guessed from the name (走廊, 门厅, 楼梯 -> circulation; 卫生间,
    设备, 电梯井 -> service) and the guesses are listed; tags are left for
    you to add.
    """
    # Imported here, not at the top: start-up speed (ezdxf, shapely).
    from spaceplan.dxf.read import DxfWarning, rooms_yaml
    from spaceplan.dxf.read import import_dxf as read_drawing
    from spaceplan.solution import SCHEMA_VERSION

    prepare_output_file(output)  # before any work
    with warnings.catch_warnings(record=True) as caught:
        # What the drawing leaves in doubt is said once, as a warning line;
        # any other library warning is dropped, never printed as noise.
        warnings.simplefilter("always")
        found = read_drawing(
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
            click.echo(
                warning_line(w.message, as_lang(lang), drawing), err=True
            )
    rooms = found.rooms
    source = f"{drawing.name}, layer {layer}"
    write_text(output, rooms_yaml(rooms, source))
    unnamed = sum(r.id.startswith("ROOM-") for r in rooms)
    floors = sorted({r.floor for r in rooms})
    total = sum(r.area for r in rooms)
    if as_json:
        summary = {
            "schema_version": SCHEMA_VERSION,
            "rooms": len(rooms),
            "floors": floors,
            "floor_from": found.floor_from,
            "kinds_guessed": found.guessed,
            "area_m2": round(total, 2),
            "unnamed": unnamed,
            "output": str(output),
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    if quiet:
        return
    words = as_lang(lang)
    sep = t("diagnose.sep.list", words)
    click.echo(
        t(
            "import_dxf.read",
            words,
            n=len(rooms),
            floors=sep.join(map(str, floors)),
            area=total,
            output=output,
        )
    )
    if found.floor_from in ("file", "default"):
        key = f"import_dxf.floor.{found.floor_from}"
        click.echo(
            t(
                key,
                words,
                file=drawing.name,
                floors=sep.join(map(str, floors)),
            ),
            err=True,
        )
    by_kind: dict[str, list[str]] = {}
    for room in rooms:
        if room.id in found.guessed:
            by_kind.setdefault(room.kind, []).append(
                f"{room.id} {room.name or ''}".strip()
            )
    for kind, named in sorted(by_kind.items()):
        click.echo(
            t(
                "import_dxf.guessed",
                words,
                kind=t(f"import_dxf.kind.{kind}", words),
                rooms=sep.join(named),
            ),
            err=True,
        )
    if unnamed:
        click.echo(t("import_dxf.unnamed", words, n=unnamed), err=True)
