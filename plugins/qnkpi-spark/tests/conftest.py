"""One real SparkSession (local[2]) for the whole test run, so the JVM starts once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def _java_missing() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is None and not (home and os.path.exists(home))


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The session every spark source of the tests reuses (``getActiveSession``), with its
    SQL warehouse in a temporary folder: Spark would make ``spark-warehouse/`` in the
    working directory, and leave it there."""
    pytest.importorskip("pyspark")
    if _java_missing():
        pytest.skip("Spark needs Java, and no java is installed")
    from pyspark.sql import SparkSession

    from qnkpi_spark import spark_session

    # a session started before (by another test folder) keeps its warehouse, which such a
    # test must put in a temporary folder too
    options = {} if SparkSession.getActiveSession() is not None else {
        "spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("spark-warehouse"))}
    session = spark_session("local[2]", options)
    yield session
    session.stop()
