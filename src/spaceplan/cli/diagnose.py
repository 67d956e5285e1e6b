"""``spaceplan diagnose SCENARIO``: why a scenario is infeasible.

Prints the prechecks, a minimal conflict set and the verified repairs
(or, with ``--json``, the diagnosis dict of ``result.json``). Exit status
0 when the scenario is feasible, 2 when it is not, 3 when the budget ran
out, 1 on bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spaceplan.cli.command import SpaceplanCommand
from spaceplan.cli.options import (
    BAD_INPUT,
    SEED,
    as_lang,
    exit_codes,
    json_option,
    lang_option,
    quiet_option,
)
from spaceplan.i18n import t

if TYPE_CHECKING:
    from rich.console import Console

    from spaceplan.diagnose import Diagnosis
    from spaceplan.i18n import Lang

#: Exit status by diagnosis status.
EXIT = {"feasible": 0, "infeasible": 2, "unknown": 3}


@click.command(
    "diagnose",
    cls=SpaceplanCommand,
    epilog=exit_codes(
        (0, "the scenario is feasible"),
        BAD_INPUT,
        (2, "the scenario is infeasible"),
        (3, "the budget ran out before an answer"),
    ),
)
@click.argument("scenario")
@json_option("Print JSON.")
@quiet_option("Print nothing; the exit status says whether it is feasible.")
@lang_option()
@click.option(
    "--no-repairs", is_flag=True, help="Only prechecks and the conflict."
)
@click.option(
    "--seed", type=SEED, default=0, show_default=True, help="Solver seed."
)
def diagnose(
    scenario: str,
    as_json: bool,
    quiet: bool,
    lang: str,
    no_repairs: bool,
    seed: int,
) -> None:
    """Explain why SCENARIO is infeasible and how to repair it."""
    # Imported here, not at the top: start-up speed (ortools, shapely).
    from rich.console import Console

    from spaceplan import diagnose as diag
    from spaceplan.read import read_scenario

    sc = read_scenario(Path(scenario))
    found = diag.diagnose(
        sc, repairs=not no_repairs, seed=seed, lang=as_lang(lang)
    )
    if as_json:
        # Imported here, not at the top: start-up speed (pydantic).
        from spaceplan.solution import SCHEMA_VERSION

        data = {"schema_version": SCHEMA_VERSION, **found.as_dict()}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif not quiet:
        print_diagnosis(
            found, Console(file=sys.stdout, highlight=False), as_lang(lang)
        )
    sys.exit(EXIT.get(found.status, 3))


def print_diagnosis(
    found: Diagnosis, console: Console, lang: Lang = "zh"
) -> None:
    """The diagnosis as text and tables on ``console``; the headings in
    ``lang`` (the diagnosis words its own sentences)."""
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    console.print(found.summary, soft_wrap=True)
    if found.prechecks:
        console.print(f"\n[bold]{t('face.diag.prechecks', lang)}[/bold]")
        for item in found.prechecks:
            source = item["source"]
            tail = (
                ""
                if source in item["message"]
                else t("face.diag.source", lang, source=source)
            )
            console.print(f"  • {item['message']}{tail}", soft_wrap=True)
    if found.conflict:
        table = Table(title=t("face.diag.conflict", lang))
        for key in (
            "face.diag.rule",
            "face.diag.subject",
            "face.diag.asks",
            "face.diag.source_head",
        ):
            table.add_column(t(key, lang), overflow="fold")
        for item in found.conflict:
            table.add_row(
                _rule_word(item["rule"], lang),
                (
                    t("face.check.group.facility", lang)
                    if item["subject"] == "facility"
                    else item["subject"]
                ),
                item["message"],
                item["source"],
            )
        console.print(table)
    if found.repairs:
        table = Table(title=t("face.diag.repairs", lang))
        for key in ("face.diag.rank", "face.diag.cost", "face.diag.change"):
            table.add_column(t(key, lang), overflow="fold")
        for item in found.repairs:
            table.add_row(
                str(item["rank"]), f"{item['cost']:g}", item["message"]
            )
        console.print(table)
    elif found.status == "infeasible" and found.searched_repairs:
        console.print(t("face.diag.no_repair", lang))
    feasible = [p["policy"] for p in found.profiles if p.get("feasible")]
    if found.profiles:
        tried = ", ".join(p["policy"] for p in found.profiles)
        console.print(
            t("face.diag.others_ok", lang, ids=", ".join(feasible))
            if feasible
            else t("face.diag.others_none", lang, ids=tried),
            soft_wrap=True,
        )


def _rule_word(rule: str, lang: Lang) -> str:
    """A rule's name in ``lang``; its id for a rule the catalogue lacks."""
    word = t(f"r.{rule}", lang)
    return rule if word == f"r.{rule}" else word
