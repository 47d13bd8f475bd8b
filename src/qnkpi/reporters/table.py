"""`table`: the verdicts on a terminal, one grid of units x years per indicator.

Uses rich (imported only when this reporter runs): it measures wide characters such as
Vietnamese letters correctly, shrinks to the terminal, and drops colour when the output
is not a terminal.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, format_number, gettext, status_word
from qnkpi.reporters._present import (
    MARKS,
    apart,
    coverage_mark,
    goal_heading,
    ratio_text,
    shown_value,
    span,
    threshold_text,
)
from qnkpi.reporters._text import printable
from qnkpi.verdicts import AssessmentStatus, CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result

__all__ = ["TableReporter"]

#: The colour of each verdict's mark.
_COLOURS = {Verdict.MET: "green", Verdict.EXCEEDED: "green", Verdict.NOT_MET: "red",
            Verdict.NO_DATA: "yellow"}
#: The colour of each assessment status, in the order the summary counts them.
_STYLE = {AssessmentStatus.ACHIEVED: "green", AssessmentStatus.ON_TRACK: "green",
          AssessmentStatus.AT_RISK: "yellow", AssessmentStatus.OFF_TRACK: "red",
          AssessmentStatus.REGRESSING: "red", AssessmentStatus.INSUFFICIENT_DATA: "dim",
          AssessmentStatus.SUBSTANTIAL_PROGRESS: "green",
          AssessmentStatus.MODERATE_PROGRESS: "yellow",
          AssessmentStatus.LIMITED_PROGRESS: "yellow", AssessmentStatus.DETERIORATION: "red"}


class TableReporter:
    """A grid per indicator: rows are units with checks, columns are years; each cell
    shows the value and ✓ met, ✗ not met or · no data. The threshold goes in the column
    header when one threshold applies to the whole column, else in each cell."""

    suffix = ".txt"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Draw the report's tables for a terminal."""
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, emoji=False)
        prog = result.spec.programme
        console.print(Text(printable(prog.title.get(lang)), style="bold"))
        as_of = gettext("as of {year}", lang).format(year=result.as_of)
        restated = ""
        if result.restated_to is not None:
            restated = " · " + gettext("years before {year} restated on its tree",
                                        lang).format(year=result.restated_to)
        console.print(f"{prog.id} · {prog.period.start}-{prog.period.end} · {as_of}"
                      f"{restated}\n")
        tree = result.tree
        names = [printable(n) for n in tree.latest_names(lang)]  # shown as Text: no markup
        for name, res in result.indicators.items():
            assessed = bool(result.assessments_of(name))
            if not res.status.any() and not assessed:
                continue
            title = res.indicator.title.get(lang) if res.indicator.title else name
            console.print(Text.assemble((printable(title), "bold"), ("  " + name, "dim")))
            if res.status.any():
                self._grid(console, res, tree.years, names, lang)
            self._assessments(console, result, name, names, lang)
        s = result.summary()

        def n(count: int) -> str:
            return format_number(count, lang)

        counts: list[tuple[str, str] | str] = []
        for status in (CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA):
            code = Verdict(status)
            counts += [(f"{MARKS[code]} {status_word(status.key, lang)} {n(s[status.key])}",
                        _COLOURS[code]), "   "]
        console.print(Text.assemble(
            *counts, gettext("of {count} checks", lang).format(count=n(s["checks"]))))
        a = s["assessments"]
        if a["total"]:
            console.print(gettext("Toward the goals:", lang) + " " + "   ".join(
                f"{assessment_word(st.key, lang)} {n(a[st.key])}" for st in _STYLE
                if a[st.key])
                + "   " + gettext("of {count} assessments", lang).format(
                    count=n(a["total"])))
        console.print(Text(gettext("~ threshold interpolated between stated targets; "
                                   "* aspirational target (phấn đấu); [12/13] units that "
                                   "reported, of those expected", lang), style="dim"))

    def _grid(self, console: Any, res: IndicatorResult, years: Any,
              names: list[str], lang: str) -> None:
        from rich.table import Table
        from rich.text import Text

        cols = np.flatnonzero(res.status.any(axis=0)).tolist()
        rows = np.flatnonzero(res.status.any(axis=1)).tolist()
        table = Table(show_edge=False, pad_edge=False)
        table.add_column(gettext("unit", lang), max_width=28)
        in_cell = []
        for col in cols:
            heads = {threshold_text(res, r, col, lang) for r in rows if res.status[r, col]}
            shared = heads.pop() if len(heads) == 1 else None
            in_cell.append(shared is None)
            head = str(years[col]) + (f"\n{shared}" if shared else "")
            table.add_column(head, justify="right")
        for row in rows:
            cells: list[Text | str] = [Text(names[row])]
            for col, with_threshold in zip(cols, in_cell, strict=True):
                code = Verdict(res.verdict[row, col])
                if code == Verdict.NONE:
                    cells.append("")
                    continue
                text = f"{shown_value(res, row, col, lang)} {MARKS[code]}"
                if with_threshold:
                    text += f" ({threshold_text(res, row, col, lang)})"
                text += coverage_mark(res, row, col)
                cells.append(Text(text, style=_COLOURS[code]))
            table.add_row(*cells)
        console.print(table)
        console.print()

    def _assessments(self, console: Any, result: Result, name: str, names: list[str],
                     lang: str) -> None:
        for group in result.assessment_groups(name):  # one per goal
            self._goal(console, result, name, group, names, lang)

    @staticmethod
    def _goal(console: Any, result: Result, name: str, group: list[Assessment],
              names: list[str], lang: str) -> None:
        from rich.table import Table
        from rich.text import Text

        res = result.indicators[name]
        inputs = group[0].inputs

        def fmt(value: float) -> str:
            return apart(float(value), float(inputs.goal), res.indicator, lang)

        console.print(Text(goal_heading(res, group, lang), style="bold"))
        table = Table(show_edge=False, pad_edge=False)
        table.add_column(gettext("unit: baseline → current", lang), max_width=30)
        table.add_column(gettext("method", lang))
        table.add_column(gettext("status", lang))
        trend = group[0].goal_target is None  # its ratio is a growth rate
        table.add_column(gettext("growth/yr" if trend else "ratio", lang), justify="right")
        table.add_column(str(inputs.goal_year), justify="right")
        table.add_column(gettext("needed/yr", lang), justify="right")
        for k, row in enumerate(inputs.rows.tolist()):
            shown = span(inputs, k, fmt, lang)
            # the unit's name beside the first method, its numbers beside the second
            first = [Text(names[row]), Text(shown, style="dim")]
            if len(group) == 1:
                first = [Text(f"{names[row]}\n{shown}")]
            for m, a in enumerate(group):
                status = AssessmentStatus(a.status[k])
                need = a.required_annual_change[k] + 0.0  # no "-0.00"
                table.add_row(
                    first[m] if m < len(first) else "", Text(printable(a.method)),
                    Text(assessment_word(status.key, lang), style=_STYLE[status]),
                    ratio_text(a, k, lang),
                    "" if np.isnan(a.projected[k]) else fmt(a.projected[k]),
                    "" if m or np.isnan(need) else
                    ("+" if need >= 0 else "") + format_number(need, lang, 2),
                    end_section=m == len(group) - 1)
        console.print(table)
        console.print()
