"""The unit x year grid of the html report, as plain data in the reader's language: a
row per unit that has a check, a column per year that has one, a cell per check (its
value, verdict, threshold and coverage), and the marks of honesty a reader needs: which
thresholds are a reference path interpolated between stated targets, and which cells
cannot be compared with the year before (the unit's tree changed in between)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import format_number, status_word
from qnkpi.reporters._present import shown_value, verdict_words
from qnkpi.reporters._terms import threshold_label
from qnkpi.verdicts import CheckStatus

if TYPE_CHECKING:
    import numpy.typing as npt

    from qnkpi.engine.result import IndicatorResult, Result

__all__ = ["COUNTED", "VERDICT_CSS", "Cell", "Count", "Grid", "GridRow", "Head", "grid"]

#: CSS class of each verdict code (0: no check).
VERDICT_CSS = ("none", "met", "not-met", "no-data", "exceeded", "not-due")
#: The check statuses a page counts, in order.
COUNTED = (CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA)
#: Grids with more rows than this start folded.
_OPEN_ROWS = 16


@dataclass(frozen=True)
class Count:
    """A status and how many have it, as shown: `Đạt 180`."""

    word: str
    count: str
    css: str


@dataclass(frozen=True)
class Cell:
    """One (unit, year) of a grid; `css` is `none` where nothing is checked. `brk`: the
    value cannot be compared with the unit's value of the year before (its tree
    changed in between)."""

    css: str
    value: str = ""
    word: str = ""
    threshold: str = ""
    coverage: str = ""
    brk: bool = False


@dataclass(frozen=True)
class Head:
    """A column's threshold when one applies to the whole column (`text` is `""`
    otherwise); `reference`: interpolated between stated targets, a reference path and
    not a figure of the plan."""

    text: str
    reference: bool = False


@dataclass(frozen=True)
class GridRow:
    """A unit's row of a grid; `depth` is its level (0 = top). `name` is the name in
    force in the row's last checked year; `earlier` the names it had in earlier checked
    years when they differ (`2023: Thị Đoàn Đông Triều`), else `""`."""

    name: str
    earlier: str
    depth: int
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    """The unit x year grid of one indicator; `heads` holds each column's threshold
    when one applies to the whole column (else it is in each cell); `breaks` whether
    some cell is marked not comparable with the year before."""

    years: list[int]
    heads: list[Head]
    rows: list[GridRow]
    open: bool
    counts: list[Count]
    breaks: bool = False


def grid(result: Result, res: IndicatorResult, lang: str,
         breaks: npt.NDArray[np.bool_] | None = None) -> Grid:
    """The unit x year grid of `res`: strings per checked cell, classes and verdicts by
    numpy. `breaks` (units x years, or None) marks the cells not comparable with the
    year before."""
    cols = np.flatnonzero(res.status.any(axis=0))
    rows = np.flatnonzero(res.status.any(axis=1))
    at = np.ix_(rows, cols)
    codes = res.status[at]
    checked = codes != CheckStatus.NONE
    verdicts = res.verdict[at]
    css = np.array(VERDICT_CSS, dtype=object)[verdicts]
    words = np.array(verdict_words(lang), dtype=object)[verdicts]
    cover = _coverage(res, rows, cols)
    marked = (np.zeros(codes.shape, dtype=bool) if breaks is None
              else breaks[at] & checked)
    interpolated = res.thresholds.interpolated[at]
    heads = []
    for j, col in enumerate(cols.tolist()):
        texts = {threshold_label(res, r, col, lang, result.period)
                 for r in rows[checked[:, j]].tolist()}
        shared = texts.pop() if len(texts) == 1 else ""
        heads.append(Head(shared, bool(shared) and bool(interpolated[checked[:, j], j].all())))
    names = names_in_force(result, rows, cols, checked, lang)
    depth = result.tree.level_of[rows].tolist()
    out = []
    for i, row in enumerate(rows.tolist()):
        cells = []
        for j, col in enumerate(cols.tolist()):
            if not checked[i, j]:
                cells.append(Cell("none"))
                continue
            cells.append(Cell(
                css=css[i, j], value=shown_value(res, row, col, lang), word=words[i, j],
                threshold="" if heads[j].text else threshold_label(res, row, col, lang,
                                                                   result.period),
                coverage=cover[i][j], brk=bool(marked[i, j])))
        out.append(GridRow(*names[i], depth=depth[i], cells=cells))
    counts = np.bincount(codes.ravel(), minlength=len(CheckStatus))
    shown = [Count(status_word(st.key, lang), format_number(int(counts[st]), lang),
                   VERDICT_CSS[st]) for st in COUNTED if counts[st]]
    return Grid(years=result.years[cols].tolist(), heads=heads, rows=out,
                open=len(rows) <= _OPEN_ROWS, counts=shown, breaks=bool(marked.any()))


def names_in_force(result: Result, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp],
           checked: npt.NDArray[np.bool_], lang: str) -> list[tuple[str, str]]:
    """Each row's name in force in its last checked year, and its earlier names in the
    checked years where they differ (`2023: Thị Đoàn Đông Triều`): a row's figures read
    under the name the unit had that year."""
    years = result.years[cols].tolist()
    every = np.array(result.tree.unit_names(np.repeat(rows, len(cols)),
                                            np.tile(cols, len(rows)), lang),
                     dtype=object).reshape(len(rows), len(cols))
    out = []
    for i in range(len(rows)):
        at = np.flatnonzero(checked[i])
        last = str(every[i, at[-1]]) if len(at) else str(every[i, -1])
        seen: dict[str, list[int]] = {}
        for j in at.tolist():
            seen.setdefault(str(every[i, j]), []).append(years[j])
        earlier = "; ".join(f"{_years(seen[name])}: {name}" for name in seen if name != last)
        out.append((last, earlier))
    return out


def _years(years: list[int]) -> str:
    """`2023` or `2023–2024`."""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


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
