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
    encoding_option,
    exit_codes,
    json_option,
    lang_option,
    quiet_option,
)
from spaceplan.i18n import Lang, t

if TYPE_CHECKING:
    from rich.console import Console

    from spaceplan.diagnose import Diagnosis

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
@encoding_option()
def diagnose(
    scenario: str,
    as_json: bool,
    quiet: bool,
    lang: str,
    no_repairs: bool,
    seed: int,
    encoding: str | None,
) -> None:
    """Explain why SCENARIO is infeasible and how to repair it."""
    # Imported here, not at the top: start-up speed (ortools, shapely).
    from rich.console import Console

    from spaceplan import diagnose as diag
    from spaceplan.read import read_scenario

    sc = read_scenario(Path(scenario), encoding=encoding)
    found = diag.diagnose(
        sc, repairs=not no_repairs, seed=seed, lang=as_lang(lang)
    )
    if as_json:
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        print_diagnosis(
            found, Console(file=sys.stdout, highlight=False), as_lang(lang)
        )
    sys.exit(EXIT.get(found.status, 3))


def print_diagnosis(
    found: Diagnosis, console: Console, lang: Lang = "zh"
) -> None:
    """The diagnosis as text and tables on ``console``, in ``lang``."""
    # Imported here, not at the top: start-up speed.
    from rich.table import Table

    console.print(found.summary, soft_wrap=True)
    if found.prechecks:
        console.print(f"\n[bold]{t('diagnose.head.prechecks', lang)}[/bold]")
        for item in found.prechecks:
            source = item["source"]
            tail = (
                ""
                if source in item["message"]
                else t("diagnose.source_tail", lang, source=source)
            )
            console.print(f"  • {item['message']}{tail}", soft_wrap=True)
    if found.conflict:
        table = Table(title=t("diagnose.head.conflict", lang))
        for name in ("rule", "subject", "asks", "source"):
            table.add_column(t(f"diagnose.col.{name}", lang), overflow="fold")
        for item in found.conflict:
            subject = item["subject"]
            if subject == "facility":
                subject = t("diagnose.subject.facility", lang)
            table.add_row(
                t(f"diagnose.rule.kind.{item['rule']}", lang),
                subject,
                item["message"],
                item["source"],
            )
        console.print(table)
    for key, items in (
        ("repairs", found.repairs),
        ("waivers", found.waivers),
    ):
        if not items:
            continue
        table = Table(title=t(f"diagnose.head.{key}", lang))
        for name in ("rank", "cost", "change"):
            table.add_column(t(f"diagnose.col.{name}", lang), overflow="fold")
        for item in items:
            table.add_row(
                str(item["rank"]), item["cost_text"], item["message"]
            )
        console.print(table)
    if found.repairs or found.waivers:
        console.print(t("diagnose.costs_note", lang), soft_wrap=True)
    elif found.status == "infeasible" and found.searched_repairs:
        console.print(t("diagnose.no_repair", lang))
    if found.profiles:
        feasible = [p["policy"] for p in found.profiles if p.get("feasible")]
        sep = t("diagnose.sep.list", lang)
        if feasible:
            line = t(
                "diagnose.profiles.feasible", lang, ids=sep.join(feasible)
            )
        else:
            tried = sep.join(p["policy"] for p in found.profiles)
            line = t("diagnose.profiles.none", lang, ids=tried)
        console.print(line, soft_wrap=True)
