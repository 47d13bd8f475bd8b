"""What a unit's page shows: where it sits in the organisation, its history across
changes of tree, and each indicator's figures and verdicts there, year by year.

Plain data in the reader's language, as `qnkpi.reporters._page` makes for the html
report; the site's templates turn it into HTML. The verdicts and marks are the html
report's own (`VERDICT_CSS`, `MARKS`, `status_word`), so a unit's page and the report's
grid never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qnkpi.i18n import assessment_word, format_value, level_title, status_word
from qnkpi.reporters._card import ASSESS_CSS
from qnkpi.reporters._grid import VERDICT_CSS
from qnkpi.reporters._present import HEADLINE_METHOD, MARKS
from qnkpi.verdicts import ASSESSMENT_STATUSES, VERDICTS, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import Result
    from qnkpi.spec.tree import UnitSpec

__all__ = ["Cell", "Link", "UnitPage", "UnitRow", "unit_pages"]


@dataclass(frozen=True)
class Link:
    """Another unit, named as it was (`code` links to its page)."""

    code: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class Cell:
    """One year of one indicator at the unit: the value as shown, its verdict."""

    text: str
    css: str
    mark: str
    word: str


@dataclass(frozen=True)
class UnitRow:
    """One indicator at the unit."""

    name: str
    title: str
    cells: list[Cell]
    goal: str
    goal_css: str


@dataclass(frozen=True)
class UnitPage:
    """Everything a unit's page shows."""

    code: str
    name: str
    level: str
    years: list[int]
    parents: list[Link]
    children: list[Link]
    predecessors: list[Link]
    successors: list[Link]
    names: list[str]
    rows: list[UnitRow]


def unit_pages(result: Result, lang: str) -> list[UnitPage]:
    """One page per unit of the tree, in the tree's order."""
    tree, spec = result.tree, result.spec
    latest = tree.latest_names(lang)
    years = [int(y) for y in tree.years]
    first = spec.programme.period.start
    shown = [c for c, y in enumerate(years) if first <= y <= result.as_of]
    successors: dict[str, list[tuple[str, str]]] = {}
    for unit in spec.org_units.units:
        for p in unit.predecessors:
            successors.setdefault(p.code, []).append((unit.code, _since(unit)))
    assessed = _goal_statuses(result)
    records: dict[str, list[UnitSpec]] = {}
    for unit in spec.org_units.units:
        records.setdefault(unit.code, []).append(unit)
    children: dict[int, list[int]] = {}
    kids, cols = np.nonzero(tree.parent >= 0)
    pairs = zip(kids.tolist(), tree.parent[kids, cols].tolist(), strict=True)
    for kid, parent in sorted(set(pairs)):
        children.setdefault(parent, []).append(kid)
    out = []
    for row, code in enumerate(tree.codes):
        valid = tree.valid[row]
        lived = [c for c in shown if valid[c]]  # a ward formed in 2025 has no 2023 column
        parents: list[Link] = []
        for c in shown:
            parent = int(tree.parent[row, c])
            if valid[c] and parent >= 0 and (not parents or parents[-1].code != tree.codes[parent]):
                parents.append(Link(tree.codes[parent], latest[parent], str(years[c])))
        own = records.get(code, [])
        predecessors = [Link(p.code, latest[tree.index[p.code]] if p.code in tree.index
                             else p.code, _since(r))
                        for r in own for p in r.predecessors]
        out.append(UnitPage(
            code=code, name=latest[row],
            level=level_title(spec.org_units, tree.levels[tree.level_of[row]], lang),
            years=[years[c] for c in lived], parents=parents,
            children=[Link(tree.codes[k], latest[k]) for k in children.get(row, [])],
            predecessors=predecessors,
            successors=[Link(s, latest[tree.index[s]], since)
                        for s, since in successors.get(code, []) if s in tree.index],
            names=_names(own, lang),
            rows=_rows(result, row, lived, lang, assessed)))
    return out


def _since(unit: UnitSpec) -> str:
    """The day a unit's record starts, or `""`."""
    return unit.valid_from.isoformat() if unit.valid_from is not None else ""


def _names(records: list[UnitSpec], lang: str) -> list[str]:
    """The unit's names through its life, oldest first, with their dates."""
    out = []
    for r in records:
        name = (r.name_en if lang == "en" else None) or r.name
        start, end = r.valid_from, r.valid_to
        span = f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"
        out.append(f"{name} ({span})" if start or end else name)
    return out if len(out) > 1 else []


def _goal_statuses(result: Result) -> dict[tuple[str, int], str]:
    """(indicator, row) -> the headline method's status toward the indicator's goal."""
    out: dict[tuple[str, int], str] = {}
    for a in result.assessments:
        if a.method != HEADLINE_METHOD:
            continue
        for k, row in enumerate(a.inputs.rows.tolist()):
            out.setdefault((a.indicator, row), ASSESSMENT_STATUSES[a.status[k]])
    return out


def _rows(result: Result, row: int, shown: list[int], lang: str,
          assessed: dict[tuple[str, int], str]) -> list[UnitRow]:
    """Each indicator with a value or a check at the unit in a year shown."""
    out = []
    for name, res in result.indicators.items():
        values = res.panel.value[row, shown]
        verdict = res.verdict[row, shown]
        if np.isnan(values).all() and not verdict.any():
            continue
        cells = []
        for value, code in zip(values.tolist(), verdict.tolist(), strict=True):
            v = Verdict(code)
            cells.append(Cell(format_value(value, res.indicator, lang) if value == value else "–",
                              VERDICT_CSS[v], MARKS[v],
                              status_word(VERDICTS[v], lang) if v else ""))
        goal = assessed.get((name, row), "")
        title = res.indicator.title.get(lang) if res.indicator.title else name
        out.append(UnitRow(name, title, cells,
                           assessment_word(goal, lang) if goal else "",
                           ASSESS_CSS.get(goal, "grey") if goal else ""))
    return out
