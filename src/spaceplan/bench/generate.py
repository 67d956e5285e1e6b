"""Seeded generator of realistic community-facility scenarios by size.

An instance is built around a *planted plan*, so it is feasible by
construction and still tight:

1. Functions come from a catalogue of real community function rooms
   (服务大厅, 档案室, 日间照料中心 …) with their categories, schedules
   over the six default slots, needs, floor limits, ``exclusive``,
   ``never_with`` and ``near`` wishes; larger sizes repeat templates for
   more communities or branches (``community_office_2``).
2. Functions are grouped into planted rooms the way one room, multiple
   uses allows (same residency, no ban, little extra peak), and each group
   gets a room of about its peak load, on a floor and with the tags it
   needs.
3. The other rooms of the size are leftover rooms for the flexible
   function; their areas and the circulation area are set so that the
   planted plan's resident share is about 62 %: the 60 % rule is tight.
4. The households count sets the area target to 95 % of the facility
   that uses every room, so the target binds too.

Everything random comes from one ``random.Random(seed)``: the same size
and seed give the same scenario on any machine.
"""

from __future__ import annotations

import math
import random
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal

from spaceplan import rules, timetable
from spaceplan.bench.weeks import book_sessions
from spaceplan.data import (
    KNOWN_TAGS,
    Accounting,
    AreaTarget,
    Building,
    Community,
    Function,
    Policy,
    Room,
    Scenario,
)
from spaceplan.solution import Plan
from spaceplan.timetable import V1_SLOTS

#: The generator's week: the v1 six slots, so that the recorded
#: instances and their known optima stay what they were.
DEFAULT_SLOTS = V1_SLOTS

Mode = Literal["strict", "any", "prorate"]
#: The week of an instance: ``v1`` the six v1 slots (the recorded
#: instances), ``fixed`` the 21-slot week with the same fixed schedules,
#: ``sessions`` the 21-slot week with booked sessions and private rooms.
Week = Literal["v1", "fixed", "sessions"]
WEEKS: tuple[Week, ...] = ("v1", "fixed", "sessions")

#: The planted plan's resident share the generator aims at.
PLANTED_SHARE = 0.62
#: The area target as a share of the facility using every room.
TARGET_FILL = 0.95
#: m² per 100 households of the generated profile (a common figure).
PER_100_HOUSEHOLDS = 30.0
#: The flexible function's id.
FLEX_ID = "flex_activity"


@dataclass(frozen=True)
class SizeSpec:
    """An instance size: rooms, fixed functions and floors."""

    name: str
    num_rooms: int
    num_fixed: int
    num_floors: int
    basement: bool
    lift: bool


#: The benchmark sizes (functions = fixed functions + the flexible one).
SIZES: dict[str, SizeSpec] = {
    "S": SizeSpec("S", 15, 13, 2, basement=False, lift=False),
    "M": SizeSpec("M", 60, 24, 4, basement=False, lift=True),
    "L": SizeSpec("L", 300, 59, 6, basement=True, lift=True),
    "XL": SizeSpec("XL", 1000, 149, 10, basement=True, lift=True),
    # The scale case of the hardening work: not in the default runs.
    "XXL": SizeSpec("XXL", 5000, 299, 20, basement=True, lift=True),
}

_WD = ("weekday_am", "weekday_pm", "weekday_eve")
_WE = ("weekend_am", "weekend_pm", "weekend_eve")
_DAY = ("weekday_am", "weekday_pm")


@dataclass(frozen=True)
class _Template:
    id: str
    name: str
    name_en: str
    category: str
    area: tuple[int, int]
    schedule: tuple[str, ...] | str
    needs: tuple[str, ...] = ()
    floors: tuple[int | None, int | None] | None = None
    exclusive: bool = False
    never_with: tuple[str, ...] = ()
    near: tuple[tuple[str, float], ...] = ()


# fmt: off
#: The 13 fixed functions of the base community profile, in its order.
BASE = (
    _Template(
        "service_hall", "服务大厅", "Service hall", "service", (40, 60),
        ("weekday_am", "weekday_pm", "weekend_am"), ("accessible",),
        (1, 1), near=(("community_office", 5.0),),
    ),
    _Template(
        "mediation_room", "人民调解室", "Mediation room", "service",
        (15, 20), ("weekday_pm", "weekday_eve"), ("quiet",), (1, None),
        never_with=("service_hall",),
    ),
    _Template(
        "social_work_room", "社会工作室", "Social-work room", "service",
        (20, 25), _DAY, ("quiet",), (1, None),
    ),
    _Template(
        "minors_protection", "未成年人保护室", "Minors' protection room",
        "service", (15, 20), ("weekday_eve", "weekend_am"), ("quiet",),
        (1, None), never_with=("service_hall",),
        near=(("women_children_home", 2.0),),
    ),
    _Template(
        "assistance_room", "困难群众救助服务室", "Assistance room",
        "service", (10, 15), "always", ("lockable",), (1, 1),
        exclusive=True,
    ),
    _Template(
        "archive", "档案室", "Archive room", "office", (10, 20), "always",
        ("lockable",), (1, None), exclusive=True,
    ),
    _Template(
        "micro_fire_station", "微型消防站", "Micro fire station",
        "service", (10, 15), "always", ("street_access",), (1, 1),
        exclusive=True,
    ),
    _Template(
        "community_office", "社区办公室", "Community office", "office",
        (30, 50), _DAY, (), None, near=(("service_hall", 5.0),),
    ),
    _Template(
        "residents_council", "居民议事室", "Residents' council room",
        "resident", (30, 40), ("weekday_eve",), ("accessible",), (1, None),
    ),
    _Template(
        "reading_room", "阅览室", "Reading room", "resident", (30, 50),
        ("weekday_am", "weekday_pm", "weekend_am", "weekend_pm"),
        ("quiet", "daylight"), (1, None),
    ),
    _Template(
        "social_org_room", "社会组织活动室", "Social-organisation room",
        "resident", (25, 35), ("weekday_pm", "weekend_pm", "weekend_eve"),
        (), (1, None),
    ),
    _Template(
        "disability_rehab", "残疾人康复室", "Disability rehabilitation",
        "resident", (25, 35), _DAY, ("accessible",), (1, None),
    ),
    _Template(
        "women_children_home", "妇女儿童之家", "Women's and children's home",
        "resident", (30, 40), ("weekday_pm", "weekend_am", "weekend_pm"),
        ("daylight",), (1, 3),
    ),
)

#: Further function rooms of larger complexes (街道 centres, 综合体).
EXTRA = (
    _Template(
        "citizens_school", "市民学校", "Citizens' school", "resident",
        (40, 50), ("weekend_am", "weekend_pm"), ("accessible",), (1, None),
    ),
    _Template(
        "party_room", "党员活动室", "Party members' room", "resident",
        (30, 40), ("weekday_eve", "weekend_am"), (), (1, None),
    ),
    _Template(
        "health_station", "社区卫生服务站", "Community health station",
        "service", (60, 120), ("weekday_am", "weekday_pm", "weekend_am"),
        ("accessible", "water"), (1, 1), exclusive=True,
    ),
    _Template(
        "elderly_activity", "老年活动室", "Elderly activity room",
        "resident", (40, 60), _DAY, ("accessible",), (1, None),
    ),
    _Template(
        "grid_office", "网格化管理室", "Grid management office", "office",
        (15, 25), _WD, (), None, near=(("community_office", 2.0),),
    ),
    _Template(
        "calligraphy_room", "书画室", "Calligraphy and painting room",
        "resident", (25, 35), ("weekday_am", "weekend_am"), ("daylight",),
        (1, None),
    ),
    _Template(
        "psych_counselling", "心理咨询室", "Counselling room", "service",
        (12, 15), ("weekday_pm", "weekend_am"), ("quiet",), (1, None),
        never_with=("service_hall",),
    ),
    _Template(
        "elderly_canteen", "老年食堂", "Elderly canteen", "service",
        (60, 100), ("weekday_am", "weekday_pm", "weekend_am"),
        ("water", "accessible"), (1, 2), exclusive=True,
    ),
    _Template(
        "dance_room", "舞蹈排练室", "Dance rehearsal room", "resident",
        (50, 70), ("weekday_eve", "weekend_pm"), (), (1, None),
        never_with=("reading_room",),
    ),
    _Template(
        "police_room", "警务室", "Community police room", "service",
        (15, 20), "always", ("street_access",), (1, 1), exclusive=True,
    ),
    _Template(
        "chess_room", "棋牌室", "Chess and cards room", "resident",
        (25, 40), ("weekday_pm", "weekday_eve", "weekend_pm"), (),
        (1, None), never_with=("reading_room",),
    ),
    _Template(
        "volunteer_station", "志愿服务站", "Volunteer station", "service",
        (15, 20), ("weekend_am", "weekend_pm"), (), (1, None),
    ),
    _Template(
        "meeting_room", "会议室", "Meeting room", "office", (30, 50),
        _DAY, (), None, near=(("community_office", 2.0),),
    ),
    _Template(
        "fitness_room", "健身室", "Fitness room", "resident", (40, 60),
        ("weekday_am", "weekday_eve", "weekend_am", "weekend_pm"),
        (), (1, None),
    ),
    _Template(
        "nursery", "托育点", "Infant care point", "service", (60, 90),
        _DAY, ("accessible", "daylight", "water"), (1, 3), exclusive=True,
    ),
    _Template(
        "storage", "储藏室", "Store room", "support", (10, 20), "always",
        ("lockable",), None,
    ),
    _Template(
        "youth_room", "青少年活动室", "Youth activity room", "resident",
        (30, 50), ("weekday_eve", "weekend_am", "weekend_pm"), (),
        (1, None), near=(("women_children_home", 1.0),),
    ),
    _Template(
        "convenience_store", "便民超市", "Convenience store", "commercial",
        (40, 80), "always", ("street_access",), (1, 1), exclusive=True,
    ),
    _Template(
        "music_room", "音乐室", "Music room", "resident", (30, 40),
        ("weekend_am", "weekend_eve"), (), (1, None),
        never_with=("reading_room", "mediation_room"),
    ),
    _Template(
        "day_care", "日间照料中心", "Elderly day-care centre", "service",
        (150, 300), _DAY, ("accessible", "daylight", "water"), (1, 3),
        exclusive=True,
    ),
    _Template(
        "parcel_station", "快递驿站", "Parcel station", "commercial",
        (20, 30), "always", ("street_access",), (1, 1), exclusive=True,
    ),
    _Template(
        "laundry", "洗衣房", "Laundry", "support", (10, 15), _WE,
        ("water",), None,
    ),
)
# fmt: on

_CHINESE_DIGITS = "一二三四五六七八九十"


@dataclass
class _Group:
    """A planted room: functions that share it in the planted plan."""

    funcs: list[Function]
    resident: bool

    def peak(self, slots: tuple[str, ...]) -> int:
        return rules.peak_use(self.funcs, slots)


def _copy_name(name: str, k: int) -> str:
    if k == 1:
        return name
    digit = _CHINESE_DIGITS[k - 1] if k <= 10 else str(k)
    return f"{name}（{digit}）"


def _function_list(spec: SizeSpec, rng: random.Random) -> list[Function]:
    """The fixed functions of a size: base first, then extras, repeated."""
    templates = [*BASE, *EXTRA]
    chosen: list[tuple[_Template, int]] = []
    copies: dict[str, int] = {}
    i = 0
    while len(chosen) < spec.num_fixed:
        t = templates[i % len(templates)]
        i += 1
        copies[t.id] = copies.get(t.id, 0) + 1
        chosen.append((t, copies[t.id]))
    ids = {(t.id, k) for t, k in chosen}

    def ref(other: str, k: int) -> str | None:
        # A copy refers to the same copy of the other template if there
        # is one (its own community's office), else to the first.
        for kk in (k, 1):
            if (other, kk) in ids:
                return other if kk == 1 else f"{other}_{kk}"
        return None

    out = []
    for t, k in chosen:
        lo, hi = t.area
        area = rng.randint(lo, hi)
        schedule: Any = t.schedule
        if schedule != "always" and rng.random() < 0.25:
            # A community's own opening hours: one slot more or less.
            spare = [s for s in DEFAULT_SLOTS if s not in schedule]
            if len(schedule) > 1 and rng.random() < 0.5:
                drop = rng.choice(schedule)
                schedule = tuple(s for s in schedule if s != drop)
            elif spare:
                pick = rng.choice(spare)
                schedule = tuple(
                    s for s in DEFAULT_SLOTS if s in schedule or s == pick
                )
        never = [ref(o, k) for o in t.never_with]
        near = [(ref(o, k), w) for o, w in t.near]
        floors = None
        if t.floors is not None:
            floors = {"min": t.floors[0], "max": t.floors[1]}
        out.append(
            Function.model_validate(
                {
                    "id": t.id if k == 1 else f"{t.id}_{k}",
                    "name": _copy_name(t.name, k),
                    "name_en": t.name_en + ("" if k == 1 else f" {k}"),
                    "category": t.category,
                    "min_area": area,
                    "area_source": "generated",
                    "schedule": schedule,
                    "needs": list(t.needs),
                    "floors": floors,
                    "exclusive": t.exclusive,
                    "never_with": [n for n in never if n is not None],
                    "near": [
                        {"function": n, "weight": w}
                        for n, w in near
                        if n is not None
                    ],
                    "rule_source": "generated",
                }
            )
        )
    return out


def _building_floors(spec: SizeSpec) -> list[int]:
    floors = list(range(1, spec.num_floors + 1))
    return [-1, *floors] if spec.basement else floors


def _can_join(
    group: _Group, f: Function, resident: bool, slots: tuple[str, ...]
) -> bool:
    if group.resident != resident or len(group.funcs) >= 3:
        return False
    if f.exclusive or any(g.exclusive for g in group.funcs):
        return False
    for g in group.funcs:
        if g.id in f.never_with or f.id in g.never_with:
            return False
        if set(g.needs) != set(f.needs) and (g.needs or f.needs):
            return False
    lo, hi = _floor_range([*group.funcs, f], 99)
    if lo > hi:
        return False
    old = group.peak(slots)
    new = rules.peak_use([*group.funcs, f], slots)
    # Share a room when the functions mostly use different slots.
    return new <= 1.15 * max(old, rules.to_units(f.min_area))


def _floor_range(funcs: list[Function], top: int) -> tuple[int, int]:
    lo, hi = -1, top
    for f in funcs:
        if f.floors is not None:
            if f.floors.min is not None:
                lo = max(lo, f.floors.min)
            if f.floors.max is not None:
                hi = min(hi, f.floors.max)
    return lo, hi


def _plant_groups(
    funcs: list[Function], accounting: Accounting, rng: random.Random
) -> list[_Group]:
    slots = DEFAULT_SLOTS
    order = list(funcs)
    rng.shuffle(order)
    groups: list[_Group] = []
    for f in order:
        resident = rules.is_resident(f, accounting)
        options = [g for g in groups if _can_join(g, f, resident, slots)]
        if options and rng.random() < 0.7:
            rng.choice(options).funcs.append(f)
        else:
            groups.append(_Group([f], resident))
    return groups


def _room_tags(
    floor: int, spec: SizeSpec, needs: AbstractSet[str], rng: random.Random
) -> list[str]:
    tags = set(needs)
    if (floor == 1 or spec.lift) and floor != -1:
        tags.add("accessible")
    odds = {"daylight": 0.6, "quiet": 0.4, "lockable": 0.3, "water": 0.15}
    for tag, p in odds.items():
        if rng.random() < p and not (tag == "daylight" and floor == -1):
            tags.add(tag)
    if floor == 1 and rng.random() < 0.3:
        tags.add("street_access")
    return [t for t in KNOWN_TAGS if t in tags]


def _planted_floor(group: _Group, spec: SizeSpec, rng: random.Random) -> int:
    floors = _building_floors(spec)
    lo, hi = _floor_range(group.funcs, max(floors))
    needs = {t for f in group.funcs for t in f.needs}
    if "street_access" in needs or ("accessible" in needs and not spec.lift):
        return 1
    ok = [fl for fl in floors if lo <= fl <= hi and fl != -1]
    # Lower floors are likelier: that is where function rooms cluster.
    weights = [1.0 / (1 + abs(fl - 1)) for fl in ok]
    return rng.choices(ok, weights)[0]


def _round_area(value: float) -> float:
    return math.ceil(value * 2) / 2


def generate(
    size: str,
    seed: int = 0,
    shared_rooms: Mode = "strict",
    week: Week = "v1",
) -> Scenario:
    """A realistic, feasible and tight scenario of ``size``.

    Parameters
    ----------
    size : str
        ``"S"``, ``"M"``, ``"L"`` or ``"XL"`` (see :data:`SIZES`).
    seed : int
        Seed of every random choice.
    shared_rooms : {"strict", "any", "prorate"}
        The profile's accounting of shared rooms.
    week : {"v1", "fixed", "sessions"}
        The week (see :data:`Week`); the rooms, functions and planted
        groups are the same in every week.

    Returns
    -------
    Scenario
        The scenario; :func:`generate_planted` also returns the plan it
        was built around.
    """
    return generate_planted(size, seed, shared_rooms, week)[0]


def generate_planted(
    size: str,
    seed: int = 0,
    shared_rooms: Mode = "strict",
    week: Week = "v1",
) -> tuple[Scenario, Plan]:
    """A scenario of ``size`` and the planted plan it was built around."""
    if size not in SIZES:
        raise ValueError(
            f"unknown size '{size}'; the sizes are {', '.join(SIZES)}."
        )
    spec = SIZES[size]
    rng = random.Random(f"spaceplan-bench-{size}-{seed}")
    accounting = Accounting(
        shared_space="include",
        shared_rooms=shared_rooms,
        resident_categories=("resident",),
        source="generated",
    )
    funcs = _function_list(spec, rng)
    groups = _plant_groups(funcs, accounting, rng)
    if len(groups) > spec.num_rooms:
        raise ValueError(f"size {size}: more planted rooms than rooms.")
    # Planted rooms: about the group's peak load, 0-25 % to spare.
    planted: list[tuple[int, float, list[str], _Group | None]] = []
    for group in groups:
        floor = _planted_floor(group, spec, rng)
        needs = {t for f in group.funcs for t in f.needs}
        peak = rules.to_m2(group.peak(DEFAULT_SLOTS))
        area = _round_area(peak * rng.uniform(1.0, 1.25))
        planted.append(
            (floor, area, _room_tags(floor, spec, needs, rng), group)
        )
    non_res = sum(a for _, a, _, g in planted if g and not g.resident)
    res = sum(a for _, a, _, g in planted if g and g.resident)
    # Leftover rooms: sized so the planted plan's share is about 62 %
    # with circulation at about 15 % of the room area.
    extra = spec.num_rooms - len(groups)
    k = PLANTED_SHARE * 1.15
    wanted = max(0.0, (k * non_res - (1 - k) * res) / (1 - k))
    mean = min(120.0, max(15.0, wanted / extra)) if extra else 0.0
    floors = _building_floors(spec)
    for _ in range(extra):
        floor = rng.choice(floors)
        area = _round_area(mean * rng.uniform(0.5, 1.5))
        planted.append(
            (floor, area, _room_tags(floor, spec, set(), rng), None)
        )
    host = sum(a for _, a, _, _ in planted)
    flex_area = host - non_res
    circulation = flex_area / PLANTED_SHARE - host
    # Never below 4 % of the rooms: a building has corridors and stairs.
    circulation = max(circulation, 0.04 * host)
    rooms, plan_pairs, adjacency = _lay_out(planted, spec, circulation, rng)
    flex = Function.model_validate(
        {
            "id": FLEX_ID,
            "name": "多功能活动室",
            "name_en": "Multi-purpose activity room",
            "category": "resident",
            "flexible": True,
            "rule_source": "generated",
        }
    )
    slots: tuple[str, ...] = DEFAULT_SLOTS
    booked: timetable.Timetable | None = None
    if week != "v1":
        slots = timetable.WEEK
    if week == "sessions":
        funcs, booked = book_sessions(
            funcs, [g.funcs for g in groups], plan_pairs, DEFAULT_SLOTS
        )
    all_funcs = (*funcs, flex)
    building = Building(rooms=tuple(rooms), adjacency=tuple(adjacency))
    total_units = rules.to_units(host) + rules.to_units(
        sum(r.area for r in rooms if r.kind == "circulation")
    )
    households = max(
        1, math.floor(TARGET_FILL * total_units / PER_100_HOUSEHOLDS)
    )
    policy = Policy(
        id=f"bench-{size.lower()}",
        title=f"基准测试实例 {size}",
        title_en=f"Benchmark instance {size}",
        source="spaceplan.bench.generate",
        area_target=AreaTarget(
            per_100_households=PER_100_HOUSEHOLDS, source="generated"
        ),
        resident_share_min=0.60,
        resident_share_source="generated (as the Chongqing 2022 plan: ≥ 60 %)",
        accounting=accounting,
        slots=slots,
        functions=all_funcs,
    )
    scenario = Scenario(
        name=(
            f"bench-{size}-{shared_rooms}-seed{seed}"
            if shared_rooms != "strict"
            else f"bench-{size}-seed{seed}"
        )
        + ("" if week == "v1" else f"-{week}"),
        policy=policy,
        community=Community(households=households, area_type="urban_built"),
        building=building,
        functions=all_funcs,
    )
    plan = Plan.from_pairs(plan_pairs)
    if booked is not None:
        plan = Plan(assignments=plan.assignments, timetable=booked)
    return scenario, plan


def _lay_out(
    planted: list[tuple[int, float, list[str], _Group | None]],
    spec: SizeSpec,
    circulation: float,
    rng: random.Random,
) -> tuple[list[Room], list[tuple[str, str]], list[tuple[str, str]]]:
    """Rooms with ids by floor, corridors, toilets, adjacency, the plan."""
    by_floor: dict[int, list[tuple[float, list[str], _Group | None]]] = {}
    for floor, area, tags, group in planted:
        by_floor.setdefault(floor, []).append((area, tags, group))
    floors = _building_floors(spec)
    rooms: list[Room] = []
    pairs: list[tuple[str, str]] = []
    adjacency: list[tuple[str, str]] = []
    per_floor = circulation / len(floors)
    # R101 style when unambiguous, R10-001 style in tall, wide buildings.
    short = max(floors) < 10 and all(len(v) < 100 for v in by_floor.values())
    for floor in floors:
        items = by_floor.get(floor, [])
        rng.shuffle(items)
        prefix = f"B{-floor}" if floor < 0 else f"R{floor}"
        ids = [
            f"{prefix}{n:02d}" if short else f"{prefix}-{n:03d}"
            for n in range(1, len(items) + 1)
        ]
        for rid, (area, tags, group) in zip(ids, items, strict=True):
            rooms.append(
                Room(id=rid, floor=floor, area=area, tags=tuple(tags))
            )
            if group is not None:
                pairs += [(f.id, rid) for f in group.funcs]
            else:
                pairs.append((FLEX_ID, rid))
        # A double-loaded corridor: neighbours along each side adjoin.
        half = (len(ids) + 1) // 2
        for side in (ids[:half], ids[half:]):
            adjacency += list(zip(side, side[1:], strict=False))
        rooms += [
            Room(
                id=f"{prefix}-C",
                name="走廊",
                floor=floor,
                area=round(0.75 * per_floor, 2) or 1.0,
                kind="circulation",
            ),
            Room(
                id=f"{prefix}-S",
                name="楼梯间",
                floor=floor,
                area=round(0.25 * per_floor, 2) or 1.0,
                kind="circulation",
            ),
            Room(
                id=f"{prefix}-WC",
                name="卫生间",
                floor=floor,
                area=12.0,
                kind="service",
            ),
        ]
    return rooms, pairs, adjacency
