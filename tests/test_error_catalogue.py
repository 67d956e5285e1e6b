"""The error messages of the catalogue: both languages, and no key used
in the code that the catalogue lacks (an unknown key would print itself)."""

from __future__ import annotations

import ast
import tomllib
from importlib.resources import files
from pathlib import Path

from spaceplan.errors import Fault, InputError, Msg
from spaceplan.i18n import _words

SRC = Path(__file__).parents[1] / "src" / "spaceplan"


def _error_keys() -> dict[str, tuple[str, str]]:
    text = (files("spaceplan") / "locale" / "errors.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_every_error_key_has_both_languages() -> None:
    keys = _error_keys()
    assert len(keys) > 100
    for key, (zh, en) in keys.items():
        assert key.startswith("err."), key
        assert zh.strip() and en.strip(), key


def _literals() -> tuple[set[str], set[str]]:
    """Every ``"err.…"`` string in the package, and every f-string's
    fixed start (``f"err.{kind}"`` gives ``"err."``)."""
    whole: set[str] = set()
    starts: set[str] = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith("err.") and " " not in node.value:
                    # "err.osa.what." + …: a start, completed in code.
                    bucket = starts if node.value.endswith(".") else whole
                    bucket.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and first.value.startswith("err.")
                ):
                    starts.add(first.value)
                    # Its parts are visited as constants too: not keys.
                    whole.discard(first.value)
    return whole, starts


def test_every_error_key_used_in_the_code_exists() -> None:
    words = _words()
    whole, starts = _literals()
    assert len(whole) > 100
    missing = sorted(k for k in whole if k not in words and k not in starts)
    assert missing == []
    for start in starts:
        assert any(k.startswith(start) for k in words), start


def test_a_message_renders_in_both_languages() -> None:
    err = InputError(
        "a.yaml", "building.rooms[0].area", Msg("err.missing")
    )
    assert str(err) == (
        "a.yaml: building.rooms[0].area: is required but missing."
    )
    assert err.render("zh") == "a.yaml：building.rooms[0].area：缺少必填项。"
    # A field inside a message is rendered in the same language.
    hint = Msg("err.did_you_mean", name="R101")
    fault = Msg("err.unknown_room", room="'R11'") + hint
    assert InputError(None, None, fault).render("zh") == (
        "未知房间 'R11'（是否指 'R101'？）。"
    )
    assert str(InputError(None, None, fault)) == (
        "unknown room 'R11'; did you mean 'R101'?"
    )


def test_a_validator_fault_keeps_its_message() -> None:
    exc = Fault("err.data.room_twice", rid="R1")
    assert str(exc) == "Room R1 is listed twice."
    assert exc.msg.render("zh") == "房间 R1 重复列出。"
