"""The workbook part-way through a year (`--as-of 2025-06`): what its sheets read of a
check of the as-of year besides its value and verdict: the year's own plan (before
prorating or a milestone), the threshold the check was judged against at the as-of, and
how it was judged, as a six-month review (`báo cáo sơ kết 6 tháng`) writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qnkpi.engine.partial import MILESTONE, PRORATE, YEAR_END
from qnkpi.i18n import gettext
from qnkpi.reporters._present import rule_text
from qnkpi.reporters.xlsx._cells import bound_format
from qnkpi.verdicts import Op

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult
    from qnkpi.periods import AsOf

__all__ = ["YEAR_END", "how", "how_note", "milestone_months", "year_plan"]


def how(res: IndicatorResult, row: int, col: int) -> int:
    """How the check of `res` at (`row`, `col`) was judged: a code of
    `qnkpi.engine.partial.PARTIAL`, 0 for a check of a whole year."""
    part = res.partial
    if part is None or col != part.column:
        return 0
    return int(part.how[row])


def year_plan(res: IndicatorResult, row: int, col: int,
              lang: str) -> tuple[float | str | None, str]:
    """The year's own threshold of a check of the as-of year (before prorating or a
    milestone) and its number format: a number with its comparison in the format, or
    `min–max` text for a range; `(None, "")` where there is none."""
    part = res.partial
    assert part is not None
    lo, hi = float(part.year_lo[row]), float(part.year_hi[row])
    op = Op(res.thresholds.op[row, col])
    if op == Op.NONE or lo != lo:  # no target, or NaN
        return None, ""
    if op == Op.BETWEEN:
        return rule_text(op.symbol, lo, hi, lang), ""
    return lo, bound_format(lo, op.symbol, res.indicator.unit == "percent")


def milestone_months(res: IndicatorResult, row: int, col: int, as_of: AsOf) -> int:
    """After how many months of the year the milestone judged at (`row`, `col`) is due:
    the latest of its target's milestones at or before the as-of."""
    target = res.indicator.targets[int(res.thresholds.target[row, col])]
    due = [m.months for m in target.milestones
           if (m.year is None or m.year == as_of.year) and m.months <= as_of.months]
    return max(due, default=as_of.months)


def how_note(res: IndicatorResult, row: int, col: int, as_of: AsOf, lang: str) -> str:
    """A row's note on how its check was judged: `theo tiến độ 6/12` (the year's plan
    prorated), `mốc 6 tháng` (a milestone of the target); `""` otherwise."""
    code = how(res, row, col)
    if code == PRORATE:
        return gettext("prorated {months}/12", lang).format(months=as_of.months)
    if code == MILESTONE:
        return gettext("{months}-month milestone", lang).format(
            months=milestone_months(res, row, col, as_of))
    return ""
