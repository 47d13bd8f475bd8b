"""`frame`: a table given at call time, `evaluate(spec, data={"name": frame})`.

A frame is a pandas or polars DataFrame, a pyarrow Table, or any object with the Arrow
PyCapsule stream interface (`__arrow_c_stream__`). It is read as the `csv` source reads
a file (unit and year columns, measures by column, `aggregate` for record-level rows,
`layout: long`), with the frame's types in place of text: numbers are numeric columns,
null or NaN is missing, and unit codes are text (a column of whole numbers is read as
codes only when no code of the org units starts with 0). Rows are counted from 0, as
`DataFrame.iloc` counts them.

The same source also stands in for a file source given a frame of its name:
[`FrameSource.replacing`][qnkpi.sources.frame.FrameSource.replacing] keeps its unit,
year and layout keys.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import PrivateAttr

from qnkpi.errors import DataError
from qnkpi.sources import _arrow
from qnkpi.sources.base import (
    FetchRequest,
    FloatPanel,
    MeasureRequest,
    PeriodSource,
    Source,
    TabularSource,
    panels_from_rows,
)

__all__ = ["FrameSource"]


class FrameSource(PeriodSource):
    """Rows of a frame passed as `data={"name": frame}` to `evaluate`, `check_data` or
    `explain`. `layout`, `measure_column` and `value_column` are as for `csv`."""

    type: Literal["frame"]
    layout: Literal["wide", "long"] = "wide"
    measure_column: str = "measure"
    value_column: str = "value"
    _table: Any = PrivateAttr(default=None)
    _what: str = PrivateAttr(default="")

    @classmethod
    def replacing(cls, name: str, source: Source, frame: object) -> FrameSource:
        """A frame source holding `frame`, read with `source`'s unit, year and layout keys.

        Args:
            name: The source's name in the spec, for messages.
            source: The spec's source of that name: a `frame` source, or a tabular one
                (`csv`, `xlsx`, `sqlite`, a plugin's) whose data the frame replaces.
            frame: The frame.

        Raises:
            DataError: `source` has no unit and year columns (`inline`), or `frame` is
                not a frame.
        """
        if not isinstance(source, TabularSource):
            raise DataError(f"a frame cannot replace this {source.type} source, which has "
                            "no unit and year columns; give frames to sources of rows "
                            "(frame, csv, xlsx, sqlite...)", source=name)
        keys = {k: getattr(source, k) for k in ("layout", "measure_column", "value_column")
                if isinstance(getattr(source, k, None), str)}
        if isinstance(source, PeriodSource):
            keys |= {"period": source.period, "period_column": source.period_column,
                     "date": source.date}
        out = cls(type="frame", unit=source.unit, year=source.year, **keys)
        out._table = _arrow.as_table(frame, name)
        out._what = _arrow.describe(frame)
        return out

    def explain(self, request: FetchRequest) -> str:
        """The frame this source reads (or that none was given), its layout and columns."""
        cols = ", ".join(m.column or "*" for m in request.measures)
        if self._table is None:
            return (f"a frame given at call time, data={{'{request.source}': frame}} "
                    f"({self.layout}; columns {cols})")
        return (f"read {self._what} of {self._table.num_rows} rows ({self.layout}; columns "
                f"{cols})")

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Read the frame's columns and place its rows (or their aggregates) into panels."""
        import pyarrow as pa

        try:
            return self._read(request)
        except pa.ArrowException as exc:  # a column type Arrow cannot convert
            raise DataError(f"the frame cannot be read: {exc}; give measures a numeric "
                            "type, and unit codes and years a plain one (text or integers)",
                            source=request.source) from None

    def _read(self, request: FetchRequest) -> dict[str, FloatPanel]:
        table, source = self._table, request.source
        if table is None:
            raise DataError("no frame was given for this source; pass it as "
                            f"data={{'{source}': frame}} to qnkpi.evaluate (or check_data); "
                            "the command line cannot pass a frame, so use a file source "
                            "there", source=source)
        if self.layout == "long":
            needed = [self.measure_column, self.value_column]
        else:
            needed = [m.column for m in request.measures if m.column is not None]
        time = self.time_column
        cols = {c: _arrow.column(table, c, source) for c in [self.unit, time, *needed]}
        if not table.num_rows:
            request.warn("the frame has no rows, so every value it should give is missing")
        units = _arrow.unit_rows(cols[self.unit], self.unit, request.units, source)
        years = (_arrow.years(cols[time], time, source) if self.year is not None else
                 _arrow.slots(cols[time], time, self.period, dates=self.date is not None,
                              source=source))
        if self.layout == "wide":
            values = {m.name: _values(cols[m.column], m, m.column, source)
                      for m in request.measures if m.column is not None}
            return panels_from_rows(request.measures, values, units, years, request,
                                    file=None, row_numbers=np.arange(len(units)))
        names = _arrow.labels(cols[self.measure_column], self.measure_column, source)
        out: dict[str, FloatPanel] = {}
        for m in request.measures:
            pick = np.flatnonzero(names == _arrow.name(m.column or m.name))
            values = {}
            if not (m.aggregate == "count" and m.column is None):
                values = {m.name: _values(cols[self.value_column], m, self.value_column,
                                          source, measure=m.name, pick=pick)}
            out.update(panels_from_rows((m,), values, units[pick], years[pick], request,
                                        file=None, row_numbers=pick.astype(np.int64)))
        return out


def _values(col: Any, m: MeasureRequest, label: str, source: str, *,
            measure: str | None = None, pick: Any = None) -> FloatPanel:
    """A measure's values (or, for `count`, which cells are filled), of the rows `pick`
    (default all)."""
    if m.aggregate == "count":
        return _arrow.filled(col, pick)
    what = f"column '{label}'" + (f" (measure '{measure}')" if measure else "")
    return _arrow.numbers(col, what, source, pick)
