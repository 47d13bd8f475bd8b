"""What every reporter shows the same way: the headline method, thresholds, values,
spans from baseline to current, coverage, and a word and a mark per verdict.

The verdicts themselves are computed once, on the result
([`IndicatorResult.verdict`][qnkpi.engine.result.IndicatorResult]); the rule of how many
decimals a value is shown with is [`decimals_for`][qnkpi.i18n.decimals_for]. This module
holds the display rules built on them, so the table, markdown, html, csv and xlsx
reports cannot drift apart: a rule changed here changes in every report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from qnkpi.i18n import decimals_for, format_number, format_value, gettext, status_word
from qnkpi.verdicts import OPS, VERDICTS, CheckStatus, Op

if TYPE_CHECKING:
    from qnkpi.assess.base import AssessmentInputs
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult
    from qnkpi.periods import AsOf
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["HEADLINE_METHOD", "MARKS", "apart", "bound", "bound_decimals", "coverage_mark",
           "headline", "ratio_text", "rule_text", "shown_value", "span",
           "threshold_text", "verdict_words"]

HEADLINE_METHOD = "linear_path"
"""The assessment method a report leads with (the annex's progress, the chart's
projection, a card's status): the straight line from the baseline to the goal."""

MARKS: tuple[str, ...] = ("", "✓", "✗", "·", "✓", "○")
"""The mark of each [`Verdict`][qnkpi.verdicts.Verdict] code: ✓ met or exceeded,
✗ not met, · no data, ○ not due before the year's end; `""` where nothing is checked."""


def headline(group: list[Assessment], *, fallback: bool = True) -> Assessment | None:
    """The assessment a report leads with: the one by `HEADLINE_METHOD`, else (with
    `fallback`) the first; None when `group` is empty or, without `fallback`, has no
    `HEADLINE_METHOD`."""
    main = next((a for a in group if a.method == HEADLINE_METHOD), None)
    if main is None and fallback and group:
        return group[0]
    return main


def ratio_text(assessment: Assessment, k: int, lang: str) -> str:
    """Unit `k`'s ratio as read: two decimals; for a trend, its annual growth in the
    desired direction as a percentage (`+0,55%`); `""` where there is none."""
    value = float(assessment.ratio[k])
    if math.isnan(value):
        return ""
    if assessment.goal_target is None:
        return ("+" if value >= 0 else "") + format_number(value * 100, lang, 2) + "%"
    return format_number(value, lang, 2)


def verdict_words(lang: str) -> tuple[str, ...]:
    """The word of each [`Verdict`][qnkpi.verdicts.Verdict] code in `lang` (`""` for
    `NONE`), to index with a verdict panel."""
    return ("", *(status_word(key, lang) for key in VERDICTS[1:]))


def bound_decimals(value: float) -> int:
    """How many decimals a threshold is shown with: up to two, no trailing zeros."""
    return next((d for d in (0, 1) if round(value, d) == round(value, 2)), 2)


def bound(value: float, lang: str = "en") -> str:
    """A threshold as read: up to two decimals, no trailing zeros (`55,71`, `100`)."""
    return format_number(value, lang, bound_decimals(value))


def rule_text(op: str, lo: float, hi: float, lang: str = "en") -> str:
    """A comparison as read: `>= 100`, `50–80` for `between`."""
    if op == Op.BETWEEN.symbol:
        return f"{bound(lo, lang)}–{bound(hi, lang)}"
    return f"{op} {bound(lo, lang)}"


def threshold_text(res: IndicatorResult, row: int, col: int, lang: str = "en") -> str:
    """The threshold of a check as read: `>= 100`, `> 55,71 ~` (interpolated), `50–80`;
    `*` marks an aspirational target."""
    t = res.thresholds
    marks = " ~" if t.interpolated[row, col] else ""
    if res.indicator.targets[int(t.target[row, col])].aspirational:
        marks += " *"
    text = rule_text(OPS[t.op[row, col]], float(t.lo[row, col]), float(t.hi[row, col]), lang)
    return text + marks


def apart(value: float, other: float, ind: IndicatorSpec, lang: str = "en") -> str:
    """`value` as read, with as many more decimals (up to 6) as it takes not to look
    like `other` when it is not: 99.98 beside a goal of 100 reads `99.98%`, not
    `100.0%`."""
    text = format_value(value, ind, lang)
    if math.isnan(value) or value == other:
        return text
    decimals = decimals_for(value, ind)
    while decimals < 6 and round(value, decimals) == round(other, decimals):
        decimals += 1
        text = format_value(value, ind, lang, decimals)
    return text


def shown_value(res: IndicatorResult, row: int, col: int, lang: str = "en") -> str:
    """A checked value as read; if rounding would make a failed check look like it
    sits on its threshold (99.96 shown as 100.0 against `>= 100`; 80.04 as 80.0 against
    `50–80`), with more decimals (see [`apart`][qnkpi.reporters._present.apart])."""
    value = float(res.panel.value[row, col])
    if res.status[row, col] != CheckStatus.NOT_MET:
        return format_value(value, res.indicator, lang)
    t = res.thresholds
    lo, hi = float(t.lo[row, col]), float(t.hi[row, col])
    above = t.op[row, col] == Op.BETWEEN and value > hi
    return apart(value, hi if above else lo, res.indicator, lang)


def span(inputs: AssessmentInputs, k: int, fmt: Callable[[float], str], lang: str,
         restated: bool = False, period: AsOf | None = None) -> str:
    """Unit `k`'s baseline → current as read: `60,2% (2020) → 71,5% (2025)`; the
    current value alone where the baseline is not from an earlier year (a baseline of
    the current year is no starting point), `no data` where there is no current value.
    `fmt` formats the values; `restated` marks a baseline carried onto the current tree
    (`54,8% (2023, quy đổi)`), so a reader never takes it for the figure reported then.
    A current value of the year so far, part-way through it (`period`), says so:
    `96 (6T/2025)`."""
    if math.isnan(inputs.current[k]):
        return gettext("no data", lang)
    current = str(int(inputs.current_year[k]))
    if period is not None and int(inputs.current_year[k]) == period.year:
        from qnkpi.reporters._terms import column_title  # _terms is built on this module

        current = column_title(period, lang)
    text = f"{fmt(float(inputs.current[k]))} ({current})"
    if not math.isnan(inputs.baseline[k]) and inputs.baseline_year[k] < inputs.current_year[k]:
        year = str(int(inputs.baseline_year[k]))
        if restated:
            year = gettext("{year}, restated", lang).format(year=year)
        text = f"{fmt(float(inputs.baseline[k]))} ({year}) → {text}"
    return text


def coverage_mark(res: IndicatorResult, row: int, col: int) -> str:
    """` [12/13]` for an aggregate some of whose units did not report, else `""`."""
    p = res.panel
    if p.expected is None or p.reported is None:
        return ""
    expected, reported = p.expected[row, col], p.reported[row, col]
    if math.isnan(expected) or reported >= expected:
        return ""
    return f" [{int(reported)}/{int(expected)}]"
