"""``table``: the verdicts on a terminal, one grid of units x years per indicator.

Uses rich (imported only when this reporter runs): it measures wide characters such as
Vietnamese letters correctly, shrinks to the terminal, and drops colour when the output
is not a terminal.
"""

from __future__ import annotations

import math
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.assess.base import ASSESSMENT_STATUSES
from qnkpi.engine.compare import OPS

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["TableReporter", "format_value"]

_MARK = {1: ("✓", "green"), 2: ("✗", "red"), 3: ("·", "yellow")}
_ASSESSED = {
    "achieved": ("achieved", "green"),
    "on_track": ("on track", "green"),
    "at_risk": ("at risk", "yellow"),
    "off_track": ("off track", "red"),
    "regressing": ("regressing", "red"),
    "insufficient_data": ("too little data", "dim"),
}


def format_value(value: float, ind: IndicatorSpec, decimals: int | None = None) -> str:
    """A value rounded for reading (the comparison itself is never rounded): the
    indicator's ``decimals``, else 1 for percentages, 0 for whole numbers, 2 otherwise."""
    if math.isnan(value):
        return "–"
    if decimals is None:
        decimals = ind.decimals
    if decimals is None:
        whole = ind.unit != "percent" and float(value).is_integer()
        decimals = 0 if whole else 1 if ind.unit == "percent" else 2
    return f"{value:,.{decimals}f}" + ("%" if ind.unit == "percent" else "")


def _bound(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _threshold(res: IndicatorResult, row: int, col: int) -> str:
    t = res.thresholds
    op = OPS[t.op[row, col]]
    marks = " ~" if t.interpolated[row, col] else ""
    if res.spec.targets[int(t.target[row, col])].aspirational:
        marks += " *"
    if op == "between":
        return f"{_bound(t.lo[row, col])}–{_bound(t.hi[row, col])}{marks}"
    return f"{op} {_bound(t.lo[row, col])}{marks}"


def _value(res: IndicatorResult, row: int, col: int) -> str:
    """The value as read; if rounding would make a failed check look like it sits on
    its threshold (99.96 shown as 100.0 against ">= 100"), show more decimals."""
    value = float(res.panel.value[row, col])
    text = format_value(value, res.spec)
    if res.status[row, col] == 2 and not math.isnan(value):
        bound = float(res.thresholds.lo[row, col])
        decimals = res.spec.decimals
        decimals = decimals if decimals is not None else 1 if res.spec.unit == "percent" else 0
        while decimals < 6 and round(value, decimals) == round(bound, decimals):
            decimals += 1
            text = format_value(value, res.spec, decimals)
    return text


def _coverage(res: IndicatorResult, row: int, col: int) -> str:
    """`` [12/13]`` for an aggregate some of whose units did not report, else ``""``."""
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
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, emoji=False)
        prog = result.spec.programme
        console.print(Text(prog.title.get(lang), style="bold"))
        console.print(f"{prog.id} · {prog.period.start}-{prog.period.end} · as of "
                      f"{result.as_of}\n")
        tree = result.tree
        names = tree.latest_names(lang)
        for name, res in result.indicators.items():
            assessed = any(a.indicator == name and len(a.inputs.rows)
                           for a in result.assessments)
            if not res.status.any() and not assessed:
                continue
            title = res.spec.title.get(lang) if res.spec.title else name
            console.print(Text.assemble((title, "bold"), ("  " + name, "dim")))
            if res.status.any():
                self._grid(console, res, tree.years, names)
            self._assessments(console, result, name, names)
        s = result.summary()
        console.print(Text.assemble(
            (f"✓ met {s['met']}", "green"), "   ", (f"✗ not met {s['not_met']}", "red"),
            "   ", (f"· no data {s['no_data']}", "yellow"), f"   of {s['checks']} checks"))
        a = s["assessments"]
        if a["total"]:
            console.print("Toward the goals: " + "   ".join(
                f"{word} {a[key]}" for key, (word, _) in _ASSESSED.items() if a[key])
                + f"   of {a['total']} assessments")
        console.print(Text("~ threshold interpolated between stated targets; "
                           "* aspirational target (phấn đấu); [12/13] units that reported, "
                           "of those expected", style="dim"))

    def _grid(self, console: Any, res: IndicatorResult, years: Any,
              names: list[str]) -> None:
        from rich.table import Table
        from rich.text import Text

        cols = np.flatnonzero(res.status.any(axis=0)).tolist()
        rows = np.flatnonzero(res.status.any(axis=1)).tolist()
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("unit", max_width=28)
        in_cell = []
        for col in cols:
            heads = {_threshold(res, r, col) for r in rows if res.status[r, col]}
            shared = heads.pop() if len(heads) == 1 else None
            in_cell.append(shared is None)
            head = str(years[col]) + (f"\n{shared}" if shared else "")
            table.add_column(head, justify="right")
        for row in rows:
            cells: list[Text | str] = [names[row]]
            for col, with_threshold in zip(cols, in_cell, strict=True):
                code = int(res.status[row, col])
                if not code:
                    cells.append("")
                    continue
                mark, style = _MARK[code]
                text = f"{_value(res, row, col)} {mark}"
                if with_threshold:
                    text += f" ({_threshold(res, row, col)})"
                text += _coverage(res, row, col)
                cells.append(Text(text, style=style))
            table.add_row(*cells)
        console.print(table)
        console.print()

    def _assessments(self, console: Any, result: Result, name: str, names: list[str]) -> None:
        from rich.table import Table
        from rich.text import Text

        group = [a for a in result.assessments if a.indicator == name]
        if not group or not len(group[0].inputs.rows):
            return
        res = result.indicators[name]
        x = group[0].inputs
        target = res.spec.targets[group[0].goal_target]

        def fmt(value: float) -> str:
            return format_value(float(value), res.spec)

        star = " *" if target.aspirational else ""
        console.print(Text(f"Toward the goal {target.op} {_bound(x.goal)} in {x.goal_year}"
                           f"{star}", style="bold"))
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("unit: baseline → current", max_width=30)
        table.add_column("method")
        table.add_column("status")
        table.add_column("ratio", justify="right")
        table.add_column(str(x.goal_year), justify="right")
        table.add_column("needed/yr", justify="right")
        for k, row in enumerate(x.rows.tolist()):
            span = "no data"
            if not np.isnan(x.current[k]):
                span = f"{fmt(x.current[k])} ({int(x.current_year[k])})"
                if not np.isnan(x.baseline[k]):
                    span = f"{fmt(x.baseline[k])} ({int(x.baseline_year[k])}) → {span}"
            # the unit's name beside the first method, its numbers beside the second
            first = [names[row], Text(span, style="dim")]
            if len(group) == 1:
                first = [f"{names[row]}\n{span}"]
            for m, a in enumerate(group):
                word, style = _ASSESSED[ASSESSMENT_STATUSES[a.status[k]]]
                need = a.required_annual_change[k]
                table.add_row(
                    first[m] if m < len(first) else "", a.method, Text(word, style=style),
                    "" if np.isnan(a.ratio[k]) else f"{a.ratio[k]:.2f}",
                    "" if np.isnan(a.projected[k]) else fmt(a.projected[k]),
                    "" if m or np.isnan(need) else f"{need:+,.2f}",
                    end_section=m == len(group) - 1)
        console.print(table)
        console.print()
