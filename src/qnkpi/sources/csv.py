"""`csv`: a UTF-8 file (with or without a byte-order mark), wide or long."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    TabularSource,
    group,
    scatter,
    unit_rows,
)
from qnkpi.spec.models import RelPath

__all__ = ["CsvSource"]

IntArray = npt.NDArray[np.int64]


class CsvSource(TabularSource):
    """Rows of a CSV file. `layout: wide` (default) has one column per measure;
    `layout: long` has a `measure` column naming the measure and a `value` column.
    Empty cells are missing, never zero."""

    type: Literal["csv"]
    path: RelPath
    layout: Literal["wide", "long"] = "wide"
    measure_column: str = "measure"
    value_column: str = "value"
    delimiter: str = Field(default=",", min_length=1, max_length=1)

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
        units = unit_rows(table.text(self.unit).tolist(), request, file=self.path,
                          row_numbers=table.numbers)
        years = table.years(self.year)
        if self.layout == "wide":
            values = {m.name: table.cells(m.column, m.aggregate)
                      for m in request.measures if m.column is not None}
            return _shape(request.measures, values, units, years, table.numbers, request,
                          self.path)
        names = table.text(self.measure_column)
        out: dict[str, FloatPanel] = {}
        for m in request.measures:
            pick = np.flatnonzero(names == (m.column or m.name))
            values = {m.name: table.cells(self.value_column, m.aggregate)[pick]}
            if m.aggregate == "count" and m.column is None:
                values = {}
            out.update(_shape((m,), values, units[pick], years[pick], table.numbers[pick],
                              request, self.path))
        return out


def _shape(measures: tuple[MeasureRequest, ...], values: dict[str, FloatPanel],
           units: IntArray, years: IntArray, numbers: IntArray, request: FetchRequest,
           path: Path) -> dict[str, FloatPanel]:
    """Panels from rows: tables placed as they are, record-level rows aggregated."""
    tables = [m for m in measures if m.aggregate is None]
    out = {}
    if tables:
        out = scatter(units, years, {m.name: values[m.name] for m in tables}, request,
                      file=path, row_numbers=numbers)
    for m in measures:
        if m.aggregate is not None:
            out[m.name] = group(units, years, values.get(m.name), m.aggregate, request)
    return out


@dataclass(frozen=True, eq=False)
class _Table:
    """The file's cells by column, with each row's number as a spreadsheet shows it
    (the header is row 1; blank lines count but hold no data)."""

    path: Path
    source: str
    header: list[str]
    columns: dict[str, tuple[str, ...]]
    numbers: IntArray

    @classmethod
    def read(cls, path: Path, delimiter: str, source: str) -> _Table:
        def fail(message: str, row: int | None = None) -> DataError:
            return DataError(message, file=path, row=row, source=source)

        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                header = next(reader, None)
                if header is None:
                    raise fail("the file is empty; it needs a header row naming the columns")
                header = [h.strip() for h in header]
                rows, numbers = [], []
                for number, row in enumerate(reader, start=2):
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) != len(header):
                        raise fail(f"{len(row)} cells where the header has {len(header)}; "
                                   "check for a stray delimiter or a missing cell", number)
                    rows.append(row)
                    numbers.append(number)
        except FileNotFoundError:
            raise fail("file not found; check 'path' (relative paths start at the spec "
                       "file's folder)") from None
        except UnicodeDecodeError as exc:
            raise fail(f"not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'") from None
        except csv.Error as exc:
            raise fail(f"not valid CSV: {exc}") from None
        cells = zip(*rows, strict=True) if rows else [() for _ in header]
        return cls(path, source, header, dict(zip(header, cells, strict=True)),
                   np.array(numbers, dtype=np.int64))

    def _fail(self, message: str, index: int | None = None) -> DataError:
        row = int(self.numbers[index]) if index is not None else 1
        return DataError(message, file=self.path, row=row, source=self.source)

    def require(self, names: list[str]) -> None:
        for name in names:
            if name not in self.columns:
                raise self._fail(f"no column '{name}'{did_you_mean(name, self.header)}; the "
                                 f"file has: {', '.join(self.header)}")

    def text(self, column: str) -> npt.NDArray[np.str_]:
        return np.char.strip(np.asarray(self.columns[column], dtype=str))

    def years(self, column: str) -> IntArray:
        text = self.text(column)
        ok = np.char.isdigit(text) & (np.char.str_len(text) == 4)
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            raise self._fail(f"column '{column}': '{text[bad]}' is not a year; write years "
                             "as four digits, such as 2024", bad)
        return text.astype(np.int64)

    def cells(self, column: str, aggregate: str | None) -> FloatPanel:
        """Numbers (NaN where empty), or for `aggregate: count` which cells are filled."""
        text = self.text(column)
        empty = text == ""
        if aggregate == "count":
            return np.where(empty, np.nan, 1.0)
        try:
            values = np.where(empty, "nan", text).astype(np.float64)
            bad = np.flatnonzero(~empty & ~np.isfinite(values))
        except ValueError:
            bad = np.array([i for i, cell in enumerate(text.tolist())
                            if cell and not _is_number(cell)])
        if not bad.size:
            return values
        cell = str(text[bad[0]])
        hint = "; write numbers with a '.' for decimals and no thousands separator"
        if "," in cell:
            hint = "; use '.' as the decimal point (52.3, not 52,3) and no thousands separator"
        raise self._fail(f"column '{column}': '{cell}' is not a number{hint}; leave the cell "
                         "empty if the value is missing", int(bad[0]))


def _is_number(cell: str) -> bool:
    try:
        return bool(np.isfinite(float(cell)))
    except ValueError:
        return False
