"""Cross-reference checks the models alone cannot make: names that must exist, levels,
years inside the programme, and no indicator that depends on itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from qnkpi.errors import Problem, did_you_mean
from qnkpi.spec.models import AssessmentSpec

if TYPE_CHECKING:
    from qnkpi.spec.spec import Spec

__all__ = ["check_spec", "indicator_order"]


def check_spec(spec: Spec) -> list[Problem]:
    """Every problem found; an empty list for a sound spec."""
    return [*_org_units(spec), *_measures(spec), *_indicators(spec), *_methods(spec)]


def _methods(spec: Spec) -> Iterator[Problem]:
    if spec.plugins is None:
        return
    known = spec.plugins.assessment_methods
    places: list[tuple[tuple[str, ...], AssessmentSpec]] = [
        (("programme", "assessment"), spec.programme.assessment)]
    places += [(("indicators", name, "assessment"), ind.assessment)
               for name, ind in spec.indicators.items() if ind.assessment is not None]
    for here, assessment in places:
        for i, method in enumerate(assessment.methods or ()):
            if method not in known:
                yield spec.problem((*here, "methods", i), f"unknown assessment method "
                                   f"'{method}'{did_you_mean(method, known)}; known: "
                                   f"{', '.join(known)} (plugins add more: 'qnkpi plugins')")


def _org_units(spec: Spec) -> Iterator[Problem]:
    org = spec.org_units
    levels: dict[str, int] = {}
    for i, name in enumerate(org.levels):
        levels.setdefault(name, i)
    if len(levels) != len(org.levels):
        yield spec.problem(("org_units", "levels"), "a level is listed twice")
    seen: dict[str, int] = {}
    for i, unit in enumerate(org.units):
        here = ("org_units", "units", i)
        if unit.code in seen:
            yield spec.problem((*here, "code"), f"unit code '{unit.code}' is used twice "
                               f"(also unit #{seen[unit.code] + 1}); codes must be unique")
        seen.setdefault(unit.code, i)
        if unit.level not in levels:
            yield spec.problem((*here, "level"), f"unknown level '{unit.level}'"
                               f"{did_you_mean(unit.level, levels)}; levels: "
                               f"{', '.join(org.levels)}")
    by_code = {unit.code: unit for unit in org.units}
    for i, unit in enumerate(org.units):
        if unit.parent is None:
            continue
        at = ("org_units", "units", i, "parent")
        parent = by_code.get(unit.parent)
        if parent is None:
            yield spec.problem(at, f"parent '{unit.parent}' of unit '{unit.code}' is not a "
                               f"unit{did_you_mean(unit.parent, by_code)}")
        elif (unit.level in levels and parent.level in levels
              and levels[parent.level] >= levels[unit.level]):
            yield spec.problem(at, f"parent '{parent.code}' ({parent.level}) is not above "
                               f"unit '{unit.code}' ({unit.level}) in the levels "
                               f"{list(org.levels)}")
    if all(unit.parent is not None for unit in org.units):
        yield spec.problem(("org_units", "units"), "no top unit: one unit must have no parent")


def _measures(spec: Spec) -> Iterator[Problem]:
    for name, measure in spec.measures.items():
        here = ("measures", name)
        source = spec.sources.get(measure.source)
        if source is None:
            yield spec.problem((*here, "source"), f"unknown source '{measure.source}'"
                               f"{did_you_mean(measure.source, spec.sources)}; sources: "
                               f"{', '.join(spec.sources) or 'none'}")
        elif measure.aggregate is not None and not source.tabular:
            yield spec.problem((*here, "aggregate"), f"source '{measure.source}' is of type "
                               f"'{source.type}', which holds no rows to aggregate")
        if measure.absent == "zero" and measure.aggregate is None:
            yield spec.problem((*here, "absent"), "'absent: zero' is for record-level data "
                               "(a measure with 'aggregate'); a table's empty cell is missing")


def _indicators(spec: Spec) -> Iterator[Problem]:
    period = spec.programme.period
    levels = spec.org_units.levels
    codes = {unit.code for unit in spec.org_units.units}
    for name, ind in spec.indicators.items():
        here = ("indicators", name)
        for key, what, ref in ind.inputs():  # type: ignore[attr-defined]
            pool = spec.measures if what == "measure" else spec.indicators
            if ref == name and what == "indicator":
                yield spec.problem((*here, *key), f"indicator '{name}' refers to itself")
            elif ref not in pool:
                yield spec.problem((*here, *key), f"unknown {what} '{ref}'"
                                   f"{did_you_mean(ref, pool)}")
        for level in getattr(ind, "level_names", ()):
            if level not in levels:
                yield spec.problem((*here, "level"), f"unknown level '{level}'"
                                   f"{did_you_mean(level, levels)}; levels: {', '.join(levels)}")
        if ind.baseline is not None and ind.baseline.year > period.end:
            yield spec.problem((*here, "baseline", "year"), f"baseline year "
                               f"{ind.baseline.year} is after the programme ends ({period.end})")
        for i, target in enumerate(ind.targets):
            at = (*here, "targets", i)
            against = {"increase": ("<", "<="), "decrease": (">", ">=")}[ind.direction]
            if target.op in against:
                yield spec.problem((*at, "op"), f"op '{target.op}' on an indicator whose "
                                   f"direction is '{ind.direction}': is one of them wrong?",
                                   severity="warning")
            for year in {target.first_year, target.last_year}:
                if not period.start <= year <= period.end:
                    yield spec.problem((*at, "year" if target.year is not None else "years"),
                                       f"year {year} is outside the programme's period "
                                       f"{period.start}-{period.end}")
            if target.level is not None and target.level not in levels:
                yield spec.problem((*at, "level"), f"unknown level '{target.level}'"
                                   f"{did_you_mean(target.level, levels)}; levels: "
                                   f"{', '.join(levels)}")
            for j, code in enumerate(target.units or ()):
                if code not in codes:
                    yield spec.problem((*at, "units", j), f"unknown unit code '{code}'"
                                       f"{did_you_mean(code, codes)}")
    cycle = _cycle(spec)
    if cycle:
        yield spec.problem(("indicators", cycle[0]), "indicators depend on each other in a "
                           f"circle: {' -> '.join(cycle)}; break the circle")


def _deps(spec: Spec, name: str) -> list[str]:
    return [ref for _, what, ref in spec.indicators[name].inputs()  # type: ignore[attr-defined]
            if what == "indicator" and ref in spec.indicators and ref != name]


def _cycle(spec: Spec) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for dep in _deps(spec, name):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[name] = 2
        return None

    for name in spec.indicators:
        if name not in state and (found := visit(name)):
            return found
    return None


def indicator_order(spec: Spec) -> list[str]:
    """Indicator names, each after the indicators it reads (the spec has no cycle)."""
    done: dict[str, None] = {}

    def visit(name: str) -> None:
        if name in done:
            return
        for dep in _deps(spec, name):
            visit(dep)
        done[name] = None

    for name in spec.indicators:
        visit(name)
    return list(done)
