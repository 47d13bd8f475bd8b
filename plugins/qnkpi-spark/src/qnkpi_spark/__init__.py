"""qnkpi plugin: source type `spark` — Parquet and CSV files (local, HDFS, S3, or globs
of them) and tables of the Spark catalog, with record-level rows aggregated by Apache
Spark in one `groupBy(unit, year).agg(...)` per source.

Installed, it is found through the `qnkpi` entry point group; `qnkpi plugins` lists
`spark`. PySpark is imported, and the JVM started, only when data are read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi import hookimpl
from qnkpi_spark.source import SparkSource, spark_session

__all__ = ["SparkSource", "register_source_types", "spark_session"]
__version__ = "0.1.0"


@hookimpl
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register the `spark` source type."""
    register(SparkSource)
