"""Checks of the organisation a spec describes, which its models alone cannot make: levels
listed once and used as declared, one record of a code at a time, parents that exist
above their units while they do, a top unit, no circle of parents or of predecessors,
and predecessors' weights that are shares.

They run on a spec's org units (through `qnkpi.spec.checks`) and on an org-units
document on its own (`qnkpi org-units`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from qnkpi.errors import Problem, did_you_mean
from qnkpi.spec._yaml import Located
from qnkpi.spec.tree import OrgUnitsSpec, UnitSpec

__all__ = ["check_org_units", "org_unit_problems"]


class _HasOrgUnits(Protocol):
    """What the org-unit checks read: the units, and where to point a problem."""

    @property
    def org_units(self) -> OrgUnitsSpec: ...

    def problem(self, path: tuple[str | int, ...], message: str, *,
                severity: str = "error") -> Problem: ...


@dataclass(frozen=True)
class _OrgUnitsFile:
    """An org-units document on its own (`qnkpi org-units`), checked as a spec's."""

    org_units: OrgUnitsSpec
    located: Located

    def problem(self, path: tuple[str | int, ...], message: str, *,
                severity: str = "error") -> Problem:
        return self.located.problem(path[1:], message, severity=severity)


def check_org_units(org: OrgUnitsSpec, located: Located) -> list[Problem]:
    """The checks a spec's org units get (levels, parents, records, lineage), for an
    org-units document `located` on its own; problems point into it."""
    return list(org_unit_problems(_OrgUnitsFile(org, located)))


def org_unit_problems(spec: _HasOrgUnits) -> Iterator[Problem]:
    """The problems of the org units of `spec`: levels, records of a code, parents (and
    their times), a top unit, no circle, lineage."""
    org = spec.org_units
    levels: dict[str, int] = {}
    for i, name in enumerate(org.levels):
        levels.setdefault(name, i)
    if len(levels) != len(org.levels):
        yield spec.problem(("org_units", "levels"), "a level is listed twice")
    for level in org.level_titles:
        if level not in levels:
            yield spec.problem(("org_units", "level_titles", level), f"a title for "
                               f"'{level}', which is not a level{did_you_mean(level, levels)}")
    records: dict[str, list[int]] = {}
    for i, unit in enumerate(org.units):
        here = ("org_units", "units", i)
        records.setdefault(unit.code, []).append(i)
        if unit.level not in levels:
            yield spec.problem((*here, "level"), f"unknown level '{unit.level}'"
                               f"{did_you_mean(unit.level, levels)}; levels: "
                               f"{', '.join(org.levels)}")
    yield from _records(spec, records)
    misplaced = False
    for i, unit in enumerate(org.units):
        if unit.parent is None:
            continue
        at = ("org_units", "units", i, "parent")
        if unit.parent not in records:
            others = [code for code in records if code != unit.code]  # never itself
            yield spec.problem(at, f"parent '{unit.parent}' of unit '{unit.code}' is not a "
                               f"unit{did_you_mean(unit.parent, others)}; add the parent to "
                               "the org units, or correct the code")
            continue
        parent = org.units[records[unit.parent][0]]
        if (unit.level in levels and parent.level in levels
                and levels[parent.level] >= levels[unit.level]):
            misplaced = True
            yield spec.problem(at, f"parent '{parent.code}' ({parent.level}) is not above "
                               f"unit '{unit.code}' ({unit.level}) in the levels "
                               f"{list(org.levels)}")
            continue
        gap = _uncovered(_span(unit), [_span(org.units[j]) for j in records[unit.parent]])
        if gap is not None:
            yield spec.problem(at, f"parent '{unit.parent}' of unit '{unit.code}' does not "
                               f"exist on {gap}, while the unit does; align the units' "
                               "valid_from/valid_to, or give the unit another parent for "
                               "that time (a second record of the unit)")
    if all(unit.parent is not None for unit in org.units):
        yield spec.problem(("org_units", "units"), "no top unit: one unit must have no parent")
    if not misplaced:  # with every parent above its child, a circle is left only by bad levels
        yield from _parent_cycles(spec)
    yield from _lineage(spec, records)


def _span(unit: UnitSpec) -> tuple[dt.date, dt.date]:
    return unit.valid_from or dt.date.min, unit.valid_to or dt.date.max


def _uncovered(span: tuple[dt.date, dt.date],
               cover: list[tuple[dt.date, dt.date]]) -> dt.date | None:
    """The first day of `span` that no interval of `cover` contains, or None."""
    day, end = span
    for lo, hi in sorted(cover):
        if lo > day:
            return day
        if hi >= day:
            if hi >= end:
                return None
            day = hi + dt.timedelta(days=1)
    return day


def _records(spec: _HasOrgUnits, records: dict[str, list[int]]) -> Iterator[Problem]:
    """The records of one code: one level, and lives that do not overlap."""
    units = spec.org_units.units
    for code, rows in records.items():
        if len(rows) < 2:
            continue
        first = units[rows[0]]
        spans = sorted((_span(units[i]), i) for i in rows)
        for ((_, hi), i), ((lo, _), j) in itertools.pairwise(spans):
            if lo <= hi:
                when = "from the start" if lo == dt.date.min else f"on {lo}"
                yield spec.problem(
                    ("org_units", "units", max(i, j), "code"),
                    f"unit code '{code}' is used by units #{min(i, j) + 1} and "
                    f"#{max(i, j) + 1}, both in force {when}; a code names one unit at a "
                    "time: give the records valid_from/valid_to that do not overlap, or "
                    "another code")
        for i in rows[1:]:
            if units[i].level != first.level:
                yield spec.problem(
                    ("org_units", "units", i, "level"),
                    f"unit code '{code}' is at level '{units[i].level}' here and "
                    f"'{first.level}' in unit #{rows[0] + 1}; a unit keeps its level: one that "
                    "moves to another level is a new unit, with a new code and the old one "
                    "among its predecessors")


def _parent_cycles(spec: _HasOrgUnits) -> Iterator[Problem]:
    parents: dict[str, set[str]] = {}
    where: dict[str, int] = {}
    for i, unit in enumerate(spec.org_units.units):
        if unit.parent is not None:
            parents.setdefault(unit.code, set()).add(unit.parent)
            where.setdefault(unit.code, i)
    cycle = _find_cycle(parents)
    if cycle:
        yield spec.problem(("org_units", "units", where[cycle[0]], "parent"),
                           f"units are their own ancestors: {' -> '.join(cycle)}; "
                           "a parent is above its children")


def _lineage(spec: _HasOrgUnits, records: dict[str, list[int]]) -> Iterator[Problem]:
    """Predecessors exist, came before, form no circle; weights are shares of them."""
    units = spec.org_units.units
    given: dict[str, float] = {}
    givers: dict[str, list[str]] = {}
    edges: dict[str, set[str]] = {}
    for i, unit in enumerate(units):
        for j, pred in enumerate(unit.predecessors):
            at = ("org_units", "units", i, "predecessors", j)
            if pred.code not in records:
                yield spec.problem(at, f"predecessor '{pred.code}' of unit '{unit.code}' "
                                   f"never existed: it is not a unit"
                                   f"{did_you_mean(pred.code, records)}; list the old unit "
                                   "too, with its valid_to")
                continue
            if pred.code == unit.code:
                yield spec.problem(at, f"unit '{unit.code}' is its own predecessor")
                continue
            edges.setdefault(unit.code, set()).add(pred.code)
            born = min(_span(units[k])[0] for k in records[pred.code])
            if unit.valid_from is not None and born >= unit.valid_from:
                yield spec.problem(at, f"predecessor '{pred.code}' of unit '{unit.code}' "
                                   f"begins on or after it ({born} >= {unit.valid_from})",
                                   severity="warning")
            if pred.weight is not None:
                given[pred.code] = given.get(pred.code, 0.0) + pred.weight
                givers.setdefault(pred.code, []).append(unit.code)
    for code, total in given.items():
        if total > 1 + 1e-9:
            i = records[code][0]
            yield spec.problem(("org_units", "units", i), f"the weights of unit '{code}' in "
                               f"its successors ({', '.join(givers[code])}) add up to "
                               f"{total:g}; a weight is the share of the predecessor that went "
                               "to the successor, so they add up to 1 at most")
    cycle = _find_cycle(edges)
    if cycle:
        yield spec.problem(("org_units", "units", records[cycle[0]][0], "predecessors"),
                           f"units are their own predecessors: {' -> '.join(cycle)}")


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in sorted(edges):
        if start in state:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges.get(start, ()))))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
    return None
