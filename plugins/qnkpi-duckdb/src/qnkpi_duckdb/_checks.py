"""What a `duckdb` source checks before DuckDB aggregates, in one scan of the rows: the
table and columns are there, every row has a unit code and a year of four digits (or a
period or date of the source's kind), and every value a measure reads is a number within
qnkpi's range. The first bad row is named, with its unit and year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import first_bad_time
from qnkpi.sources._numbers import LARGEST, SMALLEST, out_of_range
from qnkpi.sources.base import FetchRequest
from qnkpi.sources.sql import quote

if TYPE_CHECKING:
    import duckdb

    from qnkpi_duckdb.source import DuckdbSource

_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                  "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE",
                  "DECIMAL", "BOOLEAN")
#: Types whose values all lie within qnkpi's range (`LARGEST`): their rows need no range check.
_BOUNDED = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER")


def check(source: DuckdbSource, conn: duckdb.DuckDBPyConnection,
          request: FetchRequest) -> None:
    """Columns that do not exist are errors; so is any row, of any year, whose unit
    code is NULL, whose year is not a whole number of four digits (DuckDB would round
    2023.7 to 2024), or whose value is text or outside qnkpi's range (the csv
    source's bound). DuckDB checks every row in one scan; the first bad one is named."""
    if source.table is not None:
        tables = [str(r[0]) for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN "
            "('information_schema', 'pg_catalog') ORDER BY table_name").fetchall()]
        if source.table not in tables:
            raise DataError(f"no table '{source.table}'{did_you_mean(source.table, tables)}; "
                            f"the database has: {', '.join(tables) or 'no tables'}",
                            file=source.path, source=request.source)
    from_sql, params = source._from()
    described = conn.execute(f"SELECT * FROM {from_sql} LIMIT 0", list(params)).description
    types = {str(d[0]): str(d[1]).upper() for d in described or ()}
    have = list(types)
    needed = [source.unit, source.time_column,
              *(m.column for m in request.measures if m.column)]
    for name in needed:
        if name not in types:
            what = ("table" if source.table else "query" if source.query
                    else "file" if "*" not in str(source.path) else "files")
            raise DataError(f"no column '{name}'{did_you_mean(name, have)}; the {what} "
                            f"has: {', '.join(have)}", file=source.path, source=request.source)
    numeric = sorted({m.column for m in request.measures
                      if m.column and m.aggregate != "count"})
    if source.year is None:
        _check_times(source, conn, request)
    unit = quote(source.unit)
    # (what is wrong, column, SQL true for a bad row): one scan finds the first
    bad = [("unit", source.unit, f"{unit} IS NULL")]
    if source.year is not None:
        year = quote(source.year)
        bad.append(("year", source.year,
                    f"{year} IS NULL OR NOT ({_year_ok(source, types, request)})"))
    for c in numeric:
        number = f"TRY_CAST({quote(c)} AS DOUBLE)"
        if not _is_numeric(types[c]):
            bad.append(("text", c, f"{quote(c)} IS NOT NULL AND {number} IS NULL"))
        if types[c] not in _BOUNDED:  # no value of these types is out of range
            bad.append(("range", c, f"NOT isnan({number}) AND (abs({number}) > "
                                    f"{LARGEST!r} OR ({number} <> 0 AND abs({number}) < "
                                    f"{SMALLEST!r}))"))
    named = [source.unit, source.time_column, *numeric]
    cells = ", ".join(f"CAST({quote(c)} AS VARCHAR)" for c in named)
    flags = ", ".join(f"coalesce({sql}, false)" for _, _, sql in bad)
    where = " OR ".join(f"coalesce({sql}, false)" for _, _, sql in bad)
    row = conn.execute(f"SELECT {cells}, {flags} FROM {from_sql} WHERE {where} LIMIT 1",
                       list(params)).fetchone()
    if row is None:
        return
    values = dict(zip(named, row, strict=False))
    what, column = next((b[0], b[1]) for b, flag in zip(bad, row[len(named):], strict=True)
                        if flag)
    raise _bad_row(source, what, column, values, request)


def _check_times(source: DuckdbSource, conn: duckdb.DuckDBPyConnection,
                 request: FetchRequest) -> None:
    """Every period (or date) of every row is one of the source's kind: the column's
    distinct texts (a few per month) are checked with `qnkpi.periods`' rules, and the
    first bad one is named with a unit it is found for. A NULL is an error too."""
    from_sql, params = source._from()
    text, unit = source._text(), f"min(TRIM(CAST({quote(source.unit)} AS VARCHAR)))"
    if source.date is None:
        rows = conn.execute(f"SELECT {text}, {unit} FROM {from_sql} GROUP BY 1 ORDER BY 1",
                            list(params)).fetchall()
    else:
        rows = conn.execute(f"SELECT min({text}), {unit}, substr({text}, 1, 10), "
                            f"substr({text}, 11, 1) FROM {from_sql} GROUP BY 3, 4 "
                            "ORDER BY 3, 4", list(params)).fetchall()
    found = first_bad_time(rows, source.period, date=source.date is not None)
    if found is None:
        return
    row, message = found
    where = f"table '{source.table}': " if source.table is not None else ""
    code = "no unit" if row[1] is None else f"unit '{row[1]}'"
    raise DataError(f"{where}column '{source.time_column}', a row for {code}: {message}",
                    file=source.path, source=request.source)


def _year_ok(source: DuckdbSource, types: dict[str, str], request: FetchRequest) -> str:
    """SQL true where the year column holds a whole number of four digits (DuckDB
    would round 2023.7 to 2024); a column of another type is an error."""
    assert source.year is not None
    year, sql_type = quote(source.year), types[source.year]
    if sql_type.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "U")):
        return f"{year} BETWEEN 1000 AND 9999"
    if sql_type.startswith(("FLOAT", "DOUBLE", "DECIMAL")):
        return f"{year} = floor({year}) AND {year} BETWEEN 1000 AND 9999"
    if sql_type.startswith("VARCHAR"):
        return f"regexp_full_match(trim({year}), '[0-9]{{4}}')"
    raise DataError(f"column '{source.year}' holds {sql_type} values, not years; years "
                    "are whole numbers of four digits, such as 2024", file=source.path,
                    source=request.source)


def _bad_row(source: DuckdbSource, what: str, column: str,
             cells: dict[str, str | None], request: FetchRequest) -> DataError:
    """The error for the first bad row `check` found (`cells`: its checked cells,
    as text), naming its unit and year."""
    code, year = cells[source.unit], cells[source.time_column]
    where = f"table '{source.table}': " if source.table is not None else ""
    if what == "unit":
        problem = (f"a row for {year if year is not None else 'no year'} has no unit "
                   f"code; fill in column '{source.unit}' or remove the row")
    elif what == "year":
        problem = (f"column '{source.year}': {'NULL' if year is None else repr(year)} for "
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
    return DataError(f"{where}{problem}", file=source.path, source=request.source)


def _is_numeric(sql_type: str) -> bool:
    return sql_type.startswith(_NUMERIC_TYPES)
