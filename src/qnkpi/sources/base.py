"""What a source type is, and the helpers that turn rows into panels.

A source type is a subclass of :class:`qnkpi.spec.models.SourceSpec` with
``type: Literal["name"]``, its own keys, and a :meth:`Source.fetch` that returns one
units x years panel per measure asked of it. Sources that read record-level rows
aggregate them by (unit, year) where the data lives and hand back only the aggregates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from qnkpi.errors import DataError, did_you_mean
from qnkpi.spec.models import SourceSpec

__all__ = ["FetchRequest", "MeasureRequest", "Source", "TabularSource", "scatter"]

FloatPanel = npt.NDArray[np.float64]
Aggregate = Literal["sum", "count", "mean", "min", "max"]


@dataclass(frozen=True)
class MeasureRequest:
    """One measure asked of a source: its column and, for record-level data, how to
    aggregate rows per (unit, year). ``column`` is None only for ``aggregate: count``."""

    name: str
    column: str | None
    aggregate: Aggregate | None


@dataclass(frozen=True, eq=False)
class FetchRequest:
    """Everything a source needs: which measures, for which units and years."""

    source: str  # the source's name in the spec, for messages
    measures: tuple[MeasureRequest, ...]
    units: Mapping[str, int]  # unit code -> row in the panels
    years: npt.NDArray[np.int64]  # the panels' columns, consecutive years

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.units), len(self.years)


class Source(SourceSpec):
    """Base class for source types; subclass it and implement :meth:`fetch`."""

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """One [units x years] float panel per requested measure; NaN where missing."""
        raise NotImplementedError

    def explain(self, request: FetchRequest) -> str:
        """What :meth:`fetch` would do (a query, a file), without doing it."""
        return f"{self.type} source '{request.source}'"


class TabularSource(Source):
    """A source of rows with a unit-code column and a year column."""

    unit: str
    year: str


def unit_rows(codes: Sequence[str], request: FetchRequest, *, file: Path | str | None,
              row_numbers: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.int64]:
    """Map unit codes to panel rows; an unknown code is a :class:`DataError` naming it
    and its row (``row_numbers[i]``, default ``i + 2``: a header, then data)."""
    index = request.units
    rows = np.empty(len(codes), dtype=np.int64)
    for i, code in enumerate(codes):
        row = index.get(code)
        if row is None:
            row = index.get(unicodedata.normalize("NFC", code))
        if row is None:
            hint = did_you_mean(code, index)
            raise DataError(
                f"unit code '{code}' is not in the spec's org units{hint}; add the unit to "
                "the org units or correct the code", file=file,
                row=int(row_numbers[i]) if row_numbers is not None else i + 2,
                source=request.source)
        rows[i] = row
    return rows


def scatter(rows: npt.NDArray[np.int64], years: npt.NDArray[np.int64],
            columns: Mapping[str, FloatPanel], request: FetchRequest, *,
            file: Path | str | None, row_numbers: npt.NDArray[np.int64] | None = None,
            ) -> dict[str, FloatPanel]:
    """Place one-row-per-(unit, year) values into panels.

    Rows of years outside the request are ignored. A (unit, year) that appears twice is a
    :class:`DataError` naming both rows: such data are never silently summed.
    """
    n_units, n_years = request.shape
    col = years - request.years[0]
    inside = (col >= 0) & (col < n_years)
    flat = rows[inside] * n_years + col[inside]
    order = np.argsort(flat, kind="stable")
    dup = np.flatnonzero(flat[order][1:] == flat[order][:-1])
    if dup.size:
        numbers = (row_numbers if row_numbers is not None
                   else np.arange(len(rows), dtype=np.int64) + 2)[inside][order]
        first, second = numbers[dup[0]], numbers[dup[0] + 1]
        where = flat[order][dup[0]]
        code = list(request.units)[where // n_years]
        year = request.years[where % n_years]
        raise DataError(
            f"unit '{code}' has two rows for {year} (rows {first} and {second}); a table "
            "without 'aggregate' holds one row per unit and year: remove one, or declare "
            "'aggregate' on the measures if the rows are records to add up",
            file=file, row=int(second), source=request.source)
    panels = {}
    for name, values in columns.items():
        panel = np.full(n_units * n_years, np.nan)
        panel[flat] = values[inside]
        panels[name] = panel.reshape(n_units, n_years)
    return panels


def group(rows: npt.NDArray[np.int64], years: npt.NDArray[np.int64],
          values: FloatPanel | None, how: Aggregate, request: FetchRequest) -> FloatPanel:
    """Aggregate record-level rows per (unit, year); missing where a cell has no rows
    (or, except for ``count``, no non-missing values)."""
    n_units, n_years = request.shape
    size = n_units * n_years
    col = years - request.years[0]
    inside = (col >= 0) & (col < n_years)
    flat = rows * n_years + col
    keep = inside if values is None else inside & ~np.isnan(values)  # None: count rows
    counts = np.bincount(flat[keep], minlength=size).astype(np.float64)
    out: FloatPanel
    if how == "count":
        out = counts
        out[np.bincount(flat[inside], minlength=size) == 0] = np.nan
        return out.reshape(n_units, n_years)
    assert values is not None
    if how in ("sum", "mean"):
        total = np.bincount(flat[keep], weights=values[keep], minlength=size).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = total / counts if how == "mean" else total
    else:
        out = np.full(size, np.nan)
        (np.fmin if how == "min" else np.fmax).at(out, flat[keep], values[keep])
    out[counts == 0] = np.nan
    return out.reshape(n_units, n_years)
