"""A candidate's room and function schedule as an Excel workbook.

The file an architect hands over with the drawings: every room with its
original name, area and the functions it takes; every function with its
room and minimum area; the compliance checks; and the timetable (which
function uses which room in each time slot). Areas stay numbers, so the
client's own sums work. Headers come from the message catalogue
(``locale/face.toml``), in Chinese or English.

Nothing here writes a file: :func:`schedule_workbook` returns the bytes
and :mod:`spaceplan.export` writes them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from spaceplan import rules
from spaceplan.data import Scenario
from spaceplan.i18n import Lang, floor_name, function_name, slot_name, t
from spaceplan.layout import category_label, function_category, room_category
from spaceplan.report.wording import verdict_word
from spaceplan.report.works import (
    renovated_scenario,
    work_kind,
    work_rooms,
    works_header,
    works_of,
    works_total,
)
from spaceplan.sentences import source_words
from spaceplan.solution import Candidate, CheckRecord

#: Number formats: areas in m² (and lengths in m) with two decimals,
#: shares in per cent.
AREA_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
#: Costs in CNY (元), whole yuan with thousands separators.
COST_FORMAT = "#,##0"
#: Column width (characters) for cells this wide or wider.
MAX_WIDTH = 60


def _sheet(
    book: Workbook, title: str, header: Sequence[str]
) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _fit(sheet: Worksheet) -> None:
    """Columns as wide as their text (a hanzi counts twice)."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            text = "" if cell.value is None else str(cell.value)
            width = sum(2 if ord(c) > 0x2E7F else 1 for c in text)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for col, width in widths.items():
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, width + 2)


def _table_sheet(
    book: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Mapping[int, str] | None = None,
    total: Sequence[Any] | None = None,
) -> Worksheet:
    """A sheet of one table: bold header, the rows, a bold total row.

    Parameters
    ----------
    book
        The workbook to add the sheet to.
    title
        The sheet's name.
    header
        Column titles.
    rows
        One sequence of cell values per row.
    formats
        Number format by column (1-based), applied to every row below
        the header.
    total
        A last row in bold, e.g. sums (numbers, not formulas: a file
        never opened in Excel has no computed value for a formula).

    Returns
    -------
    Worksheet
        The sheet, columns fitted to their text.
    """
    sheet = _sheet(book, title, header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    if total is not None:
        sheet.append([_cell(v) for v in total])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for col, fmt in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    _fit(sheet)
    return sheet


def _rooms(
    book: Workbook, scenario: Scenario, candidate: Candidate, lang: Lang
) -> None:
    """Every room of the building; the last row sums the facility area."""
    used = {u.room for u in candidate.rooms}
    placed = candidate.plan.room_functions
    acc = scenario.policy.accounting
    sep = t("sol.list_sep", lang)
    rows = []
    total_area = total_counted = 0.0
    for room in scenario.building.rooms:
        funcs = [
            scenario.function(f)
            for f in placed.get(room.id, ())
            if f in scenario.function_index
        ]
        if room.id in used:
            counted = room.area
        elif room.kind == "circulation":
            # counted when the profile's accounting says so
            units = rules.to_units(room.area)
            counted = rules.to_m2(rules.facility_units([], [units], acc))
        else:
            counted = 0.0
        total_area += room.area
        total_counted += counted
        rows.append(
            [
                room.id,
                room.name or "",
                floor_name(room.floor, lang),
                room.area,
                t(f"face.kind.{room.kind}", lang),
                sep.join(function_name(f, lang) for f in funcs),
                category_label(room_category(room, funcs), lang),
                counted,
            ]
        )
    _table_sheet(
        book,
        t("face.xlsx.rooms", lang),
        [
            t("w.room", lang),
            t("face.xlsx.original_name", lang),
            t("w.floor", lang),
            t("face.xlsx.area", lang),
            t("face.xlsx.kind", lang),
            t("w.functions", lang),
            t("face.xlsx.category", lang),
            t("face.xlsx.counted", lang),
        ],
        rows,
        formats={4: AREA_FORMAT, 8: AREA_FORMAT},
        total=[
            t("face.xlsx.total", lang),
            None,
            None,
            round(total_area, 2),
            None,
            None,
            None,
            round(total_counted, 2),
        ],
    )


def _functions(
    book: Workbook, scenario: Scenario, candidate: Candidate, lang: Lang
) -> None:
    """One row per placement, in the plan's order."""
    rows = []
    for a in candidate.assignments:
        if a.function not in scenario.function_index:
            continue
        func = scenario.function(a.function)
        rows.append(
            [
                function_name(func, lang),
                func.id,
                a.room,
                func.min_area,
                category_label(function_category(func), lang),
            ]
        )
    _table_sheet(
        book,
        t("face.xlsx.functions", lang),
        [
            t("face.xlsx.function", lang),
            t("face.xlsx.function_id", lang),
            t("w.room", lang),
            t("face.xlsx.min_area", lang),
            t("face.xlsx.category", lang),
        ],
        rows,
        formats={4: AREA_FORMAT},
    )


def _subject(scenario: Scenario, record: CheckRecord, lang: Lang) -> str:
    if record.subject == "facility":
        return t("face.xlsx.facility", lang)
    fid, _, room = record.subject.partition("@")
    if fid in scenario.function_index:
        name = function_name(scenario.function(fid), lang)
        return f"{name} @ {room}" if room else name
    return record.subject


def _value_format(rule: str) -> str | None:
    if rule == "resident_share":
        return SHARE_FORMAT
    if rule in ("area_target", "min_area"):
        return AREA_FORMAT
    return None


def _checks(
    book: Workbook, scenario: Scenario, candidate: Candidate, lang: Lang
) -> None:
    """The candidate's compliance checks, as the checker recorded them."""
    records = candidate.checks
    sheet = _table_sheet(
        book,
        t("face.xlsx.checks", lang),
        [
            t("w.rule", lang),
            t("w.subject", lang),
            t("w.required", lang),
            t("w.achieved", lang),
            t("w.result", lang),
            t("w.source", lang),
        ],
        (
            [
                t(f"r.{record.rule}", lang),
                _subject(scenario, record, lang),
                record.required,
                record.achieved,
                verdict_word(record.passed, lang),
                source_words(record.source, lang),
            ]
            for record in records
        ),
    )
    for row, record in enumerate(records, start=2):
        fmt = _value_format(record.rule)
        if fmt is not None:
            sheet[f"C{row}"].number_format = fmt
            sheet[f"D{row}"].number_format = fmt
        if not record.passed:
            sheet[f"E{row}"].font = Font(bold=True, color="C00000")


def _cell(value: Any) -> Any:
    """A value openpyxl can write: lists joined, others as text."""
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _timetable(
    book: Workbook, scenario: Scenario, candidate: Candidate, lang: Lang
) -> None:
    """Rooms by time slot: the functions using each room in each slot.

    A candidate that carries its own ``timetable`` (a list of records)
    is written as it is, one column per field.
    """
    own = getattr(candidate, "timetable", None)
    if own:
        rows = [
            r.model_dump() if hasattr(r, "model_dump") else r for r in own
        ]
        if rows and all(isinstance(r, Mapping) for r in rows):
            header = list(dict.fromkeys(k for r in rows for k in r))
            _table_sheet(
                book,
                t("face.xlsx.timetable", lang),
                header,
                ([r.get(k) for k in header] for r in rows),
            )
            return
    slots = list(scenario.slots)
    if not slots or not any(u.slot_use for u in candidate.rooms):
        return
    sep = t("sol.list_sep", lang)
    _table_sheet(
        book,
        t("face.xlsx.timetable", lang),
        [t("w.room", lang), *(slot_name(s, lang) for s in slots)],
        (
            [
                use.room,
                *(
                    sep.join(
                        function_name(scenario.function(f), lang)
                        for f in use.slot_use.get(s, ())
                        if f in scenario.function_index
                    )
                    for s in slots
                ),
            ]
            for use in candidate.rooms
        ),
    )


def _works(book: Workbook, candidate: Candidate, lang: Lang) -> None:
    """The renovation works (改造工程): one row per partition removed or
    built, the total last, equal to ``metrics.works_cost``. No sheet for
    a candidate without works."""
    works = works_of(candidate)
    if not works:
        return
    _table_sheet(
        book,
        t("works.heading", lang),
        works_header(lang),
        (
            [work_kind(w, lang), work_rooms(w, lang), w.length, w.cost]
            for w in works
        ),
        formats={3: AREA_FORMAT, 4: COST_FORMAT},
        total=[
            t("works.total", lang),
            None,
            round(sum(w.length for w in works), 2),
            works_total(candidate),
        ],
    )


def schedule_workbook(
    scenario: Scenario, candidate: Candidate, lang: Lang = "zh"
) -> bytes:
    """The room and function schedule of ``candidate`` as ``.xlsx`` bytes.

    Parameters
    ----------
    scenario
        The resolved scenario.
    candidate
        A checked candidate of a result.
    lang
        ``zh`` (default) or ``en``: sheet names, headers and words.

    Returns
    -------
    bytes
        A workbook with the sheets rooms (房间表; merged and split rooms
        as the candidate's works leave them), functions (功能表),
        compliance (合规核验), when the plan uses time slots the
        timetable (时间表) and, when the candidate has works, the works
        (改造工程) with their total in CNY.
    """
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    _rooms(book, renovated_scenario(scenario, candidate), candidate, lang)
    _functions(book, scenario, candidate, lang)
    _checks(book, scenario, candidate, lang)
    _timetable(book, scenario, candidate, lang)
    _works(book, candidate, lang)
    book.properties.creator = "spaceplan"
    book.properties.title = scenario.name
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
