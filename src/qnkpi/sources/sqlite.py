"""`sqlite`: a table or a query in an SQLite database; SQLite does the aggregation."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
from pydantic import field_validator, model_validator

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources._numbers import LARGEST, SMALLEST, out_of_range
from qnkpi.sources._slots import EMPTY_DATE, EMPTY_PERIOD
from qnkpi.sources._sqlite_time import EMPTY, check_values, slot_sql
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    PeriodSource,
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


class SqliteSource(PeriodSource):
    """Rows of an SQLite `table`, or of a read-only `query`. Record-level measures
    (with `aggregate`) are grouped by unit and year in one SQL query per source."""

    type: Literal["sqlite"]
    path: RelPath
    table: str | None = None
    query: str | None = None

    @field_validator("table", "unit", "year", "period_column", "date")
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
        # (_check has made sure each is a whole number of four digits: the cast is exact);
        # periods and dates slots, computed from their text (checked by _check too)
        unit = f"TRIM(CAST({quote(self.unit)} AS TEXT))"
        if self.year is not None:
            return unit, f"CAST({quote(self.year)} AS INTEGER)"
        return unit, slot_sql(self.time_column, self.period, dates=self.date is not None)

    def statements(self, request: FetchRequest) -> list[_Statement]:
        """The SQL this source runs for `request`: at most one query for the measures
        read as they are and one `GROUP BY unit, year` for all record-level measures.
        Names are quoted; the years are bound parameters."""
        self._names(request)
        unit, year = self._keys()
        where = f"WHERE {year} BETWEEN ? AND ?"
        bounds = (int(request.slots[0]), int(request.slots[-1]))
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
        from qnkpi.sources._files import file_problem

        problem = file_problem(self.path, missing="database file not found; check 'path' "
                               "(relative paths start at the spec file's folder)",
                               what="a SQLite database file")
        if problem is not None:
            raise DataError(problem, file=self.path, source=request.source)
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
        """Columns that do not exist (SQLite would read "name" as a string) are errors;
        so is any row, of any year, whose unit code is NULL, whose year is not a whole
        number of four digits (SQLite would read '2O23' as 2, '2023abc' as 2023 and
        2023.9 as 2023), or whose value is text (SQLite would sum it as 0) or out of
        qnkpi's range. SQLite checks the whole table in one scan; the first bad row is
        named."""
        cursor = conn.execute(f"SELECT * FROM {self._from()} LIMIT 0")
        have = [d[0] for d in cursor.description]
        needed = [self.unit, self.time_column,
                  *(m.column for m in request.measures if m.column)]
        for name in needed:
            if name not in have:
                raise DataError(f"no column '{name}'{did_you_mean(name, have)}; the "
                                f"{'table' if self.table else 'query'} has: {', '.join(have)}",
                                file=self.path, source=request.source)
        numeric = sorted({m.column for m in request.measures
                          if m.column and m.aggregate != "count"})
        tables = {m.column for m in request.measures if m.column and m.aggregate is None}
        unit, year = quote(self.unit), quote(self.time_column)
        time_bad = (f"NOT ({_YEAR_OK.format(y=year)})" if self.year is not None else
                    EMPTY.format(t=year))
        bad = [f"{unit} IS NULL", time_bad]
        for c in numeric:
            text = "typeof({c}) NOT IN ('integer', 'real', 'null')"
            if c in tables:  # read as they are: '' is missing, as NULL is
                text += " AND NOT (typeof({c}) = 'text' AND {c} = '')"
            bad += [text.format(c=quote(c)), _OUT_OF_RANGE.format(c=quote(c))]
        where = " OR ".join(f"({b})" for b in bad)
        cols = ", ".join([unit, year, *map(quote, numeric)])
        params = (LARGEST, SMALLEST) * len(numeric)
        if conn.execute(f"SELECT 1 FROM {self._from()} WHERE {where} LIMIT 1",
                        params).fetchone() is None:
            if self.year is None:  # every period or date is there: each must be good
                problem = check_values(conn, self._from(), self.time_column, self.period,
                                       dates=self.date is not None, where=self._where,
                                       unit=self.unit)
                if problem is not None:
                    raise DataError(problem, file=self.path, source=request.source)
            return
        row = conn.execute(f"SELECT * FROM (SELECT ROW_NUMBER() OVER () AS _qnkpi_row, {cols} "
                           f"FROM {self._from()}) WHERE {where} LIMIT 1", params).fetchone()
        raise self._bad_row(row, numeric, request)

    def _bad_row(self, row: tuple[object, ...], numeric: list[str],
                 request: FetchRequest) -> DataError:
        """The error for a row `_check` found: what is wrong with it, and where."""
        number, code, year = row[:3]
        where = self._where(int(number))  # type: ignore[call-overload]
        shown = "NULL" if year is None else repr(year)
        when = "year" if self.year is not None else (
            "period" if self.period_column is not None else "date")
        if code is None:
            problem = (f"column '{self.unit}' is NULL: the row ({when} {shown}) has no unit "
                       "code; fill it in, or delete the row")
        elif self.year is None and (year is None or (isinstance(year, str)
                                                      and not year.strip())):
            empty = EMPTY_DATE if self.date is not None else EMPTY_PERIOD
            problem = f"column '{self.time_column}' for unit '{code}': {empty}"
        elif self.year is not None and not _year_ok(year):
            problem = (f"column '{self.year}': {shown} for unit '{code}' is not a year; "
                       "store years as whole numbers of four digits, such as 2024 (INTEGER, "
                       "or text of four digits)")
        else:
            column, cell = next((c, v) for c, v in zip(numeric, row[3:], strict=True)
                                if not _number_ok(v))
            if isinstance(cell, (int, float)):
                why = out_of_range(float(cell))
            else:
                why = ("not a number; store numbers as INTEGER or REAL, missing values as "
                       "NULL")
            problem = f"column '{column}': {cell!r} for unit '{code}' in {year} is {why}"
        return DataError(f"{where}: {problem}", file=self.path, source=request.source)

    def _where(self, number: int) -> str:
        """A row of the table or the query's result, by its 1-based number."""
        return (f"row {number} of table '{self.table}'" if self.table is not None
                else f"row {number} of the query's result")

    def _panels(self, rows: list[tuple[object, ...]], st: _Statement,
                request: FetchRequest) -> dict[str, FloatPanel]:
        batch = st.measures
        columns = list(zip(*rows, strict=True)) if rows else [()] * (2 + len(batch))
        codes = [str(c) for c in columns[0]]
        numbers = np.arange(1, len(rows) + 1, dtype=np.int64)  # result rows, 1-based
        units = unit_rows(codes, request, file=self.path, row_numbers=numbers)
        years = np.array(columns[1], dtype=np.int64)
        # _check let through only numbers and NULL (None: NaN) in these columns
        values = {m.name: _floats(columns[2 + j]) for j, m in enumerate(batch)}
        if not st.grouped:
            return scatter(units, years, values, request, file=self.path, row_numbers=numbers)
        n_units, n_years = request.shape
        flat = units * n_years + (years - request.slots[0])
        panels = {}
        for m in batch:
            panel = np.full(n_units * n_years, np.nan)
            panel[flat] = values[m.name]
            panels[m.name] = panel.reshape(n_units, n_years)
        return panels


#: A year SQLite holds that qnkpi reads: a whole number of four digits, as an INTEGER, a
#: REAL (2024.0) or text ('2024', spaces around it allowed); NULL is not a year.
_YEAR_OK = ("CASE typeof({y}) WHEN 'integer' THEN {y} BETWEEN 1000 AND 9999 "
            "WHEN 'real' THEN {y} = CAST({y} AS INTEGER) AND {y} BETWEEN 1000 AND 9999 "
            "WHEN 'text' THEN TRIM({y}) GLOB '[0-9][0-9][0-9][0-9]' ELSE 0 END")
#: A number outside the csv source's range (bound parameters: LARGEST, SMALLEST).
_OUT_OF_RANGE = ("typeof({c}) IN ('integer', 'real') AND (ABS({c} * 1.0) > ? "
                 "OR ({c} <> 0 AND ABS({c} * 1.0) < ?))")


def _floats(column: Sequence[object]) -> FloatPanel:
    """A result column of numbers, NULL and '' (both missing: NaN), as floats."""
    try:
        return np.array(column, dtype=np.float64)  # None is NaN
    except ValueError:  # a '' in a table's column: missing, as NULL is
        cells = np.array(column, dtype=object)
        cells[cells == ""] = None
        return cells.astype(np.float64)


def _year_ok(year: object) -> bool:
    """The Python side of `_YEAR_OK`, for the one row an error names."""
    if isinstance(year, str):
        year = year.strip()
        return len(year) == 4 and all(ch in "0123456789" for ch in year)
    return (isinstance(year, (int, float)) and float(year).is_integer()
            and 1000 <= year <= 9999)


def _number_ok(cell: object) -> bool:
    """Whether a value cell passes `_check`: NULL, '' (missing) or a number in range."""
    if cell is None or cell == "":
        return True
    if not isinstance(cell, (int, float)):
        return False
    size = abs(float(cell))
    return size == 0 or SMALLEST <= size <= LARGEST


def _aggregate(m: MeasureRequest) -> str:
    if m.aggregate == "count" and m.column is None:
        return "COUNT(*)"
    assert m.aggregate is not None and m.column is not None
    return f"{_SQL_AGGREGATE[m.aggregate]}({quote(m.column)})"


# identifier_problem, one_statement and quote (qnkpi.sources.sql since 0.2) stay
# importable from here, as they were
__all__ = ["SqliteSource"]
