"""A minimal conflict in the regulation's words.

:mod:`spaceplan.solvers.cpsat.conflict` finds the rules that cannot all
hold; this module names each rule, says what it asks, with its source,
and sums the conflict up in one sentence.
"""

from __future__ import annotations

from spaceplan import rules
from spaceplan.data import Scenario
from spaceplan.diagnose.prechecks import no_room_sentence
from spaceplan.diagnose.words import (
    RuleKey,
    area_sentence,
    building_units,
    floor_words,
    fname,
    m2,
    tag_names,
    target_terms,
)
from spaceplan.i18n import Lang, t
from spaceplan.sentences import source_words
from spaceplan.solvers.cpsat.conflict import RuleOracle

#: Rule kinds that concern one function, in the order they are worded.
FUNCTION_RULES = ("placed", "needs", "floors", "exclusive")


def subject(key: RuleKey) -> str:
    """What a rule is about: a function, a pair, or ``facility``."""
    if key[0] == "never_with":
        return f"{key[1]}+{key[2]}"
    return key[1] if len(key) > 1 else "facility"


def rule_name(key: RuleKey) -> str:
    """A rule key as one word: ``area_target``, ``needs:service_hall``."""
    return ":".join(key[:1] + ((subject(key),) if len(key) > 1 else ()))


def rule_message(
    scenario: Scenario, key: RuleKey, lang: Lang
) -> tuple[str, str]:
    """One rule of a conflict in words, and its source."""
    policy = scenario.policy
    kind = key[0]
    if kind == "area_target":
        target = rules.area_target(policy, scenario.community)
        return (
            t(
                "diagnose.rule.area_target",
                lang,
                target=m2(target.units),
                terms=target_terms(scenario, lang),
            ),
            policy.area_target.source,
        )
    if kind == "resident_share":
        acc = policy.accounting
        circ = (
            "diagnose.circ.include"
            if acc.shared_space != "exclude"
            else "diagnose.circ.exclude"
        )
        return (
            t(
                "diagnose.rule.resident_share",
                lang,
                share=policy.resident_share_min or 0.0,
                accounting=t(f"diagnose.accounting.{acc.shared_rooms}", lang),
                circ=t(circ, lang),
            ),
            policy.resident_share_source,
        )
    if kind == "never_with":
        a, b = scenario.function(key[1]), scenario.function(key[2])
        return (
            t(
                "diagnose.rule.never_with",
                lang,
                a=fname(a, lang),
                b=fname(b, lang),
            ),
            a.rule_source,
        )
    f = scenario.function(key[1])
    if kind == "placed":
        area = m2(rules.to_units(f.min_area))
        return (
            t("diagnose.rule.placed", lang, label=fname(f, lang), area=area),
            t(
                "diagnose.source.area",
                lang,
                policy=source_words(policy.source, lang),
                area=source_words(f.area_source, lang),
            ),
        )
    if kind == "needs":
        tags = tag_names(f, "diagnose.sep.list", lang)
        return (
            t("diagnose.rule.needs", lang, label=fname(f, lang), tags=tags),
            f.rule_source,
        )
    if kind == "floors":
        floors = floor_words(f, scenario, lang)
        return (
            t(
                "diagnose.rule.floors",
                lang,
                label=fname(f, lang),
                floors=floors,
            ),
            f.rule_source,
        )
    if kind == "advice":
        return (
            t("diagnose.rule.advice", lang, label=fname(f, lang)),
            f.advice.source,
        )
    return (
        t("diagnose.rule.exclusive", lang, label=fname(f, lang)),
        f.rule_source,
    )


def conflict_rows(
    scenario: Scenario, keys: list[RuleKey], lang: Lang
) -> list[dict[str, str]]:
    """The conflict as rows: ``rule``, ``subject``, ``message``, source."""
    out = []
    for key in keys:
        message, source = rule_message(scenario, key, lang)
        out.append(
            {
                "rule": key[0],
                "subject": subject(key),
                "message": message,
                "source": source_words(source, lang),
            }
        )
    return out


def conflict_summary(
    scenario: Scenario,
    oracle: RuleOracle,
    conflict: list[RuleKey],
    lang: Lang,
) -> str:
    """The conflict in one sentence (or a few)."""
    kinds = {k[0] for k in conflict}
    funcs = {k[1] for k in conflict if k[0] in FUNCTION_RULES}
    if conflict == [("area_target",)]:
        host, circ = building_units(scenario)
        return area_sentence(scenario, host + circ, True, lang)
    if (
        len(funcs) == 1
        and kinds <= {"placed", "needs", "floors"}
        and "placed" in kinds
    ):
        func = scenario.function(funcs.pop())
        return no_room_sentence(scenario, func, lang)
    lines = [rule_message(scenario, k, lang)[0] for k in conflict]
    text = t(
        "diagnose.conflict.all", lang, n=len(conflict), rules=" ".join(lines)
    )
    if "area_target" in kinds:
        rest = [k for k in conflict if k != ("area_target",)]
        reach = oracle.max_facility(rest)
        if reach is not None:
            text += " " + area_sentence(scenario, reach, False, lang)
    return text
