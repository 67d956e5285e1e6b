"""The ``spaceplan`` command line: parse, call the API, print, exit.

Results go to stdout, messages to stderr. Bad input of any kind ends in
one line ``error: <file>: <field>: <fault>`` on stderr and exit status 1,
handled in one place (:class:`SpaceplanGroup`). Commands exit 0 on
success and 2 when a plan does not comply.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

import click
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from spaceplan import __version__, rules
from spaceplan.check import audit
from spaceplan.data import Function, Policy, Scenario
from spaceplan.errors import InputError, from_validation
from spaceplan.export import write_check_report
from spaceplan.i18n import LANGS, Lang, policy_title
from spaceplan.policies import load_policy, policy_ids
from spaceplan.read import read_plan, read_scenario
from spaceplan.report import (
    compliance_json,
    compliance_table,
    target_arithmetic,
    verdict_line,
)
from spaceplan.solution import Plan

#: Exit status of a command that found bad input.
EXIT_INPUT = 1
#: Exit status of ``check`` when the plan does not comply.
EXIT_NONCOMPLIANT = 2


# ------------------------------------------------------------ error handling


def _as_input_error(exc: BaseException) -> InputError | None:
    """Our error type for any exception that means "bad input"."""
    if isinstance(exc, InputError):
        return exc
    # The readers wrap these; one that leaks here is a bug in the reader,
    # but the user still deserves one line, not a traceback.
    if isinstance(exc, FileNotFoundError):
        return InputError(exc.filename, None, "no such file")
    if isinstance(exc, UnicodeDecodeError):
        return InputError(None, None, "is not UTF-8 text")
    if isinstance(exc, yaml.YAMLError):
        first = str(exc).splitlines()[0] if str(exc) else "bad YAML"
        return InputError(None, None, f"is not valid YAML: {first}")
    if isinstance(exc, ValidationError):
        return from_validation(exc, None)
    return None


def _echo_error(message: str) -> None:
    """Print ``error: <message>`` on stderr, on one line."""
    click.echo(f"error: {' '.join(message.split())}", err=True)


class _BadUsage(click.UsageError):
    """A usage error that exits 1, like any other bad input."""

    exit_code = EXIT_INPUT


class SpaceplanGroup(click.Group):
    """A click group that turns bad input into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report bad input without a traceback."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # click exits 2 on a usage error; for spaceplan 2 means "no
            # plan", so bad options are bad input like any other: 1.
            raise _BadUsage(exc.format_message(), exc.ctx) from None
        except (
            InputError,
            FileNotFoundError,
            UnicodeDecodeError,
            yaml.YAMLError,
            ValidationError,
        ) as exc:
            err = _as_input_error(exc)
            assert err is not None
            _echo_error(str(err))
            ctx.exit(EXIT_INPUT)


# ------------------------------------------------------------------ helpers


def _console() -> Console:
    """A console on the current stdout (created per call, for tests)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def _load_scenario(path: str) -> Scenario:
    """Read and resolve a scenario; an InputError on any fault."""
    return read_scenario(Path(path))


def _note(message: str) -> None:
    """A progress or status message: stderr, never stdout."""
    click.echo(message, err=True)


def _exit(code: int) -> NoReturn:
    raise click.exceptions.Exit(code)


_LANG = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    show_default=True,
    help="Language of the words shown.",
)


def _lang(value: str) -> Lang:
    return "en" if value == "en" else "zh"


def area_rule_words(policy: Policy) -> str:
    """A profile's area target in a few words, e.g. ``max(300, 30/100户)``.

    Parameters
    ----------
    policy
        The profile.

    Returns
    -------
    str
        The terms of the rule, or ``"—"`` when the profile has none.
    """
    rule = policy.area_target
    terms = []
    if rule.minimum is not None:
        terms.append(f"≥ {rule.minimum:g} m²")
    if rule.per_100_households is not None:
        terms.append(f"{rule.per_100_households:g} m²/100 hh")
    if not terms:
        return "—"
    return terms[0] if len(terms) == 1 else f"max({', '.join(terms)})"


def _share_words(policy: Policy) -> str:
    share = policy.resident_share_min
    return "—" if share is None else f"≥ {share:.0%}"


# ----------------------------------------------------------------- commands


@click.group(cls=SpaceplanGroup)
@click.version_option(__version__, prog_name="spaceplan")
def main() -> None:
    """Plan and check community comprehensive service facilities."""


@main.command()
@click.argument("scenario")
def validate(scenario: str) -> None:
    """Read SCENARIO, resolve its profile and print a short summary."""
    sc = _load_scenario(scenario)
    policy = sc.policy
    kinds = Counter(r.kind for r in sc.building.rooms)
    areas: Counter[str] = Counter()
    for room in sc.building.rooms:
        areas[room.kind] += rules.to_units(room.area)
    total = sum(areas.values())
    target = rules.area_target(policy, sc.community)
    lines = [
        f"scenario:   {sc.name}",
        f"profile:    {policy.id} ({policy.title})",
        f"households: {sc.community.households:,}",
        f"area type:  {sc.community.area_type}",
        f"target:     {target.m2:,.2f} m² ({target_arithmetic(sc, 'en')})",
        f"rooms:      {len(sc.building.rooms)}, "
        f"{rules.to_m2(total):,.2f} m² in all",
    ]
    for kind in ("room", "circulation", "service", "unavailable"):
        if kinds[kind]:
            lines.append(
                f"  {kind:<12}{kinds[kind]:>3}  "
                f"{rules.to_m2(areas[kind]):>10,.2f} m²"
            )
    flexible = sc.flexible_function
    drawn = any(r.polygon is not None for r in sc.building.rooms)
    how = (
        "stated"
        if sc.building.adjacency is not None
        else ("derived from polygons" if drawn else "none stated, no polygons")
    )
    lines += [
        f"functions:  {len(sc.functions)}"
        + (f" (flexible: {flexible.id})" if flexible else ""),
        f"adjacency:  {len(sc.building.adjacent_pairs)} pairs ({how})",
    ]
    click.echo("\n".join(lines))


@main.command()
@click.argument("policy_id", required=False)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the resolved profile."
)
@_LANG
def policies(policy_id: str | None, as_json: bool, lang: str) -> None:
    """List the profiles, or show the profile POLICY_ID (id or path)."""
    language = _lang(lang)
    if policy_id is None:
        loaded = [load_policy(pid) for pid in policy_ids()]
        if as_json:
            data = [p.model_dump(mode="json") for p in loaded]
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        _console().print(_policies_table(loaded, language))
        return
    policy = load_policy(policy_id, Path.cwd())
    if as_json:
        click.echo(
            json.dumps(
                policy.model_dump(mode="json"), ensure_ascii=False, indent=2
            )
        )
        return
    console = _console()
    console.print(_policy_summary(policy, language))
    console.print(_functions_table(policy, language))


def _policies_table(loaded: list[Policy], lang: Lang) -> Table:
    table = Table(title="spaceplan profiles")
    for name in (
        "id",
        "title",
        "area type",
        "area rule",
        "resident share",
        "functions",
    ):
        table.add_column(name)
    for p in loaded:
        table.add_row(
            p.id,
            policy_title(p, lang),
            p.area_type or "any",
            area_rule_words(p),
            _share_words(p),
            str(len(p.functions)),
        )
    return table


def _policy_summary(policy: Policy, lang: Lang) -> Table:
    acc = policy.accounting
    table = Table(title=policy.id, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    rows = [
        ("title", policy_title(policy, lang)),
        ("source", policy.source),
        ("area type", policy.area_type or "any"),
        ("area target", area_rule_words(policy)),
        ("area source", policy.area_target.source),
        ("resident share", _share_words(policy)),
        ("share source", policy.resident_share_source),
        (
            "accounting",
            f"circulation {acc.circulation}, shared rooms "
            f"{acc.shared_rooms}, resident "
            f"{', '.join(acc.resident_categories)}",
        ),
        ("slots", ", ".join(policy.slots)),
    ]
    rows += [("note", note) for note in policy.notes]
    for field, value in rows:
        table.add_row(field, value)
    return table


def _function_cells(f: Function) -> list[str]:
    floors = ""
    if f.floors is not None:
        lo = "" if f.floors.min is None else str(f.floors.min)
        hi = "" if f.floors.max is None else str(f.floors.max)
        floors = f"{lo}..{hi}"
    schedule = (
        f.schedule if isinstance(f.schedule, str) else ", ".join(f.schedule)
    )
    return [
        f.id,
        f.name,
        f.name_en,
        f.category,
        "flexible" if f.flexible else ("yes" if f.required else "no"),
        "" if f.flexible else f"{f.min_area:g}",
        schedule,
        ", ".join(f.needs),
        floors,
        "yes" if f.exclusive else "",
        ", ".join(f.never_with),
        f.area_source,
    ]


def _functions_table(policy: Policy, lang: Lang) -> Table:
    title = "功能" if lang == "zh" else "Functions"
    table = Table(title=title)
    for name in (
        "id",
        "name",
        "name_en",
        "category",
        "required",
        "min_area",
        "schedule",
        "needs",
        "floors",
        "exclusive",
        "never_with",
        "area_source",
    ):
        # Ids are what a scenario names: never cut them short.
        table.add_column(name, no_wrap=name == "id")
    for f in policy.functions:
        table.add_row(*_function_cells(f))
    return table


@main.command()
@click.argument("scenario")
@click.argument("plan")
@click.option(
    "--candidate", default=None, help="Candidate id in a result.json."
)
@click.option(
    "-o",
    "--output",
    default=None,
    help="Write the report: Markdown (and JSON beside it), or JSON "
    "for a name ending in .json.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@_LANG
def check(
    scenario: str,
    plan: str,
    candidate: str | None,
    output: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Check PLAN (a result.json or a YAML function: room mapping)."""
    language = _lang(lang)
    sc = _load_scenario(scenario)
    the_plan: Plan = read_plan(Path(plan), sc, candidate)
    result = audit(sc, the_plan)
    if as_json:
        data = compliance_json(sc, the_plan, result, language)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        _note(verdict_line(result, language))
    else:
        console = _console()
        console.print(compliance_table(result, language, sc))
        click.echo(verdict_line(result, language))
    if output is not None:
        written = write_check_report(output, sc, the_plan, result, language)
        _note("wrote " + ", ".join(str(p) for p in written))
    if not result.compliant:
        _exit(EXIT_NONCOMPLIANT)


# ------------------------------------------------------ the other commands


def _register() -> None:
    """Attach the commands that live in their own modules."""
    from spaceplan.bench.cli import bench
    from spaceplan.cli_dxf import import_dxf
    from spaceplan.cli_solve import demo_command, solve_command
    from spaceplan.diagnose_cli import diagnose
    from spaceplan.sweep_cli import sweep

    main.add_command(solve_command, "solve")
    main.add_command(demo_command, "demo")
    main.add_command(diagnose, "diagnose")
    main.add_command(sweep, "sweep")
    main.add_command(import_dxf, "import-dxf")
    main.add_command(bench, "bench")


_register()
