"""What a source type is, and the helpers that turn rows into panels.

A source type is a subclass of [`Source`][qnkpi.sources.base.Source] (usually of
[`TabularSource`][qnkpi.sources.base.TabularSource]) with `type: Literal["name"]`, its
own keys, and a [`fetch`][qnkpi.sources.base.Source.fetch] that returns one units x
years panel per measure asked of it. Sources that read record-level rows aggregate them
by (unit, year) where the data live and hand back only the aggregates.
[`scatter`][qnkpi.sources.base.scatter] places one-row-per-(unit, year) values into
panels, refusing duplicates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import model_validator

from qnkpi.errors import DataError, did_you_mean
from qnkpi.spec.models import SourceSpec

__all__ = ["FetchRequest", "MeasureRequest", "PeriodSource", "Source", "TabularSource",
           "panels_from_rows",
           "scatter"]

FloatPanel = npt.NDArray[np.float64]
Aggregate = Literal["sum", "count", "mean", "min", "max"]


@dataclass(frozen=True)
class MeasureRequest:
    """One measure asked of a source.

    Attributes:
        name: The measure's name in the spec: the key of its panel in what
            [`Source.fetch`][qnkpi.sources.base.Source.fetch] returns.
        column: The column (or key) holding its values: the measure's `column`, else its
            name. `None` only for `aggregate: count` without a column (count the rows).
        aggregate: How to aggregate record-level rows per (unit, year): `sum`, `count`,
            `mean`, `min` or `max`; `None` when the data hold one row per unit and year.
    """

    name: str
    column: str | None
    aggregate: Aggregate | None


@dataclass(frozen=True, eq=False)
class FetchRequest:
    """Everything a source needs: which measures, for which units and years.

    Attributes:
        source: The source's name in the spec, for messages (pass it to
            [`DataError`][qnkpi.errors.DataError]).
        measures: Every measure read from this source.
        units: Unit code -> row of the panels, for every unit of the org units.
        years: The programme's years, consecutive. Rows of other years are ignored.
        per_year: How many periods of the source make a year: 1 (the default) for a
            source that reports yearly, 2, 4 or 12 for one that reports by `half`,
            `quarter` or `month` (its `period`). The panels then have `per_year` columns
            per year, in order ([`slots`][qnkpi.sources.base.FetchRequest.slots]).
        period: The source's period kind: `year`, `half`, `quarter` or `month`.
        warnings: What the source noted with [`warn`][qnkpi.sources.base.FetchRequest.warn]
            while it read: data it used but that deserve a look. The engine passes them
            on as the result's warnings.
    """

    source: str
    measures: tuple[MeasureRequest, ...]
    units: Mapping[str, int]
    years: npt.NDArray[np.int64]
    warnings: list[str] = field(default_factory=list)
    per_year: int = 1
    period: str = "year"

    def warn(self, message: str, *, file: Path | str | None = None,
             row: int | None = None) -> None:
        """Note something in the data that is usable but suspicious.

        The note is located as a [`DataError`][qnkpi.errors.DataError] would be
        (`source 'NAME': FILE, row N: message`) and kept once in `warnings`; reading goes
        on.

        Args:
            message: What looks wrong, and what to do if it is.
            file: The file it is in, if any.
            row: The 1-based row of `file` (the header is row 1), if known.
        """
        note = str(DataError(message, file=file, row=row, source=self.source))
        if note not in self.warnings:
            self.warnings.append(note)

    @property
    def shape(self) -> tuple[int, int]:
        """The shape of every panel to return: `(len(units), len(years) x per_year)`:
        one column per year, or per period of a source that reports more often."""
        return len(self.units), len(self.years) * self.per_year

    @property
    def slots(self) -> npt.NDArray[np.int64]:
        """The panels' columns as slots: the years themselves for a yearly source; for
        one that reports by period, `year x per_year + index` (index from 0: January,
        Q1, H1), as [`qnkpi.periods`][qnkpi.periods] reads them from the data."""
        first = int(self.years[0]) * self.per_year
        return np.arange(first, first + self.shape[1], dtype=np.int64)

    def label(self, slot: int) -> str:
        """A slot as the data write it: `2025`, `2025-06`, `2025-Q2`, `2025-H1`."""
        from qnkpi.periods import label

        return label(slot, self.period)


class Source(SourceSpec):
    """Base class of source types: where measures come from.

    Subclass it (or [`TabularSource`][qnkpi.sources.base.TabularSource] for rows), set
    `type: Literal["name"]`, declare the source's keys as fields, implement
    [`fetch`][qnkpi.sources.base.Source.fetch], and register the class from a
    [`register_source_types`][qnkpi.plugin.hookspecs.register_source_types] hook. Specs
    then write `type: name` under `sources`. Type paths as
    [`RelPath`][qnkpi.spec.models.RelPath] so that they resolve against the spec's
    folder. A source that is not tabular sets `tabular: ClassVar[bool] = False`.
    """

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Read the measures of `request`.

        Measures without `aggregate` hold one value per unit and year: a second one is an
        error, never a sum. Measures with `aggregate` are grouped per unit and year, where
        the data live if possible. Rows of years outside `request.years` are ignored.

        Args:
            request: The measures to read, and the units and years of the panels.

        Returns:
            Measure name -> float array of shape `request.shape` (units x years), NaN
                where there is no value, for every measure of `request`.

        Raises:
            DataError: For data that cannot be used (a missing file or column, an
                unknown unit code, two rows for one unit and year), naming the file and
                row. Any other exception, or a missing or misshapen panel, becomes a
                [`PluginError`][qnkpi.errors.PluginError] naming the plugin.
        """
        raise NotImplementedError

    def explain(self, request: FetchRequest) -> str:
        """Say what [`fetch`][qnkpi.sources.base.Source.fetch] would do, without doing it.

        `qnkpi evaluate --explain` and [`explain`][qnkpi.engine.evaluate.explain] print
        it. The default names the source type and the source; override it to show the
        query a database would run or the file a reader would open.

        Args:
            request: As for `fetch`.

        Returns:
            The plan, as text for people.
        """
        return f"{self.type} source '{request.source}'"


class TabularSource(Source):
    """A source of rows, with a column of unit codes and a column of years.

    Attributes:
        unit: The column holding unit codes (a required key in the spec).
        year: The column holding years (a required key in the spec).
    """

    unit: str
    year: str


class PeriodSource(TabularSource):
    """A source of rows that may report more often than yearly: its rows are placed in
    time by a year, a period within the year, or a date. The built-in csv, xlsx,
    sqlite and frame sources are period sources; a plugin's source becomes one by
    subclassing this class and reading `time_column` into slots (see
    [`qnkpi.periods`][qnkpi.periods]), where a `TabularSource` reads years.

    Attributes:
        year: The column holding years: required for a source that reports yearly
            (unless `date` is given), `None` for one that reports by period.
        period: How often the source reports: `year` (the default), `half`, `quarter`
            or `month`. The engine adds the periods of each year up into the year's
            value by each measure's `over_time`.
        period_column: For `half`, `quarter` or `month`: the column naming each row's
            period as `2025-H1`, `2025-Q2` or `2025-06`, or `None` when `date` is given.
        date: The column holding each row's date (`2025-06-14`), which places it in its
            year, half, quarter or month; or `None`.
    """

    year: str | None = None  # type: ignore[assignment]
    period: Literal["year", "half", "quarter", "month"] = "year"
    period_column: str | None = None
    date: str | None = None

    @model_validator(mode="after")
    def _time_columns(self) -> PeriodSource:
        if self.period == "year":
            if self.period_column is not None:
                raise ValueError("'period_column' is for a source that reports by half, "
                                 "quarter or month: set 'period', or name the year "
                                 "column in 'year'")
            if self.year is None and self.date is None:
                raise ValueError("a source needs 'year' (the column of years), or 'date' "
                                 "(a column of dates)")
            if self.year is not None and self.date is not None:
                raise ValueError("give 'year' or 'date', not both")
        else:
            if (self.period_column is None) == (self.date is None):
                raise ValueError(f"a source by {self.period} needs exactly one of "
                                 f"'period_column' (periods written "
                                 f"{_PERIOD_FORMS[self.period]}) or 'date' (a column of "
                                 "dates)")
            if self.year is not None:
                raise ValueError(f"a source by {self.period} reads the year from its "
                                 f"{'periods' if self.period_column else 'dates'}: "
                                 "remove 'year'")
        return self

    @property
    def time_column(self) -> str:
        """The column that places a row in time: `year`, `period_column` or `date`."""
        column = self.year or self.period_column or self.date
        assert column is not None  # the model's validation made sure of it
        return column


#: How each period kind is written in a period column, for messages.
_PERIOD_FORMS = {"half": "2025-H1", "quarter": "2025-Q2", "month": "2025-06"}


def unit_rows(codes: Sequence[str], request: FetchRequest, *, file: Path | str | None,
              row_numbers: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.int64]:
    """Map unit codes to panel rows.

    Raises:
        DataError: A code is not in the org units; it names the code and its row
            (`row_numbers[i]`, default `i + 2`: a header, then data).
    """
    index = request.units
    rows = np.empty(len(codes), dtype=np.int64)
    for i, code in enumerate(codes):
        row = index.get(code)
        if row is None:
            row = index.get(unicodedata.normalize("NFC", code))
        if row is None and not code.strip():
            raise DataError("the unit code is empty; fill it in, or delete the row if it "
                            "holds no data", file=file,
                            row=int(row_numbers[i]) if row_numbers is not None else i + 2,
                            source=request.source)
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

    Rows of years outside the request are ignored.

    Args:
        rows: Each data row's panel row (its unit's row in `request.units`).
        years: Each data row's year; for a source that reports by period, its slot
            ([`FetchRequest.slots`][qnkpi.sources.base.FetchRequest.slots]).
        columns: Measure name -> each data row's value (NaN where missing).
        request: The request being served.
        file: The file the rows come from, for messages.
        row_numbers: Each data row's 1-based row in `file`, for messages. Default: `i + 2`
            for the i-th row (a header, then data).

    Returns:
        Measure name -> panel of shape `request.shape`, NaN where no row gives a value.

    Raises:
        DataError: A (unit, year) appears twice; it names both rows. Such data are never
            silently summed.
    """
    n_units, n_years = request.shape
    col = years - request.slots[0]
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
        year = request.label(int(request.slots[where % n_years]))
        each = "year" if request.per_year == 1 else request.period
        raise DataError(
            f"unit '{code}' has two rows for {year} (rows {first} and {second}); a table "
            f"without 'aggregate' holds one row per unit and {each}: remove one, or declare "
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
    (or, except for `count`, no non-missing values)."""
    n_units, n_years = request.shape
    size = n_units * n_years
    col = years - request.slots[0]
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


def panels_from_rows(measures: tuple[MeasureRequest, ...], values: Mapping[str, FloatPanel],
                     rows: npt.NDArray[np.int64], years: npt.NDArray[np.int64],
                     request: FetchRequest, *, file: Path | str | None,
                     row_numbers: npt.NDArray[np.int64] | None = None,
                     ) -> dict[str, FloatPanel]:
    """The panels of `measures` from data rows, as every tabular source makes them:
    the measures of one value per (unit, year) placed as they are
    ([`scatter`][qnkpi.sources.base.scatter]), record-level ones aggregated by their
    `aggregate`.

    Args:
        measures: The measures to make panels of.
        values: Measure name -> each data row's value (NaN where missing); a measure
            with `aggregate: count` may have none.
        rows: Each data row's panel row.
        years: Each data row's year, or its slot for a source that reports by period.
        request: The request being served.
        file: The file the rows come from, for messages (`None` for a frame).
        row_numbers: Each data row's row in its file or frame, for messages.
    """
    tables = [m for m in measures if m.aggregate is None]
    out = {}
    if tables:
        out = scatter(rows, years, {m.name: values[m.name] for m in tables}, request,
                      file=file, row_numbers=row_numbers)
    for m in measures:
        if m.aggregate is not None:
            out[m.name] = group(rows, years, values.get(m.name), m.aggregate, request)
    return out
