"""CP-SAT back-end for OSA: the shared formulation, annealing, and LNS.

The solve shares one time budget between:

0. when ΣC ≥ ΣS, a short satisfaction search for a "perfect" plan (no
   over-use, every soft rule met), whose cost ΣC − ΣS is optimal;
1. simulated annealing from the greedy plan
   (:mod:`spaceplan.solvers.osa.anneal`) on the calling thread, while
   CP-SAT runs on the whole model with the LP-heavy preset on its own
   thread and ``workers − 1`` workers (CP-SAT releases the GIL);
1b. with the same CP-SAT run beside it, the pattern phase
   (:mod:`spaceplan.solvers.osa.pattern`): column generation for the
   per-room pattern bound, seeded with the annealing's path, then the
   best plan over the generated patterns as a HiGHS MIP (HiGHS also
   releases the GIL); the bound ends the solve once a plan meets it.
   It needs minutes, so it only runs when its share is 100 s or more;
2. CP-SAT alone on every worker, hinted with the best plan (with two or
   more workers it interleaves its own LNS with the LP worker);
3. our own large-neighbourhood search on the calling thread, CP-SAT on
   the spare workers beside it: fix all entities but 20–70 (chosen by
   room, floor, department, rule web, around violated rules, or by
   misuse: over-used rooms with the rooms nearest their load in
   capacity), re-solve the small model with one worker, keep gains; a
   share of the steps re-solves 30–130 entities with HiGHS instead
   (:class:`spaceplan.solvers.osa.highs.SubMip`), whose LP proves such
   neighbourhoods optimal in seconds; a short warm anneal kicks the
   search out of a stall (an iterated local search).

Plans from every source meet in one shared incumbent, and each CP-SAT
run stops as soon as its bound, or the pattern bound, meets it.  The
bound reported is the best of the CP-SAT runs and the pattern bound,
floored at the trivial space-misuse bound.
"""

from __future__ import annotations

import random
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from google.protobuf import text_format
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from spaceplan.osa.evaluate import AwayFrom, evaluate, room_loads
from spaceplan.osa.read import Instance, Rule, RuleType
from spaceplan.solvers.osa import (
    Formulation,
    OsaResult,
    Status,
    build_formulation,
    trivial_bound,
)
from spaceplan.solvers.osa.anneal import anneal
from spaceplan.solvers.osa.greedy import solve_greedy
from spaceplan.solvers.osa.highs import SubMip
from spaceplan.solvers.osa.pattern import PatternBound, pattern_plan

__all__ = ["CONFIG_PATH", "load_preset", "solve_cpsat"]

#: Presets file: ``solver_configs/cpsat/osa.toml`` at the repository root.
CONFIG_PATH = (
    Path(__file__).resolve().parents[4] / "solver_configs/cpsat/osa.toml"
)

#: Shortest pattern phase worth running (s).  Column generation alone
#: takes 20 s (nott1b) to over 100 s (nott1) on one core, and a phase that
#: ends before it converges gives only a bound; with less time the solve
#: runs as before (annealing, CP-SAT, LNS), which the 20 s table of the
#: generated instances measures.
_PATTERN_MIN_SECONDS = 100.0


def load_preset(name: str, path: Path | None = None) -> dict[str, Any]:
    """Read one CP-SAT preset and check its names against SatParameters.

    Parameters
    ----------
    name
        Table name in the TOML file, for example ``"default"``.
    path
        The TOML file; :data:`CONFIG_PATH` when None.

    Returns
    -------
    dict
        Parameter name to value.

    Raises
    ------
    KeyError
        When the preset is missing.
    ValueError
        When a key is not a SatParameters field or a value has the wrong
        type.
    """
    path = CONFIG_PATH if path is None else path
    with open(path, "rb") as handle:
        presets = tomllib.load(handle)
    if name not in presets:
        raise KeyError(
            f"{path}: no preset '{name}'; known: {', '.join(presets)}."
        )
    preset = dict(presets[name])
    _to_proto(preset, f"{path} [{name}]")
    return preset


def _to_proto(
    values: dict[str, Any], where: str = "parameters"
) -> sat_parameters_pb2.SatParameters:
    # The protobuf class knows every field name and type, so it is the
    # validator; the solver's own parameter object is filled from its text.
    params = sat_parameters_pb2.SatParameters()
    fields = params.DESCRIPTOR.fields_by_name
    for key, value in values.items():
        if key not in fields:
            raise ValueError(f"{where}: '{key}' is not a CP-SAT parameter.")
        try:
            if isinstance(value, list):
                getattr(params, key).extend(value)
            else:
                setattr(params, key, value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: bad value for '{key}': {exc}") from exc
    return params


class _Model:
    """A CP-SAT model of a formulation, with cheap re-fixing for LNS."""

    def __init__(self, form: Formulation) -> None:
        self.form = form
        self.model = cp_model.CpModel()
        self.vars = [
            self.model.new_int_var(lb, ub, name)
            for lb, ub, name in zip(form.lb, form.ub, form.names, strict=True)
        ]
        for row in form.rows:
            self._add_row(row.coefs, row.lb, row.ub)
        self.model.minimize(
            sum(c * self.vars[v] for v, c in form.objective.items())
            + form.offset
        )
        self._by_entity: dict[int, list[tuple[int, int]]] = {}
        for (e, r), var in form.x.items():
            self._by_entity.setdefault(e, []).append((r, var))
        self._fixed_plan: list[int] | None = None
        self._fixed_free: set[int] = set()
        self._hinted: list[int] | None = None
        self._preset: dict[str, Any] | None = None

    def _add_row(
        self,
        coefs: Sequence[tuple[int, int]],
        lb: int | None,
        ub: int | None,
    ) -> None:
        form, xs = self.form, self.vars
        unit = all(c == 1 and form.ub[v] == 1 for v, c in coefs)
        if unit and lb is None and ub == 1:
            # Plain at-most-one: CP-SAT merges these into cliques.
            self.model.add_at_most_one(xs[v] for v, _ in coefs)
        elif unit and lb == 1 and ub == 1:
            self.model.add_exactly_one(xs[v] for v, _ in coefs)
        else:
            expr = sum(c * xs[v] for v, c in coefs)
            if lb is not None and ub is not None and lb == ub:
                self.model.add(expr == lb)
            else:
                if lb is not None:
                    self.model.add(expr >= lb)
                if ub is not None:
                    self.model.add(expr <= ub)

    def hint(self, rooms: Sequence[int]) -> None:
        """Hint ``rooms`` (kept when it is already the hint).

        The hint only matters with the plan (fixed variables are fixed
        anyway); recomputing it every LNS step was a third of a second on
        the generated instances.
        """
        if self._hinted == list(rooms):
            return
        self.model.clear_hints()
        for var, value in zip(
            self.vars, self.form.values_for(rooms), strict=True
        ):
            self.model.add_hint(var, value)
        self._hinted = list(rooms)

    def step(
        self,
        rooms: Sequence[int],
        free: set[int],
        within: set[int] | None,
        time_limit: float,
        seed: int,
    ) -> tuple[bool, list[int] | None]:
        """Re-solve around ``rooms`` with only ``free`` movable (1 worker).

        Returns whether CP-SAT proved the step optimal, and its plan
        (None when it found none).
        """
        self.fix(rooms, free, within)
        self.hint(rooms)
        if self._preset is None:
            self._preset = load_preset("lns")
        solver = _params(self._preset, time_limit, seed, 1)
        code = solver.solve(self.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, None
        plan = self.form.rooms_from([solver.value(v) for v in self.vars])
        return code == cp_model.OPTIMAL, plan

    def fix(
        self,
        rooms: Sequence[int],
        free: set[int],
        within: set[int] | None = None,
    ) -> None:
        """Fix every entity outside ``free`` to its room (proto bounds).

        Free entities may take any of their rooms, or only rooms in
        ``within`` when given.  Only entities whose state can have
        changed since the last call are touched (all of them when the
        plan changed): rewriting the 14,000 domains of a generated
        instance every LNS step cost more than many of the sub-solves.
        """
        proto = self.model.proto
        if self._fixed_plan == list(rooms):
            touched = self._fixed_free | free
        else:
            touched = set(range(self.form.instance.num_entities))
        for e in touched:
            for r, var in self._by_entity[e]:
                domain = proto.variables[var].domain
                if e not in free:
                    low = high = int(rooms[e] == r)
                else:
                    low, high = 0, int(within is None or r in within)
                # Boolean domains are [lo, hi]; ortools' proto wrapper
                # takes item assignment, not slices.
                domain[0], domain[1] = low, high
        self._fixed_plan = list(rooms)
        self._fixed_free = set(free)


def _params(
    preset: dict[str, Any], time_limit: float, seed: int, workers: int
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.merge_text_format(
        text_format.MessageToString(_to_proto(preset))
    )
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    return solver


def solve_cpsat(
    instance: Instance,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 2,
    away_from: AwayFrom = "floor",
    preset: str = "default",
    lns: bool = True,
    anneal_share: float = 0.15,
    internal_share: float = 0.3,
    stall: int = 60,
    kick: float = 3.0,
    kick_heat: float = 0.003,
    hint: Sequence[int] | None = None,
    perfect_share: float = 0.15,
    pattern_share: float = 0.9,
    pattern_min: float = _PATTERN_MIN_SECONDS,
    stall_share: float = 0.08,
    mip_share: float = 0.3,
) -> OsaResult:
    """Solve an OSA instance with CP-SAT.

    Parameters
    ----------
    instance
        The instance.
    time_limit
        Wall-time budget in seconds for the whole solve.
    seed
        Random seed for CP-SAT and the LNS.
    workers
        CP-SAT ``num_workers``; always explicit (the machine may be small).
    away_from
        Reading of AWAYFROM rules.
    preset
        Preset name in ``solver_configs/cpsat/osa.toml``.
    lns
        Run phases 1–3; when False, one whole-model CP-SAT run on every
        worker (the plain baseline).
    anneal_share
        Share of the time left after the perfect phase (at most 30 s)
        for simulated annealing from the warm start (phase 1).
    internal_share
        Share of the time left after annealing for CP-SAT alone on all
        workers, hinted with the best plan (phase 2); the rest goes to
        our LNS beside CP-SAT on the spare workers (phase 3).
    stall, kick, kick_heat
        LNS steps without a gain before a kick; the kick's anneal length
        (s) and its first starting temperature as a share of the best
        objective (later kicks adapt it, see :class:`_Heat`).
    hint
        Warm-start assignment; the greedy plan when None.
    perfect_share
        Share of ``time_limit`` (at most 20 s) for the "perfect plan"
        phase: a satisfaction search for a plan that over-uses no room
        and meets every soft rule, whose cost is the trivial bound
        ΣC − ΣS and therefore optimal.  0 skips it; it only runs when
        ΣC ≥ ΣS.
    pattern_share
        Share of the time left after annealing for the pattern phase
        (:func:`spaceplan.solvers.osa.pattern.pattern_plan`): column
        generation for a per-room pattern bound, then the best plan over
        the generated patterns, while CP-SAT goes on beside it.  0 skips
        it.
    pattern_min
        The phase runs only when its share is at least this long (s).
    stall_share
        After a pattern phase, phase 2 ends once the best plan has not
        improved for this share of the time left at its start (at least
        10 s).
    mip_share
        Share of the LNS steps (phase 3) solved by HiGHS instead of
        CP-SAT, on neighbourhoods of 30–130 entities (see
        :class:`spaceplan.solvers.osa.highs.SubMip`).  0 keeps every
        step on CP-SAT.

    Returns
    -------
    OsaResult
        Best plan, its objective, the proven bound and the status.
    """
    start = time.perf_counter()
    deadline = start + time_limit
    log: list[str] = []
    form = build_formulation(instance, away_from)
    fallback: tuple[list[int], int] | None = None
    seed_plan: list[int] | None = None
    if hint is not None:
        hint = seed_plan = form.canonical(hint)
    else:
        greedy = solve_greedy(
            instance, seed=seed, away_from=away_from, time_limit=1.0
        )
        if greedy.rooms is not None:
            # Annealing repairs broken hard rules, so it starts from any
            # greedy plan.
            seed_plan = form.canonical(greedy.rooms)
        # An infeasible hint costs CP-SAT more than it gives: repairing it
        # kept the LP worker busy (nott1d: 23 s to optimal with it, 4 s
        # without).
        if greedy.status is Status.FEASIBLE and seed_plan is not None:
            hint = seed_plan
            if greedy.objective is not None:
                fallback = (list(hint), greedy.objective)
        log.append(
            f"greedy {greedy.objective} ({greedy.status.value}) at "
            f"{greedy.seconds:.1f}s"
        )
    model = _Model(form)
    if hint is not None:
        model.hint(hint)
    if perfect_share > 0 and instance.total_capacity >= instance.total_size:
        spent = time.perf_counter() - start
        perfect = _perfect(
            model, min(perfect_share * (time_limit - spent), 20.0), seed,
            workers, log,
        )
        if perfect is not None:
            value = evaluate(instance, perfect, away_from).objective
            found_at = time.perf_counter() - start
            return OsaResult(
                perfect,
                value,
                instance.total_capacity - instance.total_size,
                Status.OPTIMAL,
                time.perf_counter() - start,
                "cpsat",
                tuple(log),
                ((found_at, value),),
            )
    overall = _Incumbent(start)
    if fallback is not None:
        overall.offer(*fallback)
    runs: list[_Global] = []

    def launch(limit: float, threads: int) -> _Global:
        # Whole-model CP-SAT on its own thread (it releases the GIL),
        # hinted with the best plan so far.
        with overall.lock:
            if overall.rooms is not None:
                model.hint(overall.rooms)
        run = _Global(
            model, load_preset(preset), limit, seed + len(runs), threads,
            overall,
        )
        runs.append(run)
        run.start()
        return run

    def finish(run: _Global) -> bool:
        run.solver.stop_search()
        run.join()
        log.append(run.summary(start))
        return run.proved()

    if not lns:
        # The plain baseline: one whole-model run on every worker.
        alone = launch(deadline - time.perf_counter(), workers)
        alone.join()
        finish(alone)
        return _result(instance, overall, runs, start, log)
    spare = max(1, workers - 1)
    # Phase 1: anneal here while CP-SAT builds its LP bound beside it.
    runner = launch(deadline - time.perf_counter(), spare)
    try:
        path = _anneal_phase(
            form, runner, overall, seed_plan, deadline, seed, anneal_share,
            log,
        )
        # Phase 1b: the pattern bound and the best plan of its patterns,
        # while the same CP-SAT run goes on beside it.
        budget = pattern_share * (deadline - time.perf_counter())
        patterned = budget >= pattern_min and not runner.done.is_set()
        if patterned:
            _pattern_phase(form, runner, overall, path, budget, log)
    finally:
        proved = finish(runner) or overall.proved()
    # Phase 2: CP-SAT alone on every worker from the best plan; with two
    # or more workers it interleaves its own LNS with the LP worker.
    left = deadline - time.perf_counter()
    if not proved and overall.rooms is not None and internal_share > 0:
        alone = launch(internal_share * left, workers)
        if patterned:
            # After the pattern phase CP-SAT's plans come early or not at
            # all (nott1b: two within 5 s of a 67 s share; p000_n000: one
            # in 65 s) while our LNS went on finding them: hand the rest
            # over once it stalls.
            _stop_on_stall(alone, overall, max(10.0, stall_share * left))
        alone.join()
        proved = finish(alone) or overall.proved()
    # Phase 3: our LNS here, CP-SAT on the spare workers beside it.
    left = deadline - time.perf_counter()
    if not proved and left > 1.0:
        runner = launch(left, spare)
        try:
            _search(
                form, runner, overall, deadline, seed, log, stall, kick,
                kick_heat, mip_share,
            )
        finally:
            finish(runner)
    return _result(instance, overall, runs, start, log)


def _stop_on_stall(run: _Global, best: _Incumbent, patience: float) -> None:
    """Wait for ``run``; stop it once no plan improved for ``patience`` s."""
    since = time.perf_counter()
    while not run.done.wait(0.5):
        with best.lock:
            if best.trace:
                since = max(since, best.start + best.trace[-1][0])
        if time.perf_counter() - since >= patience:
            run.solver.stop_search()
            return


def _result(
    instance: Instance,
    best: _Incumbent,
    runs: Sequence[_Global],
    start: float,
    log: list[str],
) -> OsaResult:
    """The shared best plan with the best bound of the CP-SAT runs."""
    bound = None
    if all(run.code != cp_model.INFEASIBLE for run in runs):
        found = [r.bound for r in runs if r.bound is not None]
        if found:
            log.append(f"CP-SAT bound {max(found)}")
        if best.bound is not None:
            found.append(best.bound)
        bound = trivial_bound(instance, max(found, default=None))
    # Every plan offered to the incumbent carries the evaluator's value
    # (a stopped CP-SAT plan's over[r] may carry slack, so its own value
    # is never used).
    rooms, objective = best.rooms, best.objective
    status = Status.UNKNOWN
    if rooms is not None:
        status = Status.FEASIBLE
        if bound is not None and objective is not None and objective <= bound:
            status = Status.OPTIMAL
    elif any(run.code == cp_model.INFEASIBLE for run in runs):
        status = Status.INFEASIBLE
    return OsaResult(
        rooms,
        objective,
        bound,
        status,
        time.perf_counter() - start,
        "cpsat",
        tuple(log),
        tuple(best.trace),
    )


class _Incumbent:
    """The best plan so far, shared by the global run and the search."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.lock = threading.Lock()
        self.rooms: list[int] | None = None
        self.objective: int | None = None
        self.trace: list[tuple[float, int]] = []
        #: A lower bound proved outside CP-SAT (the pattern bound).
        self.bound: int | None = None

    def raise_bound(self, bound: int) -> None:
        """Record a proven lower bound from another source."""
        with self.lock:
            if self.bound is None or bound > self.bound:
                self.bound = bound

    def proved(self) -> bool:
        """True when the external bound proves the best plan optimal."""
        return (
            self.bound is not None
            and self.objective is not None
            and self.objective <= self.bound
        )

    def offer(self, rooms: Sequence[int], objective: int) -> bool:
        """Keep ``rooms`` if it beats the incumbent; True when it did."""
        with self.lock:
            if self.objective is not None and objective >= self.objective:
                return False
            self.rooms, self.objective = list(rooms), objective
            self.trace.append((time.perf_counter() - self.start, objective))
            return True


class _Collect(cp_model.CpSolverSolutionCallback):
    """Pass each plan of the global run to the shared incumbent."""

    def __init__(self, form: Formulation, xs: list[Any], best: _Incumbent):
        super().__init__()
        self.form = form
        self.pairs = [(e, r, xs[var]) for (e, r), var in form.x.items()]
        self.best = best

    def on_solution_callback(self) -> None:
        rooms = [-1] * self.form.instance.num_entities
        for e, r, var in self.pairs:
            if self.boolean_value(var):
                rooms[e] = r
        # The plan's true cost: a stopped solve's over[r] may carry slack.
        value = evaluate(
            self.form.instance, rooms, self.form.away_from
        ).objective
        self.best.offer(rooms, value)


class _Global(threading.Thread):
    """CP-SAT on the whole model, stopped once its bound meets the best."""

    def __init__(
        self,
        model: _Model,
        preset: dict[str, Any],
        time_limit: float,
        seed: int,
        workers: int,
        best: _Incumbent,
    ) -> None:
        super().__init__(name="osa-global", daemon=True)
        self.model = model
        self.best = best
        self.solver = _params(preset, time_limit, seed, workers)
        self.solver.best_bound_callback = self._on_bound
        self.live_bound: float | None = None
        self.bound: int | None = None
        self.code: Any = None
        self.done = threading.Event()

    def _on_bound(self, value: float) -> None:
        self.live_bound = value
        self.check()

    def check(self) -> None:
        """Stop the run when its bound proves the shared incumbent optimal."""
        best = self.best.objective
        if self.best.proved() or (
            best is not None
            and self.live_bound is not None
            and _ceil(self.live_bound) >= best
        ):
            self.solver.stop_search()

    def run(self) -> None:
        try:
            self.code = self.solver.solve(
                self.model.model,
                _Collect(self.model.form, self.model.vars, self.best),
            )
            if self.code != cp_model.INFEASIBLE:
                self.bound = _ceil(self.solver.best_objective_bound)
        finally:
            self.done.set()

    def proved(self) -> bool:
        """True when the run proved infeasibility or the best plan optimal."""
        if self.code == cp_model.INFEASIBLE:
            return True
        best = self.best.objective
        return best is not None and self.bound is not None and (
            self.bound >= best
        )

    def summary(self, start: float) -> str:
        name = self.solver.status_name(self.code).lower()
        return (
            f"global {name} bound={self.bound} wall "
            f"{self.solver.wall_time:.1f}s (ended at "
            f"{time.perf_counter() - start:.1f}s)"
        )


def _reporter(
    form: Formulation, best: _Incumbent, runner: _Global
) -> Callable[[list[int]], None]:
    """Offer an annealed plan to the incumbent and the running prover."""

    def report(rooms: list[int]) -> None:
        plan = form.canonical(rooms)
        value = evaluate(form.instance, plan, form.away_from).objective
        if best.offer(plan, value):
            runner.check()

    return report


def _anneal_phase(
    form: Formulation,
    runner: _Global,
    best: _Incumbent,
    seed_plan: Sequence[int] | None,
    deadline: float,
    seed: int,
    anneal_share: float,
    log: list[str],
) -> list[list[int]]:
    """Anneal from the warm start; then wait for a first plan if needed.

    Returns the annealing's path: every plan it reported, in order.
    """
    path: list[list[int]] = []
    if seed_plan is not None and anneal_share > 0:
        length = min(anneal_share * (deadline - time.perf_counter()), 30.0)
        report = _reporter(form, best, runner)

        def keep(rooms: list[int]) -> None:
            path.append(list(rooms))
            report(rooms)

        found = anneal(
            form.instance, seed_plan, length, seed=seed,
            away_from=form.away_from, stop=runner.done, report=keep,
        )
        log.append(
            f"anneal {found.moves} moves, best {best.objective} at "
            f"{time.perf_counter() - best.start:.1f}s"
        )
    # Without an annealed plan (no warm start), the global run's first
    # plan is the start of everything after.
    while best.rooms is None and not runner.done.wait(0.1):
        if time.perf_counter() >= deadline:
            break
    return path


def _pattern_phase(
    form: Formulation,
    runner: _Global,
    best: _Incumbent,
    path: Sequence[Sequence[int]],
    budget: float,
    log: list[str],
) -> None:
    """Pattern bound and plan (column generation, then a MIP over it).

    Seeded with the best plan (the MIP's start) and the annealing path,
    whose plans differ room by room.  Plans go to the incumbent as the MIP
    finds them; a converged or partial bound becomes the incumbent's
    external bound, which ends every later phase once a plan meets it.
    """
    with best.lock:
        seeds: list[Sequence[int]] = (
            [list(best.rooms)] if best.rooms is not None else []
        )
    # The annealer reports hard-feasible plans only, so the path needs no
    # check here (pattern_plan picks its MIP start among feasible plans).
    seeds += path
    if not seeds or budget < 1.0:
        return
    report = _reporter(form, best, runner)
    started = time.perf_counter()
    result = pattern_plan(
        form.instance, seeds, budget, form.away_from, form=form,
        stop=runner.done, on_plan=report,
        known_bound=lambda: runner.live_bound,
    )
    plan = "none"
    if result.rooms is not None:
        report(result.rooms)
        plan = str(
            evaluate(form.instance, result.rooms, form.away_from).objective
        )
        if result.optimal:
            plan += " (best of its patterns)"
    done = result.bound
    if done.bound is not None:
        best.raise_bound(done.bound)
        runner.check()
    now = time.perf_counter()
    log.append(
        f"pattern bound {done.bound} "
        f"({_ending(done)}, {done.rounds} "
        f"rounds, {done.columns} columns, {done.seconds:.1f}s); pattern "
        f"plan {plan}; best {best.objective} at {now - best.start:.1f}s "
        f"(phase {now - started:.1f}s)"
    )


def _ending(done: PatternBound) -> str:
    if done.converged:
        return "converged"
    return "gave up" if done.gave_up else "partial"


def _search(
    form: Formulation,
    runner: _Global,
    best: _Incumbent,
    deadline: float,
    seed: int,
    log: list[str],
    stall: int = 60,
    kick: float = 3.0,
    kick_heat: float = 0.003,
    mip_share: float = 0.0,
) -> None:
    """LNS, kicked by warm anneals when it stalls, until the deadline."""
    instance, away_from = form.instance, form.away_from
    report = _reporter(form, best, runner)
    if best.rooms is None:
        return
    model = _Model(form)
    mip = SubMip(form, seed) if mip_share > 0 else None
    with best.lock:
        current = (list(best.rooms), best.objective or 0)
    rng = random.Random(seed)
    rounds = 0
    heat = _Heat(kick_heat * abs(best.objective or 0))
    while not runner.done.is_set() and time.perf_counter() < deadline - 0.5:
        rounds += 1
        current = _lns(
            model, current, best, runner, deadline, seed + 1000 * rounds,
            log, stall=stall, mip=mip, mip_share=mip_share,
        )
        left = deadline - time.perf_counter()
        if runner.done.is_set() or left < 2 * kick:
            break
        # Stalled: kick the plan out of its basin with a short, warm
        # anneal from the best plan, then search around the result (an
        # iterated local search; the best plan is never lost).  A kick
        # that ends where it began is no kick: try again, hotter.
        for _ in range(_Heat.TRIES):
            if deadline - time.perf_counter() < 2 * kick:
                break
            with best.lock:
                assert best.rooms is not None
                plan, top = list(best.rooms), best.objective or 0
            found = anneal(
                instance, plan, kick, seed=rng.randrange(1 << 30),
                away_from=away_from, stop=runner.done, t_start=heat.value,
                report=report,
            )
            end = found.final or found.rooms
            if end is None or runner.done.is_set():
                break
            plan = form.canonical(end)
            current = (plan, evaluate(instance, plan, away_from).objective)
            log.append(
                f"kick {rounds} (heat {heat.value:.0f}): from "
                f"{best.objective} to {current[1]} at "
                f"{time.perf_counter() - best.start:.1f}s"
            )
            if not heat.adapt(top, current[1]):
                break


class _Heat:
    """Starting temperature of the kicks, tuned to land near the best plan.

    A kick should leave the best plan's basin but stay close enough for
    the LNS to find its way down again.  At a fixed 600 (centi-units) the
    kicks of the logged 300 s runs ended 9 % (nott1b), 18 % (p025_n005)
    and 90 % (p000_n000) above the best plan, and none led to a better
    one.  The first heat is therefore a share of the best objective (the
    solve's ``kick_heat``), at least :attr:`LOWEST`; it halves after a
    kick that lands more than :attr:`FAR` above the best and doubles
    after one that lands within :attr:`NEAR` (it barely moved), which is
    then repeated at once, up to :attr:`TRIES` kicks in a row.
    """

    FAR = 0.05
    NEAR = 0.005
    LOWEST = 20.0
    #: Kicks in a row while they do not move (each one hotter).
    TRIES = 4

    def __init__(self, start: float) -> None:
        self.value = max(start, self.LOWEST)

    def adapt(self, best: int, kicked: int) -> bool:
        """Adjust the heat to a kick's landing; True when it did not move."""
        excess = (kicked - best) / max(abs(best), 1)
        if excess > self.FAR:
            self.value = max(self.value / 2, self.LOWEST)
        elif excess < self.NEAR:
            self.value *= 2
            return True
        return False


def _perfect(
    model: _Model, time_limit: float, seed: int, workers: int, log: list[str]
) -> list[int] | None:
    """Look for a plan of cost ΣC − ΣS (no over-use, no violation).

    Such a plan is optimal, since under-use − over-use = ΣC − ΣS for
    every plan.  Stating it as constraints (every violation and over-use
    variable 0, every room load at most its capacity, exactly its
    capacity when ΣC = ΣS, soft allocations met) turns the optimisation
    into a tightly propagating satisfaction problem: s000_v000 is found
    in about a second this way, while the optimisation run needed
    minutes.  A copy of the model is used, so the main one is untouched.
    """
    start = time.perf_counter()
    form = model.form
    inst = form.instance
    sat = model.model.clone()
    xs = [sat.get_int_var_from_proto_index(i) for i in range(form.num_vars)]
    for var in (*form.viol.values(), *form.over.values()):
        sat.add(xs[var] == 0)
    for var, coef in form.objective.items():
        if var not in form.over.values() and var not in form.viol.values():
            # Soft (non-)allocations: the only other objective terms.
            sat.add(xs[var] == int(coef < 0))
    loads: dict[int, list[tuple[int, int]]] = {}
    for (e, r), var in form.x.items():
        loads.setdefault(r, []).append((var, inst.entities[e].size))
    exact = inst.total_capacity == inst.total_size
    for r, terms in loads.items():
        load = sum(size * xs[var] for var, size in terms)
        cap = inst.rooms[r].capacity
        sat.add(load == cap if exact else load <= cap)
    if exact:
        for r in set(range(inst.num_rooms)) - set(loads):
            if inst.rooms[r].capacity > 0:
                log.append("perfect: a room no entity may take; skipped")
                return None
    sat.clear_objective()
    solver = _params(load_preset("perfect"), time_limit, seed, workers)
    code = solver.solve(sat)
    log.append(
        f"perfect {solver.status_name(code).lower()} at "
        f"{time.perf_counter() - start:.1f}s"
    )
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return form.rooms_from([solver.value(v) for v in xs])


def _ceil(value: float) -> int:
    # Objective values are integers, so any bound rounds up; the small
    # tolerance absorbs floating-point noise in CP-SAT's double bound.
    return int(-(-value // 1)) if abs(value - round(value)) > 1e-6 else round(
        value
    )


def _rooms_around(
    instance: Instance, rooms: Sequence[int], free: set[int],
    rng: random.Random, extra: int = 6,
) -> set[int]:
    """Rooms of the freed entities, their adjacent rooms, a few more."""
    own = {rooms[e] for e in free}
    around = set(own)
    for r in own:
        around.update(instance.near[r])
    others = [r for r in range(instance.num_rooms) if r not in around]
    around.update(rng.sample(others, min(extra, len(others))))
    return around


_CLUSTER_KINDS = (RuleType.SAMEROOM, RuleType.ADJACENCY, RuleType.NEARBY)


def _web(instance: Instance, rule: Rule) -> set[int]:
    """Entities linked to ``rule`` by soft rules of the same kind."""
    links: dict[int, set[int]] = {}
    for other in instance.rules:
        if other.kind is rule.kind and not other.hard:
            links.setdefault(other.subject, set()).add(other.target)
            links.setdefault(other.target, set()).add(other.subject)
    web: set[int] = set()
    stack = [rule.subject, rule.target]
    while stack:
        e = stack.pop()
        if e not in web:
            web.add(e)
            stack.extend(links.get(e, ()))
    return web


#: Neighbourhood sizes (entities) of the LNS's HiGHS steps: the range,
#: the first size, and the time limit of one step (s).
_MIP_SIZES = (30, 130)
_MIP_START = 50
_MIP_STEP_SECONDS = 3.0

#: Neighbourhood kinds of the LNS, drawn uniformly (repeats weight them).
NEIGHBOURHOODS = (
    "room", "floor", "rule", "rule", "group", "cluster", "cluster",
    "misuse", "misuse",
)


def _misuse(
    instance: Instance,
    rooms: Sequence[int],
    by_room: dict[int, list[int]],
    rng: random.Random,
    size: int,
) -> set[int]:
    """Entities of over-used rooms and of rooms of about their load.

    In a tight packing the over-use sits in single rooms a little too
    small for their occupants (p025_n005 at 131.80: 13 rooms over by
    0.2–1.5 m², each with one entity), and fixing one takes a chain of
    moves among rooms of similar capacity anywhere in the building, which
    the spatial neighbourhoods do not free together.  So: one to three
    over-used rooms (or, with none, the most under-used), then rooms in
    order of how close their capacity is to one of those loads.
    """
    loads = room_loads(instance, rooms)
    caps = [room.capacity for room in instance.rooms]
    over = [r for r in by_room if loads[r] > caps[r]]
    if not over:
        over = sorted(by_room, key=lambda r: loads[r] - caps[r])[:6]
    picked = rng.sample(over, min(len(over), rng.randint(1, 3)))
    free: set[int] = set()
    order = sorted(
        range(instance.num_rooms),
        key=lambda r: min(abs(caps[r] - loads[p]) for p in picked)
        + rng.random(),
    )
    for r in picked + order:
        if len(free) >= size:
            break
        free.update(by_room.get(r, ()))
    return free


def _neighbourhoods(
    instance: Instance, rooms: Sequence[int], rng: random.Random, size: int,
    away_from: AwayFrom,
) -> tuple[str, set[int]]:
    """Pick about ``size`` entities to re-open around the incumbent.

    Returns the kind drawn (one of :data:`NEIGHBOURHOODS`) and the
    entities.
    """
    num_e = instance.num_entities
    by_room: dict[int, list[int]] = {}
    for e, r in enumerate(rooms):
        by_room.setdefault(r, []).append(e)
    kind = rng.choice(NEIGHBOURHOODS)
    free: set[int] = set()
    if kind == "misuse":
        free = _misuse(instance, rooms, by_room, rng, size)
    elif kind == "cluster":
        # A broken pair rule's whole web of rules of its kind (soft
        # SAMEROOM rules form chains of 2–5 entities whose joint size
        # exceeds most rooms), their rooms, and rooms large enough to
        # take much of the web: meeting such rules moves many entities
        # into one big room and its occupants elsewhere at once.
        webbed = [
            v.rule
            for v in evaluate(instance, rooms, away_from).soft_violations
            if v.rule.kind in _CLUSTER_KINDS
        ]
        if webbed:
            web = _web(instance, rng.choice(webbed))
            total = sum(instance.entities[e].size for e in web)
            for e in web:
                free.update(by_room[rooms[e]])
            hosts = [
                r
                for r, room in enumerate(instance.rooms)
                if 2 * room.capacity >= total
            ]
            rng.shuffle(hosts)
            for r in hosts:
                if len(free) >= size:
                    break
                free.update(by_room.get(r, ()))
    elif kind == "group":
        # Whole departments (OSA group ids) with whoever shares their
        # rooms: NEARBY and SAMEROOM rules mostly tie one group, and
        # moving it to another floor needs all of it free at once.
        groups = sorted({entity.group for entity in instance.entities})
        rng.shuffle(groups)
        members: dict[int, list[int]] = {}
        for e, entity in enumerate(instance.entities):
            members.setdefault(entity.group, []).append(e)
        for g in groups:
            for e in members[g]:
                free.update(by_room[rooms[e]])
            if len(free) >= size:
                break
    elif kind == "rule":
        broken = evaluate(instance, rooms, away_from).soft_violations
        seeds = [
            e
            for v in broken
            for e in (v.rule.subject, v.rule.target)
            if v.rule.kind
            not in (RuleType.CAPACITY,)
            and 0 <= e < num_e
        ]
        rng.shuffle(seeds)
        for e in seeds:
            # Re-open the rule's entities and whoever shares their rooms.
            free.update(by_room[rooms[e]])
            free.add(e)
            if len(free) >= size:
                break
    elif kind == "floor":
        floor = rng.choice(instance.floors)
        pool = [
            e for e in range(num_e) if instance.rooms[rooms[e]].floor == floor
        ]
        free.update(rng.sample(pool, min(size, len(pool))))
    # Top up (and the "room" kind): grow around random rooms and their
    # adjacent rooms, so that moves between neighbours are possible.
    room_order = list(range(instance.num_rooms))
    rng.shuffle(room_order)
    for r in room_order:
        if len(free) >= size:
            break
        for q in sorted(instance.near[r]):
            free.update(by_room.get(q, ()))
    return kind, free


def _lns(
    model: _Model,
    current: tuple[list[int], int],
    best: _Incumbent,
    runner: _Global,
    deadline: float,
    seed: int,
    log: list[str],
    sub_limit: float = 1.0,
    stall: int = 60,
    repack: float = 0.5,
    mip: SubMip | None = None,
    mip_share: float = 0.0,
) -> tuple[list[int], int]:
    """Re-open entities around ``current``, re-solve, keep gains.

    A step re-opens 20–45 entities for CP-SAT (40–70 once half-way to a
    stall), or, with probability ``mip_share``, 30–130 for ``mip``
    (HiGHS), whose LP proves most such neighbourhoods optimal within
    seconds.
    Returns after ``stall`` steps without a gain (or at the deadline, or
    when the global run is done).  Each gain that beats the shared best
    is offered to it and to the global run's stopping test; a better plan
    that another source (the global run) finds meanwhile replaces
    ``current`` between steps.
    """
    instance = model.form.instance
    away_from = model.form.away_from
    rng = random.Random(seed)
    size = 30
    # HiGHS steps take larger neighbourhoods, grown while it proves them.
    mip_size = _MIP_START
    it = idle = 0
    rooms, objective = current
    seen = best.objective
    while (left := deadline - time.perf_counter()) > 0.5 and idle < stall:
        if runner.done.is_set():
            break
        it += 1
        idle += 1
        # Half-way to a stall, escalate: neighbourhoods of 40–70 entities
        # with 3 s each reach moves the small ones cannot.
        wide = 2 * idle > stall
        low, high, limit = (
            (40, 70, 3 * sub_limit) if wide else (20, 45, sub_limit)
        )
        size = min(max(size, low), high)
        with best.lock:
            # Take up a plan found elsewhere (the global run) since the
            # last look; the shared best as such is not taken, or a kick
            # away from it would be undone at the first step.
            if best.objective != seen:
                seen = best.objective
                if seen is not None and seen < objective:
                    assert best.rooms is not None
                    rooms, objective = list(best.rooms), seen
        if mip is not None and rng.random() < mip_share:
            # A HiGHS step: a larger neighbourhood, usually proved.
            kind, free = _neighbourhoods(
                instance, rooms, rng, mip_size, away_from
            )
            proved, candidate = mip.solve(
                rooms, free, min(left, _MIP_STEP_SECONDS), runner.done
            )
            mip_low, mip_high = _MIP_SIZES
            mip_size = (
                min(mip_high, mip_size + 2) if proved
                else max(mip_low, mip_size - 5)
            )
            kind += "/highs"
        else:
            kind, free = _neighbourhoods(instance, rooms, rng, size, away_from)
            # Every other step, re-pack the freed entities among their own
            # rooms, the rooms next to them and a few others: a far
            # smaller sub-model that CP-SAT often solves to optimality
            # within the step (on nott1 the open version rarely improved
            # in 1 s).
            within = (
                _rooms_around(instance, rooms, free, rng)
                if rng.random() < repack
                else None
            )
            proved, candidate = model.step(
                rooms, free, within, min(left, limit), seed + it
            )
            # Fully solved neighbourhoods are easy: grow them.
            size = min(high, size + 1) if proved else max(low, size - 2)
        if candidate is None or -1 in candidate:
            continue
        check = evaluate(instance, candidate, away_from)
        # HiGHS works to tolerances: only a plan the checker passes counts.
        value = check.objective
        if check.feasible and value < objective:
            rooms, objective, idle = candidate, value, 0
            if best.offer(candidate, value):
                seen = value
                runner.check()
                log.append(
                    f"lns it {it} {kind} size {len(free)} obj={value} "
                    f"at {time.perf_counter() - best.start:.1f}s"
                )
    log.append(f"lns {it} steps, ended at {objective}")
    return rooms, objective
