"""The checker's advice rows: what a profile recommends for a function.

Advice never decides compliance (unless the run makes it hard); each
unmet item costs the solver ``advice_weight`` and is listed apart in the
report. Rows are handed to a callback, as in :mod:`spaceplan.timecheck`,
so that this module needs nothing from :mod:`spaceplan.check`, which
calls it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spaceplan.data import Function, Room, Scenario

#: ``add(rule, subject, source, required, achieved, passed, key, fields,
#: **kw)``: the checker's row maker.
AddRow = Callable[..., None]


def check_advice(
    scenario: Scenario,
    f: Function,
    room: Room,
    others: list[Function],
    add: AddRow,
) -> None:
    """The function's advice in ``room``: one row per key, one item per
    breach; ``add(rule, subject, source, required, achieved, passed,
    key, fields, **kw)`` per row."""
    advice = f.advice
    subject = f"{f.id}@{room.id}"
    at = {"f": f.id, "room": room.id}
    kw: dict[str, Any] = dict(function=f.id, room=room.id, strength="advice")
    src = advice.source
    missing = [t for t in advice.needs if t not in room.tags]
    if advice.needs:
        add(
            "advice_needs", subject, src,
            ", ".join(advice.needs), ", ".join(room.tags) or "none",
            not missing,
            "chk.advice.needs.bad" if missing else "chk.advice.needs.ok",
            {
                **at,
                "tags": list(advice.needs),
                "has": list(room.tags),
                "missing": missing,
                "required_key": "chk.v.tags",
                "achieved_key": "chk.v.has",
            },
            items=max(1, len(missing)), **kw,
        )
    if advice.floors is not None:
        ok = advice.floors.allows(room.floor)
        add(
            "advice_floors", subject, src,
            range_words(advice.floors.min, advice.floors.max),
            room.floor, ok, "chk.advice.floors",
            {
                **at,
                "lo": advice.floors.min,
                "hi": advice.floors.max,
                "floor": room.floor,
                "required_key": "chk.v.floors",
            },
            **kw,
        )
    if advice.exclusive:
        ok = not others
        add(
            "advice_exclusive", subject, src, "alone",
            names(others) or "alone", ok,
            "chk.advice.exclusive.ok"
            if ok
            else "chk.advice.exclusive.bad",
            {
                **at,
                "others": [g.id for g in others],
                "required_key": "chk.v.alone",
                "achieved_key": "chk.v.others" if others else "chk.v.alone",
            },
            **kw,
        )
    for g in others:
        # Each advised pair once: from the function that names it (the
        # first by id when both do).
        if g.id in advice.never_with and (
            f.id not in g.advice.never_with or f.id < g.id
        ):
            add(
                "advice_never_with", subject, src,
                f"not with {g.id}", g.id, False, "chk.advice.never_with",
                {
                    **at,
                    "g": g.id,
                    "others": [g.id],
                    "required_key": "chk.v.not_with",
                    "achieved_key": "chk.v.others",
                },
                **kw,
            )
    advised = scenario.advised_area(f)
    if advised is not None:
        ok = room.area >= advised
        add(
            "advice_area", subject, src, advised, room.area,
            ok, "chk.advice.area",
            {
                **at,
                "advised": advised,
                "households": scenario.community.households,
                "area": room.area,
            },
            margin=round(room.area - advised, 2), **kw,
        )


def range_words(lo: int | None, hi: int | None) -> str:
    """A floor range as ``result.json`` keeps it (``1 to 3``)."""
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    if lo is not None:
        return f"{lo} and above"
    return f"up to {hi}"


def names(functions: list[Function]) -> str:
    """Functions by their labels, for ``result.json``."""
    return ", ".join(g.label for g in functions)
