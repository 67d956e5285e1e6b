"""The message catalogue: ``locale/*.toml``, key -> (中文, English).

:func:`t` renders a message; :mod:`spaceplan.i18n` re-exports it with the
words built on it (floors, slots, names). It lives apart from ``i18n`` so
that the one error type (:mod:`spaceplan.errors`), which the data model
raises, can render its messages without importing what ``i18n`` names.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_CATALOGUE = files("spaceplan") / "locale"


@cache
def _words() -> dict[str, tuple[str, str]]:
    """Every message of the catalogue: ``locale/*.toml``, key -> (zh, en)."""
    words: dict[str, tuple[str, str]] = {}
    for entry in sorted(_CATALOGUE.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        for key, pair in tomllib.loads(entry.read_text("utf-8")).items():
            if key in words:
                raise ValueError(
                    f"Message {key!r} is in more than one catalogue file "
                    f"(again in {entry.name})."
                )
            zh, en = pair
            words[key] = (zh, en)
    return words


def t(key: str, lang: Lang = "zh", **fields: object) -> str:
    """The message ``key`` in ``lang``, with ``fields`` filled in.

    An unknown key gives the key itself, so a missing entry shows in the
    output instead of failing a report half-way; the catalogue test
    checks that every key used in the code exists.
    """
    pair = _words().get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**fields) if fields else text
