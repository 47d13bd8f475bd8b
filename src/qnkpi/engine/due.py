"""What has already fallen due: a goal that repeats every year judged as a record, and
a level due by the as-of year that was missed (overdue).

Projecting one value to 2030 says nothing honest about a target that must be met
every year ("every year, 100% of unions hold at least 2 activities"): each year's check
already says whether it was met. Such a goal (a `years: [first, last]` target) is
judged by its record so far, "met in k of n years", and this year's check. And a level
that was due at or before the as-of year (a stated target, never an interpolated
reference path) and is still missed is `overdue`, whatever the pace toward the final
goal. All of it numpy over the assessed units at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qnkpi.engine.targets import Thresholds
from qnkpi.spec.models import Target
from qnkpi.verdicts import AssessmentStatus, CheckStatus, compare

__all__ = ["Record", "by_record", "is_record", "overdue", "record_of", "record_status"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Record:
    """The record so far of a goal that repeats every year, one entry per assessed unit.

    Attributes:
        met: How many due years' checks were met (met or exceeded).
        of: How many years were due so far: from the target's first year (or the unit's
            first year in the tree) to the as-of year. 0 where the record has not
            started (then the goal is assessed by the methods, as any other).
        no_data: How many of the due years had no value to check.
        last_year: The latest due year (normally the as-of year); -1 where none.
        last: The [`CheckStatus`][qnkpi.verdicts.CheckStatus] of that year's check
            (0 where none).
    """

    met: IntArray
    of: IntArray
    no_data: IntArray
    last_year: IntArray
    last: npt.NDArray[np.int8]


def is_record(target: Target) -> bool:
    """Whether a goal is judged as a record: a target stated for a range of years
    (`years: [first, last]` with first before last), to be met in each of them."""
    return target.years is not None and target.years[0] < target.years[1]


def record_of(status: npt.NDArray[np.int8], thresholds: Thresholds, goal: int,
              years: npt.NDArray[np.int64], as_of: int) -> Record:
    """The record of the goal target `goal` at the assessed units.

    Args:
        status: Check statuses at the assessed units (units x years), judged up to
            `as_of`.
        thresholds: The thresholds at the same units (units x years).
        goal: The goal's index in the indicator's targets.
        years: The years of the columns.
        as_of: The as-of year.
    """
    due = (thresholds.target == goal) & (thresholds.op != 0) & (years <= as_of)[None, :]
    due &= status != CheckStatus.NONE
    met = (due & (status == CheckStatus.MET)).sum(axis=1)
    no_data = (due & (status == CheckStatus.NO_DATA)).sum(axis=1)
    of = due.sum(axis=1)
    has = of > 0
    last_col = due.shape[1] - 1 - np.argmax(due[:, ::-1], axis=1)
    rows = np.arange(len(due))
    last = np.where(has, status[rows, last_col], 0).astype(np.int8)
    return Record(met.astype(np.int64), of.astype(np.int64), no_data.astype(np.int64),
                  np.where(has, years[last_col], -1).astype(np.int64), last)


def record_status(record: Record) -> npt.NDArray[np.int8]:
    """The status of each unit's record (0 where it has not started): this year's check
    met makes `met_every_year` when every due year was met, else `met_this_year`; not
    met makes `overdue`; no value makes `insufficient_data`."""
    return np.select(
        [record.of == 0, (record.last == CheckStatus.MET) & (record.met == record.of),
         record.last == CheckStatus.MET, record.last == CheckStatus.NOT_MET],
        [AssessmentStatus.NONE, AssessmentStatus.MET_EVERY_YEAR,
         AssessmentStatus.MET_THIS_YEAR, AssessmentStatus.OVERDUE],
        default=AssessmentStatus.INSUFFICIENT_DATA).astype(np.int8)


def overdue(status: npt.NDArray[np.int8], thresholds: Thresholds,
            years: npt.NDArray[np.int64], as_of: int,
            current: FloatArray) -> npt.NDArray[np.bool_]:
    """Where a level fell due and is still missed: the unit's latest stated
    (not interpolated) threshold at or before `as_of` was not met in its year, and the
    unit's current value does not meet it either (a unit that has caught up since is
    late, not overdue). A year without a value is not "missed"; an interpolated
    threshold is a reference path, not a level anyone set, so it never falls due.

    Args:
        status: Check statuses at the assessed units (units x years), judged up to
            `as_of`.
        thresholds: The thresholds at the same units.
        years: The years of the columns.
        as_of: The as-of year.
        current: Each unit's current value (its latest up to `as_of`).
    """
    stated = (thresholds.op != 0) & ~thresholds.interpolated & (years <= as_of)[None, :]
    stated &= status != CheckStatus.NONE  # a year not over (a partial as-of) is not due
    has = stated.any(axis=1)
    col = stated.shape[1] - 1 - np.argmax(stated[:, ::-1], axis=1)
    rows = np.arange(len(stated))
    missed = has & (status[rows, col] == CheckStatus.NOT_MET)
    still = ~compare(current, thresholds.op[rows, col], thresholds.lo[rows, col],
                     thresholds.hi[rows, col])
    out: npt.NDArray[np.bool_] = missed & still
    return out


def by_record(record: Record, status: npt.NDArray[np.int8], ratio: FloatArray,
              projected: FloatArray, required: FloatArray, reason: npt.NDArray[np.object_],
              no_value: str) -> tuple[npt.NDArray[np.int8], FloatArray, FloatArray,
                                      FloatArray, npt.NDArray[np.object_]]:
    """A repeating goal's outputs where its record has started: the record's status,
    no ratio, projection or required change (no path to one value), and a reason
    (`no_value`) only where this year's check has no value. Elsewhere the methods'."""
    started = record.of > 0
    own = record_status(record)
    status = np.where(started, own, status).astype(np.int8)
    ratio, projected, required = (np.where(started, np.nan, x)
                                  for x in (ratio, projected, required))
    reason = reason.copy()
    reason[started] = None
    reason[started & (own == AssessmentStatus.INSUFFICIENT_DATA)] = no_value
    return status, ratio, projected, required, reason
