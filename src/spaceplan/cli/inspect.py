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
    encoding_option,
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


def area_rule_words(policy: Policy, lang: Lang = "en") -> str:
    """A profile's area target in a few words, e.g. ``max(300, 30/100户)``.

    Parameters
    ----------
    policy
        The profile.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The terms of the rule, or ``"—"`` when the profile has none.
    """
    # Imported here, not at the top: start-up speed.
    from spaceplan.i18n import t

    rule = policy.area_target
    terms = []
    if rule.minimum is not None:
        terms.append(t("face.pol.at_least", lang, n=rule.minimum))
    if rule.per_100_households is not None:
        terms.append(t("face.pol.per_100", lang, n=rule.per_100_households))
    if not terms:
        return "—"
    if len(terms) == 1:
        return terms[0]
    return t("face.pol.larger", lang, a=terms[0], b=terms[1])


def _share_words(policy: Policy, lang: Lang) -> str:
    # Imported here, not at the top: start-up speed.
    from spaceplan.i18n import t

    share = policy.resident_share_min
    return "—" if share is None else t("face.pol.share_min", lang, share=share)


def _area_type(area_type: str | None, lang: Lang) -> str:
    # Imported here, not at the top: start-up speed.
    from spaceplan.i18n import t

    key = "face.pol.any" if not area_type else f"face.area_type.{area_type}"
    return t(key, lang)


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
@encoding_option()
def validate(
    scenario: str, as_json: bool, quiet: bool, lang: str, encoding: str | None
) -> None:
    """Read SCENARIO, resolve its profile and print a short summary."""
    # Imported here, not at the top: start-up speed (shapely, pydantic).
    from spaceplan.read import read_scenario

    sc = read_scenario(Path(scenario), encoding=encoding)
    if quiet:
        return
    summary = _summary(sc, as_lang(lang))
    if as_json:
        _dump(summary)
        return
    click.echo("\n".join(_summary_lines(sc, summary, as_lang(lang))))


def _summary(sc: Scenario, lang: Lang) -> dict[str, Any]:
    """The facts ``validate`` prints, as plain data."""
    # Imported here, not at the top: start-up speed.
    from spaceplan import rules
    from spaceplan.i18n import policy_title
    from spaceplan.report import target_arithmetic
    from spaceplan.solution import SCHEMA_VERSION

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
        else ("polygons" if drawn else "none")
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "lang": lang,
        "scenario": sc.name,
        "profile": policy.id,
        "profile_title": policy_title(policy, lang),
        "households": sc.community.households,
        "area_type": sc.community.area_type,
        "target_m2": target.m2,
        "target_arithmetic": target_arithmetic(sc, lang),
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


def _summary_lines(sc: Scenario, s: dict[str, Any], lang: Lang) -> list[str]:
    # Imported here, not at the top: start-up speed.
    from spaceplan.i18n import aside, function_name, labelled, t

    def line(key: str, value: str) -> str:
        label = labelled(t(key, lang), "", lang).rstrip()
        return _pad(label, 12) + value

    flexible = ""
    if s["flexible"]:
        name = function_name(sc.function(s["flexible"]), lang)
        flexible = t("face.val.flexible", lang, name=name)
    lines = [
        line("face.val.scenario", s["scenario"]),
        line(
            "face.val.profile",
            s["profile"] + aside(s["profile_title"], lang),
        ),
        line("face.val.households", f"{s['households']:,}"),
        line("face.val.area_type", _area_type(s["area_type"], lang)),
        line(
            "face.val.target",
            f"{s['target_m2']:,.2f} m²"
            + aside(s["target_arithmetic"], lang),
        ),
        line(
            "face.val.rooms",
            t("face.val.rooms_line", lang, n=s["rooms"], area=s["area_m2"]),
        ),
    ]
    for kind, row in s["kinds"].items():
        word = t(f"chk.kind.{kind}", lang)
        lines.append(
            f"  {_pad(word, 14)}{row['rooms']:>3}  "
            f"{row['area_m2']:>10,.2f} m²"
        )
    how = t(f"face.val.how.{s['adjacency']}", lang)
    lines += [
        line("face.val.functions", f"{s['functions']}{flexible}"),
        line(
            "face.val.adjacency",
            t("face.val.pairs", lang, n=s["adjacent_pairs"], how=how),
        ),
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
        click.echo("\n".join(_policies_lines(loaded, language)))
        return
    policy = load_policy(policy_id, Path.cwd())
    if as_json:
        _dump(policy.model_dump(mode="json"))
        return
    console = _console()
    console.print(_policy_summary(policy, language))
    console.print(_functions_table(policy, language))


def _policies_lines(loaded: list[Policy], lang: Lang) -> list[str]:
    """The profiles, each id on a line of its own.

    Ids are what a scenario names and a user copies: never cut, in any
    terminal width; the title and facts go on the lines below.
    """
    # Imported here, not at the top: start-up speed.
    from spaceplan.i18n import policy_title, t

    lines = [t("face.pol.title", lang), ""]
    for p in loaded:
        lines += [
            p.id,
            f"  {policy_title(p, lang)}",
            "  "
            + t(
                "face.pol.facts",
                lang,
                area_type=_area_type(p.area_type, lang),
                area_rule=area_rule_words(p, lang),
                share=_share_words(p, lang),
                n=len(p.functions),
            ),
        ]
    lines += ["", t("face.pol.show", lang)]
    return lines


def _policy_summary(policy: Policy, lang: Lang) -> Table:
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan.bilingual import in_lang
    from spaceplan.i18n import policy_title, slot_name, t
    from spaceplan.sentences import source_words

    acc = policy.accounting
    table = Table(title=policy.id, show_header=False)
    table.add_column(t("face.pol.field", lang), style="bold", no_wrap=True)
    table.add_column(t("face.pol.value", lang), overflow="fold")
    sep = t("chk.sep", lang)
    accounting = sep.join(
        [
            t(f"acc.space.{acc.shared_space}", lang, walls=""),
            t(f"acc.{acc.shared_rooms}", lang),
            sep.join(t(f"cat.{c}", lang) for c in acc.resident_categories),
        ]
    )
    rows = [
        ("face.pol.name", policy_title(policy, lang)),
        ("face.pol.source", source_words(policy.source, lang)),
        ("face.pol.area_type", _area_type(policy.area_type, lang)),
        ("face.pol.area_rule", area_rule_words(policy, lang)),
        (
            "face.pol.area_source",
            source_words(policy.area_target.source, lang),
        ),
        ("face.pol.share", _share_words(policy, lang)),
        (
            "face.pol.share_source",
            source_words(policy.resident_share_source, lang),
        ),
        ("face.pol.accounting", accounting),
        (
            "face.pol.slots",
            sep.join(slot_name(s, lang) for s in policy.slots),
        ),
    ]
    rows += [("face.pol.note", in_lang(n, lang)) for n in policy.notes]
    for key, value in rows:
        table.add_row(t(key, lang), value)
    return table


def _function_cells(f: Function, lang: Lang) -> list[str]:
    # Imported here, not at the top: start-up speed.
    from spaceplan.i18n import function_name, slot_name, t

    sep = t("chk.sep", lang)
    floors = ""
    if f.floors is not None:
        lo = "" if f.floors.min is None else str(f.floors.min)
        hi = "" if f.floors.max is None else str(f.floors.max)
        floors = f"{lo}..{hi}"
    schedule = (
        t("face.fn.always", lang)
        if isinstance(f.schedule, str)
        else sep.join(slot_name(s, lang) for s in f.schedule)
    )
    if f.flexible:
        required = t("face.fn.flexible", lang)
    elif f.recommended:
        required = t("face.fn.recommended", lang)
    else:
        required = t("face.fn.yes" if f.required else "face.fn.no", lang)
    return [
        f.id,
        function_name(f, lang),
        t(f"cat.{f.category}", lang),
        required,
        "" if f.flexible else f"{f.min_area:g}",
        schedule,
        sep.join(t(f"chk.tag.{tag}", lang) for tag in f.needs),
        floors,
        t("face.fn.yes", lang) if f.exclusive else "",
        sep.join(f.never_with),
    ]


def _functions_table(policy: Policy, lang: Lang) -> Table:
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    from spaceplan.i18n import t

    table = Table(title=t("cli.functions", lang))
    width = max((len(f.id) for f in policy.functions), default=2)
    # Ids are what a scenario names: never cut them short.
    table.add_column(t("face.pol.id", lang), no_wrap=True, min_width=width)
    for key in (
        "face.fn.name",
        "face.fn.category",
        "face.fn.required",
        "face.fn.min_area",
        "face.fn.schedule",
        "face.fn.needs",
        "face.fn.floors",
        "face.fn.exclusive",
        "face.fn.never_with",
    ):
        table.add_column(t(key, lang), overflow="fold")
    for f in policy.functions:
        table.add_row(*_function_cells(f, lang))
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
@click.option(
    "--paper",
    type=click.Choice(["A3", "A1"]),
    default="A3",
    show_default=True,
    help="Paper of the drawing sheets (-o FOLDER), plans at a true scale.",
)
@encoding_option()
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
    paper: str,
    encoding: str | None,
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
    if output is not None:
        _prepare_check_output(output)  # before any work
    sc = read_scenario(Path(scenario), encoding=encoding)
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
        written = _write_check(
            output, sc, the_plan, result, language, font, paper
        )
        if not quiet:
            files = ", ".join(str(p) for p in written)
            _note(t("face.wrote", language, files=files))
    if not result.compliant:
        _exit(EXIT_NONCOMPLIANT)


def _is_report_file(output: str) -> bool:
    """``check -o``: a report file (``.md``, ``.json``), else a folder."""
    return Path(output).suffix.lower() in (".md", ".json")


def _prepare_check_output(output: str) -> None:
    """Check, before any work, that ``check -o`` can write there."""
    # Imported here, not at the top: start-up speed.
    from spaceplan.export import prepare_output_folder
    from spaceplan.fileio import prepare_output_file

    if _is_report_file(output):
        prepare_output_file(output)
    else:
        prepare_output_folder(output)


def _write_check(
    output: str,
    sc: Scenario,
    plan: Plan,
    found: Audit,
    lang: Lang,
    font: str | None,
    paper: str = "A3",
) -> list[Path]:
    """``check -o``: a report file, or a folder with solve's outputs."""
    # Imported here, not at the top: start-up speed (matplotlib, ezdxf).
    from spaceplan.export import (
        checked_result,
        write_check_report,
        write_outputs,
    )

    path = Path(output)
    if _is_report_file(output):
        return write_check_report(path, sc, plan, found, lang)
    return write_outputs(
        sc, checked_result(sc, plan), path, lang, font=font, paper=paper
    )


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (a
    Chinese character takes two), so that the values line up."""
    from spaceplan.i18n import columns

    return text + " " * max(1, width - columns(text))
