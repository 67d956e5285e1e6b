"""The report of a solve: candidates compared, then each one's compliance.

Single-plan compliance tables come from :mod:`spaceplan.report.plan`; this
module puts a whole :class:`~spaceplan.solution.Result` together: the
objective and its terms per candidate, the comparison side by side with
the functions each candidate moved, and the diagnosis when there is no
plan. Each candidate's compliance comes from the checks it carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spaceplan.data import Scenario
from spaceplan.i18n import (
    Lang,
    aside,
    function_name,
    labelled,
    policy_title,
    t,
)
from spaceplan.report.diagnosis import diagnosis_words
from spaceplan.report.plan import compliance_markdown, target_arithmetic
from spaceplan.report.timetable import comparison_markdown, timetable_markdown
from spaceplan.report.wording import run_words
from spaceplan.report.works import (
    renovated_scenario,
    works_of,
    works_total,
)
from spaceplan.solution import Candidate, Result

_METRICS = (
    "facility_area",
    "resident_area",
    "resident_share",
    "office_area",
    "unused_area",
    "rooms_used",
    "rooms_empty",
)


def metric_value(candidate: Candidate, key: str) -> str:
    """One metric of a candidate, formatted for a table."""
    value = getattr(candidate.metrics, key)
    if key == "resident_share":
        return f"{value:.1%}"
    if isinstance(value, int):
        return str(value)
    return f"{value:,.1f}"


def comparison_rows(
    scenario: Scenario, result: Result, lang: Lang = "zh"
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the candidates side by side."""
    cands = result.candidates
    header = [t("w.candidate", lang), *(c.id for c in cands)]
    rows = [
        [t("m.objective", lang), *(f"{c.objective:,.1f}" for c in cands)],
        [
            t("m.target_area", lang),
            *(f"{c.metrics.target_area:,.1f}" for c in cands),
        ],
    ]
    for key in _METRICS:
        rows.append(
            [t(f"m.{key}", lang), *(metric_value(c, key) for c in cands)]
        )
    rows.append(
        [
            t("w.moved", lang),
            "—",
            *(_moved(scenario, c, lang) for c in cands[1:]),
        ]
    )
    if any(works_of(c) for c in cands):
        rows.append(_works_row(cands, lang))
    return header, rows


def _works_row(candidates: Sequence[Candidate], lang: Lang) -> list[str]:
    """The comparison's row of works cost (CNY), one cell a candidate."""
    return [
        t("works.compare", lang),
        *(f"{works_total(c):,.0f}" for c in candidates),
    ]


def candidate_table(
    candidates: Sequence[Candidate], lang: Lang = "zh"
) -> tuple[list[str], list[list[str]], list[int]]:
    """The candidates one per row: header, cells and failed-check counts.

    The first cell of a row is the candidate id, the last its verdict; the
    drawing set and the HTML report draw this same table. When a
    candidate has renovation works, a column of works cost (CNY) comes
    before the verdict.
    """
    unit = "m²"
    head = [
        t("w.candidate", lang),
        t("m.facility_area", lang) + aside(unit, lang),
        t("m.target_area", lang) + aside(unit, lang),
        t("m.resident_share", lang),
        t("m.office_area", lang) + aside(unit, lang),
        t("m.unused_area", lang) + aside(unit, lang),
        t("m.rooms_used", lang),
        t("m.objective", lang),
        t("d.compliance", lang),
    ]
    rows, failed = [], []
    for c in candidates:
        m = c.metrics
        # Advice never counts against a candidate.
        n = sum(not r.passed and r.strength != "advice" for r in c.checks)
        failed.append(n)
        rows.append(
            [
                c.id,
                f"{m.facility_area:,.1f}",
                f"{m.target_area:,.1f}",
                f"{m.resident_share:.1%}",
                f"{m.office_area:,.1f}",
                f"{m.unused_area:,.1f}",
                str(m.rooms_used),
                f"{c.objective:,.1f}",
                t("d.all_pass", lang) if not n else f"{n} {t('d.n_fail', lang)}",
            ]
        )
    if any(works_of(c) for c in candidates):
        costs = _works_row(candidates, lang)
        head.insert(-1, costs[0])
        for row, cost in zip(rows, costs[1:], strict=True):
            row.insert(-1, cost)
    return head, rows, failed


def _moved(scenario: Scenario, cand: Candidate, lang: Lang) -> str:
    names = [
        function_name(scenario.function(f), lang)
        for f in cand.moved
        if f in scenario.function_index
    ]
    return t("sol.list_sep", lang).join(names)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(x: str) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cell(h) for h in header) + " |"]
    out.append("|" + "---|" * len(header))
    out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def result_markdown(
    scenario: Scenario, result: Result, lang: Lang = "zh"
) -> str:
    """The whole solve report as Markdown."""
    lines = [
        f"# {scenario.name}",
        "",
        "- " + labelled(
            t("w.policy", lang),
            policy_title(scenario.policy, lang)
            + aside(f"`{scenario.policy.id}`", lang),
            lang,
        ),
        "- " + labelled(
            t("w.households", lang),
            f"{scenario.community.households:,}",
            lang,
        ),
        "- " + labelled(
            t("m.target_area", lang), target_arithmetic(scenario, lang), lang
        ),
        "- " + labelled(
            t("w.status", lang),
            t("status." + result.status, lang)
            + aside(run_words(result, lang), lang),
            lang,
        ),
        "- " + labelled(
            t("sol.objective", lang), objective_words(result, lang), lang
        ),
        "",
    ]
    if result.candidates:
        lines += [
            f"## {t('sol.compared', lang)}",
            "",
            _table(*comparison_rows(scenario, result, lang)),
            "",
            _terms_table(result, lang),
            "",
        ]
        for cand in result.candidates:
            body = compliance_markdown(scenario, cand, lang=lang)
            lines += [
                f"## {t('w.candidate', lang)} {cand.id}",
                "",
                comparison_markdown(cand, lang),
                _demote(body),
                "",
                timetable_markdown(
                    renovated_scenario(scenario, cand), cand, lang
                ),
            ]
    else:
        lines += _diagnosis_lines(result.diagnosis, lang)
    return "\n".join(lines).rstrip() + "\n"


def objective_words(result: Result, lang: Lang) -> str:
    """The objective in the report's language."""
    w = result.objective_weights
    if not w:
        return result.objective_description
    # The English entry reads as the solver's objective_description.
    return t(
        "sol.objective_words",
        lang,
        resident=f"{w['resident']:g}",
        office=f"{w['office']:g}",
        unused=f"{w['unused']:g}",
        near=f"{w['near']:g}",
    )


def _terms_table(result: Result, lang: Lang) -> str:
    keys = (
        ("resident_area", "m.resident_area"),
        ("office_area", "m.office_area"),
        ("unused_area", "m.unused_area"),
        ("near_satisfied", "near"),
        ("objective", "m.objective"),
    )
    header = [t("sol.term", lang), *(c.id for c in result.candidates)]
    near = t("sol.near_met", lang)
    rows = []
    for key, word in keys:
        label = near if word == "near" else t(word, lang)
        rows.append(
            [
                label,
                *(
                    f"{c.objective_terms.get(key, 0.0):,.1f}"
                    for c in result.candidates
                ),
            ]
        )
    if any(c.bound is not None for c in result.candidates):
        # The solver's proven bound: no plan of this candidate's solve
        # scores more; equal to the objective when it is optimal.
        rows.append(
            [
                t("sol.bound", lang),
                *(
                    "—" if c.bound is None else f"{c.bound:,.1f}"
                    for c in result.candidates
                ),
            ]
        )
    return _table(header, rows)


def _demote(markdown: str) -> str:
    """Push a sub-report's headings one level down."""
    return "\n".join(
        "#" + line if line.startswith("#") else line
        for line in markdown.splitlines()
    )


def _diagnosis_lines(diagnosis: dict[str, Any] | None, lang: Lang) -> list[str]:
    lines = [f"## {t('sol.diagnosis', lang)}", ""]
    if not diagnosis:
        lines.append(t("sol.no_diagnosis", lang))
        return lines
    words = diagnosis_words(diagnosis, lang)
    if words.summary:
        lines += [words.summary, ""]
    for block in words.blocks:
        lines += [f"### {block.title}", ""]
        if block.head:
            lines.append(_table(block.head, block.rows))
        else:
            lines += [f"- {row[0]}" for row in block.rows]
        lines.append("")
    lines += [*words.notes, ""] if words.notes else []
    return lines

