"""The checker's sentences: catalogue keys and fields made into words.

The checker (:mod:`spaceplan.check`, :mod:`spaceplan.timecheck`) keeps
ids and numbers with every rule row, under a key of ``locale/check.toml``;
:func:`sentence` words a row in English for ``result.json`` and in the
user's language for every report. The area target's terms are worked
out here too (:func:`target_terms`), the one wording of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from spaceplan import bilingual, rules
from spaceplan.data import DEFAULT_SOURCE, Scenario
from spaceplan.i18n import Lang, function_label, slot_name, t
from spaceplan.timecheck import FIX_SOURCE, SOURCE
from spaceplan.works.check import BUDGET_SOURCE
from spaceplan.works.check import SOURCE as WORKS_SOURCE

#: Source of the rules that keep a plan well formed.
FORMAT_SOURCE = t("chk.src.format", "en")
#: Source of the warning that the flexible room carries the programme.
FLEX_SOURCE = t("chk.src.flex", "en")
#: The sources the checker names itself, and their catalogue keys.
SOURCE_KEYS = {
    FORMAT_SOURCE: "chk.src.format",
    FLEX_SOURCE: "chk.src.flex",
    "scenario": "chk.src.scenario",
    # A profile field left at its default names no document.
    "default": "chk.src.default",
    DEFAULT_SOURCE: "chk.src.default",
    SOURCE: "chk.src.time",
    FIX_SOURCE: "chk.src.fix",
    WORKS_SOURCE: "chk.src.works",
    BUDGET_SOURCE: "chk.src.budget",
}


def sentence(
    scenario: Scenario,
    key: str,
    fields: Mapping[str, Any],
    lang: Lang = "en",
) -> str:
    """A checker's sentence from its catalogue ``key`` and ``fields``.

    The checker keeps ids and numbers; the words are made here, in
    ``lang``: ``f``/``g`` name a function, ``others``/``together`` a
    list of functions, ``tags``/``missing``/``has`` room tags, ``slot``
    a time slot, ``kind`` a room kind, ``mode`` how shared rooms count,
    ``lo``/``hi`` a floor range (as ``{floors}``) and ``terms`` the
    worked area target. ``advisory`` adds the sentence saying a
    recommended figure never decides compliance.

    Parameters
    ----------
    scenario
        The resolved scenario (function names, the area target).
    key
        The catalogue key (``locale/check.toml``).
    fields
        The row's fields, as the checker stored them.
    lang
        ``"en"`` (``result.json``) or ``"zh"``.

    Returns
    -------
    str
        The sentence.
    """
    text = t(key, lang, **_field_words(scenario, fields, lang))
    if fields.get("advisory"):
        text += t("chk.advisory", lang)
    return text


def value_words(
    scenario: Scenario,
    rule: str,
    value: float | str | None,
    fields: Mapping[str, Any],
    which: str,
    lang: Lang,
) -> str | None:
    """A row's required or achieved value in words, when it is words.

    Parameters
    ----------
    scenario
        The resolved scenario.
    rule
        The row's rule id.
    value
        The stored value.
    fields
        The row's fields; ``required_key`` or ``achieved_key`` name
        the catalogue entry of a value that is words.
    which
        ``"required"`` or ``"achieved"``.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str or None
        The words, or None for a number (the report formats it).
    """
    key = fields.get(f"{which}_key")
    if not key:
        return None
    return t(key, lang, **_field_words(scenario, fields, lang))


def source_words(source: str, lang: Lang) -> str:
    """A row's source in ``lang``: the checker's own sources are
    translated; a profile's source is quoted in ``lang`` when it gives
    both (``{zh, en}``), else as it stands. In Chinese, a citation's
    marks are the Chinese ones (:func:`chinese_marks`)."""
    key = SOURCE_KEYS.get(source)
    text = bilingual.in_lang(source, lang) if key is None else t(key, lang)
    return chinese_marks(text) if lang == "zh" else text


_HAN = "\u4e00-\u9fff"
#: " (重庆市民政局, 2022)" after a Chinese word or a closing bracket
#: (标准（试行）): the issuer and year.
_ASIDE = re.compile(f"(?<=[{_HAN}）]) \\(([^()]*)\\)")
#: ", " or ": " after a Chinese word, a closing bracket or a clause number.
_COMMA = re.compile(f"(?<=[{_HAN}）]), ")
_COLON = re.compile(f"(?<=[{_HAN}）\\d]): ")


def chinese_marks(text: str) -> str:
    """A citation written with ASCII marks, as the profiles write them
    (``工作方案 (重庆市民政局, 2022), 完善基础设施: 设置服务大厅``), with
    the Chinese ones: ``工作方案（重庆市民政局，2022），完善基础设施：设置服务大厅``.
    The colon after a clause number (``5.4.4：``) is full-width too;
    other marks between Latin words and numbers are left alone."""
    text = _ASIDE.sub(
        lambda m: "（" + m.group(1).replace(", ", "，") + "）", text
    )
    return _COLON.sub("：", _COMMA.sub("，", text))


def _function_word(scenario: Scenario, fid: str, lang: Lang) -> str:
    if fid not in scenario.function_index:
        return fid
    return function_label(scenario.function(fid), lang)


def _tag_word(tag: str, lang: Lang) -> str:
    key = f"chk.tag.{tag}"
    word = t(key, lang)
    return tag if word == key else word


def _field_words(
    scenario: Scenario, fields: Mapping[str, Any], lang: Lang
) -> dict[str, Any]:
    sep = t("chk.sep", lang)
    none = t("chk.none", lang)
    out = dict(fields)
    for name, value in fields.items():
        if name in ("f", "g"):
            out[name] = _function_word(scenario, value, lang)
        elif name in ("others", "together"):
            words = [_function_word(scenario, v, lang) for v in value]
            joint = t("chk.plus", lang) if name == "together" else sep
            out[name] = joint.join(words) or none
        elif name in ("tags", "missing", "has"):
            out[name] = sep.join(_tag_word(v, lang) for v in value) or none
        elif name == "slot":
            out[name] = slot_name(value, lang)
        elif name in ("slots", "within", "outside", "fixed"):
            out[name] = sep.join(slot_name(v, lang) for v in value) or none
        elif name in ("kind", "mode"):
            out[name] = t(f"chk.{name}.{value}", lang)
        elif name == "rooms":
            out[name] = ", ".join(value) or none
    lo, hi = fields.get("lo"), fields.get("hi")
    if lo is not None and lo == hi:
        out["floors"] = t("chk.floors.one", lang, lo=lo)
    elif lo is not None and hi is not None:
        out["floors"] = t("chk.floors.range", lang, lo=lo, hi=hi)
    elif lo is not None:
        out["floors"] = t("chk.floors.min", lang, lo=lo)
    elif hi is not None:
        out["floors"] = t("chk.floors.max", lang, hi=hi)
    if fields.get("terms"):
        terms = target_terms(scenario, lang)
        joined = t("chk.sep.clause", lang).join(terms)
        out["terms"] = (
            t("chk.terms_binds", lang, terms=joined)
            if len(terms) > 1
            else joined
        )
    return out


def target_terms(scenario: Scenario, lang: Lang = "en") -> list[str]:
    """The terms of the area target, worked out: the one wording of them.

    The checker's sentence, the reports and the diagnosis all use it.

    Parameters
    ----------
    scenario
        The resolved scenario (profile and households).
    lang
        ``"en"`` (the checker's language) or ``"zh"``.

    Returns
    -------
    list of str
        E.g. ``["30 m² per 100 households × 4,200 households =
        1,260.00 m²", "minimum 300 m²"]``; empty with no target.
    """
    rule = scenario.policy.area_target
    target = rules.area_target(scenario.policy, scenario.community)
    terms = []
    if target.per_household_units is not None:
        terms.append(
            t(
                "target.per_household",
                lang,
                per=f"{rule.per_100_households:g}",
                households=f"{scenario.community.households:,}",
                area=f"{rules.to_m2(target.per_household_units):,.2f}",
            )
        )
    if target.minimum_units is not None:
        area = rules.to_m2(target.minimum_units)
        if rule.tolerance:
            terms.append(
                t(
                    "target.about",
                    lang,
                    area=f"{area:,g}",
                    tolerance=f"{rule.tolerance:.0%}",
                )
            )
        else:
            terms.append(t("target.minimum", lang, area=f"{area:,g}"))
    return terms
