"""`sql`: a table or a query in any SQLAlchemy database (PostgreSQL first); the database
does the aggregation.

For one fetch request the source runs at most two statements, built with SQLAlchemy
Core so that identifiers are quoted by the database's own rules and values are bound:

* the measures read as they are (no `aggregate`): one plain `SELECT unit, year, ...`;
* every record-level measure (with `aggregate`): one `SELECT unit, year, agg(...), ...
  GROUP BY unit, year`.

Both filter `year BETWEEN :lo AND :hi`. The request always covers every unit, so no
list of unit codes is ever sent (nothing to split into chunks).

A source by `half`, `quarter` or `month` (`period` with `period_column` or `date`), or
a yearly one by `date`, groups by unit and *slot* (`year x per_year + index`, as
[`qnkpi.periods`][qnkpi.periods] counts) instead of year: the slot is computed in SQL
from the text of the period (`2025-06`, `2025-Q2`, `2025-H1`) or of the date
(`2025-06-14`, as the database writes a DATE or TIMESTAMP as text), with `substr` and
`CAST`, which every database has; `lo` and `hi` are then slots. The column's distinct
texts are checked first, so the SQL only sees well-formed ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import field_validator, model_validator

from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import first_bad_time
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    PeriodSource,
    scatter,
    unit_rows,
)
from qnkpi.sources.sql import identifier_problem, one_statement
from qnkpi_sql._query import SqlStatement, aggregate, from_clause, keys, time_text
from qnkpi_sql._url import driver_message, expand_env, first_line, mask_url

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Dialect
    from sqlalchemy.sql import Select

__all__ = ["SqlSource", "SqlStatement", "expand_env", "mask_url"]


def _identifier(value: str, key: str) -> str:
    problem = identifier_problem(value)
    if problem is not None:
        raise ValueError(f"'{key}' {problem}")
    return value


class SqlSource(PeriodSource):
    """Rows of a database `table` (`name` or `schema.name`) or of a read-only
    `query` (a `SELECT` used as a subquery), reached through the SQLAlchemy `url`.
    `${NAME}` in `url` is replaced by the environment variable `NAME` (keep
    passwords out of specs); messages show the URL with its password masked."""

    type: Literal["sql"]
    url: str
    table: str | None = None
    query: str | None = None

    @field_validator("unit", "year", "period_column", "date")
    @classmethod
    def _column_name(cls, value: str | None, info: Any) -> str | None:
        return None if value is None else _identifier(value, info.field_name)

    @field_validator("table")
    @classmethod
    def _table_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = value.split(".")
        if len(parts) > 2:
            raise ValueError(f"table '{value}': write 'table' or 'schema.table' (one dot "
                             "at most)")
        for part in parts:
            _identifier(part, "table")
        return value

    @field_validator("query")
    @classmethod
    def _select(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = one_statement(value)  # a ';' could start a statement the driver runs
        if not re.match(r"(?is)^\(*\s*(select|with|values)\b", value):
            raise ValueError("'query' must be a SELECT (or WITH ... SELECT) statement")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> SqlSource:
        if (self.table is None) == (self.query is None):
            raise ValueError("an sql source needs exactly one of 'table' or 'query'")
        return self

    # -- URL ---------------------------------------------------------------------------

    def _url(self, source: str) -> URL:
        from sqlalchemy.engine import make_url

        expanded = expand_env(self.url, source=source)
        try:
            return make_url(expanded)
        except Exception:
            raise DataError(f"'url' {mask_url(expanded)!r} is not an SQLAlchemy URL such "
                            "as postgresql+psycopg://user:${PGPASSWORD}@host:5432/dbname",
                            source=source) from None

    def _dialect(self, url: URL, source: str) -> Dialect:
        try:
            dialect: Dialect = url.get_dialect()()
        except Exception as exc:
            raise DataError(f"database {self._where(url)}: unknown database type "
                            f"'{url.drivername}' ({first_line(exc)})", source=source) from None
        return dialect

    @staticmethod
    def _where(url: URL) -> str:
        return url.render_as_string(hide_password=True)

    # -- SQL -----------------------------------------------------------------------------

    def statements(self, request: FetchRequest) -> list[SqlStatement]:
        """The statements `fetch` runs for `request`: at most one plain query for
        the measures read as they are and one `GROUP BY unit, year` for all
        record-level measures (`GROUP BY unit, slot` for a source by period). Years
        (or slots) are bound as `lo` and `hi`."""
        import sqlalchemy as sa

        needed = [self.unit, self.time_column,
                  *(m.column for m in request.measures if m.column)]
        src = from_clause(self, needed)
        unit, year = keys(self, src)
        time = "year" if self.year is not None else "slot"
        lo = sa.bindparam("lo", int(request.slots[0]), type_=sa.Integer())
        hi = sa.bindparam("hi", int(request.slots[-1]), type_=sa.Integer())
        within = year.between(lo, hi)
        out = []
        tables = [m for m in request.measures if m.aggregate is None]
        if tables:
            values = [src.c[m.column or m.name].label(f"v{j}") for j, m in enumerate(tables)]
            out.append(SqlStatement(
                sa.select(unit.label("unit"), year.label(time), *values).where(within),
                tables, grouped=False))
        records = [m for m in request.measures if m.aggregate is not None]
        if records:
            aggs = [aggregate(m, src).label(f"v{j}") for j, m in enumerate(records)]
            out.append(SqlStatement(
                sa.select(unit.label("unit"), year.label(time), *aggs).where(within)
                .group_by(unit, year), records, grouped=True))
        return out

    def explain(self, request: FetchRequest) -> str:
        """The SQL `fetch` would run, compiled for the URL's database, with its
        bound parameters; does not connect."""
        url = self._url(request.source)
        dialect = self._dialect(url, request.source)
        lines = [f"-- {url.get_backend_name()} database {self._where(url)}"]
        for st in self.statements(request):
            compiled = st.select.compile(dialect=dialect)
            lines.append(f"{compiled.string};")
            lines.append(f"-- params {dict(compiled.params)}")
        return "\n".join(lines)

    # -- fetching ------------------------------------------------------------------------

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """One panel per requested measure, read with at most two queries."""
        url = self._url(request.source)
        out: dict[str, FloatPanel] = {}
        with self._connect(url, request.source) as conn:
            self._check(conn, url, request)
            for st in self.statements(request):
                rows = self._run(conn, url, request, st.select)
                out.update(self._panels(rows, st, url, request))
        return out

    @contextmanager
    def _connect(self, url: URL, source: str) -> Iterator[Connection]:
        import sqlalchemy as sa
        from sqlalchemy.pool import NullPool

        postgres = url.get_backend_name() == "postgresql"
        kw: dict[str, Any] = {"poolclass": NullPool}
        if postgres and url.get_driver_name() in ("psycopg", "psycopg2"):
            kw["connect_args"] = {"connect_timeout": 10}
        try:
            engine = sa.create_engine(url, **kw)
        except Exception as exc:  # unknown dialect, driver not installed
            raise DataError(f"database {self._where(url)}: cannot use this URL "
                            f"({driver_message(exc, url)}); install the database's driver or "
                            "correct 'url'", source=source) from None
        try:
            try:
                conn = engine.connect()
            except Exception as exc:
                raise DataError(f"cannot connect to database {self._where(url)}: "
                                f"{driver_message(exc, url)}", source=source) from None
            try:
                if postgres:
                    conn = conn.execution_options(postgresql_readonly=True)
                yield conn
            finally:
                conn.rollback()  # read only: nothing to keep
                conn.close()
        finally:
            engine.dispose()

    def _run(self, conn: Connection, url: URL, request: FetchRequest,
             select: Select[Any]) -> list[Sequence[Any]]:
        try:
            return list(conn.execute(select).fetchall())
        except Exception as exc:
            conn.rollback()
            raise DataError(self._explain_error(exc, url), source=request.source) from None

    def _explain_error(self, exc: BaseException, url: URL) -> str:
        what = f"table '{self.table}'" if self.table is not None else "'query'"
        state = getattr(getattr(exc, "orig", None), "sqlstate", None)
        message = driver_message(exc, url)
        if state == "42P01" or "no such table" in message:
            return (f"no such table: {what} in database {self._where(url)} ({message}); "
                    "check 'table' (schema.table for another schema)")
        if state == "42883":
            return (f"{what} in database {self._where(url)}: {message}; a measure with "
                    "aggregate sum, mean, min or max needs a numeric column (convert it "
                    "in a 'query', e.g. CAST(col AS numeric) or flag::int)")
        if state is not None and state.startswith("22"):
            return (f"{what} in database {self._where(url)}: {message}; 'unit' must be "
                    "text or a number, 'year' an integer, measures numbers")
        return f"{what} in database {self._where(url)}: {message}"

    def _check(self, conn: Connection, url: URL, request: FetchRequest) -> None:
        """Columns that do not exist are named, with the columns there are."""
        import sqlalchemy as sa

        select = sa.select(sa.text("*")).select_from(from_clause(self, [])).limit(0)
        try:
            have = list(conn.execute(select).keys())
        except Exception as exc:
            conn.rollback()
            raise DataError(self._explain_error(exc, url), source=request.source) from None
        needed = [self.unit, self.time_column,
                  *(m.column for m in request.measures if m.column)]
        for name in needed:
            if name not in have:
                raise DataError(f"no column '{name}'{did_you_mean(name, have)} in "
                                f"{'table ' + repr(self.table) if self.table else 'the query'}"
                                f" in database {self._where(url)}; it has: {', '.join(have)}",
                                source=request.source)
        if self.year is None:
            self._check_times(conn, url, request)

    def _check_times(self, conn: Connection, url: URL, request: FetchRequest) -> None:
        """Every period (or date) of every row is one of the source's kind: the column's
        distinct texts (a few per month: dates are grouped by their day) are checked
        with `qnkpi.periods`' rules, and the first bad one is named with a unit it is
        found for. A NULL is an error too."""
        import sqlalchemy as sa

        src = from_clause(self, [self.unit, self.time_column])
        text = time_text(self, src)
        unit = sa.func.min(sa.func.trim(sa.cast(src.c[self.unit], sa.String())))
        if self.date is None:
            select = sa.select(text, unit).group_by(text).order_by(text)
        else:
            day = sa.func.substr(text, sa.literal_column("1"), sa.literal_column("10"))
            rest = sa.func.substr(text, sa.literal_column("11"), sa.literal_column("1"))
            select = sa.select(sa.func.min(text), unit, day, rest).group_by(day, rest) \
                .order_by(day, rest)
        rows = self._run(conn, url, request, select)
        found = first_bad_time(rows, self.period, date=self.date is not None)
        if found is None:
            return
        row, message = found
        what = f"table '{self.table}'" if self.table is not None else "'query'"
        code = "no unit" if row[1] is None else f"unit '{row[1]}'"
        raise DataError(f"{what} in database {self._where(url)}: column "
                        f"'{self.time_column}', a row for {code}: {message}",
                        source=request.source)

    def _panels(self, rows: list[Sequence[Any]], st: SqlStatement, url: URL,
                request: FetchRequest) -> dict[str, FloatPanel]:
        codes = ["" if r[0] is None else str(r[0]) for r in rows]
        numbers = np.arange(1, len(rows) + 1, dtype=np.int64)  # result rows, 1-based
        units = unit_rows(codes, request, file=None, row_numbers=numbers)
        years = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        values = {m.name: self._floats([r[2 + j] for r in rows], m, codes, years, url,
                                       request) for j, m in enumerate(st.measures)}
        if not st.grouped:
            return scatter(units, years, values, request, file=None, row_numbers=numbers)
        n_units, n_years = request.shape
        flat = units * n_years + (years - request.slots[0])
        panels = {}
        for m in st.measures:
            panel = np.full(n_units * n_years, np.nan)
            panel[flat] = values[m.name]
            panels[m.name] = panel.reshape(n_units, n_years)
        return panels

    def _floats(self, column: list[Any], m: MeasureRequest, codes: list[str],
                years: np.ndarray[Any, Any], url: URL, request: FetchRequest) -> FloatPanel:
        for i, cell in enumerate(column):
            if cell is not None and (isinstance(cell, bool)
                                     or not isinstance(cell, (int, float, Decimal))):
                what = f"{m.aggregate}({m.column})" if m.aggregate else f"column '{m.column}'"
                raise DataError(
                    f"{what}: {cell!r} for unit '{codes[i]}' in {request.label(int(years[i]))} "
                    "is not a number "
                    f"(database {self._where(url)}); store numbers in numeric columns, "
                    "missing as NULL, or convert them in a 'query'", source=request.source)
        return np.array([np.nan if c is None else float(c) for c in column], dtype=np.float64)
