"""What a `spark` source checks before Spark aggregates: that a local path exists, that
the columns are there, and that every row has a unit code and a year (or a period or
date) of the source's kind. Each failure is a `DataError` naming what is wrong."""

from __future__ import annotations

import glob
import os
import re
from typing import TYPE_CHECKING

from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import first_bad_time
from qnkpi.sources.base import FetchRequest
from qnkpi_spark._query import quote

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from qnkpi_spark.source import SparkSource

WILDCARDS = "*?[{"


def require_files(source: SparkSource, request: FetchRequest) -> None:
    """A local path that does not exist is an error before Spark starts."""
    if not source.is_local:
        return
    assert source.path is not None
    text = re.sub(r"^file:(//)?", "", source.path, flags=re.IGNORECASE)
    hint = "check 'path' (relative paths start at the spec file's folder)"
    if any(char in text for char in WILDCARDS):
        if "{" not in text and not glob.glob(text, recursive=True):
            raise DataError(f"no file matches '{source.path}'; {hint}", source=request.source)
    elif not os.path.exists(text):
        raise DataError(f"{source.kind} file not found; {hint}", file=source.path,
                        source=request.source)


def check_columns(source: SparkSource, have: list[str], request: FetchRequest) -> None:
    """Every column the request reads is there; else the columns there are are named."""
    needed = [source.unit, source.time_column, *(m.column or m.name for m in request.measures
                                                  if m.column or m.aggregate is None)]
    for name in needed:
        if name not in have:
            what = "table" if source.table is not None else (
                "files" if any(c in (source.path or "") for c in WILDCARDS) else "data")
            raise DataError(f"no column '{name}'{did_you_mean(name, have)}; the {what} "
                            f"has: {', '.join(have)}{source._where()}", file=source._file(),
                            source=request.source)


def check_rows(source: SparkSource, df: DataFrame, request: FetchRequest) -> None:
    """Any row, of any year, whose unit code is NULL or whose year is not a whole
    number of four digits is an error naming it, as in every source: Spark's cast
    would truncate 2023.7 to 2023, and a NULL year would drop the row. One scan,
    stopped at the first bad row."""
    from pyspark.sql import functions as F

    if source.year is None:
        _check_times(source, df, request)
        return
    unit, raw = F.col(quote(source.unit)), F.col(quote(source.year))
    # NULL for text that is no number, where an ANSI cast would fail (Spark 3.2+)
    number = F.expr(f"try_cast({quote(source.year)} AS DOUBLE)")
    bad_year = (raw.isNull() | number.isNull() | (number != F.floor(number))
                | ~number.between(1000, 9999))
    found = (df.where(unit.isNull() | bad_year)
             .select(unit.cast("string").alias("unit"), raw.cast("string").alias("year"))
             .limit(1).collect())
    if not found:
        return
    code, year = found[0]["unit"], found[0]["year"]
    if code is None:
        problem = (f"a row for {year if year is not None else 'no year'} has no unit "
                   f"code; fill in column '{source.unit}' or remove the row")
    else:
        problem = (f"column '{source.year}': {'NULL' if year is None else repr(year)} for "
                   f"unit '{code.strip()}' is not a year; write years as whole numbers "
                   "of four digits, such as 2024 (a year is never rounded)")
    raise DataError(f"{problem}{source._where()}", file=source._file(), source=request.source)


def _check_times(source: SparkSource, df: DataFrame, request: FetchRequest) -> None:
    """For a source by period (or by date): every row has a unit code, and every
    period (or date) is one of the source's kind: the column's distinct texts (a few
    per month: dates are grouped by their day) are checked with `qnkpi.periods`'
    rules, and the first bad one is named with a unit it is found for."""
    from pyspark.sql import functions as F

    nounit = df.where(F.col(quote(source.unit)).isNull()) \
        .select(F.col(quote(source.time_column)).cast("string")).limit(1).collect()
    if nounit:
        raise DataError(f"a row for {nounit[0][0]} has no unit code; fill in column "
                        f"'{source.unit}' or remove the row{source._where()}",
                        file=source._file(), source=request.source)
    text = F.expr(source._text_sql())
    unit = F.min(F.trim(F.col(quote(source.unit)).cast("string")))
    if source.date is None:
        rows = df.groupBy(text.alias("t")).agg(unit.alias("u")).orderBy("t").collect()
    else:
        rows = (df.groupBy(F.substring(text, 1, 10).alias("d"),
                           F.substring(text, 11, 1).alias("s"))
                .agg(F.min(text).alias("t"), unit.alias("u")).orderBy("d", "s")
                .select("t", "u", "d", "s").collect())
    found = first_bad_time(rows, source.period, date=source.date is not None)
    if found is None:
        return
    row, message = found
    raise DataError(f"column '{source.time_column}', a row for unit '{row[1]}': "
                    f"{message}{source._where()}", file=source._file(), source=request.source)
