"""``table``: the verdicts on a terminal, one grid of units x years per indicator.

Uses rich (imported only when this reporter runs): it measures wide characters such as
Vietnamese letters correctly, shrinks to the terminal, and drops colour when the output
is not a terminal.
"""

from __future__ import annotations

import math
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.engine.compare import OPS

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["TableReporter", "format_value"]

_MARK = {1: ("✓", "green"), 2: ("✗", "red"), 3: ("·", "yellow")}


def format_value(value: float, ind: IndicatorSpec) -> str:
    """A value rounded for reading (the comparison itself is never rounded)."""
    if math.isnan(value):
        return "–"
    decimals = ind.decimals
    if decimals is None:
        decimals = 0 if ind.unit != "percent" and float(value).is_integer() else (
            1 if ind.unit == "percent" else 2)
    text = f"{value:,.{decimals}f}"
    return text + ("%" if ind.unit == "percent" else "")


def _bound(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _threshold(res: IndicatorResult, row: int, col: int) -> str:
    t = res.thresholds
    op = OPS[t.op[row, col]]
    if op == "between":
        return f"{_bound(t.lo[row, col])}–{_bound(t.hi[row, col])}"
    return f"{op} {_bound(t.lo[row, col])}"


def _cell(res: IndicatorResult, row: int, col: int) -> str:
    """The value as read; if rounding would make a failed check look like it sits on
    its threshold (99.96 shown as 100.0 against ">= 100"), show more decimals."""
    value = res.panel.value[row, col]
    text = format_value(value, res.spec)
    if res.status[row, col] == 2 and not math.isnan(value):
        bound = float(res.thresholds.lo[row, col])
        decimals = res.spec.decimals or (1 if res.spec.unit == "percent" else 0)
        while decimals < 6 and round(float(value), decimals) == round(bound, decimals):
            decimals += 1
            text = format_value(value, res.spec.model_copy(update={"decimals": decimals}))
    return text


class TableReporter:
    """A grid per indicator: rows are units with checks, columns are years; each cell
    shows the value and ✓ met, ✗ not met or · no data. Thresholds go in the column
    header when one threshold applies to the whole column."""

    suffix = ".txt"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = Console(file=stream, highlight=False, emoji=False)
        prog = result.spec.programme
        console.print(Text(prog.title.get(lang), style="bold"))
        console.print(f"{prog.id} · {prog.period.start}-{prog.period.end} · as of "
                      f"{result.as_of}\n")
        tree = result.tree
        for name, res in result.indicators.items():
            cols = np.flatnonzero(res.status.any(axis=0)).tolist()
            rows = np.flatnonzero(res.status.any(axis=1)).tolist()
            if not cols:
                continue
            title = res.spec.title.get(lang) if res.spec.title else name
            console.print(Text.assemble((title, "bold"), ("  " + name, "dim")))
            table = Table(show_edge=False, pad_edge=False)
            table.add_column("unit", no_wrap=False, max_width=28)
            for col in cols:
                heads = {_threshold(res, r, col) for r in rows if res.status[r, col]}
                head = str(tree.years[col])
                if len(heads) == 1:
                    flags = _flags(res, rows, col)
                    head += f"\n{heads.pop()}{flags}"
                table.add_column(head, justify="right")
            for row in rows:
                cells: list[Text | str] = [tree.names[row]]
                for col in cols:
                    code = int(res.status[row, col])
                    if not code:
                        cells.append("")
                        continue
                    mark, style = _MARK[code]
                    cells.append(Text(f"{_cell(res, row, col)} {mark}", style=style))
                table.add_row(*cells)
            console.print(table)
            console.print()
        s = result.summary()
        console.print(Text.assemble(
            (f"✓ met {s['met']}", "green"), "   ", (f"✗ not met {s['not_met']}", "red"),
            "   ", (f"· no data {s['no_data']}", "yellow"), f"   of {s['checks']} checks"))
        console.print(Text("~ threshold interpolated between stated targets   "
                           "* aspirational target (phấn đấu)", style="dim"))


def _flags(res: IndicatorResult, rows: list[int], col: int) -> str:
    targets = {int(res.thresholds.target[r, col]) for r in rows if res.status[r, col]}
    out = ""
    if any(res.thresholds.interpolated[r, col] for r in rows if res.status[r, col]):
        out += " ~"
    if any(res.spec.targets[i].aspirational for i in targets):
        out += " *"
    return out
