"""What an assessment makes of a method's output, once the method has run: the status
of each unit (from the ratio and the cut-offs, or the method's own), the projections
kept to what can be, and a reason wherever no ratio could be given.

[`assess_indicator`][qnkpi.engine.assess.assess_indicator] chooses the inputs and runs
the methods; these turn what each method gave into an
[`Assessment`][qnkpi.engine.assess.Assessment]'s arrays."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnkpi.assess.base import AssessmentInputs, MethodOutput
from qnkpi.spec.models import Cutoffs
from qnkpi.verdicts import AssessmentStatus

__all__ = ["BREAK_REASON", "OVERDUE_REASON", "RECORD_NO_VALUE", "kept_projections",
           "no_ratio_reasons", "status_codes"]

FloatArray = npt.NDArray[np.float64]

#: The reason of a unit whose level fell due and is still missed (not on a record).
OVERDUE_REASON = "a level that fell due by the evaluation year was missed, and is still"
#: The reason of a unit left without a baseline by a change of tree.
BREAK_REASON = ("the organisation changed since the first value and the value cannot be "
                "restated: no baseline on the current tree yet")
#: The reason of a record whose latest due year has no value.
RECORD_NO_VALUE = "no value for this year's check of a target that repeats every year"


def status_codes(ratio: FloatArray, achieved: npt.NDArray[np.bool_],
                 short: npt.NDArray[np.bool_], cutoffs: Cutoffs,
                 own: npt.NDArray[np.int8] | None) -> npt.NDArray[np.int8]:
    """[`AssessmentStatus`][qnkpi.verdicts.AssessmentStatus] codes: achieved whatever the
    ratio, insufficient data without one, else the method's own status where it judges
    for itself (a trend), or the first cut-off the ratio reaches."""
    if own is not None:
        by_ratio = np.asarray(own, dtype=np.int8)
    else:
        by_ratio = np.select(
            [ratio >= cutoffs.on_track, ratio >= cutoffs.at_risk, ratio >= cutoffs.off_track],
            [AssessmentStatus.ON_TRACK, AssessmentStatus.AT_RISK, AssessmentStatus.OFF_TRACK],
            default=AssessmentStatus.REGRESSING)
    return np.select(
        [achieved, short | np.isnan(ratio)],
        [AssessmentStatus.ACHIEVED, AssessmentStatus.INSUFFICIENT_DATA], default=by_ratio,
    ).astype(np.int8)


def kept_projections(given: MethodOutput, short: npt.NDArray[np.bool_],
                     nonnegative: npt.NDArray[np.bool_], *, percent: bool) -> FloatArray:
    """The method's projections, kept to what can be: none without two points, a
    percentage between 0 and 100, no value below zero for a unit that never had one."""
    projected = np.asarray(given.projected, dtype=np.float64).copy()
    projected[short] = np.nan
    if percent:
        projected = np.clip(projected, 0.0, 100.0)
    else:
        projected = np.where(nonnegative, np.maximum(projected, 0.0), projected)
    projected[~np.isfinite(projected)] = np.nan  # overflowed: no honest number
    return projected


def no_ratio_reasons(given: MethodOutput, inputs: AssessmentInputs,
                     status: npt.NDArray[np.int8], ratio: FloatArray,
                     short: npt.NDArray[np.bool_], late: str | None) -> npt.NDArray[np.object_]:
    """A reason wherever no ratio could be given and the unit has not achieved the goal:
    the engine's own where it withheld the data, else the method's."""
    reason = np.full(len(inputs.rows), None, dtype=object)
    judged = status != AssessmentStatus.ACHIEVED
    reason[judged] = np.asarray(given.reason, dtype=object)[judged]  # notes on a ratio too
    unexplained = judged & ~np.isfinite(ratio)
    reason[unexplained & ~reason.astype(bool)] = "the method gave no ratio"  # None, ""
    reason[unexplained & short] = ("needs values in two different years (a baseline "
                                   "and a current value)")
    reason[unexplained & (np.isnan(inputs.baseline) | np.isnan(inputs.current))] = (
        late or "no value up to the evaluation year")
    return reason
