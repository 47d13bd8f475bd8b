"""The SQL of an `sql` source, built with SQLAlchemy Core: the table or query read, each
row's unit code and year (or slot, from the text of its period or date), and each
measure's aggregate. SQLAlchemy is imported when a statement is built."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from qnkpi.sources.base import MeasureRequest

if TYPE_CHECKING:
    from sqlalchemy.sql import ColumnElement, FromClause, Select
    from sqlalchemy.sql.expression import ColumnClause

    from qnkpi_sql.source import SqlSource

# a colon SQLAlchemy's text() would read as a bind parameter (":name", not "::cast")
_TEXT_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")
_FUNCTIONS = {"sum": "sum", "count": "count", "mean": "avg", "min": "min", "max": "max"}


class SqlStatement(NamedTuple):
    """One statement `SqlSource.fetch` runs: an SQLAlchemy `Select`, the
    measures its value columns hold (in order), and whether it groups records."""

    select: Select[Any]
    measures: list[MeasureRequest]
    grouped: bool


def from_clause(source: SqlSource, columns: Sequence[str]) -> FromClause:
    """The source's table, or its query as a subquery, with `columns` declared."""
    import sqlalchemy as sa
    from sqlalchemy.sql.elements import quoted_name

    cols: list[ColumnClause[Any]] = [sa.column(quoted_name(c, True))
                                     for c in dict.fromkeys(columns)]
    if source.table is not None:
        *schema, name = source.table.split(".")
        return sa.table(quoted_name(name, True), *cols,
                        schema=quoted_name(schema[0], True) if schema else None)
    assert source.query is not None
    # escape colons text() would take for bind parameters: the query binds nothing
    return sa.text(_TEXT_BIND.sub(r"\\:", source.query)).columns(*cols).subquery("q")


def keys(source: SqlSource, src: FromClause) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """SQL: a row's unit code (trimmed text) and its year (or slot)."""
    import sqlalchemy as sa

    # codes are text, whatever the column's type, and " 193" is "193"; years integers
    unit = sa.func.trim(sa.cast(src.c[source.unit], sa.String()))
    if source.year is not None:
        return unit, sa.cast(src.c[source.year], sa.Integer())
    return unit, _slot(source, time_text(source, src))


def time_text(source: SqlSource, src: FromClause) -> ColumnElement[Any]:
    """SQL: the trimmed text of a row's period or date."""
    import sqlalchemy as sa

    return sa.func.trim(sa.cast(src.c[source.time_column], sa.String()))


def _slot(source: SqlSource, text: ColumnElement[Any]) -> ColumnElement[Any]:
    """SQL: a row's slot from the text of its period (`2025-06`, `2025-Q2`,
    `2025-H1`) or date (`2025-06-14`); constants are written as literals, so that
    the expression is the same in SELECT and GROUP BY."""
    import sqlalchemy as sa

    from qnkpi.periods import KINDS

    def number(value: int) -> ColumnElement[Any]:
        return sa.literal_column(str(value), sa.Integer())

    def part(start: int, length: int | None = None) -> ColumnElement[Any]:
        args = (number(start),) if length is None else (number(start), number(length))
        return sa.cast(sa.func.substr(text, *args), sa.Integer())

    year = part(1, 4)
    if source.period == "year":
        return year
    if source.date is not None:
        month = part(6, 2) - number(1)
        per = {"month": 1, "quarter": 3, "half": 6}[source.period]
        index = month if per == 1 else month // number(per)
    else:
        index = part(6 if source.period == "month" else 7) - number(1)
    slot: ColumnElement[Any] = year * number(KINDS[source.period]) + index
    return slot


def aggregate(m: MeasureRequest, src: FromClause) -> ColumnElement[Any]:
    """SQL: the aggregate of a record-level measure."""
    import sqlalchemy as sa

    if m.aggregate == "count" and m.column is None:
        return sa.func.count()  # COUNT(*)
    assert m.aggregate is not None and m.column is not None
    fn: ColumnElement[Any] = getattr(sa.func, _FUNCTIONS[m.aggregate])(src.c[m.column])
    return fn
