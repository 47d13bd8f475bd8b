"""The SparkSession a `spark` source reads with: the running one, or a new, quiet one on
the spec's master; and the PySpark warnings and Spark logs kept from the terminal."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from qnkpi.errors import DataError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: The master used when no Spark application is running and the spec names none.
DEFAULT_MASTER = "local[2]"

Option = str | int | float | bool

#: Spark configuration set when qnkpi starts Spark itself; `options` override them.
_QUIET = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # a cell that is not a number is an error, not a silent null (Spark 4's default)
    "spark.sql.ansi.enabled": "true",
}
_LOCAL = {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"}


def quiet_known_warnings() -> None:
    """Hide the warnings of PySpark known to be harmless for what this source does, so
    they do not reach the user's terminal on every run: PySpark 4's FutureWarning that it
    does not yet fully support pandas 3 (this source reads rows with `collect()`, never
    through pandas). Only that message, of that category, from PySpark's modules;
    qnkpi's warnings and PySpark's others are shown as before."""
    warnings.filterwarnings("ignore", message=r"PySpark does not yet fully support pandas",
                            category=FutureWarning, module=r"pyspark(\.|$)")


def _text(value: Option) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def spark_session(master: str | None, options: Mapping[str, Option], *,
                  source: str | None = None) -> SparkSession:
    """The SparkSession to read with: the running one if there is one (a process holds one
    Spark application), else a new, quiet one on `master` (default `local[2]`).

    A running session on another master than the one asked for is a
    [`DataError`][qnkpi.errors.DataError]; `options` are applied to a running session
    where Spark allows it (SQL settings)."""
    quiet_known_warnings()
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
