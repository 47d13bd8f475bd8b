"""The `csv` source's `path` as a glob pattern (`data/*.csv`): each file read as one, then
their panels merged.

A unit and year given by two files is never silently added up: for a measure without
`aggregate` it is an error naming both files and rows; for a record-level measure the rows
are aggregated together (records may be split over files) with a warning naming both
files, the unit and the year: the same filled form saved twice, or another unit's row
inside a unit's form, would otherwise be counted twice without a word.
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from qnkpi.errors import DataError
from qnkpi.sources.base import FetchRequest, FloatPanel, MeasureRequest

IntArray = npt.NDArray[np.int64]


def is_pattern(path: Path) -> bool:
    """Whether `path` is a glob pattern rather than a file's path."""
    return any(char in str(path) for char in "*?[")


def files(path: Path, source: str) -> list[Path]:
    """The files a pattern matches, sorted; an error naming the pattern if none."""
    found = sorted(Path(p) for p in glob.glob(str(path)) if Path(p).is_file())
    if not found:
        raise DataError(f"no file matches '{path}'; check 'path' (relative paths start at "
                        "the spec file's folder)", source=source)
    return found


@dataclass(frozen=True)
class Cells:
    """The (unit, year) cells a file gives rows for: flat panel indices (unit row *
    years + year column), sorted, and the file's row giving each first."""

    flat: IntArray
    rows: IntArray

    @classmethod
    def of(cls, units: IntArray, years: IntArray, numbers: IntArray,
           request: FetchRequest) -> Cells:
        n_years = request.shape[1]
        col = years - request.slots[0]
        inside = (col >= 0) & (col < n_years)
        flat, first = np.unique(units[inside] * n_years + col[inside], return_index=True)
        return cls(flat.astype(np.int64), numbers[inside][first])


Read = Callable[[Path, FetchRequest], tuple[dict[str, FloatPanel], Cells | None]]


def fetch_all(paths: list[Path], request: FetchRequest, read: Read,
              ) -> dict[str, FloatPanel]:
    """Read every file with `read` (its panels, and the cells it gives rows for) and merge
    the panels: `mean` as the sum of values over their count, the other aggregates by
    themselves."""
    asked = _split_means(request.measures)
    inner = replace(request, measures=tuple(m for pair in asked.values() for m in pair))
    n_units, n_years = request.shape
    owner = np.full(n_units * n_years, -1, dtype=np.int64)
    owner_row = np.zeros(n_units * n_years, dtype=np.int64)
    merged: dict[str, FloatPanel] = {}
    for i, path in enumerate(paths):
        panels, cells = read(path, inner)
        assert cells is not None
        clash = np.flatnonzero(owner[cells.flat] >= 0)
        if clash.size:
            _twice(request, paths, cells, clash, owner, owner_row, path)
        fresh = owner[cells.flat] < 0
        owner[cells.flat[fresh]] = i
        owner_row[cells.flat[fresh]] = cells.rows[fresh]
        for m in inner.measures:
            merged[m.name] = _merge(merged.get(m.name), panels[m.name], m.aggregate)
    out = {}
    for m in request.measures:
        pair = asked[m.name]
        if m.aggregate == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                out[m.name] = merged[pair[0].name] / merged[pair[1].name]
        else:
            out[m.name] = merged[m.name]
    return out


def _split_means(measures: tuple[MeasureRequest, ...]) -> dict[str, tuple[MeasureRequest, ...]]:
    """Each measure as read from each file: a `mean` as its sum and its count."""
    out: dict[str, tuple[MeasureRequest, ...]] = {}
    for m in measures:
        if m.aggregate == "mean":
            out[m.name] = (MeasureRequest(f"{m.name}\0sum", m.column, "sum"),
                           MeasureRequest(f"{m.name}\0count", m.column, "count"))
        else:
            out[m.name] = (m,)
    return out


def _merge(total: FloatPanel | None, panel: FloatPanel, how: str | None) -> FloatPanel:
    """Two files' panels of one measure: placed side by side (no cell is in both) or
    aggregated."""
    if total is None:
        return panel.copy()
    if how in (None, "sum", "count"):
        both = np.isnan(total) & np.isnan(panel)
        out = np.nan_to_num(total) + np.nan_to_num(panel)
        out[both] = np.nan
        return out
    return (np.fmin if how == "min" else np.fmax)(total, panel)


def _twice(request: FetchRequest, paths: list[Path], cells: Cells, clash: IntArray,
           owner: IntArray, owner_row: IntArray, path: Path) -> None:
    """Cells given by an earlier file and by `path`: an error if a measure keeps one row
    per unit and year, else a warning naming both files."""
    n_years = request.shape[1]
    k = int(clash[0])
    cell = int(cells.flat[k])
    code = list(request.units)[cell // n_years]
    year = column_label(request, cell % n_years)
    first = paths[int(owner[cell])]
    row, second = int(owner_row[cell]), int(cells.rows[k])
    if any(m.aggregate is None for m in request.measures):
        each = "year" if request.per_year == 1 else request.period
        raise DataError(
            f"unit '{code}' has a row for {year} in two files: {first} (row {row}) and "
            f"this one (row {second}); keep one row per unit and {each} across the files: "
            "remove one of them", file=path, row=second, source=request.source)
    request.warn(records_twice(code, year, (first, row), second, clash.size - 1),
                 file=path, row=second)


def column_label(request: FetchRequest, column: int) -> int | str:
    """A panel column as messages name it: its year (an int, as before), or its period
    (`2025-06`) for a source that reports by period."""
    if request.per_year == 1:
        return int(request.years[column])
    return request.label(int(request.slots[column]))


def records_twice(code: str, year: int | str, first: tuple[Path, int], row: int, more: int) -> str:
    """The warning for records of one unit and year in two files (the `csv` and `xlsx`
    sources' globs): `first` is the earlier file and its row, `row` this file's, `more`
    how many other units and years the two files share."""
    each = "years" if isinstance(year, int) else "periods"
    others = f" (and {more} more units and {each})" if more else ""
    return (f"unit '{code}' has rows for {year} in two files: {first[0]} (row {first[1]}) "
            f"and this one (row {row}){others}; their records are added up: if one file is "
            "a copy of the other (a form saved twice) or holds another unit's rows, remove "
            "them")
