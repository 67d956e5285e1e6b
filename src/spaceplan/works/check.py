"""Rebuild a plan's rooms from its works, and judge the works.

Independent of any solver: from the original outlines and the plan's
``works`` alone, :func:`rebuild` decides whether each removed wall is a
movable partition, each new wall a valid cut on the module that leaves
two accessible parts, whether merged rooms are chains or Ls of at most
three rooms, and whether the works' cost keeps to the budget; then it
makes the renovated building (merged rooms, split parts, their areas,
tags and adjacency) on which every rule of the regulation is checked as
before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from spaceplan.data import Building, Room, Scenario
from spaceplan.renovation.spec import Work
from spaceplan.renovation.walls import partitions
from spaceplan.works import moves

#: Rules of the compliance report this module adds.
WORK_RULES = ("works", "works_budget")
#: Tolerances when a plan's numbers are compared with the rebuild's.
LENGTH_TOL = 0.011
COST_TOL = 0.5
#: Where a plan's works cost is capped (a scenario field).
BUDGET_SOURCE = "scenario renovation.budget"
#: Where the rules of moving walls come from.
SOURCE = (
    "spaceplan scenario format: renovation (structural walls never move; "
    "merges of up to 3 rooms; splits on a 0.3 m module, parts of at least "
    "6 m² and 2.1 m with a door)"
)


@dataclass
class Rebuilt:
    """The renovated scenario, the report rows and what each room is."""

    scenario: Scenario
    rows: list[dict[str, Any]] = field(default_factory=list)
    cost: float = 0.0
    #: New room name -> the original rooms it is made of.
    made_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def faults(self) -> list[str]:
        """Messages of the failed rows."""
        return [r["description"] for r in self.rows if not r["passed"]]


_CACHE: dict[tuple[int, tuple[Work, ...]], tuple[Scenario, Rebuilt]] = {}


def rebuild(scenario: Scenario, works: Sequence[Work]) -> Rebuilt:
    """The building ``works`` make of ``scenario``'s, and their verdict.

    Without works the scenario is returned as it is (and, when it has a
    budget, a passed budget row). Invalid works leave the original
    building, so the plan's new room names are reported unknown too.
    """
    key = (id(scenario), tuple(works))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is scenario:
        return hit[1]
    done = _rebuild(scenario, tuple(works))
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[key] = (scenario, done)
    return done


def renovated(
    scenario: Scenario,
    plan: Any,
    add: Callable[..., None] | None = None,
) -> Scenario:
    """The scenario as ``plan``'s works leave it (rows passed to ``add``).

    ``plan`` is anything with ``works`` (a :class:`spaceplan.solution.Plan`,
    which imports this module).
    """
    done = rebuild(scenario, plan.works)
    if add is not None:
        for row in done.rows:
            add(**row)
    return done.scenario


def _row(
    out: Rebuilt, rule: str, passed: bool, text: str, **kw: Any
) -> None:
    out.rows.append(
        {
            "rule": rule,
            "subject": kw.pop("subject", "works"),
            "source": kw.pop("source", SOURCE),
            "required": kw.pop("required", "a movable partition"),
            "achieved": kw.pop("achieved", None),
            "passed": passed,
            "description": text,
            **kw,
        }
    )


def _rebuild(scenario: Scenario, works: tuple[Work, ...]) -> Rebuilt:
    out = Rebuilt(scenario)
    reno = scenario.renovation
    if not works:
        if reno is not None and reno.budget is not None:
            _budget_row(out, 0.0, reno.budget)
        return out
    building = scenario.building
    if reno is None:
        _row(out, "works", False, "The plan has works, but the scenario "
             "allows no renovation.")
        return out
    price = moves.prices(reno)
    walls = partitions(building.rooms, building.walls)
    hosts = {r.id for r in scenario.host_rooms}
    merges: list[set[str]] = []
    splits: dict[str, tuple[Room, Room]] = {}
    for w in works:
        out.cost += w.cost
        if w.kind == "remove_wall":
            _remove(out, w, walls, hosts, price.remove_per_m, reno.allow)
            if len(w.rooms) == 2 and set(w.rooms) <= hosts:
                merges.append(set(w.rooms))
        else:
            parts = _build(out, w, building, walls, hosts, price, reno.allow)
            if parts is not None:
                origin = w.rooms[0][:-1]
                if origin in splits:
                    _row(out, "works", False,
                         f"Room {origin} is split twice.", subject=origin)
                splits[origin] = parts
    groups = _groups(merges)
    for group in groups:
        _check_group(out, group, walls, building)
        for rid in group & set(splits):
            _row(out, "works", False, f"Room {rid} is both merged and "
                 "split.", subject=rid)
    # Works over the budget still make their rooms: the report says the
    # plan breaks the budget, not that its merged rooms do not exist.
    broken = bool(out.faults)
    if reno.budget is not None:
        _budget_row(out, out.cost, reno.budget)
    if broken:
        return out
    out.scenario = _renovated(scenario, groups, splits, out)
    return out


def _budget_row(out: Rebuilt, cost: float, budget: float) -> None:
    ok = cost <= budget + COST_TOL
    _row(
        out, "works_budget", ok,
        f"The works cost {cost:,.0f} 元, "
        + ("within" if ok else "over")
        + f" the budget of {budget:,.0f} 元.",
        subject="facility", source=BUDGET_SOURCE,
        required=budget, achieved=cost, margin=round(budget - cost, 2),
        key="chk.works.budget_ok" if ok else "chk.works.budget_over",
        fields={
            "cost": cost, "budget": budget,
            "required_key": "chk.works.budget", "achieved_key": "chk.works.cost",
        },
    )


def _remove(
    out: Rebuilt,
    w: Work,
    walls: dict[frozenset[str], Any],
    hosts: set[str],
    per_m: float,
    allow: Sequence[str],
) -> None:
    names = " and ".join(w.rooms)
    if "merge" not in allow:
        _row(out, "works", False, f"The plan removes the wall between "
             f"{names}, but the scenario does not allow merges.")
        return
    if len(w.rooms) != 2 or not set(w.rooms) <= hosts:
        _row(out, "works", False, f"A removed wall must stand between two "
             f"rooms of the building; the plan names {names}.")
        return
    wall = walls.get(frozenset(w.rooms))
    if wall is None:
        _row(out, "works", False, f"Rooms {names} share no wall.")
        return
    if wall.structural:
        _row(out, "works", False, f"The wall between {names} is "
             "structural and never moves.", required="not structural",
             achieved="structural", subject=names)
        return
    _measure(out, w, wall.length, per_m, f"the wall between {names}")


def _measure(
    out: Rebuilt, w: Work, length: float, per_m: float, what: str
) -> None:
    if abs(w.length - length) > LENGTH_TOL:
        _row(out, "works", False, f"The plan gives {what} {w.length:g} m; "
             f"it is {length:g} m.", required=length, achieved=w.length)
    cost = moves.work_cost(length, per_m)
    if abs(w.cost - cost) > COST_TOL:
        _row(out, "works", False, f"The plan prices {what} at {w.cost:g} "
             f"元; at {per_m:g} 元/m it costs {cost:g} 元.",
             required=cost, achieved=w.cost)


def _build(
    out: Rebuilt,
    w: Work,
    building: Building,
    walls: dict[frozenset[str], Any],
    hosts: set[str],
    price: moves.Prices,
    allow: Sequence[str],
) -> tuple[Room, Room] | None:
    names = " and ".join(w.rooms)
    if "split" not in allow:
        _row(out, "works", False, f"The plan builds a wall between "
             f"{names}, but the scenario does not allow splits.")
        return None
    origin = w.rooms[0][:-1] if w.rooms else ""
    if (
        len(w.rooms) != 2
        or w.rooms != (f"{origin}a", f"{origin}b")
        or origin not in hosts
    ):
        _row(out, "works", False, f"A new wall divides a room R into Ra "
             f"and Rb; the plan names {names}.")
        return None
    room = building.room(origin)
    if moves.rectangle(room) is None or w.line is None:
        _row(out, "works", False, f"Room {origin} can only be split when "
             "it has a rectangular outline and the wall a line.",
             subject=origin)
        return None
    cut = _cut(room, w.line)
    if cut is None:
        _row(out, "works", False, f"The new wall in {origin} does not run "
             "straight across it, parallel to a side, on the 0.3 m module, "
             "leaving two parts of at least 6 m² and 2.1 m.", subject=origin)
        return None
    a, b, line = moves.split_rooms(room, *cut)
    walls_ok = all(moves.has_access(p, room, building, walls) for p in (a, b))
    if not walls_ok:
        _row(out, "works", False, f"A part of {origin} would have no door "
             "to circulation or to a room across a movable partition.",
             subject=origin)
        return None
    _measure(out, w, round(math.dist(*line), 2), price.build_per_m,
             f"the new wall in {origin}")
    return a, b


def _cut(
    room: Room, line: tuple[tuple[float, float], tuple[float, float]]
) -> tuple[Literal["x", "y"], float] | None:
    box = moves.rectangle(room)
    assert box is not None
    x0, y0, x1, y1 = box
    (px, py), (qx, qy) = line
    tol = 0.011
    if abs(px - qx) < tol:
        ends = sorted((py, qy))
        if abs(ends[0] - y0) < tol and abs(ends[1] - y1) < tol:
            at = round(x0 + round((px - x0) / moves.MODULE) * moves.MODULE, 3)
            if abs(at - px) < tol and moves.cut_ok(room, "x", at):
                return "x", at
    if abs(py - qy) < tol:
        ends = sorted((px, qx))
        if abs(ends[0] - x0) < tol and abs(ends[1] - x1) < tol:
            at = round(y0 + round((py - y0) / moves.MODULE) * moves.MODULE, 3)
            if abs(at - py) < tol and moves.cut_ok(room, "y", at):
                return "y", at
    return None


def _groups(pairs: list[set[str]]) -> list[set[str]]:
    groups: list[set[str]] = []
    for pair in pairs:
        joined = [g for g in groups if g & pair]
        merged = set(pair).union(*joined)
        groups = [g for g in groups if not g & pair] + [merged]
    return groups


def _check_group(
    out: Rebuilt,
    group: set[str],
    walls: dict[frozenset[str], Any],
    building: Building,
) -> None:
    name = "+".join(sorted(group, key=building.room_index.__getitem__))
    if len(group) > moves.MAX_MERGE:
        _row(out, "works", False, f"Merged room {name} joins "
             f"{len(group)} rooms; at most {moves.MAX_MERGE} may be "
             "joined.", subject=name)
    floors = {building.room(r).floor for r in group}
    if len(floors) > 1:
        _row(out, "works", False, f"Merged room {name} spans floors.",
             subject=name)


def _renovated(
    scenario: Scenario,
    groups: list[set[str]],
    splits: dict[str, tuple[Room, Room]],
    out: Rebuilt,
) -> Scenario:
    building = scenario.building
    first: dict[str, Room] = {}
    gone: set[str] = set()
    for group in groups:
        parts = sorted(
            (building.room(r) for r in group),
            key=lambda r: building.room_index[r.id],
        )
        room = moves.merged_room(parts)
        first[parts[0].id] = room
        gone.update(r.id for r in parts[1:])
        out.made_of[room.id] = tuple(r.id for r in parts)
    rooms: list[Room] = []
    covers: list[tuple[str, ...]] = []
    sibling: list[int] = []
    for room in building.rooms:
        if room.id in gone:
            continue
        if room.id in first:
            made = [first[room.id]]
        elif room.id in splits:
            made = list(splits[room.id])
            for part in made:
                out.made_of[part.id] = (room.id,)
        else:
            made = [room]
        for part in made:
            rooms.append(part)
            covers.append(out.made_of.get(part.id, (room.id,)))
            sibling.append(building.room_index[room.id])
    ids = [r.id for r in rooms]
    if len(set(ids)) != len(ids):
        clash = next(i for i in ids if ids.count(i) > 1)
        _row(out, "works", False, f"A new room is named {clash}, which "
             "the building already has.", subject=clash)
        return scenario
    pairs = moves.adjacency(building, rooms, covers, sibling)
    new = Building(
        rooms=tuple(rooms),
        adjacency=tuple(tuple(sorted(p)) for p in pairs),  # type: ignore[misc]
        survey=building.survey,
    )
    # A new Scenario from its validated parts: model_copy would carry the
    # original's cached room lists along.
    fields = {k: getattr(scenario, k) for k in type(scenario).model_fields}
    # A fix to a room a merge absorbs is met by the merged room.
    merged = {p: n for n, ps in out.made_of.items() if len(ps) > 1 for p in ps}
    fix = {f: merged.get(r, r) for f, r in scenario.fix.items()}
    return type(scenario)(**{**fields, "building": new, "fix": fix})
