"""Solver presets from the package's ``solver_configs/cpsat/*.toml``.

A preset holds the objective weights, the candidate settings and raw
CP-SAT parameters. Parameter names are checked against ortools' own
``SatParameters`` on load, so a typo fails at once instead of being
ignored.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spaceplan import resources
from spaceplan.errors import InputError, Msg, did_you_mean, shown
from spaceplan.fileio import read_input
from spaceplan.limits import MAX_SEED, MAX_TIME_LIMIT, MAX_WEIGHT

DEFAULT_PRESET = "default"
#: Most 元 one point of the objective may stand for (``works``).
MAX_WORKS_YUAN = 1e7


@dataclass(frozen=True)
class Weights:
    """Objective weights, in square metres of resident area per unit."""

    resident: float = 1.0
    office: float = 0.5
    unused: float = 0.2
    near: float = 2.0
    #: What one unmet advice item costs, in m² of resident area.
    advice: float = 20.0
    #: What each m² of a recommended function left out costs.
    omitted: float = 2.0
    #: Yuan of partition works one m² of resident area is worth (0: works
    #: cost nothing in the objective; the budget still binds).
    works: float = 2000.0


@dataclass(frozen=True)
class SolverConfig:
    """A solver preset: objective, candidates and raw parameters."""

    name: str
    weights: Weights = Weights()
    candidates: int = 3
    min_difference: int = 3
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def time_limit(self) -> float:
        """Seconds per solve."""
        return float(self.params.get("max_time_in_seconds", 30.0))

    @property
    def workers(self) -> int:
        """CP-SAT workers (threads)."""
        return int(self.params.get("num_workers", 2))

    @property
    def seed(self) -> int:
        """Random seed."""
        return int(self.params.get("random_seed", 0))

    def with_overrides(
        self,
        time_limit: float | None = None,
        seed: int | None = None,
        workers: int | None = None,
        candidates: int | None = None,
        min_difference: int | None = None,
    ) -> SolverConfig:
        """A copy with the run's options applied (None keeps a value)."""
        params = dict(self.params)
        if time_limit is not None:
            params["max_time_in_seconds"] = float(time_limit)
        if seed is not None:
            params["random_seed"] = int(seed)
        if workers is not None:
            params["num_workers"] = int(workers)
        return replace(
            self,
            params=params,
            candidates=self.candidates if candidates is None else candidates,
            min_difference=(
                self.min_difference
                if min_difference is None
                else min_difference
            ),
        )


def preset_dir() -> Path:
    """The folder of the bundled CP-SAT presets."""
    return resources.on_disk(resources.presets())


def preset_names() -> list[str]:
    """Names of the bundled presets."""
    return sorted(p.stem for p in preset_dir().glob("*.toml"))


def load_config(name_or_path: str | None = None) -> SolverConfig:
    """Load a preset by name (``default``) or by path to a TOML file."""
    ref = name_or_path or DEFAULT_PRESET
    path = Path(ref)
    if not ref.endswith(".toml"):
        path = preset_dir() / f"{ref}.toml"
        if not path.is_file():
            names = preset_names()
            hint = did_you_mean(ref, names, sentence=True)
            raise InputError(
                None,
                "--config",
                Msg(
                    "err.config.preset",
                    ref=ref,
                    hint=hint,
                    known=", ".join(names),
                ),
            )
    try:
        raw = tomllib.loads(read_input(path).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(path, None, Msg("err.not_utf8.short")) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, None, _toml_fault(exc)) from None
    except RecursionError:
        raise InputError(path, None, Msg("err.too_deep.short")) from None
    return _parse(raw, path)


def _number(
    value: Any, path: Path, field: str, low: float, high: float
) -> None:
    """Refuse a bool, a non-finite number or one outside [low, high]."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise InputError(
            path,
            field,
            Msg(
                "err.config.number",
                low=f"{low:g}",
                high=f"{high:g}",
                got=shown(value),
            ),
        )


def _parse(raw: dict[str, Any], path: Path) -> SolverConfig:
    unknown = set(raw) - {"objective", "candidates", "params"}
    if unknown:
        raise InputError(
            path, sorted(unknown)[0], Msg("err.config.section")
        )
    obj = raw.get("objective", {})
    for key, value in obj.items():
        if key not in Weights.__dataclass_fields__:
            raise InputError(
                path, f"objective.{key}", Msg("err.config.weight")
            )
        # works is a price (元 a point), not a weight: its own range.
        high = MAX_WORKS_YUAN if key == "works" else MAX_WEIGHT
        _number(value, path, f"objective.{key}", 0, high)
    cand = raw.get("candidates", {})
    for key in cand:
        if key not in ("count", "min_difference"):
            raise InputError(
                path, f"candidates.{key}", Msg("err.config.setting")
            )
        high = 50 if key == "count" else 10_000
        _number(cand[key], path, f"candidates.{key}", 1, high)
    params = dict(raw.get("params", {}))
    check_cpsat_params(params, path)
    _check_param_values(params, path)
    return SolverConfig(
        name=path.stem,
        weights=Weights(**{k: float(v) for k, v in obj.items()}),
        candidates=int(cand.get("count", 3)),
        min_difference=int(cand.get("min_difference", 3)),
        params=params,
    )


#: Bounds spaceplan sets on CP-SAT parameters a preset may give.
_PARAM_BOUNDS = {
    "max_time_in_seconds": (0.01, MAX_TIME_LIMIT),
    "random_seed": (0, MAX_SEED),
    "num_workers": (1, 64),
    "num_search_workers": (1, 64),
}


def _check_param_values(params: dict[str, Any], path: Path) -> None:
    """Refuse values CP-SAT would reject, or that would never stop."""
    from ortools.sat import sat_parameters_pb2

    probe = sat_parameters_pb2.SatParameters()
    for key, value in params.items():
        if key in _PARAM_BOUNDS:
            _number(value, path, f"params.{key}", *_PARAM_BOUNDS[key])
        try:
            if isinstance(value, list):
                getattr(probe, key).extend(value)
            else:
                setattr(probe, key, value)
        except (TypeError, ValueError, AttributeError) as exc:
            raise InputError(
                path,
                f"params.{key}",
                Msg("err.config.value", detail_en=exc),
            ) from None


def check_cpsat_params(params: dict[str, Any], path: Path | None) -> None:
    """Raise InputError for a name CP-SAT's SatParameters does not have."""
    from ortools.sat import sat_parameters_pb2

    fields = sat_parameters_pb2.SatParameters.DESCRIPTOR.fields_by_name
    for key in params:
        if key not in fields:
            hint = did_you_mean(key, fields)
            raise InputError(
                path,
                f"params.{key}",
                Msg("err.config.param") + hint,
            )


def _toml_fault(exc: tomllib.TOMLDecodeError) -> Msg:
    """A TOML fault: the parser's sentence in English only; in Chinese
    the line and column (``(at line 3, column 5)`` in its message)."""
    text = str(exc)
    line, _, col = text.rpartition("(at line ")[2].rstrip(")").partition(
        ", column "
    )
    if line.isdigit() and col.isdigit():
        problem = text.rpartition(" (at line ")[0]
        return Msg("err.toml.at", problem_en=problem, line=line, col=col)
    return Msg("err.toml.bad", problem_en=text)
