"""The OSA portfolio: CP-SAT, annealing, patterns and LNS on one budget.

The solve shares one time budget between:

0. when ΣC ≥ ΣS, a short satisfaction search for a "perfect" plan (no
   over-use, every soft rule met), whose cost ΣC − ΣS is optimal;
1. simulated annealing from the greedy plan
   (:mod:`spaceplan.osa.solvers.anneal`) on the calling thread, while
   CP-SAT runs on the whole model with the LP-heavy preset on its own
   thread and ``workers − 1`` workers (CP-SAT releases the GIL);
1b. with the same CP-SAT run beside it, the pattern phase
   (:mod:`spaceplan.osa.solvers.pattern`): column generation for the
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
   (:class:`spaceplan.osa.solvers.highs.SubMip`), whose LP proves such
   neighbourhoods optimal in seconds; a short warm anneal kicks the
   search out of a stall (an iterated local search).

Plans from every source meet in one shared incumbent, and each CP-SAT
run stops as soon as its bound, or the pattern bound, meets it.  The
bound reported is the best of the CP-SAT runs and the pattern bound,
floored at the trivial space-misuse bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from spaceplan.osa.evaluate import AwayFrom, evaluate
from spaceplan.osa.formulation import (
    Formulation,
    build_formulation,
    trivial_bound,
)
from spaceplan.osa.read import Instance
from spaceplan.osa.solvers.anneal import anneal
from spaceplan.osa.solvers.cpsat import (
    CpsatModel,
    GlobalRun,
    load_preset,
    perfect_plan,
    reporter,
)
from spaceplan.osa.solvers.greedy import solve_greedy
from spaceplan.osa.solvers.incumbent import Incumbent
from spaceplan.osa.solvers.lns import search
from spaceplan.osa.solvers.pattern import PatternBound, pattern_plan
from spaceplan.osa.solvers.result import OsaResult, Status

__all__ = ["PATTERN_MIN_SECONDS", "solve_portfolio", "stop_on_stall"]


#: Shortest pattern phase worth running (s).  Column generation alone
#: takes 20 s (nott1b) to over 100 s (nott1) on one core, and a phase that
#: ends before it converges gives only a bound; with less time the solve
#: runs as before (annealing, CP-SAT, LNS), which the 20 s table of the
#: generated instances measures.
PATTERN_MIN_SECONDS = 100.0


def solve_portfolio(
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
    pattern_min: float = PATTERN_MIN_SECONDS,
    stall_share: float = 0.08,
    mip_share: float = 0.3,
    clock: Callable[[], float] = time.perf_counter,
) -> OsaResult:
    """Solve an OSA instance with the portfolio, led by CP-SAT.

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
        Preset name in the package's ``osa.toml``.
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
        objective (later kicks adapt it, see
        :class:`spaceplan.osa.solvers.lns.Heat`).
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
        (:func:`spaceplan.osa.solvers.pattern.pattern_plan`): column
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
        :class:`spaceplan.osa.solvers.highs.SubMip`).  0 keeps every
        step on CP-SAT.
    clock
        Seconds as a float, read for every share of the budget and every
        deadline of the phases (the sub-solvers keep their own timers);
        a test passes a fake clock so that the phases run in a fixed
        order whatever the machine's load.

    Returns
    -------
    OsaResult
        Best plan, its objective, the proven bound and the status.
    """
    start = clock()
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
    model = CpsatModel(form)
    if hint is not None:
        model.hint(hint)
    if perfect_share > 0 and instance.total_capacity >= instance.total_size:
        spent = clock() - start
        perfect = perfect_plan(
            model, min(perfect_share * (time_limit - spent), 20.0), seed,
            workers, log,
        )
        if perfect is not None:
            value = evaluate(instance, perfect, away_from).objective
            found_at = clock() - start
            return OsaResult(
                perfect,
                value,
                instance.total_capacity - instance.total_size,
                Status.OPTIMAL,
                clock() - start,
                "cpsat",
                tuple(log),
                ((found_at, value),),
            )
    overall = Incumbent(start, clock)
    if fallback is not None:
        overall.offer(*fallback)
    runs: list[GlobalRun] = []

    def launch(limit: float, threads: int) -> GlobalRun:
        # Whole-model CP-SAT on its own thread (it releases the GIL),
        # hinted with the best plan so far.
        with overall.lock:
            if overall.rooms is not None:
                model.hint(overall.rooms)
        run = GlobalRun(
            model, load_preset(preset), limit, seed + len(runs), threads,
            overall,
        )
        runs.append(run)
        run.start()
        return run

    def finish(run: GlobalRun) -> bool:
        run.solver.stop_search()
        run.join()
        log.append(run.summary(start))
        return run.proved()

    if not lns:
        # The plain baseline: one whole-model run on every worker.
        alone = launch(deadline - clock(), workers)
        alone.join()
        finish(alone)
        return _result(instance, overall, runs, start, log)
    spare = max(1, workers - 1)
    # Phase 1: anneal here while CP-SAT builds its LP bound beside it.
    runner = launch(deadline - clock(), spare)
    try:
        path = _anneal_phase(
            form, runner, overall, seed_plan, deadline, seed, anneal_share,
            log,
        )
        # Phase 1b: the pattern bound and the best plan of its patterns,
        # while the same CP-SAT run goes on beside it.
        budget = pattern_share * (deadline - clock())
        patterned = budget >= pattern_min and not runner.done.is_set()
        if patterned:
            _pattern_phase(form, runner, overall, path, budget, log)
    finally:
        proved = finish(runner) or overall.proved()
    # Phase 2: CP-SAT alone on every worker from the best plan; with two
    # or more workers it interleaves its own LNS with the LP worker.
    left = deadline - clock()
    if not proved and overall.rooms is not None and internal_share > 0:
        alone = launch(internal_share * left, workers)
        if patterned:
            # After the pattern phase CP-SAT's plans come early or not at
            # all (nott1b: two within 5 s of a 67 s share; p000_n000: one
            # in 65 s) while our LNS went on finding them: hand the rest
            # over once it stalls.
            stop_on_stall(alone, overall, max(10.0, stall_share * left))
        alone.join()
        proved = finish(alone) or overall.proved()
    # Phase 3: our LNS here, CP-SAT on the spare workers beside it.
    left = deadline - clock()
    if not proved and left > 1.0:
        runner = launch(left, spare)
        try:
            search(
                form, runner, overall, deadline, seed, log, stall, kick,
                kick_heat, mip_share,
            )
        finally:
            finish(runner)
    return _result(instance, overall, runs, start, log)


def stop_on_stall(
    run: GlobalRun, best: Incumbent, patience: float, poll: float = 0.5
) -> None:
    """Wait for ``run``; stop it once no plan improved for ``patience`` s.

    Time is read from ``best.clock``; the run is looked at every ``poll``
    seconds.
    """
    clock = best.clock
    since = clock()
    while not run.done.wait(poll):
        with best.lock:
            if best.trace:
                since = max(since, best.start + best.trace[-1][0])
        if clock() - since >= patience:
            run.solver.stop_search()
            return


def _result(
    instance: Instance,
    best: Incumbent,
    runs: Sequence[GlobalRun],
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
        best.clock() - start,
        "cpsat",
        tuple(log),
        tuple(best.trace),
    )


def _anneal_phase(
    form: Formulation,
    runner: GlobalRun,
    best: Incumbent,
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
        length = min(anneal_share * (deadline - best.clock()), 30.0)
        report = reporter(form, best, runner)

        def keep(rooms: list[int]) -> None:
            path.append(list(rooms))
            report(rooms)

        found = anneal(
            form.instance, seed_plan, length, seed=seed,
            away_from=form.away_from, stop=runner.done, report=keep,
        )
        log.append(
            f"anneal {found.moves} moves, best {best.objective} at "
            f"{best.clock() - best.start:.1f}s"
        )
    # Without an annealed plan (no warm start), the global run's first
    # plan is the start of everything after.
    while best.rooms is None and not runner.done.wait(0.1):
        if best.clock() >= deadline:
            break
    return path


def _pattern_phase(
    form: Formulation,
    runner: GlobalRun,
    best: Incumbent,
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
    report = reporter(form, best, runner)
    started = best.clock()
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
    now = best.clock()
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
