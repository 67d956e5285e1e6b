"""The rulebook: every requirement sits where its source puts it.

These tests read the bundled profiles, so a later edit that marks a
spaceplan default as law, cites an internal note, or drops a document from
``docs/sources.md`` fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spaceplan.data import DEFAULT_SOURCE, Function, Policy
from spaceplan.policies import load_policy, policy_ids

DOCS = Path(__file__).resolve().parents[1] / "docs" / "sources.md"

#: The documents a profile is named after (hard rules of strength law).
SEEDS = (
    "重庆市城乡社区综合服务体试点建设工作方案",
    "万盛经开区城乡社区服务体系建设规划（2016—2020年）实施方案",
    "城乡社区综合服务设施“补短板”达标工程实施方案",
    "关于深入推进城乡社区发展治理建设高品质和谐宜居生活社区的意见",
    "住房和城乡建设部办公厅 民政部办公厅关于开展完整社区建设试点工作的通知",
)
#: National standards (hard rules of strength standard), by code.
STANDARDS = (
    "GB 50016-2014（2018年版）",
    "JGJ 450-2018",
    "卫医发〔2006〕240号",
    "GB 50763-2012",
    "GB/T 17986-2000",
    "JGJ 39-2016",
    "社区微型消防站建设标准（试行）",
)
#: Local documents an advice item may cite instead of a spaceplan default.
LOCAL = (
    "贵阳市新建改建居住区公共文化配套设施建设管理规定（暂行）",
    "泰州市市区城市社区综合服务设施建设管理办法",
    "关于加强社区养老服务设施规划建设工作的通知",
    "社区居民委员会办公和活动用房标准",
    "贵阳市城市规划管理技术规定",
)
#: Names of research notes that must never reach a user.
INTERNAL = re.compile(
    r"standards\.md|formats\.md|addendum|seed ?\d|\bS2\b|\(A\)|\(R\)|§"
)


def _profiles() -> list[str]:
    return policy_ids()


def _cites(source: str, documents: tuple[str, ...]) -> bool:
    return any(doc in source for doc in documents)


def _hard_rules(f: Function) -> list[str]:
    """The hard placement rules a function carries."""
    out = []
    if f.required is True and not f.flexible:
        out.append("placed")
    if f.needs:
        out.append("needs")
    if f.floors is not None:
        out.append("floors")
    if f.exclusive:
        out.append("exclusive")
    if f.never_with:
        out.append("never_with")
    return out


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_there_are_eleven_profiles() -> None:
    # The nine of v1, sichuan-2021-rural and the new-community half of
    # the complete-community notice.
    assert len(_profiles()) == 11
    assert {"sichuan-2021-rural", "complete-community-2022-new"} <= set(
        _profiles()
    )


@pytest.mark.parametrize("pid", _profiles())
def test_every_hard_rule_cites_a_seed_clause_or_a_standard(pid: str) -> None:
    policy = load_policy(pid)
    for f in policy.functions:
        hard = _hard_rules(f)
        if hard:
            documents = STANDARDS if f.strength == "standard" else SEEDS
            assert _cites(f.rule_source, documents), (pid, f.id, hard)
            assert not f.rule_source.startswith(DEFAULT_SOURCE), (pid, f.id)
        if f.area_strength != "advice":
            documents = (
                STANDARDS if f.area_strength == "standard" else SEEDS
            )
            assert _cites(f.area_source, documents), (pid, f.id)


@pytest.mark.parametrize("pid", _profiles())
def test_every_spaceplan_default_is_advice(pid: str) -> None:
    policy = load_policy(pid)
    for f in policy.functions:
        if f.area_source.startswith(DEFAULT_SOURCE):
            assert f.area_strength == "advice", (pid, f.id)
        if f.rule_source.startswith(DEFAULT_SOURCE):
            assert not _hard_rules(f), (pid, f.id)
        source = f.advice.source
        if not f.advice.empty:
            # Exactly "spaceplan default: <reason>", or a document title.
            assert source.startswith(f"{DEFAULT_SOURCE}: ") or _cites(
                source, SEEDS + STANDARDS + LOCAL
            ), (pid, f.id, source)
    for rule, strength in (
        (policy.area_target, policy.area_target.strength),
    ):
        if rule.source.startswith(DEFAULT_SOURCE):
            assert strength == "advice", pid
    if policy.resident_share_min is not None:
        src = policy.resident_share_source
        assert _cites(src, SEEDS), pid
        if src.startswith(DEFAULT_SOURCE):
            assert policy.resident_share_strength == "advice", pid


@pytest.mark.parametrize("pid", _profiles())
def test_facility_rules_cite_the_profiles_document(pid: str) -> None:
    policy = load_policy(pid)
    if policy.area_target.minimum or policy.area_target.per_100_households:
        assert _cites(policy.area_target.source, SEEDS), pid


@pytest.mark.parametrize("pid", _profiles())
def test_no_internal_note_in_any_field(pid: str) -> None:
    policy = load_policy(pid)
    for text in _strings(policy.model_dump(mode="json")):
        assert not INTERNAL.search(text), (pid, text)


@pytest.mark.parametrize("pid", _profiles())
def test_profile_states_its_resident_side(pid: str) -> None:
    # Every profile says which functions count as resident and why; the
    # reason cites the two-part split (社区组织工作用房 / 居民公益性服务设施).
    policy = load_policy(pid)
    acc = policy.accounting
    assert "resident" in acc.resident_categories
    assert "居民公益性服务设施" in acc.source, pid
    assert acc.shared_space == "apportion"
    assert acc.shared_rooms == "prorate"
    for f in policy.functions:
        if f.category == "commercial":
            assert f.id not in acc.resident_functions


def test_every_cited_document_is_listed_in_the_sources_page() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for doc in SEEDS + STANDARDS + LOCAL:
        assert doc in text, doc
    assert not INTERNAL.search(text)


# ---------------------------------------------- fidelity fixes, one by one


def _fn(pid: str, fid: str) -> Function:
    return load_policy(pid).function(fid)


def test_wansheng_about_800_is_advice_within_ten_percent() -> None:
    target = load_policy("wansheng-2018-unbuilt").area_target
    assert (target.minimum, target.tolerance) == (800, 0.10)
    assert target.strength == "advice"
    assert "800平方米左右" in target.source


def test_nursery_floors_one_to_two_are_a_standard() -> None:
    for pid in ("chongqing-2022-built", "complete-community-2022-new"):
        f = _fn(pid, "nursery")
        assert f.floors is not None
        assert (f.floors.min, f.floors.max) == (1, 2)
        assert f.strength == "standard"
        assert "5.4.4" in f.rule_source
        # The own exit is 宜 in a low or multi-storey building: advice.
        assert "street_access" in f.advice.needs
        assert "第5款" in f.advice.source


def test_household_bands_for_council_reading_and_culture() -> None:
    council = _fn("chongqing-2022-built", "residents_council").advice
    assert [council.advised_area(h) for h in (800, 1500, 4000)] == [
        60, 80, 100
    ]
    reading = _fn("sichuan-2021-new", "reading_room").advice
    assert [reading.advised_area(h) for h in (900, 2500, 4000)] == [
        50, 60, 80
    ]
    culture = _fn("wansheng-2018-unbuilt", "cultural_room").advice
    assert [culture.advised_area(h) for h in (900, 2500, 4000)] == [
        50, 80, 120
    ]


def test_elderly_station_at_least_200() -> None:
    assert _fn("complete-community-2022", "elderly_station").min_area == 200


def test_one_charity_store_rule() -> None:
    a = _fn("chongqing-2022-built", "assistance_room").advice
    b = _fn("wansheng-2018-built", "charity_store").advice
    assert (a.needs, a.exclusive, a.floors) == (b.needs, b.exclusive, b.floors)


def test_outlets_law_home_and_village_names() -> None:
    cq = load_policy("chongqing-2022-rural")
    outlets = {f.id for f in cq.functions if f.category == "commercial"}
    assert {"logistics_point", "parcel_point", "recycling_point"} <= outlets
    assert all(not cq.function(o).required for o in outlets)
    ws = load_policy("wansheng-2018-built")
    assert {"farm_supplies", "bank_point"} <= {f.id for f in ws.functions}
    assert _fn("chengdu-2017", "law_home").required is True
    council = cq.function("residents_council")
    assert council.name == "居民议事室"
    assert "村民议事室" in council.aliases
    assert "村两委办公室" in cq.function("community_office").aliases


def test_borrowed_programmes_are_recommended() -> None:
    for pid in ("sichuan-2021-new", "chengdu-2017", "complete-community-2022"):
        policy: Policy = load_policy(pid)
        hall = policy.function("service_hall")
        assert hall.recommended, pid
    assert load_policy("chongqing-2022-built").function(
        "service_hall"
    ).required is True


def test_existing_communities_get_advisory_targets() -> None:
    old = load_policy("complete-community-2022")
    new = load_policy("complete-community-2022-new")
    assert old.area_target.strength == "advice"
    assert old.resident_share_strength == "advice"
    assert "既有社区可结合实际确定设施建设标准和形式" in old.area_target.source
    assert new.area_target.strength == "law"
    assert new.resident_share_strength == "law"
