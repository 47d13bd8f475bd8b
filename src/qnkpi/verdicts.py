"""How a value is judged: operators, check statuses, verdicts and assessment statuses.

The bottom layer every other one compares with: kinds (`share_of_units` judges each
unit by a rule), the engine (checks and assessments) and the reporters (what a reader
sees) all take their codes and their rules from here, so a new status or a new verdict
word is one edit. Panels store the codes as `int8`; each enum's member 0 means "nothing
here" (no target, no check, not assessed).

```
Op             0 none · 1 >   · 2 >=      · 3 <       · 4 <=   · 5 ==  · 6 between
CheckStatus    0 none · 1 met · 2 not_met · 3 no_data · 5 not_due
Verdict        0 none · 1 met · 2 not_met · 3 no_data · 4 exceeded · 5 not_due
AssessmentStatus 0 none · 1 achieved · 2 on_track · 3 at_risk · 4 off_track
                 · 5 regressing · 6 insufficient_data · 7 substantial_progress
                 · 8 moderate_progress · 9 limited_progress · 10 deterioration
                 · 11 overdue · 12 met_every_year · 13 met_this_year
```
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import numpy.typing as npt

__all__ = [
    "ASSESSMENT_STATUSES",
    "OPS",
    "RECORD_STATUSES",
    "STATUSES",
    "TREND_STATUSES",
    "VERDICTS",
    "AssessmentStatus",
    "CheckStatus",
    "Op",
    "Verdict",
    "compare",
    "margin",
    "op_code",
    "verdicts",
]

FloatPanel = npt.NDArray[np.float64]
CodePanel = npt.NDArray[np.int8]


class Op(IntEnum):
    """A target's comparison, by the code threshold panels store."""

    NONE = 0
    GT = 1
    GE = 2
    LT = 3
    LE = 4
    EQ = 5
    BETWEEN = 6

    @property
    def symbol(self) -> str:
        """The operator as a spec writes it: `>`, `>=`, `<`, `<=`, `==`, `between`
        (`""` for `NONE`)."""
        return OPS[self]

    @classmethod
    def of(cls, symbol: str) -> Op:
        """The operator a spec writes as `symbol`.

        Raises:
            ValueError: `symbol` is not an operator.
        """
        return cls(OPS.index(symbol))


class CheckStatus(IntEnum):
    """How one (indicator, unit, year) stands against its threshold.

    5 `not_due` (added in 0.3; 4 is the verdict `exceeded`) is a check of a year not
    over at the as-of (`evaluate(as_of="2025-06")`) whose target is judged at the
    year's end: its value so far is shown, not judged.
    """

    NONE = 0
    MET = 1
    NOT_MET = 2
    NO_DATA = 3
    NOT_DUE = 5

    @property
    def key(self) -> str:
        """The status as the JSON result writes it: `met`, `not_met`, `no_data`,
        `not_due`."""
        return STATUSES[self]


class Verdict(IntEnum):
    """What a report shows for a check: its status, with `met` split into `met` and
    `exceeded`. The codes of the statuses are those of
    [`CheckStatus`][qnkpi.verdicts.CheckStatus]."""

    NONE = 0
    MET = 1
    NOT_MET = 2
    NO_DATA = 3
    EXCEEDED = 4
    NOT_DUE = 5

    @property
    def key(self) -> str:
        """The verdict's name: `met`, `not_met`, `no_data`, `exceeded` or `not_due`."""
        return VERDICTS[self]


class AssessmentStatus(IntEnum):
    """How one unit stands toward an indicator's goal, by one method; or, for an
    indicator without a target, how its trend goes (7-10, which say nothing of a goal:
    there is none to be on track for).

    Codes 11-13 were added in 0.2 after the others, so that every earlier code keeps
    its meaning: 11 `overdue` (a level that fell due at or before the as-of year was
    missed, and the latest value still misses it), and, for a goal that repeats every
    year (a `years: [first, last]` target, judged as a record), 12 `met_every_year`
    (this year's check met, and every earlier due year too) and 13 `met_this_year`
    (this year's check met after a year missed or without data).
    """

    NONE = 0
    ACHIEVED = 1
    ON_TRACK = 2
    AT_RISK = 3
    OFF_TRACK = 4
    REGRESSING = 5
    INSUFFICIENT_DATA = 6
    SUBSTANTIAL_PROGRESS = 7
    MODERATE_PROGRESS = 8
    LIMITED_PROGRESS = 9
    DETERIORATION = 10
    OVERDUE = 11
    MET_EVERY_YEAR = 12
    MET_THIS_YEAR = 13

    @property
    def key(self) -> str:
        """The status as the JSON result writes it, such as `on_track`."""
        return ASSESSMENT_STATUSES[self]


OPS: tuple[str, ...] = ("", ">", ">=", "<", "<=", "==", "between")
"""Operators by their [`Op`][qnkpi.verdicts.Op] code; code 0 means "no target here"."""

STATUSES: tuple[str, ...] = ("", "met", "not_met", "no_data", "", "not_due")
"""Check statuses by their [`CheckStatus`][qnkpi.verdicts.CheckStatus] code; code 0
means "no check here", and code 4 is no check status (it is the verdict `exceeded`)."""

VERDICTS: tuple[str, ...] = ("", "met", "not_met", "no_data", "exceeded", "not_due")
"""Verdicts by their [`Verdict`][qnkpi.verdicts.Verdict] code."""

ASSESSMENT_STATUSES: tuple[str, ...] = (
    "", "achieved", "on_track", "at_risk", "off_track", "regressing", "insufficient_data",
    "substantial_progress", "moderate_progress", "limited_progress", "deterioration",
    "overdue", "met_every_year", "met_this_year")
"""Assessment statuses by their [`AssessmentStatus`][qnkpi.verdicts.AssessmentStatus]
code: toward a goal 1 `achieved`, 2 `on_track`, 3 `at_risk`, 4 `off_track`, 5
`regressing`, 11 `overdue`; toward a goal that repeats every year (a record) 12
`met_every_year`, 13 `met_this_year`, 11 `overdue`; for a trend without a target 7
`substantial_progress`, 8 `moderate_progress`, 9 `limited_progress`, 10
`deterioration`; in every case 6 `insufficient_data`; 0 (`""`) means not assessed."""

RECORD_STATUSES: tuple[AssessmentStatus, ...] = (
    AssessmentStatus.MET_EVERY_YEAR, AssessmentStatus.MET_THIS_YEAR,
    AssessmentStatus.OVERDUE)
"""The statuses of a goal judged as a record (a target that repeats every year), from
the best; `insufficient_data` where this year's check has no value."""

TREND_STATUSES: tuple[AssessmentStatus, ...] = (
    AssessmentStatus.SUBSTANTIAL_PROGRESS, AssessmentStatus.MODERATE_PROGRESS,
    AssessmentStatus.LIMITED_PROGRESS, AssessmentStatus.DETERIORATION)
"""The statuses of a trend assessment (an indicator without a target), from the best."""


def op_code(op: str) -> int:
    """The code of `op` in [`OPS`][qnkpi.verdicts.OPS]."""
    return int(Op.of(op))


def compare(value: FloatPanel, op: CodePanel, lo: FloatPanel,
            hi: FloatPanel) -> npt.NDArray[np.bool_]:
    """Where `value` passes the threshold. NaN never passes; "> 50" fails on 50.0.

    Args:
        value: Values, any shape.
        op: [`Op`][qnkpi.verdicts.Op] codes, broadcastable to `value`.
        lo: The thresholds (for `between`, the lower bound).
        hi: For `between`, the upper bound; ignored by the other operators.
    """
    with np.errstate(invalid="ignore"):
        passed: npt.NDArray[np.bool_] = (
            ((op == Op.GT) & (value > lo))
            | ((op == Op.GE) & (value >= lo))
            | ((op == Op.LT) & (value < lo))
            | ((op == Op.LE) & (value <= lo))
            | ((op == Op.EQ) & (value == lo))
            | ((op == Op.BETWEEN) & (value >= lo) & (value <= hi))
        )
    return passed


def margin(value: FloatPanel, op: CodePanel, lo: FloatPanel, hi: FloatPanel) -> FloatPanel:
    """How far `value` clears the threshold: positive on the passing side, 0 on the
    boundary, negative on the failing side (for `==`, minus the distance); NaN where
    there is no value or no threshold."""
    with np.errstate(invalid="ignore", over="ignore"):
        above = value - lo
        return np.select(
            [(op == Op.GT) | (op == Op.GE), (op == Op.LT) | (op == Op.LE), op == Op.EQ,
             op == Op.BETWEEN],
            [above, lo - value, -np.abs(above), np.minimum(above, hi - value)],
            default=np.nan,
        )


def verdicts(status: CodePanel, op: CodePanel, margins: FloatPanel) -> CodePanel:
    """The [`Verdict`][qnkpi.verdicts.Verdict] of every check: its status, except that
    a `met` check of an at-least or at-most target (`>=`, `<=`) passed with room to
    spare is `exceeded`, where a Vietnamese annex writes "Vượt".

    Args:
        status: [`CheckStatus`][qnkpi.verdicts.CheckStatus] codes.
        op: [`Op`][qnkpi.verdicts.Op] codes of the thresholds, the same shape.
        margins: The checks' margins (see [`margin`][qnkpi.verdicts.margin]).

    Returns:
        Verdict codes, the shape of `status`.
    """
    with np.errstate(invalid="ignore"):
        exceeded = (status == CheckStatus.MET) & ((op == Op.GE) | (op == Op.LE)) & (margins > 0)
    return np.where(exceeded, np.int8(Verdict.EXCEEDED), status).astype(np.int8)
