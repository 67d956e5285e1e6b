"""Options that can never beat keeping their rooms are pruned, exactly.

:meth:`spaceplan.solvers.problem.Problem.useless`: a merge or split whose
rooms no fixed function fits can only hold the flexible function, and
keeping the covered rooms for it gives the same objective without the
works. Hand-sized cases, the arithmetic in comments.
"""

from __future__ import annotations

from ortools.sat.python import cp_model
from tests.test_renovation import (
    HAND,
    PRICES,
    box,
    corridor,
    func,
    room,
    scenario,
    solved,
)

from spaceplan.data import Room, Scenario
from spaceplan.solvers.cpsat.model import AllocationModel
from spaceplan.solvers.problem import Problem

FLEX = func("flex", 0, flexible=True)


def three_rooms() -> list[Room]:
    """A, B, D, 5 m x 4 m each in a row; only D is accessible."""
    return [
        room("A", box(0, 0, 5, 4)),
        room("B", box(5, 0, 10, 4)),
        room("D", box(10, 0, 15, 4), tags=["accessible"]),
        corridor(15),
    ]


def nothing_fits() -> Scenario:
    # "big" (65 m²) fits no room, not even A+B+D (60 m²); "desk" (12 m²)
    # needs the accessible tag, which only D has (a merged room has it
    # only when every part has it), and a split part of D is 9.6 or
    # 10.4 m² (the only cut on the module that leaves two parts 2.1 m
    # wide). So every merge and split can hold the flexible function
    # alone.
    functions = [
        FLEX,
        func("desk", 12, needs=["accessible"]),
        func("big", 65, required="recommended"),
    ]
    return scenario(functions, three_rooms(), {"cost": PRICES})


def best(problem: Problem, force: str | None = None) -> float:
    """The model's optimum in points, one option's rooms forced in."""
    built = AllocationModel(problem, HAND.weights)
    if force is not None:
        o = next(
            o for o, opt in enumerate(problem.options)
            if opt.names == (force,)
        )
        built.model.add(built.use[o] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value / 1000


def test_an_option_no_fixed_function_fits_is_pruned() -> None:
    scen = nothing_fits()
    full = Problem(scen)
    pruned = Problem(scen, prune=True)
    kinds = [o.kind for o in full.options]
    assert kinds.count("merge") == 3 and kinds.count("split") == 3
    # Every move is useless here: only the keeps are left, and the
    # problem no longer renovates.
    assert [o.kind for o in pruned.options] == ["keep"] * 3
    assert not pruned.renovating
    # Desk in D (20 m² resident), A and B flexible (40 m²), big left out
    # (20 + 2 × 65 = 150): 60 − 150 = −90, with or without the moves.
    assert best(full) == best(pruned) == -90.0
    # The merge A+B holds the flexible function as A and B do, and its
    # 4 m partition costs 3,200 元 = 3.2 points: −93.2.
    assert best(full, force="A+B") == -93.2
    assert solved(scen).candidates[0].objective == -90.0


def test_an_option_a_function_fits_is_kept() -> None:
    # A 30 m² hall fits A+B, B+D and A+B+D but no room alone: the
    # merges stay (the splits, 9.6 and 10.4 m² parts, still go).
    functions = [FLEX, func("hall", 30, required="recommended")]
    scen = scenario(functions, three_rooms(), {"cost": PRICES})
    pruned = Problem(scen, prune=True)
    merges = [o.names[0] for o in pruned.options if o.kind == "merge"]
    assert sorted(merges) == ["A+B", "A+B+D", "B+D"]
    assert not any(o.kind == "split" for o in pruned.options)
    # The hall in A+B (40 m²), D flexible (20 m²), minus 3.2 points of
    # works: 56.8, as without pruning.
    assert best(Problem(scen)) == best(pruned) == 56.8
    cand = solved(scen).candidates[0]
    assert cand.objective == 56.8
    assert cand.plan.placement()["hall"] in ("A+B", "B+D")


def test_a_split_whose_part_fits_a_function_is_kept() -> None:
    # A 9 m² desk fits the parts of D's cuts (9.6 / 10.4 m², and 10.8 /
    # 9.2 m² at the cut that leaves part b just large enough); A's and
    # B's parts lack the tag and go.
    functions = [FLEX, func("desk", 9, needs=["accessible"])]
    scen = scenario(functions, three_rooms(), {"cost": PRICES})
    pruned = Problem(scen, prune=True)
    splits = [o.covers for o in pruned.options if o.kind == "split"]
    assert len(splits) == 2 and set(splits) == {("D",)}
    assert best(Problem(scen)) == best(pruned)
