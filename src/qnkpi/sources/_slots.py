"""The built-in sources' column that places a row in time, read as slots.

A source names its time column with `year` (years, read as each source always has),
`period_column` (period texts: `2025-06`, `2025-Q2`, `2025-H1`, read by
[`qnkpi.periods.parse_column`][qnkpi.periods.parse_column]) or `date` (dates: ISO text
`2025-06-14`, or a date or datetime type where the source has one). Either becomes a
*slot* per row (see [`qnkpi.periods`][qnkpi.periods]): for a yearly source its year.

Everything here is columnar: a column of a million records is read with pyarrow compute
and numpy, never a Python call per row. A problem is a [`BadTime`][qnkpi.sources._slots.BadTime]
naming the first bad row (an index into the column) and what is wrong; each source
places it in its file, sheet or table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from qnkpi.periods import KINDS, parse_column

__all__ = ["DATE_FORM", "EMPTY_DATE", "EMPTY_PERIOD", "BadTime", "of_dates", "of_texts",
           "parse_dates", "texts_of_cells"]

IntArray = npt.NDArray[np.int64]

#: What a row with no period says.
EMPTY_PERIOD = "the period is empty; fill it in, or delete the row"
#: What a row with no date says.
EMPTY_DATE = "the date is empty; fill it in, or delete the row"
#: How to write a date, for messages.
DATE_FORM = "write dates as YYYY-MM-DD, such as 2025-06-14"

#: A date as text: `2025-06-14`, maybe followed by a time (`2025-06-14 08:30`,
#: `2025-06-14T08:30:00`), which does not change the day.
_DATE = (r"^\s*(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
         r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?\s*$")


class BadTime(ValueError):
    """Row `index` of a time column is empty or not a period (or date) of the source's
    kind; the message says what is wrong and what to write."""

    def __init__(self, index: int, message: str) -> None:
        self.index = index
        super().__init__(message)


def _strings(column: Any) -> Any:
    """A column (Arrow array or chunked array, or a list) as one Arrow string array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column if isinstance(column, (pa.Array, pa.ChunkedArray)) else pa.array(
        column, pa.string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    return array


def _empty(array: Any) -> npt.NDArray[np.bool_]:
    """Where a string column is null or blank."""
    import pyarrow.compute as pc

    blank = pc.fill_null(pc.match_substring_regex(array, r"^\s*$"), True)
    return np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


def of_texts(column: Any, kind: str, *, dates: bool) -> IntArray:
    """The slots of a column of texts: period texts of `kind` (`dates=False`) or dates
    written `YYYY-MM-DD` (`dates=True`, placed in their `kind` of period).

    Args:
        column: A pyarrow string array or chunked array (or a list of strings); nulls and
            blank cells are empty.
        kind: The source's period kind (`year` for a yearly source with `date`).
        dates: Whether the texts are dates.

    Raises:
        BadTime: For the first row that is empty or not a period (date) of `kind`.
    """
    array = _strings(column)
    empty = _empty(array)
    # a blank cell is a bad period to parse_column (a null is not): either way, the
    # first row that is empty says so
    slots, bad, problem = (parse_dates if dates else parse_column)(array, kind)
    first_empty = int(np.argmax(empty)) if empty.any() else -1
    if first_empty >= 0 and (bad < 0 or first_empty <= bad):
        raise BadTime(first_empty, EMPTY_DATE if dates else EMPTY_PERIOD)
    if bad >= 0:
        raise BadTime(bad, problem)
    return slots


def parse_dates(column: Any, kind: str) -> tuple[IntArray, int, str]:
    """As [`parse_column`][qnkpi.periods.parse_column], for dates written `YYYY-MM-DD`
    (maybe with a time after them): `(slots, bad, problem)`, -1 for nulls and bad dates."""
    import pyarrow.compute as pc

    array = _strings(column)
    parts = pc.extract_regex(array, _DATE)
    ok = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)

    def field(i: int) -> IntArray:
        values = pc.fill_null(pc.cast(pc.struct_field(parts, [i]), "int64"), 1)
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)

    year, month, day = field(0), field(1), field(2)
    month_ok = (month >= 1) & (month <= 12)
    start = ((year - 1970) * 12 + np.where(month_ok, month - 1, 0)).astype("datetime64[M]")
    length = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(
        np.int64)
    good = ok & month_ok & (day >= 1) & (day <= length)
    null = np.asarray(pc.is_null(array).to_numpy(zero_copy_only=False), dtype=bool)
    n = KINDS[kind]
    slots = np.where(good, year * n + (month - 1) * n // 12, -1).astype(np.int64)
    bad_at = np.flatnonzero(~good & ~null)
    if not bad_at.size:
        return slots, -1, ""
    first = int(bad_at[0])
    text = str(array[first].as_py())
    why = " (there is no such day)" if ok[first] else ""
    return slots, first, f"'{text}' is not a date{why}: {DATE_FORM}"


def of_dates(days: npt.NDArray[np.datetime64], kind: str) -> IntArray:
    """The slots of real dates (`datetime64`, any unit), placed in their `kind` of
    period.

    Raises:
        BadTime: For the first empty date (NaT).
    """
    from qnkpi.periods import slots_of_dates

    missing = np.isnat(days)
    if missing.any():
        raise BadTime(int(np.argmax(missing)), EMPTY_DATE)
    return slots_of_dates(days, kind)


def texts_of_cells(cells: Sequence[object], kind: str, *, dates: bool,
                   text: Callable[[object], str]) -> list[str]:
    """A column of spreadsheet cells (Python values, as openpyxl gives them) as the texts
    [`of_texts`][qnkpi.sources._slots.of_texts] reads: a date or datetime cell as its
    day (`dates`) or as the period it falls in (a period column: Excel makes a date of
    `2025-06` typed into a cell); any other cell as `text` writes it."""
    import datetime as dt

    from qnkpi.periods import label

    out = []
    for cell in cells:
        if isinstance(cell, dt.date):
            day = cell.date() if isinstance(cell, dt.datetime) else cell
            out.append(day.isoformat() if dates else
                       label(day.year * KINDS[kind] + (day.month - 1) * KINDS[kind] // 12, kind))
        else:
            out.append(text(cell))
    return out
