"""`csv`: a UTF-8 file (with or without a byte-order mark), wide or long.

Numbers follow the source's `decimal` rule (see `qnkpi.sources._numbers`): `1234.5` by
default, `1.234,5` with `decimal: ","`. A column of whole numbers with a value such as
`100.839` (a thousands dot, probably) is read as written, with a warning naming the rows.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources import _csv_fast
from qnkpi.sources._files import check_data_file
from qnkpi.sources._numbers import BadNumber, parse_numbers, thousands_dots
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    TabularSource,
    panels_from_rows,
    unit_rows,
)
from qnkpi.spec.models import RelPath

__all__ = ["CsvSource"]

IntArray = npt.NDArray[np.int64]
Column = tuple[str, ...] | Any  # Python's cells, or an Arrow string array


class CsvSource(TabularSource):
    """Rows of a CSV file. `layout: wide` (default) has one column per measure;
    `layout: long` has a `measure` column naming the measure and a `value` column.
    Empty cells are missing, never zero. `decimal` is the decimal mark of the file's
    numbers: `"."` (`1234.5`, the default) or `","` (`1.234,5`, the Vietnamese way)."""

    type: Literal["csv"]
    path: RelPath
    layout: Literal["wide", "long"] = "wide"
    measure_column: str = "measure"
    value_column: str = "value"
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    decimal: Literal[".", ","] = "."

    def explain(self, request: FetchRequest) -> str:
        """The file this source would read, its layout and columns."""
        cols = ", ".join(m.column or "*" for m in request.measures)
        return f"read {self.path} ({self.layout}; columns {cols})"

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Read the file and place its rows (or their aggregates) into panels."""
        table = _Table.read(self.path, self.delimiter, request.source)
        needed = [self.unit, self.year]
        if self.layout == "long":
            needed += [self.measure_column, self.value_column]
        else:
            needed += [m.column for m in request.measures if m.column is not None]
        table.require(needed)
        if not table.numbers.size:
            request.warn("the file has a header but no data rows, so every value it should "
                         "give is missing; add one row per unit and year (or check that "
                         "'path' names the right file)", file=self.path)
        units = unit_rows(table.text(self.unit).tolist(), request, file=self.path,
                          row_numbers=table.numbers)
        years = table.years(self.year)
        if self.layout == "wide":
            values = {m.name: table.cells(m.column, m.aggregate, self.decimal, request)
                      for m in request.measures if m.column is not None}
            return panels_from_rows(request.measures, values, units, years, request,
                                    file=self.path, row_numbers=table.numbers)
        written, at = np.unique(table.text(self.measure_column), return_inverse=True)
        names = np.array([_name(n) for n in written.tolist()], dtype=str)[at.reshape(-1)]
        out: dict[str, FloatPanel] = {}
        for m in request.measures:
            pick = np.flatnonzero(names == _name(m.column or m.name))
            values = {m.name: table.cells(self.value_column, m.aggregate, self.decimal,
                                          request, pick=pick, measure=m.name)}
            if m.aggregate == "count" and m.column is None:
                values = {}
            out.update(panels_from_rows((m,), values, units[pick], years[pick], request,
                                        file=self.path, row_numbers=table.numbers[pick]))
        return out


def _name(text: str) -> str:
    """A column or measure name as compared: trimmed, NFC (a name typed on a Mac may be
    decomposed)."""
    return unicodedata.normalize("NFC", text.strip().lstrip("\ufeff").strip())


@dataclass(frozen=True, eq=False)
class _Table:
    """The file's cells by column, with each row's number as a spreadsheet shows it
    (the header is row 1; blank lines count but hold no data)."""

    path: Path
    source: str
    header: list[str]
    columns: dict[str, Column]  # a tuple of str, or an Arrow string array
    numbers: IntArray
    twice: dict[str, list[int]] = field(default_factory=dict)  # name -> its columns

    @classmethod
    def read(cls, path: Path, delimiter: str, source: str) -> _Table:
        def fail(message: str, row: int | None = None) -> DataError:
            return DataError(message, file=path, row=row, source=source)

        check_data_file(path, source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise fail("file not found; check 'path' (relative paths start at the spec "
                       "file's folder)") from None
        except OSError as exc:
            raise fail(f"cannot be read: {exc.strerror}") from None
        if not data.strip(b"\xef\xbb\xbf"):
            raise fail("the file is empty; it needs a header row naming the columns, then "
                       "one row per unit and year")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _not_utf8(data, delimiter, fail) from None
        fast = _csv_fast.read_cells(text, delimiter)
        if fast is not None:
            header = [_name(h) for h in fast[0]]
            if not any(header):
                raise fail("the first row is empty; it must name the columns (such as "
                           "unit, year and the measures)", 1)
            cells: Iterable[Column] = fast[1]
            numbers = list(range(2, 2 + len(fast[1][0])))
        else:
            header, cells, numbers = _read_strict(text, delimiter, fail)
        columns: dict[str, Column] = {}
        twice: dict[str, list[int]] = {}
        for index, (name, column) in enumerate(zip(header, cells, strict=True)):
            if name in columns:
                twice.setdefault(name, [header.index(name)]).append(index)
                continue
            columns[name] = column
        return cls(path, source, header, columns, np.array(numbers, dtype=np.int64), twice)

    def _fail(self, message: str, index: int | None = None) -> DataError:
        row = int(self.numbers[index]) if index is not None else 1
        return DataError(message, file=self.path, row=row, source=self.source)

    def require(self, names: list[str]) -> None:
        for name in map(_name, names):
            if name in self.twice:
                where = " and ".join(str(i + 1) for i in self.twice[name])
                raise self._fail(f"columns {where} are both named '{name}'; rename or delete "
                                 "one")
            if name not in self.columns:
                hint = ""
                if len(self.header) == 1:
                    hint = next((f"; the cells seem to be separated by '{d}': set "
                                 f"delimiter: '{d}' on the source" for d in ";\t|,"
                                 if d in self.header[0]), "")
                hint = hint or ("; add the column to the file, or name one of these in the "
                                "spec (a measure's 'column', the source's 'unit' or 'year')")
                raise self._fail(f"no column '{name}'{did_you_mean(name, self.header)}; the "
                                 f"file has: {', '.join(self.header)}{hint}")

    def text(self, column: str) -> npt.NDArray[np.str_]:
        return np.char.strip(_csv_fast.strings(self.columns[_name(column)]))

    def years(self, column: str) -> IntArray:
        text = self.text(column)
        digits = np.char.str_len(np.char.strip(text, "0123456789")) == 0
        ok = digits & (np.char.str_len(text) == 4)
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            raise self._fail(f"column '{column}': '{text[bad]}' is not a year; write years "
                             "as four digits, such as 2024", bad)
        return text.astype(np.int64)

    def cells(self, column: str, aggregate: str | None, decimal: Literal[".", ","],
              request: FetchRequest, *, pick: IntArray | None = None,
              measure: str | None = None) -> FloatPanel:
        """Numbers (NaN where empty), or for `aggregate: count` which cells are filled;
        of the rows `pick` (default: all)."""
        if pick is None and aggregate != "count" and decimal == "." and \
                not isinstance(self.columns[_name(column)], tuple):
            fast = _csv_fast.numbers(self.columns[_name(column)])
            if fast is not None:
                return fast
        text = self.text(column)
        numbers = self.numbers
        if pick is not None:
            text, numbers = text[pick], numbers[pick]
        empty = text == ""
        if aggregate == "count":
            return np.where(empty, np.nan, 1.0)
        what = f"column '{column}'" + (f" (measure '{measure}')" if measure else "")
        try:
            values = parse_numbers(text, decimal)
        except BadNumber as exc:
            raise DataError(f"{what}: {exc}; leave the cell empty if the value is missing",
                            file=self.path, row=int(numbers[exc.index]),
                            source=self.source) from None
        suspects = thousands_dots(text) if decimal == "." else []
        if suspects:
            request.warn(_thousands_warning(what, text, numbers, suspects),
                         file=self.path, row=int(numbers[suspects[0]]))
        return values


def _read_strict(text: str, delimiter: str, fail: Callable[[str, int | None], DataError],
                 ) -> tuple[list[str], Iterable[Column], list[int]]:
    """The header (names as compared), the cells by column and the rows' numbers, read by
    Python's csv reader, which names the row of a problem."""
    # strict: a file cut short inside a quoted cell is an error, not a shorter cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0  # the last row read
    try:
        header = [_name(h) for h in next(reader)]
        number = 1
        if not any(header):
            raise fail("the first row is empty; it must name the columns (such as "
                       "unit, year and the measures)", 1)
        rows, numbers = [], []
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise fail(f"{len(row)} cells where the header has {len(header)}; "
                           "check for a stray delimiter or a missing cell", number)
            rows.append(row)
            numbers.append(number)
    except csv.Error as exc:
        raise fail(_bad_csv(str(exc), delimiter), number + 1) from None
    cells: Iterable[Column] = zip(*rows, strict=True) if rows else [() for _ in header]
    return header, cells, numbers


def _bad_csv(problem: str, delimiter: str) -> str:
    """What Python's csv reader found wrong, and what to do."""
    if "end of data" in problem:
        return ("the file ends inside a quoted cell: the quote (\") that opens it is never "
                "closed; if the file was cut short, copy it again, else close the quote")
    if "expected after" in problem:
        return (f"text follows the quote (\") that closes a cell, where '{delimiter}' or the "
                "end of the row should be; remove the stray quote, or put the whole cell in "
                "quotes with each quote inside it doubled (\"\")")
    if "field limit" in problem:
        return ("a cell is very long: is a quote (\") opened and never closed? check the "
                "quotes around cells")
    return f"not valid CSV ({problem}); check the quotes (\") around cells"


def _thousands_warning(what: str, text: npt.NDArray[np.str_], numbers: IntArray,
                       suspects: list[int]) -> str:
    shown = ", ".join(f"{text[i]} (row {numbers[i]})" for i in suspects[:5])
    if len(suspects) > 5:
        shown += f" and {len(suspects) - 5} more"
    verb = "is read as a decimal number" if len(suspects) == 1 else \
        "are read as decimal numbers"
    first = str(text[suspects[0]])
    return (f"{what}: {shown} {verb}, while the column's other "
            "values are whole numbers; if the '.' separates thousands "
            f"({first} meaning {first.replace('.', '')}), write the number without it, or "
            "set decimal: ',' on the source to read the file's numbers the Vietnamese way")


def _not_utf8(data: bytes, delimiter: str, fail: Callable[[str, int | None], DataError],
              ) -> DataError:
    """The error for a file that is not UTF-8, at the first row holding a bad byte."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return fail("the file is UTF-16 text (Excel's 'Unicode Text'); save it as "
                    "'CSV UTF-8'", None)
    text = data.decode("utf-8-sig", errors="surrogateescape")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = None
    try:
        for number, row in enumerate(rows, start=1):  # noqa: B007 - the row is the answer
            if not all(_utf8(cell) for cell in row):
                break
    except csv.Error:
        number = None
    return fail("not UTF-8 text (a character here cannot be read); save the file as "
                "'CSV UTF-8' (in Excel: Save As, CSV UTF-8)", number)


def _utf8(cell: str) -> bool:
    try:
        cell.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
