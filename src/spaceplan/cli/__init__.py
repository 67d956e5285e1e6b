"""The ``spaceplan`` command line: parse, call the API, print, exit.

Results go to stdout, messages to stderr. Bad input of any kind ends in
one line ``error: <file>: <field>: <fault>`` on stderr and exit status 1,
handled in one place (:mod:`spaceplan.cli.command`). Each command lists
its exit codes at the foot of its ``--help``.

One module per family of commands: :mod:`~spaceplan.cli.inspect`
(validate, policies, check), :mod:`~spaceplan.cli.solve` (solve, demo),
:mod:`~spaceplan.cli.diagnose`, :mod:`~spaceplan.cli.sweep`,
:mod:`~spaceplan.cli.dxf` (import-dxf) and :mod:`~spaceplan.cli.bench`.
They import the solver, the readers, plotting and ezdxf inside the
commands, so that ``spaceplan --help`` and ``--version`` start fast; a
test checks that importing this package loads none of them.
"""

from __future__ import annotations

import os

import click

from spaceplan import __version__
from spaceplan.cli.bench import bench
from spaceplan.cli.command import EXIT_INPUT, SpaceplanGroup
from spaceplan.cli.diagnose import diagnose
from spaceplan.cli.dxf import import_dxf
from spaceplan.cli.inspect import EXIT_NONCOMPLIANT, check, policies, validate
from spaceplan.cli.schema import schema
from spaceplan.cli.solve import demo_command, solve_command
from spaceplan.cli.sweep import sweep

__all__ = ["EXIT_INPUT", "EXIT_NONCOMPLIANT", "main"]

#: :data:`spaceplan.fileio.ALLOW_OUTSIDE_ENV`, spelt here so that start-up
#: loads no reader (a test checks the two agree).
ALLOW_OUTSIDE_ENV = "SPACEPLAN_ALLOW_OUTSIDE_PATHS"


@click.group(cls=SpaceplanGroup)
@click.version_option(__version__, prog_name="spaceplan")
@click.option(
    "--allow-outside-paths",
    is_flag=True,
    help="Let a scenario name room lists and profiles outside its own "
    "folder (refused by default: docs/input-limits.md).",
)
@click.pass_context
def main(ctx: click.Context, allow_outside_paths: bool) -> None:
    """Plan and check community comprehensive service facilities."""
    if allow_outside_paths:
        # The readers (and a sweep's workers) read the variable; it is
        # put back as it was when the command ends.
        before = os.environ.get(ALLOW_OUTSIDE_ENV)
        os.environ[ALLOW_OUTSIDE_ENV] = "1"
        ctx.call_on_close(lambda: _restore(ALLOW_OUTSIDE_ENV, before))


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


for _command in (
    validate,
    policies,
    check,
    solve_command,
    demo_command,
    diagnose,
    sweep,
    import_dxf,
    bench,
    schema,
):
    main.add_command(_command)
