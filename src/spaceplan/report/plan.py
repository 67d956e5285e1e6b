"""Compliance reports of one plan: Markdown, JSON and a terminal table.

Every report is built from an :class:`~spaceplan.check.Audit` (the
checker's verdict, rule by rule) and the plan's own measurements
(:func:`~spaceplan.solution.evaluate_plan`); nothing here decides
compliance. A candidate of a result brings its verdict with it (its
``checks``), so it is never checked again here. The functions take one
plan; :mod:`spaceplan.report.solve` puts a whole result together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from spaceplan import __version__, rules
from spaceplan.check import (
    FUNCTION_RULES,
    Audit,
    Row,
    Violation,
    audit,
)
from spaceplan.data import Room, Scenario
from spaceplan.i18n import (
    Lang,
    aside,
    floor_name,
    function_name,
    labelled,
    listing,
    policy_title,
    t,
)
from spaceplan.report.wording import (
    accounting_lines,
    flex_warning,
    format_margin,
    format_value,
    row_sentence,
    row_source,
    row_value,
    share_lines,
    strength_word,
    target_arithmetic,
    verdict_line,
    verdict_word,
)
from spaceplan.report.works import (
    renovated_scenario,
    works_json,
    works_markdown,
)
from spaceplan.sentences import source_words
from spaceplan.solution import (
    SCHEMA_VERSION,
    Candidate,
    Plan,
    PlanEvaluation,
    evaluate_plan,
)

#: Rules the documents state but spaceplan cannot check from a plan.
NOT_CHECKED = ("open_hours",)


def _unpack(plan: Plan | Candidate) -> tuple[Plan, str | None]:
    if isinstance(plan, Candidate):
        return plan.plan, plan.id
    return plan, None


def plan_audit(
    scenario: Scenario, plan: Plan | Candidate, audit_: Audit | None = None
) -> Audit:
    """The checker's verdict on ``plan``, checking only when none is known.

    Parameters
    ----------
    scenario
        The resolved scenario.
    plan
        A plan, or a candidate that carries its checks.
    audit_
        The audit when the caller has it.

    Returns
    -------
    Audit
        ``audit_``; else the candidate's own check records as rows (the
        function and room of a row come from its subject, ``f`` or
        ``f@room``, and the plan); else the checker's audit of the plan.
    """
    if audit_ is not None:
        return audit_
    if not isinstance(plan, Candidate) or not plan.checks:
        return audit(scenario, _unpack(plan)[0])
    placed = plan.plan.function_rooms
    out = Audit(advice_hard=scenario.advice_hard)
    for rec in plan.checks:
        function: str | None = None
        room: str | None = None
        if rec.subject != "facility":
            function, _, room_id = rec.subject.partition("@")
            if room_id:
                room = room_id
            elif rec.rule == "placed":
                room = next(iter(placed.get(function, ())), None)
        out.add(
            Row(
                rec.rule,
                rec.subject,
                rec.source,
                rec.required,
                rec.achieved,
                rec.passed,
                rec.description,
                margin=rec.margin,
                function=function,
                room=room,
                strength=rec.strength,
                items=rec.items,
                key=rec.key,
                fields=rec.fields,
            )
        )
    return out


def _room(scenario: Scenario, plan: Plan | Candidate, room_id: str) -> Room:
    """A room of the building, or one the plan's works made (a split
    part may stay empty)."""
    if room_id in scenario.building.room_index:
        return scenario.room(room_id)
    return renovated_scenario(scenario, plan).room(room_id)


def _function_label(scenario: Scenario, row: Row, lang: Lang) -> str:
    fid = row.function
    if row.subject == "facility":
        return t("face.check.group.facility", lang)
    if fid is None or fid not in scenario.function_index:
        return row.subject
    name = function_name(scenario.function(fid), lang)
    return f"{name} @ {row.room}" if row.room else name


def _split(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    facility = [r for r in rows if r.subject == "facility"]
    functions = [r for r in rows if r.subject != "facility"]
    return facility, functions


def _facility_arithmetic(
    scenario: Scenario, ev: PlanEvaluation, lang: Lang
) -> str:
    rooms = " + ".join(
        f"{u.room} {u.area if u.building_area is None else u.building_area:g}"
        for u in ev.rooms
    ) or "0"
    text = f"{t('rep.facility_sum', lang)} = {rooms}"
    if scenario.policy.accounting.shared_space == "include":
        text += f" + {t('rep.circulation', lang)} {ev.metrics.circulation_area:g}"
    return f"{text} = {ev.metrics.facility_area:,.2f} m²"


# ------------------------------------------------------------------ JSON


def compliance_json(
    scenario: Scenario,
    plan: Plan | Candidate,
    audit_: Audit | None = None,
    lang: Lang = "zh",
) -> dict[str, Any]:
    """The compliance report of one plan as a JSON-ready mapping.

    Parameters
    ----------
    scenario
        The resolved scenario.
    plan
        The plan, or a candidate of a result.
    audit_
        The checker's audit of ``plan``; when None, a candidate's own
        checks, else the checker's audit now.
    lang
        Language of the words (accounting, arithmetic); rule
        descriptions are the checker's.

    Returns
    -------
    dict
        ``compliant``, ``checks`` (one per rule, with source, required,
        achieved, margin and passed), ``violations``, ``accounting``,
        ``area_target``, ``metrics``, ``rooms``, ``empty_rooms`` and
        ``not_checked``; for a plan with renovation works also ``works``
        and ``works_cost`` (CNY).
    """
    the_plan, cand_id = _unpack(plan)
    result = plan_audit(scenario, plan, audit_)
    ev = evaluate_plan(scenario, the_plan)
    policy = scenario.policy
    target = rules.area_target(policy, scenario.community)
    checks = []
    for row in result.rows:
        record = row.record().model_dump(mode="json")
        record.update(
            function=row.function,
            room=row.room,
            words=row_sentence(scenario, row, lang),
        )
        checks.append(record)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "spaceplan",
        "version": __version__,
        "scenario": {
            "name": scenario.name,
            "sha256": scenario.sha256,
            "policy": policy.id,
        },
        "candidate": cand_id,
        "lang": lang,
        "compliant": result.compliant,
        "accounting": {
            **policy.accounting.model_dump(mode="json"),
            "words": accounting_lines(scenario, lang),
        },
        "area_target": {
            "target": target.m2,
            "minimum": (
                None
                if target.minimum_units is None
                else rules.to_m2(target.minimum_units)
            ),
            "per_household": (
                None
                if target.per_household_units is None
                else rules.to_m2(target.per_household_units)
            ),
            "per_100_households": policy.area_target.per_100_households,
            "households": scenario.community.households,
            "binding": target.binding,
            "arithmetic": target_arithmetic(scenario, lang),
            "source": source_words(policy.area_target.source, lang),
        },
        "metrics": ev.metrics.model_dump(mode="json"),
        "checks": checks,
        "violations": [
            {
                "rule": v.rule,
                "message": v.message,
                "words": row_sentence(scenario, v, lang),
                "function": v.function,
                "room": v.room,
                "source": source_words(v.source, lang),
            }
            for v in result.violations
        ],
        "shares": share_lines(scenario, ev.metrics, lang),
        "flex_warning": flex_warning(ev.metrics, lang),
        "advice_hard": scenario.advice_hard,
        "advice_not_followed": [
            {
                "rule": r.rule,
                "subject": r.subject,
                "items": r.items,
                "description": r.description,
                "words": row_sentence(scenario, r, lang),
                "source": source_words(r.source, lang),
            }
            for r in result.advice_not_followed
        ],
        "rooms": [u.model_dump(mode="json") for u in ev.rooms],
        "empty_rooms": [
            {"room": r, "area": _room(scenario, plan, r).area}
            for r in ev.empty_rooms
        ],
        "not_checked": [
            {"rule": rule, "description": t("rep." + rule, lang)}
            for rule in NOT_CHECKED
        ],
        **works_json(plan),
    }


# -------------------------------------------------------------- Markdown


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = [
        "| " + " | ".join(_md_cell(h) for h in header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _row_cells(scenario: Scenario, row: Row, lang: Lang) -> list[str]:
    word = verdict_word(row.passed, lang)
    return [
        strength_word(row.rule, row.strength, row.source, lang),
        row_value(scenario, row, "required", lang),
        row_value(scenario, row, "achieved", lang),
        format_margin(row.rule, row.margin, lang),
        word if row.passed else f"**{word}**",
        row_source(row, lang),
    ]


def compliance_markdown(
    scenario: Scenario,
    plan: Plan | Candidate,
    audit_: Audit | None = None,
    lang: Lang = "zh",
) -> str:
    """The compliance report of one plan as Markdown.

    Parameters
    ----------
    scenario
        The resolved scenario.
    plan
        The plan, or a candidate of a result.
    audit_
        The checker's audit of ``plan``; when None, a candidate's own
        checks, else the checker's audit now.
    lang
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
        The report: verdict, accounting, area target arithmetic, metrics,
        every facility rule and function requirement with source,
        required, achieved, margin and result, the violations, the rooms
        in and out of the facility, and the rules not checked; a plan
        with renovation works lists them after the verdict.
    """
    the_plan, cand_id = _unpack(plan)
    result = plan_audit(scenario, plan, audit_)
    ev = evaluate_plan(scenario, the_plan)
    policy = scenario.policy
    head = "# " + labelled(t("rep.title", lang), scenario.name, lang)
    if cand_id is not None:
        head += f" — {t('w.candidate', lang)} {cand_id}"
    out = [head, ""]
    out.append(
        "- " + labelled(
            t("w.policy", lang),
            f"`{policy.id}` {policy_title(policy, lang)}"
            + aside(source_words(policy.source, lang), lang),
            lang,
        )
    )
    out.append(
        "- " + labelled(
            t("w.households", lang),
            f"{scenario.community.households:,}",
            lang,
        )
    )
    out.append(
        "- " + labelled(
            t("rep.verdict", lang), f"**{verdict_line(result, lang)}**", lang
        )
    )
    works = works_markdown(plan, lang)
    if works:
        out += ["", *works[:-1]]
    out += ["", f"## {t('rep.accounting', lang)}", ""]
    out += [f"- {line}" for line in accounting_lines(scenario, lang)]
    out += ["", f"## {t('rep.target', lang)}", ""]
    out.append(f"- {target_arithmetic(scenario, lang)}")
    out.append(f"- {_facility_arithmetic(scenario, ev, lang)}")
    out += ["", f"## {t('rep.metrics', lang)}", ""]
    m = ev.metrics
    metric_rows = [
        (t("m.target_area", lang), f"{m.target_area:,.2f} m²"),
        (t("m.facility_area", lang), f"{m.facility_area:,.2f} m²"),
        (t("m.resident_area", lang), f"{m.resident_area:,.2f} m²"),
        (t("m.resident_share", lang), f"{m.resident_share:.1%}"),
        (t("m.office_area", lang), f"{m.office_area:,.2f} m²"),
        (t("m.unused_area", lang), f"{m.unused_area:,.2f} m²"),
        (t("m.circulation_area", lang), f"{m.circulation_area:,.2f} m²"),
        (t("m.rooms_used", lang), str(m.rooms_used)),
        (t("m.rooms_empty", lang), str(m.rooms_empty)),
    ]
    out.append(_md_table(("", ""), metric_rows))
    out += ["", f"## {t('share.heading', lang)}", ""]
    out += [f"- {line}" for line in share_lines(scenario, m, lang)]
    warning = flex_warning(m, lang)
    if warning:
        out += ["", f"> {warning}"]
    facility_rows, function_rows = _split(result.rows)
    cols = [
        t(k, lang)
        for k in (
            "w.strength", "w.required", "w.achieved", "w.margin", "w.result"
        )
    ] + [t("w.source", lang)]
    out += ["", f"## {t('rep.facility_rules', lang)}", ""]
    out.append(
        _md_table(
            [t("w.rule", lang), *cols],
            [
                [t(f"r.{r.rule}", lang), *_row_cells(scenario, r, lang)]
                for r in facility_rows
            ],
        )
    )
    out += ["", f"## {t('rep.function_rules', lang)}", ""]
    order = {rule: i for i, rule in enumerate(FUNCTION_RULES)}
    index = scenario.function_index
    function_rows.sort(
        key=lambda r: (
            index.get(r.function or "", len(index)),
            order.get(r.rule, len(order)),
        )
    )
    out.append(
        _md_table(
            [t("rep.function", lang), t("w.rule", lang), *cols],
            [
                [
                    _function_label(scenario, r, lang),
                    t(f"r.{r.rule}", lang),
                    *_row_cells(scenario, r, lang),
                ]
                for r in function_rows
            ],
        )
    )
    out += ["", f"## {t('rep.violations', lang)}", ""]
    if result.violations:
        out += [
            f"- {row_sentence(scenario, v, lang)}"
            + aside(row_source(v, lang), lang)
            for v in result.violations
        ]
    else:
        out.append(f"- {t('rep.none', lang)}")
    out += ["", f"## {t('rep.advice_heading', lang)}", ""]
    if scenario.advice_hard:
        out.append(t("rep.advice_hard", lang))
    advice = result.advice_not_followed
    if advice:
        out += [t("rep.advice_intro", lang), ""]
        out += [
            f"- {row_sentence(scenario, r, lang)}"
            + aside(row_source(r, lang), lang)
            for r in advice
        ]
    else:
        out.append(f"- {t('rep.none', lang)}")
    out += ["", f"## {t('rep.rooms', lang)}", ""]
    out.append(
        _md_table(
            [
                t("w.room", lang),
                t("w.floor", lang),
                t("w.area", lang),
                t("w.functions", lang),
                t("rep.resident_area", lang),
                t("rep.peak_use", lang),
            ],
            [
                [
                    u.room,
                    u.floor,
                    f"{u.area:,.2f} m²",
                    listing(
                        (
                            function_name(scenario.function(f), lang)
                            for f in u.functions
                        ),
                        lang,
                    ),
                    f"{u.resident_area:,.2f} m²",
                    f"{u.peak_use:,.2f} m²",
                ]
                for u in ev.rooms
            ],
        )
    )
    out += ["", f"## {t('rep.empty', lang)}", ""]
    if ev.empty_rooms:
        for rid in ev.empty_rooms:
            room = _room(scenario, plan, rid)
            out.append(
                f"- {rid}" + aside(f"{room.area:,.2f} m², {room.floor}", lang)
            )
    else:
        out.append(f"- {t('rep.none', lang)}")
    out += ["", f"## {t('rep.not_checked', lang)}", ""]
    out += [f"- {t('rep.' + rule, lang)}" for rule in NOT_CHECKED]
    return "\n".join(out) + "\n"


# -------------------------------------------------------------- terminal


def compliance_table(
    audit_: Audit, lang: Lang = "zh", scenario: Scenario | None = None
) -> Table:
    """Every row of an audit as a rich table; failures in red.

    Parameters
    ----------
    audit_
        The checker's audit.
    lang
        ``"zh"`` or ``"en"``.
    scenario
        When given, functions are shown by name rather than id.

    Returns
    -------
    rich.table.Table
        Columns rule, subject, required, achieved, margin, result, source.
    """
    table = Table(title=t("rep.title", lang), show_lines=False)
    for key in (
        "w.rule",
        "w.subject",
        "w.strength",
        "w.required",
        "w.achieved",
        "w.margin",
        "w.result",
        "w.source",
    ):
        if key in ("w.achieved", "w.margin"):
            table.add_column(t(key, lang), justify="right")
        else:
            table.add_column(t(key, lang))
    def value(row: Row, which: str) -> str:
        if scenario is None:
            return format_value(row.rule, getattr(row, which))
        return row_value(scenario, row, which, lang)

    for row in audit_.rows:
        subject = (
            _function_label(scenario, row, lang)
            if scenario is not None
            else row.subject
        )
        # Failed advice is shown, but never as a failure of the plan.
        style = (
            "" if row.passed else "yellow" if row.advice else "bold red"
        )
        table.add_row(
            t(f"r.{row.rule}", lang),
            subject,
            strength_word(row.rule, row.strength, row.source, lang),
            value(row, "required"),
            value(row, "achieved"),
            format_margin(row.rule, row.margin, lang),
            Text(verdict_word(row.passed, lang), style=style or "green"),
            source_words(row.source, lang),
            style=style or None,
        )
    return table


# ------------------------------------------------------------ failures

#: Rules whose failure the architect mends in the room (who shares it);
#: the others by moving the function, or in the facility as a whole.
_ROOM_RULES = (
    "min_area",
    "exclusive",
    "never_with",
    "flexible_alone",
    "advice_exclusive",
    "advice_never_with",
)


def _group_of(scenario: Scenario, row: Row | Violation) -> tuple[str, str]:
    if row.function is None and row.room is None:
        return ("facility", "")
    if row.rule in _ROOM_RULES and row.room in scenario.building.room_index:
        return ("room", row.room or "")
    if row.function in scenario.function_index:
        return ("function", row.function or "")
    return ("room", row.room or "")


def _group_head(
    scenario: Scenario, group: tuple[str, str], lang: Lang
) -> str:
    kind, ident = group
    if kind == "facility":
        return t("face.check.group.facility", lang)
    if kind == "function":
        name = function_name(scenario.function(ident), lang)
        return t("face.check.group.function", lang, name=name)
    if ident not in scenario.building.room_index:
        return ident
    room = scenario.room(ident)
    return t(
        "face.check.group.room",
        lang,
        room=room.id,
        floor=floor_name(room.floor, lang),
        area=room.area,
    )


def _grouped(
    scenario: Scenario, rows: Sequence[Row | Violation], lang: Lang
) -> list[str]:
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        item = t(
            "face.check.item",
            lang,
            text=row_sentence(scenario, row, lang),
            source=row_source(row, lang),
        )
        groups.setdefault(_group_of(scenario, row), []).append(item)
    lines: list[str] = []
    for group, items in groups.items():
        lines.append(_group_head(scenario, group, lang))
        lines += list(dict.fromkeys(items))
    return lines


def failure_lines(
    scenario: Scenario, audit_: Audit, lang: Lang = "zh"
) -> list[str]:
    """What ``spaceplan check`` prints by default: the failures only.

    Parameters
    ----------
    scenario
        The resolved scenario.
    audit_
        The checker's audit of the plan.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    list of str
        A head line; the rules not met, grouped by what the architect
        would change (the facility, a room and who shares it, a
        function's placement), one sentence each with its source; the
        advice not followed, apart; and the verdict, whose count is the
        number of sentences under the rules not met.
    """
    policy = scenario.policy
    lines = [
        t(
            "face.check.head",
            lang,
            scenario=scenario.name,
            title=policy_title(policy, lang),
            id=policy.id,
        )
    ]
    if audit_.violations:
        lines += ["", t("face.check.failures", lang)]
        lines += _grouped(scenario, audit_.violations, lang)
    advice = [] if audit_.advice_hard else audit_.advice_not_followed
    if advice:
        lines += ["", t("face.check.advice", lang)]
        lines += _grouped(scenario, advice, lang)
    lines += ["", verdict_line(audit_, lang)]
    return lines
