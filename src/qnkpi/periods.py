"""Periods within the year: months, quarters and halves, as data write them.

A source that reports more often than yearly declares its `period` (`month`, `quarter`,
`half`; `year` is the default). Its rows name a period as text (`2025-06`, `2025-Q2`,
`2025-H1`) or by a date; either becomes a *slot*: `year x per_year + index`, where
`per_year` is 12, 4, 2 or 1 and the index counts from 0 (January, Q1, H1). Slots are
whole numbers that sort in time and map back to a year with `slot // per_year`, so the
sources' grouping code handles them as it handles years.

Parsing is columnar (pyarrow compute over a whole column), never a Python call per row:
a month-by-month activity log has a row per record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "EMPTY",
    "KINDS",
    "AsOf",
    "PeriodKind",
    "bad_date",
    "bad_period",
    "first_bad_time",
    "label",
    "parse_as_of",
    "parse_column",
    "per_year",
    "slot_sql",
    "slots_of_dates",
]

PeriodKind = Literal["year", "half", "quarter", "month"]
"""How often a source reports: once a `year`, each `half`, each `quarter`, each `month`."""

KINDS: dict[str, int] = {"year": 1, "half": 2, "quarter": 4, "month": 12}
"""Period kind -> periods per year."""

#: Each kind's text form, as a regular expression whose groups are the year and the
#: period's number (1-based), and the form as a person writes it, for messages.
_FORMS = {"month": (r"^\s*(?P<y>\d{4})-(?P<n>\d{1,2})\s*$", "YYYY-MM, such as 2025-06"),
          "quarter": (r"^\s*(?P<y>\d{4})-[Qq](?P<n>[0-9]+)\s*$", "YYYY-Qn, such as 2025-Q2"),
          "half": (r"^\s*(?P<y>\d{4})-[Hh](?P<n>[0-9]+)\s*$", "YYYY-Hn, such as 2025-H1"),
          "year": (r"^\s*(?P<y>\d{4})(?P<n>)\s*$", "YYYY, such as 2025")}


def per_year(kind: str) -> int:
    """How many periods of `kind` make a year (12 for `month`)."""
    return KINDS[kind]


def label(slot: int, kind: str) -> str:
    """The period of a slot as data write it: `2025-06`, `2025-Q2`, `2025-H1`, `2025`."""
    n = KINDS[kind]
    year, index = divmod(int(slot), n)
    if kind == "month":
        return f"{year}-{index + 1:02d}"
    if kind == "quarter":
        return f"{year}-Q{index + 1}"
    if kind == "half":
        return f"{year}-H{index + 1}"
    return str(year)


@dataclass(frozen=True)
class AsOf:
    """The point in time an evaluation judges at: the end of a year, or of a month,
    quarter or half within it (`--as-of 2025-06`).

    Attributes:
        year: The as-of year.
        kind: `year`, `half`, `quarter` or `month`: how the as-of was written.
        index: The period's index within the year, from 0 (0 for `year`).
    """

    year: int
    kind: str = "year"
    index: int = 0

    @property
    def months(self) -> int:
        """How many months of the year have passed at the as-of: 1-12."""
        return (self.index + 1) * 12 // KINDS[self.kind]

    @property
    def fraction(self) -> float:
        """The share of the year that has passed: `months / 12`."""
        return self.months / 12

    @property
    def partial(self) -> bool:
        """Whether the as-of falls before the end of its year."""
        return self.months < 12

    @property
    def label(self) -> str:
        """The as-of as a source writes it: `2025-06`, `2025-Q2`, `2025-H1`, `2025`."""
        return label(self.year * KINDS[self.kind] + self.index, self.kind)

    def ends(self, slots: npt.NDArray[np.int64], kind: str) -> npt.NDArray[np.bool_]:
        """Which periods of `kind` (as slots) end at or before the as-of."""
        n = KINDS[kind]
        end = (slots // n) * 12 + (slots % n + 1) * 12 // n
        return np.asarray(end <= self.year * 12 + self.months)


def parse_as_of(value: object) -> AsOf:
    """An as-of from what a user writes: a year (`2025`, as an int or a text), a month
    (`2025-06`), a quarter (`2025-Q2`) or a half (`2025-H1`). The end of a year written
    as its last month, quarter or half (`2025-12`, `2025-Q4`, `2025-H2`) is that year.

    Raises:
        ValueError: `value` is none of these; the message says what to write.
    """
    import re

    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return AsOf(int(value))
    text = str(value).strip() if isinstance(value, str) else None
    for kind, (pattern, _) in _FORMS.items():
        match = re.match(pattern, text or "")
        if match is None:
            continue
        year = int(match["y"])
        index = int(match["n"]) - 1 if match["n"] else 0
        if not 0 <= index < KINDS[kind]:
            raise ValueError(f"as-of {value!r}: a year has {KINDS[kind]} {kind}s; "
                             f"write {_FORMS[kind][1]}")
        as_of = AsOf(year, kind, index)
        return as_of if as_of.partial else AsOf(year)
    raise ValueError(f"as-of {value!r} is not a period: write a year (2025), a month "
                     "(2025-06), a quarter (2025-Q2) or a half (2025-H1)")


def _kind_of(text: str) -> str | None:
    """Which kind of period a text is written as, if any (for a message)."""
    import re

    for kind, (pattern, _) in _FORMS.items():
        if re.match(pattern, text):
            return kind
    return None


def parse_column(values: object, kind: str) -> tuple[npt.NDArray[np.int64], int, str]:
    """The slots of a column of period texts.

    Args:
        values: A pyarrow array (or anything `pyarrow.array` takes) of strings; nulls
            are allowed and give slot -1.
        kind: The source's period kind.

    Returns:
        `(slots, bad, problem)`: the slot of each value (-1 where null); the index of
            the first value that is not a period of `kind` (-1 if none) and what is
            wrong with it, a message that names the value and the form to write.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.string())
    pattern, form = _FORMS[kind]
    parts = pc.extract_regex(array, pattern)
    year = pc.struct_field(parts, [0])
    number = pc.struct_field(parts, [1])
    ok = pc.is_valid(parts)
    n = KINDS[kind]
    years = np.asarray(pc.fill_null(pc.cast(year, pa.int64(), safe=False), 0), dtype=np.int64)
    if kind == "year":
        index = np.zeros(len(array), dtype=np.int64)
    else:
        index = np.asarray(pc.fill_null(pc.cast(pc.if_else(ok, number, "0"), pa.int64()), 0),
                           dtype=np.int64) - 1
    good = np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool) & (index >= 0) & (index < n)
    null = np.asarray(pc.is_null(array).to_numpy(zero_copy_only=False), dtype=bool)
    slots = np.where(good, years * n + index, -1)
    bad_at = np.flatnonzero(~good & ~null)
    if not bad_at.size:
        return slots, -1, ""
    first = int(bad_at[0])
    text = str(array[first].as_py())
    written = _kind_of(text)
    if written == kind:  # the right form, a number out of range
        what = {"month": "a month 01-12", "quarter": "a quarter Q1-Q4",
                "half": "a half H1 or H2"}[kind]
        problem = f"'{text}' is not a {kind}: write {form}, with {what}"
    elif written is not None:
        problem = (f"'{text}' is a {written}, but the source reports by {kind} "
                   f"(period: {kind}): write {form}, or change the source's 'period'")
    else:
        problem = f"'{text}' is not a {kind}: write {form}"
    return slots, first, problem


def slots_of_dates(days: npt.NDArray[np.datetime64], kind: str) -> npt.NDArray[np.int64]:
    """The slot of each date (`datetime64`, any unit; NaT gives -1): its month's,
    quarter's, half's or year's."""
    months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    year = months // 12 + 1970
    month = months % 12
    n = KINDS[kind]
    slots = year * n + month * n // 12
    return np.where(np.isnat(days), -1, slots).astype(np.int64)


# --- periods and dates as a database holds them ------------------------------------------
# A source that groups in a database (the duckdb, sql and spark plugins) reads a row's slot
# from its period's or date's text in SQL (a date is cast to text first, so a DATE, a
# TIMESTAMP and an ISO text column read alike), after checking the column's distinct
# texts here, with parse_column's messages: the SQL only ever sees well-formed texts.

#: The message for a row whose period (or date) is NULL.
EMPTY = "the {what} is empty; fill it in, or delete the row"

#: What may follow a date's ten characters: nothing, or a time after `T` or a space.
_SEPARATORS = ("", "T", " ")


def bad_period(texts: Sequence[str | None], kind: str) -> tuple[int, str]:
    """The first text that is not a period of `kind`, by
    [`parse_column`][qnkpi.periods.parse_column]: `(index, problem)`, or `(-1, "")`.
    NULLs are not looked at here (`EMPTY` is their message)."""
    _, bad, problem = parse_column(list(texts), kind)
    return bad, problem


def bad_date(days: Sequence[str | None], separators: Sequence[str | None]
             ) -> tuple[int, str]:
    """The first date that is not one: `days` are the first ten characters of each
    (trimmed) text, `separators` the eleventh (`""` if there is none). A date is
    `YYYY-MM-DD`, a real day, maybe followed by a time after `T` or a space. Returns
    `(index, problem)`, or `(-1, "")`; NULLs are not looked at here."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(list(days), type=pa.string())
    parsed = pc.strptime(array, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime makes 2025-02-30 the 2nd of March: a real day is written back the same
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), array)
    form = pc.match_substring_regex(array, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    ok = np.asarray(pc.fill_null(pc.and_(same, form), False).to_numpy(zero_copy_only=False),
                    dtype=bool)
    ok &= np.isin(np.array(["" if s is None else s for s in separators], dtype=object),
                  _SEPARATORS)
    ok |= np.asarray(pc.is_null(array).to_numpy(zero_copy_only=False), dtype=bool)
    bad = np.flatnonzero(~ok)
    if not bad.size:
        return -1, ""
    return int(bad[0]), "is not a date: write dates as YYYY-MM-DD, such as 2025-06-14"


def slot_sql(text: str, kind: str, *, date: bool, integer: str = "INTEGER",
             div: str = "//") -> str:
    """SQL for a row's slot from `text`, the SQL of its period's or date's trimmed text.

    Args:
        text: SQL giving the text (`trim(CAST("month" AS VARCHAR))`).
        kind: The source's period: `year`, `half`, `quarter` or `month`.
        date: Whether the text is a date (`2025-06-14`) rather than a period
            (`2025-06`, `2025-Q2`, `2025-H1`).
        integer: The database's name of the integer type.
        div: The database's integer division operator (`//` in DuckDB, `div` in Spark).
    """
    n = KINDS[kind]
    year = f"CAST(substr({text}, 1, 4) AS {integer})"
    if kind == "year":
        return year
    if date:
        month = f"CAST(substr({text}, 6, 2) AS {integer})"
        index = {"month": f"{month} - 1", "quarter": f"({month} - 1) {div} 3",
                 "half": f"({month} - 1) {div} 6"}[kind]
    else:  # 2025-06 (or 2025-6), 2025-Q2, 2025-H1
        start = 6 if kind == "month" else 7
        index = f"CAST(substr({text}, {start}) AS {integer}) - 1"
    return f"{year} * {n} + {index}"


def first_bad_time(rows: Sequence[Sequence[object]], kind: str, *, date: bool
                   ) -> tuple[Sequence[object], str] | None:
    """The first bad one of a time column's distinct texts, as a database source reads
    them, and what is wrong with it; `None` when every one is good.

    Args:
        rows: For a period column, `(text, unit)` per distinct text; for a date column,
            `(a text, unit, its first ten characters, its eleventh)` per distinct day
            and separator. `unit` is a unit code found with the text, for the message.
        kind: The source's period kind.
        date: Whether the column holds dates.

    Returns:
        `(row, problem)`: the row to name (its unit is `row[1]`) and the message, for a
            text that is not a period (date) of `kind` or, failing that, an empty one.
    """
    if date:
        bad, problem = bad_date([str(r[2]) if r[2] is not None else None for r in rows],
                                [str(r[3]) if r[3] is not None else None for r in rows])
        problem = f"'{rows[bad][0]}' {problem}" if bad >= 0 else ""
    else:
        bad, problem = bad_period([None if r[0] is None else str(r[0]) for r in rows],
                                  kind)
    if bad >= 0:
        return rows[bad], problem
    empty = [r for r in rows if r[0] is None]
    if empty:
        return empty[0], EMPTY.format(what="date" if date else "period")
    return None
