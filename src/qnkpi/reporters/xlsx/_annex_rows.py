"""The rows of the annex sheet (`Phụ lục`), one per indicator: what each column holds of
the indicator in the as-of year at the top unit (plan, actual, share of the plan, the
year before, verdict, goal, progress, units reported, notes), or, for a target that
applies to each unit below, how many units met it. Part-way through a year, the year's
own plan, the threshold judged against at the as-of and how it was judged. The sheet
that lays these rows out is [`_annex`][qnkpi.reporters.xlsx._annex]."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, format_value, gettext, status_word
from qnkpi.reporters._present import bound_decimals, headline
from qnkpi.reporters.xlsx._annex_head import MET, NOT_COMPARABLE, REFERENCE
from qnkpi.reporters.xlsx._cells import SIGNS, value_format
from qnkpi.reporters.xlsx._common import measure_word, plan, title_of
from qnkpi.reporters.xlsx._period import YEAR_END, how, how_note, year_plan
from qnkpi.verdicts import ASSESSMENT_STATUSES, Op, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.periods import AsOf
    from qnkpi.spec.models import Target

__all__ = ["Context", "Row", "indicator_row"]


@dataclass
class Row:
    """One indicator's row of the annex."""

    title: str
    measure: str
    plan: float | str | None = None
    plan_format: str | None = None
    actual: float | None = None
    share: float | None = None
    previous: float | str | None = None
    previous_format: str | None = None
    verdict: str = ""
    fill: Verdict | None = None
    goal: float | str | None = None
    goal_format: str | None = None
    progress: str = ""
    coverage: str = ""
    notes: list[str] = field(default_factory=list)
    number_format: str | None = None
    judged: float | str | None = None  # part-way through a year: the threshold judged
    judged_format: str | None = None
    reference: bool = False  # the plan is a reference path, not a stated target
    broken: bool = False  # the previous year's figure is not comparable


@dataclass
class Context:
    """What every row of the annex is read against."""

    result: Result
    lang: str
    top: int
    col: int
    prev: int | None  # the column of the year before, if evaluated
    goal_year: int
    sheets: dict[int, str]
    breaks: Any  # [N, Y] bool: the tree's breaks (qnkpi.engine.breaks.tree_breaks)
    period: AsOf | None = None  # the as-of when it falls before its year's end


def indicator_row(cx: Context, name: str) -> Row:
    """Indicator `name` in the as-of year at the top unit; for a target that applies
    to each unit below, how many units met it."""
    result, lang, top, col = cx.result, cx.lang, cx.top, cx.col
    res = result.indicators[name]
    row = Row(title_of(res, name, lang), measure_word(res.indicator, lang),
              number_format=value_format(res))
    if res.status[top, col]:
        _top_check(row, res, top, col, lang)
        if how(res, top, col):
            _partial_top(row, cx, res)
        _previous_value(row, cx, res)
    elif res.status[:, col].any():
        _unit_checks(row, cx, res)
    else:
        row.actual = _number(res.panel.value[top, col])
        row.notes.append(gettext("no target for {year}", lang).format(year=result.as_of))
        _previous_value(row, cx, res)
    _goal(row, res, cx.goal_year, lang)
    row.progress = _progress_text(result, name, top, lang)
    return row


def _number(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


def _top_check(row: Row, res: IndicatorResult, top: int, col: int, lang: str) -> None:
    """The check of the top unit: plan, actual, share of plan, verdict, coverage, notes.
    An interpolated threshold is no plan: the plan stays empty and the note gives the
    reference path the verdict is read against."""
    t = res.thresholds
    row.actual = _number(res.panel.value[top, col])
    if t.interpolated[top, col]:
        row.reference = True
        row.plan = REFERENCE
        row.notes.append(gettext("reference path {threshold} (between the stated "
                                 "targets)", lang).format(
            threshold=_threshold_words(res, top, col, lang)))
    else:
        row.plan, row.plan_format = plan(res, top, col, lang)
        if isinstance(row.plan, float) and row.plan != 0 and row.actual is not None:
            row.share = row.actual / row.plan
    code = Verdict(res.verdict[top, col])
    row.verdict, row.fill = status_word(code.key, lang), code
    row.coverage = _coverage(res, top, col)
    _target_notes(row, res.indicator.targets[int(t.target[top, col])], lang)


def _partial_top(row: Row, cx: Context, res: IndicatorResult) -> None:
    """The top unit's check of a year not over at the as-of: the year's own plan (not
    the prorated one, nor a milestone) and the share of it reached so far; the
    threshold judged against, unless the check waits for the year's end; how it was
    judged in the notes."""
    assert cx.period is not None and res.partial is not None
    top, col, lang = cx.top, cx.col, cx.lang
    code = how(res, top, col)
    if not row.reference:
        row.plan, row.plan_format = year_plan(res, top, col, lang)
        row.share = (row.actual / row.plan if isinstance(row.plan, float) and row.plan != 0
                     and row.actual is not None else None)
    else:  # the note names the whole year's reference path, not the prorated one
        row.notes[0] = gettext("reference path {threshold} (between the stated "
                               "targets)", lang).format(threshold=_threshold_words(
            res, top, col, lang, float(res.partial.year_lo[top])))
    if code != YEAR_END:
        row.judged, row.judged_format = plan(res, top, col, lang)
    note = how_note(res, top, col, cx.period, lang)
    if note:
        row.notes.insert(0, note)


def _threshold_words(res: IndicatorResult, row: int, col: int, lang: str,
                     lo: float | None = None) -> str:
    """A threshold as a note writes it: `> 61,43%` (`lo`: another bound than the
    check's, such as the year's own before prorating)."""
    t = res.thresholds
    lo = float(t.lo[row, col]) if lo is None else lo
    return f"{SIGNS[Op(t.op[row, col]).symbol]} " + format_value(
        lo, res.indicator, lang, bound_decimals(lo))


def _unit_checks(row: Row, cx: Context, res: IndicatorResult) -> None:
    """A target for each unit below the top: the plan they share, how many met it, and
    how many met it the year before."""
    lang, col = cx.lang, cx.col
    t = res.thresholds
    rows = np.flatnonzero(res.status[:, col])
    if how(res, int(rows[0]), col):
        _partial_units(row, cx, res, rows)
    else:
        plans = {(int(t.op[r, col]), float(t.lo[r, col]), float(t.hi[r, col]))
                 for r in rows.tolist()}
        if len(plans) == 1:
            row.plan, row.plan_format = plan(res, int(rows[0]), col, lang)
        else:
            row.notes.append(gettext("thresholds differ between units", lang))
        row.verdict, met = _units_met(res, rows, col, lang)
        codes = res.verdict[rows, col]
        row.fill = (Verdict.NOT_MET if (codes == Verdict.NOT_MET).any()
                    else Verdict.MET if met else Verdict.NO_DATA)
    reported = int(np.isfinite(res.panel.value[rows, col]).sum())
    row.coverage = f"{reported}/{len(rows)}"
    if cx.prev is not None:
        before = np.flatnonzero(res.status[:, cx.prev])
        if len(before):
            row.previous = _units_met(res, before, cx.prev, lang)[0]
            if not np.array_equal(before, rows):  # other units: not the same count
                row.broken = True
                row.previous = f"{row.previous} {NOT_COMPARABLE}"
    for level in sorted(set(cx.result.tree.level_of[rows].tolist())):
        if level in cx.sheets:
            row.notes.append(gettext("a target for each unit: see the sheet “{sheet}”",
                                     lang).format(sheet=cx.sheets[level]))
    _target_notes(row, res.indicator.targets[int(t.target[rows[0], col])], lang)


def _partial_units(row: Row, cx: Context, res: IndicatorResult, rows: Any) -> None:
    """Targets for each unit below the top in a year not over at the as-of: the year's
    plan they share, the threshold judged against where they share one, how many of the
    units judged met it; where every check waits for the year's end, that verdict."""
    assert cx.period is not None and res.partial is not None
    lang, col = cx.lang, cx.col
    t, part = res.thresholds, res.partial
    plans = {(int(t.op[r, col]), float(part.year_lo[r]), float(part.year_hi[r]))
             for r in rows.tolist()}
    if len(plans) == 1:
        row.plan, row.plan_format = year_plan(res, int(rows[0]), col, lang)
    else:
        row.notes.append(gettext("thresholds differ between units", lang))
    judged = rows[part.how[rows] != YEAR_END]
    waiting = len(rows) - len(judged)
    if not len(judged):
        row.verdict, row.fill = status_word("not_due", lang), Verdict.NOT_DUE
        return
    shared = {(int(t.op[r, col]), float(t.lo[r, col]), float(t.hi[r, col]))
              for r in judged.tolist()}
    if len(shared) == 1:
        row.judged, row.judged_format = plan(res, int(judged[0]), col, lang)
    row.verdict, met = _units_met(res, judged, col, lang)
    codes = res.verdict[judged, col]
    row.fill = (Verdict.NOT_MET if (codes == Verdict.NOT_MET).any()
                else Verdict.MET if met else Verdict.NO_DATA)
    notes = dict.fromkeys(how_note(res, r, col, cx.period, lang) for r in judged.tolist())
    row.notes[:0] = [n for n in notes if n]
    if waiting:
        row.notes.append(gettext("{count} units judged at year end", lang).format(
            count=waiting))


def _units_met(res: IndicatorResult, rows: Any, col: int, lang: str) -> tuple[str, int]:
    """`39/54 đơn vị đạt` of the units `rows` in column `col`, and the count met."""
    met = int(np.isin(res.verdict[rows, col], MET).sum())
    return gettext("{met}/{count} units met", lang).format(met=met, count=len(rows)), met


def _previous_value(row: Row, cx: Context, res: IndicatorResult) -> None:
    """The top unit's value the year before (`Cùng kỳ`), marked where the units it is
    summed over changed between the two years."""
    if cx.prev is None:
        return
    row.previous = _number(res.panel.value[cx.top, cx.prev])
    if row.previous is None:
        return
    row.previous_format = row.number_format
    if _breaks(cx, res)[cx.top, cx.col]:
        row.broken = True
        row.previous_format = f'{row.number_format}" {NOT_COMPARABLE}"'


def _breaks(cx: Context, res: IndicatorResult) -> Any:
    """`[N, Y]`: where the indicator's figure is not comparable with the year before
    (see [`qnkpi.engine.breaks`][qnkpi.engine.breaks]): the result's own panel where it
    carries one, else the tree's breaks that matter for the indicator."""
    from qnkpi.engine.breaks import indicator_breaks

    own = getattr(res, "breaks", None)
    return own if own is not None else indicator_breaks(cx.breaks, res.panel)


def _target_notes(row: Row, target: Target, lang: str) -> None:
    if target.aspirational:
        row.notes.append(gettext("aspirational (phấn đấu)", lang))
    if target.assumed_year:
        row.notes.append(gettext("assumed year", lang))
    if target.note is not None:
        note = target.note if isinstance(target.note, str) else target.note.get(lang)
        if note:
            row.notes.append(note)


def _coverage(res: IndicatorResult, row: int, col: int) -> str:
    """`53/54`: the units that reported, of those expected; empty where not counted."""
    p = res.panel
    if p.expected is None or p.reported is None or not np.isfinite(p.expected[row, col]):
        return ""
    return f"{int(p.reported[row, col])}/{int(p.expected[row, col])}"


def _goal(row: Row, res: IndicatorResult, goal_year: int, lang: str) -> None:
    """The goal: its threshold (a number, or text for a range); its year in the notes
    where it is not the column's."""
    from qnkpi.engine.assess import goal_of
    from qnkpi.reporters._present import rule_text
    from qnkpi.reporters.xlsx._cells import bound_format

    index = goal_of(res.indicator)
    if index is None:
        return
    target = res.indicator.targets[index]
    lo, hi = target.bounds
    if target.op == "between":
        row.goal = rule_text(target.op, lo, hi, lang)
    else:
        row.goal, row.goal_format = lo, bound_format(lo, target.op, res.indicator.unit == "percent")
    if target.last_year != goal_year:
        row.notes.append(gettext("goal for {year}", lang).format(year=target.last_year))
    if target.aspirational and gettext("aspirational (phấn đấu)", lang) not in row.notes:
        row.notes.append(gettext("the goal is aspirational (phấn đấu)", lang))


def _progress_text(result: Result, name: str, top: int, lang: str) -> str:
    """The top unit's status toward the goal by the headline method (`linear_path`,
    else the first); where only the units below are assessed, how many have each
    status."""
    mains = [m for m in map(headline, result.assessment_groups(name)) if m is not None]
    for main in mains:  # one per goal
        rows = main.inputs.rows.tolist()
        if top in rows:
            return assessment_word(ASSESSMENT_STATUSES[main.status[rows.index(top)]], lang)
    counts = Counter(ASSESSMENT_STATUSES[s] for m in mains for s in m.status.tolist())
    return " · ".join(f"{assessment_word(key, lang)} {counts[key]}"
                      for key in ASSESSMENT_STATUSES if key and counts[key])
