"""CP-SAT constraints of time: booked sessions, private use, decisions.

``book[f, r, s]`` is true when function f, placed in room r, is in
session in slot s; it exists only for functions with ``sessions`` and
slots of their window. A function in session N times a week books N
slots of the room it is placed in: ``Σ_s book[f, r, s] = N · x[f, r]``.
The load of a room in a slot (:func:`slot_terms`) is then the fixed
functions active in that slot plus the booked sessions, and capacity,
peak use and ``private`` all read it.

Slots no rule tells apart are not ordered: measured on the examples, an
order by booked load made the search slower, not faster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from spaceplan.solvers.cpsat.model import AllocationModel

#: (function, variable) pairs in session in one room and slot.
Terms = list[tuple[int, cp_model.IntVar]]


def add_booking_variables(m: AllocationModel) -> None:
    """``book[f, r, s]`` for booked functions, rooms and window slots."""
    p = m.p
    for f in range(p.num_funcs):
        if not p.sessions[f]:
            continue
        for r in m.rooms_of(f):
            for s in p.window[f]:
                m.book[f, r, s] = m.model.new_bool_var(f"b{f}_{r}_{s}")


def slot_terms(m: AllocationModel, r: int, s: int) -> Terms:
    """What is in session in room r at slot s, as (function, literal)."""
    p = m.p
    out: Terms = []
    for f in m.room_funcs(r):
        if p.sessions[f]:
            v = m.book.get((f, r, s))
            if v is not None:
                out.append((f, v))
        elif p.active[f, s]:
            out.append((f, m.x[f, r]))
    return out


def add_sessions(m: AllocationModel) -> None:
    """Each booked function in session N times in its own room."""
    p = m.p
    for f in range(p.num_funcs):
        n = p.sessions[f]
        if not n:
            continue
        for r in m.rooms_of(f):
            xs = m.x[f, r]
            books = [m.book[f, r, s] for s in p.window[f]]
            m.model.add(sum(books) == n * xs)
            for b in books:
                m.model.add_implication(b, xs)


def add_private(m: AllocationModel) -> None:
    """A private function in session has its room to itself."""
    p = m.p
    if not any(p.private):
        return
    for r in range(p.num_rooms):
        if not any(p.private[f] for f in m.room_funcs(r)):
            continue
        for s in range(len(p.slots)):
            terms = slot_terms(m, r, s)
            private = [(f, v) for f, v in terms if p.private[f]]
            if not private or len(terms) < 2:
                continue
            # Hard even with rule literals, like capacity: the diagnosis
            # and its repairs do not relax private use (yet).
            # At most one private function at a time, and none of the
            # others beside it: one row per other function.
            alone = [v for _, v in private]
            if len(alone) > 1:
                m.model.add_at_most_one(alone)
            for g, w in terms:
                if not p.private[g]:
                    m.model.add(sum(alone) + w <= 1)


def add_fix(m: AllocationModel) -> None:
    """The architect's ``fix``: a function in its room, a hard rule.

    Hard even with rule literals: the architect's decision is not a rule
    for the diagnosis to relax.
    """
    p = m.p
    for fid, room in p.scenario.fix.items():
        r = p.room_idx.get(room)
        f = p.func_idx.get(fid)
        if r is None:
            continue
        if f is None:
            v = m.flex.get(r)
            if v is not None:
                m.model.add(v == 1)
            continue
        if (f, r) in m.x:
            m.model.add(m.x[f, r] == 1)
        else:
            # The room cannot take the function: the fix cannot hold.
            m.model.add_bool_or([])


def room_wish_literal(
    m: AllocationModel, f: int, zone: tuple[int, ...]
) -> cp_model.IntVar:
    """A literal true exactly when function f sits in one of ``zone``."""
    met = m.model.new_bool_var(f"nearroom{f}")
    xs = [m.x[f, r] for r in zone if (f, r) in m.x]
    # f sits in exactly one room, so the sum is 0 or 1.
    m.model.add(met == sum(xs) if xs else met == 0)
    return met


def booked_slots(
    m: AllocationModel, solver: cp_model.CpSolver
) -> dict[int, list[int]]:
    """Function index to the slot indices the solution books."""
    out: dict[int, list[int]] = {}
    for (f, _, s), v in m.book.items():
        if solver.boolean_value(v):
            out.setdefault(f, []).append(s)
    return {f: sorted(ss) for f, ss in out.items()}


def peak_loads(m: AllocationModel, r: int) -> list[cp_model.LinearExprT]:
    """The loads whose maximum is room r's peak use, without repeats.

    As in :func:`spaceplan.rules.room_unused_units`: the fixed functions'
    load in each slot (slots with the same functions give one load) and
    each booked function's own area, whatever its slots.
    """
    p = m.p
    need = p.need_units
    seen: set[frozenset[int]] = set()
    out: list[cp_model.LinearExprT] = []
    for s in range(len(p.slots)):
        fixed = frozenset(
            f for f in m.room_funcs(r) if not p.sessions[f] and p.active[f, s]
        )
        if fixed in seen:
            continue
        seen.add(fixed)
        out.append(sum(int(need[f]) * m.x[f, r] for f in sorted(fixed)))
    for f in m.room_funcs(r):
        if p.sessions[f]:
            out.append(int(need[f]) * m.x[f, r])
    return out
