"""``spaceplan validate``, ``policies`` and ``check``: read and report.

Nothing here solves: these commands read a scenario, a profile or a
plan and print what they find. Exit status 0 on success, 2 when a
checked plan does not comply, 1 on bad input.

The readers, the checker and rich are imported inside the commands, so
that ``spaceplan --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from spaceplan.cli.command import SpaceplanCommand
from spaceplan.cli.options import (
    BAD_INPUT,
    as_lang,
    exit_codes,
    json_option,
    lang_option,
    output_option,
    quiet_option,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from spaceplan.check import Audit
    from spaceplan.data import Function, Policy, Scenario
    from spaceplan.i18n import Lang
    from spaceplan.solution import Plan

#: Exit status of ``check`` when the plan does not comply.
EXIT_NONCOMPLIANT = 2


def _console() -> Console:
    """A console on the current stdout (created per call, for tests)."""
    # Imported here, not at the top: start-up speed.
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def _note(message: str) -> None:
    """A progress or status message: stderr, never stdout."""
    click.echo(message, err=True)


def _exit(code: int) -> NoReturn:
    raise click.exceptions.Exit(code)


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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


# ----------------------------------------------------------------- validate


@click.command(
    "validate",
    cls=SpaceplanCommand,
    epilog=exit_codes((0, "the scenario is valid"), BAD_INPUT),
)
@click.argument("scenario")
@json_option("Print the summary as JSON.")
@quiet_option("Print nothing; the exit status says whether it is valid.")
@lang_option()
def validate(scenario: str, as_json: bool, quiet: bool, lang: str) -> None:
    """Read SCENARIO, resolve its profile and print a short summary."""
    # Imported here, not at the top: start-up speed (shapely, pydantic).
    from spaceplan.read import read_scenario

    sc = read_scenario(Path(scenario))
    if quiet:
        return
    summary = _summary(sc, as_lang(lang))
    if as_json:
        _dump(summary)
        return
    click.echo("\n".join(_summary_lines(summary)))


def _summary(sc: Scenario, lang: Lang) -> dict[str, Any]:
    """The facts ``validate`` prints, as plain data."""
    # Imported here, not at the top: start-up speed.
    from spaceplan import rules
    from spaceplan.i18n import policy_title
    from spaceplan.report import target_arithmetic

    policy = sc.policy
    kinds = Counter(r.kind for r in sc.building.rooms)
    areas: Counter[str] = Counter()
    for room in sc.building.rooms:
        areas[room.kind] += rules.to_units(room.area)
    total = sum(areas.values())
    target = rules.area_target(policy, sc.community)
    flexible = sc.flexible_function
    drawn = any(r.polygon is not None for r in sc.building.rooms)
    how = (
        "stated"
        if sc.building.adjacency is not None
        else ("derived from polygons" if drawn else "none stated, no polygons")
    )
    return {
        "scenario": sc.name,
        "profile": policy.id,
        "profile_title": policy_title(policy, lang),
        "households": sc.community.households,
        "area_type": sc.community.area_type,
        "target_m2": target.m2,
        "target_arithmetic": target_arithmetic(sc, "en"),
        "rooms": len(sc.building.rooms),
        "area_m2": rules.to_m2(total),
        "kinds": {
            kind: {"rooms": kinds[kind], "area_m2": rules.to_m2(areas[kind])}
            for kind in ("room", "circulation", "service", "unavailable")
            if kinds[kind]
        },
        "functions": len(sc.functions),
        "flexible": None if flexible is None else flexible.id,
        "adjacent_pairs": len(sc.building.adjacent_pairs),
        "adjacency": how,
    }


def _summary_lines(s: dict[str, Any]) -> list[str]:
    lines = [
        f"scenario:   {s['scenario']}",
        f"profile:    {s['profile']} ({s['profile_title']})",
        f"households: {s['households']:,}",
        f"area type:  {s['area_type']}",
        f"target:     {s['target_m2']:,.2f} m² ({s['target_arithmetic']})",
        f"rooms:      {s['rooms']}, {s['area_m2']:,.2f} m² in all",
    ]
    for kind, row in s["kinds"].items():
        lines.append(
            f"  {kind:<12}{row['rooms']:>3}  {row['area_m2']:>10,.2f} m²"
        )
    lines += [
        f"functions:  {s['functions']}"
        + (f" (flexible: {s['flexible']})" if s["flexible"] else ""),
        f"adjacency:  {s['adjacent_pairs']} pairs ({s['adjacency']})",
    ]
    return lines


# ----------------------------------------------------------------- policies


@click.command(
    "policies",
    cls=SpaceplanCommand,
    epilog=exit_codes((0, "the profiles were listed"), BAD_INPUT),
)
@click.argument("policy_id", required=False)
@json_option("Print the resolved profile.")
@lang_option()
def policies(policy_id: str | None, as_json: bool, lang: str) -> None:
    """List the profiles, or show the profile POLICY_ID (id or path)."""
    # Imported here, not at the top: start-up speed (shapely, pydantic).
    from spaceplan.policies import load_policy, policy_ids

    language = as_lang(lang)
    if policy_id is None:
        loaded = [load_policy(pid) for pid in policy_ids()]
        if as_json:
            _dump([p.model_dump(mode="json") for p in loaded])
            return
        _console().print(_policies_table(loaded, language))
        return
    policy = load_policy(policy_id, Path.cwd())
    if as_json:
        _dump(policy.model_dump(mode="json"))
        return
    console = _console()
    console.print(_policy_summary(policy, language))
    console.print(_functions_table(policy, language))


def _policies_table(loaded: list[Policy], lang: Lang) -> Table:
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan.i18n import policy_title

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
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan.i18n import policy_title

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
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan.i18n import t

    table = Table(title=t("cli.functions", lang))
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


# -------------------------------------------------------------------- check


@click.command(
    "check",
    cls=SpaceplanCommand,
    epilog=exit_codes(
        (0, "the plan complies"),
        BAD_INPUT,
        (EXIT_NONCOMPLIANT, "the plan does not comply"),
    ),
)
@click.argument("scenario")
@click.argument("plan")
@click.option(
    "--candidate", default=None, help="Candidate id in a result.json."
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Print every rule checked, not only the failures.",
)
@output_option(
    "A folder: write the drawings, reports and HTML that solve writes, "
    "for this plan. A file: the Markdown report (and JSON beside it), "
    "or JSON for a name ending in .json.",
    default=None,
)
@json_option("Print the JSON report.")
@quiet_option("Print nothing; the exit status says whether it complies.")
@lang_option()
@click.option(
    "--font",
    type=click.Path(dir_okay=False),
    default=None,
    help="A font file for the drawings (-o FOLDER).",
)
def check(
    scenario: str,
    plan: str,
    candidate: str | None,
    show_all: bool,
    output: str | None,
    as_json: bool,
    quiet: bool,
    lang: str,
    font: str | None,
) -> None:
    """Check PLAN (a result.json or a YAML function: room mapping).

    By default only the rules not met are printed, grouped by what to
    change, then the verdict; --all prints the whole table.
    """
    # Imported here, not at the top: start-up speed (shapely, pydantic).
    from spaceplan.check import audit
    from spaceplan.i18n import t
    from spaceplan.read import read_plan, read_scenario
    from spaceplan.report import (
        compliance_json,
        compliance_table,
        failure_lines,
        verdict_line,
    )

    language = as_lang(lang)
    sc = read_scenario(Path(scenario))
    the_plan = read_plan(Path(plan), sc, candidate)
    result = audit(sc, the_plan)
    if quiet:
        pass
    elif as_json:
        data = compliance_json(sc, the_plan, result, language)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        _note(verdict_line(result, language))
    elif show_all:
        console = _console()
        console.print(compliance_table(result, language, sc))
        click.echo(verdict_line(result, language))
    else:
        click.echo("\n".join(failure_lines(sc, result, language)))
    if output is not None:
        written = _write_check(output, sc, the_plan, result, language, font)
        if not quiet:
            files = ", ".join(str(p) for p in written)
            _note(t("face.wrote", language, files=files))
    if not result.compliant:
        _exit(EXIT_NONCOMPLIANT)


def _write_check(
    output: str,
    sc: Scenario,
    plan: Plan,
    found: Audit,
    lang: Lang,
    font: str | None,
) -> list[Path]:
    """``check -o``: a report file, or a folder with solve's outputs."""
    # Imported here, not at the top: start-up speed (matplotlib, ezdxf).
    from spaceplan.export import (
        checked_result,
        write_check_report,
        write_outputs,
    )

    path = Path(output)
    if path.suffix.lower() in (".md", ".json"):
        return write_check_report(path, sc, plan, found, lang)
    return write_outputs(sc, checked_result(sc, plan), path, lang, font=font)
