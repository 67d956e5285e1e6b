"""Hand-computed objectives on the tiny instance (tests/osa/data/tiny.txt).

Tiny instance (sizes and capacities in m², as in the file):

- entities: e0 10, e1 6, e2 4, e3 12.5
- rooms: r0 floor 0 cap 15 (adjacent r1), r1 floor 0 cap 8 (adjacent r0),
  r2 floor 1 cap 10, r3 floor 0 cap 5 (no neighbours)
- rules: c0 ALLOCATION e0→r0 (soft, 20), c1 SAMEROOM e1 e2 (10),
  c2 NOTSHARING e3 (HARD), c3 ADJACENCY e0 e1 (10), c4 NEARBY e0 e3 (10),
  c5 AWAYFROM e1 e3 (10), c6 CAPACITY r1 (10), c7 NOTSAMEROOM e0 e2 (10),
  c8 NONALLOCATION e2→r2 (10)

Misuse per room = under-use + 2 × over-use; empty rooms count fully.
"""

from __future__ import annotations

import itertools

import pytest

from spaceplan.osa.evaluate import evaluate
from spaceplan.osa.read import Instance, RuleType


def _cids(violations) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(v.rule.cid for v in violations)


def test_assignment_a(tiny: Instance) -> None:
    # e0→r0, e1→r1, e2→r1, e3→r2.
    # Loads: r0 10 (under 5), r1 6+4 = 10 (over 2), r2 12.5 (over 2.5),
    # r3 empty (under 5).  Misuse = 5 + 5 + 2·(2 + 2.5) = 19.00.
    # Broken: c4 NEARBY (floors 0 and 1) 10, c6 CAPACITY r1 over 10.
    # Objective = 19 + 20 = 39.00.
    result = evaluate(tiny, [0, 1, 1, 2])
    assert (result.under, result.over) == (1000, 450)
    assert result.misuse == 1900
    assert _cids(result.soft_violations) == [4, 6]
    assert result.objective == 3900
    assert result.feasible


def test_assignment_b_hard_violation_not_in_objective(tiny: Instance) -> None:
    # Everyone in r0: load 32.5, over 17.5; r1, r2, r3 empty: under
    # 8 + 10 + 5 = 23.  Misuse = 23 + 2·17.5 = 58.00.
    # Broken soft: c5 AWAYFROM (same floor) 10, c7 NOTSAMEROOM 10 → 20.
    # c2 NOTSHARING is hard: listed, never priced.  Objective 78.00.
    result = evaluate(tiny, [0, 0, 0, 0])
    assert result.misuse == 5800
    assert _cids(result.soft_violations) == [5, 7]
    assert _cids(result.hard_violations) == [2]
    assert result.objective == 7800
    assert not result.feasible


def test_assignment_c(tiny: Instance) -> None:
    # e0→r2, e1→r0, e2→r0, e3→r1.  Loads r0 10 (under 5), r1 12.5 (over
    # 4.5), r2 10 (exact), r3 empty (under 5): misuse 10 + 9 = 19.00.
    # Broken: c0 ALLOCATION 20, c3 ADJACENCY (r2 not next to r0) 10,
    # c4 NEARBY 10, c5 AWAYFROM (both floor 0) 10, c6 CAPACITY 10.
    # Objective = 19 + 60 = 79.00.
    result = evaluate(tiny, [2, 0, 0, 1])
    assert _cids(result.soft_violations) == [0, 3, 4, 5, 6]
    assert result.objective == 7900


@pytest.mark.parametrize(
    ("away_from", "expected", "broken"),
    [
        # Same floor (0), so the readme reading breaks c5: 43 + 10 + 10.
        ("floor", 6300, [5, 7]),
        # r3 is neither r0 nor next to it, so the room reading keeps c5.
        ("room", 5300, [7]),
    ],
)
def test_away_from_readings(
    tiny: Instance, away_from: str, expected: int, broken: list[int]
) -> None:
    # e0, e1, e2 → r0 (load 20, over 5), e3 → r3 (12.5 in 5, over 7.5);
    # r1, r2 empty (under 8 + 10).  Misuse = 18 + 2·12.5 = 43.00.
    result = evaluate(tiny, [0, 0, 0, 3], away_from)  # type: ignore[arg-type]
    assert result.misuse == 4300
    assert _cids(result.soft_violations) == broken
    assert result.objective == expected


def test_misuse_identity_on_all_assignments(tiny: Instance) -> None:
    # under − over = ΣC − ΣS for every assignment, so the model's
    # misuse = (ΣC − ΣS) + 3·over must equal the evaluator's.
    slack = tiny.total_capacity - tiny.total_size
    for rooms in itertools.product(range(tiny.num_rooms), repeat=4):
        result = evaluate(tiny, list(rooms))
        assert result.misuse == slack + 3 * result.over


def test_bad_assignment_raises(tiny: Instance) -> None:
    with pytest.raises(ValueError, match="entries"):
        evaluate(tiny, [0, 0])
    with pytest.raises(ValueError, match="unknown room 9"):
        evaluate(tiny, [0, 0, 0, 9])


def test_weights_from_readme(tiny: Instance) -> None:
    weights = {rule.kind: rule.weight for rule in tiny.rules}
    assert weights[RuleType.ALLOCATION] == 20
    assert weights[RuleType.NOTSHARING] == 50
    assert weights[RuleType.NEARBY] == 10
