"""The wording of rules: values, margins, verdicts and the area target.

One home for how a rule reads, shared by the Markdown, JSON, terminal
and HTML reports and the drawing sheets. Words come from the message
catalogue (``locale/report.toml``); the area target's terms from
:func:`spaceplan.sentences.target_terms`, which the checker's own sentence
uses too.
"""

from __future__ import annotations

from typing import Any

from spaceplan import bilingual, rules
from spaceplan.check import Audit, Row, Violation
from spaceplan.data import Scenario
from spaceplan.i18n import Lang, function_name, labelled, listing, t
from spaceplan.sentences import (
    sentence,
    source_words,
    target_terms,
    value_words,
)
from spaceplan.solution import CheckRecord, Metrics, Result

# ------------------------------------------------------------ formatting

_AREA_RULES = ("area_target", "min_area")


def format_value(rule: str, value: float | str | None) -> str:
    """A required or achieved value as the report shows it.

    Parameters
    ----------
    rule
        The rule id of the row (areas and shares get their units).
    value
        The row's value.

    Returns
    -------
    str
        ``"1,260.00 m²"``, ``"61.5%"``, the text itself, or ``"—"``.
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if rule == "resident_share":
        return f"{value:.1%}"
    if rule in _AREA_RULES or rule == "advice_area":
        return f"{value:,.2f} m²"
    return f"{value:g}"


def format_margin(
    rule: str, margin: float | None, lang: Lang = "zh"
) -> str:
    """A row's margin: m² for areas, percentage points for shares,
    yuan for the works budget."""
    if margin is None:
        return ""
    if rule == "resident_share":
        return f"{margin * 100:+.1f} pp"
    if rule == "works_budget":
        return f"{margin:+,.0f} " + ("元" if lang == "zh" else "CNY")
    return f"{margin:+,.2f} m²"


def row_sentence(
    scenario: Scenario, row: Row | CheckRecord | Violation, lang: Lang
) -> str:
    """A rule row's (or violation's) sentence in ``lang``.

    The checker stores a catalogue key and its fields with every row; a
    row without them (a result written by an older spaceplan) keeps its
    English sentence.
    """
    if not row.key:
        return row.message if isinstance(row, Violation) else row.description
    return sentence(scenario, row.key, row.fields, lang)


def row_value(
    scenario: Scenario, row: Row | CheckRecord, which: str, lang: Lang
) -> str:
    """A row's ``required`` or ``achieved`` value as the report shows it:
    words in ``lang`` (tags, floors, 独用 ...) or a number with its unit."""
    value: Any = getattr(row, which)
    words = value_words(scenario, row.rule, value, row.fields, which, lang)
    return format_value(row.rule, value) if words is None else words


def row_source(row: Row | CheckRecord | Violation, lang: Lang) -> str:
    """A row's source: the profile's words, or the checker's own in
    ``lang``."""
    return source_words(row.source, lang)


def verdict_word(passed: bool, lang: Lang) -> str:
    """``pass`` or ``fail`` in ``lang``."""
    return t("w.pass" if passed else "w.fail", lang)


def verdict_line(audit_: Audit, lang: Lang = "zh") -> str:
    """One line: compliant, or how many rules the plan breaks.

    Parameters
    ----------
    audit_
        The checker's audit of the plan.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"不符合：3 项未通过"`` or ``"compliant"``; failed advice
        is counted apart (``"；另有 2 项建议未采纳（不影响结论）"``).
    """
    if audit_.compliant:
        line = t("w.compliant", lang)
    else:
        line = t(
            "rep.noncompliant_n",
            lang,
            noncompliant=t("w.noncompliant", lang),
            n=len(audit_.violations),
            words=t("rep.violations_n", lang),
        )
    advice = audit_.advice_not_followed
    if advice and not audit_.advice_hard:
        line += t("face.verdict.advice", lang, n=len(advice))
    return line


# ----------------------------------------------------------- area target


def target_arithmetic(scenario: Scenario, lang: Lang = "zh") -> str:
    """The area target worked out in one line.

    Parameters
    ----------
    scenario
        The resolved scenario (profile and households).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"30 m² / 100 households × 4,200 households = 1,260.00 m²;
        minimum 300.00 m²; target max(...) = 1,260.00 m²"``.
    """
    target = rules.area_target(scenario.policy, scenario.community)
    if target.binding == "none":
        return t("rep.no_target", lang)
    terms = target_terms(scenario, lang)
    text = "; ".join(terms)
    if len(terms) > 1:
        text += " → " + labelled(
            t("rep.binds", lang), f"{target.m2:,.2f} m²", lang
        )
    return text


def shared_space_line(scenario: Scenario, lang: Lang = "zh") -> str:
    """How shared space counts (docs/sources.md, "Accounting"), in one
    line."""
    acc = scenario.policy.accounting
    if acc.shared_space != "apportion":
        return t(f"acc.space.{acc.shared_space}", lang)
    walls = bool(scenario.building.survey)
    text = t(
        "acc.space.apportion",
        lang,
        walls=t("acc.space.walls", lang) if walls else "",
    )
    return text if walls else text + t("acc.space.no_walls", lang)


def accounting_lines(scenario: Scenario, lang: Lang = "zh") -> list[str]:
    """The accounting the profile uses, in words, one item a line."""
    acc = scenario.policy.accounting
    cats = listing((t(f"cat.{c}", lang) for c in acc.resident_categories), lang)
    lines = [
        shared_space_line(scenario, lang),
        t(f"acc.{acc.shared_rooms}", lang),
        labelled(t("rep.resident_categories", lang), cats, lang),
    ]
    named = [
        function_name(scenario.function(f), lang)
        for f in acc.resident_functions
        if f in scenario.function_index
    ]
    if named:
        lines.append(
            labelled(
                t("rep.resident_functions", lang),
                listing(named, lang),
                lang,
            )
        )
    lines.append(
        labelled(t("w.source", lang), source_words(acc.source, lang), lang)
    )
    return lines


def share_lines(
    scenario: Scenario, metrics: Metrics, lang: Lang = "zh"
) -> list[str]:
    """The resident share under the profile's accounting and under strict,
    one sentence each on what the figure means."""
    acc = scenario.policy.accounting
    how = (
        f"{t(f'face.space.{acc.shared_space}', lang)} / "
        f"{t(f'chk.mode.{acc.shared_rooms}', lang)}"
    )
    lines = [
        t(
            "share.profile",
            lang,
            how=how,
            share=f"{metrics.resident_share:.1%}",
        )
    ]
    if metrics.resident_share_strict is not None:
        lines.append(
            t(
                "share.strict",
                lang,
                share=f"{metrics.resident_share_strict:.1%}",
            )
        )
    return lines


def flex_warning(metrics: Metrics, lang: Lang = "zh") -> str | None:
    """The warning that the flexible room alone carries the programme."""
    if not metrics.flex_carries:
        return None
    return t("flex.warning", lang, area=f"{metrics.flex_area:,.2f}")


def strength_word(
    rule: str, strength: str, source: str, lang: Lang = "zh"
) -> str:
    """A rule's strength as the report shows it.

    Advice whose source is spaceplan's own default, and a minimum area
    that is such a default, read 建议值 / spaceplan 默认 (a figure no
    document sets); other advice reads 建议.
    """
    if bilingual.is_default(source) and (
        strength == "advice" or rule == "min_area"
    ):
        # A default area decides only whether the functions fit their room.
        return t("s.default", lang)
    return t(f"s.{strength}", lang)


def failure_line(
    row: CheckRecord, lang: Lang, scenario: Scenario | None = None
) -> str:
    """A failed rule in one line: its name, what is required and got.

    With ``scenario``, values that are words (tags, floors) are worded
    in ``lang``.
    """
    if scenario is None:
        required = format_value(row.rule, row.required)
        achieved = format_value(row.rule, row.achieved)
    else:
        required = row_value(scenario, row, "required", lang)
        achieved = row_value(scenario, row, "achieved", lang)
    return t(
        "rep.failure_line",
        lang,
        rule=t(f"r.{row.rule}", lang),
        subject="" if row.subject == "facility" else f" {row.subject}",
        required_word=t("w.required", lang),
        required=required,
        achieved_word=t("w.achieved", lang),
        achieved=achieved,
    )


def run_words(result: Result, lang: Lang = "zh") -> str:
    """How a result was made, in a few words: the solver, its preset,
    seed and time; a hand plan that ``spaceplan check`` wrote reads as
    such."""
    if result.solver == "check":
        return t("face.run.checked", lang)
    parts = [t("face.run.solver", lang, solver=result.solver)]
    if result.config:
        parts.append(t("face.run.config", lang, config=result.config))
    if result.seed is not None:
        parts.append(t("face.run.seed", lang, seed=result.seed))
    parts.append(t("face.run.seconds", lang, seconds=result.solve_seconds))
    return t("chk.sep", lang).join(parts)


#: Note keys that are a whole note (the others are the reason a plan is
#: the greedy warm start's).
WHOLE_NOTES = frozenset({"face.note.walls_kept"})


def note_lines(result: Result, lang: Lang = "zh") -> list[str]:
    """The result's notes (how the plans were found) in ``lang``.

    A note the solver gave a catalogue key is worded in ``lang``; any
    other note is shown as the solver wrote it.
    """
    if len(result.note_keys) != len(result.notes):
        notes = list(result.notes)
    else:
        notes = [
            t(
                "face.note.candidate",
                lang,
                id=cid,
                note=t(key, lang)
                if key in WHOLE_NOTES
                else t("face.note.warm", lang, why=t(key, lang)),
            )
            for cid, key in result.note_keys
        ]
    return [t("face.note.prefix", lang, note=note) for note in notes]
