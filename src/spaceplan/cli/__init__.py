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

import click

from spaceplan import __version__
from spaceplan.cli.bench import bench
from spaceplan.cli.command import EXIT_INPUT, SpaceplanGroup
from spaceplan.cli.diagnose import diagnose
from spaceplan.cli.dxf import import_dxf
from spaceplan.cli.inspect import EXIT_NONCOMPLIANT, check, policies, validate
from spaceplan.cli.solve import demo_command, solve_command
from spaceplan.cli.sweep import sweep

__all__ = ["EXIT_INPUT", "EXIT_NONCOMPLIANT", "main"]


@click.group(cls=SpaceplanGroup)
@click.version_option(__version__, prog_name="spaceplan")
def main() -> None:
    """Plan and check community comprehensive service facilities."""


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
):
    main.add_command(_command)
