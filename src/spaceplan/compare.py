"""What each candidate does differently, in one sentence per language.

The first candidate is described by its score and its tie-break; every
other candidate against the first: its score, the functions it puts in
other rooms (with their floors), the rooms it frees for resident
activity or takes from it, and the ``near`` wishes it meets or misses
where the first does not.
"""

from __future__ import annotations

from collections.abc import Sequence

from spaceplan import decisions
from spaceplan.data import Scenario
from spaceplan.i18n import LANGS, Lang, function_name, t
from spaceplan.solution import Candidate, Plan

#: Moved functions named one by one before "and n more".
MAX_MOVES = 3


def comparisons(
    scenario: Scenario, candidates: Sequence[Candidate]
) -> list[dict[str, str]]:
    """For each candidate, ``{lang: sentence}``."""
    if not candidates:
        return []
    first = candidates[0]
    out = []
    for k, cand in enumerate(candidates):
        ref = None if k == 0 else first
        words: dict[str, str] = {
            lang: _sentence(scenario, cand, ref, lang) for lang in LANGS
        }
        out.append(words)
    return out


def _sentence(
    scenario: Scenario, cand: Candidate, ref: Candidate | None, lang: Lang
) -> str:
    parts: list[str] = []
    if ref is None:
        parts.append(
            t("cmp.best", lang, id=cand.id, objective=f"{cand.objective:g}")
        )
    else:
        diff = round(ref.objective - cand.objective, 3)
        if diff <= 0:
            parts.append(t("cmp.equal", lang, id=cand.id, ref=ref.id))
        else:
            parts.append(
                t("cmp.lower", lang, id=cand.id, ref=ref.id, diff=f"{diff:g}")
            )
        parts.extend(_moves(scenario, cand.plan, ref, lang))
        parts.extend(_wishes(scenario, cand.plan, ref.plan, lang))
    tie = decisions.tiebreak(scenario, cand.plan)
    parts.append(
        t(
            "cmp.tiebreak",
            lang,
            groups=tie.group_floors,
            visits=tie.visit_floors,
            walk=tie.walk,
        )
    )
    return t("cmp.sep", lang).join(parts) + t("cmp.end", lang)


def _moves(
    scenario: Scenario, plan: Plan, ref: Candidate, lang: Lang
) -> list[str]:
    mine, theirs = plan.placement(), ref.plan.placement()
    building = scenario.building
    moved = [
        f
        for f in scenario.fixed_functions
        if f.id in mine and mine[f.id] != theirs.get(f.id)
    ]
    parts = [
        t(
            "cmp.moves",
            lang,
            function=function_name(f, lang),
            room=mine[f.id],
            floor=decisions.room_floor(building, mine[f.id]),
            ref=ref.id,
            was=theirs.get(f.id, "-"),
        )
        for f in moved[:MAX_MOVES]
    ]
    if len(moved) > MAX_MOVES:
        parts.append(t("cmp.more_moves", lang, n=len(moved) - MAX_MOVES))
    flex = scenario.flexible_function
    if flex is not None:
        mine_flex = set(plan.function_rooms.get(flex.id, ()))
        ref_flex = set(ref.plan.function_rooms.get(flex.id, ()))
        freed = sorted(mine_flex - ref_flex)
        taken = sorted(ref_flex - mine_flex)
        if freed:
            parts.append(t("cmp.frees", lang, rooms=", ".join(freed)))
        if taken:
            parts.append(
                t("cmp.takes", lang, rooms=", ".join(taken), ref=ref.id)
            )
    return parts


def _wishes(
    scenario: Scenario, plan: Plan, ref: Plan, lang: Lang
) -> list[str]:
    wishes = decisions.room_wishes(scenario)
    mine = decisions.room_wishes_met(scenario, plan)
    theirs = decisions.room_wishes_met(scenario, ref)
    parts = []
    for wish, now, before in zip(wishes, mine, theirs, strict=True):
        if now == before:
            continue
        target = (
            wish.wish.room
            if wish.wish.room is not None
            else t("cmp.entrance", lang)
            if wish.wish.tag == "entrance"
            else str(wish.wish.tag)
        )
        name = function_name(scenario.function(wish.function), lang)
        key = "cmp.wish_met" if now else "cmp.wish_missed"
        parts.append(t(key, lang, function=name, target=target))
    return parts
