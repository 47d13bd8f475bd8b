"""`table`: the verdicts on a terminal.

By default one screen: a row per indicator for the top unit in the latest year (its
threshold, value and verdict, how many units below it met, did not meet or have no
data, and how it stands toward the goal), grouped by the spec's objectives, then the
summary. With the `detail` option (`--detail`), a grid of units x years per indicator
and each unit's progress toward the goal.

Uses rich (imported only when this reporter runs): it measures wide characters such as
Vietnamese letters correctly, shrinks to the terminal, and drops colour when the output
is not a terminal.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.engine.baselines import RESTATED
from qnkpi.i18n import assessment_word, format_number, gettext, status_word
from qnkpi.reporters._grid import VERDICT_CSS, grid
from qnkpi.reporters._overview import Overview, OverviewRow, overview
from qnkpi.reporters._present import MARKS, apart, ratio_text, span
from qnkpi.reporters._terms import (
    BREAK_LEGEND,
    DUE_LEGEND,
    column_title,
    goal_heading,
    headline_lines,
    method_title,
    needed_text,
    period_name,
    year_title,
)
from qnkpi.reporters._text import printable
from qnkpi.verdicts import AssessmentStatus, CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result

__all__ = ["TableReporter"]

#: The colour of each verdict's mark.
_COLOURS = {Verdict.MET: "green", Verdict.EXCEEDED: "green", Verdict.NOT_MET: "red",
            Verdict.NO_DATA: "yellow", Verdict.NOT_DUE: "blue", Verdict.NONE: ""}
#: The colour of each assessment status (a status not named here is not coloured).
_STYLE = {AssessmentStatus.ACHIEVED: "green", AssessmentStatus.ON_TRACK: "green",
          AssessmentStatus.AT_RISK: "yellow", AssessmentStatus.OFF_TRACK: "red",
          AssessmentStatus.REGRESSING: "red", AssessmentStatus.INSUFFICIENT_DATA: "dim",
          AssessmentStatus.SUBSTANTIAL_PROGRESS: "green",
          AssessmentStatus.MODERATE_PROGRESS: "yellow",
          AssessmentStatus.LIMITED_PROGRESS: "yellow", AssessmentStatus.DETERIORATION: "red",
          AssessmentStatus.OVERDUE: "red", AssessmentStatus.MET_EVERY_YEAR: "green",
          AssessmentStatus.MET_THIS_YEAR: "yellow"}


def _style(status: AssessmentStatus) -> str:
    return _STYLE.get(status, "")


class TableReporter:
    """The verdicts for a terminal: one table for the top unit by default, a grid per
    indicator with every unit with `detail`."""

    suffix = ".txt"
    binary = False
    options = ("detail",)

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en",
              detail: bool = False) -> None:
        """Draw the report for a terminal.

        Args:
            result: The evaluation's result.
            stream: A text stream.
            lang: `"vi"` or `"en"`.
            detail: A grid of units x years per indicator and each unit's progress,
                instead of the one-screen overview of the top unit.
        """
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, emoji=False)
        prog = result.spec.programme
        console.print(Text(printable(prog.title.get(lang)), style="bold"))
        as_of = gettext("as of {year}", lang).format(year=result.as_of)
        if result.period is not None:
            as_of = gettext("figures for {period}", lang).format(
                period=period_name(result.period, lang))
        restated = ""
        if result.restated_to is not None:
            restated = " · " + gettext("years before {year} restated on its tree",
                                        lang).format(year=result.restated_to)
        console.print(Text(f"{printable(prog.id)} · {prog.period.start}-{prog.period.end}"
                           f" · {as_of}{restated}\n"))
        breaks = False
        if detail:
            breaks = self._detail(console, result, lang)
        else:
            _overview(console, overview(result, lang), lang)
        self._summary(console, result, lang, detail=detail, breaks=breaks)

    def _detail(self, console: Any, result: Result, lang: str) -> bool:
        """A grid per indicator and each unit's progress, grouped by objective; whether
        some value is marked not comparable with the year before."""
        from rich.text import Text

        names = [printable(n) for n in result.tree.latest_names(lang)]  # shown as Text
        spec = result.spec
        breaks = False
        for key, group in spec.objective_groups():
            shown = [n for n in group if n in result.indicators
                     and (result.indicators[n].status.any() or result.assessments_of(n))]
            if not shown:
                continue
            if spec.objectives:
                title = (spec.objectives[key].title.get(lang) if key is not None
                         else gettext("Other tasks", lang))
                console.print(Text(printable(title), style="bold underline"))
                console.print()
            for name in shown:
                res = result.indicators[name]
                title = res.indicator.title.get(lang) if res.indicator.title else name
                console.print(Text.assemble((printable(title), "bold"),
                                            ("  " + printable(name), "dim")))
                if res.status.any():
                    breaks = _grid(console, result, res, lang) or breaks
                for goal in result.assessment_groups(name):  # one per goal
                    _goal(console, result, name, goal, names, lang)
        return breaks

    @staticmethod
    def _summary(console: Any, result: Result, lang: str, *, detail: bool,
                 breaks: bool) -> None:
        """The headline (per year, how many of the top unit's targets were met), the
        counts of checks and assessments, and the legend."""
        from rich.text import Text

        def n(count: int) -> str:
            return format_number(count, lang)

        for line in headline_lines(result, lang):
            console.print(Text(line, style="bold"))
        s = result.summary()
        counts: list[tuple[str, str] | str] = []
        statuses = [CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA]
        if "not_due" in s:  # part-way through a year
            statuses.append(CheckStatus.NOT_DUE)
        for status in statuses:
            code = Verdict(status)
            counts += [(f"{MARKS[code]} {status_word(status.key, lang)} {n(s[status.key])}",
                        _COLOURS[code]), "   "]
        console.print(Text.assemble(
            gettext("All units:", lang) + " ", *counts,
            gettext("of {count} checks", lang).format(count=n(s["checks"]))))
        a = s["assessments"]
        if a["total"]:
            console.print(gettext("Toward the goals:", lang) + " " + "   ".join(
                f"{assessment_word(st.key, lang)} {n(a[st.key])}" for st in AssessmentStatus
                if st and a[st.key])
                + "   " + gettext("of {count} assessments", lang).format(
                    count=n(a["total"])))
        legend = gettext("~ reference path: a threshold interpolated between two stated "
                         "targets, not a figure of the plan; * aspirational target (phấn "
                         "đấu)", lang)
        legend += "; " + gettext("[12/13] units that reported, of those expected", lang)
        if breaks:
            legend += "; " + gettext(BREAK_LEGEND, lang)
        period = result.period
        if period is not None:
            legend += "; " + gettext(DUE_LEGEND, lang)
            if detail:  # the grids' column of the year so far
                legend += "; " + gettext("{column}: figures for {period}", lang).format(
                    column=column_title(period, lang), period=period_name(period, lang))
        if not detail and period is None:
            legend += "; " + gettext("units ✓/✗/·: the units below the top one that met, "
                                     "did not meet, have no data; every unit: --detail",
                                     lang)
        elif not detail:
            legend += "; " + gettext("units ✓/✗/·/○: the units below the top one that met, "
                                     "did not meet, have no data, are judged at year end; "
                                     "every unit: --detail", lang)
        console.print(Text(legend, style="dim"))


def _overview(console: Any, view: Overview, lang: str) -> None:
    """The overview: under each objective, each indicator's title on its own lines
    (the full width of the terminal), and beneath it the top unit's numbers in columns
    aligned from the first indicator to the last (their header printed once)."""
    from rich.cells import cell_len
    from rich.text import Text

    if view.unit and view.period is not None:
        console.print(Text(gettext("Results for {period}: {unit}", lang).format(
            unit=printable(view.unit), period=period_name(view.period, lang)), style="bold"))
    elif view.unit:
        console.print(Text(gettext("Results of {unit} in {year}", lang).format(
            unit=printable(view.unit), year=view.year), style="bold"))
    units = "Units ✓/✗/·" if view.period is None else "Units ✓/✗/·/○"
    heads = [gettext("Target", lang), gettext("Actual", lang), gettext("Result", lang),
             gettext(units, lang), gettext("Goal", lang), gettext("Progress", lang)]
    cells = {id(row): _cells(row, lang) for _, rows in view.groups for row in rows}
    widths = [max([6, *(cell_len(c[i].plain) for c in cells.values())])
              for i in range(len(heads))]
    room = console.width - _INDENT - _GAP * (len(heads) - 1) - sum(widths[:-1])
    widths[-1] = max(8, min(widths[-1], room))  # the last column wraps on a narrow screen
    console.print(_line([Text(h) for h in heads], widths, style="bold", wrap=True))
    for title, rows in view.groups:
        if title is not None:
            console.print(Text(printable(title), style="bold underline"))
        for row in rows:
            console.print(Text(printable(row.title)))
            console.print(_line(cells[id(row)], widths))
        console.print()


#: How far the numbers of an indicator are indented under its title, and the space
#: between two columns.
_INDENT, _GAP = 2, 1


def _cells(row: OverviewRow, lang: str) -> list[Any]:
    """An overview row's cells: threshold, value, verdict, units, goal, progress."""
    from rich.text import Text

    verdict = Text()
    if row.verdict != Verdict.NONE:
        verdict = Text(f"{MARKS[row.verdict]} {status_word(row.verdict.key, lang)}",
                       style=_COLOURS[row.verdict])
    units = "/".join(format_number(c, lang) for c in row.units) if row.units else ""
    progress = Text()
    if row.progress:
        first, *others = row.progress
        progress.append(assessment_word(first.key, lang), style=_style(first))
        for other in others:
            if other != first:  # the methods disagree: both, the headline first
                progress.append(" / " + assessment_word(other.key, lang), style=_style(other))
    return [Text(row.threshold), Text(row.value), verdict, Text(units), Text(row.goal),
            progress]


def _line(cells: list[Any], widths: list[int], style: str = "", wrap: bool = False) -> Any:
    """One line of the overview's columns (a table without borders, fixed widths, so
    that every indicator's line lines up with the header); with `wrap`, every cell may
    wrap (a header), else only the last."""
    from rich.table import Table

    table = Table.grid(padding=(0, _GAP), pad_edge=False)
    table.add_column(width=_INDENT - _GAP)
    for i, width in enumerate(widths):
        table.add_column(width=width, justify="right" if i in (0, 1, 3) else "left",
                         no_wrap=not wrap and i < len(widths) - 1)
    table.add_row("", *cells, style=style)
    return table


def _grid(console: Any, result: Result, res: IndicatorResult, lang: str) -> bool:
    """An indicator's units x years: each cell its value and mark, the threshold in the
    column's header when one applies to the whole column, else in each cell; `‖` before
    a value not comparable with the year before. Returns whether some cell has `‖`."""
    from rich.table import Table
    from rich.text import Text

    view = grid(result, res, lang, result.comparable(res.name) == 0)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(gettext("unit", lang), max_width=28)
    for year, head in zip(view.years, view.heads, strict=True):
        table.add_column(year_title(result, year, lang)
                         + (f"\n{head.text}" if head.text else ""),
                         justify="right")
    for row in view.rows:
        name = row.name + (f" ({row.earlier})" if row.earlier else "")
        cells: list[Text | str] = [Text(printable(name))]
        for cell in row.cells:
            if cell.css == "none":
                cells.append("")
                continue
            code = Verdict(VERDICT_CSS.index(cell.css))
            text = ("‖ " if cell.brk else "") + f"{cell.value} {MARKS[code]}"
            if cell.threshold:
                text += f" ({cell.threshold})"
            if cell.coverage:
                text += f" {cell.coverage}"
            cells.append(Text(text, style=_COLOURS[code]))
        table.add_row(*cells)
    console.print(table)
    console.print()
    return view.breaks


def _goal(console: Any, result: Result, name: str, group: list[Assessment],
          names: list[str], lang: str) -> None:
    """Each assessed unit's progress toward one goal, a row per method."""
    from rich.table import Table
    from rich.text import Text

    res = result.indicators[name]
    inputs = group[0].inputs

    def fmt(value: float) -> str:
        return apart(float(value), float(inputs.goal), res.indicator, lang)

    trend = group[0].goal_target is None  # its ratio is a growth rate
    console.print(Text(goal_heading(res, group, lang), style="bold"))
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(gettext("unit: base year → current", lang), max_width=30)
    table.add_column(gettext("method", lang), max_width=16)
    table.add_column(gettext("status", lang))
    table.add_column(gettext("growth/yr" if trend else "progress factor", lang),
                     justify="right")
    table.add_column(gettext("projected {year}", lang).format(year=inputs.goal_year),
                     justify="right")
    table.add_column(gettext("change needed/yr", lang), justify="right")
    for k, row in enumerate(inputs.rows.tolist()):
        basis = group[0].baseline_basis
        shown = span(inputs, k, fmt, lang, restated=basis is not None and basis[k] == RESTATED,
                     period=result.period)
        # the unit's name beside the first method, its numbers beside the second
        first = [Text(names[row]), Text(shown, style="dim")]
        if len(group) == 1:
            first = [Text(f"{names[row]}\n{shown}")]
        for m, a in enumerate(group):
            status = AssessmentStatus(a.status[k])
            table.add_row(
                first[m] if m < len(first) else "", Text(method_title(a.method, lang, short=True)),
                Text(assessment_word(status.key, lang), style=_style(status)),
                ratio_text(a, k, lang),
                "" if np.isnan(a.projected[k]) else fmt(a.projected[k]),
                "" if m else needed_text(float(a.required_annual_change[k]),
                                         res.indicator, lang),
                end_section=m == len(group) - 1)
    console.print(table)
    console.print()
