"""Walls that may move, around a plan: a neighbourhood search.

On a large building the model with every merge and split is too large
to build and solve in the time limit (:data:`backend.FULL_MODEL_PAIRS`,
:data:`backend.MOVES_SHARE`). The rooms as they are solve well, and a
plan of theirs is improved here a window at a time: the rooms that fit
their functions worst, with the rooms their merges and splits reach,
may move their walls; every other function stays where the plan put
it. Each window is a model of the size of the building as it is plus
the window's options.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from spaceplan.solution import Plan
from spaceplan.solvers.config import SolverConfig
from spaceplan.solvers.cpsat.model import AllocationModel, BuildTimeout
from spaceplan.solvers.greedy import GreedySolution
from spaceplan.solvers.problem import Problem

#: Rooms of the plan that seed one window (the worst fits first).
SEEDS = 6
#: Seconds a window must have left to be worth its build.
MIN_WINDOW_SECONDS = 3.0


def seeds(plain: Problem, found: GreedySolution) -> list[int]:
    """Every room, those hosting fixed functions first, the most unused
    area first; then the others (a merge of them may take a function
    left out), in building order.

    The unused area is the room's own less the largest load of one slot
    (a booked function counts in full), as the objective prices it.
    """
    placement = found[0]
    load: dict[int, list[int]] = {}
    for f, r in placement.items():
        load.setdefault(r, []).append(f)
    unused = {}
    for r, fs in load.items():
        peak = max(
            (
                sum(
                    int(plain.need_units[f])
                    for f in fs
                    if plain.sessions[f] or plain.active[f, s]
                )
                for s in range(len(plain.slots))
            ),
            default=0,
        )
        unused[r] = int(plain.room_units[r]) - peak
    first = sorted(unused, key=lambda r: (-unused[r], r))
    return first + [r for r in range(plain.num_rooms) if r not in unused]


def window_of(problem: Problem, rooms: Sequence[str]) -> frozenset[str]:
    """``rooms`` and every original room a move of theirs reaches."""
    wanted = set(rooms)
    out = set(rooms)
    for opt in problem.options:
        if opt.kind != "keep" and wanted & set(opt.covers):
            out.update(opt.covers)
    return frozenset(out)


#: Earlier candidates (function index to room id) and how many
#: functions a plan must move from each.
Apart = tuple[Sequence[dict[int, str]], int]
#: Sets up a solver as the backend does (preset, renovating parameters).
Configure = Callable[[cp_model.CpSolver], None]
#: Reads a plan out of a solved model (the backend's extraction).
Extract = Callable[[Problem, AllocationModel, cp_model.CpSolver], Plan]


def improve(
    problem: Problem,
    plain: Problem,
    found: GreedySolution,
    floor: int,
    config: SolverConfig,
    deadline: float,
    tools: tuple[Configure, Extract],
    apart: Apart = ((), 0),
) -> tuple[Plan, int] | None:
    """A better plan than ``found``, by windows of moves; or None.

    ``found`` is a plan of the rooms as they are (``plain``'s indices)
    worth ``floor`` milli-points. Windows are tried while time is left,
    each from the best plan so far; a window that improves stays free
    in the next ones (its merged or split rooms may hold functions
    then). ``apart`` holds the earlier candidates (function to room id)
    and how many functions each window's plan must move from each.
    Returns the best plan and its objective (milli-points) when it
    beats ``floor``.
    """
    order = [plain.rooms[r].id for r in seeds(plain, found)]
    current = (
        {f: plain.rooms[r].id for f, r in found[0].items()},
        {plain.rooms[r].id for r in found[1]},
    )
    best: tuple[Plan, int] | None = None
    free: frozenset[str] = frozenset()
    tried: set[str] = set()
    # A window costs its build and solve: the last one's time, at least
    # MIN_WINDOW_SECONDS, must be left for the next.
    cost = MIN_WINDOW_SECONDS
    while deadline - time.perf_counter() > cost:
        began = time.perf_counter()
        batch = [r for r in order if r not in tried][:SEEDS]
        if not batch:
            break
        tried.update(batch)
        window = free | window_of(problem, batch)
        step = _solve_window(problem, window, current, config, deadline,
                             tools, apart)
        cost = max(cost, time.perf_counter() - began)
        if step is None:
            continue
        plan, objective, current_new = step
        if objective > (floor if best is None else best[1]):
            best = (plan, objective)
            current = current_new
            free = window
    return best


def _solve_window(
    problem: Problem,
    window: frozenset[str],
    current: tuple[dict[int, str], set[str]],
    config: SolverConfig,
    deadline: float,
    tools: tuple[Configure, Extract],
    apart: Apart,
) -> tuple[Plan, int, tuple[dict[int, str], set[str]]] | None:
    """One window: its moves free, every function outside it fixed,
    apart from the earlier candidates (see :func:`improve`)."""
    configure, extract = tools
    earlier, min_difference = apart
    # The problem's options, pruned already, filtered to the window.
    sub = Problem(problem.scenario, movable=window, given=problem.options)
    try:
        built = AllocationModel(sub, config.weights, deadline=deadline)
    except BuildTimeout:
        return None
    for before in earlier:
        # A function whose earlier room is not among this window's
        # rooms (a merge or split outside it) has moved already.
        inside = {
            f: sub.room_idx[rid]
            for f, rid in before.items()
            if rid in sub.room_idx
        }
        still = min_difference - (len(before) - len(inside))
        if still > 0:
            built.add_difference(inside, still)
    placed, flex = current
    idx = sub.room_idx
    for f, rid in placed.items():
        r = idx[rid]
        if rid not in window and (f, r) in built.x:
            built.model.add(built.x[f, r] == 1)
    left = deadline - time.perf_counter()
    if left <= 1.0:
        return None
    built.hint(
        {f: idx[rid] for f, rid in placed.items()},
        {idx[rid] for rid in flex},
        time_limit=min(5.0, left / 4),
    )
    solver = cp_model.CpSolver()
    configure(solver)
    solver.parameters.max_time_in_seconds = max(
        0.1, deadline - time.perf_counter()
    )
    if solver.solve(built.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    plan = extract(sub, built, solver)
    rooms = sub.rooms
    after = (
        {f: rooms[r].id for (f, r), v in built.x.items()
         if solver.boolean_value(v)},
        {rooms[r].id for r, v in built.flex.items()
         if solver.boolean_value(v)},
    )
    return plan, round(solver.objective_value), after
