"""The overview of a result on one screen: a row per indicator for the top unit.

What the `table` report prints by default and the `markdown` report opens with: for the
latest year checked, the top unit's threshold, value and verdict, how many units below
it met, did not meet or have no data (and, part-way through a year, are judged at its
end), and how the top unit stands toward the goal, the indicators grouped by the spec's
objectives. Plain data, built once from the result's
panels (no verdict is recomputed: they are
[`IndicatorResult.verdict`][qnkpi.engine.result.IndicatorResult] and the assessments'
statuses), then drawn by each reporter its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qnkpi.i18n import format_value, gettext
from qnkpi.reporters._present import coverage_mark, headline, shown_value
from qnkpi.reporters._terms import goal_label, threshold_label
from qnkpi.verdicts import AssessmentStatus, CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.periods import AsOf

__all__ = ["Overview", "OverviewRow", "overview"]


@dataclass(frozen=True)
class OverviewRow:
    """One indicator in the overview.

    Attributes:
        name: The indicator's name.
        title: Its title in the report's language.
        threshold: The top unit's threshold that year as read (`≥ 100%`), or `""`
            where the top unit has no check that year.
        value: The top unit's value that year as read (with its coverage, `[53/54]`,
            where some units did not report), `–` where it is missing, `""`
            where the indicator is not judged at the top unit at all (an aggregate of
            per-unit targets, such as a sum of activities, says nothing by itself).
        verdict: The top unit's verdict that year (`Verdict.NONE`: no check).
        units: How many units other than the top one met (or exceeded), did not meet,
            and have no data that year, and part-way through a year how many are
            judged at its end (a fourth count); `None` where none is checked.
        goal: The goal as read (`> 90% (2030)`), `""` where the top unit is not
            assessed.
        progress: The top unit's assessment status by each method, the headline
            method first; empty where it is not assessed.
    """

    name: str
    title: str
    threshold: str
    value: str
    verdict: Verdict
    units: tuple[int, ...] | None
    goal: str
    progress: tuple[AssessmentStatus, ...]


@dataclass(frozen=True)
class Overview:
    """The overview of a result.

    Attributes:
        unit: The top unit's name that year (`""` when the tree has no top unit).
        year: The year shown: the result's `as_of`.
        groups: `(objective title or None, rows)` pairs in the order of
            `spec.objective_groups()`; the title is `None` for a spec without
            objectives, and "Other tasks" for the indicators outside its objectives.
        period: The result's `period`: the as-of when it falls before the year's end
            (the year shown is then the year so far), else None.
    """

    unit: str
    year: int
    groups: list[tuple[str | None, list[OverviewRow]]]
    period: AsOf | None = None


def overview(result: Result, lang: str) -> Overview:
    """The overview of `result` in `lang`: the top unit (the first unit without a
    parent in the `as_of` year's tree) in `as_of`."""
    col = int(np.flatnonzero(result.years == result.as_of)[0])
    tops = np.flatnonzero(result.tree.top_mask()[:, col])
    top = int(tops[0]) if tops.size else -1
    unit = "" if top < 0 else result.tree.unit_names(np.array([top]), np.array([col]),
                                                       lang)[0]
    spec = result.spec
    groups: list[tuple[str | None, list[OverviewRow]]] = []
    for key, names in spec.objective_groups():
        built = [_row(result, result.indicators[n], top, col, lang)
                 for n in names if n in result.indicators]
        rows = [row for row in built if row is not None]
        if not rows:
            continue
        title = (spec.objectives[key].title.get(lang) if key is not None
                 else gettext("Other tasks", lang) if spec.objectives else None)
        groups.append((title, rows))
    return Overview(unit=unit, year=result.as_of, groups=groups, period=result.period)


def _row(result: Result, res: IndicatorResult, top: int, col: int,
         lang: str) -> OverviewRow | None:
    """An indicator's row, or None when nothing of it is checked or assessed."""
    group = _top_group(result, res.name, top)
    if not res.status.any() and group is None:
        return None
    ind = res.indicator
    title = ind.title.get(lang) if ind.title else res.name
    verdict, threshold, value = Verdict.NONE, "", ""
    if top >= 0:
        verdict = Verdict(int(res.verdict[top, col]))
        if verdict != Verdict.NONE:
            threshold = threshold_label(res, top, col, lang, result.period)
            value = shown_value(res, top, col, lang) + coverage_mark(res, top, col)
        elif res.status[top].any() or group is not None:
            value = format_value(float(res.panel.value[top, col]), ind, lang)
    below = res.status[:, col].copy()
    if top >= 0:
        below[top] = CheckStatus.NONE
    counts = np.bincount(below, minlength=max(CheckStatus) + 1)
    units = None
    if counts[1:].any():
        shown = [CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA]
        if result.period is not None:
            shown.append(CheckStatus.NOT_DUE)
        units = tuple(int(counts[status]) for status in shown)
    goal = ""
    progress: tuple[AssessmentStatus, ...] = ()
    if group is not None:
        assessments, k = group
        goal = goal_label(res, assessments, lang)
        first = headline(assessments)
        ordered = sorted(assessments, key=lambda a: a is not first)  # stable
        progress = tuple(AssessmentStatus(int(a.status[k])) for a in ordered)
    return OverviewRow(name=res.name, title=title, threshold=threshold, value=value,
                       verdict=verdict, units=units, goal=goal, progress=progress)


def _top_group(result: Result, name: str, top: int) -> tuple[list[Assessment], int] | None:
    """The assessments of the top unit's goal (the last goal it is assessed toward)
    and its position in them; None where it is not assessed."""
    found = None
    for group in result.assessment_groups(name):
        at = np.flatnonzero(group[0].inputs.rows == top)
        if at.size:
            found = (group, int(at[0]))
    return found
