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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from spaceplan import decisions, rules, timetable
from spaceplan.advicecheck import check_advice, names, range_words
from spaceplan.data import Function, Room, Scenario
from spaceplan.sentences import (
    FLEX_SOURCE,
    FORMAT_SOURCE,
    sentence,
)
from spaceplan.solution import Candidate, CheckRecord, Plan, evaluate_plan
from spaceplan.timecheck import TIME_RULES, check_time
from spaceplan.works.check import renovated

#: The profile's rule ids, in report order.
FACILITY_RULES = ("area_target", "resident_share", "flex_programme")
FUNCTION_RULES = (
    *("placed", "host_kind", "min_area", "needs", "floors", "exclusive"),
    *("never_with", "flexible_alone"),
    *(f"advice_{k}" for k in ("needs", "floors", "exclusive", "never_with")),
    "advice_area",
    *TIME_RULES,
)



@dataclass(frozen=True)
class Violation:
    """A broken rule, worded for an architect."""

    rule: str
    message: str
    function: str | None = None
    room: str | None = None
    source: str = ""
    #: The catalogue key of the sentence and its fields (see
    #: :func:`sentence`); ``message`` is the sentence in English.
    key: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)

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
    #: Unmet advice items this row stands for (advice: docs/sources.md).
    items: int = 1
    #: The catalogue key of the sentence and its fields (see
    #: :func:`sentence`); ``description`` is the sentence in English.
    key: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)

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
            key=self.key,
            fields=dict(self.fields),
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
                    key=row.key,
                    fields=row.fields,
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
    made: list[Row] = []  # docs/formats.md, renovation: the works first, then the rules
    scenario = renovated(scenario, plan, lambda **r: made.append(Row(**r)))
    week = timetable.plan_timetable(scenario, plan)
    result = Audit(advice_hard=scenario.advice_hard, week=week)
    for row in made:
        result.add(row)
    _check_ids(scenario, plan, result)
    _check_facility(scenario, plan, result)
    for function in scenario.functions:
        _check_function(scenario, plan, function, result)
    check_time(
        scenario, plan, lambda **row: result.add(_row(scenario, **row))
    )
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

    The one place a candidate is made: the engine and ``spaceplan check``
    call it; reports read its ``checks`` instead of checking again.

    Parameters
    ----------
    scenario, plan, candidate_id
        The scenario, the plan (with its works) and its label (A, B, …).
    found
        The audit of ``plan`` if the caller has it; made here otherwise.
    objective, bound, objective_terms, moved
        What the solver knows about the plan (a hand plan has none).

    Returns
    -------
    Candidate
        Its measurements and one check record per rule row.
    """
    found = audit(scenario, plan) if found is None else found
    ev, built = evaluate_plan(scenario, plan), renovated(scenario, plan)
    return Candidate(
        id=candidate_id,
        objective=objective,
        bound=bound,
        objective_terms=objective_terms or {},
        assignments=plan.assignments,
        rooms=ev.rooms,
        empty_rooms=ev.empty_rooms,
        metrics=ev.metrics.replace(advice_unmet=found.advice_unmet),
        checks=tuple(row.record() for row in found.rows),
        moved=moved,
        works=plan.works,
        timetable=timetable.plan_timetable(built, plan),
        tiebreak=asdict(decisions.tiebreak(built, plan)),
    )


def _row(
    scenario: Scenario,
    rule: str,
    subject: str,
    source: str,
    required: float | str | None,
    achieved: float | str | None,
    passed: bool,
    key: str,
    fields: dict[str, Any],
    **kw: Any,
) -> Row:
    """A row whose English description is its catalogue sentence."""
    return Row(
        rule, subject, source, required, achieved, passed,
        sentence(scenario, key, fields, "en"),
        key=key, fields=fields, **kw,
    )


# ----------------------------------------------------------------- facility


def _check_ids(scenario: Scenario, plan: Plan, out: Audit) -> None:
    for a in plan.assignments:
        if a.function not in scenario.function_index:
            out.add(
                _row(
                    scenario, "placed", a.function, "scenario",
                    "a known function", a.function, False,
                    "chk.unknown_function",
                    {"f": a.function, "required_key": "chk.v.known_function"},
                    function=a.function, room=a.room,
                )
            )
        if a.room not in scenario.building.room_index:
            out.add(
                _row(
                    scenario, "host_kind", a.room, "scenario",
                    "a known room", a.room, False, "chk.unknown_room",
                    {"room": a.room, "required_key": "chk.v.known_room"},
                    function=a.function, room=a.room,
                )
            )


def _check_facility(scenario: Scenario, plan: Plan, out: Audit) -> None:
    policy = scenario.policy
    ev = evaluate_plan(scenario, plan)
    target = rules.area_target(policy, scenario.community)
    fac = ev.facility_units
    if target.binding != "none":
        passed = target.met(fac)
        least = target.least_units
        fields: dict[str, Any] = {
            "fac": rules.to_m2(fac),
            "least": rules.to_m2(least),
            "terms": True,
        }
        if target.high_units is not None and fac > target.high_units:
            key = "chk.area.over"
            fields.update(
                target=target.m2,
                over=rules.to_m2(fac - target.high_units),
            )
        elif passed:
            key = "chk.area.met"
        else:
            key = "chk.area.short"
            fields["short"] = rules.to_m2(least - fac)
        if not passed and policy.area_target.strength == "advice":
            fields["advisory"] = True
        out.add(
            _row(
                scenario, "area_target", "facility",
                policy.area_target.source, rules.to_m2(least),
                rules.to_m2(fac), passed, key, fields,
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
        fields = {
            "res": rules.to_m2(res),
            "share": share,
            "fac": rules.to_m2(fac),
            "least": share_min,
            "mode": policy.accounting.shared_rooms,
        }
        if not passed:
            fields["more"] = rules.to_m2(need - res)
            if policy.resident_share_strength == "advice":
                fields["advisory"] = True
        out.add(
            _row(
                scenario, "resident_share", "facility",
                policy.resident_share_source, share_min, round(share, 4),
                passed, "chk.share.met" if passed else "chk.share.short",
                fields,
                margin=round(share - share_min, 4),
                strength=policy.resident_share_strength,
            )
        )
    if scenario.flexible_function is not None:
        flex = ev.flex_units
        carries = ev.metrics.flex_carries
        out.add(
            _row(
                scenario, "flex_programme", "facility", FLEX_SOURCE,
                "named rooms carry the programme",
                rules.to_m2(flex), not carries,
                "chk.flex.carries" if carries else "chk.flex.ok",
                {
                    "f": scenario.flexible_function.id,
                    "area": rules.to_m2(flex),
                    "required_key": "chk.v.named_rooms",
                },
                strength="advice",
            )
        )


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
    fields: dict[str, Any] = {"f": f.id}
    if not rooms:
        key = "chk.placed.none"
    elif len(rooms) > 1:
        key = "chk.placed.many"
        fields.update(n=len(rooms), rooms=sorted(counts))
    else:
        key = "chk.placed.one"
        fields["room"] = rooms[0].id
    soft = f.recommended and len(rooms) <= 1
    if soft and not rooms:
        key = "chk.placed.recommended"
    out.add(
        _row(
            scenario, "placed", f.id, f.rule_source, 1, len(rooms),
            placed_ok, key, fields, function=f.id,
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
    other_ids = [g.id for g in others]
    subject = f"{f.id}@{room.id}"
    at = {"f": f.id, "room": room.id}
    kw: dict[str, Any] = dict(function=f.id, room=room.id, strength=f.strength)
    alone = {
        "others": other_ids,
        "required_key": "chk.v.alone",
        "achieved_key": "chk.v.others" if others else "chk.v.alone",
    }
    # Usable room.
    ok = room.hosts_functions
    out.add(
        _row(
            scenario, "host_kind", subject, FORMAT_SOURCE,
            "room", room.kind, ok,
            "chk.host.ok" if ok else "chk.host.bad",
            {
                **at,
                "kind": room.kind,
                "required_key": "chk.kind.room",
                "achieved_key": f"chk.kind.{room.kind}",
            },
            function=f.id, room=room.id,
        )
    )
    if f.flexible:
        ok = not others
        out.add(
            _row(
                scenario, "flexible_alone", subject, FORMAT_SOURCE,
                "alone", names(others) or "alone", ok,
                "chk.flex_alone.ok" if ok else "chk.flex_alone.bad",
                {**at, **alone},
                function=f.id, room=room.id,
            )
        )
        return
    _check_min_area(scenario, f, room, here, out)
    missing = [t for t in f.needs if t not in room.tags]
    tag_fields = {
        **at,
        "tags": list(f.needs),
        "has": list(room.tags),
        "missing": missing,
        "required_key": "chk.v.tags",
        "achieved_key": "chk.v.has",
    }
    if f.needs:
        out.add(
            _row(
                scenario, "needs", subject, f.rule_source,
                ", ".join(f.needs), ", ".join(room.tags) or "none",
                not missing,
                "chk.needs.bad" if missing else "chk.needs.ok",
                tag_fields,
                **kw,
            )
        )
    if f.floors is not None:
        ok = f.floors.allows(room.floor)
        out.add(
            _row(
                scenario, "floors", subject, f.rule_source,
                range_words(f.floors.min, f.floors.max), room.floor, ok,
                "chk.floors",
                {
                    **at,
                    "lo": f.floors.min,
                    "hi": f.floors.max,
                    "floor": room.floor,
                    "required_key": "chk.v.floors",
                },
                **kw,
            )
        )
    if f.exclusive:
        ok = not others
        out.add(
            _row(
                scenario, "exclusive", subject, f.rule_source, "alone",
                names(others) or "alone", ok,
                "chk.exclusive.ok" if ok else "chk.exclusive.bad",
                {**at, **alone},
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
                    _row(
                        scenario, "never_with", subject, f.rule_source,
                        f"not with {g.id}", g.id, False,
                        "chk.never_with.bad",
                        {
                            **at,
                            "g": g.id,
                            "others": [g.id],
                            "required_key": "chk.v.not_with",
                            "achieved_key": "chk.v.others",
                        },
                        **kw,
                    )
                )
        if not banned:
            out.add(
                _row(
                    scenario, "never_with", subject, f.rule_source,
                    "not with " + ", ".join(f.never_with), "none", True,
                    "chk.never_with.ok",
                    {
                        **at,
                        "others": list(f.never_with),
                        "required_key": "chk.v.not_with",
                        "achieved_key": "chk.none",
                    },
                    **kw,
                )
            )
    check_advice(
        scenario, f, room, others,
        lambda *row, **kw: out.add(_row(scenario, *row, **kw)),
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
    fields: dict[str, Any] = {
        "f": f.id,
        "room": room.id,
        "need": f.min_area,
        "area": room.area,
    }
    if ok:
        shared = [g for g in fixed if g.id != f.id]
        key = "chk.area_fit.shared" if shared else "chk.area_fit.alone"
        if shared:
            fields["worst"] = rules.to_m2(worst)
    else:
        slot, load = max(over.items(), key=lambda kv: kv[1])
        together = [g.id for g in fixed if slot in g.active_slots(slots)]
        if len(together) > 1:
            key = "chk.area_fit.crowded"
            # The sentence is about the room, whichever function's row
            # it is on, so the architect reads it once.
            del fields["f"], fields["need"]
            fields.update(slot=slot, together=together, load=rules.to_m2(load))
        else:
            key = "chk.area_fit.small"
    out.add(
        _row(
            scenario, "min_area", subject, f.area_source, f.min_area,
            room.area, ok, key, fields,
            margin=rules.to_m2(area - worst), function=f.id, room=room.id,
            # The functions in session fit their room, whoever set their
            # areas: a default area reads 建议值, but the fit decides.
            strength=_fit_strength(f),
        )
    )


def _fit_strength(f: Function) -> str:
    return f.strength if f.area_strength == "advice" else f.area_strength
