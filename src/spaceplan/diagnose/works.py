"""Repairs that move walls (docs/formats.md, renovation), each verified by a solve.

When the rooms are too small or too few, a partition taken down or put
up is often the architect's real answer. :func:`works_repairs` solves the
scenario once more with moves allowed (at the scenario's prices, or the
defaults), without a works budget and with the works' cost first in the
objective; if that finds a plan, its works are the repair, worded as ``拆除 V101 与 V102 之间的隔墙（8.6 m，约 6,900
元）``. Three cases: moves not allowed (allowing them would make the
scenario feasible), a budget too small for the works (raise it), or moves
allowed but a partition the solver may not move in this run (the split
or merge not allowed).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from spaceplan.data import Scenario
from spaceplan.i18n import Lang, t
from spaceplan.renovation.spec import Renovation, Work
from spaceplan.solvers import solve
from spaceplan.solvers.config import SolverConfig, Weights


def about(cost: float) -> str:
    """A cost rounded to the nearest hundred, with thousands separators."""
    return f"{round(cost, -2):,.0f}"


def work_words(work: Work, lang: Lang) -> str:
    """One work in words: what, where, how long, about how much."""
    a, b = work.rooms[0], work.rooms[-1]
    fields = {
        "a": a,
        "b": b,
        "length": f"{work.length:.1f}",
        "cost": about(work.cost),
    }
    if work.kind == "build_wall":
        fields["room"] = a[:-1]
    return t(f"renovation.work.{work.kind}", lang, **fields)


def works_repairs(
    scenario: Scenario, config: SolverConfig, lang: Lang, rank: int = 0
) -> list[dict[str, Any]]:
    """The works that make ``scenario`` feasible, as a verified repair.

    Empty when the scenario already allows every move without a budget,
    or when even free moves do not make it feasible.
    """
    reno = scenario.renovation
    full = ("merge", "split")
    if reno is not None and set(reno.allow) == set(full) and (
        reno.budget is None
    ):
        return []
    cost = reno.cost if reno is not None else Renovation().cost
    opened = scenario.replace(
        renovation=Renovation(allow=full, cost=cost, budget=None)
    )
    # One point a yuan and nothing else: the cheapest works that make it
    # feasible, not the plan a renovation run would choose (which may
    # add splits it likes). With the area terms in, the solve weighed
    # yuan against square metres and, stopped at the time limit, named
    # three works (14,100 元) where one (6,880 元) makes the village
    # example feasible.
    only_works = Weights(
        resident=0.0, office=0.0, unused=0.0, near=0.0, advice=0.0,
        omitted=0.0, works=1.0,
    )  # fmt: skip
    # The verification preset stops at the first plan; the cheapest works
    # need the optimum (a cost-only objective proves quickly).
    params = {**config.params, "stop_after_first_solution": False}
    cheapest = dataclasses.replace(config, weights=only_works, params=params)
    result = solve(
        opened,
        config=cheapest,
        candidates=1,
        workers=1,
        time_limit=config.time_limit,
        seed=config.seed,
    )
    if not result.candidates or not result.candidates[0].works:
        return []
    works = result.candidates[0].works
    total = sum(w.cost for w in works)
    listed = t("renovation.sep", lang).join(work_words(w, lang) for w in works)
    if reno is None or not reno.allow:
        key, extra = "renovation.repair.allow", {}
    elif reno.budget is not None and total > reno.budget:
        key, extra = "renovation.repair.budget", {"budget": about(reno.budget)}
    else:
        key, extra = "renovation.repair.works", {}
    message = t(key, lang, works=listed, total=about(total), **extra)
    return [
        {
            "rank": rank + 1,
            "kind": "works",
            "cost": total,
            "cost_unit": "yuan",
            "cost_text": t("diagnose.cost.works", lang, total=about(total)),
            "waiver": False,
            "added_area": 0,
            "dropped": [],
            "changes": [
                {"kind": w.kind, "message": work_words(w, lang)}
                for w in works
            ],
            "works": [w.model_dump(mode="json") for w in works],
            "message": message,
            "verified": True,
            "status": result.status,
        }
    ]
