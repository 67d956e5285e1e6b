"""The wording of rules: values, margins, verdicts and the area target.

One home for how a rule reads, shared by the Markdown, JSON, terminal
and HTML reports and the drawing sheets. Words come from the message
catalogue (``locale/report.toml``); the area target's terms from
:func:`spaceplan.check.target_terms`, which the checker's own sentence
uses too.
"""

from __future__ import annotations

from spaceplan import rules
from spaceplan.check import Audit, target_terms
from spaceplan.data import Scenario
from spaceplan.i18n import Lang, t
from spaceplan.solution import CheckRecord

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
    if rule in _AREA_RULES:
        return f"{value:,.2f} m²"
    return f"{value:g}"


def format_margin(rule: str, margin: float | None) -> str:
    """A row's margin: m² for areas, percentage points for shares."""
    if margin is None:
        return ""
    if rule == "resident_share":
        return f"{margin * 100:+.1f} pp"
    return f"{margin:+,.2f} m²"


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
        E.g. ``"不符合：3 项未通过"`` or ``"compliant"``.
    """
    if audit_.compliant:
        return t("w.compliant", lang)
    return t(
        "rep.noncompliant_n",
        lang,
        noncompliant=t("w.noncompliant", lang),
        n=len(audit_.violations),
        words=t("rep.violations_n", lang),
    )


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
        text += f" → {t('rep.binds', lang)}: {target.m2:,.2f} m²"
    return text


def accounting_lines(scenario: Scenario, lang: Lang = "zh") -> list[str]:
    """The accounting the profile uses, in words, one item a line."""
    acc = scenario.policy.accounting
    cats = ", ".join(t(f"cat.{c}", lang) for c in acc.resident_categories)
    return [
        t(f"acc.circ.{acc.circulation}", lang),
        t(f"acc.{acc.shared_rooms}", lang),
        f"{t('rep.resident_categories', lang)}: {cats}",
        f"{t('w.source', lang)}: {acc.source}",
    ]


def failure_line(row: CheckRecord, lang: Lang) -> str:
    """A failed rule in one line: its name, what is required and got."""
    return t(
        "rep.failure_line",
        lang,
        rule=t(f"r.{row.rule}", lang),
        subject="" if row.subject == "facility" else f" {row.subject}",
        required_word=t("w.required", lang),
        required=format_value(row.rule, row.required),
        achieved_word=t("w.achieved", lang),
        achieved=format_value(row.rule, row.achieved),
    )
