"""The one error type for bad input, and pydantic errors in plain words.

A fault is a catalogue message (:class:`Msg`: a key of
``locale/errors.toml`` and its fields), so the command line prints it in
the user's language; ``str()`` of an error stays English, for library
users and logs. A model validator raises :class:`Fault`, a ``ValueError``
that carries its message through pydantic.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from spaceplan.catalogue import Lang, t

#: Longest fault kept in a message; the rest is cut (a value echoed from
#: a hostile file must not flood the terminal).
MAX_FAULT_CHARS = 300
#: Longest value shown in a message.
MAX_SHOWN_CHARS = 40


class Msg:
    """A message of the catalogue: its key and the fields it is filled with.

    A field may itself be a :class:`Msg` (rendered in the same language)
    or plain text (a file name, an id, a value: shown as it is). Two
    messages joined with ``+`` render one after the other.

    Examples
    --------
    >>> Msg("err.no_such_file").render("en")
    'no such file.'
    """

    __slots__ = ("fields", "key")

    def __init__(self, key: str, /, **fields: object) -> None:
        self.key = key
        self.fields = fields

    def render(self, lang: Lang = "en") -> str:
        """The message in ``lang``, its fields filled in."""
        # The template first, then the fields: a field may be called
        # ``key`` or ``lang`` without clashing with t's own arguments.
        template = t(self.key, lang)
        fields = {k: render(v, lang) for k, v in self.fields.items()}
        return template.format(**fields) if fields else template

    def __add__(self, other: object) -> Msg:
        if other is None or other == "":
            return self
        return Msg("err.then", first=self, then=other)

    def __radd__(self, other: object) -> Msg:
        if other is None or other == "":
            return self
        return Msg("err.then", first=other, then=self)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.fields!r})"


class MsgWarning(UserWarning):
    """A warning of the package: English as its text (for logs and
    ``pytest.warns``), the catalogue message in :attr:`msg` for the
    command line to print in the user's language."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.render("en"))
        self.msg = msg


def render(value: object, lang: Lang = "en") -> str:
    """``value`` in ``lang``: a :class:`Msg` rendered, anything else as
    ``str``."""
    if isinstance(value, Msg):
        return value.render(lang)
    return "" if value is None else str(value)


class Fault(ValueError):
    """A model validator's fault, carried as a catalogue message.

    pydantic keeps the exception it wraps, so :func:`from_validation`
    reports the message in the user's language; ``str(err)`` is English.
    """

    def __init__(self, key: str | Msg, /, **fields: object) -> None:
        self.msg = key if isinstance(key, Msg) else Msg(key, **fields)
        super().__init__(self.msg.render("en"))


class InputError(Exception):
    """Bad input: names the file, the field path and the fault.

    The fault is a catalogue message (:class:`Msg`), or plain text for a
    wording that has none. ``str(err)`` is the one-line message in
    English, for library users and logs, e.g. ``scenario.yaml:
    building.rooms[3].area: must be greater than 0 (got -5).``;
    :meth:`render` gives the same line in another language, as the
    command line prints it. The file and the field path are the user's
    own names and stay as they are in every language.
    """

    def __init__(
        self,
        file: str | Path | None,
        field: str | Msg | None,
        fault: str | Msg,
    ) -> None:
        self.file = None if file is None else _cut(str(file), 200)
        #: The field as given: a path, or a place in words (第3行).
        self.place = field or None
        self.field = _cut(render(field), 120) if field else None
        #: The fault as given: a message to render, or plain text.
        self.reason = fault
        self.fault = self._fault("en")
        super().__init__(self.message)

    def _fault(self, lang: Lang) -> str:
        text = _cut(" ".join(render(self.reason, lang).split()),
                    MAX_FAULT_CHARS)
        if text and text[-1] not in ".?!。？！":
            # Plain text is English: it ends as English does.
            zh = lang == "zh" and isinstance(self.reason, Msg)
            text += "。" if zh else "."
        return text

    @property
    def message(self) -> str:
        """``file: field: fault`` with the missing parts left out."""
        return self.render("en")

    def render(self, lang: Lang = "en") -> str:
        """``file: field: fault`` in ``lang``, missing parts left out."""
        place = _cut(render(self.place, lang), 120) if self.place else None
        parts = [p for p in (self.file, place) if p]
        return t("err.sep", lang).join([*parts, self._fault(lang)])


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


def _describe(err: dict[str, Any]) -> Msg:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    given = err.get("input")
    got = shown(given)
    if kind == "missing":
        return Msg("err.missing")
    if kind == "extra_forbidden":
        return Msg("err.unknown_field")
    if kind in ("greater_than", "greater_than_equal"):
        bound = _num(ctx.get("gt", ctx.get("ge")))
        return Msg(f"err.{kind}", bound=bound, got=got)
    if kind in ("less_than", "less_than_equal"):
        bound = _num(ctx.get("lt", ctx.get("le")))
        return Msg(f"err.{kind}", bound=bound, got=got)
    if kind == "literal_error":
        return Msg("err.one_of", expected=ctx.get("expected"), got=got)
    if kind == "string_pattern_mismatch":
        return Msg("err.bad_id", got=got)
    if kind == "finite_number":
        return Msg("err.not_finite", got=got)
    if kind.startswith(("int_", "float_")):
        what = "err.not_int" if kind.startswith("int") else "err.not_number"
        return Msg(what, got=got)
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        if isinstance(error, Fault):
            return error.msg
        msg = str(err.get("msg", ""))
        return Msg("err.text", text=msg.removeprefix(
            "Value error, ").removeprefix("Assertion failed, "))
    if kind in ("string_type", "dict_type", "list_type", "bool_type",
                "bool_parsing", "tuple_type", "model_type"):
        return Msg(f"err.{kind}", got=got)
    return Msg("err.invalid", msg_en=err.get("msg", "is invalid"), got=got)


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
) -> Msg | str:
    """A hint naming the closest of ``choices`` to ``word``, or ``""``.

    A message, in English ``"; did you mean 'x'?"`` to end a fault, or
    with ``sentence`` a sentence of its own, ``" Did you mean 'x'?"``,
    to follow one; add it to a fault with ``+``.
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
        return Msg("err.did_you_mean.sentence", name=shown)
    return Msg("err.did_you_mean", name=shown)


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
        fault = fault + _did_you_mean(err, errors)
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


def _did_you_mean(err: Any, errors: Sequence[Any]) -> Msg | str:
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
