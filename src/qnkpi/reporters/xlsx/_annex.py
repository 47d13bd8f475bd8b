"""The annex sheet (`Phụ lục`): the report annex Vietnamese offices attach to a report,
one row per indicator for the as-of year at the top unit."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, format_number, gettext, status_word
from qnkpi.reporters._present import headline, rule_text
from qnkpi.reporters.xlsx._cells import (
    RATIO_FORMAT,
    Col,
    Styles,
    bound_format,
    clean,
    put,
    value_format,
    write_columns,
)
from qnkpi.reporters.xlsx._common import as_of_column, measure_word, plan, title_of, top_row
from qnkpi.verdicts import ASSESSMENT_STATUSES, CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result

_ANNEX_WIDTHS = (6, 58, 11, 13, 13, 12, 15, 13, 10, 18, 11, 60)


@dataclass
class _AnnexRow:
    """One indicator's row of the annex."""

    title: str
    measure: str
    plan: float | str | None = None
    plan_format: str | None = None
    actual: float | None = None
    actual_format: str | None = None
    share: float | None = None
    verdict: str = ""
    fill: Verdict | None = None
    goal: float | str | None = None
    goal_format: str | None = None
    goal_year: int | None = None
    progress: str = ""
    coverage: str = ""
    notes: list[str] = field(default_factory=list)


def annex_sheet(ws: Any, result: Result, sheets: dict[int, str], lang: str, st: Styles) -> None:
    """The annex sheet: heading block, one row per indicator, notes."""
    col = as_of_column(result)
    top = top_row(result, col)
    unit = result.tree.unit_names(np.array([top]), np.array([col]), lang)[0]
    rows = [_annex_row(result, name, top, col, sheets, lang) for name in result.indicators]
    header = _annex_heading(ws, result, unit, lang, st)
    cols = _annex_columns(rows, lang)
    last = write_columns(ws, cols, header, header + 2, st)
    _numbering_row(ws, header + 1, len(cols), st)
    _annex_notes(ws, result, unit, last + 2, len(cols), lang, st)
    ws.freeze_panes = ws.cell(row=header + 2, column=3)
    ws.print_title_rows = f"{header}:{header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _annex_heading(ws: Any, result: Result, unit: str, lang: str, st: Styles) -> int:
    """Owner, "ANNEX", title, as-of year and references; returns the header row."""
    from openpyxl.styles import Alignment, Font

    prog = result.spec.programme
    width = len(_ANNEX_WIDTHS)
    as_of = gettext("as of {year}", lang).format(year=result.as_of)
    lines: list[tuple[str, Any, Any]] = [
        (prog.owner or "", st.bold, Alignment(horizontal="left")),
        (gettext("ANNEX", lang), Font(bold=True, size=13), st.centre),
        (gettext("RESULTS OF THE TARGETS", lang), st.bold, st.centre),
        (prog.title.get(lang), Font(bold=True, italic=True), st.centre),
        (gettext("({as_of}; figures of {unit})", lang).format(as_of=as_of, unit=unit),
         Font(italic=True), st.centre),
    ]
    if result.restated_to is not None:
        lines.append((gettext("years before {year} restated on its tree", lang).format(
            year=result.restated_to), Font(italic=True), st.centre))
    if prog.references:
        lines.append((gettext("References:", lang), st.bold, Alignment(horizontal="left")))
        lines += [(f"- {ref}", None, st.wrap) for ref in prog.references]
    row = 1
    for text, font, align in lines:
        _merged_line(ws, row, width, text, font, align)
        row += 1
    return row + 1


def _merged_line(ws: Any, row: int, width: int, text: str, font: Any, align: Any) -> None:
    """A line of text across the annex's columns, tall enough for its wrapped text."""
    cell = put(ws, row, 1, text)
    if font is not None:
        cell.font = font
    cell.alignment = align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    per_line = sum(_ANNEX_WIDTHS)  # characters a line holds, about one per width unit
    lines = max(1, math.ceil(len(text) / per_line))
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines + 3


def _numbering_row(ws: Any, row: int, n: int, st: Styles) -> None:
    """The row of column numbers under the header: (1), (2) ... (6) = (5)/(4)."""
    from openpyxl.styles import Font

    italic = Font(italic=True, size=9)
    for j in range(1, n + 1):
        text = "(6) = (5)/(4)" if j == 6 else f"({j})"
        cell = put(ws, row, j, text)
        cell.font, cell.alignment, cell.border = italic, st.centre, st.border


def _annex_columns(rows: list[_AnnexRow], lang: str) -> list[Col]:
    w = _ANNEX_WIDTHS
    return [
        Col(gettext("No.", lang), w[0], list(range(1, len(rows) + 1))),
        Col(gettext("Indicator", lang), w[1], [r.title for r in rows], wrap=True),
        Col(gettext("Unit of measure", lang), w[2], [r.measure for r in rows]),
        Col(gettext("Plan", lang), w[3], [r.plan for r in rows],
            [r.plan_format or "" for r in rows]),
        Col(gettext("Actual", lang), w[4], [r.actual for r in rows],
            [r.actual_format or "" for r in rows]),
        Col(gettext("% of plan", lang), w[5], [r.share for r in rows], RATIO_FORMAT),
        Col(gettext("Verdict", lang), w[6], [r.verdict for r in rows],
            fills=[r.fill for r in rows], wrap=True),
        Col(gettext("Goal", lang), w[7], [r.goal for r in rows],
            [r.goal_format or "" for r in rows]),
        Col(gettext("Goal year", lang), w[8], [r.goal_year for r in rows]),
        Col(gettext("Progress toward the goal", lang), w[9], [r.progress for r in rows],
            wrap=True),
        Col(gettext("Units reported", lang), w[10], [r.coverage for r in rows]),
        Col(gettext("Notes", lang), w[11], ["; ".join(r.notes) for r in rows], wrap=True),
    ]


def _annex_row(result: Result, name: str, top: int, col: int, sheets: dict[int, str],
              lang: str) -> _AnnexRow:
    """Indicator `name` in the as-of year (column `col`) at the top unit (row
    `top`); for a target that applies to each unit below, how many units met it."""
    res = result.indicators[name]
    row = _AnnexRow(title_of(res, name, lang), measure_word(res.indicator.unit, lang))
    if res.status[top, col]:
        _top_check(row, res, top, col, lang)
    elif res.status[:, col].any():
        _unit_checks(row, result, res, col, sheets, lang)
    else:
        row.actual = clean(float(res.panel.value[top, col]))
        row.notes.append(gettext("no target for {year}", lang).format(year=result.as_of))
    if row.actual is not None:
        row.actual_format = value_format(res)
    _goal(row, res, lang)
    row.progress = _progress_text(result, name, top, lang)
    return row


def _top_check(row: _AnnexRow, res: IndicatorResult, top: int, col: int, lang: str) -> None:
    """The check of the top unit: plan, actual, share of plan, verdict, coverage, notes."""
    t = res.thresholds
    row.plan, row.plan_format = plan(res, top, col, lang)
    row.actual = clean(float(res.panel.value[top, col]))
    if isinstance(row.plan, float) and row.plan != 0 and row.actual is not None:
        row.share = row.actual / row.plan
    code = Verdict(res.verdict[top, col])
    row.verdict, row.fill = status_word(code.key, lang), code
    row.coverage = _coverage(res, top, col)
    if t.interpolated[top, col]:
        row.notes.append(gettext("threshold interpolated between the stated targets", lang))
    target = res.indicator.targets[int(t.target[top, col])]
    _target_notes(row, target.aspirational, target.assumed_year, target.note, lang)


def _unit_checks(row: _AnnexRow, result: Result, res: IndicatorResult, col: int,
                 sheets: dict[int, str], lang: str) -> None:
    """A target for each unit below the top: the plan they share, how many met it."""
    t = res.thresholds
    rows = np.flatnonzero(res.status[:, col])
    plans = {(int(t.op[r, col]), float(t.lo[r, col]), float(t.hi[r, col]))
             for r in rows.tolist()}
    if len(plans) == 1:
        row.plan, row.plan_format = plan(res, int(rows[0]), col, lang)
    else:
        row.notes.append(gettext("thresholds differ between units", lang))
    codes = res.verdict[rows, col]
    met = int(np.isin(codes, [Verdict.MET, Verdict.EXCEEDED]).sum())
    row.verdict = gettext("{met}/{count} units met", lang).format(met=met, count=len(rows))
    row.fill = (Verdict.NOT_MET if (codes == Verdict.NOT_MET).any()
                else Verdict.MET if met else Verdict.NO_DATA)
    reported = int(np.isfinite(res.panel.value[rows, col]).sum())
    row.coverage = f"{reported}/{len(rows)}"
    for level in sorted(set(result.tree.level_of[rows].tolist())):
        if level in sheets:
            row.notes.append(gettext("a target for each unit: see the sheet “{sheet}”",
                                     lang).format(sheet=sheets[level]))
    target = res.indicator.targets[int(t.target[rows[0], col])]
    _target_notes(row, target.aspirational, target.assumed_year, target.note, lang)


def _target_notes(row: _AnnexRow, aspirational: bool, assumed: bool, note: str | None,
                  lang: str) -> None:
    if aspirational:
        row.notes.append(gettext("aspirational (phấn đấu)", lang))
    if assumed:
        row.notes.append(gettext("assumed year", lang))
    if note:
        row.notes.append(note)


def _coverage(res: IndicatorResult, row: int, col: int) -> str:
    """`53/54`: the units that reported, of those expected; empty where not counted."""
    p = res.panel
    if p.expected is None or p.reported is None or not np.isfinite(p.expected[row, col]):
        return ""
    return f"{int(p.reported[row, col])}/{int(p.expected[row, col])}"


def _goal(row: _AnnexRow, res: IndicatorResult, lang: str) -> None:
    """The goal: its threshold (a number, or text for a range) and its year."""
    from qnkpi.engine.assess import goal_of

    index = goal_of(res.indicator)
    if index is None:
        return
    target = res.indicator.targets[index]
    lo, hi = target.bounds
    if target.op == "between":
        row.goal = rule_text(target.op, lo, hi, lang)
    else:
        row.goal, row.goal_format = lo, bound_format(lo, target.op, res.indicator.unit == "percent")
    row.goal_year = target.last_year
    if target.aspirational and gettext("aspirational (phấn đấu)", lang) not in row.notes:
        row.notes.append(gettext("the goal is aspirational (phấn đấu)", lang))


def _progress_text(result: Result, name: str, top: int, lang: str) -> str:
    """The top unit's status toward the goal by the headline method (`linear_path`,
    else the first); where only the units below are assessed, how many have each
    status."""
    mains = [m for m in map(headline, result.assessment_groups(name)) if m is not None]
    for main in mains:  # one per goal
        rows = main.inputs.rows.tolist()
        if top in rows:
            return assessment_word(ASSESSMENT_STATUSES[main.status[rows.index(top)]], lang)
    counts = Counter(ASSESSMENT_STATUSES[s] for m in mains for s in m.status.tolist())
    return " · ".join(f"{assessment_word(key, lang)} {counts[key]}"
                      for key in ASSESSMENT_STATUSES if key and counts[key])


def _annex_notes(ws: Any, result: Result, unit: str, row: int, width: int, lang: str,
                 st: Styles) -> None:
    """Under the table: what the columns mean, the status counts, the data warnings."""
    from openpyxl.styles import Alignment

    s = result.summary()

    def n(count: int) -> str:
        return format_number(count, lang)

    counts = " · ".join(f"{status_word(st.key, lang)} {n(s[st.key])}"
                        for st in (CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA))
    lines = [
        gettext("Plan: the threshold that applied in {year}; Actual: the value of {unit} "
                "in {year}; % of plan = Actual / Plan, left empty where there is no value "
                "or the plan is 0 or a range.", lang).format(year=result.as_of, unit=unit),
        gettext("Exceeded: a target of at least (≥) or at most (≤) met with room to spare. "
                "The other sheets give every unit and year.", lang),
        gettext("Progress toward the goal: by the linear_path method, the straight line "
                "from the baseline to the goal year.", lang),
        gettext("Checks of every year:", lang) + " " + counts + " "
        + gettext("of {count} checks", lang).format(count=n(s["checks"])),
        *result.warnings,
    ]
    _merged_line(ws, row, width, gettext("Notes:", lang), st.bold,
                 Alignment(horizontal="left"))
    for k, text in enumerate(lines, start=1):
        _merged_line(ws, row + k, width, f"- {text}", None, st.wrap)
