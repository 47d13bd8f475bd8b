"""The built-in assessment methods: `linear_path` and `cagr_ratio` toward a goal,
`cagr_trend` for an indicator without a target."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnkpi.assess.base import AssessmentInputs, MethodOutput, reasons
from qnkpi.verdicts import AssessmentStatus

FloatArray = npt.NDArray[np.float64]

__all__ = ["CagrRatio", "CagrTrend", "LinearPath"]


class LinearPath:
    """Where the straight line from baseline to goal says the value should be by now.

    expected change = (goal - baseline) x (current year - baseline year)
                      / (goal year - baseline year);
    ratio = (current - baseline) / expected change. The projection continues the observed
    straight line to the goal year. Where the baseline already meets the goal there is no
    path: a unit that has since moved away from the goal is regressing (ratio -inf),
    any other gets no ratio, with that reason.
    """

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        """Ratio of the change so far to the change the straight path expected."""
        b, c, goal = inputs.baseline, inputs.current, inputs.goal
        by, cy, gy = inputs.baseline_year, inputs.current_year, float(inputs.goal_year)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = (goal - b) * (cy - by) / (gy - by)
            ratio = (c - b) / expected
            projected = c + (c - b) / (cy - by) * (gy - cy)
        no_span = gy <= by
        # the baseline already meets the goal: the expected change is zero or points
        # backwards, and would call a fall "on track"
        settled = ~no_span & (inputs.direction * (goal - b) <= 0)
        away = settled & (inputs.direction * (c - b) < 0)
        ratio[no_span | settled] = np.nan
        ratio[away] = -np.inf  # no change was needed, and the value moved the wrong way
        return MethodOutput(ratio, projected, reasons(
            len(b),
            (no_span, "the baseline year is not before the goal year"),
            (away, "the baseline already met the goal and the value moved away from it"),
            (settled & ~away, "the baseline already meets the goal: no change is expected"),
        ))


class CagrRatio:
    """The growth-ratio method of Statistics Canada and Open SDG, with its published
    rules for zeros and negative series.

    observed growth = (current / baseline)^(1 / (current year - baseline year)) - 1;
    required growth = (goal / baseline)^(1 / (goal year - baseline year)) - 1;
    ratio = s x direction x observed / |required|, where s is -1 for a negative
    baseline (a series of negative values is judged with its direction flipped) and 1
    otherwise. A goal or a baseline of 0 is taken as 0.001, as the published method
    does, and the unit's reason says so. A baseline and a current value of opposite
    signs, or a goal of the other sign than the baseline, give no ratio, with that
    reason. The projection compounds the observed growth to the goal year.
    """

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        """Ratio of the observed annual growth to the required annual growth."""
        b, c = inputs.baseline, inputs.current
        by, cy, gy = inputs.baseline_year, inputs.current_year, float(inputs.goal_year)
        sign = np.where(b < 0, -1.0, 1.0)  # of the baseline as reported, before any 0.001
        zero_goal = inputs.goal == 0
        goal = ZERO if zero_goal else inputs.goal
        zero_base = b == 0
        b = np.where(zero_base, ZERO, b)
        opposite = (b > 0) & (c < 0) | (b < 0) & (c > 0)
        goal_opposite = (goal > 0) & (b < 0) | (goal < 0) & (b > 0)
        no_span = gy <= by
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            observed = growth(c, b, cy - by)
            required = growth(np.full(len(b), goal), b, gy - by)
            ratio = sign * inputs.direction * observed / np.abs(required)
            projected = c * (1.0 + observed) ** (gy - cy)
        flat = required == 0
        invalid = opposite | goal_opposite | no_span | flat
        away = flat & ~(opposite | goal_opposite | no_span) & (inputs.direction * (c - b) < 0)
        ratio[invalid] = np.nan
        ratio[away] = -np.inf  # no growth was needed, and the value moved the wrong way
        projected[opposite] = np.nan
        n = len(b)
        return MethodOutput(ratio, projected, reasons(
            n,
            (opposite, "growth rates need a baseline and a current value of one sign"),
            (goal_opposite & zero_goal, "a goal of 0 is taken as 0.001, as the published "
             "method does, which is not of the sign of this negative baseline: growth "
             "rates need one sign"),
            (goal_opposite, "growth rates need a goal of the same sign as the baseline"),
            (no_span, "the baseline year is not before the goal year"),
            (away, "the goal equals the baseline and the value moved away from it"),
            (flat & ~away, "the goal equals the baseline: no growth is required"),
            (np.full(n, zero_goal) & zero_base, "a goal and a baseline of 0 are taken as "
             "0.001, as the published method does"),
            (np.full(n, zero_goal), "a goal of 0 is taken as 0.001, as the published "
             "method does"),
            (zero_base, "a baseline of 0 is taken as 0.001, as the published method does"),
        ))


class CagrTrend:
    """The trend of an indicator without a target, by the method of Statistics Canada
    and Open SDG: how fast it moves the way it should.

    ratio = s x direction x (current / baseline)^(1 / (current year - baseline year))
    - 1, the annual growth in the desired direction (s as for `cagr_ratio`; a baseline
    of 0 taken as 0.001). At least 1.5% a year is substantial progress, 0.5% moderate
    progress, 0 or more limited progress, less is deterioration. With a natural `limit`
    L, the 1.5% and 0.5% shrink by C as the baseline y0 nears it: C = 1 - (|y0|/|L|)^4.44
    for |y0| <= |L|, 1 - ((2|L| - |y0|)/|L|)^4.44 up to 2|L|, 1 beyond. The projection
    compounds the growth to the programme's last year.
    """

    #: The least annual growth (in the desired direction) of substantial and moderate
    #: progress, before the limit's scaling.
    SUBSTANTIAL = 0.015
    MODERATE = 0.005
    #: The exponent of the limit's scaling, as published.
    EXPONENT = 4.44

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        """The annual growth in the desired direction, and its trend status."""
        b, c = inputs.baseline, inputs.current
        by, cy, gy = inputs.baseline_year, inputs.current_year, float(inputs.goal_year)
        sign = np.where(b < 0, -1.0, 1.0)
        scale = self.scale(b, inputs.limit)
        zero_base = b == 0
        b = np.where(zero_base, ZERO, b)
        opposite = (b > 0) & (c < 0) | (b < 0) & (c > 0)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            observed = growth(c, b, cy - by)
            rate = sign * inputs.direction * observed
            projected = c * (1.0 + observed) ** (gy - cy)
        rate[opposite] = np.nan
        projected[opposite] = np.nan
        status = np.select(
            [rate >= self.SUBSTANTIAL * scale, rate >= self.MODERATE * scale, rate >= 0],
            [AssessmentStatus.SUBSTANTIAL_PROGRESS, AssessmentStatus.MODERATE_PROGRESS,
             AssessmentStatus.LIMITED_PROGRESS], default=AssessmentStatus.DETERIORATION,
        ).astype(np.int8)
        return MethodOutput(rate, projected, reasons(
            len(b),
            (opposite, "growth rates need a baseline and a current value of one sign"),
            (zero_base, "a baseline of 0 is taken as 0.001, as the published method does"),
        ), status=status)

    @classmethod
    def scale(cls, baseline: FloatArray, limit: float | None) -> FloatArray:
        """C, the factor the growth thresholds are multiplied by: 1 without a limit,
        falling to 0 as the baseline reaches the limit (from either side)."""
        if limit is None:
            return np.ones(len(baseline))
        y0, lim = np.abs(baseline), abs(limit)
        with np.errstate(invalid="ignore", divide="ignore"):
            near = np.where(y0 <= lim, y0 / lim, (2 * lim - y0) / lim)
            out: FloatArray = np.where(y0 >= 2 * lim, 1.0, 1.0 - near ** cls.EXPONENT)
        return out


ZERO = 0.001
"""What the published method takes a goal or a baseline of 0 as."""


def growth(value: FloatArray, base: FloatArray, years: FloatArray | float) -> FloatArray:
    """The compound annual growth from `base` to `value` over `years`."""
    out: FloatArray = (value / base) ** (1.0 / years) - 1.0
    return out
