"""The independent checker: does a plan comply? No solver involved.

:func:`audit` walks every facility rule and every function's requirements
and returns one row per rule with its strength (``law``, ``standard``,
``advice``), its source, the required and achieved values, the margin and
a verdict — the compliance report. A plan complies when every row that is
not advice passes (with ``options.advice: hard``, every row). The failing
deciding rows, worded for an architect, are the :class:`Violation` list of
:func:`check_solution`, the one authority on feasibility; the failing
advice rows are the advice not followed (:func:`advice_unmet`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from spaceplan import decisions, rules, timetable
from spaceplan.data import Function, Room, Scenario
from spaceplan.i18n import Lang, t
from spaceplan.solution import Candidate, CheckRecord, Plan, evaluate_plan
from spaceplan.timecheck import TIME_RULES, check_time

#: The profile's rule ids, in report order.
FACILITY_RULES = ("area_target", "resident_share", "flex_programme")
FUNCTION_RULES = (
    *("placed", "host_kind", "min_area", "needs", "floors", "exclusive"),
    *("never_with", "flexible_alone"),
    *(f"advice_{k}" for k in ("needs", "floors", "exclusive", "never_with")),
    "advice_area",
    *TIME_RULES,
)
#: Added to a failed advisory facility rule (a recommended figure).
_ADVISORY = " The profile makes this figure a recommendation: it complies."
#: Source of the rules that keep a plan well formed.
FORMAT_SOURCE = "spaceplan scenario format: room kinds and the flexible room"


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
    strength: str = "law"
    #: Unmet advice items this row stands for (formats.md §4).
    items: int = 1

    @property
    def advice(self) -> bool:
        """Whether the row is advice (never decides compliance)."""
        return self.strength == "advice"

    def record(self) -> CheckRecord:
        """As stored in ``result.json``."""
        return CheckRecord(
            rule=self.rule,
            subject=self.subject,
            strength=self.strength,
            source=self.source,
            required=self.required,
            achieved=self.achieved,
            margin=self.margin,
            passed=self.passed,
            description=self.description,
            items=self.items,
        )


@dataclass
class Audit:
    """Every rule checked: the rows of the report and the violations."""

    rows: list[Row] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    advice_hard: bool = False
    #: The plan's timetable, worked out once for every room's rules.
    week: timetable.Timetable = field(default_factory=dict)

    @property
    def compliant(self) -> bool:
        """Whether every deciding rule passed."""
        return not self.violations

    @property
    def advice_not_followed(self) -> list[Row]:
        """The failed advice rows, in report order."""
        return [r for r in self.rows if r.advice and not r.passed]

    @property
    def advice_unmet(self) -> int:
        """Unmet advice items the solver pays ``advice_weight`` for: not
        the facility-level ones (an advisory target, the flex warning)."""
        return sum(
            r.items
            for r in self.advice_not_followed
            if r.subject != "facility"
        )

    def add(self, row: Row, message: str | None = None) -> None:
        """Record a row; a failed deciding row also becomes a violation."""
        self.rows.append(row)
        text = message or row.description
        deciding = not row.advice or self.advice_hard
        # A room too small for two functions fails both functions' rows,
        # but the architect needs to read it once.
        if deciding and not row.passed and all(
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
    """Every rule ``plan`` breaks in ``scenario``; empty when it complies.

    Advice never appears here unless the run makes it hard
    (``options.advice: hard``).
    """
    return audit(scenario, plan).violations


def advice_unmet(scenario: Scenario, plan: Plan) -> int:
    """How many advice items ``plan`` leaves unmet."""
    return audit(scenario, plan).advice_unmet


def audit(scenario: Scenario, plan: Plan) -> Audit:
    """Check every facility rule and function requirement of ``plan``."""
    result = Audit(
        advice_hard=scenario.advice_hard,
        week=timetable.plan_timetable(scenario, plan),
    )
    _check_ids(scenario, plan, result)
    _check_facility(scenario, plan, result)
    for function in scenario.functions:
        _check_function(scenario, plan, function, result)
    check_time(scenario, plan, lambda **row: result.add(Row(**row)))
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
    found = audit(scenario, plan) if found is None else found
    rows = found.rows
    ev = evaluate_plan(scenario, plan)
    return Candidate(
        id=candidate_id,
        objective=objective,
        bound=bound,
        objective_terms=objective_terms or {},
        assignments=plan.assignments,
        rooms=ev.rooms,
        empty_rooms=ev.empty_rooms,
        metrics=ev.metrics.replace(advice_unmet=found.advice_unmet),
        checks=tuple(row.record() for row in rows),
        moved=moved,
        timetable=timetable.plan_timetable(scenario, plan),
        tiebreak=asdict(decisions.tiebreak(scenario, plan)),
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
    fac = ev.facility_units
    if target.binding != "none":
        term = _target_words(scenario)
        passed = target.met(fac)
        least = target.least_units
        if target.high_units is not None and fac > target.high_units:
            words = (
                f"Facility area {rules.to_m2(fac):,.2f} m² is above the "
                f"band of about {target.m2:,.0f} m² ({term}): "
                f"{rules.to_m2(fac - target.high_units):,.2f} m² over."
            )
        elif passed:
            words = (
                f"Facility area {rules.to_m2(fac):,.2f} m² reaches the "
                f"target of {rules.to_m2(least):,.2f} m² ({term})."
            )
        else:
            words = (
                f"Facility area {rules.to_m2(fac):,.2f} m² is below the "
                f"target of {rules.to_m2(least):,.2f} m² ({term}): "
                f"{rules.to_m2(least - fac):,.2f} m² short."
            )
        if not passed and policy.area_target.strength == "advice":
            words += _ADVISORY
        out.add(
            Row(
                "area_target", "facility", policy.area_target.source,
                rules.to_m2(least), rules.to_m2(fac), passed, words,
                margin=rules.to_m2(fac - least),
                strength=policy.area_target.strength,
            )
        )
    share_min = policy.resident_share_min
    if share_min is not None:
        res = ev.resident_units
        share = rules.share_of(res, fac)
        passed = fac > 0 and rules.share_met(res, fac, share_min)
        need = rules.resident_needed(fac, share_min)
        mode = policy.accounting.shared_rooms
        words = (
            f"Resident-activity area {rules.to_m2(res):,.2f} m² is "
            f"{share:.1%} of the facility's {rules.to_m2(fac):,.2f} m² "
            f"(at least {share_min:.0%}; '{mode}' accounting)."
            if passed
            else f"Resident-activity area {rules.to_m2(res):,.2f} m² is "
            f"only {share:.1%} of the facility's {rules.to_m2(fac):,.2f} "
            f"m²; at least {share_min:.0%} is required ('{mode}' "
            f"accounting): {rules.to_m2(need - res):,.2f} m² more "
            "resident activity needed."
        )
        if not passed and policy.resident_share_strength == "advice":
            words += _ADVISORY
        out.add(
            Row(
                "resident_share", "facility", policy.resident_share_source,
                share_min, round(share, 4), passed, words,
                margin=round(share - share_min, 4),
                strength=policy.resident_share_strength,
            )
        )
    if scenario.flexible_function is not None:
        flex = ev.flex_units
        carries = ev.metrics.flex_carries
        label = scenario.flexible_function.label
        out.add(
            Row(
                "flex_programme", "facility",
                "spaceplan default: a programme carried by the flexible "
                "room alone is thin",
                "named rooms carry the programme",
                rules.to_m2(flex), not carries,
                (
                    f"{label} alone takes {rules.to_m2(flex):,.2f} m² and "
                    "carries the resident share or more than half the "
                    "area target: the named function rooms are a thin "
                    "programme for this building."
                    if carries
                    else f"{label} takes {rules.to_m2(flex):,.2f} m²."
                ),
                strength="advice",
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
        if rule.tolerance:
            terms.append(
                t(
                    "target.about",
                    lang,
                    area=f"{area:,g}",
                    tolerance=f"{rule.tolerance:.0%}",
                )
            )
        else:
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
    soft = f.recommended and len(rooms) <= 1
    if soft and not rooms:
        words = f"{f.label} is recommended but not placed."
    out.add(
        Row(
            "placed", f.id, f.rule_source, 1, len(rooms),
            placed_ok, words, function=f.id,
            room=rooms[0].id if rooms else None,
            strength="advice" if soft else f.strength,
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
    # Capacity reads the slots the timetable books, not the profile's.
    here = timetable.booked_functions(
        here, out.week, room.id, scenario.slots
    )
    f = next((g for g in here if g.id == f.id), f)
    others = [g for g in here if g.id != f.id]
    subject = f"{f.id}@{room.id}"
    kw: dict[str, Any] = dict(function=f.id, room=room.id, strength=f.strength)
    # Usable room.
    ok = room.hosts_functions
    out.add(
        Row(
            "host_kind", subject, FORMAT_SOURCE,
            "room", room.kind, ok,
            f"{f.label} is in {room.id}, a room of kind '{room.kind}'"
            + ("." if ok else "; only rooms of kind 'room' host functions."),
            function=f.id, room=room.id,
        )
    )
    if f.flexible:
        ok = not others
        out.add(
            Row(
                "flexible_alone", subject, FORMAT_SOURCE,
                "alone", _names(others) or "alone", ok,
                f"{f.label} takes {room.id} whole"
                + ("." if ok else f", but {_names(others)} is there too."),
                function=f.id, room=room.id,
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
    _check_advice(scenario, f, room, others, out)


def _check_advice(
    scenario: Scenario,
    f: Function,
    room: Room,
    others: list[Function],
    out: Audit,
) -> None:
    """The function's advice: one row per key, one item per breach."""
    advice = f.advice
    subject = f"{f.id}@{room.id}"
    kw: dict[str, Any] = dict(function=f.id, room=room.id, strength="advice")
    src = advice.source
    missing = [t for t in advice.needs if t not in room.tags]
    if advice.needs:
        out.add(
            Row(
                "advice_needs", subject, src, ", ".join(advice.needs),
                ", ".join(room.tags) or "none", not missing,
                f"{f.label} is best in a room with "
                f"{', '.join(advice.needs)}; {room.id} "
                + (
                    "has them."
                    if not missing
                    else f"lacks {', '.join(missing)}."
                ),
                items=max(1, len(missing)), **kw,
            )
        )
    if advice.floors is not None:
        ok = advice.floors.allows(room.floor)
        words = _range_words(advice.floors.min, advice.floors.max)
        out.add(
            Row(
                "advice_floors", subject, src, words, room.floor, ok,
                f"{f.label} is best on floors {words}; {room.id} is on "
                f"floor {room.floor}.",
                **kw,
            )
        )
    if advice.exclusive:
        ok = not others
        out.add(
            Row(
                "advice_exclusive", subject, src, "alone",
                _names(others) or "alone", ok,
                f"{f.label} is best in a room of its own"
                + ("." if ok else f"; it shares {room.id} with "
                   f"{_names(others)}."),
                **kw,
            )
        )
    for g in others:
        # Each advised pair once: from the function that names it (the
        # first by id when both do).
        if g.id in advice.never_with and (
            f.id not in g.advice.never_with or f.id < g.id
        ):
            out.add(
                Row(
                    "advice_never_with", subject, src, f"not with {g.id}",
                    g.id, False,
                    f"{f.label} is best not in one room with {g.label} "
                    f"({room.id}).",
                    **kw,
                )
            )
    advised = scenario.advised_area(f)
    if advised is not None:
        ok = room.area >= advised
        out.add(
            Row(
                "advice_area", subject, src, advised, room.area, ok,
                f"{f.label} is best in a room of at least {advised:g} m²"
                f" for {scenario.community.households:,} households; "
                f"{room.id} has {room.area:g} m².",
                margin=round(room.area - advised, 2), **kw,
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
            # The functions in session fit their room, whoever set their
            # areas: a default area reads 建议值, but the fit decides.
            strength=_fit_strength(f),
        )
    )


def _fit_strength(f: Function) -> str:
    return f.strength if f.area_strength == "advice" else f.area_strength


def _names(functions: list[Function]) -> str:
    return ", ".join(g.label for g in functions)


def _floor_words(f: Function) -> str:
    assert f.floors is not None
    return _range_words(f.floors.min, f.floors.max)


def _range_words(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    if lo is not None:
        return f"{lo} and above"
    return f"up to {hi}"
