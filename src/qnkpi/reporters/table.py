"""`table`: the verdicts on a terminal, one grid of units x years per indicator.

Uses rich (imported only when this reporter runs): it measures wide characters such as
Vietnamese letters correctly, shrinks to the terminal, and drops colour when the output
is not a terminal.
"""

from __future__ import annotations

import math
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, decimals_for, format_number, gettext
from qnkpi.i18n import format_value as _format
from qnkpi.reporters._text import printable
from qnkpi.verdicts import ASSESSMENT_STATUSES, OPS

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["TableReporter", "apart", "bound", "coverage_mark", "format_value", "shown_value",
           "threshold_text"]

_MARK = {1: ("✓", "green"), 2: ("✗", "red"), 3: ("·", "yellow")}
_STYLE = {"achieved": "green", "on_track": "green", "at_risk": "yellow", "off_track": "red",
          "regressing": "red", "insufficient_data": "dim"}


def format_value(value: float, ind: IndicatorSpec, decimals: int | None = None, *,
                 lang: str = "en") -> str:
    """A value rounded for reading (the comparison itself is never rounded): the
    indicator's `decimals`, else 1 for percentages, 0 for whole numbers, 2 otherwise;
    in `lang`'s number format (see [`format_value`][qnkpi.i18n.format_value])."""
    return _format(value, ind, lang, decimals)


def bound(value: float, lang: str = "en") -> str:
    """A threshold as read: up to two decimals, no trailing zeros (`55,71`, `100`)."""
    text = format_number(value, lang, 2)
    sep = "," if lang == "vi" else "."
    return text.rstrip("0").rstrip(sep) if sep in text else text


def threshold_text(res: IndicatorResult, row: int, col: int, lang: str = "en") -> str:
    """The threshold of a check as read: `>= 100`, `> 55,71 ~` (interpolated), `50–80`;
    `*` marks an aspirational target."""
    t = res.thresholds
    op = OPS[t.op[row, col]]
    marks = " ~" if t.interpolated[row, col] else ""
    if res.indicator.targets[int(t.target[row, col])].aspirational:
        marks += " *"
    if op == "between":
        return f"{bound(t.lo[row, col], lang)}–{bound(t.hi[row, col], lang)}{marks}"
    return f"{op} {bound(t.lo[row, col], lang)}{marks}"


def shown_value(res: IndicatorResult, row: int, col: int, lang: str = "en") -> str:
    """The value as read; if rounding would make a failed check look like it sits on
    its threshold (99.96 shown as 100.0 against ">= 100"), show more decimals."""
    value = float(res.panel.value[row, col])
    text = format_value(value, res.indicator, lang=lang)
    if res.status[row, col] == 2 and not math.isnan(value):
        limit = float(res.thresholds.lo[row, col])
        decimals = res.indicator.decimals
        decimals = decimals if decimals is not None else 1 if res.indicator.unit == "percent" else 0
        while decimals < 6 and round(value, decimals) == round(limit, decimals):
            decimals += 1
            text = format_value(value, res.indicator, decimals, lang=lang)
    return text


def apart(value: float, other: float, ind: IndicatorSpec, lang: str = "en") -> str:
    """`value` as read, with as many more decimals (up to 6) as it takes not to look
    like `other` when it is not: 99.98 beside a goal of 100 reads `99.98%`, not
    `100.0%`."""
    text = format_value(value, ind, lang=lang)
    if math.isnan(value) or value == other:
        return text
    decimals = ind.decimals if ind.decimals is not None else decimals_for(value, ind)
    while decimals < 6 and round(value, decimals) == round(other, decimals):
        decimals += 1
        text = format_value(value, ind, decimals, lang=lang)
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

        console.print(Text.assemble(
            (f"✓ {gettext('met', lang)} {n(s['met'])}", "green"), "   ",
            (f"✗ {gettext('not met', lang)} {n(s['not_met'])}", "red"), "   ",
            (f"· {gettext('no data', lang)} {n(s['no_data'])}", "yellow"),
            "   " + gettext("of {count} checks", lang).format(count=n(s["checks"]))))
        a = s["assessments"]
        if a["total"]:
            console.print(gettext("Toward the goals:", lang) + " " + "   ".join(
                f"{assessment_word(key, lang)} {n(a[key])}" for key in _STYLE if a[key])
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
                code = int(res.status[row, col])
                if not code:
                    cells.append("")
                    continue
                mark, style = _MARK[code]
                text = f"{shown_value(res, row, col, lang)} {mark}"
                if with_threshold:
                    text += f" ({threshold_text(res, row, col, lang)})"
                text += coverage_mark(res, row, col)
                cells.append(Text(text, style=style))
            table.add_row(*cells)
        console.print(table)
        console.print()

    def _assessments(self, console: Any, result: Result, name: str, names: list[str],
                     lang: str) -> None:
        from rich.table import Table
        from rich.text import Text

        group = result.assessments_of(name)
        if not group:
            return
        res = result.indicators[name]
        x = group[0].inputs
        target = res.indicator.targets[group[0].goal_target]

        def fmt(value: float) -> str:
            return apart(float(value), float(x.goal), res.indicator, lang)

        star = " *" if target.aspirational else ""
        goal = f"{target.op} {bound(x.goal, lang)}"
        console.print(Text(gettext("Toward the goal {goal} in {year}", lang).format(
            goal=goal, year=x.goal_year) + star, style="bold"))
        table = Table(show_edge=False, pad_edge=False)
        table.add_column(gettext("unit: baseline → current", lang), max_width=30)
        table.add_column(gettext("method", lang))
        table.add_column(gettext("status", lang))
        table.add_column(gettext("ratio", lang), justify="right")
        table.add_column(str(x.goal_year), justify="right")
        table.add_column(gettext("needed/yr", lang), justify="right")
        for k, row in enumerate(x.rows.tolist()):
            span = gettext("no data", lang)
            if not np.isnan(x.current[k]):
                span = f"{fmt(x.current[k])} ({int(x.current_year[k])})"
                if not np.isnan(x.baseline[k]):
                    span = f"{fmt(x.baseline[k])} ({int(x.baseline_year[k])}) → {span}"
            # the unit's name beside the first method, its numbers beside the second
            first = [Text(names[row]), Text(span, style="dim")]
            if len(group) == 1:
                first = [Text(f"{names[row]}\n{span}")]
            for m, a in enumerate(group):
                status = ASSESSMENT_STATUSES[a.status[k]]
                need = a.required_annual_change[k] + 0.0  # no "-0.00"
                table.add_row(
                    first[m] if m < len(first) else "", Text(printable(a.method)),
                    Text(assessment_word(status, lang), style=_STYLE[status]),
                    "" if np.isnan(a.ratio[k]) else format_number(a.ratio[k], lang, 2),
                    "" if np.isnan(a.projected[k]) else fmt(a.projected[k]),
                    "" if m or np.isnan(need) else
                    ("+" if need >= 0 else "") + format_number(need, lang, 2),
                    end_section=m == len(group) - 1)
        console.print(table)
        console.print()
