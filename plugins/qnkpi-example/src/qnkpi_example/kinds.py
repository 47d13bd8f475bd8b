"""Two indicator kinds: `reporting_rate` and `change`.

An indicator kind is a pydantic model (its fields are the indicator's keys in a spec)
with two methods: `inputs()` says what it reads, `compute(ctx)` returns its values
at every unit and year at once, as numpy arrays.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import qnkpi
from qnkpi.spec.models import Name

__all__ = ["Change", "ReportingRate"]


# --8<-- [start:reporting_rate]
class ReportingRate(qnkpi.IndicatorKind):
    """The percentage of the units of `level` in each unit's subtree that reported
    `measure` (a value, zero included) in the year.

    The units expected to report are those of the level in that year's tree. In a year
    in which no unit at all reported the measure (a year whose data are not in yet), the
    rate is missing, not 0%.
    """

    kind: Literal["reporting_rate"]
    measure: Name
    level: str
    unit: str = "percent"

    @property
    def level_names(self) -> tuple[str, ...]:
        """The levels this indicator names, so that the spec checks verify them."""
        return (self.level,)

    def inputs(self) -> list[qnkpi.Input]:
        return [qnkpi.Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: qnkpi.KindContext) -> qnkpi.IndicatorPanel:
        values = ctx.measure(self.measure)  # units x years, NaN where not reported
        expected = ctx.tree.level_mask(self.level)  # units x years, bool
        reported = expected & ~np.isnan(values)
        numerator = ctx.tree.subtree_count(reported)  # per unit: flagged units below it
        denominator = ctx.tree.subtree_count(expected)
        year_has_data = reported.any(axis=0, keepdims=True)  # 1 x years: anyone at all?
        known = (denominator > 0) & year_has_data
        value = np.full(ctx.tree.shape, np.nan)
        value[known] = numerator[known] * 100.0 / denominator[known]
        return qnkpi.IndicatorPanel(
            value,
            numerator=np.where(known, numerator, np.nan),
            denominator=np.where(known, denominator, np.nan),
        )
# --8<-- [end:reporting_rate]


# --8<-- [start:change]
class Change(qnkpi.IndicatorKind):
    """Another indicator's change since the previous year, in that indicator's unit
    (percentage points for a percentage). Missing where either year is missing."""

    kind: Literal["change"]
    of: Name

    def inputs(self) -> list[qnkpi.Input]:
        # an indicator, so the engine computes (and rolls up) it before this one
        return [qnkpi.Input(("of",), "indicator", self.of)]

    def compute(self, ctx: qnkpi.KindContext) -> qnkpi.IndicatorPanel:
        before = ctx.indicators[self.of].value  # already at every unit, rolled up
        value = np.full(ctx.tree.shape, np.nan)
        value[:, 1:] = before[:, 1:] - before[:, :-1]  # the first year has no "before"
        return qnkpi.IndicatorPanel(value)
# --8<-- [end:change]
