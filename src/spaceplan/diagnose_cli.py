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

import click
from rich.console import Console
from rich.table import Table

from spaceplan import diagnose as diag
from spaceplan.errors import InputError
from spaceplan.read import read_scenario

#: Exit status by diagnosis status.
EXIT = {"feasible": 0, "infeasible": 2, "unknown": 3}


def _fail(err: InputError) -> None:
    click.echo(f"error: {' '.join(str(err).split())}", err=True)
    sys.exit(1)


@click.command("diagnose")
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--no-repairs", is_flag=True, help="Only prechecks and the conflict."
)
@click.option("--seed", default=0, show_default=True, help="Solver seed.")
def diagnose(
    scenario: str, as_json: bool, no_repairs: bool, seed: int
) -> None:
    """Explain why SCENARIO is infeasible and how to repair it."""
    try:
        sc = read_scenario(Path(scenario))
        found = diag.diagnose(
            sc, repairs=not no_repairs, seed=seed, lang="en"
        )
    except InputError as err:
        _fail(err)
        return
    if as_json:
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_diagnosis(found, Console(file=sys.stdout, highlight=False))
    sys.exit(EXIT.get(found.status, 3))


def print_diagnosis(found: diag.Diagnosis, console: Console) -> None:
    """The diagnosis as text and tables on ``console``."""
    console.print(found.summary, soft_wrap=True)
    if found.prechecks:
        console.print("\n[bold]Prechecks[/bold]")
        for item in found.prechecks:
            source = item["source"]
            tail = "" if source in item["message"] else f" (source: {source})"
            console.print(f"  • {item['message']}{tail}", soft_wrap=True)
    if found.conflict:
        table = Table(title="Minimal conflict: these rules cannot all hold")
        for name in ("rule", "subject", "what it asks", "source"):
            table.add_column(name, overflow="fold")
        for item in found.conflict:
            table.add_row(
                item["rule"],
                item["subject"],
                item["message"],
                item["source"],
            )
        console.print(table)
    if found.repairs:
        table = Table(title="Verified repairs, cheapest first")
        for name in ("#", "cost", "what to change"):
            table.add_column(name, overflow="fold")
        for item in found.repairs:
            table.add_row(
                str(item["rank"]), f"{item['cost']:g}", item["message"]
            )
        console.print(table)
    elif found.status == "infeasible" and found.searched_repairs:
        console.print("No verified repair was found within the budget.")
    feasible = [p["policy"] for p in found.profiles if p.get("feasible")]
    if found.profiles:
        tried = ", ".join(p["policy"] for p in found.profiles)
        console.print(
            "Other profiles of this area type: "
            + (
                f"feasible under {', '.join(feasible)}"
                if feasible
                else f"none feasible (tried {tried})"
            )
            + ".",
            soft_wrap=True,
        )


if __name__ == "__main__":
    diagnose()
