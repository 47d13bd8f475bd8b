"""The status of every check of one indicator: its values compared with their
thresholds, with the `missing` and `min_coverage` rules applied.

What `judge_checks` stores on each indicator's result, and what an assessment's record
counts (`qnkpi.engine.due`); apart from `checks` so that assessments can use it without
importing the result."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnkpi.engine.compute import short_of_coverage
from qnkpi.engine.targets import Thresholds
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.spec.models import IndicatorSpec
from qnkpi.verdicts import CheckStatus, Op, compare

__all__ = ["check_status"]

BoolPanel = npt.NDArray[np.bool_]


def check_status(ind: IndicatorSpec, panel: IndicatorPanel, thresholds: Thresholds,
                 checked: BoolPanel, restated: npt.NDArray[np.bool_] | None,
                 not_due: BoolPanel | None = None) -> npt.NDArray[np.int8]:
    """The [`CheckStatus`][qnkpi.verdicts.CheckStatus] of every cell of one indicator:
    what `judge_checks` stores, and what an assessment's record counts. Cells of
    `not_due` (a year not over, judged at its end) are `not_due`, whatever their value."""
    value = panel.value
    checked = checked & (thresholds.op != Op.NONE)
    passed = compare(value, thresholds.op, thresholds.lo, thresholds.hi)
    # missing: not_met: a unit without a value, in a year others have values, has not
    # met the target; a year without any value stays no_data, and so does an aggregate
    # short of min_coverage, whatever the policy, and a unit whose value could not be
    # restated onto the later tree (it is unknown, not unreported)
    not_met = (ind.missing == "not_met") & ~np.isnan(value).all(axis=0)
    if restated is not None:
        not_met &= ~restated
    no_value = np.where(not_met, CheckStatus.NOT_MET, CheckStatus.NO_DATA)
    no_value = np.where(short_of_coverage(ind, panel.expected, panel.reported),
                        CheckStatus.NO_DATA, no_value[None, :])
    status = np.where(~checked, CheckStatus.NONE,
                      np.where(np.isnan(value), no_value,
                               np.where(passed, CheckStatus.MET, CheckStatus.NOT_MET)))
    if not_due is not None:
        status = np.where(checked & not_due, CheckStatus.NOT_DUE, status)
    return status.astype(np.int8)
