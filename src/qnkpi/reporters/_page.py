"""What the `html` report and the notebook view show of a result, as plain data in the
reader's language: the summary's counts, a card per indicator (chart coordinates, the unit
x year grid, each unit's progress toward its goal, where each target comes from). No
markup: the templates (`templates/`, rendered with autoescaping by
[`environment`][qnkpi.reporters._templates.environment]) turn it into HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, format_number, format_value, gettext, status_word
from qnkpi.reporters._chart import Chart, chart
from qnkpi.reporters._present import (
    goal_heading,
    headline,
    rule_text,
    shown_value,
    span,
    threshold_text,
    verdict_words,
)
from qnkpi.verdicts import ASSESSMENT_STATUSES, AssessmentStatus, CheckStatus

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.spec.models import Target

__all__ = ["ACTUAL_COLOUR", "Card", "Chart", "Count", "Page", "Status", "UnitProgress",
           "build_page"]

ACTUAL_COLOUR = "#2451b7"
#: CSS class of each verdict code (0: no check).
_VERDICT_CSS = ("none", "met", "not-met", "no-data", "exceeded")
#: The check statuses the page counts, in order.
_COUNTED = (CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA)
_ASSESS_CSS = {"achieved": "good", "on_track": "good", "at_risk": "warn",
               "off_track": "bad", "regressing": "bad", "insufficient_data": "grey",
               "substantial_progress": "good", "moderate_progress": "warn",
               "limited_progress": "warn", "deterioration": "bad"}
#: Grids with more rows than this start folded.
_OPEN_ROWS = 16

@dataclass(frozen=True)
class Count:
    """A status and how many have it, as shown: `Đạt 180`."""

    word: str
    count: str
    css: str


@dataclass(frozen=True)
class Status:
    """An assessment status of one unit by one method."""

    word: str
    method: str
    css: str


@dataclass(frozen=True)
class Cell:
    """One (unit, year) of a grid; `css` is `none` where nothing is checked."""

    css: str
    value: str = ""
    word: str = ""
    threshold: str = ""
    coverage: str = ""


@dataclass(frozen=True)
class GridRow:
    """A unit's row of a grid; `depth` is its level (0 = top)."""

    name: str
    depth: int
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    """The unit x year grid of one indicator; `heads` holds each column's threshold
    when one applies to the whole column (else it is in each cell)."""

    years: list[int]
    heads: list[str]
    rows: list[GridRow]
    open: bool
    counts: list[Count]



@dataclass(frozen=True)
class UnitProgress:
    """How one unit stands toward the goal: per method, a status; the projection of
    the headline method (`linear_path`, or the first method)."""

    unit: str
    span: str
    statuses: list[Status]
    projected: str


@dataclass(frozen=True)
class TargetRow:
    """Where a target comes from: when, what, where, and the spec's marks and note."""

    number: int
    years: str
    rule: str
    where: str
    goal: bool
    aspirational: bool
    assumed_year: bool
    note: str


@dataclass(frozen=True)
class Card:
    """Everything shown for one indicator."""

    name: str
    title: str
    description: str
    unit: str
    chart: Chart | None
    grid: Grid | None
    goal: str
    goal_short: str
    methods: list[str]
    progress: list[UnitProgress]
    progress_counts: list[Count]
    top_progress: UnitProgress | None
    targets: list[TargetRow]
    first_year: int | None
    counts: list[Count]
    top_status: Status | None = None
    checked: bool = True


@dataclass(frozen=True)
class Page:
    """The whole report, ready for the template."""

    lang: str
    title: str
    programme_id: str
    owner: str
    period: str
    as_of: int
    restated_to: int | None
    description: str
    references: list[str]
    checks: list[Count]
    total_checks: str
    assessments: list[Count]
    total_assessments: str
    cards: list[Card]
    warnings: list[str] = field(default_factory=list)
    actual_colour: str = ACTUAL_COLOUR


def build_page(result: Result, lang: str, *, detail: bool = True) -> Page:
    """What the page shows of `result`, in `lang` (plain data, no markup).

    `detail=False` leaves out what only the cards show (charts, grids, targets): the
    summary and the table of indicators, for the notebook view."""
    prog = result.spec.programme
    s = result.summary()

    def n(value: int) -> str:
        return format_number(value, lang)

    checks = [Count(status_word(st.key, lang), n(s[st.key]), _VERDICT_CSS[st])
              for st in _COUNTED]
    a = s["assessments"]
    assessments = [Count(assessment_word(key, lang), n(a[key]), _ASSESS_CSS[key])
                   for key in ASSESSMENT_STATUSES if key and a[key]]
    cards = [_card(result, name, s["indicators"][name], lang, detail)
             for name in result.indicators]
    return Page(
        lang=lang, title=prog.title.get(lang), programme_id=prog.id, owner=prog.owner or "",
        period=f"{prog.period.start}–{prog.period.end}", as_of=result.as_of,
        restated_to=result.restated_to,
        description=prog.description.get(lang) if prog.description else "",
        references=list(prog.references), checks=checks, total_checks=n(s["checks"]),
        assessments=assessments, total_assessments=n(a["total"]), cards=cards,
        warnings=list(result.warnings))


def _top_row(result: Result) -> int:
    """The row of the top unit: the first unit with no parent in the latest year."""
    top = result.tree.top_mask()
    latest = np.flatnonzero(top[:, -1])
    anywhere = np.flatnonzero(top.any(axis=1))
    return int(latest[0] if len(latest) else anywhere[0] if len(anywhere) else 0)


def _card(result: Result, name: str, per: dict[str, int], lang: str,
          detail: bool = True) -> Card:
    """The card of indicator `name`; `per` counts its checks by status (`detail`: with
    its chart, grid and targets)."""
    res = result.indicators[name]
    ind = res.indicator
    groups = result.assessment_groups(name)  # one per goal
    top = _top_row(result)
    # the goal the card names: the top unit's, else the first
    group = next((g for g in groups if top in g[0].inputs.rows.tolist()),
                 groups[0] if groups else [])
    several = len(groups) > 1  # then each unit's row names its goal
    progress = [p for g in groups
                for p in _progress(result, g, lang,
                                   goal=_goal_text(res, g, lang, short=True) if several else "")]
    top_progress = None
    top_status = None
    if group and top in group[0].inputs.rows.tolist():
        top_progress = _progress(result, group, lang)[group[0].inputs.rows.tolist().index(top)]
        top_status = top_progress.statuses[group.index(headline(group) or group[0])]
    checked = np.flatnonzero(res.status.any(axis=0))
    first = [t.first_year for t in ind.targets]
    counts = [Count(status_word(st.key, lang), format_number(per[st.key], lang),
                    _VERDICT_CSS[st]) for st in _COUNTED]
    return Card(
        name=name, title=ind.title.get(lang) if ind.title else name,
        description=ind.description.get(lang) if ind.description else "",
        unit=ind.unit, chart=chart(result, res, group, top, lang) if detail else None,
        grid=_grid(result, res, lang) if detail and len(checked) else None,
        goal=_goal_text(res, group, lang), goal_short=_goal_text(res, group, lang, short=True),
        methods=[a.method for a in group],
        progress=progress, progress_counts=_progress_counts(groups, lang),
        top_progress=top_progress, targets=_targets(result, res, lang) if detail else [],
        first_year=min(first) if first else None, counts=counts, top_status=top_status,
        checked=bool(len(checked)))


def _goal_text(res: IndicatorResult, group: list[Assessment], lang: str,
               short: bool = False) -> str:
    """`Toward the goal >= 90 in 2030` (`short`: `>= 90 (2030)`); `*` marks an
    aspirational goal."""
    from qnkpi.engine.assess import goal_of

    index = group[0].goal_target if group else goal_of(res.indicator)
    if index is None:  # no target: the trend, if it was assessed
        return "" if short or not group else goal_heading(res, group, lang)
    target = res.indicator.targets[index]
    star = " *" if target.aspirational else ""
    if short:
        return f"{_rule(target, lang)} ({target.last_year}){star}"
    return gettext("Toward the goal {goal} in {year}", lang).format(
        goal=_rule(target, lang), year=target.last_year) + star


def _rule(target: Target, lang: str) -> str:
    """A target's comparison as read: `>= 90`, `50–80`."""
    return rule_text(target.op, *target.bounds, lang)


# --- the grid -------------------------------------------------------------------------

def _grid(result: Result, res: IndicatorResult, lang: str) -> Grid:
    """The unit x year grid: strings per checked cell, classes and verdicts by numpy."""
    tree = result.tree
    cols = np.flatnonzero(res.status.any(axis=0))
    rows = np.flatnonzero(res.status.any(axis=1))
    at = np.ix_(rows, cols)
    codes = res.status[at]
    checked = codes != CheckStatus.NONE
    verdicts = res.verdict[at]
    css = np.array(_VERDICT_CSS, dtype=object)[verdicts]
    words = np.array(verdict_words(lang), dtype=object)[verdicts]
    cover = _coverage(res, rows, cols)
    heads: list[str] = []
    for j, col in enumerate(cols.tolist()):
        texts = {threshold_text(res, r, col, lang) for r in rows[checked[:, j]].tolist()}
        heads.append(texts.pop() if len(texts) == 1 else "")
    last = cols[codes.shape[1] - 1 - np.argmax(checked[:, ::-1], axis=1)]
    names = tree.unit_names(rows, last, lang)
    depth = tree.level_of[rows].tolist()
    out = []
    for i, row in enumerate(rows.tolist()):
        cells = []
        for j, col in enumerate(cols.tolist()):
            if not checked[i, j]:
                cells.append(Cell("none"))
                continue
            cells.append(Cell(
                css=css[i, j], value=shown_value(res, row, col, lang), word=words[i, j],
                threshold="" if heads[j] else threshold_text(res, row, col, lang),
                coverage=cover[i][j]))
        out.append(GridRow(names[i], depth[i], cells))
    counts = np.bincount(codes.ravel(), minlength=len(CheckStatus))
    shown = [Count(status_word(st.key, lang), format_number(int(counts[st]), lang),
                   _VERDICT_CSS[st]) for st in _COUNTED if counts[st]]
    return Grid(years=result.years[cols].tolist(), heads=heads, rows=out,
                open=len(rows) <= _OPEN_ROWS, counts=shown)


def _coverage(res: IndicatorResult, rows: Any, cols: Any) -> list[list[str]]:
    """`[53/54]` where an aggregate lacks some of its units' reports, else `""`."""
    p = res.panel
    shape = (len(rows), len(cols))
    if p.expected is None or p.reported is None:
        return [[""] * shape[1] for _ in range(shape[0])]
    expected, reported = p.expected[np.ix_(rows, cols)], p.reported[np.ix_(rows, cols)]
    with np.errstate(invalid="ignore"):
        short = ~np.isnan(expected) & (reported < expected)
    marks = np.full(shape, "", dtype=object)
    for i, j in zip(*np.nonzero(short), strict=True):
        marks[i, j] = f"[{int(reported[i, j])}/{int(expected[i, j])}]"
    out: list[list[str]] = marks.tolist()
    return out


# --- progress toward the goal ---------------------------------------------------------

def _progress(result: Result, group: list[Assessment], lang: str,
              goal: str = "") -> list[UnitProgress]:
    """One row per assessed unit: baseline → current (then `goal`, where an indicator
    has several), a status per method, and the projection of the headline method."""
    main = headline(group)
    if main is None:
        return []
    res = result.indicators[main.indicator]
    inputs = main.inputs
    names = result.tree.latest_names(lang)
    words = {key: (assessment_word(key, lang), _ASSESS_CSS[key])
             for key in ASSESSMENT_STATUSES if key}

    def fmt(value: float) -> str:
        return format_value(float(value), res.indicator, lang=lang)

    out = []
    for k, row in enumerate(inputs.rows.tolist()):
        statuses = [Status(*_pick(words, a, k)) for a in group]
        projected = "" if np.isnan(main.projected[k]) else fmt(main.projected[k])
        shown = span(inputs, k, fmt, lang) + (f" · {goal}" if goal else "")
        out.append(UnitProgress(names[row], shown, statuses, projected))
    return out


def _pick(words: dict[str, tuple[str, str]], a: Assessment, k: int) -> tuple[str, str, str]:
    """(status word, method, css class) of unit `k` in assessment `a`."""
    word, css = words[AssessmentStatus(a.status[k]).key]
    return word, a.method, css


def _progress_counts(groups: list[list[Assessment]], lang: str) -> list[Count]:
    """The units by status of the headline method (`linear_path` where there is one,
    else the first), over every goal."""
    mains = [m for m in (headline(g) for g in groups) if m is not None]
    if not mains:
        return []
    counts = np.sum([np.bincount(m.status, minlength=len(AssessmentStatus)) for m in mains],
                    axis=0)
    return [Count(assessment_word(st.key, lang), format_number(int(counts[st]), lang),
                  _ASSESS_CSS[st.key]) for st in AssessmentStatus if st and counts[st]]


# --- where the targets come from ------------------------------------------------------

def _targets(result: Result, res: IndicatorResult, lang: str) -> list[TargetRow]:
    top_name = result.tree.latest_names(lang)[_top_row(result)]
    out = []
    for i, target in enumerate(res.indicator.targets):
        years = (str(target.year) if target.year is not None
                 else f"{target.first_year}–{target.last_year}")
        if target.level is not None:
            where = gettext("every {level} unit", lang).format(
                level=gettext(target.level, lang))
        elif target.units is not None:
            where = ", ".join(target.units)
        else:
            where = top_name
        out.append(TargetRow(
            number=i + 1, years=years, rule=_rule(target, lang), where=where,
            goal=target.goal, aspirational=target.aspirational,
            assumed_year=target.assumed_year, note=target.note or ""))
    return out
