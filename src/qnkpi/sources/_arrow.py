"""Frames as Arrow tables, and their columns as arrays, for the `frame` source.

Any frame is turned into a `pyarrow.Table` once ([`as_table`][qnkpi.sources._arrow.as_table]);
columns are then read whole, with Arrow compute and numpy, never a Python object per row.
pyarrow is imported on first use, and pandas or polars never: a pandas DataFrame is
converted by pyarrow, a polars one through the Arrow PyCapsule stream interface.

Rows of a frame are counted from 0, as `DataFrame.iloc` counts them; messages give that
number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources import _slots
from qnkpi.sources._numbers import LARGEST, SMALLEST, out_of_range

__all__ = ["as_table", "column", "describe", "filled", "labels", "numbers", "slots", "text",
           "unit_rows", "years"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_LEADING_ZERO = re.compile(r"0[0-9]+")


def describe(obj: object) -> str:
    """What a frame is, for messages and `explain`: `a pandas DataFrame`..."""
    kind = type(obj)
    module = kind.__module__.split(".")[0]
    if module in ("pandas", "polars", "pyarrow"):
        return f"a {module} {kind.__name__}"
    return f"a {kind.__name__}"


def as_table(obj: object, source: str) -> Any:
    """`obj` as a `pyarrow.Table`.

    Accepted: a pyarrow Table or RecordBatch, a pandas DataFrame (a named index becomes a
    column), and any object with `__arrow_c_stream__` (a polars DataFrame, a DuckDB
    relation, ...).

    Raises:
        DataError: `obj` is not a frame, or cannot be read as one (a column of mixed
            types); it names the source.
    """
    import pyarrow as pa

    if isinstance(obj, pa.Table):
        return obj
    if isinstance(obj, pa.RecordBatch):
        return pa.Table.from_batches([obj])
    is_pandas = type(obj).__module__.split(".")[0] == "pandas" and hasattr(obj, "columns")
    if not is_pandas and not hasattr(obj, "__arrow_c_stream__"):
        raise DataError(f"{describe(obj)} is not a frame; pass a pandas or polars DataFrame, "
                        "a pyarrow Table, or an object with the Arrow PyCapsule stream "
                        "interface (__arrow_c_stream__)", source=source)
    try:
        if is_pandas:
            return pa.Table.from_pandas(obj)
        return pa.RecordBatchReader.from_stream(obj).read_all()
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise DataError(f"{describe(obj)} cannot be read as a table: {exc}; give each "
                        "column one type (numbers, or text for codes)",
                        source=source) from None


def name(text: str) -> str:
    """A column or measure name as compared: trimmed, NFC, as the csv source does."""
    return unicodedata.normalize("NFC", text.strip().lstrip("\ufeff").strip())


def column(table: Any, wanted: str, source: str) -> Any:
    """The column `wanted` of `table` (names compared trimmed and NFC).

    Raises:
        DataError: No such column (with a suggestion and the frame's columns), or two.
    """
    names = [name(str(n)) for n in table.column_names]
    key = name(wanted)
    found = [i for i, n in enumerate(names) if n == key]
    if len(found) > 1:
        raise DataError(f"the frame has {len(found)} columns named '{key}'; rename or drop "
                        "one", source=source)
    if not found:
        hint = did_you_mean(key, names) or ";"
        raise DataError(f"the frame has no column '{key}' (its columns: {', '.join(names)})"
                        f"{hint} add the column, or name one of these in the spec (a "
                        "measure's 'column', the source's 'unit' or 'year')", source=source)
    return table.column(found[0])


def _decoded(col: Any) -> Any:
    """`col` without dictionary encoding or views: its plain value type."""
    import pyarrow as pa

    kind = col.type
    if pa.types.is_dictionary(kind):  # categories: their values, taken row by row
        chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
        values = [_plain(chunk.dictionary).take(chunk.indices) for chunk in chunks]
        if not values:
            return _plain(pa.chunked_array([], type=kind.value_type))
        return pa.chunked_array(values)
    return _plain(col)


def _plain(col: Any) -> Any:
    """Text as Arrow's plain `string` (from `large_string` or `string_view`)."""
    import pyarrow as pa

    if pa.types.is_large_string(col.type) or pa.types.is_string_view(col.type):
        return col.cast(pa.string())
    return col


def _array(col: Any) -> Any:
    """One contiguous array of a column."""
    return col.combine_chunks() if hasattr(col, "combine_chunks") else col


def _fixed(col: Any, dtype: type[np.generic]) -> Any:
    """The values of a fixed-width column of `dtype`, nulls aside, as a numpy array read
    from Arrow's buffer. (`to_numpy` would import pandas when it is installed.)"""
    arr = _array(col)
    if not len(arr) or arr.buffers()[1] is None:  # empty, or all null
        return np.zeros(len(arr), dtype=dtype)
    size = np.dtype(dtype).itemsize
    return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr),
                         offset=arr.offset * size)


def flags(col: Any) -> npt.NDArray[np.bool_]:
    """A boolean column (without nulls) as a numpy array, unpacked from its bits."""
    arr = _array(col)
    if not len(arr):
        return np.empty(0, dtype=bool)
    bits = np.unpackbits(np.frombuffer(arr.buffers()[1], dtype=np.uint8), bitorder="little")
    out: npt.NDArray[np.bool_] = bits[arr.offset:arr.offset + len(arr)].astype(bool)
    return out


def _nulls(col: Any) -> npt.NDArray[np.bool_]:
    """Where a column is null (or NaN)."""
    import pyarrow.compute as pc

    return flags(pc.is_null(col, nan_is_null=True))


def floats(col: Any) -> FloatArray:
    """A float64 column as a numpy array, NaN for nulls, read from Arrow's buffers
    (`to_numpy` would import pandas when it is installed: a third of a second)."""
    values: FloatArray = np.array(_fixed(col, np.float64), dtype=np.float64)
    if col.null_count:
        values[_nulls(col)] = np.nan
    return values


def strings(col: Any) -> npt.NDArray[np.str_]:
    """A string column without nulls as a numpy string array: each distinct text made a
    Python string once (`to_numpy` would import pandas)."""
    import pyarrow.compute as pc

    coded = _array(pc.dictionary_encode(col))
    words = np.array(coded.dictionary.to_pylist(), dtype=str)
    texts: npt.NDArray[np.str_] = words[_fixed(coded.indices.cast("int64"), np.int64)]
    return texts


def _first_null(col: Any) -> int:
    return int(np.flatnonzero(_nulls(col))[0])


def text(col: Any) -> Any:
    """A string column trimmed of spaces, or `None` when `col` is not text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = _decoded(col)
    return pc.utf8_trim_whitespace(col) if pa.types.is_string(col.type) else None


def unit_rows(col: Any, label: str, units: Mapping[str, int], source: str) -> IntArray:
    """Each row's panel row, from a column of unit codes (text, or whole numbers when no
    code of the org units has a leading zero).

    Raises:
        DataError: A code is missing, not in the org units, or the column holds numbers
            while codes have leading zeros (or holds something else).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    col = _decoded(col)
    if not len(col):
        return np.empty(0, dtype=np.int64)
    if pa.types.is_integer(col.type):
        zeros = next((c for c in units if _LEADING_ZERO.fullmatch(c)), None)
        if zeros is not None:
            raise DataError(f"column '{label}' holds numbers ({col.type}), but unit codes "
                            f"are text and some start with 0 (such as '{zeros}'); read the "
                            "column as text so that leading zeros are kept (pandas: "
                            f"dtype={{'{label}': str}}; polars: "
                            f"schema_overrides={{'{label}': pl.String}})", source=source)
        col = col.cast(pa.string())
    codes = text(col)
    if codes is None:
        raise DataError(f"column '{label}' holds {col.type} values; unit codes are text",
                        source=source)
    if codes.null_count:
        raise DataError(f"column '{label}': the unit code is missing; fill it in, or drop "
                        "the row if it holds no data", row=_first_null(codes), source=source)
    encoded = pc.dictionary_encode(codes).combine_chunks()
    written = encoded.dictionary.to_pylist()
    indices = _fixed(encoded.indices.cast(pa.int64()), np.int64)
    lookup = np.empty(len(written), dtype=np.int64)
    for i, code in enumerate(written):
        row = units.get(code, units.get(unicodedata.normalize("NFC", code)))
        if row is None:
            at = int(np.flatnonzero(indices == i)[0])
            why = ("the unit code is empty; fill it in, or drop the row if it holds no data"
                   if not code else
                   f"unit code '{code}' is not in the spec's org units"
                   f"{did_you_mean(code, units)}; add the unit to the org units or correct "
                   "the code")
            raise DataError(f"column '{label}': {why}", row=at, source=source)
        lookup[i] = row
    out: IntArray = lookup[indices]
    return out


def years(col: Any, label: str, source: str) -> IntArray:
    """A column of years as integers: whole numbers of four digits, or text of four digits.

    Raises:
        DataError: A year is missing, not whole (2024.5), not four digits, or the column
            is of another type.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    col = _decoded(col)
    if not len(col):
        return np.empty(0, dtype=np.int64)
    missing = _nulls(col)
    if missing.any():
        raise DataError(f"column '{label}': the year is missing; every row needs its year",
                        row=int(np.flatnonzero(missing)[0]), source=source)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        values = _fixed(col.cast(pa.float64()), np.float64)
        ok = (values == np.floor(values)) & (values >= 1000) & (values <= 9999)
    elif pa.types.is_string(col.type):
        col = pc.utf8_trim_whitespace(col)
        ok = flags(pc.match_substring_regex(col, "^[0-9]{4}$"))
    else:
        raise DataError(f"column '{label}' holds {col.type} values, not years; years are "
                        "whole numbers of four digits, such as 2024", source=source)
    if not ok.all():
        bad = int(np.flatnonzero(~ok)[0])
        cell = _array(col)[bad].as_py()
        shown = f"'{cell}'" if isinstance(cell, str) else f"{float(cell):g}"
        raise DataError(f"column '{label}': {shown} is not a year; write years as "
                        "whole numbers of four digits, such as 2024", row=bad, source=source)
    out: IntArray = _fixed(col.cast(pa.int64()), np.int64).copy()
    return out


def slots(col: Any, label: str, kind: str, *, dates: bool, source: str) -> IntArray:
    """Each row's slot, from a column of periods (text `2025-06`, `2025-Q2`,
    `2025-H1`) or of dates (a date or timestamp type, or text `2025-06-14`). A date in a
    period column is the period it falls in; a timestamp with a time zone is read on
    its local calendar.

    Raises:
        DataError: A period or date is missing, not one of the source's kind, or the
            column is of another type.
    """
    import pyarrow as pa

    col = _decoded(col)
    if not len(col):
        return np.empty(0, dtype=np.int64)
    kind_of = col.type
    try:
        if pa.types.is_date(kind_of) or pa.types.is_timestamp(kind_of):
            return _slots.of_dates(_days(col), kind)
        if pa.types.is_string(kind_of) or pa.types.is_null(kind_of):
            return _slots.of_texts(col, kind, dates=dates)
    except _slots.BadTime as exc:
        raise DataError(f"column '{label}': {exc}", row=exc.index, source=source) from None
    what = ("dates (a date or datetime type, or text such as 2025-06-14)" if dates else
            "periods (text such as 2025-06, 2025-Q2 or 2025-H1)")
    raise DataError(f"column '{label}' holds {kind_of} values; it should hold {what}",
                    source=source)


def _days(col: Any) -> npt.NDArray[np.datetime64]:
    """A date or timestamp column as numpy datetimes (NaT where null), read from
    Arrow's buffers; a timestamp with a time zone at its local time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = col.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        col = pc.local_timestamp(col)
        kind = col.type
    if pa.types.is_date32(kind):
        values = _fixed(col, np.int32).astype(np.int64).astype("datetime64[D]")
    elif pa.types.is_date64(kind):
        values = _fixed(col, np.int64).astype("datetime64[ms]")
    else:
        values = _fixed(col, np.int64).astype(f"datetime64[{kind.unit}]")
    out: npt.NDArray[np.datetime64] = np.array(values)
    if col.null_count:
        out[_nulls(col)] = np.datetime64("NaT")
    return out


def numbers(col: Any, what: str, source: str,
            pick: npt.NDArray[np.int64] | None = None) -> FloatArray:
    """A numeric column as floats, NaN where null or NaN: its rows `pick` (default all).

    Raises:
        DataError: The column is not numeric (text, dates, booleans), or holds a value
            qnkpi refuses (infinite, or too large or too small, as the csv source says).
    """
    import pyarrow as pa

    col = _decoded(col)
    kind = col.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)
            or pa.types.is_decimal(kind) or pa.types.is_null(kind)):
        hint = ("convert it to numbers first" if pa.types.is_string(kind)
                else "give the column a numeric type")
        raise DataError(f"{what} holds {kind} values, not numbers; {hint} (a missing value "
                        "is null or NaN)", source=source)
    floats = col.cast(pa.float64())
    values: FloatArray = np.array(_fixed(floats, np.float64), dtype=np.float64)
    if floats.null_count:
        values[_nulls(floats)] = np.nan
    rows = np.arange(len(values)) if pick is None else pick
    values = values[rows] if pick is not None else values
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        odd = ~np.isnan(values) & ~((size == 0) | ((size >= SMALLEST) & (size <= LARGEST)))
    if odd.any():
        bad = int(np.flatnonzero(odd)[0])
        raise DataError(f"{what}: {values[bad]:g} is {out_of_range(float(values[bad]))}",
                        row=int(rows[bad]), source=source)
    return values


def filled(col: Any, pick: npt.NDArray[np.int64] | None = None) -> FloatArray:
    """1.0 where a cell holds a value, NaN where it is null (or NaN): what
    `aggregate: count` counts; of the rows `pick` (default all)."""
    empty = _nulls(_decoded(col))
    out: FloatArray = np.where(empty if pick is None else empty[pick], np.nan, 1.0)
    return out


def labels(col: Any, label: str, source: str) -> npt.NDArray[np.str_]:
    """A long frame's measure column: each row's name, trimmed and NFC ("" where null).

    Raises:
        DataError: The column is not text.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    written = text(col)
    if written is None:
        raise DataError(f"column '{label}' holds {col.type} values; in a long frame it "
                        "names each row's measure, as text", source=source)
    encoded = pc.dictionary_encode(written).combine_chunks()
    known = np.array([name(n) for n in encoded.dictionary.to_pylist()] + [""], dtype=str)
    indices = np.array(_fixed(encoded.indices.cast(pa.int64()), np.int64))
    if encoded.null_count:
        indices[_nulls(encoded)] = len(known) - 1
    out: npt.NDArray[np.str_] = known[indices]
    return out
