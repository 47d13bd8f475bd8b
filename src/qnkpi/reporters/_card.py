"""The card of one indicator on the `html` report (and what the notebook view borrows
of it), as plain data in the reader's language: its chart coordinates and unit x year
grid, each unit's progress toward its goal by every assessment method, the goal as the
card names it, and where each of its targets comes from. The page that holds the cards
(its summary, headline and groups) is [`_page`][qnkpi.reporters._page].

Part-way through a year (`Result.period`), a card also says how its checks of the as-of
year were judged (`partial_note`); for a whole year it says nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qnkpi.engine.baselines import RESTATED
from qnkpi.engine.partial import AS_IS, MILESTONE, PRORATE, YEAR_END
from qnkpi.i18n import (
    assessment_word,
    format_number,
    format_value,
    gettext,
    level_title,
    period_title,
    status_word,
)
from qnkpi.reporters._chart import Chart, chart
from qnkpi.reporters._grid import COUNTED, VERDICT_CSS, Count, Grid, grid
from qnkpi.reporters._present import headline, span
from qnkpi.reporters._terms import goal_heading, method_title, rule_label
from qnkpi.verdicts import AssessmentStatus, CheckStatus

if TYPE_CHECKING:
    import numpy.typing as npt

    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result

__all__ = ["ASSESS_CSS", "Card", "Status", "TargetRow", "UnitProgress", "build_card",
           "capital"]

#: The css class of each assessment status (`grey` for any other).
ASSESS_CSS = {"achieved": "good", "on_track": "good", "at_risk": "warn",
              "off_track": "bad", "regressing": "bad", "insufficient_data": "grey",
              "overdue": "bad", "met_every_year": "good", "met_this_year": "warn",
              "substantial_progress": "good",
              "moderate_progress": "warn", "limited_progress": "warn",
              "deterioration": "bad"}


@dataclass(frozen=True)
class Status:
    """An assessment status of one unit by one method (`method`: as a reader calls
    it)."""

    word: str
    method: str
    css: str


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
    #: Part-way through a year: how its checks of the as-of year were judged; else `""`.
    partial_note: str = ""


def capital(text: str) -> str:
    """`text` with its first letter upper-case (`first half of 2025`: `First half of 2025`)."""
    return text[:1].upper() + text[1:]


def _top_row(result: Result) -> int:
    """The row of the top unit: the first unit with no parent in the latest year."""
    top = result.tree.top_mask()
    latest = np.flatnonzero(top[:, -1])
    anywhere = np.flatnonzero(top.any(axis=1))
    return int(latest[0] if len(latest) else anywhere[0] if len(anywhere) else 0)


def _breaks(result: Result, name: str) -> npt.NDArray[np.bool_]:
    """The (unit, year) cells of indicator `name` not comparable with the year before
    (the units that make up the figure changed in between; see
    [`Result.comparable`][qnkpi.engine.result.Result.comparable])."""
    out: npt.NDArray[np.bool_] = result.comparable(name) == 0.0
    return out


def build_card(result: Result, name: str, per: dict[str, int], lang: str,
               detail: bool = True, counted: tuple[CheckStatus, ...] = COUNTED) -> Card:
    """The card of indicator `name`; `per` counts its checks by status (`detail`: with
    its chart, grid and targets; `counted`: the statuses counted)."""
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
                    VERDICT_CSS[st]) for st in counted]
    breaks = _breaks(result, name) if detail else None
    return Card(
        name=name, title=ind.title.get(lang) if ind.title else name,
        description=ind.description.get(lang) if ind.description else "",
        unit=ind.unit,
        chart=chart(result, res, group, top, lang, breaks) if detail else None,
        grid=grid(result, res, lang, breaks) if detail and len(checked) else None,
        goal=_goal_text(res, group, lang), goal_short=_goal_text(res, group, lang, short=True),
        methods=[method_title(a.method, lang) for a in group],
        progress=progress, progress_counts=_progress_counts(groups, lang),
        top_progress=top_progress, targets=_targets(result, res, lang) if detail else [],
        first_year=min(first) if first else None, counts=counts, top_status=top_status,
        checked=bool(len(checked)), partial_note=_partial_note(result, res, top, lang))


#: How a check of a year not over at the as-of was judged (the codes of
#: `qnkpi.engine.partial.PARTIAL`), as a card says it.
_HOW = {AS_IS: "judged on its figure as it stands, against the year's target",
        PRORATE: "judged against the year's target prorated to {months}/12",
        MILESTONE: "judged against a milestone of the target",
        YEAR_END: "judged when the year ends; its figure so far is shown, not judged"}


def _partial_note(result: Result, res: IndicatorResult, top: int, lang: str) -> str:
    """How the card's checks of the as-of year were judged, part-way through it: the
    top unit's, else those of the units below (`6 tháng đầu năm 2025: đánh giá theo
    tiến độ thời gian, 6/12 kế hoạch năm`); `""` for a whole year or without checks."""
    period, part = result.period, res.partial
    if period is None or part is None:
        return ""
    checked = np.flatnonzero(res.status[:, part.column])
    if not len(checked):
        return ""
    rows = [top] if top in checked.tolist() else checked.tolist()
    codes = sorted({int(part.how[r]) for r in rows} & set(_HOW))
    if not codes:
        return ""
    words = "; ".join(gettext(_HOW[c], lang).format(months=period.months) for c in codes)
    return f"{capital(period_title(period, lang))}: {words}."


def _goal_text(res: IndicatorResult, group: list[Assessment], lang: str,
               short: bool = False) -> str:
    """`Toward the goal ≥ 90% in 2030` (`short`: `≥ 90% (2030)`); `*` marks an
    aspirational goal; for an indicator without a target, whose trend is assessed,
    `Trend without a target (should increase)`."""
    from qnkpi.engine.assess import goal_of

    index = group[0].goal_target if group else goal_of(res.indicator)
    if index is None:  # no target: the trend, if it was assessed
        return "" if short or not group else goal_heading(res, group, lang)
    target = res.indicator.targets[index]
    star = " *" if target.aspirational else ""
    rule = rule_label(target.op, *target.bounds, res.indicator, lang)
    if short:
        return f"{rule} ({target.last_year}){star}"
    return gettext("Toward the goal {goal} in {year}", lang).format(
        goal=rule, year=target.last_year) + star


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
    present = np.unique(np.concatenate([a.status for a in group])).tolist()
    words = {key: (assessment_word(key, lang), ASSESS_CSS.get(key, "grey"))
             for key in (AssessmentStatus(code).key for code in present) if key}

    def fmt(value: float) -> str:
        return format_value(float(value), res.indicator, lang=lang)

    out = []
    for k, row in enumerate(inputs.rows.tolist()):
        statuses = [Status(*_pick(words, a, k, lang)) for a in group]
        projected = "" if np.isnan(main.projected[k]) else fmt(main.projected[k])
        basis = group[0].baseline_basis
        shown = span(inputs, k, fmt, lang, restated=basis is not None
                     and basis[k] == RESTATED) + (f" · {goal}" if goal else "")
        out.append(UnitProgress(names[row], shown, statuses, projected))
    return out


def _pick(words: dict[str, tuple[str, str]], a: Assessment, k: int,
          lang: str) -> tuple[str, str, str]:
    """(status word, method as read, css class) of unit `k` in assessment `a`."""
    word, css = words[AssessmentStatus(a.status[k]).key]
    return word, method_title(a.method, lang), css


def _progress_counts(groups: list[list[Assessment]], lang: str) -> list[Count]:
    """The units by status of the headline method (`linear_path` where there is one,
    else the first), over every goal."""
    mains = [m for m in (headline(g) for g in groups) if m is not None]
    if not mains:
        return []
    counts = np.sum([np.bincount(m.status, minlength=len(AssessmentStatus)) for m in mains],
                    axis=0)
    return [Count(assessment_word(st.key, lang), format_number(int(counts[st]), lang),
                  ASSESS_CSS.get(st.key, "grey"))
            for st in AssessmentStatus if st and counts[st]]


# --- where the targets come from ------------------------------------------------------

def _targets(result: Result, res: IndicatorResult, lang: str) -> list[TargetRow]:
    """Each target of `res` as stated: years, threshold (`≥ 100%`), where it applies
    (the level's title, the units, or the top unit) and the spec's marks and note."""
    out = []
    for i, target in enumerate(res.indicator.targets):
        years = (str(target.year) if target.year is not None
                 else f"{target.first_year}–{target.last_year}")
        if target.level is not None:
            where = gettext("{level}: every unit", lang).format(
                level=level_title(result.spec.org_units, target.level, lang))
        elif target.units is not None:
            where = ", ".join(target.units)
        else:
            where = result.tree.latest_names(lang)[_top_row(result)]
        out.append(TargetRow(
            number=i + 1, years=years,
            rule=rule_label(target.op, *target.bounds, res.indicator, lang), where=where,
            goal=target.goal, aspirational=target.aspirational,
            assumed_year=target.assumed_year,
            note=target.note.get(lang) if target.note is not None else ""))
    return out
