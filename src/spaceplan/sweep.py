"""What-if sweeps: one scenario solved over a grid of parameters.

``--vary households=2000:8000:500 --vary policy=a,b`` gives every
combination; each is one *run*, keyed by a run id (a hash of its
parameters). Runs go to a process pool (spawn) or a Dask cluster as plain
dicts and come back as rows, which are appended to ``runs.csv`` one at a
time (flush + fsync), so an interrupted sweep started again with the same
command skips the runs already written and loses or repeats nothing.

Every run uses a deterministic budget (``max_deterministic_time``, a fixed
seed, one CP-SAT worker by default), so the same run gives the same row
on any machine, on the pool or on Dask.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import hashlib
import io
import itertools
import json
import math
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from spaceplan import rules
from spaceplan.data import Policy, ScenarioFile
from spaceplan.errors import InputError

#: Parameters a sweep may vary, besides ``option.<name>``.
VARY_NAMES = ("households", "population", "policy", "rooms")
#: Scenario options a sweep may vary (``option.time_limit`` is the
#: deterministic budget of the run).
VARY_OPTIONS = ("time_limit", "seed")
#: Columns of ``runs.csv`` after the run id and the varied parameters.
RESULT_COLUMNS = (
    "status",
    "binding_rule",
    "target_area",
    "facility_area",
    "resident_area",
    "resident_share",
    "area_margin",
    "office_area",
    "objective",
    "seconds",
    "error",
)
#: Statuses that mean a plan was found.
SOLVED = ("optimal", "feasible")
RUNS_FILE = "runs.csv"


# ------------------------------------------------------------- vary specs


@dataclass(frozen=True)
class Vary:
    """One ``--vary NAME=VALUES`` option: a parameter and its values."""

    name: str
    values: tuple[Any, ...]


def _fault(spec: str, fault: str) -> InputError:
    return InputError(None, "--vary", f"'{spec}': {fault}")


def _number_range(spec: str, text: str, kind: type) -> list[Any]:
    """``a:b:step`` (both ends included) or ``a,b,c`` as numbers."""
    try:
        if ":" in text:
            parts = [kind(p) for p in text.split(":")]
            if len(parts) != 3:
                raise _fault(spec, "a range is START:STOP:STEP")
            start, stop, step = parts
            if step <= 0:
                raise _fault(spec, "the step must be above 0")
            if stop < start:
                raise _fault(spec, "STOP is below START")
            count = int(math.floor((stop - start) / step + 1e-9)) + 1
            return [kind(start + i * step) for i in range(count)]
        return [kind(p) for p in text.split(",")]
    except ValueError:
        word = "whole numbers" if kind is int else "numbers"
        raise _fault(spec, f"the values must be {word}") from None


def parse_vary(spec: str) -> Vary:
    """Parse one ``NAME=VALUES`` spec.

    ``households`` and ``population`` take ``START:STOP:STEP`` (both ends
    included) or a comma list; ``policy`` a comma list of profile ids or
    paths; ``rooms`` a comma list of CSV room lists; ``option.time_limit``
    and ``option.seed`` a comma list.

    Raises
    ------
    InputError
        Naming ``--vary`` and the fault.
    """
    name, sep, text = spec.partition("=")
    name, text = name.strip(), text.strip()
    if not sep or not name:
        raise _fault(spec, "write NAME=VALUES, e.g. households=2000:8000:500")
    if not text:
        raise _fault(spec, f"no values for {name}")
    if name in ("households", "population"):
        values: list[Any] = _number_range(spec, text, int)
        if any(v <= 0 for v in values):
            raise _fault(spec, f"{name} must be above 0")
    elif name in ("policy", "rooms"):
        values = [v.strip() for v in text.split(",") if v.strip()]
    elif name.startswith("option."):
        option = name.removeprefix("option.")
        if option not in VARY_OPTIONS:
            raise _fault(
                spec,
                f"unknown option '{option}'; a sweep can vary "
                + ", ".join(f"option.{o}" for o in VARY_OPTIONS),
            )
        kind = float if option == "time_limit" else int
        values = _number_range(spec, text, kind)
        if any(v < 0 or (option == "time_limit" and v == 0) for v in values):
            raise _fault(spec, f"{name} must be above 0")
    else:
        known = ", ".join([*VARY_NAMES, "option.NAME"])
        raise _fault(spec, f"unknown parameter '{name}'; known: {known}")
    if len(set(values)) != len(values):
        raise _fault(spec, "a value is listed twice")
    return Vary(name, tuple(values))


def parse_varies(specs: Iterable[str]) -> list[Vary]:
    """Parse every ``--vary``; a parameter may be varied once."""
    out: list[Vary] = []
    for spec in specs:
        vary = parse_vary(spec)
        if any(v.name == vary.name for v in out):
            raise _fault(spec, f"{vary.name} is varied twice")
        out.append(vary)
    return out


def run_id(params: dict[str, Any]) -> str:
    """The id of a run: a hash of its parameter combination."""
    text = json.dumps(params, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------ tasks


@dataclass(frozen=True)
class SweepSettings:
    """How every run is solved.

    Attributes
    ----------
    time_limit : float
        Deterministic budget per run (CP-SAT ``max_deterministic_time``);
        the wall-clock safety net is ten times it plus 10 s.
    seed : int
        CP-SAT seed (unless ``option.seed`` is varied).
    workers_per_run : int
        CP-SAT workers per run (1 keeps runs reproducible).
    diagnose : bool
        Find the conflict (binding rule) of infeasible runs.
    """

    time_limit: float = 5.0
    seed: int = 0
    workers_per_run: int = 1
    diagnose: bool = True


def plan_tasks(
    scenario_path: str | Path,
    varies: Sequence[Vary],
    settings: SweepSettings,
) -> list[dict[str, Any]]:
    """One plain-dict task per combination, self-contained.

    The base scenario, every profile and every room list are read and
    checked here, once; a task carries them as data, so a worker (or a
    remote Dask worker) needs no file.
    """
    from spaceplan.policies import load_policy
    from spaceplan.read import load_mapping, read_rooms_csv

    path = Path(scenario_path)
    raw = load_mapping(path)
    building = raw.get("building")
    if isinstance(building, dict) and isinstance(building.get("rooms"), str):
        csv_path = Path(building["rooms"])
        if not csv_path.is_absolute():
            csv_path = path.parent / csv_path
        rooms = read_rooms_csv(csv_path)
        building = {
            **building,
            "rooms": [
                r.model_dump(mode="json", exclude_none=True) for r in rooms
            ],
        }
        raw = {**raw, "building": building}
    try:
        spec = ScenarioFile.model_validate(raw)
    except ValueError as exc:
        raise InputError(path, None, str(exc).splitlines()[0]) from None
    names = {v.name: v for v in varies}
    policies: dict[str, Any] = {}
    policy_refs = list(names["policy"].values) if "policy" in names else []
    try:
        base_policy = load_policy(spec.policy, path.parent)
    except InputError as err:
        raise InputError(path, "policy", err.fault) from None
    policies[""] = base_policy.model_dump(mode="json")
    area_type = spec.community.area_type
    for ref in policy_refs:
        try:
            policy = load_policy(ref, Path.cwd())
        except InputError as err:
            raise _fault(f"policy={ref}", err.fault) from None
        if policy.area_type not in (None, area_type):
            raise _fault(
                f"policy={ref}",
                f"profile {policy.id} is for {policy.area_type} areas, "
                f"but the scenario's community is {area_type}",
            )
        policies[ref] = policy.model_dump(mode="json")
    room_lists: dict[str, Any] = {}
    for ref in names["rooms"].values if "rooms" in names else ():
        rooms_path = Path(ref)
        if not rooms_path.is_file():
            raise _fault(f"rooms={ref}", f"no room list at {rooms_path}")
        room_lists[ref] = [
            r.model_dump(mode="json", exclude_none=True)
            for r in read_rooms_csv(rooms_path)
        ]
    base = spec.model_dump(mode="json", exclude_none=True)
    tasks = []
    for combo in itertools.product(*(v.values for v in varies)):
        params = {
            v.name: value for v, value in zip(varies, combo, strict=True)
        }
        tasks.append(
            {
                "run_id": run_id(params),
                "params": params,
                "scenario": base,
                "policies": policies,
                "rooms": room_lists,
                "settings": {
                    "time_limit": settings.time_limit,
                    "seed": settings.seed,
                    "workers_per_run": settings.workers_per_run,
                    "diagnose": settings.diagnose,
                },
            }
        )
    return tasks


def build_scenario(task: dict[str, Any]) -> Any:
    """The resolved scenario of a task (its parameters applied)."""
    from spaceplan.read import resolve

    raw = copy.deepcopy(task["scenario"])
    params = task["params"]
    policy_ref = params.get("policy", "")
    policy = Policy.model_validate(task["policies"][policy_ref])
    raw["policy"] = policy.id
    for key in ("households", "population"):
        if key in params:
            raw["community"][key] = params[key]
    if "rooms" in params:
        # Adjacency names rooms of the base list: it lapses with it.
        raw["building"] = {"rooms": task["rooms"][params["rooms"]]}
    options = raw.setdefault("options", {})
    for key, value in params.items():
        if key.startswith("option."):
            options[key.removeprefix("option.")] = value
    spec = ScenarioFile.model_validate(raw)
    return resolve(spec, policy, source=None)


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Solve one run; return its row (never raises).

    A plain dict in, a plain dict out: safe for any executor. The keyword
    names of Dask's ``submit`` (workers, resources, ...) never reach it.
    """
    started = time.perf_counter()
    row: dict[str, Any] = {"run_id": task["run_id"], **task["params"]}
    try:
        row.update(_solve_row(task))
    except Exception as exc:  # one bad run must not end the sweep
        message = str(exc).splitlines()[0] if str(exc) else ""
        row.update(
            status="error",
            error=f"{type(exc).__name__}: {message}"[:300],
        )
        if os.environ.get("SPACEPLAN_SWEEP_TRACE"):
            traceback.print_exc()
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _solve_row(task: dict[str, Any]) -> dict[str, Any]:
    from spaceplan.solvers import solve
    from spaceplan.solvers.config import SolverConfig

    settings = task["settings"]
    scenario = build_scenario(task)
    opts = scenario.options
    budget = float(opts.time_limit or settings["time_limit"])
    seed = int(opts.seed if opts.seed is not None else settings["seed"])
    config = SolverConfig(
        name="sweep",
        candidates=1,
        params={"max_deterministic_time": budget},
    )
    result = solve(
        scenario,
        config=config,
        time_limit=10 * budget + 10,
        seed=seed,
        workers=int(settings["workers_per_run"]),
        candidates=1,
    )
    target = rules.area_target(scenario.policy, scenario.community)
    row: dict[str, Any] = {
        "status": result.status,
        "target_area": target.m2,
        "binding_rule": "",
    }
    if result.candidates:
        cand = result.candidates[0]
        m = cand.metrics
        row.update(
            facility_area=m.facility_area,
            resident_area=m.resident_area,
            resident_share=m.resident_share,
            area_margin=round(m.facility_area - m.target_area, 2),
            office_area=m.office_area,
            objective=cand.objective,
            binding_rule=_tightest(cand.checks),
        )
    elif result.status == "infeasible" and settings["diagnose"]:
        row["binding_rule"] = _first_conflict(scenario, seed, budget)
    return row


def _tightest(checks: Iterable[Any]) -> str:
    """The facility rule with the smallest relative margin."""
    best, name = math.inf, ""
    for check in checks:
        if check.rule not in ("area_target", "resident_share"):
            continue
        if check.margin is None or not isinstance(check.required, float | int):
            continue
        scale = abs(float(check.required)) or 1.0
        margin = check.margin / scale
        if margin < best:
            best, name = margin, check.rule
    return name


def _first_conflict(scenario: Any, seed: int, budget: float) -> str:
    from spaceplan.diagnose import diagnose, load_costs, rule_name

    costs = dataclasses.replace(
        load_costs(), deterministic_time=budget, wall_time=10 * budget + 10
    )
    found = diagnose(
        scenario, repairs=False, profiles=False, seed=seed, costs=costs
    )
    keys = found.conflict_keys
    if not keys:
        return ""
    # A facility rule says more about a what-if than the functions caught
    # up in it: name it first when it is part of the conflict.
    facility = [k for k in keys if k[0] in ("area_target", "resident_share")]
    return rule_name((facility or keys)[0])


# ---------------------------------------------------------------- runs.csv


def columns(varies: Sequence[Vary]) -> list[str]:
    """The header of ``runs.csv``."""
    return ["run_id", *(v.name for v in varies), *RESULT_COLUMNS]


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return " ".join(str(value).split())


class RunsFile:
    """``runs.csv``, appended one durable row at a time.

    Opening it repairs what a kill can leave behind: a last line cut off
    mid-write is dropped. A header that differs from this sweep's is an
    error (another sweep wrote the folder).
    """

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header
        self.done: dict[str, dict[str, str]] = {}
        self.dropped_partial = False
        self._open()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            data = self.path.read_bytes()
            cut = data.rfind(b"\n") + 1
            if cut != len(data):
                # A kill during a write: keep whole lines only.
                self.dropped_partial = True
                with open(self.path, "r+b") as fh:
                    fh.truncate(cut)
                    fh.flush()
                    os.fsync(fh.fileno())
                data = data[:cut]
            if data:
                self._load(data.decode("utf-8"))
        # Held open for the whole sweep and closed by close().
        self._fh = open(  # noqa: SIM115
            self.path, "a", encoding="utf-8", newline=""
        )
        if not self.path.stat().st_size:
            self._write(self.header)

    def _load(self, text: str) -> None:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header != self.header:
            raise InputError(
                self.path,
                None,
                "was written by a different sweep (its columns are "
                f"{', '.join(header or [])}); use another output folder",
            )
        for cells in reader:
            if len(cells) != len(self.header):
                continue
            row = dict(zip(self.header, cells, strict=True))
            self.done.setdefault(row["run_id"], row)

    def _write(self, cells: Sequence[Any]) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(
            [_format(c) for c in cells]
        )
        # One write per line, then flush and fsync: a row is on disk
        # before the next run is counted as done.
        self._fh.write(buf.getvalue())
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def append(self, row: dict[str, Any]) -> None:
        """Write one run's row durably."""
        self._write([row.get(c) for c in self.header])
        self.done[row["run_id"]] = {
            c: _format(row.get(c)) for c in self.header
        }

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def read_runs(path: str | Path) -> list[dict[str, str]]:
    """The complete rows of a ``runs.csv`` (a cut-off last line ignored)."""
    data = Path(path).read_bytes()
    data = data[: data.rfind(b"\n") + 1]
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    width = len(reader.fieldnames or [])
    return [r for r in reader if None not in r and len(r) == width]


# -------------------------------------------------------------- executors


def cpu_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_processes(workers_per_run: int) -> int:
    """Processes so that processes × CP-SAT workers fill the cores."""
    return max(1, cpu_cores() // max(1, workers_per_run))


Submit = Callable[[dict[str, Any]], Any]


@contextmanager
def process_pool(processes: int) -> Iterator[tuple[Submit, Callable]]:
    """A spawn process pool: ``(submit, as_completed)``."""
    context = get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:

        def submit(task: dict[str, Any]) -> Future[dict[str, Any]]:
            return pool.submit(run_task, task)

        try:
            yield submit, as_completed
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


@contextmanager
def dask_client(scheduler: str) -> Iterator[tuple[Submit, Callable]]:
    """A Dask client: ``tcp://HOST:PORT`` or ``local:N`` (LocalCluster)."""
    try:
        import logging

        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InputError(
            None,
            "--scheduler",
            "needs Dask: pip install 'spaceplan[dask]'",
        ) from None
    cluster = None
    if scheduler.startswith("local:"):
        try:
            n = int(scheduler.removeprefix("local:"))
            if n < 1:
                raise ValueError
        except ValueError:
            raise InputError(
                None,
                "--scheduler",
                f"'{scheduler}': local:N needs a whole number N ≥ 1",
            ) from None
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        address: Any = cluster
    elif scheduler.startswith("tcp://"):
        address = scheduler
    else:
        raise InputError(
            None,
            "--scheduler",
            f"'{scheduler}': give tcp://HOST:PORT or local:N",
        )
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise InputError(
            None, "--scheduler", f"cannot reach {scheduler} ({exc})"
        ) from None
    try:

        def submit(task: dict[str, Any]) -> Any:
            # Only Dask's own keywords here; the task is one plain dict.
            return client.submit(
                run_task, task, key=f"sweep-run-{task['run_id']}", pure=False
            )

        yield submit, dask_completed
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------ sweep


@dataclass
class SweepOutcome:
    """What :func:`run_sweep` did."""

    path: Path
    rows: list[dict[str, str]]
    ran: int
    skipped: int
    seconds: float
    varies: list[Vary] = field(default_factory=list)


def run_sweep(
    scenario_path: str | Path,
    varies: Sequence[Vary],
    outdir: str | Path,
    settings: SweepSettings | None = None,
    processes: int | None = None,
    scheduler: str | None = None,
    on_row: Callable[[dict[str, Any], int, int], None] | None = None,
) -> SweepOutcome:
    """Run every combination not yet in ``OUTDIR/runs.csv``.

    Parameters
    ----------
    scenario_path : str or Path
        The base scenario file.
    varies : sequence of Vary
        The varied parameters.
    outdir : str or Path
        Output folder (``runs.csv`` is resumed if present).
    settings : SweepSettings or None
        Budget, seed, workers per run.
    processes : int or None
        Pool size; None fills the cores (cores // workers per run).
    scheduler : str or None
        ``tcp://HOST:PORT`` or ``local:N`` to run on Dask instead.
    on_row : callable or None
        Called with each finished row, the count done and the total.

    Returns
    -------
    SweepOutcome
        The rows of this sweep (old and new) in grid order.
    """
    started = time.perf_counter()
    settings = settings or SweepSettings()
    tasks = plan_tasks(scenario_path, varies, settings)
    path = Path(outdir) / RUNS_FILE
    runs = RunsFile(path, columns(varies))
    try:
        todo = [t for t in tasks if t["run_id"] not in runs.done]
        skipped = len(tasks) - len(todo)
        if todo:
            if scheduler:
                executor = dask_client(scheduler)
            else:
                n = processes or default_processes(settings.workers_per_run)
                executor = process_pool(max(1, min(n, len(todo))))
            with executor as (submit, completed):
                futures = [submit(t) for t in todo]
                done = skipped
                for future in completed(futures):
                    row = future.result()
                    runs.append(row)
                    done += 1
                    if on_row is not None:
                        on_row(row, done, len(tasks))
    finally:
        runs.close()
    order = {t["run_id"]: i for i, t in enumerate(tasks)}
    rows = sorted(
        (r for r in runs.done.values() if r["run_id"] in order),
        key=lambda r: order[r["run_id"]],
    )
    return SweepOutcome(
        path,
        rows,
        len(todo),
        skipped,
        time.perf_counter() - started,
        list(varies),
    )


# ---------------------------------------------------------------- summary


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def profile_of(row: dict[str, Any], base_policy: str) -> str:
    """The profile of a row: its varied policy or the scenario's."""
    return str(row.get("policy") or base_policy)


def largest_served(
    rows: Sequence[dict[str, Any]], base_policy: str
) -> list[dict[str, Any]]:
    """Per profile: runs, outcomes and the largest household count served.

    ``households`` is read from the row when varied, otherwise it is the
    scenario's.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(profile_of(row, base_policy), []).append(row)
    out = []
    for policy, group in groups.items():
        solved = [r for r in group if r.get("status") in SOLVED]
        households = [
            int(float(r["households"]))
            for r in solved
            if r.get("households") not in (None, "")
        ]
        best = max(households) if households else None
        binding = ""
        if best is not None:
            at_best = [
                r for r in solved if int(float(r["households"])) == best
            ]
            binding = at_best[0].get("binding_rule", "")
        out.append(
            {
                "policy": policy,
                "runs": len(group),
                "solved": len(solved),
                "infeasible": sum(
                    r.get("status") == "infeasible" for r in group
                ),
                "other": sum(
                    r.get("status") not in (*SOLVED, "infeasible")
                    for r in group
                ),
                "largest_households": best,
                "binding_rule": binding,
            }
        )
    return out
