"""What the `html` report and the notebook view show of a result, as plain data in the
reader's language: the summary (the headline per year, the counts) and the indicators
grouped by the spec's objectives, each as a card built by
[`_card`][qnkpi.reporters._card] (chart coordinates, the unit x year grid, each unit's
progress toward its goal, where each target comes from). No markup: the templates
(`templates/`, rendered with autoescaping by
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

from qnkpi.i18n import assessment_word, format_number, gettext, period_title, status_word
from qnkpi.reporters._card import ASSESS_CSS, Card, Status, UnitProgress, build_card, capital
from qnkpi.reporters._chart import Chart
from qnkpi.reporters._grid import COUNTED, VERDICT_CSS, Count
from qnkpi.verdicts import ASSESSMENT_STATUSES, CheckStatus

if TYPE_CHECKING:
    from qnkpi.engine.result import Result
    from qnkpi.periods import AsOf

__all__ = ["ACTUAL_COLOUR", "Card", "Chart", "Count", "Group", "Page", "Status",
           "UnitProgress", "build_page"]

ACTUAL_COLOUR = "#2451b7"


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
    assessments = [Count(assessment_word(key, lang), n(a[key]), ASSESS_CSS.get(key, "grey"))
                   for key in ASSESSMENT_STATUSES if key and a.get(key)]
    cards = {name: build_card(result, name, s["indicators"][name], lang, detail, counted)
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


def _period_words(period: AsOf, lang: str) -> dict[str, Any]:
    """The page's words for a result part-way through a year (see `Page`)."""
    name = period_title(period, lang)
    # in an English sentence, "the first half of 2025" (but "Q2 2025")
    inner = f"the {name}" if lang == "en" and name[:1].islower() else name
    return {
        "period_heading": gettext("Results, {period}", lang).format(period=name),
        "period_meta": gettext("figures of {period}", lang).format(period=inner),
        "period_head": capital(name),
        "checks_title": gettext("Checks against the targets, {period}", lang).format(
            period=name),
        "period_notes": [
            gettext(
                "{period}: counts added up from January, stocks and rates as they stand.",
                lang).format(period=capital(name)),
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
    name = capital(period_title(period, lang))

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
