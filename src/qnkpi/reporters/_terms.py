"""The words and signs the text reports (terminal, Markdown) write around the numbers:
thresholds as a reader writes them (`≥ 100%`, not the spec's `>= 100`), the names of
the assessment methods, the yearly change a goal still needs (`+0,25 điểm %`), and,
part-way through a year (`--as-of 2025-06`), the period's name (`6 tháng đầu năm
2025`, a column's `6T/2025`) and how its checks were judged (`≥ 6 (theo tiến độ 6/12)`).

Built on the display rules of [`_present`][qnkpi.reporters._present] (how many decimals
a threshold has); the words come from the catalogues, so a report in Vietnamese shows
no English method name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from qnkpi.i18n import format_number, gettext, period_title
from qnkpi.reporters._present import bound
from qnkpi.reporters._text import printable
from qnkpi.verdicts import OPS, CheckStatus, Op

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.headline import YearCount
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.periods import AsOf
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["BREAK_LEGEND", "DUE_LEGEND", "SIGNS", "column_title", "goal_heading", "goal_label",
           "headline_lines", "headline_text", "method_title", "needed_text", "partial_note",
           "period_name", "rule_label", "threshold_label", "year_title"]

SIGNS: dict[str, str] = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "="}
"""How a report writes each comparison of a spec (`between` is a range, `50–80%`)."""

BREAK_LEGEND = ("‖ not comparable with the year before: the organisation changed in "
                "between (a reform, a split, a merge)")
"""What `‖` before a value means in the terminal and Markdown grids (translated by the
catalogue)."""

DUE_LEGEND = ("○ due at year end: the year's target is judged when the year is over; "
              "the figure so far is shown")
"""What `○` means in a report part-way through a year (translated by the catalogue)."""

#: The assessment methods qnkpi ships, in the words of a report (translated by the
#: catalogue), in full and short (a terminal's column); a plugin's method shows under its
#: own name.
_METHODS = {"linear_path": ("straight line to the goal", "straight line"),
            "cagr_ratio": ("compound annual growth rate (CAGR)", "compound growth")}


def rule_label(op: str, lo: float, hi: float, ind: IndicatorSpec, lang: str) -> str:
    """A comparison as a reader writes it, with the indicator's unit: `≥ 100%`, `> 2`,
    `50%–80%` for `between`."""
    unit = "%" if ind.unit == "percent" else ""
    if op == Op.BETWEEN.symbol:
        return f"{bound(lo, lang)}{unit}–{bound(hi, lang)}{unit}"
    return f"{SIGNS.get(op, op)} {bound(lo, lang)}{unit}"


def threshold_label(res: IndicatorResult, row: int, col: int, lang: str,
                    period: AsOf | None = None) -> str:
    """The threshold of a check as a reader writes it: `≥ 100%`; `> 61,43% ~` for a
    threshold interpolated between two stated targets (a reference path, not a figure
    of the plan: the legend says so), `*` for an aspirational target. Part-way through
    a year (`period`, the result's), a check of that year says how it was judged:
    `≥ 6 (theo tiến độ 6/12)` (see [`partial_note`][qnkpi.reporters._terms.partial_note])."""
    t = res.thresholds
    text = rule_label(OPS[t.op[row, col]], float(t.lo[row, col]), float(t.hi[row, col]),
                      res.indicator, lang)
    if t.interpolated[row, col]:
        text += " ~"
    if res.indicator.targets[int(t.target[row, col])].aspirational:
        text += " *"
    note = partial_note(res, row, col, lang, period)
    return f"{text} ({note})" if note else text


#: The codes of [`PARTIAL`][qnkpi.engine.partial.PARTIAL] a threshold's note names.
_PRORATE, _MILESTONE, _YEAR_END = 2, 3, 4


def partial_note(res: IndicatorResult, row: int, col: int, lang: str,
                 period: AsOf | None) -> str:
    """How a check of a year not yet over at `period` was judged, in a few words
    beside its threshold: `theo tiến độ 6/12` (the year's threshold prorated to the
    months gone), `mốc 6 tháng` (a milestone of the target, due after six months),
    `cả năm` (the whole year's threshold, judged when the year ends); `""` for a check
    of a whole year, or of a value judged as it stands against the year's threshold."""
    part = res.partial
    if period is None or part is None or col != part.column:
        return ""
    how = int(part.how[row])
    if how == _PRORATE:
        return gettext("prorated {months}/12", lang).format(months=period.months)
    if how == _MILESTONE:
        target = res.indicator.targets[int(res.thresholds.target[row, col])]
        due = [m.months for m in target.milestones
               if (m.year is None or m.year == period.year) and m.months <= period.months]
        return gettext("{months}-month milestone", lang).format(
            months=max(due, default=period.months))
    if how == _YEAR_END:
        return gettext("full year", lang)
    return ""


def period_name(as_of: AsOf, lang: str) -> str:
    """The period as a sentence names it: `6 tháng đầu năm 2025`, `Quý II/2025`; in
    English with its article where it needs one (`the first half of 2025`, `Q2
    2025`)."""
    title = period_title(as_of, lang)
    if lang == "en" and title[:1].islower():
        title = "the " + title
    return title


def column_title(as_of: AsOf, lang: str) -> str:
    """The as-of year's column, short enough for a terminal: `6T/2025` (the first six
    months of 2025), `6M 2025` in English."""
    return gettext("{months}M {year}", lang).format(months=as_of.months, year=as_of.year)


def year_title(result: Result, year: int, lang: str) -> str:
    """A year's column as read: `2024`, and for the as-of year of a result part-way
    through it, [`column_title`][qnkpi.reporters._terms.column_title] (`6T/2025`)."""
    if result.period is not None and year == result.period.year:
        return column_title(result.period, lang)
    return str(year)


def goal_label(res: IndicatorResult, group: list[Assessment], lang: str) -> str:
    """An indicator's goal in a few words: `> 90% (2030)` (`*` if aspirational), or
    for an indicator without a target, whose trend is assessed, `trend (should
    increase)`."""
    index = group[0].goal_target if group else None
    if index is None:
        direction = gettext("should " + res.indicator.direction, lang)
        return gettext("trend ({direction})", lang).format(direction=direction)
    target = res.indicator.targets[index]
    star = " *" if target.aspirational else ""
    return f"{rule_label(target.op, *target.bounds, res.indicator, lang)} " \
           f"({target.last_year}){star}"


def goal_heading(res: IndicatorResult, group: list[Assessment], lang: str) -> str:
    """What a report writes above each unit's progress toward a goal: `Toward the goal
    ≥ 90% in 2030` (`*` if aspirational), or for an indicator without a target, whose
    trend is assessed, `Trend without a target (should increase)`."""
    index = group[0].goal_target if group else None
    if index is None:
        direction = gettext("should " + res.indicator.direction, lang)
        return gettext("Trend without a target ({direction})", lang).format(
            direction=direction)
    target = res.indicator.targets[index]
    star = " *" if target.aspirational else ""
    return gettext("Toward the goal {goal} in {year}", lang).format(
        goal=rule_label(target.op, *target.bounds, res.indicator, lang),
        year=target.last_year) + star


def method_title(method: str, lang: str, *, short: bool = False) -> str:
    """An assessment method as a reader calls it: `linear_path` is `Đường thẳng tới mục
    tiêu` in Vietnamese (`short`: `Đường thẳng`); a method a plugin adds keeps its
    name."""
    known = _METHODS.get(method)
    return gettext(known[short], lang) if known else printable(method)


def needed_text(change: float, ind: IndicatorSpec, lang: str) -> str:
    """The change per year a goal still needs, signed, two decimals: `+0,25 điểm %` for
    a percentage (a change of percentage points, not a percent of the value), `+3` for
    a count; `""` where there is none."""
    if math.isnan(change):
        return ""
    change += 0.0  # no "-0.00"
    text = ("+" if change >= 0 else "") + format_number(change, lang, 2)
    if ind.unit == "percent":
        text += " " + gettext("pp", lang)
    return text


def headline_text(count: YearCount, lang: str, *, period: AsOf | None = None,
                  not_due: int = 0) -> str:
    """The line a Vietnamese report leads with, for one year: `Năm 2025: 3/9 chỉ tiêu
    đạt và vượt`, then how many had no figure where some had none. For the year of an
    as-of before its end (`period`), named as the period (`6 tháng đầu năm 2025: 2/4
    chỉ tiêu đạt và vượt`), then how many are judged only when the year ends
    (`not_due`: `; 5 chỉ tiêu đánh giá cuối năm`)."""
    def n(value: int) -> str:
        return format_number(value, lang)

    if period is None:
        text = gettext("{year}: {met} of {of} targets met or exceeded", lang).format(
            year=count.year, met=n(count.met), of=n(count.of))
    else:
        name = period_title(period, lang)
        name = name[:1].upper() + name[1:]
        if not (count.of or count.no_data):  # nothing judged yet: only what waits
            return gettext("{period}: {count} due at year end", lang).format(
                period=name, count=n(not_due))
        text = gettext("{period}: {met} of {of} targets met or exceeded", lang).format(
            period=name, met=n(count.met), of=n(count.of))
    if count.no_data:
        text += gettext(" ({count} without data)", lang).format(count=n(count.no_data))
    if not_due:
        text += gettext("; {count} due at year end", lang).format(
            count=n(not_due))
    return text


def headline_lines(result: Result, lang: str) -> list[str]:
    """The headline of a result, a line per year (see `headline_text`); part-way
    through a year, the as-of year's line names the period and counts apart the top
    unit's targets judged only at the year's end (the line is there even when those are
    all the targets it has)."""
    counts = result.headline()
    period = result.period
    if period is None:
        return [headline_text(count, lang) for count in counts]
    from qnkpi.engine.headline import YearCount

    col = int(np.flatnonzero(result.tree.years == period.year)[0])
    top = result.tree.top_mask()[:, col]
    due = sum(int((res.status[top, col] == CheckStatus.NOT_DUE).sum())
              for res in result.indicators.values())
    if due and all(c.year != period.year for c in counts):
        counts = [*counts, YearCount(period.year, 0, 0, 0)]
    return [headline_text(c, lang, period=period, not_due=due) if c.year == period.year
            else headline_text(c, lang) for c in counts]
