"""Solver and bench-runner tests: optima, re-scoring, bad input."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from spaceplan.cli import main
from spaceplan.errors import InputError
from spaceplan.osa.bench import run_bench
from spaceplan.osa.cli import osa
from spaceplan.osa.evaluate import evaluate
from spaceplan.osa.formulation import build_formulation, trivial_bound
from spaceplan.osa.read import Instance, RuleType, read_instance, read_solution
from spaceplan.osa.solvers.anneal import Annealer
from spaceplan.osa.solvers.cpsat import CpsatModel, load_preset
from spaceplan.osa.solvers.greedy import solve_greedy
from spaceplan.osa.solvers.highs import SubMip, solve_highs
from spaceplan.osa.solvers.incumbent import Incumbent
from spaceplan.osa.solvers.lns import Heat, lns, misuse, rule_web
from spaceplan.osa.solvers.portfolio import solve_portfolio, stop_on_stall
from spaceplan.osa.solvers.result import Status

TINY = Path(__file__).parent / "data" / "tiny.txt"


def _frozen() -> float:
    """A clock that never moves: phases and searches end by counts only."""
    return 0.0


class _StepClock:
    """A fake clock: each reading is ``step`` seconds after the last."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


Plans = Callable[..., list[tuple[int, list[int]]]]


@pytest.mark.parametrize("away_from", ["floor", "room"])
def test_cpsat_and_highs_match_brute_force(
    tiny: Instance, away_from: str, feasible_plans: Plans
) -> None:
    best = feasible_plans(tiny, away_from)[0][0]
    for result in (
        solve_portfolio(tiny, 10, seed=1, workers=1, away_from=away_from),  # type: ignore[arg-type]
        solve_highs(tiny, 10, seed=1, workers=1, away_from=away_from),  # type: ignore[arg-type]
    ):
        assert result.status is Status.OPTIMAL
        assert result.objective == best == result.bound
        assert result.rooms is not None
        check = evaluate(tiny, result.rooms, away_from)  # type: ignore[arg-type]
        assert check.feasible
        assert check.objective == best


def test_formulation_values_reproduce_evaluator(tiny: Instance) -> None:
    # For every hard-feasible plan, the variable values the formulation
    # derives give the evaluator's objective: model and checker agree.
    form = build_formulation(tiny)
    for rooms in itertools.product(range(tiny.num_rooms), repeat=4):
        check = evaluate(tiny, list(rooms))
        if check.feasible:
            values = form.values_for(list(rooms))
            assert form.objective_of(values) == check.objective


def test_greedy_returns_a_full_plan(tiny: Instance) -> None:
    result = solve_greedy(tiny, seed=3, time_limit=0.5)
    assert result.rooms is not None and len(result.rooms) == 4
    assert result.objective == evaluate(tiny, result.rooms).objective


def test_nott1d_known_optimum(osa_files: dict[str, Path]) -> None:
    # Regression: nott1d's proven optimum is 201.55 (the reference). The
    # LP of our formulation is already 201.55 there, so this is quick.
    # The solve ends when its bound proves the plan optimal; the 600 s
    # limit is only a safety net, so the outcome does not depend on the
    # machine's speed or load.
    inst = read_instance(osa_files["nott1d"])
    result = solve_portfolio(inst, 600, seed=1, workers=2)
    assert result.status is Status.OPTIMAL
    assert result.objective == 20155 == result.bound
    assert result.rooms is not None
    assert evaluate(inst, result.rooms).objective == 20155


def test_bench_solution_rescored(tmp_path: Path) -> None:
    rows = run_bench([TINY], ["cpsat", "greedy"], tmp_path, 5, 1, 1)
    inst = read_instance(TINY)
    best = min(int(r.evaluated.replace(".", "")) for r in rows)
    for row in rows:
        sol = read_solution(tmp_path / f"tiny.{row.solver}.sol", inst)
        # The file on disk re-scores to the number the runner reported.
        assert f"{evaluate(inst, sol).objective / 100:.2f}" == row.objective
    sol = read_solution(tmp_path / "tiny.sol", inst)
    assert evaluate(inst, sol).objective == best
    assert (tmp_path / "results.csv").read_text().count("\n") == 3
    assert "| tiny | cpsat | optimal |" in (tmp_path / "results.md").read_text()
    # No temporary file of the atomic writer is left behind.
    assert not list(tmp_path.glob(".*"))
    # Each solve leaves its log, ending with its outcome; CP-SAT's lists
    # its improving plans, the last of which is the reported objective.
    for row in rows:
        log = (tmp_path / f"tiny.{row.solver}.log").read_text().splitlines()
        assert log[-1].startswith(f"result: {row.status} objective {row.objective}")
        if row.solver == "cpsat":
            assert log[-2].split()[1] == row.objective


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Unknown instance name.
        (["nott9z"], "Unknown instance 'nott9z'"),
        # A file that is not an OSA instance: names file and line.
        (["BAD"], "bad.txt:1:"),
        # A malformed entity line deep in the file.
        (["BAD2"], "bad2.txt:6: entity line needs 3 fields"),
    ],
)
def test_cli_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "bad.txt").write_text("hello world\n")
    lines = TINY.read_text().splitlines()
    lines[5] = "0 0"
    (tmp_path / "bad2.txt").write_text("\n".join(lines))
    paths = {"BAD": "bad.txt", "BAD2": "bad2.txt"}
    args = [str(tmp_path / paths[a]) if a in paths else a for a in args]
    # Through the whole CLI: its group turns InputError into one line
    # (asked in English: the messages are matched in English words).
    result = CliRunner().invoke(
        main,
        ["bench", "osa", *args, "--data", str(TINY.parent), "--seed", "1",
         "-o", str(tmp_path), "--lang", "en"],
    )
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_runs_tiny_by_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        osa,
        [str(TINY), "--seed", "1", "--workers", "1", "--time-limit", "5",
         "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tiny.sol").exists()


def test_preset_typo_fails(tmp_path: Path) -> None:
    bad = tmp_path / "osa.toml"
    bad.write_text("[default]\nnum_wrokers = 2\n")
    with pytest.raises(
        InputError,
        match="default.num_wrokers: is not a CP-SAT parameter; did you mean "
        "'num_workers'",
    ):
        load_preset("default", bad)
    assert "subsolvers" in load_preset("default")


def test_all_phases_on_a_hard_instance(osa_files: dict[str, Path]) -> None:
    # nott1b is not solved in seconds, so the phases run in turn:
    # annealing and the pattern phase beside the global run, CP-SAT alone,
    # then our LNS beside it.  The solve reads a frozen clock, so every
    # phase gets its share of the 12 s whatever the machine's load (each
    # sub-solver keeps its own timer), and the LNS ends after two steps
    # without a gain, with no kick (a kick needs 2 x 7 s left of 12).  The
    # plan must be hard-feasible and re-score to the reported objective,
    # and the bound must lie between the trivial bound and the plan.
    inst = read_instance(osa_files["nott1b"])
    result = solve_portfolio(
        inst, 12, seed=2, workers=2, perfect_share=0, anneal_share=0.1,
        pattern_share=0.3, pattern_min=0, internal_share=0.15, stall=2,
        kick=7, clock=_frozen,
    )
    assert result.status is Status.FEASIBLE
    assert result.rooms is not None and result.objective is not None
    check = evaluate(inst, result.rooms)
    assert check.feasible
    assert check.objective == result.objective
    assert result.bound is not None
    assert trivial_bound(inst) <= result.bound < result.objective
    notes = "\n".join(result.log)
    assert "anneal" in notes and "pattern bound" in notes
    assert notes.count("global ") == 3
    assert "lns " in notes and "kick" not in notes
    # The trace only ever improves, and ends at the reported plan.
    values = [value for _, value in result.trace]
    assert values == sorted(values, reverse=True)
    assert values[-1] == result.objective


def test_cluster_neighbourhood_covers_a_rule_web(
    osa_files: dict[str, Path],
) -> None:
    # nott1b's soft SAMEROOM rules form webs of 2–5 entities; a cluster
    # neighbourhood frees a whole web (and the rooms its members are in).
    inst = read_instance(osa_files["nott1b"])
    same = [r for r in inst.rules if r.kind is RuleType.SAMEROOM]
    sizes = sorted({len(rule_web(inst, rule)) for rule in same})
    assert sizes == [2, 3, 4, 5]
    for rule in same:
        web = rule_web(inst, rule)
        assert {rule.subject, rule.target} <= web
        # Closed: no SAMEROOM rule leaves the web.
        for other in same:
            assert (other.subject in web) == (other.target in web)
    # Entities of one web are one department (group) in this instance.
    assert all(
        len({inst.entities[e].group for e in rule_web(inst, rule)}) == 1
        for rule in same
    )


class _Idle:
    """Stands in for the global CP-SAT run beside the LNS: never done."""

    def __init__(self) -> None:
        self.done = threading.Event()

    def check(self) -> None:
        pass


def test_lns_keeps_its_own_plan_after_a_kick(
    osa_files: dict[str, Path],
) -> None:
    # After a kick the LNS must search from the kicked plan, not fall back
    # to the shared best at its first step; only a best that changes
    # while it runs (a plan from the global run) is taken up.
    inst = read_instance(osa_files["nott1d"])
    state = Annealer(inst)
    state.set_plan(solve_greedy(inst, seed=1, time_limit=0.2).rooms or [])
    found = state.run(30.0, seed=1, max_moves=20_000)
    assert found.rooms is not None
    form = build_formulation(inst)
    kicked = form.canonical(found.rooms)
    value = evaluate(inst, kicked).objective
    best = Incumbent(0.0, _frozen)
    # A shared best that claims a cost no plan has: taking it up would
    # show as that number coming back.
    best.offer(kicked[::-1], 1)
    rooms, objective = lns(
        CpsatModel(form), (kicked, value), best, _Idle(),  # type: ignore[arg-type]
        20.0, seed=1, log=[], stall=2,
    )
    assert objective != 1
    assert evaluate(inst, rooms).objective == objective <= value


def test_highs_step_is_the_best_plan_of_its_neighbourhood(
    tiny: Instance, feasible_plans: Plans
) -> None:
    # A HiGHS LNS step moves only the freed entities and returns the best
    # plan among those that keep every other entity where it was (brute
    # force).  One SubMip serves every step, so bounds left by an earlier
    # step (one entity free, then all, then a few) must not leak into the
    # next.
    form = build_formulation(tiny)
    plans = feasible_plans(tiny)
    start = plans[-1][1]  # the worst hard-feasible plan
    mip = SubMip(form, seed=1)
    for free in ({0}, set(range(4)), {1, 3}, set(), {2}, {0, 1, 2}):
        proved, rooms = mip.solve(start, free, 10)
        assert proved and rooms is not None
        kept = [e for e in range(4) if e not in free]
        reachable = [
            value
            for value, plan in plans
            if all(plan[e] == start[e] for e in kept)
        ]
        assert all(rooms[e] == start[e] for e in kept)
        check = evaluate(tiny, rooms)
        assert check.feasible
        assert check.objective == min(reachable), free
    # Freed entirely, the step is the optimum; a stop already set ends
    # the step at once, with the start plan as the only plan.
    proved, rooms = mip.solve(start, set(range(4)), 10)
    assert rooms is not None
    assert evaluate(tiny, rooms).objective == plans[0][0]
    halted = threading.Event()
    halted.set()
    proved, rooms = mip.solve(start, set(range(4)), 10, halted)
    assert not proved
    # An interrupted step must not end the next one: HiGHS keeps the
    # callback's interrupt flag until it is cleared.
    proved, rooms = mip.solve(start, set(range(4)), 10)
    assert proved and rooms is not None
    assert evaluate(tiny, rooms).objective == plans[0][0]


def test_lns_with_highs_steps_improves_nott1d(
    osa_files: dict[str, Path],
) -> None:
    # Every step on HiGHS (mip_share 1): from the greedy plan the LNS
    # must reach a better, hard-feasible plan that re-scores exactly.  The
    # clock moves 1 s a reading and the LNS reads it at least once a
    # step, so it ends after at most 8 steps, whatever the load.
    inst = read_instance(osa_files["nott1d"])
    form = build_formulation(inst)
    plan = form.canonical(
        solve_greedy(inst, seed=1, time_limit=0.2).rooms or []
    )
    value = evaluate(inst, plan).objective
    best = Incumbent(0.0, _StepClock(1.0))
    best.offer(plan, value)
    log: list[str] = []
    rooms, objective = lns(
        CpsatModel(form),
        (plan, value),
        best,
        _Idle(),  # type: ignore[arg-type]
        8.5,
        seed=1,
        log=log,
        stall=8,
        mip=SubMip(form, seed=1),
        mip_share=1.0,
    )
    check = evaluate(inst, rooms)
    assert check.feasible
    assert check.objective == objective < value
    assert any("/highs" in line for line in log)
    assert not any(" size " in line and "/highs" not in line for line in log)


def test_misuse_neighbourhood_frees_rooms_of_about_the_over_load(
    tmp_path: Path,
) -> None:
    # Room 0 (10 m²) holds entity 0 (12 m²): the only over-used room.
    # The rooms nearest in capacity to its load of 12 are room 3 (12 m²)
    # and room 1 (13 m²), wherever they are; rooms 2, 4, 5 are far off.
    text = """NoOfEntities: 6
NoOfRooms: 6
NoOfConstraints: 0
ENTITIES
0 0 12
1 0 11
2 0 10
3 0 25
4 0 40
5 0 5
ROOMS
0 0 10 0
1 1 13 0
2 0 30 0
3 2 12 0
4 0 50 0
5 0 5 0
CONSTRAINTS
"""
    path = tmp_path / "misuse.txt"
    path.write_text(text)
    inst = read_instance(path)
    rooms = [0, 1, 3, 2, 4, 5]
    by_room = {r: [e] for e, r in enumerate(rooms)}
    for seed in range(5):
        rng = random.Random(seed)
        assert misuse(inst, rooms, by_room, rng, 3) == {0, 1, 2}
    # Larger neighbourhoods go on in order of capacity: room 5 (5 m²)
    # before room 2 (30 m²).
    assert misuse(inst, rooms, by_room, random.Random(0), 4) == {
        0, 1, 2, 5,
    }


def test_kick_heat_adapts_to_where_kicks_land() -> None:
    # A kick that lands far above the best plan halves the heat (down to
    # the floor); one that barely moves doubles it; in between it stays.
    heat = Heat(0.003 * 13_000)
    assert heat.value == pytest.approx(39.0)
    # adapt() answers whether the kick should be repeated (it stayed put).
    assert heat.adapt(13_000, 13_000)
    assert heat.value == pytest.approx(78.0)
    assert not heat.adapt(13_000, 13_000 + 13_000 * 3 // 100)
    assert heat.value == pytest.approx(78.0)
    assert not heat.adapt(13_000, 14_000)
    assert heat.value == pytest.approx(39.0)
    heat.adapt(13_000, 20_000)
    heat.adapt(13_000, 20_000)
    assert heat.value == Heat.LOWEST
    # A tiny best plan (an objective near 0) starts at the floor too.
    assert Heat(0.0).value == Heat.LOWEST


def test_plain_baseline_without_lns(
    tiny: Instance, feasible_plans: Plans
) -> None:
    # lns=False is one whole-model CP-SAT run: same optimum, same checks.
    best = feasible_plans(tiny)[0][0]
    result = solve_portfolio(tiny, 10, seed=1, workers=1, lns=False)
    assert result.status is Status.OPTIMAL
    assert result.objective == best == result.bound
    assert result.rooms is not None
    assert evaluate(tiny, result.rooms).objective == best
    assert not any("anneal" in line for line in result.log)


class _FakeRun:
    """Stands in for a CP-SAT run: done when stopped.

    Each wait for it to end is where time passes: it moves the clock on by
    the wait and, while ``plans`` last, offers the next better plan.
    """

    def __init__(
        self, best: Incumbent, clock: _StepClock, plans: int = 0
    ) -> None:
        self.done = threading.Event()
        self.stops = 0
        self.solver = self
        self.best = best
        self.clock = clock
        self.plans = plans
        self.waits = 0

    def stop_search(self) -> None:
        self.stops += 1
        self.done.set()

    def wait(self, timeout: float) -> bool:
        self.waits += 1
        self.clock.now += timeout
        if self.waits <= self.plans:
            self.best.offer([0], 1000 - self.waits)
        elif self.plans:
            # A busy run ends by itself after its last plan.
            self.done.set()
        return self.done.is_set()


def test_phase_two_stops_on_stall_only() -> None:
    # The clock moves 0.5 s per poll (and a little per reading): a run
    # that offers a better plan at every poll is left alone until it ends
    # itself, however long that takes; one that offers none is stopped
    # at the first poll past the patience of 3 s.
    clock = _StepClock(0.01)
    best = Incumbent(clock(), clock)
    busy = _FakeRun(best, clock, plans=40)
    busy.done.wait = busy.wait  # type: ignore[method-assign]
    stop_on_stall(busy, best, 3.0)  # type: ignore[arg-type]
    assert busy.stops == 0 and busy.waits == 41
    idle = _FakeRun(best, clock)
    idle.done.wait = idle.wait  # type: ignore[method-assign]
    stop_on_stall(idle, best, 3.0)  # type: ignore[arg-type]
    assert idle.stops == 1 and idle.waits == 6
