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

import glob
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

import numpy as np
from pydantic import AfterValidator, ValidationInfo, model_validator

from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import first_bad_time, slot_sql
from qnkpi.sources import sql
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    PeriodSource,
    scatter,
    unit_rows,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = ["DEFAULT_MASTER", "SparkSource", "Statement", "spark_session"]

Format = Literal["parquet", "csv"]

#: The master used when no Spark application is running and the spec names none.
DEFAULT_MASTER = "local[2]"

_SUFFIXES: dict[str, Format] = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}
#: A URI scheme (`hdfs:`, `s3a:`, `file:`); two letters at least, so `C:` is a drive.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_WILDCARDS = "*?[{"
_FUNCTIONS = {"sum": "sum", "count": "count", "mean": "avg", "min": "min", "max": "max"}
#: Spark configuration set when qnkpi starts Spark itself; `options` override them.
_QUIET = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # a cell that is not a number is an error, not a silent null (Spark 4's default)
    "spark.sql.ansi.enabled": "true",
}
_LOCAL = {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"}


def _quiet_known_warnings() -> None:
    """Hide the warnings of PySpark known to be harmless for what this source does, so
    they do not reach the user's terminal on every run: PySpark 4's FutureWarning that it
    does not yet fully support pandas 3 (this source reads rows with `collect()`, never
    through pandas). Only that message, of that category, from PySpark's modules;
    qnkpi's warnings and PySpark's others are shown as before."""
    warnings.filterwarnings("ignore", message=r"PySpark does not yet fully support pandas",
                            category=FutureWarning, module=r"pyspark(\.|$)")


def _anchor(path: str, info: ValidationInfo) -> str:
    """Relative to the spec's folder, unless a URI (`hdfs://`) or already absolute."""
    base = (info.context or {}).get("base_dir")
    if base is not None and not _SCHEME.match(path) and not Path(path).is_absolute():
        return str(Path(base) / path)
    return path


#: A path, glob or URI in a spec; looked for when data are read, not when the spec is.
PathOrUri = Annotated[str, AfterValidator(_anchor)]
Option = str | int | float | bool


def quote(identifier: str) -> str:
    """A Spark SQL identifier, back-quoted with inner back-quotes doubled."""
    return sql.quote(identifier, mark="`")


class Statement(NamedTuple):
    """One Spark query `SparkSource.fetch` runs, written as the equivalent SQL."""

    sql: str
    measures: list[MeasureRequest]
    grouped: bool


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
            cols = ", ".join(f"{_aggregate_sql(m)} AS {quote(m.name)}" for m in records)
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
        self._check_columns(df.columns, request)
        self._check_rows(df, request)
        unit = F.trim(F.col(quote(self.unit)).cast("string"))
        year = (F.col(quote(self.year)).cast("int") if self.year is not None
                else F.expr(self._keys_sql()[1]))
        rows = df.where(year.between(int(request.slots[0]), int(request.slots[-1])))
        out = []
        for st in self.statements(request):
            if st.grouped:
                aggs = [_aggregate(m).alias(m.name) for m in st.measures]
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
        _quiet_known_warnings()
        self._require_files(request)
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

    def _require_files(self, request: FetchRequest) -> None:
        """A local path that does not exist is an error before Spark starts."""
        if not self.is_local:
            return
        assert self.path is not None
        text = re.sub(r"^file:(//)?", "", self.path, flags=re.IGNORECASE)
        hint = "check 'path' (relative paths start at the spec file's folder)"
        if any(char in text for char in _WILDCARDS):
            if "{" not in text and not glob.glob(text, recursive=True):
                raise DataError(f"no file matches '{self.path}'; {hint}", source=request.source)
        elif not os.path.exists(text):
            raise DataError(f"{self.kind} file not found; {hint}", file=self.path,
                            source=request.source)

    def _check_columns(self, have: list[str], request: FetchRequest) -> None:
        needed = [self.unit, self.time_column, *(m.column or m.name for m in request.measures
                                          if m.column or m.aggregate is None)]
        for name in needed:
            if name not in have:
                what = "table" if self.table is not None else (
                    "files" if any(c in (self.path or "") for c in _WILDCARDS) else "data")
                raise DataError(f"no column '{name}'{did_you_mean(name, have)}; the {what} "
                                f"has: {', '.join(have)}{self._where()}", file=self._file(),
                                source=request.source)

    def _check_rows(self, df: DataFrame, request: FetchRequest) -> None:
        """Any row, of any year, whose unit code is NULL or whose year is not a whole
        number of four digits is an error naming it, as in every source: Spark's cast
        would truncate 2023.7 to 2023, and a NULL year would drop the row. One scan,
        stopped at the first bad row."""
        from pyspark.sql import functions as F

        if self.year is None:
            self._check_times(df, request)
            return
        unit, raw = F.col(quote(self.unit)), F.col(quote(self.year))
        # NULL for text that is no number, where an ANSI cast would fail (Spark 3.2+)
        number = F.expr(f"try_cast({quote(self.year)} AS DOUBLE)")
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
                       f"code; fill in column '{self.unit}' or remove the row")
        else:
            problem = (f"column '{self.year}': {'NULL' if year is None else repr(year)} for "
                       f"unit '{code.strip()}' is not a year; write years as whole numbers "
                       "of four digits, such as 2024 (a year is never rounded)")
        raise DataError(f"{problem}{self._where()}", file=self._file(), source=request.source)

    def _check_times(self, df: DataFrame, request: FetchRequest) -> None:
        """For a source by period (or by date): every row has a unit code, and every
        period (or date) is one of the source's kind: the column's distinct texts (a few
        per month: dates are grouped by their day) are checked with `qnkpi.periods`'
        rules, and the first bad one is named with a unit it is found for."""
        from pyspark.sql import functions as F

        nounit = df.where(F.col(quote(self.unit)).isNull()) \
            .select(F.col(quote(self.time_column)).cast("string")).limit(1).collect()
        if nounit:
            raise DataError(f"a row for {nounit[0][0]} has no unit code; fill in column "
                            f"'{self.unit}' or remove the row{self._where()}",
                            file=self._file(), source=request.source)
        text = F.expr(self._text_sql())
        unit = F.min(F.trim(F.col(quote(self.unit)).cast("string")))
        if self.date is None:
            rows = df.groupBy(text.alias("t")).agg(unit.alias("u")).orderBy("t").collect()
        else:
            rows = (df.groupBy(F.substring(text, 1, 10).alias("d"),
                               F.substring(text, 11, 1).alias("s"))
                    .agg(F.min(text).alias("t"), unit.alias("u")).orderBy("d", "s")
                    .select("t", "u", "d", "s").collect())
        found = first_bad_time(rows, self.period, date=self.date is not None)
        if found is None:
            return
        row, message = found
        raise DataError(f"column '{self.time_column}', a row for unit '{row[1]}': "
                        f"{message}{self._where()}", file=self._file(), source=request.source)

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


def _aggregate_sql(m: MeasureRequest) -> str:
    if m.aggregate == "count":
        return "count(*)" if m.column is None else f"count({quote(m.column)})"
    assert m.aggregate is not None and m.column is not None
    return f"{_FUNCTIONS[m.aggregate]}(CAST({quote(m.column)} AS DOUBLE))"


def _aggregate(m: MeasureRequest) -> Column:
    """The Spark aggregate of `m`, as `_aggregate_sql` writes it."""
    from pyspark.sql import functions as F

    if m.aggregate == "count":
        return F.count(F.lit(1)) if m.column is None else F.count(F.col(quote(m.column)))
    assert m.aggregate is not None and m.column is not None
    value = F.col(quote(m.column)).cast("double")
    functions = {"sum": F.sum, "mean": F.avg, "min": F.min, "max": F.max}
    return functions[m.aggregate](value)


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


def _text(value: Option) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def spark_session(master: str | None, options: Mapping[str, Option], *,
                  source: str | None = None) -> SparkSession:
    """The SparkSession to read with: the running one if there is one (a process holds one
    Spark application), else a new, quiet one on `master` (default `local[2]`).

    A running session on another master than the one asked for is a
    [`DataError`][qnkpi.errors.DataError]; `options` are applied to a running session
    where Spark allows it (SQL settings)."""
    _quiet_known_warnings()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        running = active.sparkContext.master
        if master is not None and master != running:
            raise DataError(f"Spark is already running with master '{running}', and one "
                            f"process runs one Spark application; set 'master: {running}' "
                            "(or remove 'master') on every spark source", source=source)
        for key, value in options.items():
            if active.conf.get(key, None) != _text(value):
                try:
                    active.conf.set(key, _text(value))
                except Exception:
                    raise DataError(f"option '{key}' cannot be changed in the running Spark "
                                    "application; set it where Spark is started (spark-submit "
                                    "--conf, spark-defaults.conf)", source=source) from None
        return active
    chosen = master or DEFAULT_MASTER
    logging = Path(__file__).with_name("log4j2.properties")
    conf = {**_QUIET, **(_LOCAL if chosen.startswith("local") else {}),
            "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={logging.as_uri()}",
            **{k: _text(v) for k, v in options.items()}}
    builder = SparkSession.builder.master(chosen).appName("qnkpi")
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    _quiet_loggers(spark)
    return spark


def _quiet_loggers(spark: SparkSession) -> None:
    """Spark logs a Java stack trace as a warning when a path has no metadata folder;
    a missing path is reported as a [`DataError`][qnkpi.errors.DataError] instead."""
    try:
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        level = jvm.org.apache.logging.log4j.Level.ERROR
        jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
            "org.apache.spark.sql.execution.streaming", level)
    except Exception:  # another logging backend: keep Spark's defaults
        pass
