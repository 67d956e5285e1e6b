"""The options several commands share, spelt once.

``-o/--output`` names where a command writes (the old spellings
``--out`` and ``--outdir`` still work but are not shown); ``--json``,
``--lang`` and ``--quiet`` mean the same on every command that has them;
:func:`exit_codes` writes the exit-status list at the foot of a
command's ``--help``.
"""

from __future__ import annotations

import codecs
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from spaceplan.cli.command import LANG_ENV, BadValue
from spaceplan.i18n import LANGS, Lang

F = TypeVar("F", bound=Callable[..., Any])

#: The bounds of :mod:`spaceplan.data` (not imported here: start-up speed;
#: a test checks they agree): a day, and CP-SAT's 32-bit seed.
MAX_TIME_LIMIT = 86_400.0
MAX_SEED = 2**31 - 1


class Seconds(click.FloatRange):
    """Seconds above 0 and at most a day; ``inf`` and ``nan`` refused.

    click's own range lets ``nan`` through (it compares false with every
    bound), and a solve without a finite limit never stops.
    """

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True, max=MAX_TIME_LIMIT)

    def convert(
        self,
        value: Any,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Any:
        """A finite number of seconds in range, or a usage error."""
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            # Imported here, on the error path only: start-up speed.
            from spaceplan.errors import Msg

            raise BadValue(
                Msg("err.usage.not_finite", value=repr(value)), ctx, param
            )
        return rv


class Encoding(click.ParamType):
    """A text encoding Python knows (``gbk``, ``utf-8``), checked at once.

    An unknown name is a usage error before any file is read, so the
    user learns of it even when the scenario names no room list.
    """

    name = "encoding"

    def convert(
        self,
        value: Any,
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> Any:
        """The encoding's name as given, or a usage error."""
        try:
            codecs.lookup(str(value))
        except LookupError:
            # Imported here, on the error path only: start-up speed.
            from spaceplan.errors import Msg, shown

            raise BadValue(
                Msg("err.encoding.unknown", name=shown(str(value))),
                ctx,
                param,
            ) from None
        return str(value)


def encoding_option() -> Callable[[F], F]:
    """``--encoding NAME``: the text encoding of CSV room lists.

    Overrides the detection (UTF-8, else GBK with a notice) for every
    CSV room list the scenario names; YAML, JSON and Excel files are not
    affected.
    """
    return click.option(
        "--encoding",
        type=Encoding(),
        default=None,
        help="Text encoding of the CSV room lists the scenario names "
        "(e.g. gbk, utf-8); detected when not given.",
    )


#: ``--seed``: 0 to 2,147,483,647.
SEED = click.IntRange(0, MAX_SEED)

#: The old spellings of ``-o/--output``, accepted but not shown.
OUTPUT_ALIASES = ("--out", "--outdir")

#: The exit status every command shares.
BAD_INPUT = (1, "bad input: one line on stderr names the file and fault")


def exit_codes(*codes: tuple[int, str]) -> str:
    """The ``Exit status`` paragraph for a command's ``--help`` epilog.

    Parameters
    ----------
    *codes
        ``(status, meaning)`` pairs, in the order shown.

    Returns
    -------
    str
        The paragraph, marked so click keeps its line breaks.
    """
    lines = ["\b", "Exit status:"]
    lines += [f"  {code}  {meaning}" for code, meaning in codes]
    return "\n".join(lines)


class AliasedOption(click.Option):
    """An option whose old spellings work but are left out of ``--help``."""

    def __init__(
        self, *args: Any, aliases: Iterable[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = tuple(aliases)

    @contextmanager
    def _shown(self) -> Iterator[None]:
        every = self.opts
        self.opts = [o for o in every if o not in self.aliases]
        try:
            yield
        finally:
            self.opts = every

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The help line, without the old spellings."""
        with self._shown():
            return super().get_help_record(ctx)

    def get_error_hint(self, ctx: click.Context | None) -> str:
        """The option as named in an error, without the old spellings."""
        with self._shown():
            return super().get_error_hint(ctx)


def output_option(
    help: str, dest: str = "output", **kwargs: Any
) -> Callable[[F], F]:
    """``-o/--output``, with ``--out`` and ``--outdir`` as hidden aliases.

    Parameters
    ----------
    help
        What the option names (a folder or a file).
    dest
        The parameter name the command receives.
    **kwargs
        Passed on to :func:`click.option` (``type``, ``default``, ...).
    """
    return click.option(
        "-o",
        "--output",
        *OUTPUT_ALIASES,
        dest,
        cls=AliasedOption,
        aliases=OUTPUT_ALIASES,
        help=help,
        **kwargs,
    )


def json_option(help: str) -> Callable[[F], F]:
    """``--json``: print JSON on stdout instead of text (``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def quiet_option(help: str) -> Callable[[F], F]:
    """``-q/--quiet``: print nothing but errors; the exit status tells."""
    return click.option("--quiet", "-q", is_flag=True, help=help)


def lang_option(
    help: str = "Language of the words shown.",
) -> Callable[[F], F]:
    """``--lang zh|en``, Chinese by default (or :data:`LANG_ENV`'s).

    The help text stays English: it is click's help, not a message.
    """
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default="zh",
        envvar=LANG_ENV,
        show_default=True,
        help=help,
    )


def as_lang(value: str) -> Lang:
    """The ``--lang`` value as a :data:`~spaceplan.i18n.Lang`."""
    return "en" if value == "en" else "zh"


class LazyChoice(click.Choice):
    """A choice whose values are looked up when first needed.

    The values come from modules that are slow to import (the solver
    registry); looking them up at parse or help time keeps start-up fast.
    """

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._values: tuple[str, ...] | None = None
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        """The values, loaded on first use."""
        if self._values is None:
            self._values = tuple(self._load())
        return self._values

    @choices.setter
    def choices(self, value: Any) -> None:
        # click.Choice.__init__ sets the (empty) choices: ignore it.
        pass


class LazyHelpOption(click.Option):
    """An option whose help text is written when ``--help`` asks for it."""

    def __init__(
        self, *args: Any, help_from: Callable[[], str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.help_from = help_from

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The help line, with the text written now."""
        self.help = self.help_from()
        return super().get_help_record(ctx)
