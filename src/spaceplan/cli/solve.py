"""``spaceplan solve`` and ``spaceplan demo``: the main job.

Exit status (at the foot of ``--help`` and in the README): 0 a plan was
found, 2 the scenario is infeasible (with a diagnosis), 3 no plan within
the time limit, 1 bad input. Results go to stdout (a summary, or the result JSON with
``--json``); progress and messages to stderr.

The solver, the reports and the drawings are imported inside the
functions that use them, so that ``spaceplan --help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from spaceplan import resources
from spaceplan.cli.command import SpaceplanCommand
from spaceplan.cli.options import (
    BAD_INPUT,
    SEED,
    LazyChoice,
    LazyHelpOption,
    Seconds,
    as_lang,
    encoding_option,
    exit_codes,
    json_option,
    lang_option,
    output_option,
    quiet_option,
)

if TYPE_CHECKING:
    from spaceplan.data import Scenario
    from spaceplan.i18n import Lang
    from spaceplan.solution import Result

#: Exit status per result status.
EXIT_STATUS = {"optimal": 0, "feasible": 0, "infeasible": 2, "unknown": 3}
#: The bundled example ``spaceplan demo`` solves.
DEMO_EXAMPLE = Path("office-renovation") / "scenario.yaml"


def examples_dir() -> Path:
    """The package's ``examples`` folder."""
    return resources.on_disk(resources.examples())


def run_solve(
    scenario: Scenario,
    outdir: Path | None,
    *,
    solver: str,
    config: str | None,
    candidates: int | None,
    time_limit: float | None,
    seed: int | None,
    workers: int | None,
    as_json: bool,
    quiet: bool,
    lang: Lang,
    drawings: bool,
    font: str | None,
    paper: str = "A3",
) -> int:
    """Solve, write the outputs, print the summary; return the exit code."""
    # Imported here, not at the top: start-up speed (ortools, shapely).
    from spaceplan.diagnose import diagnose_for_result
    from spaceplan.export import prepare_output_folder
    from spaceplan.progress import RichProgress
    from spaceplan.report.wording import note_lines
    from spaceplan.solvers import solve

    if font is not None and drawings:
        _check_font(font)
    if outdir is not None:
        # Before the solve: an unwritable folder fails now, not after it.
        prepare_output_folder(outdir)
    progress = None if quiet or as_json else RichProgress()
    result = solve(
        scenario,
        solver=solver,
        config=config,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        candidates=candidates,
        progress=progress,
        diagnose=lambda sc: diagnose_for_result(sc, lang),
    )
    written: list[Path] = []
    if outdir is not None:
        written = _write_outputs(
            scenario, result, outdir, lang, drawings, font, paper
        )
    if not quiet:
        for line in note_lines(result, lang):
            click.echo(line, err=True)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    elif not quiet:
        print_summary(scenario, result, lang, written)
    return EXIT_STATUS[result.status]


def _check_font(font: str) -> None:
    """Refuse an unusable ``--font`` before any work or output."""
    # Imported here, not at the top: start-up speed (matplotlib).
    from spaceplan.errors import InputError
    from spaceplan.plot.style import FontError, font_families

    try:
        font_families(font)
    except FontError as exc:
        raise InputError(font, "--font", exc.args[0]) from None


def _write_outputs(
    scenario: Scenario,
    result: Result,
    outdir: Path,
    lang: Lang,
    drawings: bool,
    font: str | None,
    paper: str = "A3",
) -> list[Path]:
    # Imported here, not at the top: start-up speed (matplotlib).
    from spaceplan.errors import InputError
    from spaceplan.export import write_outputs
    from spaceplan.plot.style import FontError

    # A character no font draws is warned by the drawings and said once,
    # in the user's language, by the command (cli.command._notices).
    try:
        return write_outputs(
            scenario, result, outdir, lang, drawings=drawings, font=font,
            paper=paper,
        )
    except FontError as exc:
        raise InputError(font, "--font", exc.args[0]) from None


def print_summary(
    scenario: Scenario, result: Result, lang: Lang, written: list[Path]
) -> None:
    """A short summary table of the candidates on stdout."""
    # Imported here, not at the top: start-up speed.
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from spaceplan.i18n import function_name, policy_title, t
    from spaceplan.report.solve import comparison_rows

    console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    status = t(f"status.{result.status}", lang)
    console.print(
        t(
            "cli.title",
            lang,
            name=f"[bold]{escape(scenario.name)}[/bold]",
            title=escape(policy_title(scenario.policy, lang)),
            id=scenario.policy.id,
        )
    )
    console.print(
        t(
            "cli.summary",
            lang,
            status=status,
            candidates=t("cli.candidates", lang, n=len(result.candidates)),
            seconds=f"{result.solve_seconds:.2f}",
        )
    )
    if result.candidates:
        header, rows = comparison_rows(scenario, result, lang)
        table = Table(*header, show_lines=False)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        first = result.candidates[0]
        placed = ", ".join(
            f"{function_name(scenario.function(a.function), lang)}→{a.room}"
            for a in first.assignments
            if not scenario.function(a.function).flexible
        )
        console.print(f"{first.id}: {placed}")
    elif result.diagnosis:
        console.print(str(result.diagnosis.get("summary", "")))
        for item in result.diagnosis.get("repairs", [])[:3]:
            text = item.get("message") if isinstance(item, dict) else item
            console.print(f"  • {text}")
    if written:
        folder = written[0].parent
        console.print(
            t("cli.written", lang, n=len(written), folder=folder)
        )


def _solver_names() -> list[str]:
    # Imported here, not at the top: start-up speed.
    from spaceplan.solvers import REGISTRY

    return sorted(REGISTRY)


def _config_help() -> str:
    # Imported here, not at the top: start-up speed.
    from spaceplan.solvers.config import preset_names

    return (
        "Solver preset from solver_configs/cpsat/ "
        f"({', '.join(preset_names()) or 'default'}) or a .toml path."
    )


_OPTIONS = [
    click.option("--candidates", "-k", type=click.IntRange(1, 50),
                 help="How many distinct candidate plans."),
    click.option("--time-limit", type=Seconds(),
                 help="Seconds per solve (at most a day)."),
    click.option("--seed", type=SEED,
                 help="Random seed (results repeat with a fixed "
                 "worker count)."),
    click.option("--workers", type=click.IntRange(1, 64),
                 help="CP-SAT worker threads (default: the preset's)."),
    click.option("--config", type=str, default=None, cls=LazyHelpOption,
                 help_from=_config_help),
    click.option("--solver", type=LazyChoice(_solver_names),
                 default="cpsat", show_default=True,
                 help="Solver backend."),
    json_option("Print result.json on stdout instead of a summary."),
    quiet_option("No summary and no progress."),
    lang_option("Language of reports and drawings."),
    click.option("--no-drawings", is_flag=True,
                 help="Write result.json and report.md only."),
    click.option("--font", type=click.Path(exists=True, dir_okay=False),
                 default=None, help="A font file for drawings."),
    click.option("--paper", type=click.Choice(["A3", "A1"]), default="A3",
                 show_default=True,
                 help="Paper of the drawing sheets; each floor plan prints "
                 "at a true scale (1:50 to 1:500) named in the title "
                 "block."),
    click.option("--advice-hard", is_flag=True,
                 help="Treat the profile's advice as hard rules (same as "
                 "options.advice: hard)."),
]

_EXIT_CODES = exit_codes(
    (0, "a plan was found"),
    BAD_INPUT,
    (2, "the scenario is infeasible (the diagnosis says why)"),
    (3, "no plan within the time limit"),
)


def _with_options(func: Any) -> Any:
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


@click.command("solve", cls=SpaceplanCommand, epilog=_EXIT_CODES)
@click.argument("scenario", type=click.Path())
@output_option(
    "Folder for result.json, the report and drawings.",
    dest="outdir",
    type=click.Path(file_okay=False),
    default=None,
)
@_with_options
@encoding_option()
def solve_command(scenario: str, outdir: str | None, **opts: Any) -> None:
    """Find the best compliant plans for SCENARIO."""
    # Imported here, not at the top: start-up speed.
    from spaceplan.read import read_scenario

    sc = read_scenario(scenario, encoding=opts.pop("encoding"))
    code = run_solve(
        _advice(sc, opts),
        None if outdir is None else Path(outdir),
        **_solve_kwargs(opts),
    )
    sys.exit(code)


@click.command("demo", cls=SpaceplanCommand, epilog=_EXIT_CODES)
@output_option(
    "Folder for the outputs.",
    dest="outdir",
    type=click.Path(file_okay=False),
    default="spaceplan-demo",
    show_default=True,
)
@_with_options
def demo_command(outdir: str, **opts: Any) -> None:
    """Solve a bundled example (a renovated office building)."""
    # Imported here, not at the top: start-up speed.
    from spaceplan.errors import InputError, Msg
    from spaceplan.read import read_scenario

    path = examples_dir() / DEMO_EXAMPLE
    if not path.is_file():
        raise InputError(
            None,
            None,
            Msg("err.demo_missing", path=path),
        )
    sc = read_scenario(path)
    click.echo(f"spaceplan demo: {path}", err=True)
    code = run_solve(_advice(sc, opts), Path(outdir), **_solve_kwargs(opts))
    sys.exit(code)


def _advice(sc: Scenario, opts: dict[str, Any]) -> Scenario:
    """The scenario with advice made hard when ``--advice-hard`` asks."""
    if not opts.pop("advice_hard"):
        return sc
    options = sc.options.replace(advice="hard")
    return cast("Scenario", sc.replace(options=options))


def _solve_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    lang: Lang = as_lang(opts.pop("lang"))
    drawings = not opts.pop("no_drawings")
    return {**opts, "lang": lang, "drawings": drawings}
