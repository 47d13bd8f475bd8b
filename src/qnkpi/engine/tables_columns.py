"""Arrow columns every table of a result is built with: the tree's texts (unit codes,
levels, names) as small Arrow arrays taken from by index, and numbers from numpy with
missing values made null, never NaN.

Used by the checks table (`qnkpi.engine.tables`) and the assessments and violations
tables (`qnkpi.engine.tables_assessments`). pyarrow is imported only when a column is
made."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

import qnkpi._arrow_build as build

if TYPE_CHECKING:
    import pyarrow as pa

    from qnkpi.orgunits import OrgTree

__all__ = ["Texts", "finite_column", "int_column", "string_column"]


class Texts:
    """The texts of the tree as Arrow arrays, each made on first use: the rows' codes,
    the levels, and the names in `lang` (each record's, then each row's latest)."""

    def __init__(self, tree: OrgTree, lang: str = "vi") -> None:
        self.tree = tree
        self.lang = lang

    @functools.cached_property
    def codes(self) -> pa.Array:
        """Each row's unit code."""
        return string_column(self.tree.codes)

    @functools.cached_property
    def levels(self) -> pa.Array:
        """The names of the tree's levels."""
        return string_column(self.tree.levels)

    @functools.cached_property
    def records(self) -> int:
        """How many records the tree has (a unit with several over time)."""
        return len(self.tree.records)

    @functools.cached_property
    def names(self) -> pa.Array:
        """Each record's name, then each row's latest, in `lang`."""
        lang = self.lang
        return string_column([*self.tree.record_names(lang), *self.tree.latest_names(lang)])

    def unit_names(self, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> pa.Array:
        """The name in force at each (row, year), as `OrgTree.unit_names` gives it."""
        if self.records:
            rec = self.tree.record[rows, cols]
            index = np.where(rec >= 0, rec, self.records + rows)
        else:
            index = rows
        return self.names.take(build.ints(index))

    def latest_names(self, rows: npt.NDArray[np.intp]) -> pa.Array:
        """Each row's latest name."""
        return self.names.take(build.ints(self.records + rows))


def string_column(values: Any) -> pa.Array:
    """Strings from any iterable of texts (None made null)."""
    return build.strings(list(values))


def finite_column(values: npt.NDArray[Any]) -> pa.Array:
    """float64, NaN and the infinities made null: an assessment's numbers, which the
    JSON result writes as `null` when a method gives no finite value."""
    values = np.asarray(values, dtype=np.float64)
    return build.floats(np.where(np.isfinite(values), values, np.nan))


def int_column(values: npt.NDArray[Any] | None, n: int) -> pa.Array:
    """int64 from whole floats, NaN made null; all null for no panel."""
    import pyarrow as pa

    if values is None:
        return pa.nulls(n, pa.int64())
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    return build.ints(np.where(missing, 0, values), missing)
