"""Where a function is today, and what a plan changes: moved or new.

The scenario states a room's present use by its ``name`` (原档案室, or
档案室); it has no field that puts a function in a room today. So a
function is read as being today in each room whose present name is the
function's name, English name or one of its aliases, with or without a
leading 原 and a trailing remark in brackets (活动室（可作托育）). A
merged room carries its parts' names joined by ``+``.

Against that, a function a plan places is

- **moved** (迁入): it is in another room today;
- **new** (新设): it is in no room today, and the building states present
  uses (a room it takes has a present name, or some function of the run
  is found in a room by name);
- unchanged otherwise (it stays where it is, or nothing is known).

The flexible function takes leftover rooms and is never marked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from spaceplan.data import Function, Room, Scenario

#: A trailing remark in brackets: 活动室（可作托育）, 仓库 (east).
_REMARK = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


@dataclass(frozen=True)
class Change:
    """What a plan does to one function: ``moved`` from ``origin``, or
    ``new`` to its room."""

    kind: Literal["moved", "new"]
    origin: str | None = None


def _bare(name: str) -> str:
    name = _REMARK.sub("", name.strip())
    return name[1:].strip() if name.startswith("原") else name


def _names(f: Function) -> set[str]:
    return {f.name, *f.aliases, f.name_en.lower()}


def present_rooms(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Function id to the rooms that hold it today, by present name.

    Parameters
    ----------
    scenario
        The building as drawn (merged rooms carry ``+``-joined names).

    Returns
    -------
    dict
        Only functions found in at least one room, non-flexible ones.
    """
    found: dict[str, list[str]] = {}
    wanted = [f for f in scenario.functions if not f.flexible]
    for room in scenario.building.rooms:
        if not room.name or room.kind in ("circulation", "service"):
            continue
        parts = {_bare(part) for part in room.name.split("+")}
        parts |= {p.lower() for p in parts}
        for f in wanted:
            if parts & _names(f):
                found.setdefault(f.id, []).append(room.id)
    return {fid: tuple(rooms) for fid, rooms in found.items()}


def function_changes(
    scenario: Scenario, placement: Mapping[str, list[Function]]
) -> dict[tuple[str, str], Change]:
    """The moved and new functions of a plan, by (room, function).

    Parameters
    ----------
    scenario
        The building as drawn.
    placement
        Room id to the functions the plan puts there
        (:func:`spaceplan.layout.room_functions`).

    Returns
    -------
    dict
        ``(room id, function id)`` to its :class:`Change`; unchanged
        functions are left out.
    """
    present = present_rooms(scenario)
    rooms: dict[str, Room] = {r.id: r for r in scenario.building.rooms}
    out: dict[tuple[str, str], Change] = {}
    for room_id, functions in placement.items():
        room = rooms.get(room_id)
        named = room is not None and bool(room.name)
        for f in functions:
            if f.flexible:
                continue
            today = present.get(f.id, ())
            if room_id in today:
                continue
            if today:
                out[room_id, f.id] = Change("moved", today[0])
            elif named or present:
                out[room_id, f.id] = Change("new")
    return out
