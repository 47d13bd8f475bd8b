"""The `sqlite` source's time column when it holds periods or dates.

SQLite groups rows by *slot* (see [`qnkpi.periods`][qnkpi.periods]) computed in SQL from
the text: `2025-06` is `2025 * 12 + 6 - 1`, `2025-Q2` is `2025 * 4 + 2 - 1`, the date
`2025-06-14` is its month's (quarter's, half's, year's) slot. The arithmetic is exact
only for texts qnkpi reads as periods (or dates), so before any of it runs the column's
distinct values are read and checked with the same rules as the other sources
([`qnkpi.sources._slots`][qnkpi.sources._slots]); the first row holding a bad one is
named. Dates are read from their text (`SUBSTR`), never by SQLite's date functions,
which would move a date with a time zone (`2025-06-30T23:00-07:00`) to another day.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

from qnkpi.periods import KINDS, parse_column
from qnkpi.sources import _slots
from qnkpi.sources.sql import quote

__all__ = ["EMPTY", "check_values", "slot_sql"]

#: The characters pyarrow's `\s` trims (RE2), as SQLite's `TRIM` is told to.
_SPACE = "char(9, 10, 12, 13, 32)"
#: Where the period's number starts in its text: `2025-06`, `2025-Q2`, `2025-H1`.
_NUMBER_AT = {"month": 6, "quarter": 7, "half": 7}
#: A time cell SQLite holds that is empty: NULL, or text of spaces only.
EMPTY = "{t} IS NULL OR (typeof({t}) = 'text' AND TRIM({t}, " + _SPACE + ") = '')"
#: Bad values named at most, when looking for the first row holding one.
_MOST_NAMED = 500


def slot_sql(column: str, kind: str, *, dates: bool) -> str:
    """The SQL expression of a row's slot, from its period text or date text."""
    text = f"TRIM(CAST({quote(column)} AS TEXT), {_SPACE})"
    n = KINDS[kind]
    year = f"CAST(SUBSTR({text}, 1, 4) AS INTEGER)"
    if dates:
        month = f"CAST(SUBSTR({text}, 6, 2) AS INTEGER)"
        return f"({year} * {n} + ({month} - 1) * {n} / 12)"
    number = f"CAST(SUBSTR({text}, {_NUMBER_AT[kind]}) AS INTEGER)"
    return f"({year} * {n} + {number} - 1)"


def check_values(conn: sqlite3.Connection, source: str, column: str, kind: str, *,
                 dates: bool, where: Callable[[int], str], unit: str) -> str | None:
    """What is wrong with the first row whose period (date) qnkpi does not read, as
    `where(row): column 'c': problem`, or None when every value is good.

    Args:
        conn: The open database.
        source: The `FROM` of the source's rows (a table, or the query).
        column: The time column.
        kind: The source's period kind.
        dates: Whether the column holds dates.
        where: Names a row, from its 1-based number.
        unit: The unit column, to name the row's unit.
    """
    t = quote(column)
    values = [row[0] for row in conn.execute(f"SELECT DISTINCT {t} FROM {source}")]
    texts = [v for v in values if isinstance(v, str)]
    bad = [v for v in values if not isinstance(v, str)]
    if texts:
        slots = (_slots.parse_dates if dates else parse_column)(texts, kind)[0]
        bad += [texts[i] for i in np.flatnonzero(slots < 0)]
    if not bad:
        return None
    named = bad[:_MOST_NAMED]
    marks = ", ".join("?" for _ in named)
    found = conn.execute(
        f"SELECT * FROM (SELECT ROW_NUMBER() OVER () AS _qnkpi_row, {quote(unit)}, {t} "
        f"FROM {source}) WHERE {t} IN ({marks}) LIMIT 1", named).fetchone()
    number, code, value = found if found is not None else (None, None, named[0])
    problem = _problem(value, kind, dates=dates)
    place = where(int(number)) if number is not None else "a row"
    return f"{place}: column '{column}' for unit '{code}': {problem}"


def _problem(value: object, kind: str, *, dates: bool) -> str:
    """What is wrong with one bad value of the column."""
    if isinstance(value, str):
        try:
            _slots.of_texts([value], kind, dates=dates)
        except _slots.BadTime as exc:
            return str(exc)
    if dates:
        return (f"{value!r} is not a date; store dates as text written YYYY-MM-DD, such as "
                "2025-06-14")
    return f"{value!r} is not a {kind}; store periods as text, such as {_EXAMPLE[kind]}"


_EXAMPLE = {"month": "2025-06", "quarter": "2025-Q2", "half": "2025-H1"}
