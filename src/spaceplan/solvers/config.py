"""Solver presets from the package's ``solver_configs/cpsat/*.toml``.

A preset holds the objective weights, the candidate settings and raw
CP-SAT parameters. Parameter names are checked against ortools' own
``SatParameters`` on load, so a typo fails at once instead of being
ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spaceplan import resources
from spaceplan.errors import InputError, did_you_mean

DEFAULT_PRESET = "default"


@dataclass(frozen=True)
class Weights:
    """Objective weights, in square metres of resident area per unit."""

    resident: float = 1.0
    office: float = 0.5
    unused: float = 0.2
    near: float = 2.0


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
                f"unknown preset '{ref}'.{hint} Known: {', '.join(names)}",
            )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, None, f"is not valid TOML: {exc}") from None
    return _parse(raw, path)


def _parse(raw: dict[str, Any], path: Path) -> SolverConfig:
    unknown = set(raw) - {"objective", "candidates", "params"}
    if unknown:
        raise InputError(
            path, sorted(unknown)[0], "is not a known section"
        )
    obj = raw.get("objective", {})
    for key, value in obj.items():
        if key not in Weights.__dataclass_fields__:
            raise InputError(
                path, f"objective.{key}", "is not a known weight"
            )
        if not isinstance(value, int | float) or value < 0:
            raise InputError(
                path, f"objective.{key}", "must be a number ≥ 0"
            )
    cand = raw.get("candidates", {})
    for key in cand:
        if key not in ("count", "min_difference"):
            raise InputError(
                path, f"candidates.{key}", "is not a known setting"
            )
    params = dict(raw.get("params", {}))
    check_cpsat_params(params, path)
    return SolverConfig(
        name=path.stem,
        weights=Weights(**{k: float(v) for k, v in obj.items()}),
        candidates=int(cand.get("count", 3)),
        min_difference=int(cand.get("min_difference", 3)),
        params=params,
    )


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
                f"is not a CP-SAT parameter{hint}",
            )
