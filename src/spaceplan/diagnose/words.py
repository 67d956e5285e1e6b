"""Phrases the diagnosis shares: areas, rooms, floors and the target.

Every word comes from the catalogue (``locale/diagnose.toml``); this
module only chooses the entry and fills in the numbers.
"""

from __future__ import annotations

from spaceplan import rules
from spaceplan.data import Function, Scenario
from spaceplan.i18n import Lang, function_name, t
from spaceplan.sentences import source_words

RuleKey = tuple[str, ...]


def m2(units: int | float) -> str:
    """Integer area units as ``1,234 m²`` (two decimals if not whole)."""
    value = rules.to_m2(units)
    digits = 0 if value == round(value) else 2
    return f"{value:,.{digits}f} m²"


def fname(f: Function, lang: Lang) -> str:
    """A function by its name in ``lang``: ``服务大厅`` / ``Service hall``."""
    return function_name(f, lang)


def listed(items: list[str], lang: Lang) -> str:
    """Items joined as a list: ``a, b`` / ``a、b``."""
    return t("diagnose.sep.list", lang).join(items)


def room_words(f: Function, lang: Lang) -> str:
    """The room ``f`` needs: ``an accessible daylit room``."""
    if not f.needs:
        return t("diagnose.room.any", lang)
    first, *rest = f.needs
    words = [t(f"diagnose.tag.first.{first}", lang)]
    words += [t(f"diagnose.tag.{tag}", lang) for tag in rest]
    tags = t("diagnose.tag.sep", lang).join(words)
    return t("diagnose.room.tagged", lang, tags=tags)


def tag_names(f: Function, sep: str, lang: Lang) -> str:
    """The tags ``f`` needs, by name, joined by the entry ``sep``."""
    names = [t(f"diagnose.tag_id.{tag}", lang) for tag in f.needs]
    return t(sep, lang).join(names)


def floor_words(f: Function, scenario: Scenario, lang: Lang) -> str:
    """Where ``f`` may go: `` on floor 2 or below``; empty if anywhere."""
    if f.floors is None:
        return ""
    floors = scenario.building.floors
    lo = f.floors.min if f.floors.min is not None else min(floors)
    hi = f.floors.max if f.floors.max is not None else max(floors)
    if f.floors.min is None and f.floors.max is not None and hi > lo:
        return t("diagnose.floor.at_most", lang, hi=hi)
    if f.floors.max is None and f.floors.min is not None and hi > lo:
        return t("diagnose.floor.at_least", lang, lo=lo)
    if lo == hi:
        return t("diagnose.floor.one", lang, lo=lo)
    return t("diagnose.floor.range", lang, lo=lo, hi=hi)


def need_words(f: Function, scenario: Scenario, lang: Lang) -> str:
    """``X needs an accessible room on floor 1``."""
    floors = floor_words(f, scenario, lang)
    room = room_words(f, lang)
    if not floors:
        return t("diagnose.need", lang, label=fname(f, lang), room=room)
    return t(
        "diagnose.need.floors",
        lang,
        label=fname(f, lang),
        room=room,
        floors=floors,
    )


def target_terms(scenario: Scenario, lang: Lang) -> str:
    """How the area target is reckoned: per household or a minimum."""
    target = rules.area_target(scenario.policy, scenario.community)
    rule = scenario.policy.area_target
    if target.binding == "per_household":
        return t(
            "diagnose.terms.households",
            lang,
            per=rule.per_100_households,
            households=scenario.community.households,
        )
    area_type = scenario.community.area_type
    known = ("urban_built", "urban_unbuilt", "rural")
    words = t(
        f"diagnose.area_type.{area_type if area_type in known else 'other'}",
        lang,
    )
    return t("diagnose.terms.minimum", lang, area_type=words)


def building_units(scenario: Scenario) -> tuple[int, int]:
    """Host room units (building areas) and counted circulation units."""
    acc = scenario.policy.accounting
    counted = rules.building_units(scenario.building, acc)
    host = sum(counted[r.id] for r in scenario.host_rooms)
    return host, rules.shared_units(scenario.building, acc)


def area_sentence(
    scenario: Scenario, reach: int, whole: bool, lang: Lang
) -> str:
    """The target sentence: what the facility reaches and what is short."""
    target = rules.area_target(scenario.policy, scenario.community)
    host, circ = building_units(scenario)
    if not whole:
        what = t("diagnose.area.reach", lang, reach=m2(reach))
    elif circ:
        what = t(
            "diagnose.area.building_circ", lang, host=m2(host), circ=m2(circ)
        )
    else:
        what = t("diagnose.area.building", lang, host=m2(host))
    return t(
        "diagnose.area.short",
        lang,
        what=what,
        target=m2(target.units),
        terms=target_terms(scenario, lang),
        source=source_words(scenario.policy.area_target.source, lang),
        short=m2(target.units - reach),
    )
