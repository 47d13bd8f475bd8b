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

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

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

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Dialect
    from sqlalchemy.sql import ColumnElement, FromClause, Select
    from sqlalchemy.sql.expression import ColumnClause

__all__ = ["SqlSource", "SqlStatement", "expand_env", "mask_url"]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<pw>[^@\s]*)@")
# a colon SQLAlchemy's text() would read as a bind parameter (":name", not "::cast")
_TEXT_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")
_FUNCTIONS = {"sum": "sum", "count": "count", "mean": "avg", "min": "min", "max": "max"}


class SqlStatement(NamedTuple):
    """One statement `SqlSource.fetch` runs: an SQLAlchemy `Select`, the
    measures its value columns hold (in order), and whether it groups records."""

    select: Select[Any]
    measures: list[MeasureRequest]
    grouped: bool


def expand_env(text: str, *, source: str | None = None) -> str:
    """`text` with every `${NAME}` replaced by the environment variable `NAME`; an
    unset variable is a [`DataError`][qnkpi.errors.DataError]. A bare `$` is left alone."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise DataError(f"environment variable '{name}' used in 'url' is not set; set "
                            "it, or write the URL out", source=source)
        return os.environ[name]

    return _ENV.sub(value, text)


def mask_url(url: str) -> str:
    """`url` with its password (if any) replaced by `***`; safe to show."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # unparseable: mask by pattern
        return _USERINFO.sub(lambda m: f"{m.group('head')}:***@", url)


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
                            f"'{url.drivername}' ({_first_line(exc)})", source=source) from None
        return dialect

    @staticmethod
    def _where(url: URL) -> str:
        return url.render_as_string(hide_password=True)

    # -- SQL -----------------------------------------------------------------------------

    def _from(self, columns: Sequence[str]) -> FromClause:
        import sqlalchemy as sa
        from sqlalchemy.sql.elements import quoted_name

        cols: list[ColumnClause[Any]] = [sa.column(quoted_name(c, True))
                                         for c in dict.fromkeys(columns)]
        if self.table is not None:
            *schema, name = self.table.split(".")
            return sa.table(quoted_name(name, True), *cols,
                            schema=quoted_name(schema[0], True) if schema else None)
        assert self.query is not None
        # escape colons text() would take for bind parameters: the query binds nothing
        return sa.text(_TEXT_BIND.sub(r"\\:", self.query)).columns(*cols).subquery("q")

    def _keys(self, src: FromClause) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        import sqlalchemy as sa

        # codes are text, whatever the column's type, and " 193" is "193"; years integers
        unit = sa.func.trim(sa.cast(src.c[self.unit], sa.String()))
        if self.year is not None:
            return unit, sa.cast(src.c[self.year], sa.Integer())
        return unit, self._slot(self._text(src))

    def _text(self, src: FromClause) -> ColumnElement[Any]:
        """SQL: the trimmed text of a row's period or date."""
        import sqlalchemy as sa

        return sa.func.trim(sa.cast(src.c[self.time_column], sa.String()))

    def _slot(self, text: ColumnElement[Any]) -> ColumnElement[Any]:
        """SQL: a row's slot from the text of its period (`2025-06`, `2025-Q2`,
        `2025-H1`) or date (`2025-06-14`); constants are written as literals, so that
        the expression is the same in SELECT and GROUP BY."""
        import sqlalchemy as sa

        from qnkpi.periods import KINDS

        def number(value: int) -> ColumnElement[Any]:
            return sa.literal_column(str(value), sa.Integer())

        def part(start: int, length: int | None = None) -> ColumnElement[Any]:
            args = (number(start),) if length is None else (number(start), number(length))
            return sa.cast(sa.func.substr(text, *args), sa.Integer())

        year = part(1, 4)
        if self.period == "year":
            return year
        if self.date is not None:
            month = part(6, 2) - number(1)
            per = {"month": 1, "quarter": 3, "half": 6}[self.period]
            index = month if per == 1 else month // number(per)
        else:
            index = part(6 if self.period == "month" else 7) - number(1)
        slot: ColumnElement[Any] = year * number(KINDS[self.period]) + index
        return slot

    def statements(self, request: FetchRequest) -> list[SqlStatement]:
        """The statements `fetch` runs for `request`: at most one plain query for
        the measures read as they are and one `GROUP BY unit, year` for all
        record-level measures (`GROUP BY unit, slot` for a source by period). Years
        (or slots) are bound as `lo` and `hi`."""
        import sqlalchemy as sa

        needed = [self.unit, self.time_column,
                  *(m.column for m in request.measures if m.column)]
        src = self._from(needed)
        unit, year = self._keys(src)
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
            aggs = [_aggregate(m, src).label(f"v{j}") for j, m in enumerate(records)]
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
                            f"({_message(exc, url)}); install the database's driver or "
                            "correct 'url'", source=source) from None
        try:
            try:
                conn = engine.connect()
            except Exception as exc:
                raise DataError(f"cannot connect to database {self._where(url)}: "
                                f"{_message(exc, url)}", source=source) from None
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
        message = _message(exc, url)
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

        select = sa.select(sa.text("*")).select_from(self._from([])).limit(0)
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

        src = self._from([self.unit, self.time_column])
        text = self._text(src)
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


def _aggregate(m: MeasureRequest, src: FromClause) -> ColumnElement[Any]:
    import sqlalchemy as sa

    if m.aggregate == "count" and m.column is None:
        return sa.func.count()  # COUNT(*)
    assert m.aggregate is not None and m.column is not None
    fn: ColumnElement[Any] = getattr(sa.func, _FUNCTIONS[m.aggregate])(src.c[m.column])
    return fn


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _message(exc: BaseException, url: URL) -> str:
    """The driver's own message (not SQLAlchemy's wrapper with SQL and links), first
    lines only, the password removed."""
    orig = getattr(exc, "orig", None) or exc
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("[SQL:", "[parameters:", "(Background"))]
    text = "; ".join(lines[:3]) or type(orig).__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text
