"""``spaceplan bench osa``: the click command (attached by spaceplan.cli).

Bad input (an unknown instance, a malformed file) is raised as
:class:`spaceplan.errors.InputError`, which the CLI's group reports in
one line with exit code 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from spaceplan.cli.options import as_lang, lang_option
from spaceplan.errors import Msg
from spaceplan.i18n import Lang, t
from spaceplan.osa.bench import (
    SOLVERS,
    BenchRow,
    resolve_data,
    resolve_instances,
    run_bench,
)

__all__ = ["osa"]


def _print_row(row: BenchRow, lang: Lang = "en") -> None:
    click.echo(
        t(
            "bench.osa.row",
            lang,
            instance=row.instance,
            solver=row.solver,
            status=row.status,
            objective=row.objective,
            evaluated=row.evaluated,
            bound=row.bound,
            gap=row.gap_pct,
            seconds=row.seconds,
        )
    )


class _Broken(click.ClickException):
    """A broken solver or evaluator (not bad input): exit 1, one line.

    ``msg`` is the catalogue message the command line prints in the
    user's language.
    """

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.render("en"))
        self.msg = msg


@click.command("osa")
@click.argument("instances", nargs=-1)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="OSA data folder (default: $SPACEPLAN_OSA_DATA or "
    "../shared/data/osa).",
)
@click.option(
    "--time-limit", type=click.FloatRange(min=0.1), default=60.0,
    show_default=True, help="Seconds per instance and solver.",
)
@click.option("--seed", type=int, required=True, help="Random seed.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True,
    help="CP-SAT num_workers / HiGHS threads.",
)
@click.option(
    "--solver",
    type=click.Choice([*SOLVERS, "all"]),
    default="cpsat",
    show_default=True,
)
@click.option(
    "--away-from",
    type=click.Choice(["floor", "room"]),
    default="floor",
    show_default=True,
    help="AWAYFROM reading: different floor (readme) or not same/adjacent "
    "room.",
)
@click.option(
    "--pattern-bound",
    "pattern_seconds",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Also compute the per-room pattern (column generation) lower "
    "bound for up to SECONDS per instance, after the solvers; 0 skips it.",
)
@click.option(
    "-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
    default=None, help="Folder for .sol files, results.csv, results.md.",
)
# The spelling before -o/--output was one name for all commands.
@click.option(
    "--outdir", "old_outdir", hidden=True,
    type=click.Path(file_okay=False, path_type=Path), default=None,
)
@lang_option("Language of the lines printed and of errors.")
def osa(
    instances: tuple[str, ...],
    data: Path | None,
    time_limit: float,
    seed: int,
    workers: int,
    solver: str,
    away_from: str,
    pattern_seconds: float,
    outdir: Path | None,
    old_outdir: Path | None,
    lang: str,
) -> None:
    """Solve OSA benchmark INSTANCES (names or paths; all when none)."""
    outdir = outdir or old_outdir
    if outdir is None:
        raise click.MissingParameter(
            ctx=click.get_current_context(),
            param_hint="'-o' / '--output'",
            param_type="option",
        )
    words = as_lang(lang)
    solvers = list(SOLVERS) if solver == "all" else [solver]
    paths = resolve_instances(instances, resolve_data(data))
    rows = run_bench(
        paths,
        solvers,
        outdir,
        time_limit,
        seed,
        workers,
        "room" if away_from == "room" else "floor",
        on_row=lambda row: _print_row(row, words),
        pattern_seconds=pattern_seconds,
    )
    bad = [r for r in rows if r.objective and r.objective != r.evaluated]
    if bad:
        # Not bad input but a broken solver or evaluator: say so, exit 1.
        raise _Broken(
            Msg(
                "err.osa.mismatch",
                n=len(bad),
                instance=bad[0].instance,
                solver=bad[0].solver,
            )
        )
    click.echo(t("bench.osa.wrote", words, path=outdir / "results.csv"))
