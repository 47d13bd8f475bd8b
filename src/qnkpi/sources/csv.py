"""`csv`: a UTF-8 file (with or without a byte-order mark), wide or long.

Numbers follow the source's `decimal` rule (see `qnkpi.sources._numbers`): `1234.5` by
default, `1.234,5` with `decimal: ","`. A column of whole numbers with a value such as
`100.839` (a thousands dot, probably) is read as written, with a warning naming the rows.
"""

from __future__ import annotations

import array
import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources import _csv_fast, _csv_glob, _slots
from qnkpi.sources._files import check_data_file
from qnkpi.sources._numbers import BadNumber, parse_numbers, thousands_dots
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    PeriodSource,
    panels_from_rows,
    unit_rows,
)
from qnkpi.spec.models import RelPath

__all__ = ["CsvSource"]

IntArray = npt.NDArray[np.int64]
Column = Any  # an Arrow string array


class CsvSource(PeriodSource):
    """Rows of a CSV file. `layout: wide` (default) has one column per measure;
    `layout: long` has a `measure` column naming the measure and a `value` column.
    Empty cells are missing, never zero. `decimal` is the decimal mark of the file's
    numbers: `"."` (`1234.5`, the default) or `","` (`1.234,5`, the Vietnamese way).
    A source by `period` reads its rows' periods (`2025-06`) from `period_column`, or
    their dates (`2025-06-14`) from `date`."""

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
        """Read the file (or every file the pattern matches) and place its rows (or their
        aggregates) into panels."""
        if not _csv_glob.is_pattern(self.path):
            return self._fetch_file(self.path, request)[0]
        paths = _csv_glob.files(self.path, request.source)
        return _csv_glob.fetch_all(paths, request, self._fetch_file)

    def _fetch_file(self, path: Path, request: FetchRequest,
                    ) -> tuple[dict[str, FloatPanel], _csv_glob.Cells | None]:
        """One file's panels, and the (unit, year) cells it gives rows for."""
        needed = [self.unit, self.time_column]
        if self.layout == "long":
            needed += [self.measure_column, self.value_column]
        else:
            needed += [m.column for m in request.measures if m.column is not None]
        table = _Table.read(path, self.delimiter, request.source, needed)
        table.require(needed)
        if not table.numbers.size:
            request.warn("the file has a header but no data rows, so every value it should "
                         "give is missing; add one row per unit and year (or check that "
                         "'path' names the right file)", file=path)
        words, at, first = table.distinct(self.unit)
        units = unit_rows(words, request, file=path,
                          row_numbers=table.numbers[first])[at]
        years = (table.years(self.year) if self.year is not None else
                 table.slots(self.time_column, self.period, dates=self.date is not None))
        cells = (_csv_glob.Cells.of(units, years, table.numbers, request)
                 if path != self.path else None)  # only a pattern's files are compared
        out: dict[str, FloatPanel] = {}
        if self.layout == "wide":
            # measures kept one row per unit and year are placed together (one check of
            # duplicates); record-level ones one at a time, so that a single column of
            # numbers is held at once
            tables = tuple(m for m in request.measures if m.aggregate is None)
            batches = [tables] if tables else []
            batches += [(m,) for m in request.measures if m.aggregate is not None]
            for batch in batches:
                values = {m.name: table.cells(m.column, m.aggregate, self.decimal, request)
                          for m in batch if m.column is not None}
                out.update(panels_from_rows(batch, values, units, years, request,
                                            file=path, row_numbers=table.numbers))
            return out, cells
        written, at, _ = table.distinct(self.measure_column)
        names = np.array([_name(n) for n in written], dtype=str)[at]
        for m in request.measures:
            pick = np.flatnonzero(names == _name(m.column or m.name))
            values = {m.name: table.cells(self.value_column, m.aggregate, self.decimal,
                                          request, pick=pick, measure=m.name)}
            if m.aggregate == "count" and m.column is None:
                values = {}
            out.update(panels_from_rows((m,), values, units[pick], years[pick], request,
                                        file=path, row_numbers=table.numbers[pick]))
        return out, cells


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
    def read(cls, path: Path, delimiter: str, source: str, keep: Iterable[str]) -> _Table:
        """Read the file, keeping the cells of the columns named in `keep` only.

        Memory stays within a few times the file's size (see SECURITY.md): the bytes
        read, and each kept column as an Arrow string array; never a decoded copy of the
        whole file, nor a Python string per cell.
        """
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
        if len(data) < 16 and not data.strip(b"\xef\xbb\xbf"):
            raise fail("the file is empty; it needs a header row naming the columns, then "
                       "one row per unit and year")
        if not _is_utf8(data):
            raise _not_utf8(data, delimiter, fail)
        wanted = {_name(k) for k in keep}
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        fast = _csv_fast.read_cells(data[bom:] if bom else data, delimiter,
                                    lambda h: _name(h) in wanted)
        if fast is not None:
            del data
            header = [_name(h) for h in fast[0]]
            if not any(header):
                raise fail("the first row is empty; it must name the columns (such as "
                           "unit, year and the measures)", 1)
            cells: list[Any] = fast[1]
            size = next((len(c) for c in cells if c is not None), 0)
            numbers = np.arange(2, 2 + size, dtype=np.int64)
        else:
            header, cells, numbers = _read_strict(data, delimiter, fail, wanted)
        columns: dict[str, Column] = {}
        twice: dict[str, list[int]] = {}
        for index, (name, column) in enumerate(zip(header, cells, strict=True)):
            if column is None:  # a column not asked for
                continue
            if name in columns:
                twice.setdefault(name, [header.index(name)]).append(index)
                continue
            columns[name] = column
        return cls(path, source, header, columns, numbers, twice)

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

    def distinct(self, column: str) -> tuple[list[str], IntArray, IntArray]:
        """The column's distinct cells (trimmed), each row's index into them and the
        row (an index) where each first appears; a Python string per distinct cell only."""
        words, at, first = _csv_fast.distinct(self.columns[_name(column)])
        return [w.strip() for w in words], at, first

    def years(self, column: str) -> IntArray:
        words, at, first = self.distinct(column)
        bad = [int(first[i]) for i, w in enumerate(words)
               if not (len(w) == 4 and w.isascii() and w.isdigit())]
        if bad:
            index = min(bad)
            raise self._fail(f"column '{column}': '{words[int(at[index])]}' is not a year; "
                             "write years as four digits, such as 2024", index)
        return np.array([int(w) for w in words], dtype=np.int64)[at]

    def slots(self, column: str, kind: str, *, dates: bool) -> IntArray:
        """Each row's slot, from a column of period texts or of dates (`YYYY-MM-DD`)."""
        try:
            return _slots.of_texts(self.columns[_name(column)], kind, dates=dates)
        except _slots.BadTime as exc:
            raise self._fail(f"column '{column}': {exc}", exc.index) from None

    def cells(self, column: str, aggregate: str | None, decimal: Literal[".", ","],
              request: FetchRequest, *, pick: IntArray | None = None,
              measure: str | None = None) -> FloatPanel:
        """Numbers (NaN where empty), or for `aggregate: count` which cells are filled;
        of the rows `pick` (default: all)."""
        if pick is None and aggregate != "count" and decimal == ".":
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


def _read_strict(data: bytes, delimiter: str, fail: Callable[[str, int | None], DataError],
                 wanted: Collection[str]) -> tuple[list[str], list[Column | None], IntArray]:
    """The header (names as compared), the cells of the `wanted` columns (Arrow string
    arrays; None for the others) and the rows' numbers, read by Python's csv reader,
    which names the row of a problem. `data` is UTF-8 (checked); it is decoded a block
    at a time, and the cells are kept as Python strings only `_BATCH` rows at a time."""
    import pyarrow as pa

    # strict: a file cut short inside a quoted cell is an error, not a shorter cell
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    number = 0  # the last row read
    try:
        header = [_name(h) for h in next(reader)]
        number = 1
        if not any(header):
            raise fail("the first row is empty; it must name the columns (such as "
                       "unit, year and the measures)", 1)
        keep = [i for i, name in enumerate(header) if name in wanted]
        batch: list[list[str]] = [[] for _ in keep]
        chunks: list[list[Any]] = [[] for _ in keep]
        numbers = array.array("q")
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise fail(f"{len(row)} cells where the header has {len(header)}; "
                           "check for a stray delimiter or a missing cell", number)
            for cells, i in zip(batch, keep, strict=True):
                cells.append(row[i])
            numbers.append(number)
            if len(numbers) % _BATCH == 0:
                for done, cells in zip(chunks, batch, strict=True):
                    done.append(pa.array(cells, pa.string()))
                    cells.clear()
    except csv.Error as exc:
        raise fail(_bad_csv(str(exc), delimiter), number + 1) from None
    columns: list[Column | None] = [None] * len(header)
    for i, done, cells in zip(keep, chunks, batch, strict=True):
        done.append(pa.array(cells, pa.string()))
        columns[i] = pa.chunked_array(done, pa.string()).combine_chunks()
    return header, columns, np.frombuffer(numbers, dtype=np.int64).copy()


#: Rows whose cells the strict path holds as Python strings at once.
_BATCH = 16_384


def _is_utf8(data: bytes) -> bool:
    """Whether `data` is UTF-8, decoded a block at a time (never the whole file at once)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _BLOCK):
            decoder.decode(view[start:start + _BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


#: Bytes decoded at once to check a file is UTF-8.
_BLOCK = 1 << 22


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
