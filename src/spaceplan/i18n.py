"""Words shown to users, in Chinese (default) and English.

Function and rule names come from the profile (``name`` / ``name_en``);
this module holds the rest: categories, metrics, rule titles, statuses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

# The catalogue and its renderer, here as everywhere: ``i18n.t``.
from spaceplan.catalogue import LANGS as LANGS
from spaceplan.catalogue import Lang as Lang
from spaceplan.catalogue import _words as _words
from spaceplan.catalogue import t as t

if TYPE_CHECKING:  # only for annotations: the CLI imports this at start-up
    from spaceplan.data import Function, Policy


def function_name(function: Function, lang: Lang = "zh") -> str:
    """A function's name in ``lang``."""
    return function.name if lang == "zh" else function.name_en


def function_label(function: Function, lang: Lang = "zh") -> str:
    """A function as a sentence names it: the Chinese name, or in English
    both names (``档案室 (archive)``), as the checker's messages do."""
    return function.name if lang == "zh" else function.label


def policy_title(policy: Policy, lang: Lang = "zh") -> str:
    """A profile's title in ``lang`` (the Chinese one if no English)."""
    if lang == "en" and policy.title_en:
        return policy.title_en
    return policy.title


_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def floor_name(floor: int, lang: Lang = "zh") -> str:
    """``一层`` / ``地下一层`` in Chinese, ``Floor 1`` / ``Basement 1``."""
    if lang == "zh":
        if floor >= 1:
            return f"{_zh_number(floor)}层"
        if floor == 0:
            return "零层"
        return f"地下{_zh_number(-floor)}层"
    if floor >= 0:
        return f"Floor {floor}"
    return f"Basement {-floor}"


def slot_name(slot: str, lang: Lang = "zh") -> str:
    """A time slot's name; the id itself for a slot we do not know."""
    day, _, part = slot.partition("_")
    if day in ("weekday", "weekend") and part in ("am", "pm", "eve"):
        return t(f"slot.{day}", lang) + (
            t(f"slot.{part}", lang)
            if lang == "zh"
            else " " + t(f"slot.{part}", lang)
        )
    if day in _DAYS and part in ("am", "pm", "eve"):
        sep = "" if lang == "zh" else " "
        return t(f"day.{day}", lang) + sep + t(f"period.{part}", lang)
    # The patterns a session's window may use: sat_*, *_eve.
    if day in _DAYS and part == "*":
        return t("face.slot.all_day", lang, day=t(f"day.{day}", lang))
    if day == "*" and part in ("am", "pm", "eve"):
        period = t(f"period.{part}", lang)
        return t("face.slot.every_day", lang, period=period)
    return slot


#: The days of the week's slots (``mon_am`` ... ``sun_eve``).
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot_short(slot: str, lang: Lang = "zh") -> str:
    """One-character name of a slot's part of the day, for strip heads."""
    _, _, part = slot.partition("_")
    if part in ("am", "pm", "eve"):
        return t(f"slot.{part}.short", lang)
    return slot[:1]


def group_name(group: str, lang: Lang = "zh") -> str:
    """The name of a strip's day group: 工作日, 周末, 周一 …; else as is."""
    if group in ("weekday", "weekend"):
        return t(f"slot.{group}", lang)
    if group in _DAYS:
        return t(f"day.{group}", lang)
    return group


def slot_group(slot: str) -> str:
    """The slot's day group (the part before ``_``), for strip separators."""
    return slot.partition("_")[0]


def labelled(label: str, value: str, lang: Lang = "zh") -> str:
    """``label：value`` in Chinese (full-width colon), ``label: value``
    in English."""
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def aside(text: str, lang: Lang = "zh") -> str:
    """``（text）`` in Chinese, `` (text)`` in English: a remark after a
    value, in the brackets of the language."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def listing(items: Iterable[str], lang: Lang = "zh") -> str:
    """Items in a row: ``服务大厅、阅览室`` in Chinese, ``a, b`` in
    English (the catalogue's ``sol.list_sep``)."""
    return t("sol.list_sep", lang).join(items)


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: two for a wide (Chinese)
    character, one for any other."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text
    )
