"""``csv``: a UTF-8 file (with or without a byte-order mark), wide or long."""

from __future__ import annotations

import csv
from typing import Literal

import numpy as np
import numpy.typing as npt

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources.base import FetchRequest, FloatPanel, TabularSource, group, scatter, unit_rows
from qnkpi.spec.models import RelPath


class CsvSource(TabularSource):
    """Rows of a CSV file. ``layout: wide`` (default) has one column per measure;
    ``layout: long`` has a ``measure`` column naming the measure and a ``value`` column.
    Empty cells are missing, never zero."""

    type: Literal["csv"]
    path: RelPath
    layout: Literal["wide", "long"] = "wide"
    measure_column: str = "measure"
    value_column: str = "value"
    delimiter: str = ","

    def explain(self, request: FetchRequest) -> str:
        cols = ", ".join(m.column or "*" for m in request.measures)
        return f"read {self.path} ({self.layout}; columns {cols})"

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        header, rows = self._read(request)
        cells = zip(*rows, strict=True) if rows else [() for _ in header]
        columns: dict[str, tuple[str, ...]] = dict(zip(header, cells, strict=True))
        needed = [self.unit, self.year]
        if self.layout == "long":
            needed += [self.measure_column, self.value_column]
        else:
            needed += [m.column for m in request.measures if m.column is not None]
        for name in needed:
            if name not in columns:
                raise DataError(
                    f"no column '{name}'{did_you_mean(name, header)}; the file has: "
                    f"{', '.join(header)}", file=self.path, row=1, source=request.source)
        units = unit_rows([c.strip() for c in columns[self.unit]], request, file=self.path)
        years = self._years(columns[self.year], request)
        if self.layout == "long":
            return self._long(columns, units, years, request)
        values = {m.name: self._cells(columns[m.column], m.column, m.aggregate, request)
                  for m in request.measures if m.column is not None}
        return self._shape(values, units, years, request)

    def _shape(self, values: dict[str, FloatPanel], units: npt.NDArray[np.int64],
               years: npt.NDArray[np.int64], request: FetchRequest,
               row_numbers: npt.NDArray[np.int64] | None = None) -> dict[str, FloatPanel]:
        tables = [m for m in request.measures if m.aggregate is None]
        out = {}
        if tables:
            out = scatter(units, years, {m.name: values[m.name] for m in tables}, request,
                          file=self.path, row_numbers=row_numbers)
        for m in request.measures:
            if m.aggregate is not None:
                col = values.get(m.name) if m.column is not None else None
                out[m.name] = group(units, years, col, m.aggregate, request)
        return out

    def _long(self, columns: dict[str, tuple[str, ...]], units: npt.NDArray[np.int64],
              years: npt.NDArray[np.int64], request: FetchRequest) -> dict[str, FloatPanel]:
        names = np.array([c.strip() for c in columns[self.measure_column]])
        numbers = self._numbers(columns[self.value_column], self.value_column, request)
        out: dict[str, FloatPanel] = {}
        for m in request.measures:
            key = m.column or m.name
            pick = np.flatnonzero(names == key)
            req = FetchRequest(request.source, (m,), request.units, request.years)
            vals = {m.name: numbers[pick]} if m.column is not None or m.aggregate is None else {}
            out.update(self._shape(vals, units[pick], years[pick], req,
                                   row_numbers=pick.astype(np.int64) + 2))
        return out

    def _read(self, request: FetchRequest) -> tuple[list[str], list[list[str]]]:
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, delimiter=self.delimiter)
                header = next(reader, None)
                if header is None:
                    raise DataError("the file is empty; it needs a header row naming the "
                                    "columns", file=self.path, source=request.source)
                header = [h.strip() for h in header]
                rows = []
                for number, row in enumerate(reader, start=2):
                    if not any(cell.strip() for cell in row):
                        continue  # blank lines
                    if len(row) != len(header):
                        raise DataError(
                            f"{len(row)} cells where the header has {len(header)}; check "
                            "for a stray delimiter or a missing cell", file=self.path,
                            row=number, source=request.source)
                    rows.append(row)
        except FileNotFoundError:
            raise DataError("file not found; check 'path' (relative paths start at the spec "
                            "file's folder)", file=self.path, source=request.source) from None
        except UnicodeDecodeError as exc:
            raise DataError(f"not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'",
                            file=self.path, source=request.source) from None
        except csv.Error as exc:
            raise DataError(f"not valid CSV: {exc}", file=self.path,
                            source=request.source) from None
        return header, rows

    def _years(self, cells: tuple[str, ...], request: FetchRequest) -> npt.NDArray[np.int64]:
        text = np.char.strip(np.asarray(cells, dtype=str))
        digits = np.char.isdigit(text) & (np.char.str_len(text) == 4)
        years = np.where(digits, text, "0").astype(np.float64)
        bad = np.flatnonzero(~digits)
        if bad.size:
            raise DataError(f"column '{self.year}': '{cells[bad[0]]}' is not a year; write "
                            "years as four digits, such as 2024",
                            file=self.path, row=int(bad[0]) + 2, source=request.source)
        return years.astype(np.int64)

    def _cells(self, cells: tuple[str, ...], column: str, aggregate: str | None,
               request: FetchRequest) -> FloatPanel:
        """Numbers, or for ``aggregate: count`` just which cells are filled (any text)."""
        if aggregate == "count":
            filled = np.char.strip(np.asarray(cells, dtype=str)) != ""
            return np.where(filled, 1.0, np.nan)
        return self._numbers(cells, column, request)

    def _numbers(self, cells: tuple[str, ...], column: str,
                 request: FetchRequest) -> FloatPanel:
        text = np.char.strip(np.asarray(cells, dtype=str))
        empty = text == ""
        try:
            values = np.where(empty, "nan", text).astype(np.float64)
        except ValueError:
            values = None
        if values is not None:
            bad = np.flatnonzero(~empty & ~np.isfinite(values))
            if not bad.size:
                return values
        else:
            bad = np.array([i for i, cell in enumerate(text) if cell and not _is_number(cell)])
        cell = str(text[bad[0]])
        hint = "; write numbers with a '.' for decimals and no thousands separator"
        if "," in cell:
            hint = "; use '.' as the decimal point (52.3, not 52,3) and no thousands separator"
        raise DataError(f"column '{column}': '{cell}' is not a number{hint}; leave the cell "
                        "empty if the value is missing", file=self.path, row=int(bad[0]) + 2,
                        source=request.source)


def _is_number(cell: str) -> bool:
    try:
        return bool(np.isfinite(float(cell)))
    except ValueError:
        return False


__all__ = ["CsvSource"]
