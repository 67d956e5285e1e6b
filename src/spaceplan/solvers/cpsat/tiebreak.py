"""The secondary objective in CP-SAT: a second, short solve among equals.

The first solve finds the best plan by the objective; the second keeps
that objective (no worse than the first solve's plan) and minimises
:class:`spaceplan.decisions.TieBreak`'s cost, so that among plans equal
by the rules the candidate is the one an architect would pick: fewer
floors per group of functions, the most visited functions low, a short
walk from the entrance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spaceplan import decisions

if TYPE_CHECKING:
    from spaceplan.solvers.cpsat.model import AllocationModel


def tiebreak_cost(m: AllocationModel) -> Any:
    """:attr:`TieBreak.cost` of the model's plan, as a linear expression."""
    p = m.p
    scenario = p.scenario
    floors = {r: room.floor for r, room in enumerate(p.rooms)}
    cost: Any = 0
    groups: dict[str, list[int]] = {}
    for f, func in enumerate(p.funcs):
        groups.setdefault(func.category, []).append(f)
        weight = decisions.visits(func, p.slots)
        if weight:
            cost += sum(
                weight * decisions.storeys_from_ground(floors[r]) * m.x[f, r]
                for r in m.rooms_of(f)
                if decisions.storeys_from_ground(floors[r])
            )
    for funcs in groups.values():
        if len(funcs) < 2:
            continue
        for floor in sorted(set(floors.values())):
            xs = [
                m.x[f, r]
                for f in funcs
                for r in m.rooms_of(f)
                if floors[r] == floor
            ]
            if not xs:
                continue
            on = m.model.new_bool_var(f"grpfloor{floor}")
            for x in xs:
                m.model.add_implication(x, on)
            m.model.add_bool_or(xs).only_enforce_if(on)
            cost += decisions.FLOOR_GROUP_WEIGHT * on
    for fid, table in decisions.entrance_walks(scenario).items():
        f = p.func_idx[fid]
        cost += sum(
            table[p.rooms[r].id] * m.x[f, r]
            for r in m.rooms_of(f)
            if table.get(p.rooms[r].id)
        )
    return cost
