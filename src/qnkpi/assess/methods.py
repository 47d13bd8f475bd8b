"""The built-in assessment methods: `linear_path` and `cagr_ratio`."""

from __future__ import annotations

import numpy as np

from qnkpi.assess.base import AssessmentInputs, MethodOutput, reasons

__all__ = ["CagrRatio", "LinearPath"]


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
    """The growth-ratio method of Statistics Canada and Open SDG.

    observed growth = (current / baseline)^(1 / (current year - baseline year)) - 1;
    required growth = (goal / baseline)^(1 / (goal year - baseline year)) - 1;
    ratio = direction x observed / |required|. Growth rates need positive values: a zero
    or negative baseline, current value or goal gives no ratio, with that reason.
    The projection compounds the observed growth to the goal year.
    """

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        """Ratio of the observed annual growth to the required annual growth."""
        b, c, goal = inputs.baseline, inputs.current, inputs.goal
        by, cy, gy = inputs.baseline_year, inputs.current_year, float(inputs.goal_year)
        not_positive = (b <= 0) | (c <= 0)
        bad_goal = np.full(len(b), goal <= 0)
        no_span = gy <= by
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            observed = (c / b) ** (1.0 / (cy - by)) - 1.0
            required = (goal / b) ** (1.0 / (gy - by)) - 1.0
            ratio = inputs.direction * observed / np.abs(required)
            projected = c * (1.0 + observed) ** (gy - cy)
        flat = required == 0
        invalid = not_positive | bad_goal | no_span | flat
        away = flat & ~(not_positive | bad_goal | no_span) & (inputs.direction * (c - b) < 0)
        ratio[invalid] = np.nan
        ratio[away] = -np.inf  # no growth was needed, and the value moved the wrong way
        projected[not_positive] = np.nan
        return MethodOutput(ratio, projected, reasons(
            len(b),
            (not_positive, "growth rates need a baseline and a current value above zero"),
            (bad_goal, "growth rates need a goal above zero"),
            (no_span, "the baseline year is not before the goal year"),
            (away, "the goal equals the baseline and the value moved away from it"),
            (flat & ~away, "the goal equals the baseline: no growth is required"),
        ))
