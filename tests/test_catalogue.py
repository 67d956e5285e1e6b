"""The message catalogue: every entry has both languages and the same fields."""

import string
import tomllib
from importlib.resources import files

from spaceplan.i18n import _words, t


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_entry_has_both_languages_with_the_same_fields():
    for key, (zh, en) in _words().items():
        assert zh and en, key
        # A field ending in _en is a library's English detail (PyYAML's
        # sentence): the Chinese may leave it out, and only it.
        english_only = {f for f in _fields(en) if f.endswith("_en")}
        assert _fields(zh) == _fields(en) - english_only or _fields(
            zh
        ) == _fields(en), key


def test_a_key_lives_in_one_file_only():
    seen: dict[str, str] = {}
    for entry in (files("spaceplan") / "locale").iterdir():
        if entry.name.endswith(".toml"):
            for key in tomllib.loads(entry.read_text("utf-8")):
                assert key not in seen, (key, seen.get(key), entry.name)
                seen[key] = entry.name
    assert seen.keys() == _words().keys()


def test_fields_are_filled_in_either_language():
    assert t("d.page", "zh", n=3) == "第 3 页"
    assert t("d.page", "en", n=3) == "Page 3"
