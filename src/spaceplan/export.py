"""Every output of a solve, written to a folder.

``result.json`` and ``report.md`` always; then the drawing set: per
candidate ``plan-<id>.png``, ``.svg`` and ``.dxf``, ``comparison.png``,
``drawings.pdf`` (cover, candidates, comparison) and ``report.html``;
per candidate a room and function schedule ``schedule-<id>.xlsx``.
``spaceplan check -o FOLDER`` writes the same for one checked plan
(:func:`checked_result`), ``-o FILE.md`` its report through
:func:`write_check_report`, ``spaceplan sweep`` its chart through
:func:`write_sweep_plot`. This is the only module that writes output
files; each is written atomically (:mod:`spaceplan.fileio`), so an
interrupted run never leaves half a file behind, and a solve's folder is
filled beside its place and swapped in whole (:func:`output_folder`), so
it never mixes two runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from spaceplan import __version__
from spaceplan.check import Audit, checked_candidate
from spaceplan.data import Scenario
from spaceplan.errors import InputError, Msg
from spaceplan.fileio import write_bytes, write_fault, write_text
from spaceplan.i18n import Lang
from spaceplan.report.html import render_html
from spaceplan.report.plan import (
    compliance_json,
    compliance_markdown,
    plan_audit,
)
from spaceplan.report.solve import result_markdown
from spaceplan.solution import Candidate, Plan, Result, ScenarioRef

# ------------------------------------------------------- the output folder

#: The file every solve writes, which marks a folder as a spaceplan
#: output folder that a later run may replace whole.
MARKER = "result.json"


def prepare_output_folder(path: str | Path) -> Path:
    """Check, before any work, that ``path`` can become an output folder.

    Its parent is created, and a scratch folder is made and removed
    there, so that an unwritable place fails at once, not after a long
    solve.

    Raises
    ------
    InputError
        When ``path`` is a file, holds files spaceplan did not write, or
        its parent cannot be created or written.
    """
    path = Path(path)
    where = str(path)
    try:
        if path.absolute() == Path.cwd() or path.absolute() == Path("/"):
            # The folder is replaced whole: never the one the user is in.
            raise InputError(
                where,
                None,
                Msg("err.out.current"),
            )
        if path.is_symlink():
            raise InputError(
                where, None, Msg("err.out.link")
            )
        if path.exists() and not path.is_dir():
            raise InputError(
                where, None, Msg("err.is_file")
            )
        if path.is_dir() and not _replaceable(path):
            raise InputError(
                where,
                None,
                Msg("err.out.foreign"),
            )
        parent = path.absolute().parent
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{path.name}.probe-", dir=parent)
        os.rmdir(probe)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(where, None, write_fault(exc)) from None
    return path


def _replaceable(path: Path) -> bool:
    names = os.listdir(path)
    return not names or MARKER in names


@contextlib.contextmanager
def output_folder(path: str | Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``path``; swap it into place on success.

    Write every output of one run into the yielded folder. When the block
    ends without an exception the folder replaces ``path`` whole (an
    atomic exchange where the system has one), so ``path`` holds either
    the previous run's complete set or this one's, never a mix, and never
    a stale file of an earlier run. On an exception, or if the process is
    killed, ``path`` is left as it was; a later run removes the scraps.
    """
    path = prepare_output_folder(path)
    parent = path.absolute().parent
    _remove_scraps(parent, path.name)
    try:
        stage = Path(
            tempfile.mkdtemp(
                prefix=f".{path.name}.run-{os.getpid()}-", dir=parent
            )
        )
    except OSError as exc:
        raise InputError(str(path), None, write_fault(exc)) from None
    try:
        yield stage
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)
        _swap(stage, parent / path.name)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _swap(stage: Path, path: Path) -> None:
    """Put ``stage`` at ``path``; remove what was there before."""
    try:
        os.rename(stage, path)  # no folder there yet, or an empty one
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(stage, path):
        shutil.rmtree(stage, ignore_errors=True)  # now the old folder
        return
    # No atomic exchange: move the old folder aside, then put the new one
    # in its place. A kill between the two leaves no folder at ``path``
    # (never a mixed one) and the old one as a scrap the next run removes.
    old = Path(
        tempfile.mkdtemp(
            prefix=f".{path.name}.old-{os.getpid()}-", dir=path.parent
        )
    )
    os.rmdir(old)
    os.rename(path, old)
    os.rename(stage, path)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False if not."""
    libc_call = getattr(_libc(), "renameat2", None)
    if libc_call is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = libc_call(
        at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange
    )
    return done == 0


def _libc() -> object:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return object()


def _remove_scraps(parent: Path, name: str) -> None:
    """Remove staging folders of killed runs (their process is gone)."""
    for kind in ("run", "old"):
        for scrap in parent.glob(f".{name}.{kind}-*-*"):
            pid = scrap.name[len(f".{name}.{kind}-") :].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(scrap, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier run of this process, long finished
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ----------------------------------------------------------------- files

#: The drawing formats :func:`write_drawings` knows.
FORMATS = ("png", "svg", "pdf", "dxf", "html")
#: The papers the drawing sets print on (``--paper``), landscape.
PAPERS = ("A3", "A1")


def write_outputs(
    scenario: Scenario,
    result: Result,
    outdir: str | os.PathLike[str],
    lang: Lang = "zh",
    *,
    drawings: bool = True,
    font: str | None = None,
    paper: str = "A3",
) -> list[Path]:
    """Write everything a solve produces into ``outdir``.

    Parameters
    ----------
    scenario
        The scenario that was solved.
    result
        The solve's result; it may hold no candidate (infeasible).
    outdir
        Folder for the files, replaced whole at the end (see
        :func:`output_folder`): created when missing; an
        earlier output folder is replaced, a folder of other files is
        refused.
    lang
        ``zh`` (default) or ``en``.
    drawings
        False writes ``result.json`` and ``report.md`` only; True adds
        the drawing set and per candidate ``schedule-<id>.xlsx`` (rooms,
        functions, compliance, timetable).
    font
        A font file for the drawings (see :func:`write_drawings`).
    paper
        The drawings' paper, ``A3`` (default) or ``A1`` (see
        :func:`write_drawings`).

    Returns
    -------
    list of Path
        The files written, ``result.json`` and ``report.md`` first.

    Raises
    ------
    spaceplan.plot.style.FontError
        ``font`` cannot be used.
    """
    out = Path(outdir)
    # One run's files are written beside the folder and swapped in whole:
    # the folder never mixes two runs, and no stale plan-C survives.
    with output_folder(out) as stage:
        written = [
            write_text(
                stage / "result.json", result.model_dump_json(indent=2) + "\n"
            ),
            write_text(
                stage / "report.md", result_markdown(scenario, result, lang)
            ),
        ]
        if drawings:
            written += write_drawings(
                scenario, result, stage, lang, font=font, paper=paper
            )
            # openpyxl loads only when a schedule is written (start-up speed)
            from spaceplan.report.xlsx import schedule_workbook

            for cand in result.candidates:
                book = schedule_workbook(scenario, cand, lang)
                path = stage / f"schedule-{cand.id}.xlsx"
                written.append(write_bytes(path, book))
    return [out / p.relative_to(stage) for p in written]


def write_drawings(
    scenario: Scenario,
    result: Result,
    outdir: str | os.PathLike[str],
    lang: Lang = "zh",
    font: str | None = None,
    formats: Sequence[str] = FORMATS,
    paper: str = "A3",
) -> list[Path]:
    """Write the drawing set of ``result`` into ``outdir``.

    Parameters
    ----------
    scenario
        The scenario that was solved.
    result
        The solve's result; it may hold no candidate (infeasible).
    outdir
        Folder for the files (created when missing).
    lang
        ``zh`` (default) or ``en``.
    font
        A font file used before the bundled Noto Sans SC subset
        (``--font``; the ``SPACEPLAN_FONT`` environment variable otherwise).
    formats
        Any of ``png`` ``svg`` ``pdf`` ``dxf`` ``html``.
    paper
        ``A3`` (default) or ``A1``, landscape: the sheets' size; each
        floor plan prints at the largest standard scale that fits it,
        named in the title block.

    Returns
    -------
    list of Path
        The files written: per candidate ``plan-<id>.png``, ``.svg`` and
        ``.dxf``; ``comparison.png``, ``drawings.pdf`` and
        ``report.html``. With no candidate, ``report.html``; when the
        scenario is infeasible also ``shortfall.png`` and a one-page
        ``drawings.pdf``: the building and the area it lacks.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(
            f"unknown drawing format {', '.join(unknown)}; "
            f"use {', '.join(FORMATS)}."
        )
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper}; use {', '.join(PAPERS)}.")
    # matplotlib and ezdxf load only when drawings are written, so the
    # CLI starts fast (lazy imports for start-up speed).
    from spaceplan.dxf.write import write_candidate_dxf
    from spaceplan.plot.render import PNG_DPI, render, render_pdf, stamp
    from spaceplan.plot.sheets import (
        plot_candidate_sheet,
        plot_comparison_sheet,
        plot_cover_sheet,
        sheet_texts,
    )
    from spaceplan.plot.shortfall import plot_shortfall_sheet
    from spaceplan.plot.style import check_glyphs, drawing_context

    def _png(path: Path, fig: Any) -> Path:
        return write_bytes(path, render(fig, "png", PNG_DPI, stamp("png")))

    def _svg(fig: Any) -> str:
        return render(fig, "svg", metadata=stamp("svg")).decode("utf-8")

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    svgs: dict[str, str] = {}
    comparison_svg: str | None = None
    with drawing_context(font) as families:
        check_glyphs(sheet_texts(scenario, result, lang), families)
        sheets = [
            plot_candidate_sheet(scenario, cand, lang, paper)
            for cand in result.candidates
        ]
        for cand, fig in zip(result.candidates, sheets, strict=True):
            stem = out / f"plan-{cand.id}"
            if "png" in formats:
                written.append(_png(stem.with_suffix(".png"), fig))
            if "svg" in formats or "html" in formats:
                svgs[cand.id] = _svg(fig)
            if "svg" in formats:
                written.append(
                    write_bytes(
                        stem.with_suffix(".svg"),
                        svgs[cand.id].encode("utf-8"),
                    )
                )
            if "dxf" in formats:
                written.append(
                    write_candidate_dxf(
                        scenario, cand, stem.with_suffix(".dxf"), lang
                    )
                )
        if result.candidates:
            comp = plot_comparison_sheet(
                scenario, result.candidates, lang, paper
            )
            if "png" in formats:
                written.append(_png(out / "comparison.png", comp))
            if "html" in formats:
                comparison_svg = _svg(comp)
            if "pdf" in formats:
                cover = plot_cover_sheet(scenario, result, lang, paper)
                pages = [cover, *sheets, comp]
                written.append(
                    write_bytes(
                        out / "drawings.pdf",
                        render_pdf(pages, scenario.name),
                    )
                )
        elif result.status == "infeasible":
            # No plan: the building as it is and what it lacks.
            short = plot_shortfall_sheet(
                scenario, result.diagnosis, lang, paper=paper
            )
            if "png" in formats:
                written.append(_png(out / "shortfall.png", short))
            if "pdf" in formats:
                written.append(
                    write_bytes(
                        out / "drawings.pdf",
                        render_pdf([short], scenario.name),
                    )
                )
    if "html" in formats:
        written.append(
            write_html(
                scenario, result, out / "report.html", lang, svgs,
                comparison_svg,
            )
        )
    return written


def write_html(
    scenario: Scenario,
    result: Result,
    path: str | Path,
    lang: Lang = "zh",
    svg_by_candidate: Mapping[str, str] | None = None,
    comparison_svg: str | None = None,
) -> Path:
    """Write the self-contained HTML report of ``result`` to ``path``.

    The arguments are those of :func:`spaceplan.report.html.render_html`.
    """
    page = render_html(
        scenario, result, lang, svg_by_candidate, comparison_svg
    )
    return write_text(path, page)


def write_check_report(
    path: str | Path,
    scenario: Scenario,
    plan: Plan | Candidate,
    audit_: Audit | None = None,
    lang: Lang = "zh",
) -> list[Path]:
    """Write one plan's compliance report: Markdown, or JSON for ``.json``.

    Parameters
    ----------
    path
        Where to write. A name ending in ``.json`` gets the JSON report
        only; any other name gets the Markdown report and, beside it, the
        JSON report with the suffix ``.json``.
    scenario
        The resolved scenario.
    plan
        The plan, or a candidate of a result.
    audit_
        The checker's audit of ``plan``; a candidate's own checks, or
        the checker's audit now, when None.
    lang
        ``zh`` (default) or ``en``.

    Returns
    -------
    list of Path
        The files written.
    """
    path = Path(path)
    found = plan_audit(scenario, plan, audit_)
    data = compliance_json(scenario, plan, found, lang)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if path.suffix.lower() == ".json":
        return [write_text(path, text)]
    md = compliance_markdown(scenario, plan, found, lang)
    return [
        write_text(path, md),
        write_text(path.with_suffix(".json"), text),
    ]


def checked_result(scenario: Scenario, plan: Plan) -> Result:
    """A hand plan as a result of one candidate, as ``solve`` writes it.

    Parameters
    ----------
    scenario
        The resolved scenario.
    plan
        The plan to check.

    Returns
    -------
    Result
        Status ``feasible``, solver ``check``, one candidate ``A`` with
        the checker's rows; the drawings and reports mark its failures.
    """
    return Result(
        version=__version__,
        scenario=ScenarioRef(
            name=scenario.name,
            sha256=scenario.sha256,
            policy=scenario.policy.id,
        ),
        status="feasible",
        solve_seconds=0.0,
        solver="check",
        candidates=(checked_candidate(scenario, plan),),
    )


def write_sweep_plot(
    rows: Sequence[Mapping[str, Any]],
    path: str | Path,
    base_policy: str = "",
    lang: Lang = "zh",
) -> Path:
    """Write a sweep's chart (:func:`~spaceplan.plot.sweep.plot_sweep`)
    as a PNG at ``path``, its words in ``lang``."""
    # matplotlib loads only when a chart is written (start-up speed)
    from spaceplan.plot.render import render
    from spaceplan.plot.style import drawing_context
    from spaceplan.plot.sweep import plot_sweep_sheet

    with drawing_context():
        sheet = plot_sweep_sheet(rows, base_policy, lang)
        png = render(sheet, "png", dpi=120)
    return write_bytes(path, png)
