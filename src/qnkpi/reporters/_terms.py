"""The words and signs the text reports (terminal, Markdown) write around the numbers:
thresholds as a reader writes them (`≥ 100%`, not the spec's `>= 100`), the names of
the assessment methods, and the yearly change a goal still needs (`+0,25 điểm %`).

Built on the display rules of [`_present`][qnkpi.reporters._present] (how many decimals
a threshold has); the words come from the catalogues, so a report in Vietnamese shows
no English method name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from qnkpi.i18n import format_number, gettext
from qnkpi.reporters._present import bound
from qnkpi.reporters._text import printable
from qnkpi.verdicts import OPS, Op

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.headline import YearCount
    from qnkpi.engine.result import IndicatorResult
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["BREAK_LEGEND", "SIGNS", "goal_heading", "goal_label", "headline_text", "method_title",
           "needed_text", "rule_label", "threshold_label"]

SIGNS: dict[str, str] = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "="}
"""How a report writes each comparison of a spec (`between` is a range, `50–80%`)."""

BREAK_LEGEND = ("‖ not comparable with the year before: the organisation changed in "
                "between (a reform, a split, a merge)")
"""What `‖` before a value means in the terminal and Markdown grids (translated by the
catalogue)."""

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


def threshold_label(res: IndicatorResult, row: int, col: int, lang: str) -> str:
    """The threshold of a check as a reader writes it: `≥ 100%`; `> 61,43% ~` for a
    threshold interpolated between two stated targets (a reference path, not a figure
    of the plan: the legend says so), `*` for an aspirational target."""
    t = res.thresholds
    text = rule_label(OPS[t.op[row, col]], float(t.lo[row, col]), float(t.hi[row, col]),
                      res.indicator, lang)
    if t.interpolated[row, col]:
        text += " ~"
    if res.indicator.targets[int(t.target[row, col])].aspirational:
        text += " *"
    return text


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


def headline_text(count: YearCount, lang: str) -> str:
    """The line a Vietnamese report leads with, for one year: `Năm 2025: 3/9 chỉ tiêu
    đạt và vượt`, then how many had no figure where some had none."""
    def n(value: int) -> str:
        return format_number(value, lang)

    text = gettext("{year}: {met} of {of} targets met or exceeded", lang).format(
        year=count.year, met=n(count.met), of=n(count.of))
    if count.no_data:
        text += gettext(" ({count} without data)", lang).format(count=n(count.no_data))
    return text
