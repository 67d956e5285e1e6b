"""CP-SAT for OSA: the model, its presets, the whole-model run.

:class:`CpsatModel` states the shared formulation
(:mod:`spaceplan.osa.formulation`) as a CP-SAT model and re-solves it
cheaply with most entities fixed (the LNS steps of
:mod:`spaceplan.osa.solvers.lns`); :class:`GlobalRun` runs CP-SAT on the
whole model on its own thread, handing each plan to the shared
:class:`~spaceplan.osa.solvers.incumbent.Incumbent` and stopping once its
bound meets the best plan; :func:`perfect_plan` looks for a plan of the
trivial cost.  Parameters come from the presets in ``osa.toml`` (shipped
in this package), their names checked against CP-SAT's own.
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from spaceplan.errors import InputError, Msg
from spaceplan.osa.evaluate import evaluate
from spaceplan.osa.formulation import Formulation
from spaceplan.osa.solvers.incumbent import Incumbent
from spaceplan.solvers.config import check_cpsat_params
from spaceplan.solvers.cpsat.backend import apply_params

__all__ = [
    "CpsatModel",
    "GlobalRun",
    "ceil_bound",
    "cpsat_solver",
    "load_preset",
    "perfect_plan",
    "reporter",
]

#: The presets file, shipped inside :mod:`spaceplan.osa`.
PRESETS = "osa.toml"


def load_preset(name: str, path: Path | None = None) -> dict[str, Any]:
    """Read one CP-SAT preset and check it against CP-SAT's parameters.

    Parameters
    ----------
    name
        Table name in the TOML file, for example ``"default"``.
    path
        The TOML file; the package's ``osa.toml`` when None.

    Returns
    -------
    dict
        Parameter name to value.

    Raises
    ------
    InputError
        When the preset is missing, a key is not a CP-SAT parameter or a
        value has the wrong type.
    """
    source = files("spaceplan.osa").joinpath(PRESETS) if path is None else path
    where = path if path is not None else f"spaceplan.osa/{PRESETS}"
    presets = tomllib.loads(source.read_text(encoding="utf-8"))
    if name not in presets:
        raise InputError(
            where,
            None,
            Msg("err.osa.preset", name=name, known=", ".join(presets)),
        )
    preset = dict(presets[name])
    try:
        check_cpsat_params(preset, Path(where))
    except InputError as exc:
        # Its field reads "params.<key>"; here the table is the preset.
        key = (exc.field or "").removeprefix("params.")
        raise InputError(where, f"{name}.{key}", exc.reason) from None
    try:
        apply_params(cp_model.CpSolver(), preset)
    except (TypeError, ValueError) as exc:
        raise InputError(
            where, f"[{name}]", Msg("err.osa.value", detail_en=exc)
        ) from exc
    return preset


class CpsatModel:
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
        solver = cpsat_solver(self._preset, time_limit, seed, 1)
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


def cpsat_solver(
    preset: dict[str, Any], time_limit: float, seed: int, workers: int
) -> cp_model.CpSolver:
    """A CP-SAT solver set up with ``preset`` and the run's limits."""
    solver = cp_model.CpSolver()
    apply_params(solver, preset)
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    return solver


class _Collect(cp_model.CpSolverSolutionCallback):
    """Pass each plan of the global run to the shared incumbent."""

    def __init__(self, form: Formulation, xs: list[Any], best: Incumbent):
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


class GlobalRun(threading.Thread):
    """CP-SAT on the whole model, stopped once its bound meets the best."""

    def __init__(
        self,
        model: CpsatModel,
        preset: dict[str, Any],
        time_limit: float,
        seed: int,
        workers: int,
        best: Incumbent,
    ) -> None:
        super().__init__(name="osa-global", daemon=True)
        self.model = model
        self.best = best
        self.solver = cpsat_solver(preset, time_limit, seed, workers)
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
            and ceil_bound(self.live_bound) >= best
        ):
            self.solver.stop_search()

    def run(self) -> None:
        try:
            self.code = self.solver.solve(
                self.model.model,
                _Collect(self.model.form, self.model.vars, self.best),
            )
            if self.code != cp_model.INFEASIBLE:
                self.bound = ceil_bound(self.solver.best_objective_bound)
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
            f"{self.best.clock() - start:.1f}s)"
        )


def reporter(
    form: Formulation, best: Incumbent, runner: GlobalRun
) -> Callable[[list[int]], None]:
    """Offer an annealed plan to the incumbent and the running prover."""

    def report(rooms: list[int]) -> None:
        plan = form.canonical(rooms)
        value = evaluate(form.instance, plan, form.away_from).objective
        if best.offer(plan, value):
            runner.check()

    return report


def perfect_plan(
    model: CpsatModel, time_limit: float, seed: int, workers: int, log: list[str]
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
    solver = cpsat_solver(load_preset("perfect"), time_limit, seed, workers)
    code = solver.solve(sat)
    log.append(
        f"perfect {solver.status_name(code).lower()} at "
        f"{time.perf_counter() - start:.1f}s"
    )
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return form.rooms_from([solver.value(v) for v in xs])


def ceil_bound(value: float) -> int:
    # Objective values are integers, so any bound rounds up; the small
    # tolerance absorbs floating-point noise in CP-SAT's double bound.
    return int(-(-value // 1)) if abs(value - round(value)) > 1e-6 else round(
        value
    )
