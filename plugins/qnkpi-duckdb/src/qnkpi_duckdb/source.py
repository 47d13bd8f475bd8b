"""`duckdb`: CSV and Parquet files (or globs of them) and DuckDB databases; DuckDB does
the aggregation.

Keys, beside `type: duckdb`:

- `path`: A `.csv` or `.parquet` file, a glob of them (`records/*.parquet`), or a
  `.duckdb` database. Relative to the spec's folder.
- `format`: `csv`, `parquet` or `duckdb`. Default: from the suffix of `path`.
- `table`: For a database: the table (or view) to read.
- `query`: For a database: a read-only query whose rows are read instead of a table.
- `unit`: The column of unit codes (read as text, trimmed).
- `year`: The column of years: whole numbers of four digits (never rounded).
- `period`, `period_column`, `date`: For a source that reports by `half`, `quarter` or
  `month`: the column of periods (`2025-H1`, `2025-Q2`, `2025-06`) or of dates
  (DATE, TIMESTAMP or ISO text). A yearly source may give `date` instead of `year`.

For one fetch, all record-level measures of the source (those with `aggregate`) are
computed by one `SELECT unit, year, AGG(...), ... GROUP BY unit, year` query, and all
table-shaped measures by one plain `SELECT`; a source by period groups by unit and
*slot* (`year x per_year + index`, as [`qnkpi.periods`][qnkpi.periods] counts), computed
in the query from the period's or date's text. Identifiers are double-quoted; the file
pattern and the years (or slots) are bound parameters. NULL is missing, never zero.
"""

from __future__ import annotations

import glob
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import field_validator, model_validator
from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import first_bad_time, slot_sql
from qnkpi.sources._numbers import LARGEST, SMALLEST, out_of_range
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    PeriodSource,
    scatter,
    unit_rows,
)
from qnkpi.sources.sql import one_statement, quote
from qnkpi.spec.models import RelPath

if TYPE_CHECKING:
    import duckdb

__all__ = ["DuckdbSource", "Statement"]

Format = Literal["csv", "parquet", "duckdb"]

_SQL_AGGREGATE = {"sum": "SUM", "count": "COUNT", "mean": "AVG", "min": "MIN", "max": "MAX"}
_SUFFIXES: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
    ".duckdb": "duckdb", ".ddb": "duckdb",
}
_READERS = {"csv": "read_csv_auto", "parquet": "read_parquet"}
_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                  "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE",
                  "DECIMAL", "BOOLEAN")
#: Types whose values all lie within qnkpi's range (`LARGEST`): their rows need no range check.
_BOUNDED = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER")
_WILDCARDS = "*?["
_CSV_CELL = re.compile(r'CSV Error on Line: (\d+).*?Error when converting column "(.*?)"\. '
                       r'Could not convert string "(.*?)"', re.DOTALL)
_CSV_FILE = re.compile(r"^\s*file = (.+)$", re.MULTILINE)


class Statement(NamedTuple):
    """One SQL statement `DuckdbSource.fetch` runs, with its bound parameters."""

    sql: str
    params: tuple[object, ...]
    measures: list[MeasureRequest]
    grouped: bool


class DuckdbSource(PeriodSource):
    """Rows of CSV or Parquet files (`path` may be a glob), or of a `table` or a
    `query` in a DuckDB database; DuckDB aggregates record-level measures by unit and
    year in one `GROUP BY` query per source."""

    type: Literal["duckdb"]
    path: RelPath  # a file, a glob pattern or a database; looked for when data are read
    format: Format | None = None
    table: str | None = None
    query: str | None = None

    @field_validator("query")
    @classmethod
    def _one_statement(cls, value: str | None) -> str | None:
        # DuckDB runs every statement of a string it is given: refuse a second one
        return one_statement(value) if value is not None else None

    @model_validator(mode="after")
    def _check_keys(self) -> DuckdbSource:
        kind = self.kind
        if kind == "duckdb":
            if (self.table is None) == (self.query is None):
                raise ValueError("a duckdb source reading a database needs exactly one of "
                                 "'table' or 'query'")
            if any(char in str(self.path) for char in _WILDCARDS):
                raise ValueError("a database 'path' cannot be a glob pattern")
        elif self.table is not None or self.query is not None:
            raise ValueError(f"'table' and 'query' are for .duckdb databases; a {kind} file "
                             "is read whole (remove them, or point 'path' at a database)")
        return self

    @property
    def kind(self) -> Format:
        """What `path` holds: `format` if given, else what its suffix says."""
        if self.format is not None:
            return self.format
        name = self.path.name.lower()
        for suffix in (".gz", ".zst"):
            name = name.removesuffix(suffix)
        found = _SUFFIXES.get(Path(name).suffix)
        if found is None:
            raise ValueError(f"cannot tell the format of '{self.path.name}' from its suffix; "
                             "add 'format: csv', 'format: parquet' or 'format: duckdb'")
        return found

    # -- SQL -------------------------------------------------------------------------

    def _from(self) -> tuple[str, tuple[object, ...]]:
        """The FROM clause and its parameters (the file pattern, bound)."""
        kind = self.kind
        if kind == "csv" and self.year is None:
            # periods and dates as written: DuckDB's sniffer would take 2024/06/01 (or
            # 14/06/2025, day first or month first?) for a date; qnkpi reads ISO dates only
            column = self.time_column.replace("'", "''")
            return (f"{_READERS[kind]}(?, union_by_name = true, types = {{'{column}': "
                    "'VARCHAR'}) AS src", (str(self.path),))
        if kind != "duckdb":
            return f"{_READERS[kind]}(?, union_by_name = true) AS src", (str(self.path),)
        if self.table is not None:
            return quote(self.table), ()
        return f"({self.query}) AS q", ()

    def _keys(self) -> tuple[str, str]:
        # codes are text, whatever the column's type, and " 193" is "193"; years integers
        unit = f"TRIM(CAST({quote(self.unit)} AS VARCHAR))"
        if self.year is not None:
            return unit, f"CAST({quote(self.year)} AS INTEGER)"
        # a period (2025-06) or a date (2025-06-14, a DATE, a TIMESTAMP): from its text
        return unit, slot_sql(self._text(), self.period, date=self.date is not None)

    def _text(self) -> str:
        """SQL: the trimmed text of a row's period or date."""
        return f"trim(CAST({quote(self.time_column)} AS VARCHAR))"

    def statements(self, request: FetchRequest) -> list[Statement]:
        """The SQL this source runs for `request`: at most one plain `SELECT` for the
        measures read as they are and one `GROUP BY unit, year` (`unit, slot` for a
        source by period) for all record-level measures. Unit codes are not filtered
        in SQL: an unknown code is an error."""
        unit, year = self._keys()
        alias = '"_year"' if self.year is not None else '"_slot"'
        keys = f"{unit} AS \"_unit\", {year} AS {alias}"  # aliases: result columns are unique
        source, source_params = self._from()
        where = f"WHERE {year} BETWEEN ? AND ?"
        params = (*source_params, int(request.slots[0]), int(request.slots[-1]))
        out = []
        tables = [m for m in request.measures if m.aggregate is None]
        if tables:
            cols = ", ".join(f"CAST({quote(m.column or m.name)} AS DOUBLE) AS {_alias(j, m)}"
                             for j, m in enumerate(tables))
            out.append(Statement(f"SELECT {keys}, {cols} FROM {source} {where}",
                                 params, tables, grouped=False))
        records = [m for m in request.measures if m.aggregate is not None]
        if records:
            cols = ", ".join(f"{_aggregate(m)} AS {_alias(j, m)}" for j, m in enumerate(records))
            out.append(Statement(f"SELECT {keys}, {cols} FROM {source} {where} "
                                 f"GROUP BY {unit}, {year}", params, records, grouped=True))
        return out

    def explain(self, request: FetchRequest) -> str:
        """The SQL `fetch` would run, each statement with its bound values."""
        return "\n".join(f"{st.sql};  -- params {list(st.params)!r}"
                         for st in self.statements(request))

    # -- running ---------------------------------------------------------------------

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """One panel per requested measure, computed by DuckDB."""
        self._require_files(request)
        import duckdb

        out: dict[str, FloatPanel] = {}
        try:
            if self.kind == "duckdb":
                conn = duckdb.connect(str(self.path), read_only=True)
            else:
                conn = duckdb.connect(":memory:")
            try:
                self._check(conn, request)
                for st in self.statements(request):
                    result = conn.execute(st.sql, list(st.params)).fetchnumpy()
                    assert len(result) == 2 + len(st.measures), list(result)
                    out.update(self._panels(list(result.values()), st, request))
            finally:
                conn.close()
        except duckdb.Error as exc:
            raise self._error(exc, request) from None
        return out

    def _require_files(self, request: FetchRequest) -> None:
        text = str(self.path)
        hint = "check 'path' (relative paths start at the spec file's folder)"
        if any(char in text for char in _WILDCARDS):
            if not glob.glob(text, recursive=True):
                raise DataError(f"no file matches '{text}'; {hint}", source=request.source)
        elif not self.path.is_file():
            what = "database" if self.kind == "duckdb" else f"{self.kind} file"
            raise DataError(f"{what} not found; {hint}", file=self.path, source=request.source)

    def _error(self, exc: Exception, request: FetchRequest) -> DataError:
        csv_cell = _CSV_CELL.search(str(exc))
        if csv_cell is not None:  # a cell after the rows DuckDB sniffed the types from
            line, column, cell = csv_cell.groups()
            named = _CSV_FILE.search(str(exc))
            what = ("a year; write years as whole numbers, such as 2024" if column == self.year
                    else "a date; write dates as YYYY-MM-DD, such as 2025-06-14"
                    if column == self.date else "a number; store numbers with '.' for "
                    "decimals and no thousands separator, and leave missing values empty")
            return DataError(f"line {line}, column '{column}': '{cell}' is not {what}",
                             file=named.group(1).strip() if named else self.path,
                             source=request.source)
        lines = []
        for line in str(exc).splitlines():  # DuckDB's own text, without its SQL excerpt
            if line.startswith("LINE "):
                break
            if line.strip():
                lines.append(line.strip())
        detail = " ".join(lines[:2]) if lines else type(exc).__name__
        name = type(exc).__name__
        if "Conversion" in name or "convert" in detail.lower():
            hint = ("; a cell is not a number: store numbers as numbers, with '.' for "
                    "decimals, and missing values as empty cells or NULL")
        elif self.query is not None:
            hint = "; check the source's 'query'"
        elif self.kind == "duckdb":
            hint = "; check 'path' and 'table'"
        else:
            hint = f"; check that 'path' names readable {self.kind} files"
        return DataError(f"DuckDB: {detail}{hint}", file=self.path, source=request.source)

    def _check(self, conn: duckdb.DuckDBPyConnection, request: FetchRequest) -> None:
        """Columns that do not exist are errors; so is any row, of any year, whose unit
        code is NULL, whose year is not a whole number of four digits (DuckDB would round
        2023.7 to 2024), or whose value is text or outside qnkpi's range (the csv
        source's bound). DuckDB checks every row in one scan; the first bad one is named."""
        if self.table is not None:
            tables = [str(r[0]) for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN "
                "('information_schema', 'pg_catalog') ORDER BY table_name").fetchall()]
            if self.table not in tables:
                raise DataError(f"no table '{self.table}'{did_you_mean(self.table, tables)}; "
                                f"the database has: {', '.join(tables) or 'no tables'}",
                                file=self.path, source=request.source)
        source, params = self._from()
        described = conn.execute(f"SELECT * FROM {source} LIMIT 0", list(params)).description
        types = {str(d[0]): str(d[1]).upper() for d in described or ()}
        have = list(types)
        needed = [self.unit, self.time_column,
                  *(m.column for m in request.measures if m.column)]
        for name in needed:
            if name not in types:
                what = ("table" if self.table else "query" if self.query
                        else "file" if "*" not in str(self.path) else "files")
                raise DataError(f"no column '{name}'{did_you_mean(name, have)}; the {what} "
                                f"has: {', '.join(have)}", file=self.path, source=request.source)
        numeric = sorted({m.column for m in request.measures
                          if m.column and m.aggregate != "count"})
        if self.year is None:
            self._check_times(conn, request)
        unit = quote(self.unit)
        # (what is wrong, column, SQL true for a bad row): one scan finds the first
        bad = [("unit", self.unit, f"{unit} IS NULL")]
        if self.year is not None:
            year = quote(self.year)
            bad.append(("year", self.year,
                        f"{year} IS NULL OR NOT ({self._year_ok(types, request)})"))
        for c in numeric:
            number = f"TRY_CAST({quote(c)} AS DOUBLE)"
            if not _is_numeric(types[c]):
                bad.append(("text", c, f"{quote(c)} IS NOT NULL AND {number} IS NULL"))
            if types[c] not in _BOUNDED:  # no value of these types is out of range
                bad.append(("range", c, f"NOT isnan({number}) AND (abs({number}) > "
                                        f"{LARGEST!r} OR ({number} <> 0 AND abs({number}) < "
                                        f"{SMALLEST!r}))"))
        named = [self.unit, self.time_column, *numeric]
        cells = ", ".join(f"CAST({quote(c)} AS VARCHAR)" for c in named)
        flags = ", ".join(f"coalesce({sql}, false)" for _, _, sql in bad)
        where = " OR ".join(f"coalesce({sql}, false)" for _, _, sql in bad)
        row = conn.execute(f"SELECT {cells}, {flags} FROM {source} WHERE {where} LIMIT 1",
                           list(params)).fetchone()
        if row is None:
            return
        values = dict(zip(named, row, strict=False))
        what, column = next((b[0], b[1]) for b, flag in zip(bad, row[len(named):], strict=True)
                            if flag)
        raise self._bad_row(what, column, values, request)

    def _check_times(self, conn: duckdb.DuckDBPyConnection, request: FetchRequest) -> None:
        """Every period (or date) of every row is one of the source's kind: the column's
        distinct texts (a few per month) are checked with `qnkpi.periods`' rules, and the
        first bad one is named with a unit it is found for. A NULL is an error too."""
        source, params = self._from()
        text, unit = self._text(), f"min(TRIM(CAST({quote(self.unit)} AS VARCHAR)))"
        if self.date is None:
            rows = conn.execute(f"SELECT {text}, {unit} FROM {source} GROUP BY 1 ORDER BY 1",
                                list(params)).fetchall()
        else:
            rows = conn.execute(f"SELECT min({text}), {unit}, substr({text}, 1, 10), "
                                f"substr({text}, 11, 1) FROM {source} GROUP BY 3, 4 "
                                "ORDER BY 3, 4", list(params)).fetchall()
        found = first_bad_time(rows, self.period, date=self.date is not None)
        if found is None:
            return
        row, message = found
        where = f"table '{self.table}': " if self.table is not None else ""
        code = "no unit" if row[1] is None else f"unit '{row[1]}'"
        raise DataError(f"{where}column '{self.time_column}', a row for {code}: {message}",
                        file=self.path, source=request.source)

    def _year_ok(self, types: dict[str, str], request: FetchRequest) -> str:
        """SQL true where the year column holds a whole number of four digits (DuckDB
        would round 2023.7 to 2024); a column of another type is an error."""
        assert self.year is not None
        year, sql_type = quote(self.year), types[self.year]
        if sql_type.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "U")):
            return f"{year} BETWEEN 1000 AND 9999"
        if sql_type.startswith(("FLOAT", "DOUBLE", "DECIMAL")):
            return f"{year} = floor({year}) AND {year} BETWEEN 1000 AND 9999"
        if sql_type.startswith("VARCHAR"):
            return f"regexp_full_match(trim({year}), '[0-9]{{4}}')"
        raise DataError(f"column '{self.year}' holds {sql_type} values, not years; years "
                        "are whole numbers of four digits, such as 2024", file=self.path,
                        source=request.source)

    def _bad_row(self, what: str, column: str, cells: dict[str, str | None],
                 request: FetchRequest) -> DataError:
        """The error for the first bad row `_check` found (`cells`: its checked cells,
        as text), naming its unit and year."""
        code, year = cells[self.unit], cells[self.time_column]
        where = f"table '{self.table}': " if self.table is not None else ""
        if what == "unit":
            problem = (f"a row for {year if year is not None else 'no year'} has no unit "
                       f"code; fill in column '{self.unit}' or remove the row")
        elif what == "year":
            problem = (f"column '{self.year}': {'NULL' if year is None else repr(year)} for "
                       f"unit '{str(code).strip()}' is not a year; write years as whole "
                       "numbers of four digits, such as 2024 (a year is never rounded)")
        else:
            value = cells[column]
            if what == "text":
                why = ("not a number; store numbers with '.' for decimals and no thousands "
                       "separator, and leave missing values empty (NULL)")
            else:
                why = out_of_range(float(value)) if value is not None else "out of range"
            problem = (f"column '{column}': {value!r} for unit '{str(code).strip()}' in "
                       f"{year} is {why}")
        return DataError(f"{where}{problem}", file=self.path, source=request.source)

    def _known(self, codes: list[str], years: npt.NDArray[np.int64],
               request: FetchRequest) -> None:
        """An unknown unit code is an error naming the code and a year it has rows for
        (rows of a query's result are not rows of a file, so no row number is given)."""
        for code, slot in zip(codes, years.tolist(), strict=True):
            if code in request.units or unicodedata.normalize("NFC", code) in request.units:
                continue
            raise DataError(f"unit code '{code}' (in rows for {request.label(slot)}) is not in "
                            f"the spec's org units{did_you_mean(code, request.units)}; add the "
                            "unit to the org units or correct the code", file=self.path,
                            source=request.source)

    def _panels(self, columns: list[Any], st: Statement,
                request: FetchRequest) -> dict[str, FloatPanel]:
        codes_column = np.ma.asarray(columns[0])
        n = len(codes_column)
        numbers = np.arange(1, n + 1, dtype=np.int64)  # result rows, 1-based
        years = np.ma.asarray(columns[1]).filled(0).astype(np.int64)
        missing = np.ma.getmaskarray(codes_column)
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            raise DataError(f"a row for {request.label(int(years[first]))} has no unit code; "
                            f"fill in column '{self.unit}' or remove the row", file=self.path,
                            source=request.source)
        codes = np.asarray(codes_column.filled(""), dtype=object)
        if n:
            distinct, first_at, inverse = np.unique(codes.astype(str), return_index=True,
                                                    return_inverse=True)
            names = [str(c) for c in distinct]
            self._known(names, years[first_at], request)
            rows = unit_rows(names, request, file=self.path,
                             row_numbers=numbers[first_at])[inverse.reshape(-1)]
        else:
            rows = np.empty(0, dtype=np.int64)
        values = {m.name: np.ma.asarray(col, dtype=np.float64).filled(np.nan)
                  for m, col in zip(st.measures, columns[2:], strict=True)}
        return scatter(rows, years, values, request, file=self.path, row_numbers=numbers)


def _is_numeric(sql_type: str) -> bool:
    return sql_type.startswith(_NUMERIC_TYPES)


def _alias(j: int, m: MeasureRequest) -> str:
    return quote(f"m{j}_{m.name}")


def _aggregate(m: MeasureRequest) -> str:
    if m.aggregate == "count":
        return "COUNT(*)" if m.column is None else f"COUNT({quote(m.column)})"
    assert m.aggregate is not None and m.column is not None
    return f"{_SQL_AGGREGATE[m.aggregate]}(CAST({quote(m.column)} AS DOUBLE))"

