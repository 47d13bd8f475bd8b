"""The cell-writing toolkit of the workbook: columns of values written with their
number formats, status fills and borders, Excel tables, and the number formats of
values and thresholds.

Every cell goes through `put`, so no text from a spec or the data is ever read as a
formula.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import decimals_for
from qnkpi.reporters._present import bound_decimals
from qnkpi.verdicts import Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult

#: Cell fills of the verdicts (Excel's "Good", "Bad" and "Neutral"-like colours).
_FILLS = {Verdict.MET: "C6EFCE", Verdict.EXCEEDED: "A9D08E", Verdict.NOT_MET: "FFC7CE",
          Verdict.NO_DATA: "D9D9D9", Verdict.NOT_DUE: "DDEBF7"}


_HEADER_FILL = "DDEBF7"


#: Comparisons as printed in Vietnamese and English documents.
SIGNS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "=", "between": "–"}
RATIO_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
_TEXT_FORMAT = "@"
CHANGE_FORMAT = "+#,##0.00;-#,##0.00;0"
_TABLE_STYLE = "TableStyleMedium2"
#: The typeface of Vietnamese administrative documents, used in every cell.
FONT_NAME = "Times New Roman"
FONT_SIZE = 12


@dataclass
class Col:
    """A column to write: header, width and one value per row, with optional number
    formats (one for all rows, or one per row) and fills by verdict (one per row)."""

    header: str | int
    width: float
    values: list[Any]
    formats: str | list[str] | None = None
    fills: list[Verdict | None] | None = None
    wrap: bool = False
    text: bool = False  # codes: stored and typed as text


def clean(value: Any) -> Any:
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


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write `value` to a cell; text starting with `=` stays text (never a formula)."""
    cell = ws.cell(row=row, column=column, value=clean(value))
    if cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


@dataclass
class Styles:
    """The few styles of the workbook, made once (openpyxl shares them between cells)."""

    bold: Any
    header_fill: Any
    border: Any
    wrap: Any
    top: Any
    centre: Any
    fills: dict[Verdict, Any] = field(default_factory=dict)

    @classmethod
    def make(cls) -> Styles:
        from openpyxl.styles import Alignment, Border, PatternFill, Side

        thin = Side(style="thin", color="808080")
        return cls(
            bold=font(bold=True), header_fill=PatternFill("solid", fgColor=_HEADER_FILL),
            border=Border(left=thin, right=thin, top=thin, bottom=thin),
            wrap=Alignment(wrap_text=True, vertical="top"),
            top=Alignment(vertical="top"),
            centre=Alignment(horizontal="center", vertical="center", wrap_text=True),
            fills={key: PatternFill("solid", fgColor=colour)
                   for key, colour in _FILLS.items()})


def font(**style: Any) -> Any:
    """A font of the workbook's typeface (`bold=True`, `italic=True`, `size=13` ...)."""
    from openpyxl.styles import Font

    style.setdefault("size", FONT_SIZE)
    return Font(name=FONT_NAME, **style)


def use_font(book: Any) -> None:
    """Make Times New Roman the font of every cell of `book` that sets none: the
    workbook's default font and its "Normal" style (what Excel and LibreOffice apply to
    a cell without a font of its own)."""
    from openpyxl.utils.indexed_list import IndexedList

    plain = font()
    # openpyxl has no public setter: the first font of the list is the default one
    book._fonts = IndexedList([plain])
    book._named_styles["Normal"].font = plain


def write_columns(ws: Any, cols: Sequence[Col], header_row: int, first_row: int,
                 st: Styles, *, borders: bool = True) -> int:
    """The headers at `header_row`, the values from `first_row` down; returns the last
    row written."""
    from openpyxl.utils import get_column_letter

    n = max((len(c.values) for c in cols), default=0)
    lines = [1] * n  # per row: the most lines a wrapped cell needs
    head_lines = max((_lines(c.header, c.width) for c in cols), default=1)
    if head_lines > 1:
        ws.row_dimensions[header_row].height = _LINE_HEIGHT * head_lines + 3
    for j, col in enumerate(cols, start=1):
        head = put(ws, header_row, j, col.header)
        head.font, head.fill, head.alignment = st.bold, st.header_fill, st.centre
        if borders:
            head.border = st.border
        ws.column_dimensions[get_column_letter(j)].width = col.width
        formats = col.formats if isinstance(col.formats, list) else [col.formats] * n
        fills = col.fills or [None] * n
        for i, (value, fmt, fill) in enumerate(zip(col.values, formats, fills, strict=True)):
            cell = put(ws, first_row + i, j, value)
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


#: Points per line of wrapped text at the workbook's font size (12 pt).
_LINE_HEIGHT = 16


def _lines(value: Any, width: float) -> int:
    """How many lines `value` wraps to in a column `width` characters wide (an
    estimate: Excel's width unit is about one average character)."""
    if value is None:
        return 1
    per_line = max(int(width) - 1, 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(value).split("\n"))


def table_name(text: str) -> str:
    """An Excel table name from a sheet name: letters and digits only, without accents
    (`Kết quả` -> `KetQua`); Excel refuses spaces and names that read as a cell
    (`KQ1`), so a name that could is prefixed with `_`."""
    import unicodedata

    bare = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    words = "".join(ch for ch in bare if ch.isascii() and (ch.isalnum() or ch == " "))
    name = "".join(w[:1].upper() + w[1:] for w in words.split()) or "Table"
    if not name[0].isalpha() or re.fullmatch(r"[A-Za-z]{1,3}\d+|[RrCc]\d*", name):
        name = "_" + name
    return name


def add_table(ws: Any, name: str, cols: Sequence[Col], last_row: int) -> None:
    """Make the columns from row 1 to `last_row` an Excel table (filters, banding)
    named `name` (see [`table_name`][qnkpi.reporters.xlsx._cells.table_name])."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ref = f"A1:{get_column_letter(len(cols))}{max(last_row, 2)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=_TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"


def value_format(res: IndicatorResult) -> str:
    """The number format of an indicator's values, one for all of them: the decimals of
    [`decimals_for`][qnkpi.i18n.decimals_for] their values (its `decimals`, else one for
    percentages, `0.0"%"`: the values are already x100, none when all are whole and two
    otherwise); thousands grouped."""
    ind = res.indicator
    return _number_format(decimals_for(res.panel.value, ind), ind.unit == "percent")


def _number_format(decimals: int, percent: bool, prefix: str = "") -> str:
    body = COUNT_FORMAT + ("." + "0" * decimals if decimals else "")
    body += '"%"' if percent else ""
    if not prefix:
        return body
    quoted = f'"{prefix} "'
    return f"{quoted}{body};{quoted}-{body}"


def bound_format(value: float, op: str, percent: bool) -> str:
    """The format of a threshold: its comparison, then up to two decimals as needed
    (`"≥ "0`, `"> "0.00"%"`), as the text reports write it."""
    return _number_format(bound_decimals(value), percent, SIGNS.get(op, ""))
