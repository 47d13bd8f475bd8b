"""`inline`: values written in the spec itself, for small examples and tests.

A yearly source (the default) keys each unit's values by year (`2025: 3`); one with
`period: month` (`quarter`, `half`) by period texts (`"2025-06": 3`, `"2025-Q2"`,
`"2025-H1"`), checked when the spec is read."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import AfterValidator, Field, model_validator

from qnkpi.errors import DataError, did_you_mean
from qnkpi.periods import parse_column
from qnkpi.sources._numbers import LARGEST
from qnkpi.sources.base import FetchRequest, FloatPanel, Source
from qnkpi.spec.models import Code


def _in_range(value: float) -> float:
    if not abs(value) <= LARGEST:
        raise ValueError(f"{value:g} is too large a number for qnkpi, which reads numbers up "
                         "to 10^18 in size (so that sums of them stay finite)")
    return value


Value = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_in_range)]
#: A year (`2025`, as YAML reads it, or `"2025"`), or a period text (`"2025-06"`).
When = Annotated[int | str, Field(union_mode="left_to_right")]


class InlineSource(Source):
    """`data: {measure: {unit code: {year: value}}}`; a null value is missing. Values are
    finite numbers, up to 10^18 in size: `.nan` and `.inf` are refused (write null for a
    missing value). With `period: month` (`quarter`, `half`) the values are keyed by
    period (`{"2025-06": 3}`), and each measure says how they make a year (`over_time`)."""

    type: Literal["inline"]
    data: dict[str, dict[Code, dict[When, Value | None]]]
    period: Literal["year", "half", "quarter", "month"] = "year"
    tabular: ClassVar[bool] = False

    @model_validator(mode="after")
    def _keys(self) -> InlineSource:
        """Every key is a year (a yearly source) or a period of the source's kind."""
        for measure, by_unit in self.data.items():
            for code, series in by_unit.items():
                if self.period == "year":
                    bad = next((k for k in series if not isinstance(k, int)), None)
                    if bad is not None:
                        raise ValueError(f"'{measure}', unit '{code}': '{bad}' is not a year; "
                                         "key values by year, such as 2025, or set the "
                                         "source's 'period' (month, quarter or half)")
                    continue
                at, problem = parse_column([str(k) for k in series], self.period)[1:]
                if at >= 0:
                    raise ValueError(f"'{measure}', unit '{code}': {problem}")
        return self

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Place the values written in the spec into panels."""
        out = {}
        first, n_years = int(request.slots[0]), request.shape[1]
        for m in request.measures:
            key = m.column or m.name
            if key not in self.data:
                raise DataError(f"no values for '{key}'{did_you_mean(key, self.data)}",
                                source=request.source)
            panel = np.full(request.shape, np.nan)
            for code, series in self.data[key].items():
                if code not in request.units:
                    raise DataError(f"'{key}': unit code '{code}' is not in the org units"
                                    f"{did_you_mean(code, request.units)}",
                                    source=request.source)
                row = request.units[code]
                slots = (list(series) if self.period == "year" else
                         parse_column([str(k) for k in series], self.period)[0].tolist())
                for slot, value in zip(slots, series.values(), strict=True):
                    if 0 <= slot - first < n_years and value is not None:
                        panel[row, slot - first] = value
            out[m.name] = panel
        return out


__all__ = ["InlineSource"]
