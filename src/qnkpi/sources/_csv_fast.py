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
from collections.abc import Callable
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


def read_cells(data: str | bytes, delimiter: str, keep: Callable[[str], bool] | None = None,
               ) -> tuple[list[str], list[Any]] | None:
    """The header's cells (as written) and each column's cells (Arrow string arrays) of
    a clean file whose rows are numbered 2, 3, ... with no blank line; else None.

    `data` is the file's bytes (UTF-8, already checked) or text, without its byte-order
    mark. Columns whose header cell `keep` refuses are None: they are checked (a blank
    row, a very long cell) and dropped, so memory holds only the columns used. Arrow
    reads the bytes in place: no decoded copy of the file is made.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not ENABLED or delimiter in "\r\n" or b'"' in raw or b"\x00" in raw:
        return None
    ends = [i for i in (raw.find(b"\n"), raw.find(b"\r")) if i >= 0]
    end = min(ends, default=len(raw))
    first = raw[:end].decode("utf-8")
    header = next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter), [])
    start = end + (2 if raw[end:end + 2] == b"\r\n" else 1)
    if not header or not any(h.strip() for h in header) or start >= len(raw):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(raw).slice(start)),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False,
                                             double_quote=False, escape_char=False,
                                             newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[]))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_columns != len(header):
        return None
    limit = csv.field_size_limit()
    blank = None
    columns: list[Any] = []
    for i, name in enumerate(header):
        column = table.column(i)
        if len(column) and pc.max(pc.binary_length(column)).as_py() > limit:
            return None  # the strict path says the cell is too long
        cells = pc.match_substring_regex(column, _BLANK)
        blank = cells if blank is None else pc.and_(blank, cells)
        columns.append(column.combine_chunks() if keep is None or keep(name) else None)
    del table
    if blank is not None and pc.any(blank).as_py():
        return None  # a row of blank cells: skipped, so the rows after it are numbered on
    return header, columns


def numbers(column: Any) -> FloatArray | None:
    """A column's cells as numbers (NaN where empty) when every cell is a number written
    plainly as `decimal: "."` reads it, in range, and the column gives no thousands-dot
    warning; else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not ENABLED or not len(column):
        return None
    if not pc.all(pc.match_substring_regex(column, _NUMBER)).as_py():
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
    """A column's cells (an Arrow string array) as a numpy string array."""
    return _arrow.strings(column)


def distinct(column: Any) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A column's distinct cells in the order they first appear, each row's index into
    them, and the row where each first appears: one Python string per distinct cell,
    none per row."""
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(column)
    at = _arrow._fixed(coded.indices.cast("int64"), np.int64)
    words = coded.dictionary.to_pylist()
    first: npt.NDArray[np.int64] = np.unique(at, return_index=True)[1].astype(np.int64)
    return words, at, first
