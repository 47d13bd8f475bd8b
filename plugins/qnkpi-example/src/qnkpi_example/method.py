"""The assessment method `recent_trend`: will the pace of the last few years reach the
goal in time?

An assessment method is an object with `assess(inputs)`. qnkpi has already chosen
each unit's baseline, current value and goal, and decided which units have achieved the
goal or have too little data; the method measures progress as a ratio (1 = exactly
enough) and projects a value for the goal year, for all units of one indicator at once.
"""

from __future__ import annotations

import numpy as np
import qnkpi

__all__ = ["RecentTrend"]


# --8<-- [start:method]
class RecentTrend:
    """The recent trend continued to the goal year.

    The trend is the slope of the least-squares line through the unit's values in the
    last `years` years up to its current value (never before its baseline year); it
    needs values in at least two of them. Continued from the current value, it projects

        projected = current + slope x (goal year - current year)

    and the ratio is the share of the remaining distance to the goal that it covers:

        ratio = (projected - current) / (goal - current)

    1 or more: the recent pace reaches the goal; between 0 and 1: it falls short;
    below 0: the value is moving away from the goal (regressing).
    """

    def __init__(self, years: int = 3) -> None:
        if years < 2:
            raise ValueError("a trend needs at least two years")
        self.years = years

    def assess(self, inputs: qnkpi.AssessmentInputs) -> qnkpi.MethodOutput:
        years = inputs.years.astype(np.float64)[None, :]  # 1 x years
        values = inputs.values  # units x years
        since = np.fmax(inputs.baseline_year, inputs.current_year - (self.years - 1))
        used = (~np.isnan(values)
                & (years >= since[:, None])  # comparisons with NaN are False
                & (years <= inputs.current_year[:, None]))
        n = used.sum(axis=1)
        left = inputs.goal_year - inputs.current_year  # years until the goal
        remaining = inputs.goal - inputs.current  # distance still to go
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_x = np.where(used, years, 0.0).sum(axis=1) / n
            mean_y = np.where(used, values, 0.0).sum(axis=1) / n
            dx = np.where(used, years - mean_x[:, None], 0.0)
            dy = np.where(used, values - mean_y[:, None], 0.0)
            slope = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
            projected = inputs.current + slope * left
            ratio = slope * left / remaining
        few = n < 2
        late = ~few & (left < 0)
        past = ~few & ~late & (inputs.direction * remaining <= 0)
        ratio[few | late | past] = np.nan
        projected[few | late] = np.nan
        reason: list[str | None] = [None] * len(ratio)
        for k in np.flatnonzero(few).tolist():
            reason[k] = f"a trend needs values in at least two of the last {self.years} years"
        for k in np.flatnonzero(late).tolist():
            reason[k] = "the current value is from after the goal year"
        for k in np.flatnonzero(past).tolist():
            reason[k] = "the current value is at or past the goal value"
        return qnkpi.MethodOutput(ratio, projected, reason)
# --8<-- [end:method]
