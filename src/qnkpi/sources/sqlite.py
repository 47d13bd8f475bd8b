"""`sqlite`: a table or a query in an SQLite database; SQLite does the aggregation."""

from __future__ import annotations

import sqlite3
from typing import Literal, NamedTuple

import numpy as np
from pydantic import field_validator, model_validator

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    TabularSource,
    scatter,
    unit_rows,
)
from qnkpi.sources.sql import identifier_problem, one_statement, quote
from qnkpi.spec.models import RelPath


class _Statement(NamedTuple):
    sql: str
    params: tuple[int, int]
    measures: list[MeasureRequest]
    grouped: bool


_SQL_AGGREGATE = {"sum": "SUM", "count": "COUNT", "mean": "AVG", "min": "MIN", "max": "MAX"}


class SqliteSource(TabularSource):
    """Rows of an SQLite `table`, or of a read-only `query`. Record-level measures
    (with `aggregate`) are grouped by unit and year in one SQL query per source."""

    type: Literal["sqlite"]
    path: RelPath
    table: str | None = None
    query: str | None = None

    @field_validator("table", "unit", "year")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        problem = identifier_problem(value) if value is not None else None
        if problem is not None:
            raise ValueError(f"the name {value!r} {problem}; give the name of a column (or "
                             "table) as the database has it")
        return value

    @field_validator("query")
    @classmethod
    def _one_statement(cls, value: str | None) -> str | None:
        return one_statement(value) if value is not None else None

    @model_validator(mode="after")
    def _one_of(self) -> SqliteSource:
        if (self.table is None) == (self.query is None):
            raise ValueError("an sqlite source needs exactly one of 'table' or 'query'")
        return self

    def _from(self) -> str:
        return quote(self.table) if self.table is not None else f"({self.query}) AS q"

    def _keys(self) -> tuple[str, str]:
        # codes are text, whatever the column's type, and " 193" is "193"; years integers
        return (f"TRIM(CAST({quote(self.unit)} AS TEXT))",
                f"CAST({quote(self.year)} AS INTEGER)")

    def statements(self, request: FetchRequest) -> list[_Statement]:
        """The SQL this source runs for `request`: at most one query for the measures
        read as they are and one `GROUP BY unit, year` for all record-level measures.
        Names are quoted; the years are bound parameters."""
        self._names(request)
        unit, year = self._keys()
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

    def _names(self, request: FetchRequest) -> None:
        """Measures' column names that cannot be SQL names are errors naming the measure."""
        for m in request.measures:
            problem = identifier_problem(m.column) if m.column is not None else None
            if problem is not None:
                raise DataError(f"measure '{m.name}': column name {m.column!r} {problem}",
                                file=self.path, source=request.source)

    def explain(self, request: FetchRequest) -> str:
        """The SQL this source would run, with its bound values."""
        return "\n".join(f"{st.sql};  -- params {list(st.params)}"
                         for st in self.statements(request))

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Run the source's queries on the database, opened read-only."""
        if not self.path.is_file():
            raise DataError("database file not found; check 'path' (relative paths start at "
                            "the spec file's folder)", file=self.path, source=request.source)
        self._names(request)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        out: dict[str, FloatPanel] = {}
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                self._check(conn, request)
                for st in self.statements(request):
                    rows = conn.execute(st.sql, st.params).fetchall()
                    out.update(self._panels(rows, st, request))
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise DataError(f"SQLite: {exc}", file=self.path, source=request.source) from None
        return out

    def _check(self, conn: sqlite3.Connection, request: FetchRequest) -> None:
        """Columns that do not exist (SQLite would read "name" as a string) and text in
        columns to aggregate (SQLite would sum it as 0) are errors, not numbers."""
        cursor = conn.execute(f"SELECT * FROM {self._from()} LIMIT 0")
        have = [d[0] for d in cursor.description]
        needed = [self.unit, self.year, *(m.column for m in request.measures if m.column)]
        for name in needed:
            if name not in have:
                raise DataError(f"no column '{name}'{did_you_mean(name, have)}; the "
                                f"{'table' if self.table else 'query'} has: {', '.join(have)}",
                                file=self.path, source=request.source)
        numeric = sorted({m.column for m in request.measures
                          if m.column and m.aggregate not in (None, "count")})
        if not numeric:
            return
        unit, year = self._keys()
        text = " OR ".join(f"typeof({quote(c)}) NOT IN ('integer', 'real', 'null')"
                           for c in numeric)
        row = conn.execute(f"SELECT {unit}, {year}, {', '.join(map(quote, numeric))} FROM "
                           f"{self._from()} WHERE {text} LIMIT 1").fetchone()
        if row is not None:
            column, cell = next((c, v) for c, v in zip(numeric, row[2:], strict=True)
                                if not isinstance(v, (int, float)) and v is not None)
            raise DataError(f"column '{column}': {cell!r} for unit '{row[0]}' in {row[1]} is "
                            "not a number; store numbers as INTEGER or REAL, missing as NULL",
                            file=self.path, source=request.source)

    def _panels(self, rows: list[tuple[object, ...]], st: _Statement,
                request: FetchRequest) -> dict[str, FloatPanel]:
        batch = st.measures
        codes = [str(r[0]) for r in rows]
        numbers = np.arange(1, len(rows) + 1, dtype=np.int64)  # result rows, 1-based
        units = unit_rows(codes, request, file=self.path, row_numbers=numbers)
        years = np.array([r[1] for r in rows], dtype=np.int64)
        values = {}
        for j, m in enumerate(batch):
            column = [r[2 + j] for r in rows]
            values[m.name] = _floats(column, m, codes, years, request, self)
        if not st.grouped:
            return scatter(units, years, values, request, file=self.path, row_numbers=numbers)
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


# identifier_problem, one_statement and quote (qnkpi.sources.sql since 0.2) stay
# importable from here, as they were
__all__ = ["SqliteSource"]
