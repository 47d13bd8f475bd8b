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
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import field_validator, model_validator
from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import slot_sql
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

from qnkpi_duckdb._checks import check

__all__ = ["DuckdbSource", "Statement"]

Format = Literal["csv", "parquet", "duckdb"]

_SQL_AGGREGATE = {"sum": "SUM", "count": "COUNT", "mean": "AVG", "min": "MIN", "max": "MAX"}
_SUFFIXES: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
    ".duckdb": "duckdb", ".ddb": "duckdb",
}
_READERS = {"csv": "read_csv_auto", "parquet": "read_parquet"}
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
                check(self, conn, request)
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


def _alias(j: int, m: MeasureRequest) -> str:
    return quote(f"m{j}_{m.name}")


def _aggregate(m: MeasureRequest) -> str:
    if m.aggregate == "count":
        return "COUNT(*)" if m.column is None else f"COUNT({quote(m.column)})"
    assert m.aggregate is not None and m.column is not None
    return f"{_SQL_AGGREGATE[m.aggregate]}(CAST({quote(m.column)} AS DOUBLE))"

