"""Sources written in both languages: ``{zh: ..., en: ...}``.

A profile's source (``source``, ``area_source``, ``rule_source`` ...) is
either one string, as the contract has always had it, or a mapping with
a Chinese and an English text. The mapping loads as a :class:`Source`,
a string (its English text, else its Chinese) that carries both, so code
that compares or searches sources keeps working; a report asks
:func:`in_lang` for the user's language. A source is written back as it
was read: a mapping stays a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

#: Exactly how a source names spaceplan's own assumption, in English
#: and in Chinese (``spaceplan 默认：<理由>``).
DEFAULT_PREFIX = {"en": "spaceplan default", "zh": "spaceplan 默认"}

_LANGS = ("zh", "en")


class Source(str):
    """A source with a Chinese and an English text.

    The string itself is the English text (the Chinese when there is no
    English), so comparisons and ``startswith`` read as before.
    """

    zh: str | None
    en: str | None

    def __new__(cls, zh: str | None = None, en: str | None = None) -> Source:
        """Make a source from its texts; at least one is given."""
        value = en or zh
        if not value:
            raise ValueError("a source needs zh or en text.")
        obj = super().__new__(cls, value)
        obj.zh = zh
        obj.en = en
        return obj

    def in_lang(self, lang: str) -> str:
        """The text in ``lang``, else in the other language."""
        first = self.zh if lang == "zh" else self.en
        return first or self.en or self.zh or ""

    def as_mapping(self) -> dict[str, str]:
        """The texts given, as a profile writes them."""
        return {
            lang: text
            for lang, text in (("zh", self.zh), ("en", self.en))
            if text
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (Source, (self.zh, self.en))


def in_lang(source: str, lang: str) -> str:
    """``source`` in ``lang``: a :class:`Source`'s text in that language
    (falling back to the other), a plain string as it stands."""
    if isinstance(source, Source):
        return source.in_lang(lang)
    return source


def is_default(source: str) -> bool:
    """Whether ``source`` is spaceplan's own default, in either
    language."""
    texts = (
        source.as_mapping().values()
        if isinstance(source, Source)
        else (source,)
    )
    return any(
        text.startswith(prefix)
        for text in texts
        for prefix in DEFAULT_PREFIX.values()
    )


def _load(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        unknown = sorted(set(map(str, value)) - set(_LANGS))
        if unknown:
            raise ValueError(
                f"a source mapping takes zh and en only, not "
                f"{', '.join(unknown)}."
            )
        texts = {k: value.get(k) for k in _LANGS}
        for lang, text in texts.items():
            if text is not None and not (
                isinstance(text, str) and text.strip()
            ):
                raise ValueError(
                    f"a source's {lang} must be a non-empty string."
                )
        if not any(texts.values()):
            raise ValueError("a source mapping needs zh or en.")
        return Source(texts["zh"], texts["en"])
    raise ValueError(
        "a source must be a string or a mapping {zh: ..., en: ...}."
    )


def _dump(value: str) -> str | dict[str, str]:
    if isinstance(value, Source):
        return value.as_mapping()
    return str(value)


_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "zh": {"type": "string", "minLength": 1},
                "en": {"type": "string", "minLength": 1},
            },
            "additionalProperties": False,
            "minProperties": 1,
        },
    ],
    "description": (
        "A document (title, issuer, year, clause) or 'spaceplan default: "
        "<reason>'; one string, or the text in Chinese and English."
    ),
}

#: The type of every source field: a string, or ``{zh, en}`` as a
#: :class:`Source`.
SourceText = Annotated[
    str,
    PlainValidator(_load),
    PlainSerializer(_dump),
    WithJsonSchema(_SCHEMA),
]
