"""`inline`: values written in the spec itself, for small examples and tests."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import AfterValidator, Field

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources._numbers import LARGEST
from qnkpi.sources.base import FetchRequest, FloatPanel, Source
from qnkpi.spec.models import Code


def _in_range(value: float) -> float:
    if not abs(value) <= LARGEST:
        raise ValueError(f"{value:g} is too large a number for qnkpi, which reads numbers up "
                         "to 10^18 in size (so that sums of them stay finite)")
    return value


Value = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_in_range)]


class InlineSource(Source):
    """`data: {measure: {unit code: {year: value}}}`; a null value is missing. Values are
    finite numbers, up to 10^18 in size: `.nan` and `.inf` are refused (write null for a
    missing value)."""

    type: Literal["inline"]
    data: dict[str, dict[Code, dict[int, Value | None]]]
    tabular: ClassVar[bool] = False

    def fetch(self, request: FetchRequest) -> dict[str, FloatPanel]:
        """Place the values written in the spec into panels."""
        out = {}
        first, n_years = int(request.years[0]), len(request.years)
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
                for year, value in series.items():
                    if 0 <= year - first < n_years and value is not None:
                        panel[row, year - first] = value
            out[m.name] = panel
        return out


__all__ = ["InlineSource"]
