"""The one error type for bad input, and pydantic errors in plain words."""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

#: Longest fault kept in a message; the rest is cut (a value echoed from
#: a hostile file must not flood the terminal).
MAX_FAULT_CHARS = 300
#: Longest value shown in a message.
MAX_SHOWN_CHARS = 40


class InputError(Exception):
    """Bad input: names the file, the field path and the fault.

    ``str(err)`` is the one-line message the CLI prints, e.g.
    ``scenario.yaml: building.rooms[3].area: must be greater than 0
    (got -5).``
    """

    def __init__(
        self, file: str | Path | None, field: str | None, fault: str
    ) -> None:
        self.file = None if file is None else _cut(str(file), 200)
        self.field = _cut(field, 120) if field else None
        self.fault = _cut(" ".join(fault.split()), MAX_FAULT_CHARS)
        if self.fault and self.fault[-1] not in ".?!":
            self.fault += "."
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """``file: field: fault`` with the missing parts left out."""
        parts = [p for p in (self.file, self.field) if p]
        return ": ".join([*parts, self.fault])


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_path(loc: Sequence[int | str]) -> str:
    """``('building', 'rooms', 3, 'area')`` as ``building.rooms[3].area``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _describe(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    given = err.get("input")
    got = shown(given)
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind in ("greater_than", "greater_than_equal"):
        word = "greater than" if kind == "greater_than" else "at least"
        bound = ctx.get("gt", ctx.get("ge"))
        return f"must be {word} {_num(bound)} (got {got})"
    if kind in ("less_than", "less_than_equal"):
        word = "less than" if kind == "less_than" else "at most"
        bound = ctx.get("lt", ctx.get("le"))
        return f"must be {word} {_num(bound)} (got {got})"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {got})"
    if kind == "string_pattern_mismatch":
        return (
            f"{got} is not a valid id: use lower-case letters, digits "
            "and underscores, starting with a letter"
        )
    if kind == "finite_number":
        return f"must be a finite number (got {got})"
    if kind.startswith(("int_", "float_")):
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"must be {what} (got {got})"
    if kind == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error":
        return str(err.get("msg", "")).removeprefix("Assertion failed, ")
    return f"{err.get('msg', 'is invalid')} (got {got})"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


class _Shown(reprlib.Repr):
    """``repr`` that looks at a bounded part of a value.

    A YAML alias bomb expands to a structure of billions of items; the
    plain ``repr`` of it would never end. This one stops after a few
    items per level and two levels deep.
    """

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 2
        self.maxdict = self.maxlist = self.maxtuple = 4
        self.maxset = self.maxfrozenset = 4
        self.maxstring = self.maxother = self.maxlong = MAX_SHOWN_CHARS

    def repr_int(self, x: int, level: int) -> str:
        # repr of an int over 4,300 digits raises ValueError.
        if x.bit_length() > 128:
            return f"<a {x.bit_length()}-bit number>"
        return super().repr_int(x, level)


_SHOWN = _Shown()


def shown(value: Any) -> str:
    """A short, bounded ``repr`` of ``value`` for a message."""
    try:
        text = _SHOWN.repr(value)
    except Exception:  # a value whose repr fails is still bad input
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    limit = MAX_SHOWN_CHARS
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(
    word: str,
    choices: Iterable[str] | Mapping[str, str],
    *,
    sentence: bool = False,
) -> str:
    """A hint naming the closest of ``choices`` to ``word``, or ``""``.

    ``"; did you mean 'x'?"`` to end a fault, or with ``sentence`` a
    sentence of its own, ``" Did you mean 'x'?"``, to follow one.
    ``choices`` may map every spelling (an id, a Chinese name) to the id
    it stands for; the hint then names the id, with the Chinese name
    when that is what matched. A spelling that contains ``word`` (or is
    contained in it) counts as close when nothing else is.
    """
    names = (
        dict(choices)
        if isinstance(choices, Mapping)
        else {c: c for c in choices}
    )
    # A hostile word may be megabytes long; difflib is quadratic.
    word = word[:100]
    close = difflib.get_close_matches(word, list(names), n=1)
    if not close and word:
        close = [k for k in names if word in k or k in word][:1]
    if not close:
        return ""
    ident = names[close[0]]
    shown = ident if close[0] == ident else f"{ident} ({close[0]})"
    if sentence:
        return f" Did you mean '{shown}'?"
    return f"; did you mean '{shown}'?"


def from_validation(
    exc: ValidationError,
    file: str | Path | None,
    prefix: Sequence[int | str] = (),
) -> InputError:
    """The first error of a pydantic ``ValidationError`` as an InputError.

    One clear message beats a list of twelve: the first fault is the one
    to fix first, and the rest are often consequences of it.
    """
    errors = exc.errors(include_url=False)
    err = _misspelt(errors) or errors[0]
    loc = [p for p in err.get("loc", ()) if not _is_union_tag(p)]
    path = field_path([*prefix, *loc])
    fault = _describe(dict(err))
    if err.get("type") == "extra_forbidden":
        fault += _did_you_mean(err, errors)
    return InputError(file, path, fault)


def _misspelt(errors: Sequence[Any]) -> Any:
    """An unknown key next to a missing one is the more useful fault."""
    missing = [e for e in errors if e.get("type") == "missing"]
    for e in errors:
        if e.get("type") != "extra_forbidden":
            continue
        parent = tuple(e.get("loc", ()))[:-1]
        if any(tuple(m.get("loc", ()))[:-1] == parent for m in missing):
            return e
    return None


def _did_you_mean(err: Any, errors: Sequence[Any]) -> str:
    loc = tuple(err.get("loc", ()))
    parent, key = loc[:-1], str(loc[-1]) if loc else ""
    missing = [
        str(tuple(m.get("loc", ()))[-1])
        for m in errors
        if m.get("type") == "missing"
        and tuple(m.get("loc", ()))[:-1] == parent
    ]
    return did_you_mean(key, missing)


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the union member's type name to the location, e.g.
    # ('schedule', 'tuple[str, ...]', 0); it means nothing to a user.
    return isinstance(part, str) and (
        "[" in part or part.startswith(("literal", "function-"))
    )
