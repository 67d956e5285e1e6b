"""A scenario as index arrays, shared by every solver backend.

Nothing here knows a solver. Everything is in integer area units
(:mod:`spaceplan.rules`), so each backend encodes exactly the rules the
checker evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from spaceplan import decisions, rules, timetable
from spaceplan.data import Function, Near, Room, Scenario
from spaceplan.solution import Assignment, Plan
from spaceplan.works import moves


@dataclass(frozen=True)
class Problem:
    """Index view of a scenario.

    ``funcs`` are the fixed functions (placed once each), ``rooms`` the
    rooms that may host functions. ``allowed[f]`` lists the rooms that meet
    function ``f``'s needs, floors and minimum area on its own.

    With ``renovate`` and a scenario that allows moves (docs/formats.md, renovation),
    ``rooms`` are the rooms of every renovation option (originals first,
    in building order, then merged rooms and split parts, see
    :mod:`spaceplan.works.moves`); :attr:`cover` says which options
    may cover each original room, exactly one of them is chosen, and a
    room hosts functions only when its option is chosen. With ``prune``
    the options that can never beat keeping their rooms are left out
    (:meth:`useless`); the solvers prune, the diagnosis does not (its
    rule literals may relax a need, and a pruned room could then host).
    """

    scenario: Scenario
    renovate: bool = True
    prune: bool = False
    #: Original room ids whose walls may move (None: all); the other
    #: rooms are kept (a neighbourhood of :mod:`..cpsat.window`).
    movable: frozenset[str] | None = None
    #: Options worked out already (another problem's, to filter by
    #: ``movable``); None works them out from the scenario.
    given: tuple[moves.Option, ...] | None = None

    @cached_property
    def funcs(self) -> tuple[Function, ...]:
        """Fixed functions, in scenario order."""
        return self.scenario.fixed_functions

    @cached_property
    def options(self) -> tuple[moves.Option, ...]:
        """Renovation options; only keeps without moves."""
        if not self.renovate:
            return tuple(
                moves.Option("keep", (r.id,), (r,), (r.id,))
                for r in self.scenario.host_rooms
            )
        found = self.given
        if found is None:
            found = moves.options(self.scenario)
        if self.movable is not None:
            inside = self.movable
            found = tuple(
                o for o in found
                if o.kind == "keep" or inside.issuperset(o.covers)
            )
        if not self.prune:
            return found
        return tuple(o for o in found if not self.useless(o))

    def useless(self, option: moves.Option) -> bool:
        """Whether a merge or split can never beat keeping its rooms.

        True when no fixed function fits any of the option's rooms (by
        :meth:`fits`: needs, floors, a ``fix``, hard advice, minimum
        area) and its rooms count the same building area as the rooms
        it covers. Its rooms must be used (a merged room and both split
        parts host something), so only the flexible function can take
        them; keeping the covered rooms, each taken by the flexible
        function, then gives the same resident area, facility, office,
        unused area and wishes (no fixed function moves) without the
        works. So the best plan never needs the option, and dropping it
        is exact. Without the flexible function the option cannot be
        chosen at all.
        """
        if option.kind == "keep":
            return False
        covers = option.covers if option.kind == "merge" else ()
        for room in option.rooms:
            # Area first (most parts are too small for most functions).
            small = self.need_units <= rules.to_units(room.area)
            if any(
                self.fits(int(f), room, covers)
                for f in np.flatnonzero(small)
            ):
                return False
        building = self.scenario.building
        before = sum(self.counted(building.room(r)) for r in option.covers)
        return sum(self.counted(r) for r in option.rooms) == before

    @cached_property
    def renovating(self) -> bool:
        """Whether any option moves a wall."""
        return any(o.kind != "keep" for o in self.options)

    @cached_property
    def rooms(self) -> tuple[Room, ...]:
        """Rooms of kind ``room`` (and, renovating, the options' rooms)."""
        if not self.renovating:
            return self.scenario.host_rooms
        return tuple(r for o in self.options for r in o.rooms)

    @cached_property
    def room_option(self) -> tuple[int, ...]:
        """The option each room belongs to."""
        return tuple(
            o for o, opt in enumerate(self.options) for _ in opt.rooms
        )

    @cached_property
    def cover(self) -> tuple[tuple[int, ...], ...]:
        """For each original host room, the options covering it."""
        index = {r.id: i for i, r in enumerate(self.scenario.host_rooms)}
        out: list[list[int]] = [[] for _ in index]
        for o, opt in enumerate(self.options):
            for rid in opt.covers:
                out[index[rid]].append(o)
        return tuple(tuple(c) for c in out)

    @cached_property
    def room_covers(self) -> tuple[tuple[str, ...], ...]:
        """Original rooms a ``fix`` to which each room meets: its own id,
        or a merged room's parts (docs/formats.md, renovation); none for a split part."""
        return tuple(
            () if self.options[o].kind == "split" else self.options[o].covers
            for o in self.room_option
        )

    @cached_property
    def all_pairs(self) -> frozenset[frozenset[str]]:
        """Adjacency among every option's rooms and the rooms of other
        kinds, as the checker derives it for a renovated building."""
        others = [
            r for r in self.scenario.building.rooms if not r.hosts_functions
        ]
        top = len(self.options)
        return frozenset(
            moves.adjacency(
                self.scenario.building,
                [*self.rooms, *others],
                [self.options[o].covers for o in self.room_option]
                + [(r.id,) for r in others],
                [*self.room_option, *range(top, top + len(others))],
            )
        )

    def _wish_zone(self, wish: Near) -> tuple[int, ...]:
        """Rooms meeting a room or tag wish, renovating: its targets
        (which never move, see :func:`moves.wish_targets`) and rooms
        next to them."""
        building = self.scenario.building
        if wish.room is not None:
            targets = {wish.room}
        else:
            targets = {
                r.id for r in building.rooms if wish.tag in r.tags
            }
        near = {
            rid for pair in self.all_pairs if pair & targets for rid in pair
        }
        return tuple(
            r for r, room in enumerate(self.rooms) if room.id in near | targets
        )

    @cached_property
    def works_cost(self) -> tuple[int, ...]:
        """Each option's works in whole yuan."""
        return tuple(round(o.cost) for o in self.options)

    @cached_property
    def budget(self) -> int | None:
        """The renovation budget per candidate (whole yuan), if any."""
        reno = self.scenario.renovation
        if reno is None or reno.budget is None:
            return None
        return int(reno.budget + 1e-9)

    def public_plan(self, plan: Plan) -> Plan:
        """A plan in this problem's room ids as a user reads it.

        Split parts take their names (``R104a``) in the assignments and
        the timetable, and the plan gains the works of every option its
        rooms belong to, in option order.
        """
        if not self.renovating:
            return plan
        idx = self.room_idx
        chosen = sorted({self.room_option[idx[a.room]] for a in plan.assignments})
        rename = {
            room.id: name
            for opt in self.options
            for room, name in zip(opt.rooms, opt.names, strict=True)
        }
        week = plan.timetable
        return Plan(
            assignments=tuple(
                Assignment(function=a.function, room=rename[a.room])
                for a in plan.assignments
            ),
            works=tuple(w for o in chosen for w in self.options[o].works),
            timetable=None
            if week is None
            else {rename.get(r, r): slots for r, slots in week.items()},
        )

    @property
    def num_funcs(self) -> int:
        """Number of fixed functions."""
        return len(self.funcs)

    @property
    def num_rooms(self) -> int:
        """Number of host rooms."""
        return len(self.rooms)

    @cached_property
    def func_idx(self) -> dict[str, int]:
        """Function id to index."""
        return {f.id: i for i, f in enumerate(self.funcs)}

    @cached_property
    def room_idx(self) -> dict[str, int]:
        """Room id to index."""
        return {r.id: i for i, r in enumerate(self.rooms)}

    @cached_property
    def slots(self) -> tuple[str, ...]:
        """The profile's time slots."""
        return self.scenario.slots

    @cached_property
    def room_units(self) -> npt.NDArray[np.int64]:
        """Room areas in units."""
        a = np.array([rules.to_units(r.area) for r in self.rooms], np.int64)
        a.flags.writeable = False
        return a

    @cached_property
    def built_units(self) -> npt.NDArray[np.int64]:
        """Room building areas in units, as the accounting counts them.

        Capacity uses :attr:`room_units`; facility, resident and office
        areas use these (apportioned under ``shared_space: apportion``).
        """
        # As rules.building_units: a merged or split room keeps its
        # floor's factor (the floor's areas add up as before).
        a = np.array([self.counted(r) for r in self.rooms], np.int64)
        a.flags.writeable = False
        return a

    def counted(self, room: Room) -> int:
        """A room's building area in units (see :attr:`built_units`)."""
        units = rules.to_units(room.area)
        if self.scenario.policy.accounting.shared_space != "apportion":
            return units
        ff = self._factors[room.floor]
        return units * ff.gross_units // ff.base_units

    @cached_property
    def _factors(self) -> dict[int, rules.FloorFactor]:
        return rules.floor_factors(self.scenario.building)

    @cached_property
    def need_units(self) -> npt.NDArray[np.int64]:
        """Function minimum areas in units."""
        a = np.array(
            [rules.to_units(f.min_area) for f in self.funcs], np.int64
        )
        a.flags.writeable = False
        return a

    @cached_property
    def active(self) -> npt.NDArray[np.bool_]:
        """``active[f, s]``: function f is used in slot s."""
        a = np.array(
            [
                [s in f.active_slots(self.slots) for s in self.slots]
                for f in self.funcs
            ],
            dtype=bool,
        ).reshape(self.num_funcs, len(self.slots))
        a.flags.writeable = False
        return a

    @cached_property
    def area_slots(self) -> npt.NDArray[np.int64]:
        """Each function's area-slots (units × active slots)."""
        a = np.array(
            [rules.area_slots(f, self.slots) for f in self.funcs], np.int64
        )
        a.flags.writeable = False
        return a

    @cached_property
    def resident(self) -> npt.NDArray[np.bool_]:
        """Whether each fixed function counts as resident activity."""
        acc = self.scenario.policy.accounting
        return np.array(
            [rules.is_resident(f, acc) for f in self.funcs], dtype=bool
        )

    @cached_property
    def office(self) -> npt.NDArray[np.bool_]:
        """Whether each fixed function is office space."""
        return np.array([rules.is_office(f) for f in self.funcs], bool)

    @property
    def advice_hard(self) -> bool:
        """Whether this run makes advice hard."""
        return self.scenario.advice_hard

    def advice_cost(self, f: int, r: int) -> int:
        """Unmet advice items if function ``f`` takes room ``r``.

        One per advised tag the room lacks, one for an advised floor range
        it is outside, one for a room smaller than the advised size.
        """
        return self.advice_units(f, self.rooms[r])

    def advice_units(self, f: int, room: Room) -> int:
        """:meth:`advice_cost` of function ``f`` in any ``room``."""
        func = self.funcs[f]
        advice = func.advice
        cost = sum(t not in room.tags for t in advice.needs)
        if advice.floors is not None and not advice.floors.allows(
            room.floor
        ):
            cost += 1
        advised = self.scenario.advised_area(func)
        if advised is not None and room.area < advised:
            cost += 1
        return cost

    @cached_property
    def costs(self) -> dict[tuple[int, int], int]:
        """Non-zero :meth:`advice_cost` of the allowed pairs (soft runs)."""
        if self.advice_hard:
            return {}
        return {
            (f, r): c
            for f, rooms in enumerate(self.allowed)
            for r in rooms
            if (c := self.advice_cost(f, r))
        }

    def fits_alone(self, f: int, r: int) -> bool:
        """Whether function ``f`` may take room ``r`` on its own."""
        return self.fits(f, self.rooms[r], self.room_covers[r])

    def fits(self, f: int, room: Room, covers: tuple[str, ...]) -> bool:
        """:meth:`fits_alone` for any room, made of ``covers`` originals
        as far as a ``fix`` goes (none for a split part)."""
        func = self.funcs[f]
        fixed = self.scenario.fix.get(func.id)
        if fixed is not None and fixed not in covers:
            return False
        if any(t not in room.tags for t in func.needs):
            return False
        if func.floors is not None and not func.floors.allows(room.floor):
            return False
        if self.advice_hard and self.advice_units(f, room):
            return False
        return bool(self.need_units[f] <= rules.to_units(room.area))

    @cached_property
    def allowed(self) -> tuple[tuple[int, ...], ...]:
        """``allowed[f]``: rooms function f may take."""
        # Area first, on all rooms at once: on a large building most rooms
        # are too small for most functions, and fits_alone then decides
        # only the few left (5,000 rooms × 300 functions: 12 s → 1 s).
        big_enough = self.room_units[None, :] >= self.need_units[:, None]
        return tuple(
            tuple(
                int(r)
                for r in np.flatnonzero(big_enough[f])
                if self.fits_alone(f, int(r))
            )
            for f in range(self.num_funcs)
        )

    @cached_property
    def hosts(self) -> tuple[tuple[int, ...], ...]:
        """``hosts[r]``: functions room r may take."""
        out: list[list[int]] = [[] for _ in range(self.num_rooms)]
        for f, rooms in enumerate(self.allowed):
            for r in rooms:
                out[r].append(f)
        return tuple(tuple(fs) for fs in out)

    @cached_property
    def banned_pairs(self) -> tuple[tuple[int, int], ...]:
        """Pairs (f, g), f < g, that may never share a room."""
        pairs: set[tuple[int, int]] = set()
        for f, func in enumerate(self.funcs):
            named = func.never_with
            if self.advice_hard:
                named = named + func.advice.never_with
            for other in named:
                g = self.func_idx.get(other)
                if g is not None:
                    pairs.add((min(f, g), max(f, g)))
        return tuple(sorted(pairs))

    @cached_property
    def advice_pairs(self) -> tuple[tuple[int, int], ...]:
        """Advised pairs (f, g), f < g, best apart; not already banned."""
        if self.advice_hard:
            return ()
        pairs: set[tuple[int, int]] = set()
        for f, func in enumerate(self.funcs):
            for other in func.advice.never_with:
                g = self.func_idx.get(other)
                if g is not None:
                    pairs.add((min(f, g), max(f, g)))
        return tuple(sorted(pairs - set(self.banned_pairs)))

    @cached_property
    def exclusive(self) -> tuple[int, ...]:
        """Functions that need a room of their own."""
        return tuple(
            f
            for f, func in enumerate(self.funcs)
            if func.exclusive or (self.advice_hard and func.advice.exclusive)
        )

    @cached_property
    def advice_exclusive(self) -> tuple[int, ...]:
        """Functions best in a room of their own (soft, not hard)."""
        if self.advice_hard:
            return ()
        return tuple(
            f
            for f, func in enumerate(self.funcs)
            if func.advice.exclusive and not func.exclusive
        )

    @cached_property
    def optional(self) -> tuple[int, ...]:
        """Recommended functions: placing them is advice (soft runs)."""
        if self.advice_hard:
            return ()
        return tuple(
            f for f, func in enumerate(self.funcs) if func.recommended
        )

    @cached_property
    def target_hard(self) -> bool:
        """Whether the area target binds the solver."""
        policy = self.scenario.policy
        return self.target.binding != "none" and (
            policy.area_target.strength != "advice" or self.advice_hard
        )

    @cached_property
    def share_min(self) -> float | None:
        """The resident share the solver must reach, if any."""
        policy = self.scenario.policy
        if policy.resident_share_min is None:
            return None
        if policy.resident_share_strength == "advice" and not (
            self.advice_hard
        ):
            return None
        return policy.resident_share_min

    @cached_property
    def near_pairs(self) -> tuple[tuple[int, int, float], ...]:
        """Soft wishes (f, g, weight): g in f's room or next door."""
        out = []
        for f, func in enumerate(self.funcs):
            for wish in func.near:
                if wish.function is None:
                    continue
                g = self.func_idx.get(wish.function)
                if g is not None and g != f:
                    out.append((f, g, wish.weight))
        return tuple(out)

    @cached_property
    def neighbours(self) -> tuple[tuple[int, ...], ...]:
        """``neighbours[r]``: host rooms adjacent to r (r itself excluded)."""
        building = self.scenario.building
        out: list[list[int]] = [[] for _ in range(self.num_rooms)]
        pairs = self.all_pairs if self.renovating else building.adjacent_pairs
        for pair in pairs:
            a, b = tuple(pair)
            ia, ib = self.room_idx.get(a), self.room_idx.get(b)
            if ia is not None and ib is not None:
                out[ia].append(ib)
                out[ib].append(ia)
        return tuple(tuple(sorted(n)) for n in out)

    @cached_property
    def has_flexible(self) -> bool:
        """Whether the run has the flexible resident function."""
        return self.scenario.flexible_function is not None

    @cached_property
    def circulation_units(self) -> int:
        """Shared space added to the facility on top of its rooms (units).

        Circulation at its own area under ``include``; zero otherwise
        (``apportion`` has put it into :attr:`built_units`).
        """
        return rules.shared_units(
            self.scenario.building, self.scenario.policy.accounting
        )

    @cached_property
    def target(self) -> rules.AreaTarget:
        """The facility area target."""
        return rules.area_target(
            self.scenario.policy, self.scenario.community
        )

    @cached_property
    def room_class(self) -> tuple[int, ...]:
        """Rooms an architect would call interchangeable share a class.

        Same floor, same area to the square metre, same tags. Moving a
        function between two rooms of one class is a mirror image, not an
        alternative, so candidates must differ in classes, not room ids.
        """
        keys: dict[tuple[object, ...], int] = {}
        out = []
        for room in self.rooms:
            key = (room.floor, round(room.area), tuple(sorted(room.tags)))
            out.append(keys.setdefault(key, len(keys)))
        return tuple(out)

    @cached_property
    def class_rooms(self) -> tuple[tuple[int, ...], ...]:
        """``class_rooms[r]``: the rooms of r's class, r included."""
        members: dict[int, list[int]] = {}
        for r, c in enumerate(self.room_class):
            members.setdefault(c, []).append(r)
        return tuple(tuple(members[c]) for c in self.room_class)

    def unplaceable(self) -> list[int]:
        """Required functions no room can take, even alone."""
        soft = set(self.optional)
        return [
            f
            for f, rooms in enumerate(self.allowed)
            if not rooms and f not in soft
        ]
    # ------------------------------------------------ time and decisions

    @cached_property
    def sessions(self) -> tuple[int, ...]:
        """Sessions a week of each function the solver books (0: fixed)."""
        return tuple(f.sessions or 0 for f in self.funcs)

    @cached_property
    def window(self) -> tuple[tuple[int, ...], ...]:
        """Slot indices each booked function may take (() when fixed)."""
        index = {s: i for i, s in enumerate(self.slots)}
        return tuple(
            tuple(index[s] for s in timetable.window(f, self.slots))
            if f.sessions is not None
            else ()
            for f in self.funcs
        )

    @cached_property
    def private(self) -> tuple[bool, ...]:
        """Whether each function has its room alone while in session."""
        return tuple(f.private for f in self.funcs)

    @cached_property
    def has_sessions(self) -> bool:
        """Whether any function's slots are for the solver to choose."""
        return any(self.sessions)

    @cached_property
    def flex_fixed(self) -> tuple[int, ...]:
        """Rooms a ``fix`` gives to the flexible function."""
        flex = self.scenario.flexible_function
        if flex is None or flex.id not in self.scenario.fix:
            return ()
        return (self.room_idx[self.scenario.fix[flex.id]],)

    @cached_property
    def near_rooms(self) -> tuple[tuple[int, tuple[int, ...], float], ...]:
        """Room and tag wishes (f, host rooms meeting it, weight)."""
        out = []
        for wish in decisions.room_wishes(self.scenario):
            f = self.func_idx[wish.function]
            zone = tuple(
                r for r, room in enumerate(self.rooms) if room.id in wish.zone
            )
            if self.renovating:
                zone = self._wish_zone(wish.wish)
            out.append((f, zone, wish.weight))
        return tuple(out)
