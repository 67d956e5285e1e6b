"""The one error path of the command line, in the click classes it uses.

Every spaceplan command is a :class:`SpaceplanCommand` (or, with
subcommands, a :class:`SpaceplanGroup`). Bad input of any kind raised
anywhere below one ends in a single line ``error: <file>: <field>:
<fault>`` on stderr and exit status 1, never a traceback; a usage error
(an unknown option, a bad value) under a group exits 1 too, because for
spaceplan 2 means "no plan" or "does not comply".

The classes live here, not in ``cli/__init__``, because the command
modules build their commands with them and ``cli/__init__`` imports the
command modules.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from spaceplan.errors import InputError

#: Exit status of a command that found bad input.
EXIT_INPUT = 1


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
    from spaceplan.errors import InputError, from_validation

    if isinstance(exc, InputError):
        return exc
    # The readers wrap these; one that leaks here is a bug in the reader,
    # but the user still deserves one line, not a traceback.
    if isinstance(exc, FileNotFoundError):
        return InputError(exc.filename, None, "no such file")
    if isinstance(exc, OSError) and exc.filename:
        # A file or folder that cannot be written (or read): its name and
        # the system's reason are the message.
        reason = exc.strerror or type(exc).__name__
        return InputError(exc.filename, None, f"cannot be used ({reason})")
    if isinstance(exc, UnicodeDecodeError):
        return InputError(None, None, "is not UTF-8 text")
    # A YAML or pydantic error can only come from a loaded module.
    yaml = sys.modules.get("yaml")
    if yaml is not None and isinstance(exc, yaml.YAMLError):
        first = str(exc).splitlines()[0] if str(exc) else "bad YAML"
        return InputError(None, None, f"is not valid YAML: {first}")
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        return from_validation(exc, None)
    return None


def echo_error(message: str) -> None:
    """Print ``error: <message>`` on stderr, on one line."""
    click.echo(f"error: {' '.join(message.split())}", err=True)


def _report(ctx: click.Context, exc: Exception) -> None:
    """Report ``exc`` as bad input and exit, or return if it is not."""
    if isinstance(exc, (click.exceptions.Exit, click.UsageError)):
        return
    if isinstance(exc, click.ClickException):
        # A command of another wing (``bench osa``) may raise click's own
        # error; it gets the same one line as ours.
        echo_error(exc.format_message())
        ctx.exit(exc.exit_code)
    err = as_input_error(exc)
    if err is None:
        return
    echo_error(str(err))
    ctx.exit(EXIT_INPUT)


class _BadUsage(click.UsageError):
    """A usage error that exits 1, like any other bad input, in one line."""

    exit_code = EXIT_INPUT

    def show(self, file: Any = None) -> None:
        """``error: <fault>; see 'spaceplan solve --help'.`` on stderr."""
        where = self.ctx.command_path if self.ctx is not None else "spaceplan"
        fault = self.format_message().rstrip('.')
        echo_error(f"{fault}; see '{where} --help'.")


class SpaceplanCommand(click.Command):
    """A click command that reports bad input in one line, exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report bad input without a traceback."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            _report(ctx, exc)
            raise


class SpaceplanGroup(click.Group):
    """A click group with the same error path for all below it.

    A usage error anywhere below exits 1 (click's own would be 2).
    """

    command_class = SpaceplanCommand

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; report bad input without a traceback."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _BadUsage(exc.format_message(), exc.ctx) from None
        except Exception as exc:
            _report(ctx, exc)
            raise


SpaceplanGroup.group_class = SpaceplanGroup
