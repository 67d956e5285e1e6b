"""Bounds with physical sense, and the value types that enforce them.

A value outside these bounds is a typo or a hostile file; inside them
every sum the solver forms fits its 64-bit integers. The user's guide
lists them in ``docs/input-limits.md``. The data model, the command-line
options and the DXF importer read them from here, so each bound has one
definition.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from spaceplan.errors import Fault

MAX_AREA = 1e6  # m², a room or a function: a hundred hectares
MAX_COORD = 1e5  # m, an outline's coordinates either side of 0
MIN_FLOOR, MAX_FLOOR = -100, 1000
MAX_HOUSEHOLDS = 10_000_000
MAX_SEED = 2**31 - 1  # CP-SAT takes a 32-bit signed seed
MAX_TIME_LIMIT = 86_400.0  # s: a day
MAX_WEIGHT = 1_000.0  # of a near wish, and of a preset's objective term
MAX_OVERLAP = 0.5  # m² two outlines on one floor may share: drawing slack


def _not_bool(value: Any) -> Any:
    # YAML reads ``true`` as a bool, and pydantic would take it for 1.
    if isinstance(value, bool):
        raise Fault("err.bool_number", got=str(value).lower())
    return value


def _printable(value: str) -> str:
    # Newlines, tabs and invisible marks (the right-to-left override, say)
    # make an id that prints as another one.
    if not value.isprintable() or value != value.strip():
        raise Fault("err.printable")
    return value


# A finite float, an int, and printable text; neither number is a bool.
_Finite = Field(allow_inf_nan=False)
Number = Annotated[float, BeforeValidator(_not_bool), _Finite]
Whole = Annotated[int, BeforeValidator(_not_bool)]
Text = Annotated[str, AfterValidator(_printable)]
Floor = Annotated[Whole, Field(ge=MIN_FLOOR, le=MAX_FLOOR)]
Area = Annotated[Number, Field(le=MAX_AREA)]


def fold_id(text: str) -> str:
    """A room id with case, width and spaces folded: ``R101``, ``r101``,
    ``R 101`` and ``Ｒ１０１`` are one id to a reader, so to us too."""
    return unicodedata.normalize("NFKC", "".join(text.split())).casefold()
