"""What the `html` report and the notebook view show of a result, as plain data in the
reader's language: the summary (the headline per year, the counts), the indicators
grouped by the spec's objectives, and a card per indicator (chart coordinates, the unit
x year grid, each unit's progress toward its goal, where each target comes from). No
markup: the templates (`templates/`, rendered with autoescaping by
[`environment`][qnkpi.reporters._templates.environment]) turn it into HTML.

Part-way through a year (`--as-of 2025-06`, `Result.period`), the page is that period's
review: its title, the headline and the summary name the period (`6 tháng đầu năm
2025`), the checks judged only at the year's end are counted apart (`not_due`), each card
says how its as-of year was judged. A result of a whole year shows none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
from qnkpi.verdicts import ASSESSMENT_STATUSES, AssessmentStatus, CheckStatus

if TYPE_CHECKING:
    import numpy.typing as npt

    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.periods import AsOf

__all__ = ["ACTUAL_COLOUR", "Card", "Chart", "Count", "Group", "Page", "Status",
           "UnitProgress", "build_page"]

ACTUAL_COLOUR = "#2451b7"
_ASSESS_CSS = {"achieved": "good", "on_track": "good", "at_risk": "warn",
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


@dataclass(frozen=True)
class Group:
    """The indicators of one objective (`title` is `""` where the spec declares no
    objectives: the one group of every indicator)."""

    key: str
    title: str
    description: str
    cards: list[Card]


@dataclass(frozen=True)
class Page:
    """The whole report, ready for the template. `headline`: per year, how many of the
    top unit's targets were met (`Năm 2025: 3/9 chỉ tiêu đạt và vượt`); `groups`: the
    cards by objective (one untitled group without objectives)."""

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
    groups: list[Group] = field(default_factory=list)
    headline: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    actual_colour: str = ACTUAL_COLOUR
    #: Part-way through a year (`Result.period`), the period as the page names it; all
    #: `""` (and no notes) for a whole year. `period_heading`: under the title (`Kết quả
    #: thực hiện 6 tháng đầu năm 2025`); `period_meta`: in the line under it;
    #: `period_head`: the as-of year's column of the grids; `checks_title`: the summary's
    #: tile of checks; `period_notes`: the footer's lines.
    period_heading: str = ""
    period_meta: str = ""
    period_head: str = ""
    checks_title: str = ""
    period_notes: list[str] = field(default_factory=list)

    @property
    def grouped(self) -> bool:
        """Whether the cards are grouped under objectives' titles."""
        return any(g.title for g in self.groups)


def build_page(result: Result, lang: str, *, detail: bool = True) -> Page:
    """What the page shows of `result`, in `lang` (plain data, no markup).

    `detail=False` leaves out what only the cards show (charts, grids, targets): the
    summary and the table of indicators, for the notebook view."""
    prog = result.spec.programme
    s = result.summary()
    period = result.period
    counted = COUNTED if period is None else (*COUNTED, CheckStatus.NOT_DUE)

    def n(value: int) -> str:
        return format_number(value, lang)

    checks = [Count(status_word(st.key, lang), n(s[st.key]), VERDICT_CSS[st])
              for st in counted]
    a = s["assessments"]
    assessments = [Count(assessment_word(key, lang), n(a[key]), _ASSESS_CSS.get(key, "grey"))
                   for key in ASSESSMENT_STATUSES if key and a.get(key)]
    cards = {name: _card(result, name, s["indicators"][name], lang, detail, counted)
             for name in result.indicators}
    groups = _groups(result, cards, lang)
    named = _period_words(period, lang) if period is not None else {}
    return Page(
        lang=lang, title=prog.title.get(lang), programme_id=prog.id, owner=prog.owner or "",
        period=f"{prog.period.start}–{prog.period.end}", as_of=result.as_of,
        restated_to=result.restated_to,
        description=prog.description.get(lang) if prog.description else "",
        references=list(prog.references), checks=checks, total_checks=n(s["checks"]),
        assessments=assessments, total_assessments=n(a["total"]),
        cards=[card for g in groups for card in g.cards],
        groups=groups, headline=_headline(result, lang), warnings=list(result.warnings),
        **named)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _period_words(period: AsOf, lang: str) -> dict[str, Any]:
    """The page's words for a result part-way through a year (see `Page`)."""
    name = period_title(period, lang)
    # in an English sentence, "the first half of 2025" (but "Q2 2025")
    inner = f"the {name}" if lang == "en" and name[:1].islower() else name
    return {
        "period_heading": gettext("Results, {period}", lang).format(period=name),
        "period_meta": gettext("figures of {period}", lang).format(period=inner),
        "period_head": _capital(name),
        "checks_title": gettext("Checks against the targets, {period}", lang).format(
            period=name),
        "period_notes": [
            gettext(
                "{period}: counts added up from January, stocks and rates as they stand.",
                lang).format(period=_capital(name)),
            gettext(
                "A chart draws that figure as a hollow point, apart from the yearly line.",
                lang),
            gettext(
                "○ Due at year end: judged on the whole year; the figure so far is not judged.",
                lang),
        ],
    }


def _groups(result: Result, cards: dict[str, Card], lang: str) -> list[Group]:
    """The cards by the spec's objectives, in spec order; the indicators of no
    objective last, under "Other indicators" (untitled when there are no
    objectives)."""
    spec = result.spec
    out = []
    for key, names in spec.objective_groups():
        shown = [cards[name] for name in names if name in cards]
        if not shown:
            continue
        objective = spec.objectives.get(key) if key is not None else None
        if objective is not None:
            title = objective.title.get(lang)
            description = objective.description.get(lang) if objective.description else ""
        else:
            title = gettext("Other indicators", lang) if spec.objectives else ""
            description = ""
        out.append(Group(key or "", title, description, shown))
    return out


def _headline(result: Result, lang: str) -> list[str]:
    """Per year, how many of the top unit's targets were met or exceeded, as a
    Vietnamese report opens: `Năm 2025: 3/9 chỉ tiêu đạt và vượt (1 chưa có số
    liệu)`; from [`Result.headline`][qnkpi.engine.result.Result.headline]. Part-way
    through a year, its line names the period and counts apart the top unit's targets
    judged only at the year's end (the line is there when they are all it has)."""
    period = result.period
    counts = result.headline()
    due = 0
    if period is not None:
        col = int(np.flatnonzero(result.years == period.year)[0])
        top = result.tree.top_mask()[:, col]
        due = sum(int((res.status[top, col] == CheckStatus.NOT_DUE).sum())
                  for res in result.indicators.values())
        if due and all(c.year != period.year for c in counts):
            from qnkpi.engine.headline import YearCount

            counts = [*counts, YearCount(period.year, 0, 0, 0)]
    lines = []
    for year in counts:
        if period is not None and year.year == period.year:
            lines.append(_period_line(year, period, due, lang))
            continue
        text = gettext("Year {year}: {met}/{of} targets met or exceeded", lang).format(
            year=year.year, met=format_number(year.met, lang), of=format_number(year.of, lang))
        if year.no_data:
            text += " " + gettext("({count} without data)", lang).format(
                count=format_number(year.no_data, lang))
        lines.append(text)
    return lines


def _period_line(year: Any, period: AsOf, due: int, lang: str) -> str:
    """The headline's line of the as-of year part-way through it: `6 tháng đầu năm
    2025: 2/4 chỉ tiêu đạt và vượt; 5 chỉ tiêu đánh giá cuối năm`."""
    name = _capital(period_title(period, lang))

    def n(value: int) -> str:
        return format_number(value, lang)

    if not (year.of or year.no_data):
        return gettext("{period}: {count} targets judged at the year's end", lang).format(
            period=name, count=n(due))
    text = gettext("{period}: {met}/{of} targets met or exceeded", lang).format(
        period=name, met=n(year.met), of=n(year.of))
    if year.no_data:
        text += " " + gettext("({count} without data)", lang).format(count=n(year.no_data))
    if due:
        text += gettext("; {count} targets judged at the year's end", lang).format(count=n(due))
    return text


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


def _card(result: Result, name: str, per: dict[str, int], lang: str,
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
    return f"{_capital(period_title(period, lang))}: {words}."


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
    words = {key: (assessment_word(key, lang), _ASSESS_CSS.get(key, "grey"))
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
                  _ASSESS_CSS.get(st.key, "grey"))
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
