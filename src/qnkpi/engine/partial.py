"""Targets judged part-way through their year: `evaluate(as_of="2025-06")`.

At an as-of before its year ends, the as-of year's values are the year so far (each
source's periods up to the as-of, made one value by the measures' `over_time`; a yearly
source has no value for a year that is not over). Each target then says how its year is
judged at that point, by its `partial`:

| `partial` | the year's threshold at the as-of | for |
| --- | --- | --- |
| `as_is` | as it is | a stock or a state: members recorded, a unit using software |
| `prorate` | times the share of the year gone (6/12 at June) | a flow that builds up evenly |
| `year_end` | none: the check is `not_due`, its value shown | a flow judged on the whole year |

A milestone of the target at or before the as-of (the latest one) is judged in place of
its `partial`. Without `partial`, a target is `year_end` when its indicator adds periods
up (a measure with `over_time: sum`, the default for record-level counts) or reads a
yearly source, and `as_is` otherwise: what a spec says nothing about is judged at the
year's end, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from qnkpi.assess.base import AssessmentInputs
from qnkpi.engine.targets import Thresholds
from qnkpi.periods import AsOf
from qnkpi.spec.models import IndicatorSpec, Target
from qnkpi.spec.spec import Spec
from qnkpi.verdicts import Op

__all__ = ["MEASURED_TO_MONTH", "PARTIAL", "PartialYear", "assessed_statuses",
           "default_partial", "judge_partial", "measured_to_month", "without_partial_year"]

PARTIAL: tuple[str, ...] = ("", "as_is", "prorate", "milestone", "year_end")
"""How a check of the as-of year was judged, by the code
[`PartialYear.how`][qnkpi.engine.partial.PartialYear] stores: the value as it stands,
against a prorated threshold, against a milestone, or not yet (0: not a check of a
partial year)."""

AS_IS, PRORATE, MILESTONE, YEAR_END = 1, 2, 3, 4


@dataclass(frozen=True, eq=False)
class PartialYear:
    """How one indicator's checks of a partial as-of year were judged.

    Attributes:
        column: The as-of year's column in the panels.
        how: int8 per unit: the code in [`PARTIAL`][qnkpi.engine.partial.PARTIAL] (0
            where the unit has no target that year).
        year_lo: The year's own threshold per unit (before prorating or a milestone);
            NaN where there is none.
        year_hi: Its upper bound (equal to `year_lo`, except for `between`).
    """

    column: int
    how: npt.NDArray[np.int8]
    year_lo: npt.NDArray[np.float64]
    year_hi: npt.NDArray[np.float64]

    @property
    def not_due(self) -> npt.NDArray[np.bool_]:
        """Per unit: the year is judged at its end, not now."""
        return np.asarray(self.how == YEAR_END)


def _reads(spec: Spec, name: str, seen: set[str] | None = None) -> set[str]:
    """The measures indicator `name` reads, through the indicators it reads."""
    seen = set() if seen is None else seen
    seen.add(name)
    out = set()
    for _, what, other in spec.indicators[name].inputs():  # type: ignore[attr-defined]
        if what == "measure":
            out.add(other)
        elif other not in seen and other in spec.indicators:
            out |= _reads(spec, other, seen)
    return out


def default_partial(spec: Spec, name: str) -> str:
    """How indicator `name`'s targets are judged part-way through a year when they say
    nothing: `year_end` if it reads a yearly source or a measure added up over the
    year, else `as_is`."""
    for measure in _reads(spec, name):
        m = spec.measures[measure]
        source = spec.sources.get(m.source)
        if getattr(source, "period", "year") == "year" or (m.over_time or "sum") == "sum":
            return "year_end"
    return "as_is"


def _milestone(target: Target, year: int, as_of: AsOf) -> tuple[float, float] | None:
    """The bounds of `target`'s latest milestone at or before the as-of, or None."""
    due = [m for m in target.milestones
           if (m.year is None or m.year == year) and m.months <= as_of.months]
    return max(due, key=lambda m: m.months).bounds if due else None


def judge_partial(spec: Spec, name: str, ind: IndicatorSpec, thresholds: Thresholds,
                  years: npt.NDArray[np.int64], as_of: AsOf) -> tuple[Thresholds, PartialYear]:
    """The thresholds of indicator `name` with its as-of year's made what its targets
    say part-way through the year, and how each unit's check there is judged.

    Args:
        spec: The spec.
        name: The indicator's name.
        ind: The indicator.
        thresholds: Its thresholds for whole years.
        years: The panels' years.
        as_of: A partial as-of (`as_of.partial`).
    """
    col = int(np.searchsorted(years, as_of.year))
    target = thresholds.target[:, col]
    has = thresholds.op[:, col] != Op.NONE
    lo, hi = thresholds.lo.copy(), thresholds.hi.copy()
    how = np.zeros(len(target), dtype=np.int8)
    fallback = default_partial(spec, name)
    yearly = _yearly(spec, name)
    codes = {"as_is": AS_IS, "prorate": PRORATE, "year_end": YEAR_END}
    for i in np.unique(target[has]).tolist():
        t = ind.targets[i]
        for interpolated in (False, True):
            rows = has & (target == i) & (thresholds.interpolated[:, col] == interpolated)
            if not rows.any():
                continue
            # a milestone belongs to its target's own years, not to the ones between
            # two targets; a yearly source has no value before the year is over
            milestone = None if interpolated else _milestone(t, as_of.year, as_of)
            if yearly:
                how[rows] = YEAR_END
            elif milestone is not None:
                lo[rows, col], hi[rows, col] = milestone
                how[rows] = MILESTONE
            else:
                how[rows] = codes[t.partial or fallback]
                if t.partial == "prorate":
                    lo[rows, col] *= as_of.fraction
                    hi[rows, col] *= as_of.fraction
    judged = replace(thresholds, lo=lo, hi=hi)
    return judged, PartialYear(col, how, thresholds.lo[:, col].copy(),
                               thresholds.hi[:, col].copy())


def _yearly(spec: Spec, name: str) -> bool:
    """Whether indicator `name` reads a source that reports only yearly: it has no
    value before its year is over, whatever its targets say."""
    return any(getattr(spec.sources.get(spec.measures[m].source), "period", "year") == "year"
               for m in _reads(spec, name))


# --- assessments part-way through a year -----------------------------------------------
# A goal is assessed on whole years, except where the as-of year's value is a stock as it
# stands (judged `as_is`): that point is a real one, measured at its month. A flow's
# year so far is not a year's value (it would read as a fall), so it is left out of the
# assessment, which is then as of the last whole year.

MEASURED_TO_MONTH = ("measured to the as-of month: the latest value is the figure so far, "
                     "placed at its share of the year")
"""The reason of an assessment whose current value is a point within the as-of year."""


def _as_is(spec: Spec, name: str, partial: PartialYear, rows: npt.NDArray[np.intp],
           ) -> npt.NDArray[np.bool_]:
    """Which rows' as-of values are stocks as they stand: judged `as_is`, or without a
    target that year on an indicator judged `as_is` by default."""
    how = partial.how[rows]
    default = default_partial(spec, name) == "as_is" and not _yearly(spec, name)
    return np.asarray((how == AS_IS) | ((how == 0) & default))


def without_partial_year(spec: Spec, name: str, partial: PartialYear,
                         values: npt.NDArray[np.float64], rows: npt.NDArray[np.intp],
                         ) -> npt.NDArray[np.float64]:
    """`values` (the rows' panel) with the as-of year's figure left out where it is a
    flow's year so far, not a value to assess."""
    out = values.copy()
    out[~_as_is(spec, name, partial, rows), partial.column] = np.nan
    return out


def assessed_statuses(partial: PartialYear,
                      status: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
    """The check statuses an assessment counts (its record, a level overdue): the whole
    years only. A level set for a year is due at its end: a figure below it in June is
    not yet reached, never "overdue", and a year's record is not made before it ends."""
    out = status.copy()
    out[:, partial.column] = 0
    return out


def measured_to_month(inputs: AssessmentInputs, years: npt.NDArray[np.int64],
                      partial: PartialYear, as_of: AsOf) -> tuple[AssessmentInputs,
                                                                  npt.NDArray[np.bool_]]:
    """The inputs a method is given: a current value in the as-of year placed at its
    month (2025-06 is 2024.5 on the axis where each year's value stands at its end),
    and where that was done."""
    year = float(years[partial.column])
    at = np.asarray(inputs.current_year == year)
    if not at.any():
        return inputs, at
    current_year = np.where(at, year - 1 + as_of.fraction, inputs.current_year)
    return replace(inputs, current_year=current_year), at
