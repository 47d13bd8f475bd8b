"""The built-in assessment methods: ``linear_path`` and ``cagr_ratio``."""

from __future__ import annotations

import numpy as np

from qnkpi.assess.base import AssessmentInputs, MethodOutput, reasons

__all__ = ["CagrRatio", "LinearPath"]


class LinearPath:
    """Where the straight line from baseline to goal says the value should be by now.

    expected change = (goal - baseline) x (current year - baseline year)
                      / (goal year - baseline year);
    ratio = (current - baseline) / expected change. The projection continues the observed
    straight line to the goal year.
    """

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        b, c, goal = inputs.baseline, inputs.current, inputs.goal
        by, cy, gy = inputs.baseline_year, inputs.current_year, float(inputs.goal_year)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = (goal - b) * (cy - by) / (gy - by)
            ratio = (c - b) / expected
            projected = c + (c - b) / (cy - by) * (gy - cy)
        no_span = gy <= by
        flat = ~no_span & (expected == 0)
        ratio[no_span | flat] = np.nan
        return MethodOutput(ratio, projected, reasons(
            len(b),
            (no_span, "the baseline year is not before the goal year"),
            (flat, "the goal equals the baseline: no change is expected"),
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
        ratio[invalid] = np.nan
        projected[not_positive] = np.nan
        return MethodOutput(ratio, projected, reasons(
            len(b),
            (not_positive, "growth rates need a baseline and a current value above zero"),
            (bad_goal, "growth rates need a goal above zero"),
            (no_span, "the baseline year is not before the goal year"),
            (flat, "the goal equals the baseline: no growth is required"),
        ))
