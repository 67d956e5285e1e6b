"""The HTML report: one self-contained file for the whole result.

Everything is inside the file: CSS, the drawings as inline SVG (their text
drawn as paths) and, for the report's own Chinese text, a subset of the
bundled Noto Sans SC embedded as a data URI, so the page reads the same
on a machine with no CJK font and no network.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from spaceplan import __version__, rules
from spaceplan.data import Scenario
from spaceplan.i18n import Lang, aside, function_name, listing, policy_title
from spaceplan.i18n import t as _t
from spaceplan.layout import BUNDLED_FAMILY, BUNDLED_FONT
from spaceplan.report.diagnosis import diagnosis_words
from spaceplan.report.plan import (
    accounting_lines,
    format_margin,
    target_arithmetic,
)
from spaceplan.report.solve import candidate_table
from spaceplan.report.timetable import room_grid, room_heading, shared_rooms
from spaceplan.report.wording import (
    flex_warning,
    row_sentence,
    row_source,
    row_value,
    run_words,
    share_lines,
    strength_word,
)
from spaceplan.report.works import (
    renovated_scenario,
    work_sentence,
    works_header,
    works_of,
    works_rows,
)
from spaceplan.sentences import source_words
from spaceplan.solution import Candidate, CheckRecord, Result

FONT_FAMILY = BUNDLED_FAMILY


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


# ------------------------------------------------------------------- SVG


_XML_HEAD = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def inline_svg(svg: str, prefix: str) -> str:
    """Make a matplotlib SVG fit to sit inside an HTML page.

    The XML declaration, DOCTYPE, metadata and namespace declarations
    (all URLs) go; HTML puts ``<svg>`` in the SVG namespace by itself.
    Every id gets ``prefix`` so that two drawings on one page never
    share an id.
    """
    svg = _XML_HEAD.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _XMLNS.sub("", svg)
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = _HREF.sub(lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', svg)
    svg = _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(
        r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"',
        r'<svg\1 class="drawing"',
        svg,
        count=1,
    )
    return svg.strip()


# ------------------------------------------------------------------ font


def _font_face(text: str) -> str:
    """An ``@font-face`` rule with the bundled font cut to ``text``."""
    # lazy for start-up speed: fontTools loads only when a page is made
    from fontTools import subset

    chars = {c for c in text if ord(c) > 0x7E}
    if not chars:
        return ""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(BUNDLED_FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    font.close()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FONT_FAMILY}"; '
        f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
    )


_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, "%(font)s",
  "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
  margin: 0; color: #222; background: #f6f6f4; font-size: 14px; }
header { background: #7a1f1f; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; opacity: .9; }
main { padding: 8px 32px 32px; max-width: 1500px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 4px;
  margin: 18px 0; padding: 8px 20px 16px; }
h2 { font-size: 19px; border-bottom: 2px solid #7a1f1f;
  padding-bottom: 4px; }
h3 { font-size: 16px; margin-top: 18px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: #efefeb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failrow td { background: #fbe3e1; }
.pass { color: #1d7a35; font-weight: bold; }
.fail { color: #b3261e; font-weight: bold; }
.note { color: #666; font-size: 12px; }
svg.drawing { width: 100%%; height: auto; border: 1px solid #e4e4e4; }
figure { margin: 8px 0; }
nav a { margin-right: 14px; color: #7a1f1f; }
dl.facts { display: grid; grid-template-columns: max-content auto;
  gap: 4px 18px; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; }
"""


# ----------------------------------------------------------------- pieces


def _table(
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: Iterable[int] = (),
    row_class: Sequence[str] | None = None,
    cls: str = "",
) -> str:
    nums = set(numeric)
    out = [f'<table class="{_e(cls)}"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        klass = row_class[i] if row_class else ""
        out.append(f'<tr class="{klass}">' if klass else "<tr>")
        for j, cell in enumerate(row):
            attr = ' class="num"' if j in nums else ""
            out.append(f"<td{attr}>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _facts(items: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return f'<dl class="facts">{body}</dl>'


def _verdict(passed: bool, lang: Lang) -> str:
    word = _t("w.pass" if passed else "w.fail", lang)
    return f'<span class="{"pass" if passed else "fail"}">{_e(word)}</span>'


def _summary(scenario: Scenario, result: Result, lang: Lang) -> str:
    policy = scenario.policy
    share = policy.resident_share_min
    items = [
        (_t("w.policy", lang), policy_title(policy, lang) + aside(policy.id, lang)),
        (_t("w.source", lang), source_words(policy.source, lang)),
        (_t("w.households", lang), f"{scenario.community.households:,}"),
        (_t("m.target_area", lang), target_arithmetic(scenario, lang)),
        (
            _t("d.share_line", lang),
            "—" if share is None else f"{share:.0%}",
        ),
        (
            _t("d.accounting", lang),
            "; ".join(accounting_lines(scenario, lang)),
        ),
        (
            _t("d.rooms", lang),
            f"{len(scenario.building.rooms)}; "
            f"{_t('d.functions_n', lang)} {len(scenario.functions)}",
        ),
        (_t("w.status", lang), _t(f"status.{result.status}", lang)),
        (_t("d.solver", lang), run_words(result, lang)),
    ]
    return (
        f'<section id="summary"><h2>{_e(_t("d.summary", lang))}</h2>'
        f"{_facts(items)}</section>"
    )


def _candidate_table(candidates: Sequence[Candidate], lang: Lang) -> str:
    head, cells, failed = candidate_table(candidates, lang)
    rows: list[list[str]] = []
    for row, n in zip(cells, failed, strict=True):
        cid = _e(row[0])
        verdict = (
            _verdict(True, lang)
            if not n
            else f'<span class="fail">{_e(row[-1])}</span>'
        )
        rows.append(
            [f'<a href="#candidate-{cid}">{cid}</a>']
            + [_e(x) for x in row[1:-1]]
            + [verdict]
        )
    classes = ["failrow" if n else "" for n in failed]
    return _table(
        head,
        rows,
        numeric=range(1, len(head) - 1),
        row_class=classes,
        cls="metrics",
    )


def _subject(names: dict[str, str], subject: str) -> str:
    fid, _, room = subject.partition("@")
    name = names.get(fid, fid)
    return f"{name} @ {room}" if room else name


def _compliance(
    scenario: Scenario, rows: Sequence[CheckRecord], lang: Lang
) -> str:
    head = [
        _t("w.rule", lang),
        _t("w.subject", lang),
        _t("w.strength", lang),
        _t("w.required", lang),
        _t("w.achieved", lang),
        _t("w.margin", lang),
        _t("w.result", lang),
        _t("w.source", lang),
        _t("d.description", lang),
    ]
    names = {f.id: function_name(f, lang) for f in scenario.functions}
    order = sorted(rows, key=lambda r: (r.passed, r.subject != "facility"))
    body = [
        [
            _e(_t(f"r.{r.rule}", lang)),
            _e(
                _t("d.facility", lang)
                if r.subject == "facility"
                else _subject(names, r.subject)
            ),
            _e(strength_word(r.rule, r.strength, r.source, lang)),
            _e(row_value(scenario, r, "required", lang)),
            _e(row_value(scenario, r, "achieved", lang)),
            _e(format_margin(r.rule, r.margin, lang)),
            _verdict(r.passed, lang),
            _e(row_source(r, lang)),
            _e(row_sentence(scenario, r, lang)),
        ]
        for r in order
    ]
    classes = [
        "" if r.passed or r.strength == "advice" else "failrow"
        for r in order
    ]
    return _table(
        head, body, numeric=(3, 4, 5), row_class=classes, cls="compliance"
    )


def _rooms_table(scenario: Scenario, candidate: Candidate, lang: Lang) -> str:
    head = [
        _t("w.room", lang),
        _t("w.floor", lang),
        _t("w.area", lang) + aside("m²", lang),
        _t("w.functions", lang),
    ]
    rows = []
    for use in candidate.rooms:
        names = listing(
            (
                function_name(scenario.function(f), lang)
                for f in use.functions
                if f in scenario.function_index
            ),
            lang,
        )
        rows.append([_e(use.room), use.floor, f"{use.area:,.1f}", _e(names)])
    return _table(head, rows, numeric=(1, 2), cls="rooms")


def _timetables(scenario: Scenario, candidate: Candidate, lang: Lang) -> str:
    rooms = shared_rooms(candidate)
    if not rooms:
        return ""
    parts = [
        f"<h3>{_e(_t('tt.title', lang))}</h3>",
        f'<p class="note">{_e(_t("tt.intro", lang))}</p>',
    ]
    for room in rooms:
        head, rows = room_grid(scenario, candidate, room, lang)
        parts.append(f"<h4>{_e(room_heading(scenario, room, lang))}</h4>")
        parts.append(
            _table(head, [[_e(c) for c in r] for r in rows], cls="timetable")
        )
    return "".join(parts)


def _works(candidate: Candidate, lang: Lang) -> str:
    """The candidate's renovation works: each in words, then the table
    with the total (CNY); empty without works."""
    works = works_of(candidate)
    if not works:
        return ""
    items = "".join(
        f"<li>{_e(work_sentence(candidate, w, lang))}</li>" for w in works
    )
    rows = [[_e(c) for c in row] for row in works_rows(candidate, lang)]
    rows[-1] = [f"<strong>{c}</strong>" if c else c for c in rows[-1]]
    table = _table(works_header(lang), rows, numeric=(2, 3), cls="works")
    return (
        f'<h3 id="works-{_e(candidate.id)}">{_e(_t("works.heading", lang))}'
        f"</h3><ul>{items}</ul>{table}"
    )


def _candidate(
    scenario: Scenario,
    candidate: Candidate,
    svg: str | None,
    lang: Lang,
) -> str:
    cid = _e(candidate.id)
    parts = [
        f'<section id="candidate-{cid}" class="candidate">',
        f"<h2>{_e(_t('w.candidate', lang))} {cid}</h2>",
    ]
    if svg:
        parts.append(
            f'<figure class="plan">{inline_svg(svg, f"c{cid}-")}</figure>'
        )
    parts.append(_works(candidate, lang))
    parts.append(f"<h3>{_e(_t('share.heading', lang))}</h3>")
    lines = share_lines(scenario, candidate.metrics, lang)
    warning = flex_warning(candidate.metrics, lang)
    parts.append(
        "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>"
    )
    if warning:
        parts.append(f'<p class="warning">{_e(warning)}</p>')
    words = candidate.comparison.get(lang)
    if words:
        parts.append(f"<h3>{_e(_t('cmp.title', lang))}</h3>")
        parts.append(f'<p class="comparison">{_e(words)}</p>')
    parts.append(f"<h3>{_e(_t('d.compliance', lang))}</h3>")
    parts.append(_compliance(scenario, candidate.checks, lang))
    advice = [
        r for r in candidate.checks
        if r.strength == "advice" and not r.passed
    ]
    if advice:
        parts.append(f"<h3>{_e(_t('rep.advice_heading', lang))}</h3>")
        parts.append(f"<p>{_e(_t('rep.advice_intro', lang))}</p>")
        parts.append(
            "<ul>"
            + "".join(
                f"<li>{_e(row_sentence(scenario, r, lang))} "
                f"({_e(row_source(r, lang))})</li>"
                for r in advice
            )
            + "</ul>"
        )
    parts.append(f"<h3>{_e(_t('w.room', lang))}</h3>")
    parts.append(_rooms_table(scenario, candidate, lang))
    # merged and split rooms are headed by their own area and floor
    view = renovated_scenario(scenario, candidate)
    parts.append(_timetables(view, candidate, lang))
    if candidate.empty_rooms:
        parts.append(
            f'<p class="note">{_e(_t("d.empty_rooms", lang))}: '
            f"{_e(', '.join(candidate.empty_rooms))}</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _diagnosis(result: Result, lang: Lang) -> str:
    words = diagnosis_words(result.diagnosis or {}, lang)
    parts = [
        f'<section id="diagnosis"><h2>{_e(_t("d.diagnosis", lang))}</h2>',
        f"<p>{_e(words.summary)}</p>",
    ]
    for block in words.blocks:
        parts.append(f"<h3>{_e(block.title)}</h3>")
        if block.head:
            rows = [[_e(cell) for cell in row] for row in block.rows]
            parts.append(_table(block.head, rows, cls="diagnosis"))
        else:
            items = "".join(f"<li>{_e(row[0])}</li>" for row in block.rows)
            parts.append(f"<ul>{items}</ul>")
    parts += [f'<p class="note">{_e(note)}</p>' for note in words.notes]
    parts.append("</section>")
    return "".join(parts)


def _rules_required(scenario: Scenario, lang: Lang) -> str:
    """The facility rules of the profile, for a result with no plan."""
    target = rules.area_target(scenario.policy, scenario.community)
    rows = [
        [
            _e(_t("r.area_target", lang)),
            _e(f"{target.m2:,.1f} m²"),
            _e(source_words(scenario.policy.area_target.source, lang)),
        ]
    ]
    if scenario.policy.resident_share_min is not None:
        rows.append(
            [
                _e(_t("r.resident_share", lang)),
                _e(f"{scenario.policy.resident_share_min:.0%}"),
                _e(
                    source_words(
                        scenario.policy.resident_share_source, lang
                    )
                ),
            ]
        )
    head = [_t("w.rule", lang), _t("w.required", lang), _t("w.source", lang)]
    return (
        f'<section id="compliance"><h2>{_e(_t("d.cover_summary", lang))}'
        f"</h2><p>{_e(_t('d.no_candidates', lang))}</p>"
        f"{_table(head, rows, cls='compliance')}</section>"
    )


# ------------------------------------------------------------------ page


def render_html(
    scenario: Scenario,
    result: Result,
    lang: Lang = "zh",
    svg_by_candidate: Mapping[str, str] | None = None,
    comparison_svg: str | None = None,
) -> str:
    """The report of ``result`` as one self-contained HTML page.

    Parameters
    ----------
    scenario
        The scenario that was solved.
    result
        The result; with no candidate the report holds the summary, the
        rules required and the diagnosis (when the result has one).
    lang
        ``zh`` (default) or ``en``.
    svg_by_candidate
        Candidate id to its drawing as SVG text (matplotlib output).
    comparison_svg
        The comparison sheet as SVG text.

    Returns
    -------
    str
        The page.
    """
    svgs = dict(svg_by_candidate or {})
    title = f"{scenario.name} — {_t('d.drawing_set', lang)}"
    nav = [f'<a href="#summary">{_e(_t("d.summary", lang))}</a>']
    body = [_summary(scenario, result, lang)]
    if result.candidates:
        nav.append(f'<a href="#comparison">{_e(_t("d.comparison", lang))}</a>')
        comp = [
            f'<section id="comparison"><h2>{_e(_t("d.comparison", lang))}'
            "</h2>",
            _candidate_table(result.candidates, lang),
        ]
        if comparison_svg:
            comp.append(
                '<figure class="comparison">'
                f"{inline_svg(comparison_svg, 'cmp-')}</figure>"
            )
        comp.append("</section>")
        body.append("".join(comp))
        for cand in result.candidates:
            nav.append(
                f'<a href="#candidate-{_e(cand.id)}">'
                f"{_e(_t('w.candidate', lang))} {_e(cand.id)}</a>"
            )
            body.append(_candidate(scenario, cand, svgs.get(cand.id), lang))
    else:
        body.append(_rules_required(scenario, lang))
        if result.diagnosis:
            nav.append(
                f'<a href="#diagnosis">{_e(_t("d.diagnosis", lang))}</a>'
            )
            body.append(_diagnosis(result, lang))
    text_part = "".join(body)
    header = (
        f"<header><h1>{_e(scenario.name)}</h1>"
        f"<p>{_e(policy_title(scenario.policy, lang))} · "
        f"spaceplan {_e(__version__)}</p></header>"
    )
    # The drawings' text is SVG <text> naming the bundled family, so the
    # embedded font covers it too (markup is ASCII and adds nothing).
    page_text = title + header + "".join(nav) + text_part
    css = _font_face(page_text) + (_CSS % {"font": FONT_FAMILY})
    html_lang = _t("html.lang", lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n</head>\n"
        f"<body>\n{header}\n<main>\n<nav>{''.join(nav)}</nav>\n"
        f"{text_part}\n</main>\n</body>\n</html>\n"
    )
