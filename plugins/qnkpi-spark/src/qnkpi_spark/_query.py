"""The Spark SQL a `spark` source amounts to: identifiers quoted, the statements `fetch`
runs, and each measure's aggregate, written as SQL (for `--explain`) and as the
DataFrame column that does the same."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from qnkpi.sources import sql
from qnkpi.sources.base import MeasureRequest

if TYPE_CHECKING:
    from pyspark.sql import Column

_FUNCTIONS = {"sum": "sum", "count": "count", "mean": "avg", "min": "min", "max": "max"}


def quote(identifier: str) -> str:
    """A Spark SQL identifier, back-quoted with inner back-quotes doubled."""
    return sql.quote(identifier, mark="`")


class Statement(NamedTuple):
    """One Spark query `SparkSource.fetch` runs, written as the equivalent SQL."""

    sql: str
    measures: list[MeasureRequest]
    grouped: bool


def aggregate_sql(m: MeasureRequest) -> str:
    """The Spark SQL aggregate of `m`."""
    if m.aggregate == "count":
        return "count(*)" if m.column is None else f"count({quote(m.column)})"
    assert m.aggregate is not None and m.column is not None
    return f"{_FUNCTIONS[m.aggregate]}(CAST({quote(m.column)} AS DOUBLE))"


def aggregate(m: MeasureRequest) -> Column:
    """The Spark aggregate of `m`, as `aggregate_sql` writes it."""
    from pyspark.sql import functions as F

    if m.aggregate == "count":
        return F.count(F.lit(1)) if m.column is None else F.count(F.col(quote(m.column)))
    assert m.aggregate is not None and m.column is not None
    value = F.col(quote(m.column)).cast("double")
    functions = {"sum": F.sum, "mean": F.avg, "min": F.min, "max": F.max}
    return functions[m.aggregate](value)
