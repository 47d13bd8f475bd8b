"""`xlsx`: an Excel workbook for officials who read and file their reports in Excel.

Sheets, in order:

1. **Annex** (`Phụ lục`): the report annex Vietnamese offices attach to a report, one
   row per indicator for the as-of year at the top unit: STT, Chỉ tiêu, ĐVT, Kế hoạch,
   Thực hiện, % thực hiện/kế hoạch, Đánh giá, then the goal, the progress toward it, the
   units that reported and notes; under the owner, title, as-of year and references.
2. **One sheet per level** with checks (`Tỉnh`, `Cấp huyện`, `Cấp xã`): a row per
   (indicator, unit), a column per checked year holding the value, coloured by status
   (green met, red not met, grey no data), then the plan and the verdict of the sheet's
   latest checked year.
3. **Checks** (`Kết quả`) and **Progress** (`Tiến độ`): every check and every
   assessment as Excel tables, ready to filter, sort and pivot.

Numbers are stored as numbers with a number format, never as formatted text: Excel shows
them with the reader's separators (`100.839` and `52,3%` in a Vietnamese Excel).
Values of percent indicators are stored as they are computed, 54.8 for 54.8%, with the
format `0.0"%"`; the share of the plan (Actual / Plan) is stored as a ratio (0.548) with
the format `0.0%`. Thresholds carry their comparison in the format (`"≥ "0`), so they
stay numbers. Unit codes are text (`06652` keeps its zero). Text from the spec or the
data is never read as a formula.

openpyxl is imported only when this reporter runs.
"""

from __future__ import annotations

import functools
import io
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, format_number, gettext, status_word, verdict
from qnkpi.verdicts import ASSESSMENT_STATUSES, OPS, STATUSES

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result

__all__ = ["XlsxReporter", "bound_format", "level_word", "measure_word", "sheet_name",
           "value_format"]

#: Cell fills of the check statuses (Excel's "Good", "Bad" and "Neutral"-like colours).
_FILLS = {"met": "C6EFCE", "exceeded": "A9D08E", "not_met": "FFC7CE", "no_data": "D9D9D9"}
_HEADER_FILL = "DDEBF7"
#: Comparisons as printed in Vietnamese and English documents.
_SIGNS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "=", "between": "–"}
#: Units of measure (the spec's `unit`) and the word the ĐVT column shows.
_MEASURE_WORDS = {"count": "number", "number": "number", "units": "units",
                  "people": "people", "persons": "people"}
#: Levels of the Vietnamese administrative tree and the name of their sheet.
_LEVEL_SHEETS = {"province": "Province", "district": "District level",
                 "commune": "Commune level"}
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
_RATIO_FORMAT = "0.0%"
_COUNT_FORMAT = "#,##0"
_TEXT_FORMAT = "@"
_CHANGE_FORMAT = "+#,##0.00;-#,##0.00;0"
_ANNEX_WIDTHS = (6, 58, 11, 13, 13, 12, 15, 13, 10, 18, 11, 60)
_TABLE_STYLE = "TableStyleMedium2"


# --- cells ----------------------------------------------------------------------------

@dataclass
class _Col:
    """A column to write: header, width and one value per row, with optional number
    formats and status fills (one for all rows, or one per row)."""

    header: str | int
    width: float
    values: list[Any]
    formats: str | list[str] | None = None
    fills: list[str | None] | None = None
    wrap: bool = False
    text: bool = False  # codes: stored and typed as text


def _clean(value: Any) -> Any:
    """A value as a cell takes it: NaN and infinities become empty, numpy scalars plain
    Python numbers, text loses the control characters Excel refuses."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write `value` to a cell; text starting with `=` stays text (never a formula)."""
    cell = ws.cell(row=row, column=column, value=_clean(value))
    if cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


@dataclass
class _Styles:
    """The few styles of the workbook, made once (openpyxl shares them between cells)."""

    bold: Any
    header_fill: Any
    border: Any
    wrap: Any
    top: Any
    centre: Any
    fills: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="808080")
        return cls(
            bold=Font(bold=True), header_fill=PatternFill("solid", fgColor=_HEADER_FILL),
            border=Border(left=thin, right=thin, top=thin, bottom=thin),
            wrap=Alignment(wrap_text=True, vertical="top"),
            top=Alignment(vertical="top"),
            centre=Alignment(horizontal="center", vertical="center", wrap_text=True),
            fills={key: PatternFill("solid", fgColor=colour)
                   for key, colour in _FILLS.items()})


def _write_columns(ws: Any, cols: Sequence[_Col], header_row: int, first_row: int,
                  st: _Styles, *, borders: bool = True) -> int:
    """The headers at `header_row`, the values from `first_row` down; returns the last
    row written."""
    from openpyxl.utils import get_column_letter

    n = max((len(c.values) for c in cols), default=0)
    lines = [1] * n  # per row: the most lines a wrapped cell needs
    head_lines = max((_lines(c.header, c.width) for c in cols), default=1)
    if head_lines > 1:
        ws.row_dimensions[header_row].height = _LINE_HEIGHT * head_lines + 3
    for j, col in enumerate(cols, start=1):
        head = _put(ws, header_row, j, col.header)
        head.font, head.fill, head.alignment = st.bold, st.header_fill, st.centre
        if borders:
            head.border = st.border
        ws.column_dimensions[get_column_letter(j)].width = col.width
        formats = col.formats if isinstance(col.formats, list) else [col.formats] * n
        fills = col.fills or [None] * n
        for i, (value, fmt, fill) in enumerate(zip(col.values, formats, fills, strict=True)):
            cell = _put(ws, first_row + i, j, value)
            if col.text:
                cell.number_format = _TEXT_FORMAT
            elif fmt:
                cell.number_format = fmt
            if fill:
                cell.fill = st.fills[fill]
            if col.wrap:
                cell.alignment = st.wrap
                lines[i] = max(lines[i], _lines(value, col.width))
            else:  # beside wrapped text, a number sits on the first line, not the last
                cell.alignment = st.top
            if borders:
                cell.border = st.border
    for i, count in enumerate(lines):
        if count > 1:  # neither Excel nor LibreOffice grows a row to fit on opening
            ws.row_dimensions[first_row + i].height = _LINE_HEIGHT * count + 3
    return first_row + n - 1


#: Points per line of wrapped text at the default font size (11 pt).
_LINE_HEIGHT = 15


def _lines(value: Any, width: float) -> int:
    """How many lines `value` wraps to in a column `width` characters wide (an
    estimate: Excel's width unit is about one average character)."""
    if value is None:
        return 1
    per_line = max(int(width) - 1, 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(value).split("\n"))


def _add_table(ws: Any, name: str, cols: Sequence[_Col], last_row: int) -> None:
    """Make the columns from row 1 to `last_row` an Excel table (filters, banding)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ref = f"A1:{get_column_letter(len(cols))}{max(last_row, 2)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=_TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"


# --- numbers and words ----------------------------------------------------------------

def value_format(res: IndicatorResult) -> str:
    """The number format of an indicator's values: its `decimals`, else one decimal for
    percentages (`0.0"%"`: the values are already x100), none for whole numbers and two
    otherwise; thousands grouped."""
    ind = res.indicator
    decimals = ind.decimals
    if decimals is None:
        if ind.unit == "percent":
            decimals = 1
        else:
            values = res.panel.value[np.isfinite(res.panel.value)]
            decimals = 0 if np.all(values == np.round(values)) else 2
    return _number_format(decimals, ind.unit == "percent")


def _number_format(decimals: int, percent: bool, prefix: str = "") -> str:
    body = _COUNT_FORMAT + ("." + "0" * decimals if decimals else "")
    body += '"%"' if percent else ""
    if not prefix:
        return body
    quoted = f'"{prefix} "'
    return f"{quoted}{body};{quoted}-{body}"


def bound_format(value: float, op: str, percent: bool) -> str:
    """The format of a threshold: its comparison, then up to two decimals as needed
    (`"≥ "0`, `"> "0.00"%"`)."""
    decimals = next((d for d in (0, 1) if round(value, d) == round(value, 2)), 2)
    return _number_format(decimals, percent, _SIGNS.get(op, ""))


def _range_text(lo: float, hi: float, lang: str) -> str:
    """A `between` threshold as text: `50–80`."""
    def short(v: float) -> str:
        text = format_number(v, lang, 2)
        sep = "," if lang == "vi" else "."
        return text.rstrip("0").rstrip(sep) if sep in text else text

    return f"{short(lo)}–{short(hi)}"


def measure_word(unit: str, lang: str) -> str:
    """The ĐVT column: `%` for percentages, a word for known units, else the spec's
    unit as written."""
    if unit == "percent":
        return "%"
    word = _MEASURE_WORDS.get(unit.strip().lower())
    return gettext(word, lang) if word else unit


def level_word(level: str, lang: str) -> str:
    """A level's name as its sheet is named (`Cấp xã`); the raw name if unknown."""
    known = _LEVEL_SHEETS.get(level)
    return gettext(known, lang) if known else level


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name from `text`: no `[]:*?/\\` and no control character
    (XML cannot hold them), at most 31 characters, no quote at either end, unique
    (case-insensitive) among `taken`, which it joins."""
    text = _clean(text.translate(_BAD_SHEET_CHARS))
    base = " ".join(text.split()).strip("'") or "Sheet"
    name, k = base[:31], 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({k})"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(name)
    return name


def _title(res: IndicatorResult, name: str, lang: str) -> str:
    return res.indicator.title.get(lang) if res.indicator.title else name


def _yes(flag: bool, lang: str) -> str:
    return gettext("yes" if flag else "no", lang)


def _verdicts(res: IndicatorResult, rows: Any, cols: Any) -> list[str | None]:
    """The verdict key (`met`, `exceeded`, `not_met`, `no_data`; None where
    nothing is checked) of each (row, col) pair."""
    codes = res.status[rows, cols].tolist()
    ops = res.thresholds.op[rows, cols].tolist()
    margins = res.margin[rows, cols].tolist()
    return [verdict(STATUSES[c], OPS[o], m) if c else None
            for c, o, m in zip(codes, ops, margins, strict=True)]


def _as_of_column(result: Result) -> int:
    years = result.years.tolist()
    return years.index(result.as_of) if result.as_of in years else len(years) - 1


def _top_row(result: Result, col: int) -> int:
    """The unit with no parent in the as-of year (else in any year)."""
    top = result.tree.top_mask()
    here = np.flatnonzero(top[:, col])
    anywhere = np.flatnonzero(top.any(axis=1))
    return int(here[0] if len(here) else anywhere[0] if len(anywhere) else 0)


# --- the reporter ---------------------------------------------------------------------

class XlsxReporter:
    """The verdicts as an Excel workbook: the report annex, a sheet per level, and every
    check and assessment as Excel tables, in `lang`."""

    suffix = ".xlsx"
    binary = True

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the workbook of `result` to the binary `stream`."""
        from openpyxl import Workbook

        book = Workbook()
        st = _Styles.make()
        taken: set[str] = set()
        levels = _checked_levels(result)
        sheets = {level: sheet_name(level_word(result.tree.levels[level], lang), taken)
                  for level in levels}
        annex = book.active
        annex.title = sheet_name(gettext("Annex", lang), taken)
        _annex(annex, result, sheets, lang, st)
        for level, title in sheets.items():
            _level_sheet(book.create_sheet(title), result, level, lang, st)
        _checks_sheet(book.create_sheet(sheet_name(gettext("Checks", lang), taken)),
                      result, lang, st)
        _assessments_sheet(book.create_sheet(sheet_name(gettext("Progress", lang), taken)),
                           result, lang, st)
        prog = result.spec.programme
        book.properties.title = _clean(prog.title.get(lang))
        book.properties.creator = "qnkpi"
        book.properties.subject = _clean(prog.owner or "")
        book.properties.identifier = prog.id
        book.properties.language = lang
        # into memory first: openpyxl leaves its zip file open if a write fails (a full
        # disk), to fail again when it is collected; so only whole bytes meet the stream
        buffer = io.BytesIO()
        book.save(buffer)
        stream.write(buffer.getbuffer())


# --- the annex ------------------------------------------------------------------------

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
    fill: str | None = None
    goal: float | str | None = None
    goal_format: str | None = None
    goal_year: int | None = None
    progress: str = ""
    coverage: str = ""
    notes: list[str] = field(default_factory=list)


def _annex(ws: Any, result: Result, sheets: dict[int, str], lang: str, st: _Styles) -> None:
    """The annex sheet: heading block, one row per indicator, notes."""
    col = _as_of_column(result)
    top = _top_row(result, col)
    unit = result.tree.unit_names(np.array([top]), np.array([col]), lang)[0]
    rows = [_annex_row(result, name, top, col, sheets, lang) for name in result.indicators]
    header = _annex_heading(ws, result, unit, lang, st)
    cols = _annex_columns(rows, lang)
    last = _write_columns(ws, cols, header, header + 2, st)
    _numbering_row(ws, header + 1, len(cols), st)
    _annex_notes(ws, result, unit, last + 2, len(cols), lang, st)
    ws.freeze_panes = ws.cell(row=header + 2, column=3)
    ws.print_title_rows = f"{header}:{header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _annex_heading(ws: Any, result: Result, unit: str, lang: str, st: _Styles) -> int:
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
    cell = _put(ws, row, 1, text)
    if font is not None:
        cell.font = font
    cell.alignment = align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    per_line = sum(_ANNEX_WIDTHS)  # characters a line holds, about one per width unit
    lines = max(1, math.ceil(len(text) / per_line))
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines + 3


def _numbering_row(ws: Any, row: int, n: int, st: _Styles) -> None:
    """The row of column numbers under the header: (1), (2) ... (6) = (5)/(4)."""
    from openpyxl.styles import Font

    italic = Font(italic=True, size=9)
    for j in range(1, n + 1):
        text = "(6) = (5)/(4)" if j == 6 else f"({j})"
        cell = _put(ws, row, j, text)
        cell.font, cell.alignment, cell.border = italic, st.centre, st.border


def _annex_columns(rows: list[_AnnexRow], lang: str) -> list[_Col]:
    w = _ANNEX_WIDTHS
    return [
        _Col(gettext("No.", lang), w[0], list(range(1, len(rows) + 1))),
        _Col(gettext("Indicator", lang), w[1], [r.title for r in rows], wrap=True),
        _Col(gettext("Unit of measure", lang), w[2], [r.measure for r in rows]),
        _Col(gettext("Plan", lang), w[3], [r.plan for r in rows],
            [r.plan_format or "" for r in rows]),
        _Col(gettext("Actual", lang), w[4], [r.actual for r in rows],
            [r.actual_format or "" for r in rows]),
        _Col(gettext("% of plan", lang), w[5], [r.share for r in rows], _RATIO_FORMAT),
        _Col(gettext("Verdict", lang), w[6], [r.verdict for r in rows],
            fills=[r.fill for r in rows], wrap=True),
        _Col(gettext("Goal", lang), w[7], [r.goal for r in rows],
            [r.goal_format or "" for r in rows]),
        _Col(gettext("Goal year", lang), w[8], [r.goal_year for r in rows]),
        _Col(gettext("Progress toward the goal", lang), w[9], [r.progress for r in rows],
            wrap=True),
        _Col(gettext("Units reported", lang), w[10], [r.coverage for r in rows]),
        _Col(gettext("Notes", lang), w[11], ["; ".join(r.notes) for r in rows], wrap=True),
    ]


def _annex_row(result: Result, name: str, top: int, col: int, sheets: dict[int, str],
              lang: str) -> _AnnexRow:
    """Indicator `name` in the as-of year (column `col`) at the top unit (row
    `top`); for a target that applies to each unit below, how many units met it."""
    res = result.indicators[name]
    row = _AnnexRow(_title(res, name, lang), measure_word(res.indicator.unit, lang))
    if res.status[top, col]:
        _top_check(row, res, top, col, lang)
    elif res.status[:, col].any():
        _unit_checks(row, result, res, col, sheets, lang)
    else:
        row.actual = _clean(float(res.panel.value[top, col]))
        row.notes.append(gettext("no target for {year}", lang).format(year=result.as_of))
    if row.actual is not None:
        row.actual_format = value_format(res)
    _goal(row, res, lang)
    row.progress = _progress_text(result, name, top, lang)
    return row


def _top_check(row: _AnnexRow, res: IndicatorResult, top: int, col: int, lang: str) -> None:
    """The check of the top unit: plan, actual, share of plan, verdict, coverage, notes."""
    t = res.thresholds
    row.plan, row.plan_format = _plan(res, top, col, lang)
    row.actual = _clean(float(res.panel.value[top, col]))
    if isinstance(row.plan, float) and row.plan != 0 and row.actual is not None:
        row.share = row.actual / row.plan
    key = _verdicts(res, np.array([top]), np.array([col]))[0] or "no_data"
    row.verdict, row.fill = status_word(key, lang), key
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
        row.plan, row.plan_format = _plan(res, int(rows[0]), col, lang)
    else:
        row.notes.append(gettext("thresholds differ between units", lang))
    keys = _verdicts(res, rows, np.full(len(rows), col))
    met = sum(k in ("met", "exceeded") for k in keys)
    row.verdict = gettext("{met}/{count} units met", lang).format(met=met, count=len(rows))
    row.fill = "not_met" if "not_met" in keys else "met" if met else "no_data"
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
        row.goal = _range_text(lo, hi, lang)
    else:
        row.goal, row.goal_format = lo, bound_format(lo, target.op, res.indicator.unit == "percent")
    row.goal_year = target.last_year
    if target.aspirational and gettext("aspirational (phấn đấu)", lang) not in row.notes:
        row.notes.append(gettext("the goal is aspirational (phấn đấu)", lang))


def _progress_text(result: Result, name: str, top: int, lang: str) -> str:
    """The top unit's status toward the goal (`linear_path`, else the first method);
    where only the units below are assessed, how many have each status."""
    group = result.assessments_of(name)
    if not group:
        return ""
    main = next((a for a in group if a.method == "linear_path"), group[0])
    rows = main.inputs.rows.tolist()
    if top in rows:
        return assessment_word(ASSESSMENT_STATUSES[main.status[rows.index(top)]], lang)
    counts = Counter(ASSESSMENT_STATUSES[s] for s in main.status.tolist())
    return " · ".join(f"{assessment_word(key, lang)} {counts[key]}"
                      for key in ASSESSMENT_STATUSES if key and counts[key])


def _annex_notes(ws: Any, result: Result, unit: str, row: int, width: int, lang: str,
                 st: _Styles) -> None:
    """Under the table: what the columns mean, the status counts, the data warnings."""
    from openpyxl.styles import Alignment

    s = result.summary()

    def n(count: int) -> str:
        return format_number(count, lang)

    counts = " · ".join(f"{status_word(key, lang)} {n(s[key])}"
                        for key in ("met", "not_met", "no_data"))
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


# --- a sheet per level ----------------------------------------------------------------

def _checked_levels(result: Result) -> list[int]:
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


def _level_sheet(ws: Any, result: Result, level: int, lang: str, st: _Styles) -> None:
    """One row per (indicator, unit) of `level`; a value column per checked year,
    filled by status; then the plan and verdict of the latest checked year."""
    from openpyxl.utils import get_column_letter

    tree = result.tree
    lr = _level_rows(result, level)
    last = max((c for c in lr.cols if c <= _as_of_column(result)), default=lr.cols[-1])
    # each unit under its name of the last year it is checked in
    own = [int(np.flatnonzero(res.status[row])[-1]) for res, row in
           zip(lr.res, lr.rows, strict=True)]
    names = tree.unit_names(np.array(lr.rows, dtype=np.int64), np.array(own, dtype=np.int64),
                            lang)
    formats = [value_format(res) for res in lr.res]
    out = [
        _Col(gettext("Unit code", lang), 10, [tree.codes[r] for r in lr.rows], text=True),
        _Col(gettext("Unit name", lang), 30, names),
        _Col(gettext("Indicator", lang), 50,
            [_title(res, n, lang) for res, n in zip(lr.res, lr.names, strict=True)],
            wrap=True),
        _Col(gettext("Unit of measure", lang), 11,
            [measure_word(res.indicator.unit, lang) for res in lr.res]),
    ]
    out += [_year_col(lr, c, int(tree.years[c]), formats) for c in lr.cols]
    out += _latest_cols(lr, last, int(tree.years[last]), lang)
    _put(ws, 1, 1, gettext("Results by unit: {level}", lang).format(level=ws.title)).font = \
        st.bold
    _legend(ws, 2, lang, st)
    end = _write_columns(ws, out, 4, 5, st)
    ws.freeze_panes = "C5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(out))}{max(end, 5)}"


def _year_col(lr: _LevelRows, col: int, year: int, formats: list[str]) -> _Col:
    """The values of one year where they are checked, filled by their verdict."""
    values: list[float | None] = []
    fills: list[str | None] = []
    for res, row in zip(lr.res, lr.rows, strict=True):
        key = _verdicts(res, np.array([row]), np.array([col]))[0]
        values.append(float(res.panel.value[row, col]) if key else None)
        fills.append(key)
    return _Col(year, 11, values, formats, fills)


def _latest_cols(lr: _LevelRows, col: int, year: int, lang: str) -> list[_Col]:
    """The plan and the verdict (a word, filled) of the sheet's latest checked year."""
    plans: list[float | str | None] = []
    formats: list[str] = []
    fills: list[str | None] = []
    for res, row in zip(lr.res, lr.rows, strict=True):
        key = _verdicts(res, np.array([row]), np.array([col]))[0]
        plan, fmt = _plan(res, row, col, lang) if key else (None, "")
        plans.append(plan)
        formats.append(fmt)
        fills.append(key)
    words = [status_word(key, lang) if key else "" for key in fills]
    return [
        _Col(gettext("Plan {year}", lang).format(year=year), 12, plans, formats),
        _Col(gettext("Verdict {year}", lang).format(year=year), 16, words, fills=fills),
    ]


def _plan(res: IndicatorResult, row: int, col: int, lang: str) -> tuple[float | str, str]:
    """The threshold of a check and its number format: a number with its comparison in
    the format, or `min–max` text for a range."""
    t = res.thresholds
    op = OPS[t.op[row, col]]
    lo = float(t.lo[row, col])
    if op == "between":
        return _range_text(lo, float(t.hi[row, col]), lang), ""
    return lo, bound_format(lo, op, res.indicator.unit == "percent")


def _legend(ws: Any, row: int, lang: str, st: _Styles) -> None:
    """The colours of the year cells, each in its own filled cell."""
    _put(ws, row, 1, gettext("Cell colours:", lang)).font = st.bold
    for j, key in enumerate(("met", "exceeded", "not_met", "no_data"), start=2):
        cell = _put(ws, row, j, status_word(key, lang))
        cell.fill, cell.border, cell.alignment = st.fills[key], st.border, st.centre


# --- every check and every assessment -------------------------------------------------

def _checks_sheet(ws: Any, result: Result, lang: str, st: _Styles) -> None:
    """Every check, one row each, as an Excel table."""
    tree = result.tree
    c: dict[str, list[Any]] = {key: [] for key in (
        "indicator", "title", "unit", "unit_name", "level", "year", "value", "op", "lo",
        "hi", "margin", "numerator", "denominator", "verdict", "fill", "target",
        "interpolated", "goal", "aspirational", "assumed_year", "note", "basis",
        "expected_units", "reported_units", "coverage", "format")}
    for name, res in result.indicators.items():
        x = result.check_columns(name)
        n = len(x["year"])
        if not n:
            continue
        years, units = np.nonzero(res.status.T)  # the order of check_columns
        keys = _verdicts(res, units, years)
        lo = [th[0] if isinstance(th, list) else th for th in x["threshold"]]
        hi = [th[1] if isinstance(th, list) else None for th in x["threshold"]]
        c["indicator"] += x["indicator"]
        c["title"] += [_title(res, name, lang)] * n
        c["unit"] += x["unit"]
        c["unit_name"] += tree.unit_names(units, years, lang)
        c["level"] += [level_word(level, lang) for level in x["level"]]
        for key in ("year", "value", "margin", "numerator", "denominator", "note",
                    "expected_units", "reported_units", "coverage"):
            c[key] += x[key]
        c["op"] += [_op_text(op, lang) for op in x["op"]]
        c["lo"] += lo
        c["hi"] += hi
        c["verdict"] += [status_word(k or "no_data", lang) for k in keys]
        c["fill"] += keys
        c["target"] += [t + 1 for t in x["target"]]
        for key in ("interpolated", "goal", "aspirational", "assumed_year"):
            c[key] += [_yes(flag, lang) for flag in x[key]]
        c["basis"] += [gettext(b.replace("_", " "), lang) for b in x["basis"]]
        c["format"] += [value_format(res)] * n
    fmt = c["format"]
    g = functools.partial(gettext, lang=lang)
    cols = [
        _Col(g("Indicator code"), 24, c["indicator"], text=True),
        _Col(g("Indicator"), 50, c["title"]),
        _Col(g("Unit code"), 10, c["unit"], text=True),
        _Col(g("Unit name"), 28, c["unit_name"]),
        _Col(g("Level"), 12, c["level"]),
        _Col(g("Year"), 8, c["year"]),
        _Col(g("Value"), 12, c["value"], fmt),
        _Col(g("Comparison"), 12, c["op"]),
        _Col(g("Threshold"), 12, c["lo"], fmt),
        _Col(g("Upper threshold"), 12, c["hi"], fmt),
        _Col(g("Margin"), 12, c["margin"], fmt),
        _Col(g("Numerator"), 13, c["numerator"], _COUNT_FORMAT),
        _Col(g("Denominator"), 13, c["denominator"], _COUNT_FORMAT),
        _Col(g("Verdict"), 16, c["verdict"], fills=c["fill"]),
        _Col(g("Target no."), 10, c["target"]),
        _Col(g("Interpolated"), 11, c["interpolated"]),
        _Col(g("Goal target"), 11, c["goal"]),
        _Col(g("Aspirational"), 11, c["aspirational"]),
        _Col(g("Assumed year"), 11, c["assumed_year"]),
        _Col(g("Notes"), 40, c["note"]),
        _Col(g("Basis"), 16, c["basis"]),
        _Col(g("Units expected"), 11, c["expected_units"], _COUNT_FORMAT),
        _Col(g("Units reported"), 11, c["reported_units"], _COUNT_FORMAT),
        _Col(g("Coverage"), 11, c["coverage"], _RATIO_FORMAT),
    ]
    _add_table(ws, "Checks", cols, _write_columns(ws, cols, 1, 2, st, borders=False))


def _op_text(op: str, lang: str) -> str:
    """A comparison as read: `≥`, `<`; a range in words."""
    return gettext("between", lang) if op == "between" else _SIGNS.get(op, op)


def _assessments_sheet(ws: Any, result: Result, lang: str, st: _Styles) -> None:
    """Every assessment, one row each, as an Excel table."""
    tree = result.tree
    names = tree.latest_names(lang)
    rows = list(result.assessment_rows())
    res = [result.indicators[r["indicator"]] for r in rows]
    fmt = [value_format(x) for x in res]
    goal_fmt = [bound_format(r["goal"], r["op"], x.indicator.unit == "percent")
                for r, x in zip(rows, res, strict=True)]
    g = functools.partial(gettext, lang=lang)
    cols = [
        _Col(g("Indicator code"), 24, [r["indicator"] for r in rows], text=True),
        _Col(g("Indicator"), 50, [_title(x, r["indicator"], lang)
                                 for r, x in zip(rows, res, strict=True)]),
        _Col(g("Unit code"), 10, [r["unit"] for r in rows], text=True),
        _Col(g("Unit name"), 28, [names[tree.index[r["unit"]]] for r in rows]),
        _Col(g("Level"), 12, [level_word(r["level"], lang) for r in rows]),
        _Col(g("Goal"), 12, [r["goal"] for r in rows], goal_fmt),
        _Col(g("Goal year"), 9, [r["goal_year"] for r in rows]),
        _Col(g("Aspirational"), 11, [_yes(r["aspirational"], lang) for r in rows]),
        _Col(g("Method"), 13, [r["method"] for r in rows], text=True),
        _Col(g("Progress toward the goal"), 18,
            [assessment_word(r["status"], lang) for r in rows]),
        _Col(g("Ratio"), 9, [r["ratio"] for r in rows], "0.00"),
        _Col(g("Baseline year"), 9, [r["baseline"]["year"] for r in rows]),
        _Col(g("Baseline"), 12, [r["baseline"]["value"] for r in rows], fmt),
        _Col(g("Current year"), 9, [r["current"]["year"] for r in rows]),
        _Col(g("Current value"), 12, [r["current"]["value"] for r in rows], fmt),
        _Col(g("Projected"), 12, [r["projected"] for r in rows], fmt),
        _Col(g("Needed per year"), 13, [r["required_annual_change"] for r in rows],
            _CHANGE_FORMAT),
        _Col(g("Reason"), 40, [r["reason"] for r in rows]),
        _Col(g("Basis"), 16, [g(r["basis"].replace("_", " ")) for r in rows]),
    ]
    _add_table(ws, "Progress", cols, _write_columns(ws, cols, 1, 2, st, borders=False))
