"""The Office Space Allocation (OSA) benchmark: read, evaluate, bench."""

from spaceplan.osa.evaluate import AwayFrom, Evaluation, Violation, evaluate
from spaceplan.osa.read import (
    Entity,
    Instance,
    OsaReadError,
    Room,
    Rule,
    RuleType,
    find_instances,
    format_centi,
    read_instance,
    read_solution,
)

__all__ = [
    "AwayFrom",
    "Entity",
    "Evaluation",
    "Instance",
    "OsaReadError",
    "Room",
    "Rule",
    "RuleType",
    "Violation",
    "evaluate",
    "find_instances",
    "format_centi",
    "read_instance",
    "read_solution",
]
