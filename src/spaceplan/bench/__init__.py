"""Benchmarks: seeded community-facility instances and the study runner.

:mod:`.generate` makes realistic scenarios by size (S, M, L, XL),
:mod:`.run` solves them with each backend and writes one CSV row per
(instance, solver, config, seed), and :mod:`.cli` is ``spaceplan bench``.
"""

from spaceplan.bench.generate import SIZES, SizeSpec, generate

__all__ = ["SIZES", "SizeSpec", "generate"]
