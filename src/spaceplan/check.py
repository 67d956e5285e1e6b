"""The independent checker: does a plan comply? No solver involved.

:func:`audit` walks every facility rule and every function's requirements
and returns one row per rule with its source, the required and achieved
values, the margin and a verdict — the compliance report. The failing
rows, worded for an architect, are the :class:`Violation` list of
:func:`check_solution`, the one authority on feasibility.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spaceplan import rules
from spaceplan.data import Function, Room, Scenario
from spaceplan.i18n import Lang, t
from spaceplan.solution import Candidate, CheckRecord, Plan, evaluate_plan

#: The profile's rule ids, in report order.
FACILITY_RULES = ("area_target", "resident_share")
FUNCTION_RULES = (
    "placed",
    "host_kind",
    "min_area",
    "needs",
    "floors",
    "exclusive",
    "never_with",
    "flexible_alone",
)


@dataclass(frozen=True)
class Violation:
    """A broken rule, worded for an architect."""

    rule: str
    message: str
    function: str | None = None
    room: str | None = None
    source: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Row:
    """One line of the compliance report."""

    rule: str
    subject: str
    source: str
    required: float | str | None
    achieved: float | str | None
    passed: bool
    description: str
    margin: float | None = None
    function: str | None = None
    room: str | None = None

    def record(self) -> CheckRecord:
        """As stored in ``result.json``."""
        return CheckRecord(
            rule=self.rule,
            subject=self.subject,
            source=self.source,
            required=self.required,
            achieved=self.achieved,
            margin=self.margin,
            passed=self.passed,
            description=self.description,
        )


@dataclass
class Audit:
    """Every rule checked: the rows of the report and the violations."""

    rows: list[Row] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        """Whether no rule failed."""
        return not self.violations

    def add(self, row: Row, message: str | None = None) -> None:
        """Record a row; a failed row also becomes a violation."""
        self.rows.append(row)
        text = message or row.description
        # A room too small for two functions fails both functions' rows,
        # but the architect needs to read it once.
        if not row.passed and all(
            v.message != text for v in self.violations
        ):
            self.violations.append(
                Violation(
                    rule=row.rule,
                    message=message or row.description,
                    function=row.function,
                    room=row.room,
                    source=row.source,
                )
            )


def check_solution(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every rule ``plan`` breaks in ``scenario``; empty when it complies."""
    return audit(scenario, plan).violations


def audit(scenario: Scenario, plan: Plan) -> Audit:
    """Check every facility rule and function requirement of ``plan``."""
    result = Audit()
    _check_ids(scenario, plan, result)
    _check_facility(scenario, plan, result)
    for function in scenario.functions:
        _check_function(scenario, plan, function, result)
    return result


def checked_candidate(
    scenario: Scenario,
    plan: Plan,
    candidate_id: str = "A",
    *,
    found: Audit | None = None,
    objective: float = 0.0,
    bound: float | None = None,
    objective_terms: dict[str, float] | None = None,
    moved: tuple[str, ...] = (),
) -> Candidate:
    """A plan as a checked :class:`~spaceplan.solution.Candidate`.

    The one place a candidate is made: the solver engine and
    ``spaceplan check`` both call it, and reports read its ``checks``
    instead of checking again.

    Parameters
    ----------
    scenario
        The resolved scenario.
    plan
        The plan to check.
    candidate_id
        The candidate's label (``A``, ``B``, ...).
    found
        The audit of ``plan`` when the caller has it already; made here
        otherwise.
    objective, bound, objective_terms, moved
        What the solver knows about the plan (a hand plan has none).

    Returns
    -------
    Candidate
        Its measurements and one check record per rule row.
    """
    rows = (audit(scenario, plan) if found is None else found).rows
    ev = evaluate_plan(scenario, plan)
    return Candidate(
        id=candidate_id,
        objective=objective,
        bound=bound,
        objective_terms=objective_terms or {},
        assignments=plan.assignments,
        rooms=ev.rooms,
        empty_rooms=ev.empty_rooms,
        metrics=ev.metrics,
        checks=tuple(row.record() for row in rows),
        moved=moved,
    )


# ----------------------------------------------------------------- facility


def _check_ids(scenario: Scenario, plan: Plan, out: Audit) -> None:
    for a in plan.assignments:
        if a.function not in scenario.function_index:
            out.add(
                Row(
                    "placed", a.function, "scenario", "a known function",
                    a.function, False,
                    f"The plan names function '{a.function}', which is "
                    "not a function of this scenario.",
                    function=a.function, room=a.room,
                )
            )
        if a.room not in scenario.building.room_index:
            out.add(
                Row(
                    "host_kind", a.room, "scenario", "a known room",
                    a.room, False,
                    f"The plan names room '{a.room}', which is not in "
                    "the building.",
                    function=a.function, room=a.room,
                )
            )


def _check_facility(scenario: Scenario, plan: Plan, out: Audit) -> None:
    policy = scenario.policy
    ev = evaluate_plan(scenario, plan)
    target = rules.area_target(policy, scenario.community)
    if target.binding != "none":
        fac = ev.facility_units
        term = _target_words(scenario)
        passed = fac >= target.units
        out.add(
            Row(
                "area_target", "facility", policy.area_target.source,
                target.m2, rules.to_m2(fac), passed,
                (
                    f"Facility area {rules.to_m2(fac):,.2f} m² reaches the "
                    f"target of {target.m2:,.2f} m² ({term})."
                    if passed
                    else f"Facility area {rules.to_m2(fac):,.2f} m² is "
                    f"below the target of {target.m2:,.2f} m² ({term}): "
                    f"{rules.to_m2(target.units - fac):,.2f} m² short."
                ),
                margin=rules.to_m2(fac - target.units),
            )
        )
    share_min = policy.resident_share_min
    if share_min is not None:
        res, fac = ev.resident_units, ev.facility_units
        share = rules.share_of(res, fac)
        passed = fac > 0 and rules.share_met(res, fac, share_min)
        need = rules.resident_needed(fac, share_min)
        mode = policy.accounting.shared_rooms
        out.add(
            Row(
                "resident_share", "facility", policy.resident_share_source,
                share_min, round(share, 4), passed,
                (
                    f"Resident-activity area {rules.to_m2(res):,.2f} m² is "
                    f"{share:.1%} of the facility's "
                    f"{rules.to_m2(fac):,.2f} m² (at least "
                    f"{share_min:.0%}; '{mode}' accounting)."
                    if passed
                    else f"Resident-activity area {rules.to_m2(res):,.2f} "
                    f"m² is only {share:.1%} of the facility's "
                    f"{rules.to_m2(fac):,.2f} m²; at least {share_min:.0%} "
                    f"is required ('{mode}' accounting): "
                    f"{rules.to_m2(need - res):,.2f} m² more resident "
                    "activity needed."
                ),
                margin=round(share - share_min, 4),
            )
        )


def target_terms(scenario: Scenario, lang: Lang = "en") -> list[str]:
    """The terms of the area target, worked out: the one wording of them.

    The checker's sentence, the reports and the diagnosis all use it.

    Parameters
    ----------
    scenario
        The resolved scenario (profile and households).
    lang
        ``"en"`` (the checker's language) or ``"zh"``.

    Returns
    -------
    list of str
        E.g. ``["30 m² per 100 households × 4,200 households =
        1,260.00 m²", "minimum 300 m²"]``; empty with no target.
    """
    rule = scenario.policy.area_target
    target = rules.area_target(scenario.policy, scenario.community)
    terms = []
    if target.per_household_units is not None:
        terms.append(
            t(
                "target.per_household",
                lang,
                per=f"{rule.per_100_households:g}",
                households=f"{scenario.community.households:,}",
                area=f"{rules.to_m2(target.per_household_units):,.2f}",
            )
        )
    if target.minimum_units is not None:
        area = rules.to_m2(target.minimum_units)
        terms.append(t("target.minimum", lang, area=f"{area:,g}"))
    return terms


def _target_words(scenario: Scenario) -> str:
    terms = target_terms(scenario)
    return "; ".join(terms) + (", the larger binds" if len(terms) > 1 else "")


# ---------------------------------------------------------------- functions


def _check_function(
    scenario: Scenario, plan: Plan, f: Function, out: Audit
) -> None:
    rooms = [
        scenario.room(r)
        for r in plan.function_rooms.get(f.id, ())
        if r in scenario.building.room_index
    ]
    if f.flexible:
        for room in rooms:
            _check_room_rules(scenario, plan, f, room, out)
        return
    counts = Counter(r.id for r in rooms)
    placed_ok = len(rooms) == 1
    if not rooms:
        words = f"{f.label} is not placed in any room."
    elif len(rooms) > 1:
        words = (
            f"{f.label} is placed {len(rooms)} times "
            f"({', '.join(sorted(counts))}); it needs exactly one room."
        )
    else:
        words = f"{f.label} is placed in {rooms[0].id}."
    out.add(
        Row(
            "placed", f.id, f.rule_source, 1, len(rooms), placed_ok,
            words, function=f.id,
            room=rooms[0].id if rooms else None,
        )
    )
    for room in dict.fromkeys(rooms):
        _check_room_rules(scenario, plan, f, room, out)


def _check_room_rules(
    scenario: Scenario, plan: Plan, f: Function, room: Room, out: Audit
) -> None:
    here = [
        scenario.function(x)
        for x in plan.room_functions.get(room.id, ())
        if x in scenario.function_index
    ]
    others = [g for g in here if g.id != f.id]
    subject = f"{f.id}@{room.id}"
    kw: dict[str, Any] = {"function": f.id, "room": room.id}
    # Usable room.
    ok = room.hosts_functions
    out.add(
        Row(
            "host_kind", subject, "spec/formats.md §1 (room kind)",
            "room", room.kind, ok,
            f"{f.label} is in {room.id}, a room of kind '{room.kind}'"
            + ("." if ok else "; only rooms of kind 'room' host functions."),
            **kw,
        )
    )
    if f.flexible:
        ok = not others
        out.add(
            Row(
                "flexible_alone", subject, "spec/formats.md §2",
                "alone", _names(others) or "alone", ok,
                f"{f.label} takes {room.id} whole"
                + ("." if ok else f", but {_names(others)} is there too."),
                **kw,
            )
        )
        return
    _check_min_area(scenario, f, room, here, out)
    missing = [t for t in f.needs if t not in room.tags]
    if f.needs:
        out.add(
            Row(
                "needs", subject, f.rule_source, ", ".join(f.needs),
                ", ".join(room.tags) or "none", not missing,
                (
                    f"{f.label} needs {', '.join(f.needs)}; {room.id} "
                    + (
                        "has them."
                        if not missing
                        else f"lacks {', '.join(missing)}."
                    )
                ),
                **kw,
            )
        )
    if f.floors is not None:
        ok = f.floors.allows(room.floor)
        out.add(
            Row(
                "floors", subject, f.rule_source, _floor_words(f),
                room.floor, ok,
                f"{f.label} may be on floors {_floor_words(f)}; "
                f"{room.id} is on floor {room.floor}.",
                **kw,
            )
        )
    if f.exclusive:
        ok = not others
        out.add(
            Row(
                "exclusive", subject, f.rule_source, "alone",
                _names(others) or "alone", ok,
                f"{f.label} needs {room.id} to itself"
                + (
                    "."
                    if ok
                    else f", but shares it with {_names(others)}."
                ),
                **kw,
            )
        )
    banned = [
        g
        for g in others
        if g.id in f.never_with or f.id in g.never_with
    ]
    if f.never_with or banned:
        for g in banned:
            # Report each banned pair once: from the function that names
            # the ban (the first by id when both do).
            if g.id in f.never_with and (
                f.id not in g.never_with or f.id < g.id
            ):
                out.add(
                    Row(
                        "never_with", subject, f.rule_source,
                        f"not with {g.id}", g.id, False,
                        f"{f.label} may not share {room.id} with "
                        f"{g.label}.",
                        **kw,
                    )
                )
        if not banned:
            out.add(
                Row(
                    "never_with", subject, f.rule_source,
                    "not with " + ", ".join(f.never_with), "none", True,
                    f"{f.label} shares {room.id} with none of "
                    f"{', '.join(f.never_with)}.",
                    **kw,
                )
            )


def _check_min_area(
    scenario: Scenario,
    f: Function,
    room: Room,
    here: list[Function],
    out: Audit,
) -> None:
    slots = scenario.slots
    fixed = [g for g in here if not g.flexible]
    loads = rules.slot_loads(fixed, slots)
    area = rules.to_units(room.area)
    mine = f.active_slots(slots)
    worst = max((loads[s] for s in mine), default=0)
    over = {s: loads[s] for s in mine if loads[s] > area}
    ok = not over
    subject = f"{f.id}@{room.id}"
    if ok:
        shared = [g for g in fixed if g.id != f.id]
        words = (
            f"{f.label} needs {f.min_area:g} m²; {room.id} has "
            f"{room.area:g} m²"
            + (
                f" and at most {rules.to_m2(worst):g} m² is in use in "
                "any of its slots."
                if shared
                else "."
            )
        )
    else:
        slot, load = max(over.items(), key=lambda kv: kv[1])
        together = [
            g.label for g in fixed if slot in g.active_slots(slots)
        ]
        words = (
            f"{room.id} ({room.area:g} m²) is too small in slot {slot}: "
            f"{' + '.join(together)} need {rules.to_m2(load):g} m² "
            "together."
            if len(together) > 1
            else f"{f.label} needs {f.min_area:g} m², but {room.id} has "
            f"only {room.area:g} m²."
        )
    out.add(
        Row(
            "min_area", subject, f.area_source, f.min_area,
            room.area, ok, words,
            margin=rules.to_m2(area - worst), function=f.id, room=room.id,
        )
    )


def _names(functions: list[Function]) -> str:
    return ", ".join(g.label for g in functions)


def _floor_words(f: Function) -> str:
    assert f.floors is not None
    lo, hi = f.floors.min, f.floors.max
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    if lo is not None:
        return f"{lo} and above"
    return f"up to {hi}"
