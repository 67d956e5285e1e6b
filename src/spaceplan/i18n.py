"""Words shown to users, in Chinese (default) and English.

Function and rule names come from the profile (``name`` / ``name_en``);
this module holds the rest: categories, metrics, rule titles, statuses.
"""

from __future__ import annotations

from typing import Literal

from spaceplan.data import Function, Policy

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_WORDS: dict[str, tuple[str, str]] = {
    # room categories as drawn
    "cat.resident": ("居民活动", "Resident activity"),
    "cat.service": ("服务", "Service"),
    "cat.office": ("办公", "Office"),
    "cat.support": ("辅助", "Support"),
    "cat.commercial": ("商业", "Commercial"),
    "cat.flexible": ("多功能活动", "Flexible activity"),
    "cat.mixed": ("混合使用", "Mixed use"),
    "cat.empty": ("未纳入设施", "Not in the facility"),
    "cat.circulation": ("交通空间", "Circulation"),
    "cat.unavailable": ("非设施用房", "Not the facility's"),
    "cat.plant": ("设备及卫生间", "Toilets and plant"),
    # metrics
    "m.target_area": ("面积指标", "Area target"),
    "m.facility_area": ("设施面积", "Facility area"),
    "m.resident_area": ("居民活动面积", "Resident-activity area"),
    "m.resident_share": ("居民活动占比", "Resident share"),
    "m.office_area": ("办公面积", "Office area"),
    "m.unused_area": ("功能房间闲置面积", "Unused area in function rooms"),
    "m.circulation_area": ("交通面积", "Circulation area"),
    "m.rooms_used": ("使用房间数", "Rooms used"),
    "m.rooms_empty": ("未用房间数", "Rooms left out"),
    "m.objective": ("目标值", "Objective"),
    # rules
    "r.area_target": ("设施面积达标", "Facility area target"),
    "r.resident_share": ("居民活动面积占比", "Resident-activity share"),
    "r.placed": ("功能落位", "Function placed"),
    "r.min_area": ("分时段面积", "Area in every time slot"),
    "r.needs": ("房间条件", "Room qualities"),
    "r.floors": ("楼层限制", "Floor limits"),
    "r.exclusive": ("独立使用", "Room of its own"),
    "r.never_with": ("不得合用", "Sharing ban"),
    "r.host_kind": ("可用房间", "Usable room"),
    "r.flexible_alone": ("多功能室独用", "Flexible room alone"),
    "r.open_hours": ("开放时间", "Opening hours"),
    # words
    "w.pass": ("通过", "pass"),
    "w.fail": ("不通过", "FAIL"),
    "w.source": ("依据", "Source"),
    "w.required": ("要求", "Required"),
    "w.achieved": ("实际", "Achieved"),
    "w.margin": ("余量", "Margin"),
    "w.rule": ("条款", "Rule"),
    "w.subject": ("对象", "Subject"),
    "w.result": ("结论", "Result"),
    "w.room": ("房间", "Room"),
    "w.floor": ("楼层", "Floor"),
    "w.area": ("面积", "Area"),
    "w.functions": ("功能", "Functions"),
    "w.candidate": ("方案", "Candidate"),
    "w.compliant": ("符合", "compliant"),
    "w.noncompliant": ("不符合", "not compliant"),
    "w.default": ("默认假设", "default assumption"),
    "w.status": ("状态", "Status"),
    "w.moved": ("调整的功能", "Functions moved"),
    "w.households": ("户数", "Households"),
    "w.policy": ("政策依据", "Profile"),
    "status.optimal": ("最优", "optimal"),
    "status.feasible": ("可行", "feasible"),
    "status.infeasible": ("无可行方案", "infeasible"),
    "status.unknown": ("时限内未找到方案", "no plan within the time limit"),
    "acc.strict": (
        "严格：房间内全部功能均为居民活动才计入",
        "strict: a room counts only if all its functions are resident",
    ),
    "acc.any": (
        "宽松：房间内任一功能为居民活动即整间计入",
        "any: a room counts whole if any function is resident",
    ),
    "acc.prorate": (
        "按比例：按各功能面积×时段折算",
        "prorate: by the functions' area-slots",
    ),
    "acc.circ.include": (
        "交通空间计入设施面积", "circulation counted in facility area"
    ),
    "acc.circ.exclude": (
        "交通空间不计入设施面积", "circulation not counted"
    ),
}


def t(key: str, lang: Lang = "zh") -> str:
    """The word for ``key`` in ``lang`` (the key itself if unknown)."""
    pair = _WORDS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def function_name(function: Function, lang: Lang = "zh") -> str:
    """A function's name in ``lang``."""
    return function.name if lang == "zh" else function.name_en


def policy_title(policy: Policy, lang: Lang = "zh") -> str:
    """A profile's title in ``lang`` (the Chinese one if no English)."""
    if lang == "en" and policy.title_en:
        return policy.title_en
    return policy.title
