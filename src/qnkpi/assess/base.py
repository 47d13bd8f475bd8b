"""What an assessment method is: a function of baseline, current value and goal, over
whole arrays of units at once.

The engine works out, per indicator and unit, the baseline, the current value and the
goal (see `qnkpi.engine.assess`), decides `achieved` and `insufficient_data`
itself, and asks each method only for a *ratio* of progress (1 = exactly on course) and
a *projection* to the goal year. Statuses follow from the ratio and the programme's
cut-offs, the same for every method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["AssessmentInputs", "AssessmentMethod", "MethodOutput"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class AssessmentInputs:
    """One indicator's assessed units, as arrays with one entry per unit.

    What an [`AssessmentMethod`][qnkpi.assess.base.AssessmentMethod] is given. Years
    are floats so that missing ones can be NaN.

    Attributes:
        indicator: The indicator's name, for messages.
        rows: The assessed units' rows in the panels (and in `values`' source panel).
        baseline_year: Each unit's baseline year: its first year with a value up to the
            evaluation year, or the indicator's declared `baseline` when the goal is on
            the top unit; NaN where there is none.
        baseline: Each unit's baseline value; NaN where there is none.
        current_year: Each unit's latest year with a value up to the evaluation year;
            NaN where there is none.
        current: Each unit's value in its current year; NaN where there is none.
        goal_year: The goal target's last year.
        goal: The goal value (for `between`, the bound the indicator moves toward).
        direction: `+1` when the indicator should increase, `-1` when it should
            decrease.
        years: The years of `values`' columns.
        values: The indicator's panel at the assessed units (units x years), for methods
            that want more than two points.
        limit: The indicator's natural limit (`assessment: {limit: ...}`), for a trend
            method; `None` when it has none.
    """

    indicator: str
    rows: npt.NDArray[np.intp]
    baseline_year: FloatArray
    baseline: FloatArray
    current_year: FloatArray
    current: FloatArray
    goal_year: int
    goal: float
    direction: int
    years: npt.NDArray[np.int64]
    values: FloatArray
    limit: float | None = None


@dataclass(frozen=True, eq=False)
class MethodOutput:
    """What an assessment method returns: arrays with one entry per assessed unit.

    Attributes:
        ratio: The ratio of progress: 1 means exactly on course, more is ahead, less is
            behind, below 0 is moving away from the goal. NaN where the method cannot
            judge.
        projected: The value the method projects for the goal year (NaN where none).
        reason: Where `ratio` is NaN, why (shown to readers); where there is a ratio,
            what a reader should know about how it was computed (a goal of 0 taken as
            0.001), or `None`.
        status: The method's own [`AssessmentStatus`][qnkpi.verdicts.AssessmentStatus]
            codes, for a method that judges by rules of its own (a trend's fixed growth
            rates); `None` (the default): qnkpi turns the ratio into statuses with the
            spec's cut-offs. Where a unit has too little data qnkpi's
            `insufficient_data` wins either way.
    """

    ratio: FloatArray
    projected: FloatArray
    reason: list[str | None]
    status: npt.NDArray[np.int8] | None = None


@runtime_checkable
class AssessmentMethod(Protocol):
    """An assessment method: how progress toward an indicator's goal is measured.

    A typing protocol: any object with this `assess` method is one. Register an instance
    with `register(name, method)` from a
    [`register_assessment_methods`][qnkpi.plugin.hookspecs.register_assessment_methods]
    hook; specs name it in `assessment: {methods: [...]}`. qnkpi chooses the baseline,
    current value and goal, decides `achieved` and `insufficient_data`, and turns the
    ratio into a status with the spec's cut-offs, so a method only measures progress.
    """

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        """Measure the progress of every unit of `inputs`, on whole arrays at once.

        Args:
            inputs: The baseline, current value and goal of every assessed unit.

        Returns:
            A ratio, a projection and a reason per unit, in the order of `inputs.rows`.

        Raises:
            QnkpiError: For a problem the user can fix. Any other exception, or an output
                of the wrong length, becomes a [`PluginError`][qnkpi.errors.PluginError]
                naming the plugin.
        """
        ...


def reasons(size: int, *pairs: tuple[npt.NDArray[np.bool_], str]) -> list[str | None]:
    """A reason per unit: the first message whose mask is true there, else None."""
    out = np.full(size, None, dtype=object)
    for mask, message in reversed(pairs):
        out[mask] = message
    return list(out)
