"""The weekly timetable of each shared room (使用时间表), and the words
that say how a candidate differs from the others.

A room is shared when more than one function is in session in it in the
week. The 21-slot week is printed as days by periods; any other week as
one row per slot.
"""

from __future__ import annotations

from spaceplan import timetable as tt
from spaceplan.data import Scenario
from spaceplan.i18n import Lang, function_name, t
from spaceplan.solution import Candidate


def shared_rooms(candidate: Candidate) -> list[str]:
    """Rooms of the candidate's timetable with two functions or more."""
    return [
        room
        for room, per_slot in candidate.timetable.items()
        if len({f for fs in per_slot.values() for f in fs}) > 1
    ]


def room_grid(
    scenario: Scenario, candidate: Candidate, room: str, lang: Lang
) -> tuple[list[str], list[list[str]]]:
    """One room's week as a header and rows of cells (function names)."""
    per_slot = candidate.timetable.get(room, {})
    index = scenario.function_index

    def cell(slot: str) -> str:
        names = [
            function_name(scenario.functions[index[f]], lang)
            if f in index
            else f
            for f in per_slot.get(slot, ())
        ]
        return " / ".join(names) or t("tt.free", lang)

    if tuple(scenario.slots) == tt.WEEK:
        head = [t("tt.day", lang), *(t(f"period.{p}", lang) for p in tt.PERIODS)]
        rows = [
            [t(f"day.{d}", lang), *(cell(f"{d}_{p}") for p in tt.PERIODS)]
            for d in tt.DAYS
        ]
        return head, rows
    head = [t("tt.slot", lang), t("w.functions", lang)]
    return head, [[s, cell(s)] for s in scenario.slots]


def room_heading(scenario: Scenario, room: str, lang: Lang) -> str:
    """The heading of one room's timetable."""
    r = scenario.room(room)
    return t("tt.room_head", lang, room=room, floor=r.floor, area=f"{r.area:g}")


def timetable_markdown(
    scenario: Scenario, candidate: Candidate, lang: Lang
) -> str:
    """The timetable section of one candidate, or "" without shared rooms."""
    rooms = shared_rooms(candidate)
    if not rooms:
        return ""
    lines = [f"### {t('tt.title', lang)}", "", t("tt.intro", lang), ""]
    for room in rooms:
        head, rows = room_grid(scenario, candidate, room, lang)
        lines += [f"**{room_heading(scenario, room, lang)}**", ""]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        lines += [
            "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
            for row in rows
        ]
        lines.append("")
    return "\n".join(lines)


def comparison_markdown(candidate: Candidate, lang: Lang) -> str:
    """The candidate's comparison sentence as a short section, or ""."""
    words = candidate.comparison.get(lang)
    if not words:
        return ""
    return f"### {t('cmp.title', lang)}\n\n{words}\n"
