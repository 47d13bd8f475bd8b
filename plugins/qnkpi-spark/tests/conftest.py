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
def spark() -> Iterator[Any]:
    """The session every spark source of the tests reuses (``getActiveSession``)."""
    pytest.importorskip("pyspark")
    if _java_missing():
        pytest.skip("Spark needs Java, and no java is installed")
    from qnkpi_spark import spark_session

    session = spark_session("local[2]", {})
    yield session
    session.stop()
