"""``spaceplan bench``: the community benchmark study, and its subcommands.

``bench`` is a click group: run on its own it solves the generated
community instances; other studies hang under it (``spaceplan bench
osa``, from :mod:`spaceplan.osa.cli`) and are imported only when named.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spaceplan.cli.command import BadValue, SpaceplanGroup
from spaceplan.cli.options import (
    BAD_INPUT,
    LazyHelpOption,
    Seconds,
    as_lang,
    exit_codes,
    lang_option,
    output_option,
)
from spaceplan.i18n import Lang, t

if TYPE_CHECKING:
    from rich.table import Table

    from spaceplan.bench.run import Row

#: The studies under ``bench``: name to "module:command".
STUDIES = {"osa": "spaceplan.osa.cli:osa"}


class _Studies(SpaceplanGroup):
    """A group whose subcommands are imported when first named.

    ``spaceplan --help`` then never imports a study (start-up speed).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The studies, and any command added by hand."""
        return sorted({*STUDIES, *super().list_commands(ctx)})

    def get_command(
        self, ctx: click.Context, cmd_name: str
    ) -> click.Command | None:
        """The study ``cmd_name``, imported now."""
        if cmd_name in STUDIES and cmd_name not in self.commands:
            module, _, name = STUDIES[cmd_name].partition(":")
            try:
                command = getattr(importlib.import_module(module), name)
            except ModuleNotFoundError as exc:
                # A study that is not installed is not offered; a study
                # that fails to import for another reason says so.
                if not module.startswith(exc.name or "\0"):
                    raise
                return None
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


def _sizes_help() -> str:
    # Imported here, not at the top: start-up speed.
    from spaceplan.bench.generate import SIZES

    return "Instance sizes, comma-separated: " + ", ".join(SIZES) + "."


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _seeds(value: str) -> list[int]:
    try:
        return [int(v) for v in _split(value)]
    except ValueError:
        raise _bad("err.bench.seeds", "--seeds", value=value) from None


def _bad(key: str, hint: str, **fields: object) -> BadValue:
    # Imported here, on the error path only: start-up speed.
    from spaceplan.errors import Msg

    return BadValue(Msg(key, **fields), param_hint=hint)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def summary_table(rows: Sequence[Row], lang: Lang = "en") -> Table:
    """The rows as a table, one line per solve, headed in ``lang``."""
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan.bench.run import status_word

    table = Table(title=t("bench.title", lang))
    for name in (
        "instance", "solver", "status", "objective", "bound", "gap",
        "seconds", "checked", "peak",
    ):  # fmt: skip
        table.add_column(
            t(f"bench.col.{name}", lang), no_wrap=name == "instance"
        )
    checked = {True: t("bench.yes", lang), False: t("bench.no", lang)}
    for r in rows:
        table.add_row(
            r.instance,
            r.solver,
            status_word(r.status, lang),
            _fmt(r.objective),
            _fmt(r.bound),
            "" if r.gap is None else f"{r.gap:.2%}",
            f"{r.seconds:.2f}",
            "" if r.checker_passed is None else checked[r.checker_passed],
            "" if r.peak_rss_mb is None else f"{r.peak_rss_mb:.0f}",
        )
    return table


def ratio_lines(
    rows: Sequence[Row], ours: str = "cpsat", lang: Lang = "en"
) -> list[str]:
    """Time ratios of each other solver to ``ours``, per instance.

    A ratio is given when both reached the same proven optimum, else the
    statuses are stated.
    """
    # Imported here, not at the top: start-up speed.
    from spaceplan.bench.run import status_word

    by_key = {(r.instance, r.config, r.solver): r for r in rows}
    lines = []
    for (instance, config, solver), r in by_key.items():
        if solver == ours:
            continue
        base = by_key.get((instance, config, ours))
        if base is None:
            continue
        if (
            r.status == base.status == "optimal"
            and r.objective == base.objective
        ):
            ratio = r.seconds / max(base.seconds, 1e-3)
            lines.append(
                t(
                    "bench.ratio",
                    lang,
                    instance=instance,
                    solver=solver,
                    s=f"{r.seconds:.2f}",
                    ours=ours,
                    base=f"{base.seconds:.2f}",
                    ratio=f"{ratio:.1f}",
                )
            )
        else:
            lines.append(
                t(
                    "bench.apart",
                    lang,
                    instance=instance,
                    solver=solver,
                    status=status_word(r.status, lang),
                    objective=_fmt(r.objective),
                    s=f"{r.seconds:.2f}",
                    ours=ours,
                    base_status=status_word(base.status, lang),
                    base_objective=_fmt(base.objective),
                    base=f"{base.seconds:.2f}",
                )
            )
    return lines


@click.group(
    "bench",
    cls=_Studies,
    invoke_without_command=True,
    epilog=exit_codes((0, "every solve ran"), BAD_INPUT),
)
@click.option(
    "--sizes",
    default="S,M,L,XL",
    show_default=True,
    cls=LazyHelpOption,
    help_from=_sizes_help,
)
@click.option(
    "--solvers",
    default="cpsat,highs,greedy",
    show_default=True,
    help="Solver backends, comma-separated.",
)
@click.option(
    "--config",
    "configs",
    default="default",
    show_default=True,
    help="Solver presets, comma-separated.",
)
@click.option(
    "--seeds",
    default="0",
    show_default=True,
    help="Instance and solver seeds, comma-separated.",
)
@click.option(
    "--time-limit",
    type=Seconds(),
    default=60.0,
    show_default=True,
    help="Seconds per solve.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Threads per solve.",
)
@output_option(
    "Folder of the CSV files.",
    default="benchmarks/results",
    show_default=True,
)
@click.option(
    "--weeks",
    default="v1",
    show_default=True,
    help="Weeks of each instance, comma-separated: v1 (six slots, fixed "
    "schedules), fixed (21 slots, fixed schedules), sessions (21 slots, "
    "booked sessions and private rooms).",
)
@click.option(
    "--name",
    default="community",
    show_default=True,
    help="The CSV file's name, without .csv.",
)
@lang_option("Language of the summary and of errors.")
@click.pass_context
def bench(
    ctx: click.Context,
    sizes: str,
    solvers: str,
    configs: str,
    seeds: str,
    time_limit: float,
    workers: int,
    output: str,
    weeks: str,
    name: str,
    lang: str,
) -> None:
    """Benchmark the solvers on generated community facilities.

    Writes one CSV row per (instance, solver, config, seed) to
    OUTPUT/NAME.csv and prints a summary with CP-SAT time ratios.
    """
    if ctx.invoked_subcommand is not None:
        return
    words = as_lang(lang)
    # Imported here, not at the top: start-up speed (ortools, shapely).
    from rich.console import Console

    from spaceplan.bench.generate import SIZES, WEEKS
    from spaceplan.bench.run import run_study, status_word, week_ratios

    size_list = _split(sizes)
    unknown = [s for s in size_list if s not in SIZES]
    if unknown:
        raise _bad(
            "err.bench.size",
            "--sizes",
            name=unknown[0],
            known=", ".join(SIZES),
        )
    week_list = _split(weeks)
    bad = [w for w in week_list if w not in WEEKS]
    if bad:
        raise _bad(
            "err.bench.week", "--weeks", name=bad[0], known=", ".join(WEEKS)
        )
    out = Path(output) / f"{name}.csv"

    def note(row: Row) -> None:
        click.echo(
            t(
                "bench.row",
                words,
                instance=row.instance,
                solver=row.solver,
                status=status_word(row.status, words),
                objective=_fmt(row.objective),
                s=f"{row.seconds:.2f}",
            ),
            err=True,
        )

    rows = run_study(
        size_list,
        _split(solvers),
        _split(configs),
        _seeds(seeds),
        time_limit,
        workers,
        out,
        on_row=note,
        weeks=[w for w in WEEKS if w in week_list],
    )
    console = Console(highlight=False, soft_wrap=False)
    console.print(summary_table(rows, words))
    for line in [*ratio_lines(rows, lang=words), *week_ratios(rows, words)]:
        click.echo(line)
    click.echo(t("bench.wrote", words, path=out), err=True)

