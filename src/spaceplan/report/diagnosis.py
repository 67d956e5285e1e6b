"""The diagnosis of a result with no plan, in sentences and tables.

``result.json`` keeps the diagnosis as data (:meth:`Diagnosis.as_dict`);
this module words it once, in the user's language, with the headings
and columns the ``diagnose`` command prints (``locale/diagnose.toml``).
The Markdown and HTML reports lay the same blocks out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spaceplan.i18n import Lang, t


@dataclass(frozen=True)
class Block:
    """One part of the diagnosis: a list of sentences, or a table.

    ``head`` is empty for a list; each row then holds one sentence.
    """

    title: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DiagnosisWords:
    """The diagnosis as a reader sees it: the summary, the blocks and the
    closing lines."""

    summary: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _items(diagnosis: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = diagnosis.get(key) or []
    return [
        item if isinstance(item, Mapping) else {"message": item}
        for item in items
    ]


def _message(item: Mapping[str, Any]) -> str:
    return _text(item.get("message") or item.get("description"))


def _prechecks(items: list[Mapping[str, Any]], lang: Lang) -> Block:
    rows = []
    for item in items:
        text, source = _message(item), _text(item.get("source"))
        # A sentence that names its source already needs no tail.
        if source and source not in text:
            text += t("diagnose.source_tail", lang, source=source)
        rows.append((text,))
    return Block(t("diagnose.head.prechecks", lang), (), tuple(rows))


def _rule_word(rule: str, lang: Lang) -> str:
    key = f"diagnose.rule.kind.{rule}"
    word = t(key, lang)
    return rule if word == key else word


def _conflict(items: list[Mapping[str, Any]], lang: Lang) -> Block:
    head = tuple(
        t(f"diagnose.col.{name}", lang)
        for name in ("rule", "subject", "asks", "source")
    )
    rows = []
    for item in items:
        subject = _text(item.get("subject"))
        if subject == "facility":
            subject = t("diagnose.subject.facility", lang)
        rows.append(
            (
                _rule_word(_text(item.get("rule")), lang),
                subject,
                _message(item),
                _text(item.get("source")),
            )
        )
    return Block(t("diagnose.head.conflict", lang), head, tuple(rows))


def _repairs(
    key: str, items: list[Mapping[str, Any]], lang: Lang
) -> Block:
    head = tuple(
        t(f"diagnose.col.{name}", lang) for name in ("rank", "cost", "change")
    )
    rows = tuple(
        (
            _text(item.get("rank", n)),
            _text(item.get("cost_text")),
            _message(item),
        )
        for n, item in enumerate(items, start=1)
    )
    return Block(t(f"diagnose.head.{key}", lang), head, rows)


def _profiles_line(diagnosis: Mapping[str, Any], lang: Lang) -> str | None:
    profiles = _items(diagnosis, "profiles")
    if not profiles:
        return None
    sep = t("diagnose.sep.list", lang)
    feasible = [_text(p.get("policy")) for p in profiles if p.get("feasible")]
    if feasible:
        return t("diagnose.profiles.feasible", lang, ids=sep.join(feasible))
    tried = sep.join(_text(p.get("policy")) for p in profiles)
    return t("diagnose.profiles.none", lang, ids=tried)


def diagnosis_words(
    diagnosis: Mapping[str, Any], lang: Lang = "zh"
) -> DiagnosisWords:
    """The stored diagnosis worded for a report.

    Parameters
    ----------
    diagnosis
        ``Result.diagnosis``: the summary, prechecks, the minimal conflict,
        repairs and waivers, the other profiles tried.
    lang
        ``"zh"`` or ``"en"``; the sentences themselves are in the
        language the diagnosis was made in.

    Returns
    -------
    DiagnosisWords
        The summary, a block per part that has items, and the closing
        lines (the other profiles, what a cost means).
    """
    blocks = []
    prechecks = _items(diagnosis, "prechecks")
    if prechecks:
        blocks.append(_prechecks(prechecks, lang))
    conflict = _items(diagnosis, "conflict")
    if conflict:
        blocks.append(_conflict(conflict, lang))
    # Regulatory waivers apart from the design repairs, labelled.
    for key in ("repairs", "waivers"):
        items = _items(diagnosis, key)
        if items:
            blocks.append(_repairs(key, items, lang))
    notes = []
    profiles = _profiles_line(diagnosis, lang)
    if profiles:
        notes.append(profiles)
    if diagnosis.get("repairs") or diagnosis.get("waivers"):
        notes.append(t("diagnose.costs_note", lang))
    return DiagnosisWords(
        _text(diagnosis.get("summary")), tuple(blocks), tuple(notes)
    )
