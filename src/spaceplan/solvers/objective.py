"""The objective, computed from a plan alone (no solver).

Every backend optimises this same integer objective, and every candidate's
objective is recomputed here from its plan and compared with what the
solver reported. Points are "square metres of resident area"; internally
the objective is an integer in milli-points.
"""

from __future__ import annotations

from dataclasses import dataclass

from spaceplan import decisions
from spaceplan.check import advice_unmet
from spaceplan.data import Scenario
from spaceplan.rules import to_units
from spaceplan.solution import Plan, PlanEvaluation, evaluate_plan
from spaceplan.solvers.config import Weights

#: Integer objective steps per point.
MILLI = 1000


def area_coef(weight: float) -> int:
    """Milli-points per area unit (0.01 m²) for a per-m² weight."""
    return round(weight * MILLI / 100)


def near_coef(weight: float, wish_weight: float) -> int:
    """Milli-points for one satisfied ``near`` wish."""
    return round(weight * wish_weight * MILLI)


def advice_coef(weight: float) -> int:
    """Milli-points one unmet advice item costs."""
    return round(weight * MILLI)


@dataclass(frozen=True)
class ObjectiveTerms:
    """The objective of a plan, term by term."""

    resident_units: int
    office_units: int
    unused_units: int
    near_satisfied: float
    near_possible: float
    milli: int
    advice_unmet: int = 0

    @property
    def value(self) -> float:
        """The objective in points."""
        return self.milli / MILLI

    def as_dict(self) -> dict[str, float]:
        """Terms for the report (areas in m²)."""
        return {
            "resident_area": self.resident_units / 100,
            "office_area": self.office_units / 100,
            "unused_area": self.unused_units / 100,
            "near_satisfied": self.near_satisfied,
            "near_possible": self.near_possible,
            "advice_unmet": float(self.advice_unmet),
            "objective": self.value,
        }


def near_satisfied(scenario: Scenario, plan: Plan) -> list[bool]:
    """For each ``near`` wish in scenario order: is it met?"""
    placement = plan.placement()
    building = scenario.building
    out = []
    for f in scenario.fixed_functions:
        for wish in f.near:
            if wish.function not in scenario.function_index:
                continue
            if scenario.function(wish.function).flexible:
                continue
            a, b = placement.get(f.id), placement.get(wish.function)
            out.append(
                a is not None
                and b is not None
                and (a == b or building.adjacent(a, b))
            )
    return out


def objective_terms(
    scenario: Scenario,
    plan: Plan,
    weights: Weights,
    evaluation: PlanEvaluation | None = None,
    advice: int | None = None,
) -> ObjectiveTerms:
    """The objective of ``plan`` under ``weights``.

    ``evaluation`` and ``advice`` (the unmet advice items of the plan's
    audit) are worked out here when the caller has not already.
    """
    ev = evaluation or evaluate_plan(scenario, plan)
    wishes = [
        wish.weight
        for f in scenario.fixed_functions
        for wish in f.near
        if wish.function in scenario.function_index
        and not scenario.function(wish.function).flexible
    ]
    met = near_satisfied(scenario, plan)
    if scenario.advice_hard:
        unmet = 0
    elif advice is None:
        unmet = advice_unmet(scenario, plan)
    else:
        unmet = advice
    omitted = sum(
        to_units(f.min_area)
        for f in scenario.fixed_functions
        if f.recommended and f.id not in plan.function_rooms
    )
    # Wishes for a room or a tag (the entrance) count like the others.
    wishes += [w.weight for w in decisions.room_wishes(scenario)]
    met += decisions.room_wishes_met(scenario, plan)
    milli = (
        area_coef(weights.resident) * ev.resident_units
        - area_coef(weights.office) * ev.office_units
        - area_coef(weights.unused) * ev.unused_units
        + sum(
            near_coef(weights.near, w)
            for w, ok in zip(wishes, met, strict=True)
            if ok
        )
        - advice_coef(weights.advice) * unmet
        - area_coef(weights.omitted) * omitted
    )
    return ObjectiveTerms(
        resident_units=ev.resident_units,
        office_units=ev.office_units,
        unused_units=ev.unused_units,
        near_satisfied=sum(w for w, ok in zip(wishes, met, strict=True) if ok),
        near_possible=sum(wishes),
        milli=milli,
        advice_unmet=unmet,
    )


def describe(weights: Weights) -> str:
    """The objective in words, for the report."""
    return (
        f"maximise {weights.resident:g} × resident-activity area (m²) "
        f"− {weights.office:g} × office area (m²) "
        f"− {weights.unused:g} × unused area in function rooms (m²) "
        f"+ {weights.near:g} × satisfied 'near' weights "
        f"− {weights.advice:g} × unmet advice items "
        f"− {weights.omitted:g} × area of recommended functions left "
        "out (m²); "
        "subject to every hard rule"
    )
