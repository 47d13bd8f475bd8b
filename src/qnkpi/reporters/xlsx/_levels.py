"""A sheet per level with checks (`Tỉnh`, `Cấp huyện`, `Cấp xã`): a row per
(indicator, unit), a column per checked year holding the value, filled by its verdict,
then the plan and the verdict of the sheet's latest checked year.

Part-way through a year (`--as-of 2025-06`), the as-of year's column is headed with the
period (`6 tháng đầu năm 2025`), and when it is the latest, the plan is the year's own,
followed by the threshold judged against at the as-of and the verdict then."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import elapsed_title, gettext, period_title, status_word
from qnkpi.reporters._grid import names_in_force
from qnkpi.reporters.xlsx._cells import Col, Styles, put, value_format, write_columns
from qnkpi.reporters.xlsx._common import (
    as_of_column,
    level_word,
    measure_word,
    plan,
    title_of,
)
from qnkpi.reporters.xlsx._period import YEAR_END, how, year_plan
from qnkpi.verdicts import Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result

def checked_levels(result: Result) -> list[int]:
    """The levels (indices into `tree.levels`) with at least one check, top first."""
    found: set[int] = set()
    level_of = result.tree.level_of
    for res in result.indicators.values():
        found.update(level_of[res.status.any(axis=1)].tolist())
    return sorted(found)


@dataclass
class _LevelRows:
    """The (indicator, unit) rows of a level sheet, as parallel lists, and the years
    (columns) with a check among them."""

    res: list[IndicatorResult] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)


def _level_rows(result: Result, level: int) -> _LevelRows:
    out = _LevelRows()
    at_level = result.tree.level_of == level
    checked = np.zeros(len(result.years), dtype=bool)
    for name, res in result.indicators.items():
        rows = np.flatnonzero(res.status.any(axis=1) & at_level)
        checked |= res.status[rows].any(axis=0)
        out.res += [res] * len(rows)
        out.names += [name] * len(rows)
        out.rows += rows.tolist()
    out.cols = np.flatnonzero(checked).tolist()
    return out


def level_sheet(ws: Any, result: Result, level: int, lang: str, st: Styles) -> None:
    """One row per (indicator, unit) of `level`; a value column per checked year,
    filled by status; then the plan and verdict of the latest checked year."""
    from openpyxl.utils import get_column_letter

    tree = result.tree
    lr = _level_rows(result, level)
    last = max((c for c in lr.cols if c <= as_of_column(result)), default=lr.cols[-1])
    # each unit under its name of the last year it is checked in, with the names it had
    # in the earlier years shown (`2023: Thị Đoàn Đông Triều`): a figure reads under the
    # name in force in its year
    cols = np.array(lr.cols, dtype=np.intp)
    checked = np.array([res.status[row, cols] != 0 for res, row in
                        zip(lr.res, lr.rows, strict=True)], dtype=bool).reshape(-1, len(cols))
    names = [f"{name} ({earlier})" if earlier else name for name, earlier in
             names_in_force(result, np.array(lr.rows, dtype=np.intp), cols, checked, lang)]
    formats = [value_format(res) for res in lr.res]
    out = [
        Col(gettext("Unit code", lang), 10, [tree.codes[r] for r in lr.rows], text=True),
        Col(gettext("Unit name", lang), 30, names),
        Col(gettext("Indicator", lang), 50,
            [title_of(res, n, lang) for res, n in zip(lr.res, lr.names, strict=True)],
            wrap=True),
        Col(gettext("Unit of measure", lang), 11,
            [measure_word(res.indicator, lang) for res in lr.res]),
    ]
    period = result.period
    out += [_year_col(lr, c, _year_head(result, c, lang), formats) for c in lr.cols]
    if period is not None and any(how(res, row, last) for res, row in
                                  zip(lr.res, lr.rows, strict=True)):
        out += _partial_cols(result, lr, last, lang)
    else:
        out += _latest_cols(lr, last, int(tree.years[last]), lang)
    title = level_word(result, tree.levels[level], lang)
    put(ws, 1, 1, gettext("Results of the {level}", lang).format(
        level=title[:1].lower() + title[1:])).font = st.bold
    _legend(ws, 2, lang, st, not_due=period is not None)
    end = write_columns(ws, out, 4, 5, st)
    ws.freeze_panes = "C5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(out))}{max(end, 5)}"


def _year_head(result: Result, col: int, lang: str) -> int | str:
    """A year column's heading: the year; the as-of year's, part-way through it, the
    period (`6 tháng đầu năm 2025`): its figures are the year so far."""
    year = int(result.tree.years[col])
    period = result.period
    if period is not None and year == period.year:
        name = period_title(period, lang)
        return name[:1].upper() + name[1:]
    return year


def _year_col(lr: _LevelRows, col: int, year: int | str, formats: list[str]) -> Col:
    """The values of one year where they are checked, filled by their verdict."""
    values: list[float | None] = []
    fills: list[Verdict | None] = []
    for res, row in zip(lr.res, lr.rows, strict=True):
        code = Verdict(res.verdict[row, col]) or None
        values.append(float(res.panel.value[row, col]) if code else None)
        fills.append(code)
    return Col(year, 11, values, formats, fills)


def _latest_cols(lr: _LevelRows, col: int, year: int, lang: str) -> list[Col]:
    """The plan and the verdict (a word, filled) of the sheet's latest checked year."""
    plans: list[float | str | None] = []
    formats: list[str] = []
    fills: list[Verdict | None] = []
    for res, row in zip(lr.res, lr.rows, strict=True):
        code = Verdict(res.verdict[row, col]) or None
        shown, fmt = plan(res, row, col, lang) if code else (None, "")
        plans.append(shown)
        formats.append(fmt)
        fills.append(code)
    words = [status_word(code.key, lang) if code else "" for code in fills]
    return [
        Col(gettext("Plan {year}", lang).format(year=year), 12, plans, formats),
        Col(gettext("Verdict {year}", lang).format(year=year), 16, words, fills=fills),
    ]


def _partial_cols(result: Result, lr: _LevelRows, col: int, lang: str) -> list[Col]:
    """The as-of year's plan, threshold and verdict, part-way through it: the year's own
    plan; the threshold judged against at the as-of (empty for a target judged at the
    year's end); the verdict."""
    assert result.period is not None
    plans: list[float | str | None] = []
    formats: list[str] = []
    judged: list[float | str | None] = []
    judged_formats: list[str] = []
    fills: list[Verdict | None] = []
    for res, row in zip(lr.res, lr.rows, strict=True):
        code = Verdict(res.verdict[row, col]) or None
        fills.append(code)
        shown, fmt = year_plan(res, row, col, lang) if code else (None, "")
        plans.append(shown)
        formats.append(fmt)
        shown, fmt = (plan(res, row, col, lang) if code and how(res, row, col) != YEAR_END
                      else (None, ""))
        judged.append(shown)
        judged_formats.append(fmt)
    words = [status_word(code.key, lang) if code else "" for code in fills]
    year = int(result.tree.years[col])
    elapsed = elapsed_title(result.period, lang)
    return [
        Col(gettext("Plan for {year}", lang).format(year=year), 12, plans, formats),
        Col(gettext("Threshold, {elapsed}", lang).format(elapsed=elapsed), 12, judged,
            judged_formats),
        Col(gettext("Verdict, {elapsed}", lang).format(elapsed=elapsed), 16, words,
            fills=fills),
    ]


def _legend(ws: Any, row: int, lang: str, st: Styles, *, not_due: bool = False) -> None:
    """The colours of the year cells, each in its own filled cell (`not_due`: with the
    colour of a target judged at the year's end, part-way through it)."""
    put(ws, row, 1, gettext("Cell colours:", lang)).font = st.bold
    codes = [Verdict.MET, Verdict.EXCEEDED, Verdict.NOT_MET, Verdict.NO_DATA]
    if not_due:
        codes.append(Verdict.NOT_DUE)
    for j, code in enumerate(codes, start=2):
        cell = put(ws, row, j, status_word(code.key, lang))
        cell.fill, cell.border, cell.alignment = st.fills[code], st.border, st.centre
