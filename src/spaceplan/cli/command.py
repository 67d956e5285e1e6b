"""The one error path of the command line, in the click classes it uses.

Every spaceplan command is a :class:`SpaceplanCommand` (or, with
subcommands, a :class:`SpaceplanGroup`). Bad input of any kind raised
anywhere below one ends in a single line on stderr, ``错误：<file>：
<field>：<fault>`` (``error: …`` with ``--lang en``), and exit status 1,
never a traceback; a usage error (an unknown option, a bad value) under a
group exits 1 too, because for spaceplan 2 means "no plan" or "does not
comply".

The language of an error is the command's ``--lang``; for a usage error,
raised before the options are parsed, it is read from the arguments
(``--lang en`` anywhere on the line), else from :data:`LANG_ENV`, else
Chinese. click's own usage errors are put in the catalogue's words by
their type (:func:`usage_fault`).

The classes live here, not in ``cli/__init__``, because the command
modules build their commands with them and ``cli/__init__`` imports the
command modules.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

from spaceplan.i18n import LANGS, Lang, t

if TYPE_CHECKING:
    from spaceplan.errors import InputError, Msg

#: Exit status of a command that found bad input.
EXIT_INPUT = 1
#: The language of errors (and the default of ``--lang``) when the
#: command line does not say.
LANG_ENV = "SPACEPLAN_LANG"
#: Where a group keeps the ``--lang`` read from the raw arguments.
_META_LANG = "spaceplan.lang"


def lang_from_args(args: Sequence[str]) -> Lang | None:
    """The last ``--lang X`` (or ``--lang=X``) among ``args``, if valid."""
    found: Lang | None = None
    for i, arg in enumerate(args):
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGS:
            found = "en" if value == "en" else "zh"
    return found


def env_lang() -> Lang:
    """:data:`LANG_ENV` if it names a language, else Chinese."""
    return "en" if os.environ.get(LANG_ENV, "") == "en" else "zh"


def error_lang(ctx: click.Context | None) -> Lang:
    """The language errors are printed in for the command of ``ctx``."""
    hint: Lang | None = None
    while ctx is not None:
        value = ctx.params.get("lang")
        given = ctx.get_parameter_source("lang") not in (
            None,
            click.core.ParameterSource.DEFAULT,
        )
        if value in LANGS and given:
            return "en" if value == "en" else "zh"
        hint = hint or ctx.meta.get(_META_LANG)
        ctx = ctx.parent
    return hint or env_lang()


def as_input_error(exc: BaseException) -> InputError | None:
    """Our error type for any exception that means "bad input".

    Parameters
    ----------
    exc
        The exception a command raised.

    Returns
    -------
    InputError or None
        The error to report, or None for an exception that is a bug.
    """
    # Imported here, on the error path only: start-up speed.
    from spaceplan.errors import InputError, Msg, from_validation

    if isinstance(exc, InputError):
        return exc
    # The readers wrap these; one that leaks here is a bug in the reader,
    # but the user still deserves one line, not a traceback.
    if isinstance(exc, FileNotFoundError):
        return InputError(exc.filename, None, Msg("err.no_such_file"))
    if isinstance(exc, OSError) and exc.filename:
        # A file or folder that cannot be written (or read): its name and
        # the system's reason are the message.
        reason = exc.strerror or type(exc).__name__
        return InputError(
            exc.filename, None, Msg("err.cannot_use", reason=reason)
        )
    if isinstance(exc, UnicodeDecodeError):
        return InputError(None, None, Msg("err.not_utf8.short"))
    # A YAML or pydantic error can only come from a loaded module.
    yaml = sys.modules.get("yaml")
    if yaml is not None and isinstance(exc, yaml.YAMLError):
        first = str(exc).splitlines()[0] if str(exc) else "bad YAML"
        return InputError(None, None, Msg("err.yaml.bad", problem_en=first))
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        return from_validation(exc, None)
    return None


def echo_error(message: str, lang: Lang = "zh") -> None:
    """Print ``错误：<message>`` (``error: …``) on stderr, on one line."""
    line = t("err.line", lang, message=" ".join(message.split()))
    click.echo(line, err=True)


class BadValue(click.BadParameter):
    """A bad option value whose fault is a catalogue message."""

    def __init__(
        self,
        msg: Msg,
        ctx: click.Context | None = None,
        param: click.Parameter | None = None,
        param_hint: str | None = None,
    ) -> None:
        super().__init__(msg.render("en"), ctx, param, param_hint)
        self.msg = msg


def _report(ctx: click.Context, exc: Exception) -> None:
    """Report ``exc`` as bad input and exit, or return if it is not."""
    if isinstance(exc, (click.exceptions.Exit, click.UsageError)):
        return
    lang = error_lang(ctx)
    if isinstance(exc, click.ClickException):
        # A command of another wing (``bench osa``) may raise click's own
        # error; it gets the same one line as ours.
        msg = getattr(exc, "msg", None)
        echo_error(
            msg.render(lang) if msg is not None else exc.format_message(),
            lang,
        )
        ctx.exit(exc.exit_code)
    err = as_input_error(exc)
    if err is None:
        return
    echo_error(err.render(lang), lang)
    ctx.exit(EXIT_INPUT)


# click's own sentences inside a BadParameter, by the type that fails.
_VALUE_FAULTS = (
    (r"(?P<value>.+) is not one of (?P<choices>.+)\.", "err.usage.choice"),
    (r"(?P<value>.+) is not (?P<choices>'[^']*')\.", "err.usage.choice"),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.",
     "err.usage.range"),
    (r"(?P<value>.+) is not a valid integer\.", "err.usage.integer"),
    (r"(?P<value>.+) is not a valid float\.", "err.usage.float"),
    (r"(?P<value>.+) is not a valid boolean\.", "err.usage.boolean"),
    (r"\w+ (?P<value>.+) does not exist\.", "err.usage.no_path"),
    (r"\w+ (?P<value>.+) is a file\.", "err.usage.is_file"),
    (r"\w+ (?P<value>.+) is a directory\.", "err.usage.is_folder"),
    (r"\w+ (?P<value>.+) is not readable\.", "err.usage.unreadable"),
)


def _value_fault(exc: click.BadParameter) -> Msg:
    from spaceplan.errors import Msg

    msg = getattr(exc, "msg", None)
    if msg is not None:
        return msg
    text = " ".join(str(exc.message).split())
    for pattern, key in _VALUE_FAULTS:
        match = re.fullmatch(pattern, text)
        if match:
            return Msg(key, **match.groupdict())
    return Msg("err.usage.value", text_en=text)


def _hint(exc: click.BadParameter | click.MissingParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
    elif exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    else:
        return ""
    if isinstance(hint, str):
        return hint
    return " / ".join(repr(x) for x in hint)


def usage_fault(exc: click.UsageError) -> Msg:
    """A click usage error in the catalogue's words, by its type.

    The facts (the option, the value, the suggestions) come from the
    exception; the sentence around them from the catalogue. A kind of
    error this does not know keeps click's English sentence.
    """
    from spaceplan.errors import Msg

    def maybe(possibilities: Sequence[str] | None) -> Msg | str:
        if not possibilities:
            return ""
        names = ", ".join(repr(p) for p in sorted(possibilities))
        return Msg("err.usage.did_you_mean", names=names)

    text = " ".join(exc.format_message().split())
    if isinstance(exc, click.NoSuchOption):
        return Msg("err.usage.no_option", name=repr(exc.option_name)) + (
            maybe(exc.possibilities)
        )
    no_command = getattr(click.exceptions, "NoSuchCommand", ())
    if no_command and isinstance(exc, no_command):
        return Msg("err.usage.no_command", name=repr(exc.command_name)) + (
            maybe(exc.possibilities)
        )
    if isinstance(exc, click.MissingParameter):
        kind = "argument" if exc.param_type == "argument" else "option"
        if exc.param is not None and exc.param_type is None:
            kind = exc.param.param_type_name
        key = "err.usage.missing_argument"
        if kind != "argument":
            key = "err.usage.missing_option"
        return Msg(key, name=_hint(exc))
    if isinstance(exc, click.BadParameter):
        hint = _hint(exc)
        fault = _value_fault(exc)
        if not hint:
            return Msg("err.usage.bad_value", fault=fault)
        return Msg("err.usage.bad_value_for", name=hint, fault=fault)
    if isinstance(exc, click.BadOptionUsage):
        name = repr(exc.option_name)
        if "requires" in text:
            return Msg("err.usage.needs_value", name=name)
        if "does not take a value" in text:
            return Msg("err.usage.no_value", name=name)
    match = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", text)
    if match:
        return Msg("err.usage.extra", args=match.group(1))
    if text == "Missing command.":
        return Msg("err.usage.no_subcommand")
    return Msg("err.usage.other", text_en=text.rstrip("."))


class _BadUsage(click.UsageError):
    """A usage error that exits 1, like any other bad input, in one line."""

    exit_code = EXIT_INPUT

    def __init__(self, exc: click.UsageError) -> None:
        super().__init__(exc.format_message(), exc.ctx)
        self.fault = usage_fault(exc)

    def show(self, file: Any = None) -> None:
        """``错误：<fault>；参见 'spaceplan solve --help'。`` on stderr."""
        lang = error_lang(self.ctx)
        where = self.ctx.command_path if self.ctx is not None else "spaceplan"
        fault = self.fault.render(lang).rstrip(".。")
        echo_error(t("err.usage.see", lang, fault=fault, where=where), lang)


#: Usage errors shown as click shows them: ours, and "no arguments, so
#: here is the help" (click 8.2+).
_KEEP: tuple[type[click.UsageError], ...] = (
    _BadUsage,
    *(
        [click.exceptions.NoArgsIsHelpError]
        if hasattr(click.exceptions, "NoArgsIsHelpError")
        else []
    ),
)


def warning_line(
    message: Warning | str, lang: Lang, path: object = None
) -> str:
    """A warning as one line on stderr, in ``lang``.

    The package's own warnings (:class:`spaceplan.errors.MsgWarning`)
    carry a catalogue message; anything else is shown as it is.
    """
    # Imported here, not at the top: start-up speed (pydantic).
    from spaceplan.errors import render

    body = getattr(message, "msg", message)
    text = " ".join(render(body, lang).split())
    if path is None:
        return t("err.warning", lang, text=text)
    return t("err.warning.at", lang, path=path, text=text)


class _Notices(logging.Handler):
    """Prints the readers' notices (a GBK room list, say) on stderr, in
    the command's language when the notice is a catalogue message."""

    def __init__(self, ctx: click.Context) -> None:
        super().__init__(logging.WARNING)
        self.ctx = ctx

    def emit(self, record: logging.LogRecord) -> None:
        """One line on stderr."""
        msg = record.msg
        render = getattr(msg, "render", None)
        if callable(render) and not record.args:
            text = str(render(error_lang(self.ctx)))
        else:
            text = record.getMessage()
        click.echo(" ".join(text.split()), err=True)


@contextlib.contextmanager
def _notices(ctx: click.Context) -> Iterator[None]:
    """Route the package's notices to :class:`_Notices` while running,
    and say its warnings once each at the end, in the command's language.

    A library's warnings (matplotlib, pyparsing deprecations and the
    like) are dropped: they are noise to an architect. A command that
    words its warnings itself (solve, import-dxf) catches them first.
    """
    # Imported here, not at the top: start-up speed (pydantic).
    from spaceplan.errors import MsgWarning

    logger = logging.getLogger("spaceplan")
    handler = _Notices(ctx)
    logger.addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            logger.removeHandler(handler)
            said: set[str] = set()
            for w in caught:
                if not issubclass(w.category, MsgWarning):
                    continue
                line = warning_line(w.message, error_lang(ctx))
                if line not in said:
                    said.add(line)
                    click.echo(line, err=True)


class SpaceplanCommand(click.Command):
    """A click command that reports bad input in one line, exit 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse ``args``, noting ``--lang`` first for a usage error."""
        ctx.meta.setdefault(_META_LANG, lang_from_args(args) or env_lang())
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report bad input without a traceback."""
        try:
            with _notices(ctx):
                return super().invoke(ctx)
        except Exception as exc:
            _report(ctx, exc)
            raise


class SpaceplanGroup(click.Group):
    """A click group with the same error path for all below it.

    A usage error anywhere below exits 1 (click's own would be 2), in the
    language the command line asks for.
    """

    command_class = SpaceplanCommand

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse ``args``, noting ``--lang`` first for a usage error.

        The outermost group sees the whole command line, so a ``--lang``
        given after the subcommand counts for an error before it.
        """
        ctx.meta.setdefault(_META_LANG, lang_from_args(args) or env_lang())
        try:
            return super().parse_args(ctx, args)
        except _KEEP:
            raise
        except click.UsageError as exc:
            raise _BadUsage(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; report bad input without a traceback."""
        try:
            return super().invoke(ctx)
        except _KEEP:
            raise
        except click.UsageError as exc:
            raise _BadUsage(exc) from None
        except Exception as exc:
            _report(ctx, exc)
            raise


SpaceplanGroup.group_class = SpaceplanGroup
