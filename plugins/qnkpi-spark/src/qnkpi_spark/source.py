"""`spark`: Parquet and CSV files (or globs of them, local or on HDFS/S3) and tables of
the Spark catalog; Apache Spark does the aggregation.

Keys, beside `type: spark`:

- `path`: A Parquet or CSV file, a folder of them (as Spark writes them), or a glob
  (`records/*.parquet`). Relative to the spec's folder unless it has a URI scheme
  (`hdfs://`, `s3a://`, `abfss://`, `file://`).
- `format`: `parquet` or `csv`. Default: from the suffix of `path`.
- `table`: Instead of `path`: a table or view of the session's catalog (`db.table`).
- `master`: The Spark master: `local[2]`, `spark://host:7077`, `yarn`, ... Default: the
  running Spark application's if qnkpi runs inside one, else `local[2]`.
- `options`: Extra Spark configuration, such as `spark.executor.memory: 4g`.
- `unit`: The column of unit codes (read as text, trimmed).
- `year`: The column of years (read as integers).
- `period`, `period_column`, `date`: For a source that reports by `half`, `quarter` or
  `month`: the column of periods (`2025-H1`, `2025-Q2`, `2025-06`) or of dates (a date,
  a timestamp or ISO text). A yearly source may give `date` instead of `year`.

For one fetch, all record-level measures of the source (those with `aggregate`) are
computed by one `filter(year between first and last).groupBy(unit, year).agg(...)` in
Spark, and all table-shaped measures by one `select`; only the aggregated rows come
back to Python. A source by period groups by unit and *slot* (`year x per_year +
index`, as [`qnkpi.periods`][qnkpi.periods] counts), computed by Spark from the text of
the period or date, after the column's distinct texts are checked. CSV files are read
with a header and every column as text, so codes such as `06652` keep their leading
zeros; null (an empty CSV cell) is missing, never zero.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, ValidationInfo, model_validator

from qnkpi.errors import DataError
from qnkpi.periods import slot_sql
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    PeriodSource,
    scatter,
    unit_rows,
)
from qnkpi_spark._checks import check_columns, check_rows, require_files
from qnkpi_spark._query import Statement, aggregate, aggregate_sql, quote
from qnkpi_spark._session import DEFAULT_MASTER, Option, quiet_known_warnings, spark_session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["DEFAULT_MASTER", "SparkSource", "Statement", "spark_session"]

Format = Literal["parquet", "csv"]

_SUFFIXES: dict[str, Format] = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}
#: A URI scheme (`hdfs:`, `s3a:`, `file:`); two letters at least, so `C:` is a drive.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def _anchor(path: str, info: ValidationInfo) -> str:
    """Relative to the spec's folder, unless a URI (`hdfs://`) or already absolute."""
    base = (info.context or {}).get("base_dir")
    if base is not None and not _SCHEME.match(path) and not Path(path).is_absolute():
        return str(Path(base) / path)
    return path


#: A path, glob or URI in a spec; looked for when data are read, not when the spec is.
PathOrUri = Annotated[str, AfterValidator(_anchor)]


class SparkSource(PeriodSource):
    """Rows of Parquet or CSV files (`path`, maybe a glob or an HDFS/S3 URI) or of a
    catalog `table`; Spark aggregates record-level measures by unit and year in one
    `groupBy(...).agg(...)` per source, and only the aggregates come back."""

    type: Literal["spark"]
    path: PathOrUri | None = None
    format: Format | None = None
    table: str | None = None
    master: str | None = None
    options: dict[str, Option] = {}

    @model_validator(mode="after")
    def _check_keys(self) -> SparkSource:
        if (self.path is None) == (self.table is None):
            raise ValueError("a spark source needs exactly one of 'path' (files) or 'table' "
                             "(a table of the Spark catalog)")
        if self.table is not None and self.format is not None:
            raise ValueError("'format' is for files given by 'path'; remove it for a 'table'")
        if self.path is not None:
            self.kind  # noqa: B018 - fail when the spec is read, not when data are
        return self

    @property
    def kind(self) -> Format | None:
        """What `path` holds: `format` if given, else what its suffix says; None for a
        `table`."""
        if self.path is None:
            return None
        if self.format is not None:
            return self.format
        name = self.path.rstrip("/").rsplit("/", 1)[-1].lower()
        for suffix in (".gz", ".bz2", ".snappy", ".zst"):
            name = name.removesuffix(suffix)
        found = _SUFFIXES.get(Path(name).suffix)
        if found is None:
            raise ValueError(f"cannot tell the format of '{name}' from its suffix; add "
                             "'format: parquet' or 'format: csv'")
        return found

    @property
    def is_local(self) -> bool:
        """Whether `path` is on this machine's file system (no URI scheme, or file://)."""
        return self.path is not None and (not _SCHEME.match(self.path)
                                          or self.path.lower().startswith("file:"))

    # -- the queries, as SQL -----------------------------------------------------------

    def _from_sql(self) -> str:
        if self.table is not None:
            return self.table
        assert self.path is not None
        text = f"{self.kind}.{quote(self.path)}"
        return text + (" /* header, every column read as text */" if self.kind == "csv" else "")

    def _keys_sql(self) -> tuple[str, str]:
        unit = f"trim(CAST({quote(self.unit)} AS STRING))"
        if self.year is not None:
            return unit, f"CAST({quote(self.year)} AS INT)"
        # a period (2025-06) or a date (2025-06-14, a date, a timestamp): from its text
        return unit, slot_sql(self._text_sql(), self.period, date=self.date is not None,
                              integer="INT", div="div")

    def _text_sql(self) -> str:
        """Spark SQL: the trimmed text of a row's period or date."""
        return f"trim(CAST({quote(self.time_column)} AS STRING))"

    def statements(self, request: FetchRequest) -> list[Statement]:
        """What `fetch` asks Spark for, as the Spark SQL its DataFrame operations
        amount to: at most one plain select for the measures read as they are and one
        `GROUP BY unit, year` (`unit, slot` for a source by period) for all
        record-level measures. Unit codes are not filtered: an unknown code is an error."""
        unit, year = self._keys_sql()
        first, last = int(request.slots[0]), int(request.slots[-1])
        where = f"WHERE {year} BETWEEN {first} AND {last}"
        keys = f"{unit} AS unit, {year} AS {'year' if self.year is not None else 'slot'}"
        out = []
        tables = [m for m in request.measures if m.aggregate is None]
        if tables:
            cols = ", ".join(f"CAST({quote(m.column or m.name)} AS DOUBLE) AS {quote(m.name)}"
                             for m in tables)
            out.append(Statement(f"SELECT {keys}, {cols} FROM {self._from_sql()} {where}",
                                 tables, grouped=False))
        records = [m for m in request.measures if m.aggregate is not None]
        if records:
            cols = ", ".join(f"{aggregate_sql(m)} AS {quote(m.name)}" for m in records)
            out.append(Statement(f"SELECT {keys}, {cols} FROM {self._from_sql()} {where} "
                                 f"GROUP BY {unit}, {year}", records, grouped=True))
        return out

    def explain(self, request: FetchRequest) -> str:
        """The Spark SQL equivalent of what `fetch` runs; Spark is not started."""
        master = self.master or f"the running application's, else {DEFAULT_MASTER}"
        lines = [f"-- Spark (master: {master}); DataFrame operations equivalent to:"]
        lines += [f"{st.sql};" for st in self.statements(request)]
        return "\n".join(lines)

    # -- the queries, as DataFrames ----------------------------------------------------

    def _read(self, spark: SparkSession) -> DataFrame:
        if self.table is not None:
            return spark.table(self.table)
        assert self.path is not None
        if self.kind == "csv":
            return spark.read.csv(self.path, header=True, inferSchema=False)
        return spark.read.parquet(self.path)

    def frames(self, spark: SparkSession,
               request: FetchRequest) -> list[tuple[Statement, DataFrame]]:
        """The DataFrames `fetch` collects, one per `statements` entry.
        Checks first that the columns exist."""
        from pyspark.sql import functions as F

        df = self._read(spark)
        check_columns(self, df.columns, request)
        check_rows(self, df, request)
        unit = F.trim(F.col(quote(self.unit)).cast("string"))
        year = (F.col(quote(self.year)).cast("int") if self.year is not None
                else F.expr(self._keys_sql()[1]))
        rows = df.where(year.between(int(request.slots[0]), int(request.slots[-1])))
        out = []
        for st in self.statements(request):
            if st.grouped:
                aggs = [aggregate(m).alias(m.name) for m in st.measures]
                frame = rows.groupBy(unit.alias("unit"), year.alias("year")).agg(*aggs)
            else:
                cols = [F.col(quote(m.column or m.name)).cast("double").alias(m.name)
                        for m in st.measures]
                frame = rows.select(unit.alias("unit"), year.alias("year"), *cols)
            out.append((st, frame))
        return out

    # -- running -----------------------------------------------------------------------

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """One panel per requested measure, aggregated by Spark."""
        quiet_known_warnings()
        require_files(self, request)
        try:
            from pyspark.errors import PySparkException
        except ImportError:
            raise DataError("the spark source needs PySpark: pip install pyspark",
                            source=request.source) from None
        try:
            from py4j.protocol import Py4JError
        except ImportError:  # pragma: no cover - py4j comes with pyspark
            Py4JError = PySparkException

        out: dict[str, FloatPanel] = {}
        try:
            spark = spark_session(self.master, self.options, source=request.source)
            for st, frame in self.frames(spark, request):
                rows = frame.collect()
                out.update(self._panels(rows, st, request))
        except (PySparkException, Py4JError) as exc:
            raise self._error(exc, request) from None
        return out

    def _file(self) -> str | None:
        """The path to name in errors: local paths as files; URIs are named in messages
        (as a file name, `hdfs://nn/x` would lose a slash)."""
        return self.path if self.is_local else None

    def _where(self) -> str:
        return "" if self.is_local or self.path is None else f" (path '{self.path}')"

    def _error(self, exc: Exception, request: FetchRequest) -> DataError:
        detail = _message(exc)
        if "CAST_INVALID_INPUT" in detail or "cannot be cast" in detail:
            hint = ("; a cell is not a number (or a year is not a whole number): store "
                    "numbers with '.' for decimals, and missing values as empty cells or null")
        elif "PATH_NOT_FOUND" in detail or "does not exist" in detail:
            hint = "; check 'path' (and that the cluster can read it)"
        elif "TABLE_OR_VIEW_NOT_FOUND" in detail:
            hint = "; check 'table' (and the session's catalog and database)"
        elif "JAVA_GATEWAY" in detail or "Java gateway" in detail:
            hint = ("; Spark needs Java 17 or later: install it, or set JAVA_HOME to it")
        else:
            hint = ""
        return DataError(f"Spark: {detail}{hint}{self._where()}", file=self._file(),
                         source=request.source)

    def _panels(self, rows: list[Any], st: Statement,
                request: FetchRequest) -> dict[str, FloatPanel]:
        n = len(rows)
        numbers = np.arange(1, n + 1, dtype=np.int64)  # result rows, 1-based
        for row in rows:
            if row[0] is None:
                raise DataError(f"a row for {request.label(int(row[1]))} has no unit code; "
                                f"fill in column "
                                f"'{self.unit}' or remove the row", file=self._file(),
                                source=request.source)
        codes = [str(row[0]) for row in rows]
        years = np.array([row[1] for row in rows], dtype=np.int64)
        if n:
            distinct, first_at, inverse = np.unique(np.array(codes, dtype=str),
                                                    return_index=True, return_inverse=True)
            units = unit_rows([str(c) for c in distinct], request, file=self._file(),
                              row_numbers=numbers[first_at])[inverse.reshape(-1)]
        else:
            units = np.empty(0, dtype=np.int64)
        values = {m.name: np.array([np.nan if row[2 + j] is None else float(row[2 + j])
                                    for row in rows], dtype=np.float64)
                  for j, m in enumerate(st.measures)}
        return scatter(units, years, values, request, file=self._file(), row_numbers=numbers)


def _message(exc: Exception) -> str:
    """The first lines of a Spark error, without the JVM's stack trace."""
    text = ""
    java = getattr(exc, "java_exception", None)
    if java is not None:
        try:
            text = str(java.getMessage() or java.toString())
        except Exception:  # the JVM may be gone
            text = ""
    if not text:
        text = str(exc)
    text = text.split("JVM stacktrace:")[0]
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(("at ", "== ", "Caused by", "...")):
            break
        lines.append(stripped)
        if len(lines) == 2:
            break
    return " ".join(lines) or type(exc).__name__
