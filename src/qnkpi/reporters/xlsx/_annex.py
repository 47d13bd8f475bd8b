"""The annex sheet (`Phụ lục`): the report annex a Vietnamese office attaches to a
report, one row per indicator for the as-of year at the top unit, grouped by the
programme's objectives, under the title block of
[`_annex_head`][qnkpi.reporters.xlsx._annex_head]. This module lays the sheet out: its
columns (a year's, or a six-month review's part-way through a year), the numbering row,
the objectives' rows, the notes; what each indicator's row holds is built by
[`_annex_rows`][qnkpi.reporters.xlsx._annex_rows]."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from qnkpi.i18n import elapsed_title, gettext
from qnkpi.reporters.xlsx._annex_head import (
    AnnexHeader,
    annex_notes,
    fit_height,
    notes_block,
    page_setup,
    title_block,
)
from qnkpi.reporters.xlsx._annex_rows import Context, Row, indicator_row
from qnkpi.reporters.xlsx._cells import RATIO_FORMAT, Col, Styles, font, put, write_columns
from qnkpi.reporters.xlsx._common import as_of_column, top_row

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

#: Column widths: STT, Chỉ tiêu, ĐVT, Kế hoạch, Thực hiện, Tỷ lệ, Cùng kỳ, Đánh giá,
#: Mục tiêu, Tiến độ, Số đơn vị báo cáo, Ghi chú.
_WIDTHS = (6, 50, 11, 13, 13, 10, 13, 14, 13, 15, 10, 42)
#: Part-way through a year (a six-month review): STT, Chỉ tiêu, ĐVT, Kế hoạch năm,
#: Thực hiện 6 tháng, Tỷ lệ % so với kế hoạch năm, Mức chỉ tiêu 6 tháng, Thực hiện năm
#: Y-1, Đánh giá 6 tháng, Mục tiêu, Tiến độ, Số đơn vị báo cáo, Ghi chú.
_PERIOD_WIDTHS = (6, 46, 11, 13, 13, 11, 13, 13, 15, 13, 15, 10, 38)


def annex_sheet(ws: Any, result: Result, sheets: dict[int, str], lang: str, st: Styles,
                header: AnnexHeader) -> None:
    """The annex sheet: title block, one row per indicator grouped by objective, notes,
    A4 page setup."""
    from qnkpi.engine.breaks import tree_breaks

    col = as_of_column(result)
    year = int(result.years[col])
    years = result.years.tolist()
    cx = Context(result, lang, top_row(result, col), col,
                 years.index(year - 1) if year - 1 in years else None,
                 _goal_year(result), sheets, tree_breaks(result.tree, result.restated_to),
                 result.period)
    widths = _PERIOD_WIDTHS if cx.period is not None else _WIDTHS
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + j)].width = width
    head = title_block(ws, result, header, year, len(widths), lang, st)
    items: list[Row | str] = []
    groups = result.spec.objective_groups()
    for objective, names in groups:
        if len(groups) > 1 or objective is not None:
            items.append(_group_title(result, objective, lang))
        items += [indicator_row(cx, name) for name in names]
    columns = _period_columns(cx, items) if cx.period is not None else _columns(cx, items)
    last = write_columns(ws, columns, head, head + 2, st)
    _numbering_row(ws, head + 1, len(widths), st)
    _group_rows(ws, items, head + 2, st, widths)
    rows = [r for r in items if isinstance(r, Row)]
    lines = annex_notes(result, cx.top, cx.col, lang,
                        reference=any(r.reference for r in rows),
                        broken=any(r.broken for r in rows))
    notes_block(ws, last + 2, len(widths), lines,
                list(result.spec.programme.references), lang, st)
    ws.freeze_panes = f"C{head + 2}"
    page_setup(ws, head, len(widths))


def _goal_year(result: Result) -> int:
    """The year of the goals (`Mục tiêu đến năm 2030`): the most common among the
    indicators' goals, else the programme's last year."""
    from qnkpi.engine.assess import goal_of

    years = Counter(ind.targets[i].last_year for ind in result.spec.indicators.values()
                    if (i := goal_of(ind)) is not None)
    return years.most_common(1)[0][0] if years else result.spec.programme.period.end


def _group_title(result: Result, objective: str | None, lang: str) -> str:
    if objective is None:
        return gettext("Other tasks", lang)
    return result.spec.objectives[objective].title.get(lang)


def _numbers(items: list[Row | str]) -> list[int | str]:
    """The STT column: I, II ... for the objectives, 1, 2 ... for the indicators."""
    numbers: list[int | str] = []
    k = g = 0
    for item in items:
        if isinstance(item, str):
            g += 1
            numbers.append(_roman(g))
        else:
            k += 1
            numbers.append(k)
    return numbers


def _columns(cx: Context, items: list[Row | str]) -> list[Col]:
    """The annex's columns; a group's row holds its title only."""
    lang, w = cx.lang, _WIDTHS
    year = int(cx.result.years[cx.col])
    empty = Row("", "")
    rows = [r if isinstance(r, Row) else empty for r in items]
    numbers = _numbers(items)
    titles = [r if isinstance(r, str) else r.title for r in items]
    return [
        Col(gettext("No.", lang), w[0], numbers),
        Col(gettext("Indicator", lang), w[1], titles, wrap=True),
        Col(gettext("Unit of measure", lang), w[2], [r.measure for r in rows], wrap=True),
        Col(gettext("Plan for {year}", lang).format(year=year), w[3],
            [r.plan for r in rows], [r.plan_format or "" for r in rows]),
        Col(gettext("Actual in {year}", lang).format(year=year), w[4],
            [r.actual for r in rows], [r.number_format or "" for r in rows]),
        Col(gettext("% actual/plan", lang), w[5], [r.share for r in rows], RATIO_FORMAT),
        Col(gettext("Same period of {year}", lang).format(year=year - 1), w[6],
            [r.previous for r in rows], [r.previous_format or "" for r in rows]),
        Col(gettext("Verdict", lang), w[7], [r.verdict for r in rows],
            fills=[r.fill for r in rows], wrap=True),
        Col(gettext("Goal by {year}", lang).format(year=cx.goal_year), w[8],
            [r.goal for r in rows], [r.goal_format or "" for r in rows]),
        Col(gettext("Progress toward the goal", lang), w[9], [r.progress for r in rows],
            wrap=True),
        Col(gettext("Units reported", lang), w[10], [r.coverage for r in rows]),
        Col(gettext("Notes", lang), w[11], [_joined(r.notes) for r in rows], wrap=True),
    ]


def _period_columns(cx: Context, items: list[Row | str]) -> list[Col]:
    """The annex's columns part-way through a year, as a six-month review lays them out:
    the year's plan, the figure so far and its share of that plan, the threshold the
    check was judged against at the as-of and its verdict, and the whole of the year
    before (the result holds no figure of its same period, so it is named as a year)."""
    assert cx.period is not None
    lang, w = cx.lang, _PERIOD_WIDTHS
    year = int(cx.result.years[cx.col])
    elapsed = elapsed_title(cx.period, lang)
    empty = Row("", "")
    rows = [r if isinstance(r, Row) else empty for r in items]
    titles = [r if isinstance(r, str) else r.title for r in items]
    return [
        Col(gettext("No.", lang), w[0], _numbers(items)),
        Col(gettext("Indicator", lang), w[1], titles, wrap=True),
        Col(gettext("Unit of measure", lang), w[2], [r.measure for r in rows], wrap=True),
        Col(gettext("Plan for {year}", lang).format(year=year), w[3],
            [r.plan for r in rows], [r.plan_format or "" for r in rows]),
        Col(gettext("Actual, {elapsed}", lang).format(elapsed=elapsed), w[4],
            [r.actual for r in rows], [r.number_format or "" for r in rows]),
        Col(gettext("% of the year's plan", lang), w[5], [r.share for r in rows],
            RATIO_FORMAT),
        Col(gettext("Threshold, {elapsed}", lang).format(elapsed=elapsed), w[6],
            [r.judged for r in rows], [r.judged_format or "" for r in rows]),
        Col(gettext("Actual in {year}", lang).format(year=year - 1), w[7],
            [r.previous for r in rows], [r.previous_format or "" for r in rows]),
        Col(gettext("Verdict, {elapsed}", lang).format(elapsed=elapsed), w[8],
            [r.verdict for r in rows], fills=[r.fill for r in rows], wrap=True),
        Col(gettext("Goal by {year}", lang).format(year=cx.goal_year), w[9],
            [r.goal for r in rows], [r.goal_format or "" for r in rows]),
        Col(gettext("Progress toward the goal", lang), w[10], [r.progress for r in rows],
            wrap=True),
        Col(gettext("Units reported", lang), w[11], [r.coverage for r in rows]),
        Col(gettext("Notes", lang), w[12], [_joined(r.notes) for r in rows], wrap=True),
    ]


def _joined(notes: list[str]) -> str:
    """The notes of a row as one text: `a; b; c.`, whatever their own last stop."""
    parts = [text.strip().rstrip(".;").strip() for text in notes]
    text = "; ".join(p for p in parts if p)
    return text + "." if text else ""


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _numbering_row(ws: Any, row: int, n: int, st: Styles) -> None:
    """The row of column numbers under the header: (1), (2) ... (6) = (5)/(4)."""
    italic = font(italic=True, size=10)
    for j in range(1, n + 1):
        text = "(6) = (5)/(4)" if j == 6 else f"({j})"
        cell = put(ws, row, j, text)
        cell.font, cell.alignment, cell.border = italic, st.centre, st.border


def _group_rows(ws: Any, items: list[Row | str], first: int, st: Styles,
                widths: tuple[int, ...]) -> None:
    """An objective's row: its number and title in bold, the title across the row."""
    from openpyxl.styles import PatternFill

    shade = PatternFill("solid", fgColor="F2F2F2")
    bold = font(bold=True)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            continue
        row = first + i
        for j in range(1, len(widths) + 1):
            cell = ws.cell(row=row, column=j)
            cell.font, cell.fill = bold, shade
        ws.cell(row=row, column=1).alignment = st.centre
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(widths))
        ws.row_dimensions[row].height = None
        fit_height(ws, row, item, sum(widths[1:]))
