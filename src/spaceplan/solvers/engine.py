"""The solve loop shared by every backend: distinct candidates, checked.

A backend finds one plan at a time, given the placements of the earlier
candidates it must differ from. The engine asks for up to K plans, checks
each with :func:`spaceplan.check.audit` and recomputes its objective from
the plan; a candidate that fails either is a bug in the backend and stops
the run loudly, before anything is written.
"""

from __future__ import annotations

import dataclasses
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import spaceplan
from spaceplan.check import audit, checked_candidate
from spaceplan.compare import comparisons
from spaceplan.data import Scenario
from spaceplan.i18n import t
from spaceplan.solution import (
    Candidate,
    Plan,
    Result,
    ScenarioRef,
    Status,
    evaluate_plan,
)
from spaceplan.solvers.config import SolverConfig
from spaceplan.solvers.objective import MILLI, describe, objective_terms
from spaceplan.solvers.problem import Problem
from spaceplan.works import moves


class SolverBugError(RuntimeError):
    """A backend returned a plan the checker rejects: a bug, not input."""


@dataclass(frozen=True)
class RawSolve:
    """What a backend returns for one solve."""

    status: Status
    plan: Plan | None
    objective_milli: int | None = None
    bound_milli: int | None = None
    seconds: float = 0.0
    #: Why the plan is not what the backend set out to find, if it is not.
    note: str | None = None
    #: The note's catalogue key (``face.note.*``), so it can be worded in
    #: the user's language; None for a note that has none.
    note_key: str | None = None


class ProgressSink(Protocol):
    """Receives solver progress (incumbent, bound) for display."""

    def start(self, label: str, time_limit: float) -> None:
        """A solve begins."""

    def update(
        self, objective: float | None, bound: float | None, elapsed: float
    ) -> None:
        """A new incumbent or bound."""

    def stop(self) -> None:
        """The solve ended."""


class Backend(Protocol):
    """A solver backend: one plan per call."""

    name: str
    #: Whether the backend can honour ``avoid`` (distinct candidates).
    supports_candidates: bool

    def solve_one(
        self,
        problem: Problem,
        config: SolverConfig,
        avoid: Sequence[dict[int, int]],
        min_difference: int,
        progress: ProgressSink | None = None,
    ) -> RawSolve:
        """Find the best plan differing from each of ``avoid``.

        ``avoid`` holds earlier placements as ``{function: room}`` index
        maps; the new plan must move at least ``min_difference`` fixed
        functions relative to each.
        """
        ...


def effective_difference(config: SolverConfig, num_funcs: int) -> int:
    """The candidates' minimum difference, at most half the functions."""
    return max(1, min(config.min_difference, num_funcs // 2 or 1))


def run(
    scenario: Scenario,
    backend: Backend,
    config: SolverConfig,
    progress: ProgressSink | None = None,
    on_infeasible: Callable[[Scenario], dict[str, object]] | None = None,
) -> Result:
    """Solve ``scenario`` for up to ``config.candidates`` checked plans."""
    started = time.perf_counter()
    # A backend that cannot choose works solves the original rooms only
    # (the result's renovation note says so).
    renovate = getattr(backend, "supports_works", False)
    # Options that can never beat keeping their rooms are left out
    # (exact, see Problem.useless).
    problem = Problem(scenario, renovate=renovate, prune=True)
    count = config.candidates if backend.supports_candidates else 1
    diff = effective_difference(config, problem.num_funcs)
    avoid: list[dict[int, int]] = []
    candidates: list[Candidate] = []
    found_notes: list[tuple[str, str, str | None]] = []
    status: Status = "unknown"
    # A function that no room can take, even alone, proves infeasibility
    # for every backend: no solve is needed.
    if problem.unplaceable():
        count = 0
        status = "infeasible"
    for k in range(count):
        # The time limit is per plan; the first plan's also pays for
        # reading the rooms into the problem, as the user's clock does,
        # and every plan keeps back the time its check will take.
        spent = time.perf_counter() - started if k == 0 else 0.0
        budget = config.with_overrides(
            time_limit=max(
                config.time_limit - spent - _check_reserve(problem, config),
                1e-3,
            )
        )
        raw = backend.solve_one(problem, budget, avoid, diff, progress)
        if k == 0:
            status = raw.status
        if raw.plan is None:
            break
        public = dataclasses.replace(raw, plan=problem.public_plan(raw.plan))
        cand = _candidate(scenario, problem, config, public, k, candidates)
        if raw.note:
            found_notes.append((cand.id, raw.note, raw.note_key))
        candidates.append(cand)
        placement = raw.plan.placement()
        avoid.append(
            {
                problem.func_idx[f]: problem.room_idx[r]
                for f, r in placement.items()
                if f in problem.func_idx
            }
        )
    candidates, labels = _ranked(problem, candidates)
    ordered = sorted(
        (labels[c], note, key) for c, note, key in found_notes
    )
    notes = [
        t("face.note.candidate", "en", id=label, note=note)
        for label, note, _ in ordered
    ]
    note_keys = [(label, key) for label, _, key in ordered if key]
    candidates = _compared(scenario, candidates)
    diagnosis = None
    if not candidates and status == "infeasible" and on_infeasible:
        diagnosis = on_infeasible(scenario)
    acc = scenario.policy.accounting
    return Result(
        version=spaceplan.__version__,
        scenario=ScenarioRef(
            name=scenario.name,
            sha256=scenario.sha256,
            policy=scenario.policy.id,
        ),
        status=status,
        solve_seconds=round(time.perf_counter() - started, 3),
        solver=backend.name,
        config=config.name,
        seed=config.seed,
        objective_description=describe(
            config.weights, problem.renovating
        ),
        objective_weights=dataclasses.asdict(config.weights),
        candidates=tuple(candidates),
        diagnosis=diagnosis,
        renovation=renovation_note(scenario, problem, backend.name),
        # v1 readers look for "circulation"; v2 adds "shared_space".
        accounting={
            **acc.model_dump(mode="json"),
            "circulation": acc.circulation,
        },
        notes=tuple(notes),
        note_keys=tuple(note_keys),
    )


def _candidate(
    scenario: Scenario,
    problem: Problem,
    config: SolverConfig,
    raw: RawSolve,
    k: int,
    earlier: list[Candidate],
) -> Candidate:
    assert raw.plan is not None
    plan = raw.plan
    found = audit(scenario, plan)
    if found.violations:
        lines = "; ".join(v.message for v in found.violations[:5])
        raise SolverBugError(
            f"the solver returned a plan the checker rejects "
            f"({len(found.violations)} violations): {lines}"
        )
    ev = evaluate_plan(scenario, plan)
    terms = objective_terms(
        scenario, plan, config.weights, ev, advice=found.advice_unmet
    )
    if raw.objective_milli is not None and raw.objective_milli != terms.milli:
        raise SolverBugError(
            f"solver objective {raw.objective_milli / MILLI} differs from "
            f"the objective recomputed from its plan, {terms.value}"
        )
    bound = None if raw.bound_milli is None else raw.bound_milli / MILLI
    moved = _moved(problem, earlier[0].plan, plan) if earlier else ()
    return checked_candidate(
        scenario,
        plan,
        _label(k),
        found=found,
        objective=terms.value,
        bound=bound,
        objective_terms=terms.as_dict(),
        moved=moved,
    )


def renovation_note(
    scenario: Scenario, problem: Problem, solver: str
) -> dict[str, object] | None:
    """What the run did about renovation (None: the scenario has none).

    ``alternatives`` counts the rooms the solver chose among per
    original room (the model size of docs/formats.md, renovation).
    """
    reno = scenario.renovation
    if reno is None:
        return None
    price = moves.prices(reno)
    hosts = max(1, len(problem.cover))
    return {
        "allow": list(reno.allow),
        "remove_per_m": price.remove_per_m,
        "build_per_m": price.build_per_m,
        "cost_source": price.source,
        "budget": reno.budget,
        "moves_considered": problem.renovate,
        "options": len(problem.options),
        "alternatives_per_room": round(problem.num_rooms / hosts, 2),
        "note": "" if problem.renovate else (
            f"The {solver} solver keeps every wall; solve with cpsat to "
            "consider merges and splits."
        ),
    }


#: Seconds kept back per room for checking a plan and building the result
#: (the 5,000-room bench size on the shared 2-core machine: 5 s to check
#: one plan, 8.5 s past a 60 s limit with a millisecond a room kept back).
CHECK_SECONDS_PER_ROOM = 2e-3


def _check_reserve(problem: Problem, config: SolverConfig) -> float:
    """Seconds of the time limit kept back to check the plan found.

    Two milliseconds per room, and never more than a sixth of the limit:
    nothing to speak of on a small building, ten seconds on 5,000 rooms.
    """
    return min(
        CHECK_SECONDS_PER_ROOM * problem.num_rooms, config.time_limit / 6
    )


def _moved(problem: Problem, first: Plan, plan: Plan) -> tuple[str, ...]:
    """Functions whose room differs between ``first`` and ``plan``."""
    a, b = first.placement(), plan.placement()
    return tuple(f.id for f in problem.funcs if a.get(f.id) != b.get(f.id))


def _ranked(
    problem: Problem, candidates: list[Candidate]
) -> tuple[list[Candidate], dict[str, str]]:
    """The candidates best first, relabelled A, B, …; old label → new.

    Each solve is optimal only when it says so: with a time limit a later
    candidate can score higher than an earlier one. The architect reads
    A as the best plan, so the order follows the objective (ties keep
    the order found), and ``moved`` is recomputed against the new A.
    """
    order = sorted(
        range(len(candidates)), key=lambda i: -candidates[i].objective
    )
    labels = {candidates[i].id: _label(k) for k, i in enumerate(order)}
    if order == list(range(len(candidates))):
        return candidates, labels
    first = candidates[order[0]].plan
    ranked = [
        candidates[i].model_copy(
            update={
                "id": _label(k),
                "moved": () if k == 0 else _moved(
                    problem, first, candidates[i].plan
                ),
            }
        )
        for k, i in enumerate(order)
    ]
    return ranked, labels


def _compared(
    scenario: Scenario, candidates: list[Candidate]
) -> list[Candidate]:
    """The candidates with their comparison sentences."""
    words = comparisons(scenario, candidates)
    return [
        c.model_copy(update={"comparison": w})
        for c, w in zip(candidates, words, strict=True)
    ]


def _label(k: int) -> str:
    letters = string.ascii_uppercase
    return letters[k] if k < 26 else f"{letters[k // 26 - 1]}{letters[k % 26]}"
