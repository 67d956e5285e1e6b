"""The CP-SAT model of the allocation, one method per constraint family.

Decision variables: ``x[f, r]`` (fixed function f in room r) and
``flex[r]`` (room r taken whole by the flexible resident function); when
the problem renovates, ``use[o]`` (renovation option o chosen: its rooms
exist and may host functions, its works are paid). The
rules are those of :mod:`spaceplan.rules`, in the same integer units, so a
plan the model accepts is a plan the checker accepts.

With ``rule_literals=True`` every hard rule of the regulation is put
behind a Boolean literal of its own (see :attr:`AllocationModel.rules`):
the diagnosis uses those literals as assumptions to find which rules
cannot hold together.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from ortools.sat.python import cp_model

from spaceplan import rules
from spaceplan.solvers.config import Weights
from spaceplan.solvers.cpsat import sessions
from spaceplan.solvers.objective import (
    advice_coef,
    area_coef,
    near_coef,
    works_coef,
)
from spaceplan.solvers.problem import Problem

RuleKey = tuple[str, ...]


@dataclass(frozen=True)
class Vars:
    """Variables of one room: used, resident, office, peak."""

    used: cp_model.IntVar
    resident: cp_model.LinearExprT
    office: cp_model.IntVar
    hostfixed: cp_model.IntVar
    peak: cp_model.IntVar


class BuildTimeout(Exception):
    """The model was not built by its deadline."""


class AllocationModel:
    """Builds the CP-SAT model of a :class:`Problem`.

    Parameters
    ----------
    problem : Problem
        The scenario as index arrays.
    weights : Weights
        Objective weights; None builds a pure feasibility model.
    rule_literals : bool
        Put each hard rule behind a literal (for diagnosis). Placement
        filters (needs, floors, minimum area) then become constraints on a
        variable per (function, room) pair instead of shrinking domains.
    """

    def __init__(
        self,
        problem: Problem,
        weights: Weights | None,
        rule_literals: bool = False,
        deadline: float | None = None,
    ) -> None:
        self.p = problem
        #: ``time.perf_counter()`` by which the model must be built.
        self.deadline = deadline
        self.weights = weights
        self.rule_literals = rule_literals
        self.model = cp_model.CpModel()
        #: Rule key (e.g. ("needs", "service_hall")) to its literal.
        self.rules: dict[RuleKey, cp_model.IntVar] = {}
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.flex: dict[int, cp_model.IntVar] = {}
        self.use: dict[int, cp_model.IntVar] = {}
        #: book[f, r, s]: booked function f in session in room r, slot s.
        self.book: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.room: dict[int, Vars] = {}
        self.near_vars: list[tuple[cp_model.IntVar, float]] = []
        self.objective: Any = 0
        self.facility: Any = 0
        self.resident_total: Any = 0
        self.add_variables()
        self.add_constraints()
        if weights is not None:
            self.add_objective(weights)

    # ------------------------------------------------------------ helpers

    def rule(self, *key: str) -> list[cp_model.IntVar]:
        """Enforcement literals for a rule: [] unless rule_literals."""
        if not self.rule_literals:
            return []
        if key not in self.rules:
            self.rules[key] = self.model.new_bool_var("rule:" + ":".join(key))
        return [self.rules[key]]

    def xs_of_room(self, r: int) -> list[tuple[int, cp_model.IntVar]]:
        """(function, variable) pairs that may sit in room r."""
        return [(f, self.x[f, r]) for f in self._room_funcs[r]]

    def rooms_of(self, f: int) -> list[int]:
        """Rooms function f may sit in."""
        return self._rooms_of(f)

    def room_funcs(self, r: int) -> list[int]:
        """Functions that may sit in room r."""
        return self._room_funcs[r]

    # ---------------------------------------------------------- variables

    def add_variables(self) -> None:
        """x[f, r] for allowed pairs, flex[r] for every host room."""
        p = self.p
        self._room_funcs: list[list[int]] = [[] for _ in range(p.num_rooms)]
        for f in range(p.num_funcs):
            rooms = range(p.num_rooms) if self.rule_literals else p.allowed[f]
            for r in rooms:
                self.x[f, r] = self.model.new_bool_var(f"x{f}_{r}")
                self._room_funcs[r].append(f)
        if p.has_flexible:
            for r in range(p.num_rooms):
                self.flex[r] = self.model.new_bool_var(f"flex{r}")
        if p.renovating:
            for o in range(len(p.options)):
                self.use[o] = self.model.new_bool_var(f"use{o}")
        sessions.add_booking_variables(self)

    # -------------------------------------------------------- constraints

    def add_constraints(self) -> None:
        """Every hard rule, in a fixed order.

        Raises :class:`BuildTimeout` between two families of rules when
        the deadline has passed: a model that cannot be built in the time
        limit is given up, not finished late.
        """
        steps = (
            self._add_placement,
            self._add_filters,
            lambda: sessions.add_fix(self),
            lambda: sessions.add_sessions(self),
            self._add_capacity,
            lambda: sessions.add_private(self),
            self._add_exclusive,
            self._add_never_with,
            self._add_flexible_alone,
            self._add_room_state,
            self._add_renovation,
            self._add_area_target,
            self._add_resident_share,
        )
        for step in steps:
            self._on_time()
            step()

    def _on_time(self) -> None:
        """Raise :class:`BuildTimeout` once the deadline has passed."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise BuildTimeout

    def _add_placement(self) -> None:
        # Each fixed function in exactly one room; a recommended one in
        # at most one (leaving it out is an unmet advice item).
        optional = set(self.p.optional)
        for f, func in enumerate(self.p.funcs):
            xs = [self.x[f, r] for r in self._rooms_of(f)]
            if f in optional:
                self.model.add(sum(xs) <= 1)
                continue
            self.model.add(sum(xs) == 1).only_enforce_if(
                self.rule("placed", func.id)
            )

    def _rooms_of(self, f: int) -> list[int]:
        return [r for r in range(self.p.num_rooms) if (f, r) in self.x]

    def _add_filters(self) -> None:
        # Needs, floors and "fits alone" shrink the domains in the normal
        # model; with rule literals they are explicit, one rule each.
        if not self.rule_literals:
            return
        p = self.p
        for f, func in enumerate(p.funcs):
            for r, room in enumerate(p.rooms):
                if any(t not in room.tags for t in func.needs):
                    self.model.add(self.x[f, r] == 0).only_enforce_if(
                        self.rule("needs", func.id)
                    )
                if func.floors is not None and not func.floors.allows(
                    room.floor
                ):
                    self.model.add(self.x[f, r] == 0).only_enforce_if(
                        self.rule("floors", func.id)
                    )
                # Advice made hard (--advice-hard) is one rule a function.
                if p.advice_hard and p.advice_cost(f, r):
                    self.model.add(self.x[f, r] == 0).only_enforce_if(
                        self.rule("advice", func.id)
                    )

    def _add_capacity(self) -> None:
        # One room, multiple uses: in each slot the active functions' areas
        # add up within the room.
        p = self.p
        for r in range(p.num_rooms):
            cap = int(p.room_units[r])
            seen: set[frozenset[int]] = set()
            for s in range(len(p.slots)):
                active = sessions.slot_terms(self, r, s)
                need = sum(int(p.need_units[f]) for f, _ in active)
                key = frozenset(v.index for _, v in active)
                if need <= cap or key in seen:
                    continue
                seen.add(key)
                terms = [int(p.need_units[f]) * v for f, v in active]
                # The room's area is a fact of the building, never a rule
                # to relax: capacity stays hard even with rule literals.
                self.model.add(sum(terms) <= cap)

    def _add_exclusive(self) -> None:
        for f in self.p.exclusive:
            func = self.p.funcs[f]
            for r in self._rooms_of(f):
                others = [v for g, v in self.xs_of_room(r) if g != f]
                if not others:
                    continue
                lits = [self.x[f, r], *self.rule("exclusive", func.id)]
                self.model.add(sum(others) == 0).only_enforce_if(lits)

    def _add_never_with(self) -> None:
        p = self.p
        for f, g in p.banned_pairs:
            key = ("never_with", p.funcs[f].id, p.funcs[g].id)
            for r in range(p.num_rooms):
                if (f, r) in self.x and (g, r) in self.x:
                    self.model.add_bool_or(
                        [self.x[f, r].Not(), self.x[g, r].Not()]
                    ).only_enforce_if(self.rule(*key))

    def _add_flexible_alone(self) -> None:
        # The flexible function takes a whole room: nothing else there.
        for r, fl in self.flex.items():
            xs = [v for _, v in self.xs_of_room(r)]
            if xs:
                self.model.add(sum(xs) == 0).only_enforce_if(fl)

    def _add_room_state(self) -> None:
        """used, resident area, office, peak use of every room, exactly."""
        p = self.p
        acc = p.scenario.policy.accounting
        mode = acc.shared_rooms
        for r in range(p.num_rooms):
            if r % 256 == 0:
                self._on_time()
            pairs = self.xs_of_room(r)
            xs = [v for _, v in pairs]
            fl = self.flex.get(r)
            used = self._bool_or([*xs, *([fl] if fl is not None else [])])
            hostfixed = self._bool_or(xs)
            office = self._bool_or([v for f, v in pairs if p.office[f]])
            # Capacity is the room's own area; accounting counts its
            # building area (apportioned shared space included).
            area = int(p.room_units[r])
            built = int(p.built_units[r])
            resident: cp_model.LinearExprT
            if mode == "prorate":
                resident = self._prorate(r, pairs, used, fl, built)
            else:
                if mode == "strict":
                    nonres = self._bool_or(
                        [v for f, v in pairs if not p.resident[f]]
                    )
                    flag = self._and_not(used, nonres)
                    if p.renovating:
                        # A linear row for the LP: a room half chosen
                        # with a non-resident function in it counts
                        # nothing as resident (flag ≤ 1 − nonres lets it
                        # count half).
                        self.model.add(flag + nonres <= used)
                else:
                    res_any = self._bool_or(
                        [v for f, v in pairs if p.resident[f]]
                        + ([fl] if fl is not None else [])
                    )
                    flag = res_any
                resident = built * flag
            peak = self.model.new_int_var(0, area, f"peak{r}")
            loads = sessions.peak_loads(self, r)
            if pairs:
                self.model.add_max_equality(peak, loads)
                self._add_room_cuts(
                    r, pairs, (used, hostfixed), resident, peak
                )
            else:
                self.model.add(peak == 0)
            self.room[r] = Vars(used, resident, office, hostfixed, peak)
        self.facility = (
            sum(int(p.built_units[r]) * v.used for r, v in self.room.items())
            + p.circulation_units
        )
        self.resident_total = sum(v.resident for v in self.room.values())

    def _add_room_cuts(
        self,
        r: int,
        pairs: list[tuple[int, cp_model.IntVar]],
        flags: tuple[cp_model.IntVar, cp_model.IntVar],
        resident: cp_model.LinearExprT,
        peak: cp_model.IntVar,
    ) -> None:
        # Redundant rows for the LP bound only (every plan meets them).
        # Without them the LP takes peak = area (max-equality is not
        # convex), so the unused-area term vanishes from the bound, and
        # it spreads functions thinly so that rooms look resident.
        p = self.p
        used, hostfixed = flags
        area = int(p.room_units[r])
        built = int(p.built_units[r])
        need = {f: int(p.need_units[f]) for f, _ in pairs}
        self.model.add(peak <= sum(need[f] * v for f, v in pairs))
        self.model.add(peak <= area * hostfixed)
        strict = p.scenario.policy.accounting.shared_rooms == "strict"
        columns: dict[frozenset[int], list[tuple[int, cp_model.IntVar]]] = {}
        for s in range(len(p.slots)):
            terms = sessions.slot_terms(self, r, s)
            columns.setdefault(frozenset(v.index for _, v in terms), terms)
        # A slot whose active functions are a subset of another's adds
        # nothing: only the largest columns get a row.
        tops = [c for c in columns if c and not any(c < d for d in columns)]
        for top in tops:
            load = columns[top]
            self.model.add(
                sum(need[f] * v for f, v in load) <= area * hostfixed
            )
            if strict:
                # Under strict accounting a room holding a non-resident
                # function counts nothing as resident (building area is
                # never below the room's own, so the row stays valid).
                other = [need[f] * v for f, v in load if not p.resident[f]]
                if other:
                    res = cast(cp_model.LinearExpr, resident)
                    # Renovating, a room may be half chosen in the LP:
                    # the row scales with its use.
                    most: Any = built * used if p.renovating else built
                    self.model.add(sum(other) + res <= most)

    def _prorate(
        self,
        r: int,
        pairs: list[tuple[int, cp_model.IntVar]],
        used: cp_model.IntVar,
        fl: cp_model.IntVar | None,
        area: int,
    ) -> cp_model.IntVar:
        # resident = ⌊area × resident area-slots / all area-slots⌋, as in
        # rules.room_resident_units; a flex room counts whole (1/1) and an
        # empty room gets a denominator of 1 and a numerator of 0.
        p = self.p
        part = sum(int(p.area_slots[f]) * v for f, v in pairs if p.resident[f])
        total = sum(int(p.area_slots[f]) * v for f, v in pairs)
        if fl is not None:
            part += fl
            total += fl
        top = sum(int(p.area_slots[f]) for f, _ in pairs) + 1
        num = self.model.new_int_var(0, area * top, f"num{r}")
        den = self.model.new_int_var(1, top, f"den{r}")
        self.model.add(num == area * part)
        self.model.add(den == total + (1 - used))
        res = self.model.new_int_var(0, area, f"res{r}")
        self.model.add_division_equality(res, num, den)
        return res

    def _bool_or(self, lits: Sequence[cp_model.IntVar]) -> cp_model.IntVar:
        """A literal equal to the OR of ``lits`` (constant 0 if none)."""
        b = self.model.new_bool_var("")
        if not lits:
            self.model.add(b == 0)
            return b
        self.model.add_bool_or(lits).only_enforce_if(b)
        for lit in lits:
            self.model.add_implication(lit, b)
        return b

    def _and_not(
        self, a: cp_model.IntVar, b: cp_model.IntVar
    ) -> cp_model.IntVar:
        """A literal equal to ``a and not b``."""
        c = self.model.new_bool_var("")
        self.model.add_bool_and([a, b.Not()]).only_enforce_if(c)
        self.model.add_bool_or([a.Not(), b]).only_enforce_if(c.Not())
        return c

    def _add_renovation(self) -> None:
        # Each original room is covered by exactly one option; a room
        # hosts only when its option is chosen; a merged room and both
        # parts of a split host something (no works for nothing); the
        # works keep to the budget. Walls are facts of the building: no
        # rule literal.
        p = self.p
        if not p.renovating:
            return
        for options in p.cover:
            self.model.add_exactly_one([self.use[o] for o in options])
        rooms_of: dict[int, list[int]] = {}
        for r, o in enumerate(p.room_option):
            rooms_of.setdefault(o, []).append(r)
            use = self.use[o]
            # Linear rows, not clauses: the LP relaxation must see them,
            # or a room and the merged room that absorbs it both count.
            for _, v in self.xs_of_room(r):
                self.model.add(v <= use)
            if r in self.flex:
                self.model.add(self.flex[r] <= use)
            self.model.add(self.room[r].used <= use)
        for o, opt in enumerate(p.options):
            if opt.kind == "merge":
                self.model.add_implication(
                    self.use[o], self.room[rooms_of[o][0]].used
                )
            elif opt.kind == "split":
                # A split gives two uses a room each: no part stays empty.
                for r in rooms_of[o]:
                    self.model.add_implication(self.use[o], self.room[r].used)
        if p.budget is not None:
            self.model.add(
                sum(c * self.use[o] for o, c in enumerate(p.works_cost) if c)
                <= p.budget
            )

    def _add_area_target(self) -> None:
        # An advisory target binds only when advice is made hard.
        if not self.p.target_hard:
            return
        target = self.p.target
        self.model.add(
            self.facility >= target.least_units
        ).only_enforce_if(self.rule("area_target"))
        if target.high_units is not None:
            self.model.add(
                self.facility <= target.high_units
            ).only_enforce_if(self.rule("area_target"))

    def _add_resident_share(self) -> None:
        share = self.p.share_min
        if share is None:
            return
        # resident / facility >= share, exactly as rules.share_met does it.
        self.model.add(
            rules.SHARE_UNITS * self.resident_total
            >= rules.share_units(share) * self.facility
        ).only_enforce_if(self.rule("resident_share"))
        # A facility with no room at all has no share to speak of.
        self.model.add(
            sum(v.used for v in self.room.values()) >= 1
        ).only_enforce_if(self.rule("resident_share"))

    # ------------------------------------------------------------ objective

    def add_objective(self, weights: Weights) -> None:
        """Maximise the weighted objective of :mod:`..objective`."""
        p = self.p
        # Any: ortools' expression types do not combine under mypy.
        obj: Any = area_coef(weights.resident) * (
            self.resident_total
        )
        obj -= area_coef(weights.office) * sum(
            int(p.built_units[r]) * v.office for r, v in self.room.items()
        )
        obj -= area_coef(weights.unused) * sum(
            int(p.room_units[r]) * v.hostfixed - v.peak
            for r, v in self.room.items()
        )
        for f, g, w in p.near_pairs:
            met = self._near(f, g)
            obj += near_coef(weights.near, w) * met
            self.near_vars.append((met, w))
        obj -= advice_coef(weights.advice) * self._advice_unmet()
        obj -= self._omitted(weights)
        obj -= sum(
            works_coef(weights.works, opt.works) * self.use[o]
            for o, opt in enumerate(p.options)
            if opt.works and o in self.use
        )
        for f, zone, w in p.near_rooms:
            met = sessions.room_wish_literal(self, f, zone)
            obj += near_coef(weights.near, w) * met
            self.near_vars.append((met, w))
        self.objective = obj
        self.model.maximize(obj)

    def _advice_unmet(self) -> Any:
        """Unmet advice items as a linear expression (docs/sources.md).

        Room-local items (tags, floors, advised size) cost on x itself;
        an advised exclusive or never_with breach costs once per function
        or pair; a recommended function left out costs once.
        """
        p = self.p
        unmet: Any = sum(
            c * self.x[f, r] for (f, r), c in p.costs.items()
            if (f, r) in self.x
        )
        for f in p.advice_exclusive:
            breach = self.model.new_bool_var(f"adv_excl{f}")
            for r in self._rooms_of(f):
                for g, v in self.xs_of_room(r):
                    if g != f:
                        self.model.add(breach >= self.x[f, r] + v - 1)
            unmet += breach
        for f, g in p.advice_pairs:
            breach = self.model.new_bool_var(f"adv_pair{f}_{g}")
            for r in self._rooms_of(f):
                if (g, r) in self.x:
                    self.model.add(
                        breach >= self.x[f, r] + self.x[g, r] - 1
                    )
            unmet += breach
        return unmet

    def _omitted(self, weights: Weights) -> Any:
        """Milli-points lost to recommended functions left out."""
        p = self.p
        lost: Any = 0
        for f in p.optional:
            out = 1 - sum(self.x[f, r] for r in self._rooms_of(f))
            lost += (
                advice_coef(weights.advice)
                + area_coef(weights.omitted) * int(p.need_units[f])
            ) * out
        return lost

    def _near(self, f: int, g: int) -> cp_model.IntVar:
        # met <=> g sits in f's room or in a room next to it.
        met = self.model.new_bool_var(f"near{f}_{g}")
        p = self.p
        # A recommended function left out meets no wish.
        self.model.add(met <= sum(self.x[f, r] for r in self._rooms_of(f)))
        for r in self._rooms_of(f):
            zone = [r, *p.neighbours[r]]
            gs = [self.x[g, q] for q in zone if (g, q) in self.x]
            xf = self.x[f, r]
            if gs:
                self.model.add_bool_or(gs).only_enforce_if([met, xf])
                self.model.add_bool_and([v.Not() for v in gs]).only_enforce_if(
                    [met.Not(), xf]
                )
            else:
                self.model.add_implication(xf, met.Not())
        return met

    # ---------------------------------------------------------- candidates

    def add_difference(
        self, placement: dict[int, int], min_difference: int
    ) -> None:
        """Move at least ``min_difference`` functions from ``placement``.

        A function counts as moved only when it leaves its room's class
        (:attr:`Problem.class_rooms`): a swap of identical rooms is no
        alternative. Renovating, a merged room or a split part is a room
        of its own (its area differs from its parts'), so candidates
        differ in works exactly as far as the works change the rooms the
        functions are in: a function moved from R101 into R101+R102
        counts as moved.
        """
        same = [
            self.x[f, q]
            for f, r in placement.items()
            for q in self.p.class_rooms[r]
            if (f, q) in self.x
        ]
        self.model.add(sum(same) <= len(placement) - min_difference)

    def hint(
        self,
        placement: dict[int, int],
        flex_rooms: set[int],
        time_limit: float = 10.0,
        booked: Mapping[int, Sequence[int]] | None = None,
    ) -> bool:
        """Warm start from a known plan (e.g. the greedy one).

        A hint on the placement alone leaves the auxiliary variables (room
        use, resident flags, peaks) for the solver to guess, and on large
        models it often fails to complete the hint. So the plan is first
        fixed in a copy of the model, where everything else follows by
        propagation, and that full solution becomes the hint. Returns
        whether the full hint was found; if not (the plan breaks a rule
        of this model, e.g. a candidate difference), only the placement is
        hinted.
        """
        trial = self.model.clone()
        fixed = [
            (v, int(placement.get(f) == r)) for (f, r), v in self.x.items()
        ] + [(v, int(r in flex_rooms)) for r, v in self.flex.items()]
        # A plan in the original rooms keeps every wall (keeps come first).
        fixed += [
            (v, int(self.p.options[o].kind == "keep"))
            for o, v in self.use.items()
        ]
        if booked is not None:
            # The greedy's bookings too, so the trial only propagates.
            fixed += [
                (v, int(placement.get(f) == r and s in booked.get(f, ())))
                for (f, r, s), v in self.book.items()
            ]
        for v, value in fixed:
            trial.add(v == value)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = time_limit
        code = solver.solve(trial)
        self.model.clear_hints()
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            hint = self.model.proto.solution_hint
            hint.vars.extend(range(len(self.model.proto.variables)))
            hint.values.extend(solver.response_proto.solution)
            return True
        for v, value in fixed:
            self.model.add_hint(v, value)
        return False
