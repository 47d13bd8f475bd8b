"""Arrow arrays and scalars built from numpy and Python values, without importing pandas.

`pyarrow.array` and `pyarrow.scalar` (and so any compute function given a Python or
numpy value) ask pyarrow's pandas shim whether the value is a pandas object, and the
shim imports pandas to answer when it is installed: a quarter of a second in every
`qnkpi evaluate` that writes a table, reads a CSV file through Arrow or writes a report
column-wise. So qnkpi builds the arrays it needs from their buffers here (and takes
scalars from them by index, which does not ask): `floats`, `ints`, `bools`, `strings`,
`scalar` and `repeat`. pyarrow itself is imported on first use, never by
`import qnkpi`.

Written by hand because pyarrow offers no switch for the shim (apache/arrow#34994
reports the first array's cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["bools", "floats", "ints", "repeat", "scalar", "strings"]


def _valid(present: npt.NDArray[np.bool_]) -> Any:
    """A validity bitmap (`None` when every value is present)."""
    import pyarrow as pa

    if present.all():
        return None
    return pa.py_buffer(np.packbits(present, bitorder="little"))


def floats(values: npt.ArrayLike) -> pa.Array:
    """float64 values, NaN made null."""
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), len(data),
                                 [_valid(~np.isnan(data)), pa.py_buffer(data)])


def ints(values: npt.ArrayLike, missing: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """int64 values, null where `missing`."""
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype=np.int64)
    valid = None if missing is None else _valid(~missing)
    return pa.Array.from_buffers(pa.int64(), len(data), [valid, pa.py_buffer(data)])


def bools(values: npt.ArrayLike) -> pa.Array:
    """Booleans, none null."""
    import pyarrow as pa

    data = np.asarray(values, dtype=bool)
    return pa.Array.from_buffers(pa.bool_(), len(data),
                                 [None, pa.py_buffer(np.packbits(data, bitorder="little"))])


def strings(texts: Sequence[str | None]) -> pa.Array:
    """Texts, `None` made null. For short lists: each text is encoded in Python."""
    import pyarrow as pa

    data = [b"" if t is None else t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    present = np.array([t is not None for t in texts], dtype=bool)
    return pa.Array.from_buffers(pa.string(), len(data),
                                 [_valid(present), pa.py_buffer(offsets),
                                  pa.py_buffer(b"".join(data))])


def scalar(text: str) -> pa.Scalar:
    """A string scalar."""
    return strings([text])[0]


def repeat(text: str | None, n: int) -> pa.Array:
    """`text` `n` times (null for `None`)."""
    import pyarrow as pa

    if text is None:
        return pa.nulls(n, pa.string())
    return pa.repeat(scalar(text), n)
