"""`xlsx`: Excel workbooks, such as the filled data-collection forms `qnkpi template`
writes; one workbook, or many at once (one per reporting unit).

Keys, beside `type: xlsx`:

- `path`: The workbook, or a glob pattern such as `forms/*.xlsx` for several at once
  (Excel's `~$` lock files are skipped). Relative to the spec's folder.
- `unit`: The column of unit codes (as in `csv`).
- `year`: The column of years (as in `csv`); or, for a workbook by half, quarter or
  month, `period` with `period_column` (cells `2025-06`, `2025-Q2`, `2025-H1`; a date
  cell, which Excel makes of `2025-06` typed in, is the period it falls in) or `date`
  (date cells, or text `2025-06-14`). A yearly workbook may give `date` in place of `year`.
- `sheet`: The sheet to read. Default: the active sheet (the one shown when the file was
  saved) if it is visible and holds the `unit` and `year` columns, else the first visible
  sheet that does; a hidden sheet is read only when named.
- `header_row`: The row of column names. Default: the template's row of column names (the
  first of the first 20 rows that names both the `unit` and the `year` column), else
  row 1.

Each sheet holds one row per unit and year (`aggregate` measures add up rows, as in
`csv`). Cells read as `csv` reads text: an empty cell is missing, never zero; a number
cell is its number; a text cell must read as a number written with `.` for decimals, so
`52,3` (a Vietnamese decimal comma) and `1.200` (a thousands dot) are errors that name
the file, sheet and cell, as are digits other than 0-9 (`١٢`, `５`, `²`) and values
outside the range the `csv` source reads. A unit and year in two files is an error naming
both. Formulas are read by their values as last calculated by Excel; a formula with no saved
value (a file written by a program, never opened in Excel) is an error naming the cell. The
workbook is read within bounds on its strings and cells (see `qnkpi.sources._xlsx_book`).
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources import _slots
from qnkpi.sources._csv_glob import column_label, records_twice
from qnkpi.sources._numbers import BadNumber, parse_numbers
from qnkpi.sources._xlsx_book import read_sheet
from qnkpi.sources._xlsx_cells import (
    cell_number,
    cell_text,
    cell_year,
    check_wording,
    column_letter,
    unit_code,
)
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    PeriodSource,
    group,
    scatter,
    unit_rows,
)
from qnkpi.spec.models import RelPath

__all__ = ["XlsxSource"]

IntArray = npt.NDArray[np.int64]
Rows = Sequence[Sequence[Any]]

#: How many rows from the top may hold the row of column names, when it is detected.
HEADER_SEARCH = 20


class XlsxSource(PeriodSource):
    """Rows of a sheet of one or more Excel workbooks (`.xlsx`), one column per measure.

    Keys: `path` (a workbook, or a glob pattern such as `forms/*.xlsx`; relative to
    the spec), `unit` and `year` (the columns of unit codes and years), `sheet`
    (default: the active sheet, if visible and holding those columns) and `header_row`
    (the row of column names; default: the first row naming both the unit and the year
    column, as in the forms `qnkpi template` writes, else row 1). Empty cells are missing,
    never zero."""

    type: Literal["xlsx"]
    path: RelPath  # a file or a glob pattern; looked for when data are read
    sheet: str | None = None
    header_row: int | None = Field(default=None, ge=1)

    def explain(self, request: FetchRequest) -> str:
        """The workbook (or pattern) this source would read, its sheet and columns."""
        cols = ", ".join(m.column or "*" for m in request.measures)
        sheet = f"sheet '{self.sheet}'" if self.sheet else "active sheet"
        return f"read {self.path} ({sheet}; columns {cols})"

    def files(self, source: str) -> list[Path]:
        """The workbooks `path` names: itself, or the files its pattern matches."""
        text = str(self.path)
        if not any(char in text for char in "*?["):
            return [self.path]
        found = sorted(Path(p) for p in glob.glob(text) if not Path(p).name.startswith("~$"))
        if not found:
            raise DataError(f"no file matches '{text}'; check 'path' (relative paths start "
                            "at the spec file's folder)", source=source)
        return found

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Read every workbook and place its rows (or their aggregates) into panels."""
        needed = [self.unit, self.time_column,
                  *(m.column for m in request.measures if m.column)]
        parts = []
        for path in self.files(request.source):
            sheet = _Sheet.read(path, self, needed, request.source)
            sheet.require(needed)
            parts.append(_Part.of(sheet, self, request))
        out = _tables(parts, request)
        if len(parts) > 1 and any(m.aggregate is not None for m in request.measures):
            _records_twice(parts, request)
        for m in request.measures:
            if m.aggregate is not None:
                units = np.concatenate([p.units for p in parts])
                years = np.concatenate([p.years for p in parts])
                values = (None if m.column is None else
                          np.concatenate([p.sheet.cells(m.column, m.aggregate) for p in parts]))
                out[m.name] = group(units, years, values, m.aggregate, request)
        return out

    def header(self, rows: Rows) -> int | None:
        """The row of column names among a sheet's first rows: `header_row` if it names
        both the unit and the year column, else (without `header_row`) the first of the
        first 20 rows that does; None if none does."""
        numbers = ([self.header_row] if self.header_row is not None else
                   range(1, HEADER_SEARCH + 1))
        for number in numbers:
            names = ({cell_text(cell) for cell in rows[number - 1]} if number <= len(rows)
                     else set())
            if self.unit in names and self.time_column in names:
                return number
        return None


@dataclass(frozen=True, eq=False)
class _Part:
    """One sheet's rows, placed: each row's panel row and year."""

    sheet: _Sheet
    units: IntArray
    years: IntArray

    @classmethod
    def of(cls, sheet: _Sheet, spec: XlsxSource, request: FetchRequest) -> _Part:
        unit = spec.unit
        cells = sheet.column(unit)
        codes = [unit_code(cell) for cell in cells]
        for i, cell in enumerate(cells):
            if isinstance(cell, int | float) and codes[i] not in request.units:
                raise sheet.fail(
                    f"cell {sheet.ref(unit, i)} (column '{unit}'): unit code {codes[i]} is a "
                    f"number, and no unit has that code{did_you_mean(codes[i], request.units)}"
                    "; a code typed as a number loses its leading zeros: format the column "
                    "as Text and type the code again")
        rows = unit_rows(codes, request, file=sheet.path, row_numbers=sheet.numbers)
        if spec.year is not None:
            return cls(sheet, rows, sheet.years(spec.year))
        return cls(sheet, rows, sheet.slots(spec.time_column, spec.period,
                                            dates=spec.date is not None))


def _tables(parts: list[_Part], request: FetchRequest) -> dict[str, FloatPanel]:
    """The measures kept one row per unit and year, each sheet placed by `scatter` (so a
    unit twice in one sheet is its error), then merged; a unit and year in two files is an
    error naming both."""
    tables = [m for m in request.measures if m.aggregate is None]
    n_units, n_years = request.shape
    out = {m.name: np.full((n_units, n_years), np.nan) for m in tables}
    if not tables:
        return out
    owner = np.full(n_units * n_years, -1, dtype=np.int64)  # which part holds each cell
    owner_row = np.zeros(n_units * n_years, dtype=np.int64)
    for i, part in enumerate(parts):
        sheet = part.sheet
        values = {m.name: sheet.cells(m.column or m.name, None) for m in tables}
        panels = scatter(part.units, part.years, values, request, file=sheet.path,
                         row_numbers=sheet.numbers)
        col = part.years - request.slots[0]
        inside = (col >= 0) & (col < n_years)
        flat = part.units[inside] * n_years + col[inside]
        numbers = sheet.numbers[inside]
        clash = np.flatnonzero(owner[flat] >= 0)
        if clash.size:
            k = int(clash[0])
            other = parts[int(owner[flat[k]])].sheet
            raise _twice(request, int(flat[k]), (other.path, int(owner_row[flat[k]])),
                         (sheet.path, int(numbers[k])))
        owner[flat] = i
        owner_row[flat] = numbers
        mine = (owner == i).reshape(n_units, n_years)
        for name, panel in panels.items():
            out[name][mine] = panel[mine]
    return out


def _records_twice(parts: list[_Part], request: FetchRequest) -> None:
    """A warning for each file whose records share a unit and year with an earlier file's:
    they are added up, as records split over files should be, but the same form saved
    twice, or another unit's row inside a unit's form, would be counted twice unnoticed."""
    n_units, n_years = request.shape
    owner = np.full(n_units * n_years, -1, dtype=np.int64)  # the first part with each cell
    owner_row = np.zeros(n_units * n_years, dtype=np.int64)
    for i, part in enumerate(parts):
        col = part.years - request.slots[0]
        inside = (col >= 0) & (col < n_years)
        flat, first = np.unique(part.units[inside] * n_years + col[inside], return_index=True)
        numbers = part.sheet.numbers[inside][first]
        clash = np.flatnonzero(owner[flat] >= 0)
        if clash.size:
            k, cell = int(clash[0]), int(flat[clash[0]])
            earlier = (parts[int(owner[cell])].sheet.path, int(owner_row[cell]))
            request.warn(records_twice(list(request.units)[cell // n_years],
                                       column_label(request, cell % n_years), earlier,
                                       int(numbers[k]), clash.size - 1),
                         file=part.sheet.path, row=int(numbers[k]))
        fresh = owner[flat] < 0
        owner[flat[fresh]] = i
        owner_row[flat[fresh]] = numbers[fresh]


def _twice(request: FetchRequest, cell: int, first: tuple[Path, int],
           second: tuple[Path, int]) -> DataError:
    """A unit and year (`cell`, flat in the panel) in two files, at (file, row) each."""
    n_years = request.shape[1]
    code = list(request.units)[cell // n_years]
    year = column_label(request, cell % n_years)
    each = "year" if request.per_year == 1 else request.period
    return DataError(
        f"unit '{code}' has a row for {year} in two files: {first[0]} (row {first[1]}) and "
        f"this one (row {second[1]}); keep one row per unit and {each} across the files: "
        "remove one of them", file=second[0], row=second[1], source=request.source)


@dataclass(frozen=True, eq=False)
class _Sheet:
    """A sheet's data rows (blank rows skipped), padded to the row of column names, with
    each row's number as Excel shows it."""

    path: Path
    name: str
    source: str
    header: list[str]
    header_row: int
    rows: list[tuple[Any, ...]]
    numbers: IntArray

    @classmethod
    def read(cls, path: Path, spec: XlsxSource, needed: list[str], source: str) -> _Sheet:
        """Read the sheet of `path` that `spec` names or finds (see `read_sheet`)."""
        top = max(HEADER_SEARCH, spec.header_row or 0)
        name, number, raw = read_sheet(path, spec.sheet, source, spec.header,
                                       spec.header_row or 1, needed, top)
        if number > len(raw):
            raise DataError(f"sheet '{name}' has no row {number} to hold the column names; "
                            "the sheet is empty or 'header_row' is wrong", file=path,
                            source=source)
        header = [cell_text(cell) for cell in raw[number - 1]]
        rows, numbers = [], []
        for n, row in enumerate(raw[number:], start=number + 1):
            if any(cell_text(cell) for cell in row):
                rows.append(tuple(row[: len(header)]) + (None,) * (len(header) - len(row)))
                numbers.append(n)
        return cls(path, name, source, header, number, rows,
                   np.array(numbers, dtype=np.int64))

    def fail(self, message: str, row: int | None = None) -> DataError:
        """An error in this sheet: `message` follows the file and sheet's names."""
        return DataError(f"sheet '{self.name}', {message}", file=self.path, row=row,
                         source=self.source)

    def require(self, names: list[str]) -> None:
        """Every column in `names` is there, once."""
        for name in names:
            found = [i for i, h in enumerate(self.header) if h == name]
            if not found:
                have = ", ".join(h for h in self.header if h) or "nothing"
                raise self.fail(
                    f"row {self.header_row} (the column names): no column "
                    f"'{name}'{did_you_mean(name, self.header)}; the row has: {have}. Fill "
                    "in the form 'qnkpi template' writes for this spec (its second row names "
                    "the columns), or add the column, or set 'header_row'")
            if len(found) > 1:
                letters = " and ".join(column_letter(i) for i in found)
                raise self.fail(f"row {self.header_row}: two columns are named '{name}' "
                                 f"({letters}); rename or delete one")

    def column(self, name: str) -> list[Any]:
        index = self.header.index(name)
        return [row[index] for row in self.rows]

    def ref(self, column: str, i: int) -> str:
        """The reference (`C7`) of data row `i`'s cell in `column`."""
        return f"{column_letter(self.header.index(column))}{self.numbers[i]}"

    def years(self, column: str) -> IntArray:
        out = np.empty(len(self.rows), dtype=np.int64)
        for i, cell in enumerate(self.column(column)):
            year = cell_year(cell)
            if year is None:
                raise self.fail(f"cell {self.ref(column, i)} (column '{column}'): "
                                 f"'{cell_text(cell)}' is not a year; write years as four "
                                 "digits, such as 2025")
            out[i] = year
        return out

    def slots(self, column: str, kind: str, *, dates: bool) -> IntArray:
        """Each row's slot, from a column of periods (`2025-06`; a date cell, which Excel
        makes of `2025-06` typed in, is its period) or of dates (date cells, or text
        `2025-06-14`). The cells become text one by one, as openpyxl gives them, then
        are read together."""
        cells = self.column(column)
        texts = _slots.texts_of_cells(cells, kind, dates=dates, text=unit_code)
        try:
            return _slots.of_texts(texts, kind, dates=dates)
        except _slots.BadTime as exc:
            hint = ""
            if dates and isinstance(cells[exc.index], int | float):
                hint = ("; the cell holds a number: format it as a Date (Excel shows a date "
                        "it holds as a number when the cell is formatted as Number)")
            raise self.fail(f"cell {self.ref(column, exc.index)} (column '{column}'): "
                            f"{exc}{hint}") from None

    def cells(self, column: str, aggregate: str | None) -> FloatPanel:
        """Numbers (NaN where empty), or for `aggregate: count` which cells are filled.

        Number cells are read one by one (openpyxl gives Python objects); text cells are
        read together by the `csv` source's rule (`parse_numbers`), after the checks for
        the decimal comma and the thousands dot that typing into Excel brings."""
        cells = self.column(column)
        if aggregate == "count":
            return np.array([1.0 if cell_text(c) else np.nan for c in cells], dtype=np.float64)
        out = np.full(len(cells), np.nan, dtype=np.float64)
        texts: list[int] = []
        for i, cell in enumerate(cells):
            try:
                if isinstance(cell, str):
                    if cell.strip():
                        texts.append(i)
                        check_wording(cell.strip())
                    continue
                out[i] = cell_number(cell)
            except ValueError as exc:
                raise self._bad(column, i, str(exc)) from None
        if texts:
            try:
                out[texts] = parse_numbers(np.array([cells[i].strip() for i in texts]), ".")
            except BadNumber as exc:
                raise self._bad(column, texts[exc.index], str(exc)) from None
        return out

    def _bad(self, column: str, i: int, why: str) -> DataError:
        return self.fail(f"cell {self.ref(column, i)} (column '{column}'): {why}; leave the "
                         "cell empty if the value is missing")
