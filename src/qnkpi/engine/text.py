"""Tables as text: Arrow columns written as CSV cells and JSON values, a column at a time.

The `csv` reports and the JSON result hold one line per check, hundreds of thousands of
them at national scale. Formatted cell by cell in Python (a dict and `json.dumps` per
check, `csv.writer` per row), writing took most of an evaluation's time. Here each column
of a batch of rows becomes text at once with Arrow's compute functions, Arrow joins the
columns into lines, and the lines of a batch are one buffer written in one call: no
Python object per cell.

The text is exactly what Python's `json` and `csv` modules write, so files are the same
byte for byte as before (tests compare the two on every example):

- numbers as `repr` writes them (shortest round-trip digits, `1.0`, `1e-05`, `1e+16`);
  Arrow formats with the same shortest digits but its own rules for `.0` and for when to
  use an exponent, so those cells are put right here (see `float_texts`);
- texts as `json.dumps(ensure_ascii=False)` and the `csv` module quote them: computed
  once per distinct text (a table has few: indicator names, unit codes, statuses) and
  taken by index;
- missing values as `null` in JSON and as empty cells in CSV.
"""

from __future__ import annotations

import codecs
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

import numpy as np

import qnkpi._arrow_build as build
from qnkpi.sources._arrow import flags, floats  # numpy from Arrow without pandas

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pyarrow as pa

__all__ = ["BATCH", "batches", "csv_texts", "data", "float_texts", "in_order", "join",
           "json_object", "json_texts", "write_utf8"]

#: Rows made text at once: large enough that Arrow's per-call cost vanishes, small enough
#: that a batch's text stays a few tens of megabytes.
BATCH = 65_536

#: Characters that make the `csv` module quote a cell (with `lineterminator="\r\n"`).
_CSV_SPECIAL = (",", '"', "\r", "\n")
_CSV_QUOTED = r'[,"\r\n]'

#: Characters `json.dumps(ensure_ascii=False)` escapes in a text.
_JSON_ESCAPED = r'[\x00-\x1f\\"]'


def float_texts(values: pa.Array) -> pa.Array:
    """float64 values as `repr` writes them; nulls stay null.

    Arrow's cast to string gives the shortest digits that read back to the same float,
    as `repr` does, but writes `1` for `1.0` and chooses differently when to use an
    exponent (`1e+15`, `0.00007`). So whole numbers get `.0`, and the few values in
    the ranges where the two disagree (below 1e-4 or from 1e16 on, or any that Arrow wrote
    with an exponent) are written by `repr` itself.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(values, pa.string())
    x = floats(values)  # nulls as NaN
    with np.errstate(invalid="ignore"):
        size = np.abs(x)
        positional = ((size >= 1e-4) & (size < 1e16)) | (x == 0)
        whole = positional & (np.floor(x) == x)
    exponent = flags(pc.fill_null(pc.match_substring(text, "e"), build.bools([False])[0]))
    by_repr = (~positional & ~np.isnan(x)) | (positional & exponent)
    whole &= ~by_repr
    if whole.any():
        text = pc.if_else(build.bools(whole), join([text, ".0"]), text)
    if by_repr.any():
        fixed = [repr(v) for v in x[by_repr].tolist()]
        text = pc.replace_with_mask(text, build.bools(by_repr), build.strings(fixed))
    return text


def _texts(column: pa.Array, special: str, plain: Callable[[pa.Array], pa.Array],
           encode: Callable[[str], str]) -> pa.Array:
    """A string column written as `encode` writes each text; nulls stay null.

    Done once per distinct text (a column of checks repeats a few: indicator names,
    unit codes, statuses) and taken by index: by `plain`, vectorised, when no text
    holds a character of the regex class `special`; else by `encode`, in Python.
    """
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(column)
    words = coded.dictionary
    if pc.any(pc.match_substring_regex(words, special)).as_py():
        words = build.strings([encode(w) for w in words.to_pylist()])
    else:
        words = plain(words)
    return words.take(coded.indices)


def _kind(column: pa.Array) -> str:
    import pyarrow as pa

    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_integer(kind):
        return "int"
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_null(kind):
        return "null"
    raise TypeError(f"no text for an Arrow column of type {kind}")


def json_texts(column: pa.Array) -> pa.Array:
    """A column as JSON values (`json.dumps(..., ensure_ascii=False)`), `null` for nulls.

    Raises:
        ValueError: A float is infinite (not JSON, as `json.dumps(allow_nan=False)` says).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = _kind(column)
    if kind == "string":
        text = _texts(column, _JSON_ESCAPED, lambda c: join(['"', c, '"']),
                      lambda w: json.dumps(w, ensure_ascii=False))
    elif kind == "float":
        if pc.any(pc.is_inf(column)).as_py():
            raise ValueError("Out of range float values are not JSON compliant")
        text = float_texts(column)
    elif kind == "null":
        text = pa.nulls(len(column), pa.string())
    else:  # int: as str(); bool: true/false, as in JSON
        text = pc.cast(column, pa.string())
    return pc.fill_null(text, build.scalar("null"))


def _csv_cell(text: str) -> str:
    if any(c in text for c in _CSV_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_texts(column: pa.Array) -> pa.Array:
    """A column as the `csv` module writes its cells: texts quoted where they hold a
    comma, a quote or a line break; floats by `repr`; `true`/`false`; empty for nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = _kind(column)
    if kind == "string":
        text = _texts(column, _CSV_QUOTED, lambda c: c, _csv_cell)
    elif kind == "float":
        text = float_texts(column)
    elif kind == "null":
        text = pa.nulls(len(column), pa.string())
    else:
        text = pc.cast(column, pa.string())
    return pc.fill_null(text, build.scalar(""))


def json_object(fields: Sequence[tuple[str, pa.Array]], before: str = "") -> pa.Array:
    """One JSON object per row, `{"key": value, ...}` as `json.dumps` lays it out, from
    columns already made JSON text (`json_texts`, or an object made by this function);
    `before` is written before each object (what separates it from the one before)."""
    parts: list[pa.Array | str] = []
    for i, (key, text) in enumerate(fields):
        parts += [(before + "{" if i == 0 else ", ") + json.dumps(key) + ": ", text]
    return join([*parts, "}"])


def join(parts: Sequence[pa.Array | str], separator: str = "") -> pa.Array:
    """Row by row, text columns (and texts, the same on every row) joined by
    `separator`."""
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(
        *(build.scalar(p) if isinstance(p, str) else p for p in parts), build.scalar(separator))


def data(lines: pa.Array) -> bytes:
    """The values of a string array without nulls, one after the other, as UTF-8: a
    slice of its data buffer, so made without a Python object per value."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, stop = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    chunk: bytes = lines.buffers()[2][start:stop].to_pybytes()
    return chunk


def write_utf8(stream: IO[str], data: bytes) -> None:
    """Write UTF-8 `data` to a text stream: to its binary buffer when it has one that
    takes UTF-8 as it is (decoding and encoding again would copy every byte twice)."""
    buffer = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None)
    if (buffer is not None and encoding and codecs.lookup(encoding).name == "utf-8"
            and os.linesep == "\n"):  # where "\n" is written as it is
        stream.flush()
        buffer.write(data)
    else:
        stream.write(data.decode("utf-8"))


def batches(table: pa.Table) -> Iterator[pa.RecordBatch]:
    """`table` in record batches of at most `BATCH` rows."""
    yield from table.combine_chunks().to_batches(max_chunksize=BATCH)


def in_order(make: Callable[[pa.RecordBatch], bytes],
             tables: Iterable[pa.Table]) -> Iterator[bytes]:
    """`make` applied to every batch of `tables`, on as many threads as there are
    processors (Arrow's functions release the GIL), the results in order.

    At most two batches per thread are made ahead of the one being written, so memory
    stays a few batches whatever the size of the result.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = min(4, os.cpu_count() or 1)
    if workers == 1:
        yield from (make(batch) for table in tables for batch in batches(table))
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        ahead: deque[Future[bytes]] = deque()
        for table in tables:
            for batch in batches(table):
                ahead.append(pool.submit(make, batch))
                if len(ahead) > 2 * workers:
                    yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()
