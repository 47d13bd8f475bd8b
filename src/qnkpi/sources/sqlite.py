"""``sqlite``: a table or a query in an SQLite database; SQLite does the aggregation."""

from __future__ import annotations

import sqlite3
from typing import Literal, NamedTuple

import numpy as np
from pydantic import model_validator

from qnkpi.errors import DataError
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    TabularSource,
    scatter,
    unit_rows,
)
from qnkpi.spec.models import RelPath


class _Statement(NamedTuple):
    sql: str
    params: tuple[int, int]
    measures: list[MeasureRequest]
    grouped: bool


_SQL_AGGREGATE = {"sum": "SUM", "count": "COUNT", "mean": "AVG", "min": "MIN", "max": "MAX"}


def quote(identifier: str) -> str:
    """An SQL identifier, double-quoted with inner quotes doubled."""
    return '"' + identifier.replace('"', '""') + '"'


class SqliteSource(TabularSource):
    """Rows of an SQLite ``table``, or of a read-only ``query``. Record-level measures
    (with ``aggregate``) are grouped by unit and year in one SQL query per source."""

    type: Literal["sqlite"]
    path: RelPath
    table: str | None = None
    query: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> SqliteSource:
        if (self.table is None) == (self.query is None):
            raise ValueError("an sqlite source needs exactly one of 'table' or 'query'")
        return self

    def _from(self) -> str:
        return quote(self.table) if self.table is not None else f"({self.query}) AS q"

    def statements(self, request: FetchRequest) -> list[_Statement]:
        """The SQL this source runs for ``request``: at most one query for the measures
        read as they are and one ``GROUP BY unit, year`` for all record-level measures."""
        unit, year = quote(self.unit), quote(self.year)
        where = f"WHERE {year} BETWEEN ? AND ?"
        bounds = (int(request.years[0]), int(request.years[-1]))
        out = []
        tables = [m for m in request.measures if m.aggregate is None]
        if tables:
            cols = ", ".join(quote(m.column or m.name) for m in tables)
            out.append(_Statement(
                f"SELECT {unit}, {year}, {cols} FROM {self._from()} {where}",
                bounds, tables, grouped=False))
        records = [m for m in request.measures if m.aggregate is not None]
        if records:
            cols = ", ".join(_aggregate(m) for m in records)
            out.append(_Statement(
                f"SELECT {unit}, {year}, {cols} FROM {self._from()} {where} "
                f"GROUP BY {unit}, {year}", bounds, records, grouped=True))
        return out

    def explain(self, request: FetchRequest) -> str:
        return "\n".join(f"{st.sql};  -- params {list(st.params)}"
                         for st in self.statements(request))

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        if not self.path.exists():
            raise DataError("database file not found; check 'path' (relative paths start at "
                            "the spec file's folder)", file=self.path, source=request.source)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        out: dict[str, FloatPanel] = {}
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                for st in self.statements(request):
                    rows = conn.execute(st.sql, st.params).fetchall()
                    out.update(self._panels(rows, st, request))
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise DataError(f"SQLite: {exc}", file=self.path, source=request.source) from None
        return out

    def _panels(self, rows: list[tuple[object, ...]], st: _Statement,
                request: FetchRequest) -> dict[str, FloatPanel]:
        batch = st.measures
        codes = [str(r[0]).strip() for r in rows]
        units = unit_rows(codes, request, file=self.path, first_row=1)
        years = np.array([int(r[1]) for r in rows], dtype=np.int64)  # type: ignore[call-overload]
        values = {}
        for j, m in enumerate(batch):
            column = [r[2 + j] for r in rows]
            values[m.name] = _floats(column, m, codes, years, request, self)
        if not st.grouped:
            return scatter(units, years, values, request, file=self.path,
                           row_numbers=np.arange(1, len(rows) + 1, dtype=np.int64))
        n_units, n_years = request.shape
        flat = units * n_years + (years - request.years[0])
        panels = {}
        for m in batch:
            panel = np.full(n_units * n_years, np.nan)
            panel[flat] = values[m.name]
            panels[m.name] = panel.reshape(n_units, n_years)
        return panels


def _aggregate(m: MeasureRequest) -> str:
    if m.aggregate == "count" and m.column is None:
        return "COUNT(*)"
    assert m.aggregate is not None and m.column is not None
    return f"{_SQL_AGGREGATE[m.aggregate]}({quote(m.column)})"


def _floats(column: list[object], m: MeasureRequest, codes: list[str],
            years: np.ndarray, request: FetchRequest, source: SqliteSource) -> FloatPanel:
    out = np.empty(len(column))
    for i, cell in enumerate(column):
        if cell is None or cell == "":
            out[i] = np.nan
        elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
            out[i] = cell
        else:
            raise DataError(
                f"column '{m.column}': {cell!r} for unit '{codes[i]}' in {years[i]} is not a "
                "number; store numbers as INTEGER or REAL", file=source.path,
                source=request.source)
    return out


__all__ = ["SqliteSource", "quote"]
