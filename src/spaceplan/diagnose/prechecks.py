"""Faults found by arithmetic alone, before any solve.

The building smaller than the target, a function no room can take, more
exclusive functions than rooms for them, a resident share out of reach.
"""

from __future__ import annotations

from spaceplan import rules
from spaceplan.data import Function, Scenario
from spaceplan.diagnose.words import (
    area_sentence,
    building_units,
    fname,
    listed,
    m2,
    need_words,
)
from spaceplan.i18n import Lang, t
from spaceplan.sentences import source_words
from spaceplan.solvers.problem import Problem


def finding(
    rule: str, subject: str, message: str, source: str
) -> dict[str, str]:
    """One fault as stored in a diagnosis."""
    return {
        "rule": rule,
        "subject": subject,
        "message": message,
        "source": source,
    }


def prechecks(scenario: Scenario, lang: Lang = "zh") -> list[dict[str, str]]:
    """Faults found by arithmetic alone, before any solve.

    Each is a dict with ``rule``, ``subject``, ``message`` and ``source``.
    An empty list does not mean the scenario is feasible: only the full
    diagnosis can say that.
    """
    out: list[dict[str, str]] = []
    problem = Problem(scenario)
    policy = scenario.policy
    target = rules.area_target(policy, scenario.community)
    host, circ = building_units(scenario)
    if target.binding != "none" and host + circ < target.units:
        out.append(
            finding(
                "area_target",
                "facility",
                area_sentence(scenario, host + circ, True, lang),
                policy.area_target.source,
            )
        )
    for f in problem.unplaceable():
        func = problem.funcs[f]
        out.append(
            finding(
                "placed",
                func.id,
                no_room_sentence(scenario, func, lang),
                func.rule_source,
            )
        )
    out.extend(_exclusive_check(problem, lang))
    out.extend(_share_check(scenario, problem, host, circ, lang))
    return [{**o, "source": source_words(o["source"], lang)} for o in out]


def no_room_sentence(scenario: Scenario, f: Function, lang: Lang) -> str:
    """``X needs an accessible room on floor 1; no such room exists.``"""
    need = rules.to_units(f.min_area)
    fitting = [
        r
        for r in scenario.host_rooms
        if all(tag in r.tags for tag in f.needs)
        and (f.floors is None or f.floors.allows(r.floor))
    ]
    text = need_words(f, scenario, lang)
    if not fitting:
        return t("diagnose.no_room.none", lang, need=text)
    biggest = max(fitting, key=lambda r: r.area)
    return t(
        "diagnose.no_room.small",
        lang,
        need=text,
        area=m2(need),
        source=source_words(f.area_source, lang),
        room=biggest.id,
        size=m2(rules.to_units(biggest.area)),
    )


def _exclusive_check(problem: Problem, lang: Lang) -> list[dict[str, str]]:
    if not problem.exclusive:
        return []
    rooms = {r for f in problem.exclusive for r in problem.allowed[f]}
    if len(problem.exclusive) <= len(rooms):
        return []
    names = listed(
        [fname(problem.funcs[f], lang) for f in problem.exclusive], lang
    )
    sources = sorted(
        {source_words(problem.funcs[f].rule_source, lang)
         for f in problem.exclusive}
    )
    return [
        finding(
            "exclusive",
            "+".join(problem.funcs[f].id for f in problem.exclusive),
            t(
                "diagnose.exclusive.rooms",
                lang,
                n=len(problem.exclusive),
                names=names,
                rooms=len(rooms),
            ),
            "; ".join(sources),
        )
    ]


def _share_check(
    scenario: Scenario, problem: Problem, host: int, circ: int, lang: Lang
) -> list[dict[str, str]]:
    policy = scenario.policy
    share = policy.resident_share_min
    if share is None or host + circ == 0:
        return []
    acc = policy.accounting
    floor_units = 0
    if acc.shared_rooms == "strict":
        # Under strict accounting a room with a non-resident function counts
        # nothing: those functions' peak load, and the smallest room each
        # could take, are area the share can never include.
        nonres = [
            f for f in range(problem.num_funcs) if not problem.resident[f]
        ]
        loads = [
            sum(
                int(problem.need_units[f])
                for f in nonres
                if problem.active[f, s]
            )
            for s in range(len(problem.slots))
        ]
        smallest = [
            min(int(problem.room_units[r]) for r in problem.allowed[f])
            for f in nonres
            if problem.allowed[f]
        ]
        floor_units = max([*loads, *smallest, 0])
    best = rules.share_of(host - floor_units, host + circ)
    if rules.share_met(host - floor_units, host + circ, share):
        return []
    parts = []
    if floor_units:
        parts.append(
            t("diagnose.share.non_resident", lang, area=m2(floor_units))
        )
    if circ:
        parts.append(t("diagnose.share.circulation", lang, area=m2(circ)))
    return [
        finding(
            "resident_share",
            "facility",
            t(
                "diagnose.share.short",
                lang,
                best=best,
                parts=t("diagnose.sep.clause", lang).join(parts),
                share=share,
            ),
            policy.resident_share_source,
        )
    ]
