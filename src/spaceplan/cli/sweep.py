"""``spaceplan sweep SCENARIO --vary ... -o OUTDIR``: what-if sweeps.

Results stream to ``OUTDIR/runs.csv`` as each run finishes; the same
command started again resumes. Progress (one bar over the runs, with the
best result so far) goes to stderr, the summary table to stdout, the chart
to ``OUTDIR/sweep.png``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from spaceplan.cli.command import SpaceplanCommand
from spaceplan.cli.options import (
    BAD_INPUT,
    SEED,
    Seconds,
    as_lang,
    encoding_option,
    exit_codes,
    json_option,
    lang_option,
    output_option,
    quiet_option,
)
from spaceplan.i18n import Lang, aside, t

if TYPE_CHECKING:
    from rich.table import Table

    from spaceplan import sweep as sw


class _Best:
    """The best run so far, for the progress bar."""

    def __init__(self, by_households: bool, lang: Lang = "zh") -> None:
        # Imported here, not at the top: start-up speed.
        from spaceplan.sweep import SOLVED

        self.solved = SOLVED
        self.by_households = by_households
        self.lang = lang
        self.key: float | None = None
        self.text = t("face.sweep.best_none", lang)
        self.failed = 0

    def update(self, row: dict[str, Any]) -> str:
        if row.get("status") not in self.solved:
            self.failed += row.get("status") != "unknown"
            return self.words()
        lang = self.lang
        if self.by_households:
            key = float(row["households"])
            label = t("face.sweep.best_households", lang, n=int(key))
        else:
            key = float(row.get("objective") or 0.0)
            label = t("face.sweep.best_objective", lang, value=key)
        if self.key is None or key > self.key:
            self.key = key
            policy = row.get("policy")
            self.text = (
                t("face.sweep.best_policy", lang, best=label, policy=policy)
                if policy
                else label
            )
        return self.words()

    def words(self) -> str:
        return t("face.sweep.failed", self.lang, best=self.text, n=self.failed)


@click.command(
    "sweep",
    cls=SpaceplanCommand,
    epilog=exit_codes((0, "every run was made (or found done)"), BAD_INPUT),
)
@click.argument("scenario")
@click.option(
    "--vary",
    "vary_specs",
    multiple=True,
    metavar="NAME=VALUES",
    help="A parameter and its values: households=2000:8000:500, "
    "policy=a,b, rooms=a.csv,b.csv, option.time_limit=5,10, "
    "option.seed=0,1. Repeat for a grid.",
)
@output_option("Folder.", dest="outdir", required=True)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Pool processes [default: cores // workers per run].",
)
@click.option(
    "--workers-per-run",
    type=click.IntRange(min=1, max=64),
    default=1,
    show_default=True,
    help="CP-SAT workers per run (1 keeps runs reproducible).",
)
@click.option(
    "--scheduler",
    default=None,
    help="Run on Dask: tcp://HOST:PORT or local:N (a LocalCluster).",
)
@click.option(
    "--time-limit",
    type=Seconds(),
    default=None,
    help="Deterministic budget per run (CP-SAT deterministic seconds); "
    "wins over the scenario's (default: its, else 5).",
)
@click.option(
    "--seed",
    type=SEED,
    default=None,
    help="CP-SAT seed; wins over the scenario's (default: its, else 0).",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--no-plot", is_flag=True, help="Do not draw sweep.png.")
@json_option("Print the summary (one entry per profile) as JSON.")
@quiet_option("No progress, no summary, no notes.")
@lang_option()
@encoding_option()
def sweep(
    scenario: str,
    vary_specs: tuple[str, ...],
    outdir: str,
    processes: int | None,
    workers_per_run: int,
    scheduler: str | None,
    time_limit: float | None,
    seed: int | None,
    no_progress: bool,
    no_plot: bool,
    as_json: bool,
    quiet: bool,
    lang: str,
    encoding: str | None,
) -> None:
    """Solve SCENARIO for every combination of the --vary values."""
    # Imported here, not at the top: start-up speed (ortools, shapely).
    from rich.console import Console

    from spaceplan import sweep as sw
    from spaceplan.fileio import probe_folder

    varies = sw.parse_varies(vary_specs)
    probe_folder(outdir)  # before any run
    outcome = _run(
        scenario,
        varies,
        outdir,
        sw.SweepSettings(time_limit, seed, workers_per_run),
        processes,
        scheduler,
        show=not (no_progress or quiet or as_json),
        lang=as_lang(lang),
        encoding=encoding,
    )
    base = _base_policy(scenario)
    if as_json:
        # Imported here, not at the top: start-up speed (pydantic).
        from spaceplan.solution import SCHEMA_VERSION

        summary = {
            "schema_version": SCHEMA_VERSION,
            "profiles": sw.largest_served(outcome.rows, base),
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    elif not quiet:
        # Piped output gets a fixed width, wide enough for profile ids.
        width = None if sys.stdout.isatty() else 120
        console = Console(file=sys.stdout, highlight=False, width=width)
        console.print(_summary_table(outcome, base, as_lang(lang)))
    if not quiet:
        click.echo(
            t(
                "face.sweep.done",
                as_lang(lang),
                n=len(outcome.rows),
                path=outcome.path,
                ran=outcome.ran,
                skipped=outcome.skipped,
                seconds=outcome.seconds,
            ),
            err=True,
        )
    if not no_plot and outcome.rows:
        # Imported here, not at the top: start-up speed (matplotlib).
        from spaceplan.export import write_sweep_plot

        png = write_sweep_plot(
            outcome.rows,
            Path(outdir) / "sweep.png",
            base_policy=base,
            lang=as_lang(lang),
        )
        if not quiet:
            click.echo(t("face.wrote", as_lang(lang), files=png), err=True)


def _run(
    scenario: str,
    varies: list[sw.Vary],
    outdir: str,
    settings: sw.SweepSettings,
    processes: int | None,
    scheduler: str | None,
    show: bool,
    lang: Lang = "zh",
    encoding: str | None = None,
) -> sw.SweepOutcome:
    # Imported here, not at the top: start-up speed.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from spaceplan import sweep as sw
    from spaceplan.errors import InputError, Msg

    if processes is not None and scheduler is not None:
        raise InputError(
            None, "--processes", Msg("err.sweep.processes")
        )
    cores = sw.cpu_cores()
    workers_per_run = settings.workers_per_run
    n = processes or sw.default_processes(workers_per_run)
    if scheduler is None and n * settings.workers_per_run > cores:
        click.echo(
            t(
                "face.sweep.oversubscribe",
                lang,
                n=n,
                workers=workers_per_run,
                cores=cores,
            ),
            err=True,
        )
    best = _Best(any(v.name == "households" for v in varies), lang)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn(t("face.sweep.bar", lang)),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[best]}"),
        console=console,
        disable=not show,
        transient=False,
    )
    with progress:
        bar = progress.add_task("sweep", total=None, best=best.words())

        def on_row(row: dict[str, Any], done: int, total: int) -> None:
            progress.update(
                bar, completed=done, total=total, best=best.update(row)
            )

        return sw.run_sweep(
            scenario,
            varies,
            outdir,
            settings,
            processes=processes,
            scheduler=scheduler,
            on_row=on_row,
            encoding=encoding,
        )


def _base_policy(scenario: str) -> str:
    # Imported here, not at the top: start-up speed.
    from spaceplan.errors import InputError
    from spaceplan.read import load_mapping

    try:
        return str(load_mapping(scenario).get("policy", ""))
    except InputError:
        return ""


def _summary_table(
    outcome: sw.SweepOutcome, base: str, lang: Lang
) -> Table:
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan import sweep as sw

    table = Table(title=t("face.sweep.title", lang))
    for key in (
        "face.sweep.profile",
        "face.sweep.runs",
        "face.sweep.plans",
        "face.sweep.infeasible",
        "face.sweep.other",
        "face.sweep.max",
        "face.sweep.binding",
    ):
        # Profile ids and rule names are what a user types: never cut.
        table.add_column(t(key, lang), no_wrap=True)
    for item in sw.largest_served(outcome.rows, base):
        best = item["largest_households"]
        table.add_row(
            item["policy"],
            str(item["runs"]),
            str(item["solved"]),
            str(item["infeasible"]),
            str(item["other"]),
            "—" if best is None else f"{best:,}",
            _binding(item["binding_rule"], lang),
        )
    return table


def _binding(rule: str, lang: Lang) -> str:
    """A binding rule in words with its id, as a user types it:
    ``面积指标（area_target）``; the id alone when it has no word."""
    if not rule:
        return "—"
    key = "diagnose.rule.kind." + rule.split(":")[0]
    word = t(key, lang)
    if word == key:
        return rule
    return word + aside(rule, lang)

