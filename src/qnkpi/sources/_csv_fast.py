"""The `csv` source's fast path: a clean file read by Arrow's CSV reader.

Arrow reads the cells (all as strings) and converts a column of numbers at once; the
strict path in `qnkpi.sources.csv` reads every other file, and every column this module
declines, so that a bad file gets the same message, at the same row, as it always did.
Each function answers None ("not here: take the strict path") for anything unusual:
a quote anywhere in the file (quoted cells, a cell cut short), a row of blank cells,
a ragged row, a very long cell, a cell with spaces around its number, a number the
strict grammar refuses, out of range or that looks like it has a thousands dot.

pyarrow is imported here only when a file is read, never by `import qnkpi`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import numpy.typing as npt

import qnkpi._arrow_build as build
from qnkpi.sources import _arrow
from qnkpi.sources._numbers import LARGEST, SMALLEST

FloatArray = npt.NDArray[np.float64]

#: Off in tests that compare this path with the strict one.
ENABLED = True

#: A number as `decimal: "."` writes it, with nothing around it; or an empty cell.
_NUMBER = r"^(?:[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)?$"
#: A cell that may be blank to Python's `str.strip` (any of its whitespace, or nothing).
_BLANK = ("^[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
          "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]*$")
#: What `thousands_dots` warns about: one group of three digits after a '.'.
_ONE_GROUP = r"^[+-]?[1-9][0-9]{0,2}\.[0-9]{3}$"


def read_cells(text: str, delimiter: str) -> tuple[list[str], list[Any]] | None:
    """The header's cells (as written) and each column's cells (Arrow string arrays) of
    a clean file whose rows are numbered 2, 3, ... with no blank line; else None.

    `text` is the file decoded (without its byte-order mark).
    """
    if not ENABLED or delimiter in "\r\n" or '"' in text or "\x00" in text:
        return None
    end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))
    header = next(csv.reader(io.StringIO(text[:end], newline=""), delimiter=delimiter), [])
    start = end + (2 if text[end:end + 2] == "\r\n" else 1)
    if not header or not any(h.strip() for h in header) or not text[start:].strip():
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    body = text[start:].encode("utf-8")
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False,
                                             double_quote=False, escape_char=False,
                                             newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[]))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    columns = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    if len(columns) != len(header):
        return None
    limit = csv.field_size_limit()
    blank = None
    for column in columns:
        if len(column) and pc.max(pc.binary_length(column)).as_py() > limit:
            return None  # the strict path says the cell is too long
        cells = pc.match_substring_regex(column, _BLANK)
        blank = cells if blank is None else pc.and_(blank, cells)
    if blank is not None and pc.any(blank).as_py():
        return None  # a row of blank cells: skipped, so the rows after it are numbered on
    return header, columns


def numbers(column: Any) -> FloatArray | None:
    """A column's cells as numbers (NaN where empty) when every cell is a number written
    plainly as `decimal: "."` reads it, in range, and the column gives no thousands-dot
    warning; else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(column) or not pc.all(pc.match_substring_regex(column, _NUMBER)).as_py():
        return None
    dotted = pc.match_substring(column, ".")
    if pc.any(dotted).as_py() and not pc.any(pc.match_substring_regex(column, "[eE]")).as_py():
        groups = pc.match_substring_regex(column, _ONE_GROUP)
        if pc.all(pc.or_(pc.invert(dotted), groups)).as_py():
            return None  # every decimal looks like a thousands dot: the strict path warns
    empty = pc.equal(pc.binary_length(column), build.ints([0])[0])
    try:
        cast = pc.cast(pc.if_else(empty, pa.nulls(1, pa.string())[0], column), pa.float64())
    except pa.ArrowException:
        return None
    values = _arrow.floats(cast)
    size = np.abs(values[~np.isnan(values)])
    if not np.isfinite(size).all() or ((size != 0) & ((size < SMALLEST) | (size > LARGEST))).any():
        return None
    return values


def strings(column: Any) -> npt.NDArray[np.str_]:
    """A column's cells as a numpy string array."""
    if isinstance(column, tuple):
        return np.asarray(column, dtype=str)
    return _arrow.strings(column)
