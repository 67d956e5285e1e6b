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
from spaceplan.data import Function, Room, Scenario
from spaceplan.i18n import Lang, function_label, slot_name, t
from spaceplan.solution import Candidate, CheckRecord, Plan, evaluate_plan
from spaceplan.timecheck import FIX_SOURCE, SOURCE, TIME_RULES, check_time

#: The profile's rule ids, in report order.
FACILITY_RULES = ("area_target", "resident_share", "flex_programme")
FUNCTION_RULES = (
    *("placed", "host_kind", "min_area", "needs", "floors", "exclusive"),
    *("never_with", "flexible_alone"),
    *(f"advice_{k}" for k in ("needs", "floors", "exclusive", "never_with")),
    "advice_area",
    *TIME_RULES,
)
#: Source of the rules that keep a plan well formed.
FORMAT_SOURCE = t("chk.src.format", "en")
#: Source of the warning that the flexible room carries the programme.
FLEX_SOURCE = t("chk.src.flex", "en")
#: The sources the checker names itself, and their catalogue keys.
SOURCE_KEYS = {
    FORMAT_SOURCE: "chk.src.format",
    FLEX_SOURCE: "chk.src.flex",
    "scenario": "chk.src.scenario",
    SOURCE: "chk.src.time",
    FIX_SOURCE: "chk.src.fix",
}


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
    result = Audit(
        advice_hard=scenario.advice_hard,
        week=timetable.plan_timetable(scenario, plan),
    )
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


# ---------------------------------------------------------------- sentences


def sentence(
    scenario: Scenario,
    key: str,
    fields: Mapping[str, Any],
    lang: Lang = "en",
) -> str:
    """A checker's sentence from its catalogue ``key`` and ``fields``.

    The checker keeps ids and numbers; the words are made here, in
    ``lang``: ``f``/``g`` name a function, ``others``/``together`` a
    list of functions, ``tags``/``missing``/``has`` room tags, ``slot``
    a time slot, ``kind`` a room kind, ``mode`` how shared rooms count,
    ``lo``/``hi`` a floor range (as ``{floors}``) and ``terms`` the
    worked area target. ``advisory`` adds the sentence saying a
    recommended figure never decides compliance.

    Parameters
    ----------
    scenario
        The resolved scenario (function names, the area target).
    key
        The catalogue key (``locale/check.toml``).
    fields
        The row's fields, as the checker stored them.
    lang
        ``"en"`` (``result.json``) or ``"zh"``.

    Returns
    -------
    str
        The sentence.
    """
    text = t(key, lang, **_field_words(scenario, fields, lang))
    if fields.get("advisory"):
        text += t("chk.advisory", lang)
    return text


def value_words(
    scenario: Scenario,
    rule: str,
    value: float | str | None,
    fields: Mapping[str, Any],
    which: str,
    lang: Lang,
) -> str | None:
    """A row's required or achieved value in words, when it is words.

    Parameters
    ----------
    scenario
        The resolved scenario.
    rule
        The row's rule id.
    value
        The stored value.
    fields
        The row's fields; ``required_key`` or ``achieved_key`` name
        the catalogue entry of a value that is words.
    which
        ``"required"`` or ``"achieved"``.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str or None
        The words, or None for a number (the report formats it).
    """
    key = fields.get(f"{which}_key")
    if not key:
        return None
    return t(key, lang, **_field_words(scenario, fields, lang))


def source_words(source: str, lang: Lang) -> str:
    """A row's source in ``lang``: the checker's own sources are
    translated; a profile's source is quoted as it stands."""
    key = SOURCE_KEYS.get(source)
    return source if key is None else t(key, lang)


def _function_word(scenario: Scenario, fid: str, lang: Lang) -> str:
    if fid not in scenario.function_index:
        return fid
    return function_label(scenario.function(fid), lang)


def _tag_word(tag: str, lang: Lang) -> str:
    key = f"chk.tag.{tag}"
    word = t(key, lang)
    return tag if word == key else word


def _field_words(
    scenario: Scenario, fields: Mapping[str, Any], lang: Lang
) -> dict[str, Any]:
    sep = t("chk.sep", lang)
    none = t("chk.none", lang)
    out = dict(fields)
    for name, value in fields.items():
        if name in ("f", "g"):
            out[name] = _function_word(scenario, value, lang)
        elif name in ("others", "together"):
            words = [_function_word(scenario, v, lang) for v in value]
            joint = t("chk.plus", lang) if name == "together" else sep
            out[name] = joint.join(words) or none
        elif name in ("tags", "missing", "has"):
            out[name] = sep.join(_tag_word(v, lang) for v in value) or none
        elif name == "slot":
            out[name] = slot_name(value, lang)
        elif name in ("slots", "within", "outside", "fixed"):
            out[name] = sep.join(slot_name(v, lang) for v in value) or none
        elif name in ("kind", "mode"):
            out[name] = t(f"chk.{name}.{value}", lang)
        elif name == "rooms":
            out[name] = ", ".join(value) or none
    lo, hi = fields.get("lo"), fields.get("hi")
    if lo is not None and lo == hi:
        out["floors"] = t("chk.floors.one", lang, lo=lo)
    elif lo is not None and hi is not None:
        out["floors"] = t("chk.floors.range", lang, lo=lo, hi=hi)
    elif lo is not None:
        out["floors"] = t("chk.floors.min", lang, lo=lo)
    elif hi is not None:
        out["floors"] = t("chk.floors.max", lang, hi=hi)
    if fields.get("terms"):
        terms = target_terms(scenario, lang)
        joined = t("chk.sep.clause", lang).join(terms)
        out["terms"] = (
            t("chk.terms_binds", lang, terms=joined)
            if len(terms) > 1
            else joined
        )
    return out


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
                "alone", _names(others) or "alone", ok,
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
                _range_words(f.floors.min, f.floors.max), room.floor, ok,
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
                _names(others) or "alone", ok,
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
    at = {"f": f.id, "room": room.id}
    kw: dict[str, Any] = dict(function=f.id, room=room.id, strength="advice")
    src = advice.source
    missing = [t for t in advice.needs if t not in room.tags]
    if advice.needs:
        out.add(
            _row(
                scenario, "advice_needs", subject, src,
                ", ".join(advice.needs), ", ".join(room.tags) or "none",
                not missing,
                "chk.advice.needs.bad" if missing else "chk.advice.needs.ok",
                {
                    **at,
                    "tags": list(advice.needs),
                    "has": list(room.tags),
                    "missing": missing,
                    "required_key": "chk.v.tags",
                    "achieved_key": "chk.v.has",
                },
                items=max(1, len(missing)), **kw,
            )
        )
    if advice.floors is not None:
        ok = advice.floors.allows(room.floor)
        out.add(
            _row(
                scenario, "advice_floors", subject, src,
                _range_words(advice.floors.min, advice.floors.max),
                room.floor, ok, "chk.advice.floors",
                {
                    **at,
                    "lo": advice.floors.min,
                    "hi": advice.floors.max,
                    "floor": room.floor,
                    "required_key": "chk.v.floors",
                },
                **kw,
            )
        )
    if advice.exclusive:
        ok = not others
        out.add(
            _row(
                scenario, "advice_exclusive", subject, src, "alone",
                _names(others) or "alone", ok,
                "chk.advice.exclusive.ok"
                if ok
                else "chk.advice.exclusive.bad",
                {
                    **at,
                    "others": [g.id for g in others],
                    "required_key": "chk.v.alone",
                    "achieved_key": "chk.v.others" if others else "chk.v.alone",
                },
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
                _row(
                    scenario, "advice_never_with", subject, src,
                    f"not with {g.id}", g.id, False, "chk.advice.never_with",
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
    advised = scenario.advised_area(f)
    if advised is not None:
        ok = room.area >= advised
        out.add(
            _row(
                scenario, "advice_area", subject, src, advised, room.area,
                ok, "chk.advice.area",
                {
                    **at,
                    "advised": advised,
                    "households": scenario.community.households,
                    "area": room.area,
                },
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


def _names(functions: list[Function]) -> str:
    return ", ".join(g.label for g in functions)


def _range_words(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    if lo is not None:
        return f"{lo} and above"
    return f"up to {hi}"
