"""Floor plans: room outlines filled by category, labelled with functions.

Rooms are drawn from their polygons, or as the schematic blocks of
:func:`spaceplan.layout.floor_shapes`. Labels are fitted to the room;
a room too small for its label shows only its number (or nothing) and is
listed under the panel instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import shapely
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry import LineString, Polygon
from shapely.ops import polylabel

from spaceplan.data import Function, Room, Scenario
from spaceplan.i18n import Lang, floor_name, function_name, t
from spaceplan.layout import (
    CATEGORIES,
    floor_shapes,
    room_category,
    room_functions,
)
from spaceplan.plot.axisgrid import draw_axis_grid
from spaceplan.plot.schedule import mark, plot_schedule
from spaceplan.plot.style import check_glyphs, drawing_context
from spaceplan.report.present import Change, function_changes
from spaceplan.report.works import (
    WallLine,
    renovated_scenario,
    wall_lines,
    works_texts,
)
from spaceplan.solution import Candidate, Plan
from spaceplan.timetable import in_session, plan_timetable

#: Label font sizes tried, largest first (points).
FONT_SIZES = (8.0, 7.0, 6.0, 5.0)
LINE = 1.22  # line height in font sizes
#: How works are drawn: a removed partition dashed, a new one solid in
#: a second colour, both over the room outlines.
WALL_STYLE: dict[str, dict[str, object]] = {
    "remove_wall": {
        "color": "#b3261e", "linewidth": 2.2, "linestyle": (0, (3, 2)),
    },
    "build_wall": {"color": "#1f5fbf", "linewidth": 2.6, "linestyle": "-"},
}  # fmt: skip


def _text_width(text: str) -> float:
    """Estimated width of ``text`` in font sizes (em)."""
    return sum(
        1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text
    )


def _chords(
    shape: Polygon,
) -> tuple[tuple[float, float], float, float]:
    """A label centre and the free width and height through it (metres)."""
    minx, miny, maxx, maxy = shape.bounds
    try:
        pole = polylabel(shape, tolerance=max(maxx - minx, maxy - miny) / 50)
    except (ValueError, shapely.errors.GEOSException):
        pole = shape.representative_point()
    px, py = pole.x, pole.y
    hline = shape.intersection(LineString([(minx - 1, py), (maxx + 1, py)]))
    vline = shape.intersection(LineString([(px, miny - 1), (px, maxy + 1)]))
    hseg = _segment_at(hline, px, 0)
    vseg = _segment_at(vline, py, 1)
    cx = (hseg[0] + hseg[1]) / 2 if hseg else px
    cy = (vseg[0] + vseg[1]) / 2 if vseg else py
    if not shape.contains(shapely.Point(cx, cy)):
        cx, cy = px, py
    width = hseg[1] - hseg[0] if hseg else 0.0
    height = vseg[1] - vseg[0] if vseg else 0.0
    return (cx, cy), width, height


def _segment_at(
    geom: shapely.Geometry, at: float, axis: int
) -> tuple[float, float] | None:
    """The piece of a (multi)line through the pole that contains it."""
    parts = getattr(geom, "geoms", [geom])
    for part in parts:
        coords = list(getattr(part, "coords", []))
        if len(coords) < 2:
            continue
        lo = min(c[axis] for c in coords)
        hi = max(c[axis] for c in coords)
        if lo - 1e-9 <= at <= hi + 1e-9:
            return lo, hi
    return None


def _patch(shape: Polygon, **kwargs: object) -> PathPatch:
    verts = list(shape.exterior.coords)
    codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(verts) - 2)
    codes.append(MplPath.CLOSEPOLY)
    for ring in shape.interiors:
        inner = list(ring.coords)
        verts += inner
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(inner) - 2)
        codes.append(MplPath.CLOSEPOLY)
    return PathPatch(MplPath(verts, codes), **kwargs)  # type: ignore[arg-type]


#: The marks of a function a plan moves (迁入) or puts in a room anew
#: (新设), in colours apart from the categories' fills.
CHANGE_STYLE: dict[str, dict[str, object]] = {
    "moved": {"marker": ">", "color": "#c2410c", "markersize": 7},
    "new": {"marker": "*", "color": "#1d4ed8", "markersize": 9},
}


def change_mark(change: Change | None, lang: Lang) -> str:
    """The words after a moved or new function's name; empty if
    unchanged."""
    if change is None:
        return ""
    if change.kind == "moved":
        return t("face.moved_mark", lang, room=change.origin)
    return t("face.new_mark", lang)


def room_lines(
    room: Room,
    functions: Sequence[Function],
    lang: Lang,
    given: frozenset[str] = frozenset(),
    changes: Mapping[str, Change] | None = None,
) -> list[str]:
    """A room's label: function names (numbered when shared; those in
    ``given``, fixed by the architect, marked so; those the plan moves
    here or puts here anew, in ``changes`` by function id, marked 迁入
    or 新设), the room's present name (原…), then number and area. A
    room kept out of the facility says so."""
    shared = len(functions) > 1
    changes = changes or {}
    lines = [
        (mark(i) if shared else "")
        + function_name(f, lang)
        + (t("d.given_mark", lang) if f.id in given else "")
        + change_mark(changes.get(f.id), lang)
        for i, f in enumerate(functions)
    ]
    if room.kind == "unavailable":
        lines.append(t("d.given_room", lang))
    if room.name:
        # A name given as 原办公室 already says "was".
        was = functions and not room.name.startswith("原")
        lines.append(t("d.was", lang, name=room.name) if was else room.name)
    lines.append(f"{room.id}  {room.area:.1f} {t('unit.m2', lang)}")
    return lines


def labels_of(
    scenario: Scenario, plan: Plan | Candidate, lang: Lang
) -> list[str]:
    """Every text a floor plan of ``plan`` may draw (for the glyph check)."""
    view = renovated_scenario(scenario, plan)
    funcs = room_functions(view, plan)
    texts = [floor_name(f, lang) for f in view.building.floors]
    texts += works_texts(plan, lang)
    given = frozenset(scenario.fix)
    changes = function_changes(view, funcs)
    for room in view.building.rooms:
        here = {
            fid: c for (rid, fid), c in changes.items() if rid == room.id
        }
        texts += room_lines(room, funcs.get(room.id, []), lang, given, here)
        texts.append(room.name or "")
    texts += [t(f"face.legend.{kind}", lang) for kind in CHANGE_STYLE]
    texts += [t(k, lang) for k in ("d.schematic", "d.no_outline")]
    texts += [t("d.small_rooms", lang), t("d.shared", lang)]
    return texts


def plot_floorplan(
    scenario: Scenario,
    plan: Plan | Candidate,
    floor: int | None = None,
    lang: Lang = "zh",
    font: str | None = None,
    span: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one floor of a plan: outlines by category, function labels.

    Parameters
    ----------
    scenario
        The building and functions.
    plan
        A :class:`~spaceplan.solution.Plan` or a result's candidate.
    floor
        The floor to draw; the lowest when None.
    lang
        ``zh`` (default) or ``en`` for names and words.
    font
        A font file used before the bundled one (``--font``).
    span
        Width and height (metres) the panel shows, so that floors drawn
        side by side share one scale; the floor's own extent when None.
    ax
        Axes to draw in; a new figure when None.

    Returns
    -------
    Axes
        The panel. Each room is one patch with ``gid`` ``room:<id>``;
        a candidate's works (:mod:`spaceplan.report.works`) are drawn
        over them, each line with ``gid`` ``wall:<kind>:<rooms>``, and
        merged and split rooms are drawn as the works leave them.
    """
    if floor is None:
        floor = scenario.building.floors[0]
    view = renovated_scenario(scenario, plan)
    walls = wall_lines(scenario, plan)
    with drawing_context(font) as families:
        check_glyphs(labels_of(scenario, plan, lang), families)
        return draw_floor(view, plan, floor, lang, span, ax, walls=walls)


def draw_floor(
    scenario: Scenario,
    plan: Plan | Candidate,
    floor: int,
    lang: Lang,
    span: tuple[float, float] | None,
    ax: Axes | None,
    scale: float | None = None,
    walls: Sequence[WallLine] = (),
) -> Axes:
    """:func:`plot_floorplan` without the font set-up and glyph check.

    For sheets that draw several floors inside one
    :func:`~spaceplan.plot.style.drawing_context`. With ``scale`` (e.g.
    100 for 1:100) the axes are resized, from their top-left corner, so
    that a metre of the building is ``1000 / scale`` mm of the printed
    page; labels are sized for that scale. ``scenario`` is the building
    as drawn (:func:`~spaceplan.report.works.renovated_scenario`) and
    ``walls`` the works to draw over it.
    """
    geo = floor_shapes(scenario, floor)
    if not geo.shapes:
        raise ValueError(f"floor {floor} has no rooms.")
    funcs = room_functions(scenario, plan)
    changes = function_changes(scenario, funcs)
    week = plan_timetable(
        scenario, plan.plan if isinstance(plan, Candidate) else plan
    )
    minx, miny, maxx, maxy = shapely.union_all(
        list(geo.shapes.values())
    ).bounds
    w, h = maxx - minx, maxy - miny
    if ax is None:
        inch_per_m = 7.0 / max(w, h)
        _, ax = plt.subplots(
            figsize=(
                max(3.0, w * inch_per_m + 0.6),
                max(2.5, h * inch_per_m + 1.2),
            )
        )
    pad = 0.04 * max(w, h)
    sw, sh = span if span is not None else (w, h)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - sw / 2 - pad, cx + sw / 2 + pad)
    ax.set_ylim(cy - sh / 2 - pad, cy + sh / 2 + pad)
    if scale is not None:
        _at_scale(ax, scale)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.set_title(floor_name(floor, lang), fontsize=11, loc="left")
    ax.apply_aspect()
    pos = ax.get_position()
    root = ax.get_figure(root=True)
    assert root is not None
    fig_w = root.get_figwidth() * 72.0
    xlim = ax.get_xlim()
    pt_per_m = pos.width * fig_w / (xlim[1] - xlim[0])
    key: list[str] = []
    here_walls = [w for w in walls if w.floor == floor]
    # a removed partition runs through its merged room, under the label
    crossed = {
        part for w in here_walls if w.work.kind == "remove_wall"
        for part in w.work.rooms
    }  # fmt: skip
    for room in scenario.building.rooms:
        if room.id not in geo.shapes:
            continue
        shape = geo.shapes[room.id]
        here = funcs.get(room.id, [])
        style = CATEGORIES[room_category(room, here)]
        schematic = room.id in geo.schematic
        ax.add_patch(
            _patch(
                shape,
                facecolor=style.fill,
                edgecolor="#222222",
                linewidth=0.5 if schematic else 0.9,
                linestyle="--" if schematic else "-",
                hatch=style.hatch,
                gid=f"room:{room.id}",
            )
        )
        backed = bool(crossed & set(room.id.split("+")))
        moves = {
            fid: c for (rid, fid), c in changes.items() if rid == room.id
        }
        if not _label(
            ax, scenario, room, here, shape, lang, pt_per_m, backed,
            booked=in_session(week, room.id), changes=moves,
        ):  # fmt: skip
            key.append(_key_entry(room, here, lang, moves))
        _change_marks(ax, room.id, shape, moves, pt_per_m)
    _draw_walls(ax, here_walls)
    if geo.schematic and geo.note_at is None:
        ax.text(
            0.0,
            1.0,
            t("d.schematic", lang),
            transform=ax.transAxes,
            fontsize=7,
            color="#555555",
            va="bottom",
            ha="left",
            style="italic",
        )
        ax.set_title(floor_name(floor, lang), fontsize=11, loc="left", pad=14)
    elif geo.note_at is not None:
        ax.text(
            geo.note_at[0],
            geo.note_at[1] + 0.3,
            t("d.no_outline", lang),
            fontsize=6.5,
            color="#555555",
            va="bottom",
        )
    else:
        real = [s for rid, s in geo.shapes.items() if rid not in geo.schematic]
        bounds = (minx, miny, maxx, maxy)
        grid = draw_axis_grid(ax, real, bounds, pad, pt_per_m)
        # The grid's numbers take the margin below: the bar goes above.
        _scale_bar(ax, minx, maxy + pad * 0.35 if grid else miny - pad * 0.6, w)
    if key:
        _write_key(ax, key, lang)
    return ax


def _draw_walls(ax: Axes, walls: Sequence[WallLine]) -> None:
    """Removed partitions dashed, new ones in the second colour."""
    for wall in walls:
        style = WALL_STYLE[wall.work.kind]
        gid = f"wall:{wall.work.kind}:{'/'.join(wall.work.rooms)}"
        for path in wall.paths:
            xs = [p[0] for p in path]
            ys = [p[1] for p in path]
            ax.plot(
                xs, ys, solid_capstyle="butt", dash_capstyle="butt",
                zorder=2.5, gid=gid, **style,  # type: ignore[arg-type]
            )  # fmt: skip


def _label(
    ax: Axes,
    scenario: Scenario,
    room: Room,
    functions: Sequence[Function],
    shape: Polygon,
    lang: Lang,
    pt_per_m: float,
    backed: bool = False,
    booked: dict[str, list[str]] | None = None,
    changes: Mapping[str, Change] | None = None,
) -> bool:
    """Write the room's label if it fits; return whether it did.

    ``backed`` puts a box of the room's colour behind the label, for a
    room a line of the drawing runs through.
    """
    (cx, cy), width_m, height_m = _chords(shape)
    free_w = width_m * pt_per_m * 0.9
    free_h = height_m * pt_per_m * 0.88
    # A fix names an original room; the drawn one may be its merge or a
    # split part of it.
    given = frozenset(
        f for f, r in scenario.fix.items()
        if r in room.id.split("+") or room.id in (r + "a", r + "b")
    )  # fmt: skip
    lines = room_lines(room, functions, lang, given, changes)
    shared = len(functions) > 1
    muted = not functions
    n_slots = len(scenario.slots)
    for size in FONT_SIZES:
        text_w = max(_text_width(s) for s in lines) * size
        text_h = len(lines) * size * LINE
        strip_w = (n_slots + 1.3) * size * 1.05 if shared else 0.0
        strip_h = len(functions) * size * 0.95 + size * 0.4 if shared else 0
        if max(text_w, strip_w) <= free_w and text_h + strip_h <= free_h:
            block_h = text_h + strip_h
            top = cy + block_h / 2 / pt_per_m
            ax.text(
                cx,
                top - text_h / 2 / pt_per_m,
                "\n".join(lines),
                ha="center",
                va="center",
                fontsize=size,
                linespacing=LINE,
                color="#444444" if muted else "black",
                gid=f"label:{room.id}",
                bbox=_backing(room, functions, backed),
            )
            if shared:
                sw = strip_w / pt_per_m
                sh = (strip_h - size * 0.4) / pt_per_m
                inset = ax.inset_axes(
                    (cx - sw / 2, top - (text_h + strip_h) / pt_per_m, sw, sh),
                    transform=ax.transData,
                )
                inset.set_gid(f"strip:{room.id}")
                plot_schedule(
                    scenario,
                    [f.id for f in functions],
                    lang,
                    fontsize=size * 0.8,
                    ax=inset,
                    booked=booked,
                )
            return True
        if not shared and text_w <= free_h and text_h <= free_w:
            ax.text(
                cx,
                cy,
                "\n".join(lines),
                ha="center",
                va="center",
                rotation=90,
                fontsize=size,
                linespacing=LINE,
                color="#444444" if muted else "black",
                gid=f"label:{room.id}",
                bbox=_backing(room, functions, backed),
            )
            return True
    for size in FONT_SIZES[-2:]:
        if _text_width(room.id) * size <= free_w and size * LINE <= free_h:
            ax.text(
                cx,
                cy,
                room.id,
                ha="center",
                va="center",
                fontsize=size,
                color="#333333",
                gid=f"label:{room.id}",
            )
            break
    return muted and room.kind != "room"


def _backing(
    room: Room, functions: Sequence[Function], always: bool = False
) -> dict[str, object] | None:
    """A pale box behind a label on a hatched room (or ``always``), so
    it stays legible."""
    style = CATEGORIES[room_category(room, functions)]
    if style.hatch is None and not always:
        return None
    return {
        "facecolor": style.fill,
        "edgecolor": "none",
        "alpha": 0.9,
        "boxstyle": "square,pad=0.15",
    }


def _change_marks(
    ax: Axes,
    room_id: str,
    shape: Polygon,
    changes: Mapping[str, Change],
    pt_per_m: float,
) -> None:
    """A marker per kind of change in the room's top-left corner, in the
    colours of :data:`CHANGE_STYLE` (the legend's)."""
    present = {c.kind for c in changes.values()}
    kinds = [k for k in CHANGE_STYLE if k in present]
    x0, _, _, y1 = shape.bounds
    step = 9.0 / pt_per_m  # 9 pt on paper, whatever the scale
    for i, kind in enumerate(kinds):
        fids = "/".join(f for f, c in changes.items() if c.kind == kind)
        ax.plot(
            [x0 + step * (1 + 1.2 * i)], [y1 - step],
            linestyle="none", zorder=3, gid=f"{kind}:{room_id}:{fids}",
            **CHANGE_STYLE[kind],  # type: ignore[arg-type]
        )  # fmt: skip


def _key_entry(
    room: Room,
    functions: Sequence[Function],
    lang: Lang,
    changes: Mapping[str, Change] | None = None,
) -> str:
    changes = changes or {}
    names = " / ".join(
        function_name(f, lang) + change_mark(changes.get(f.id), lang)
        for f in functions
    )
    if not names:
        names = t(f"cat.{room_category(room, functions)}", lang)
    entry = f"{room.id}  {names}  {room.area:.1f} {t('unit.m2', lang)}"
    if len(functions) > 1:
        entry += t("d.shared_note", lang, shared=t("d.shared", lang))
    return entry


#: Font size of the key of small rooms, and the gap between its columns
#: (points).
KEY_SIZE = 6.5
KEY_GAP = 12.0


def _write_key(ax: Axes, key: list[str], lang: Lang) -> None:
    """List the rooms whose labels did not fit, under the panel."""
    per_col = 4
    cols = [key[i : i + per_col] for i in range(0, len(key), per_col)]
    head = t("d.small_rooms_head", lang, small=t("d.small_rooms", lang))
    ax.annotate(
        head,
        xy=(0.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -1),
        textcoords="offset points",
        fontsize=KEY_SIZE,
        va="top",
        ha="left",
        fontweight="bold",
    )
    # Columns side by side, each as wide as its longest line: a plan at
    # true scale can be narrower than its key, so a share of the axes
    # would let a long line run into the next column.
    x = 0.0
    for col in cols:
        ax.annotate(
            "\n".join(col),
            xy=(0.0, 0.0),
            xycoords="axes fraction",
            xytext=(x, -10),
            textcoords="offset points",
            fontsize=KEY_SIZE,
            va="top",
            ha="left",
            gid="key",
        )
        x += KEY_SIZE * max(_text_width(line) for line in col) + KEY_GAP


#: Metres per inch of paper.
M_PER_INCH = 0.0254


def _at_scale(ax: Axes, scale: float) -> None:
    """Resize ``ax`` (top-left fixed) so its limits print at 1:``scale``."""
    root = ax.get_figure(root=True)
    assert root is not None
    fig_w, fig_h = root.get_size_inches()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w = (x1 - x0) / scale / M_PER_INCH / fig_w
    h = (y1 - y0) / scale / M_PER_INCH / fig_h
    pos = ax.get_position()
    ax.set_position((pos.x0, pos.y1 - h, w, h))


def _scale_bar(ax: Axes, x: float, y: float, width: float) -> None:
    length = next(
        (n for n in (1, 2, 5, 10, 20, 50, 100) if n >= width / 6), 100
    )
    ax.plot(
        [x, x + length],
        [y, y],
        color="black",
        linewidth=1.5,
        solid_capstyle="butt",
    )
    for xx in (x, x + length):
        ax.plot([xx, xx], [y - 0.15, y + 0.15], color="black", linewidth=0.8)
    ax.text(
        x + length * 1.08,
        y,
        f"{length} m",
        ha="left",
        va="center",
        fontsize=6.5,
    )
