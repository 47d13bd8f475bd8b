"""Cross-reference checks the models alone cannot make: names that must exist, levels,
years inside the programme, and no indicator that depends on itself.

The checks of the organisation itself (levels, parents, records, lineage) are in
`qnkpi.spec.tree_checks`; `check_spec` runs them first,
and `check_org_units` is importable from here as before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from qnkpi.errors import PluginError, Problem, did_you_mean
from qnkpi.spec.models import TREND_METHOD, AssessmentSpec
from qnkpi.spec.tree_checks import check_org_units, org_unit_problems

if TYPE_CHECKING:
    from qnkpi.spec.spec import Spec

__all__ = ["check_org_units", "check_spec", "indicator_order"]


def check_spec(spec: Spec) -> list[Problem]:
    """Every problem found; an empty list for a sound spec."""
    org = list(org_unit_problems(spec))
    out = [*org, *_measures(spec), *_indicators(spec), *_methods(spec),
           *_limits(spec), *_validation(spec)]
    if not any(p.severity == "error" for p in out):
        out.extend(_unreachable(spec))
    return out


def _validation(spec: Spec) -> Iterator[Problem]:
    """Each data validation rule reads, and names measures of the spec."""
    from qnkpi.spec.rule_syntax import RuleSyntaxError

    for i, item in enumerate(spec.validation):
        at = ("validation", i, "rule")
        try:
            comparison = item.comparison
        except RuleSyntaxError as exc:
            yield spec.problem(at, exc.message, offset=exc.offset)
            continue
        refs = comparison.measures()
        if not refs:
            yield spec.problem(at, "the rule names no measure: it compares numbers only, "
                               "so it says nothing about the data", offset=0)
        for ref in refs:
            if ref.name in spec.measures:
                continue
            if ref.name in spec.indicators:
                message = (f"'{ref.name}' is an indicator; a rule judges measures as the "
                           "sources report them (before roll-up): name the measures it "
                           "is computed from")
            else:
                message = f"unknown measure '{ref.name}'{did_you_mean(ref.name, spec.measures)}"
            yield spec.problem(at, message, offset=ref.offset)


def _unreachable(spec: Spec) -> Iterator[Problem]:
    """Targets at a level, or at units, that do not exist in some of their years: no
    checks there (a level that ends in a reform), which the author should know."""
    from qnkpi.orgunits import OrgTree

    period = spec.programme.period
    years = list(range(period.start, period.end + 1))
    tree = OrgTree.from_spec(spec.org_units, years)
    exists = {level: tree.level_mask(level).any(axis=0) for level in tree.levels}
    for name, ind in spec.indicators.items():
        for i, target in enumerate(ind.targets):
            span = range(max(target.first_year, period.start),
                         min(target.last_year, period.end) + 1)
            if target.level is not None and target.level in exists:
                alive = exists[target.level]
                what = f"no unit of level '{target.level}' exists"
            elif target.units is not None and all(c in tree.index for c in target.units):
                alive = tree.valid[[tree.index[c] for c in target.units]].all(axis=0)
                what = "not all of its units exist"
            else:
                continue
            dead = [y for y in span if not bool(np.asarray(alive)[y - period.start])]
            if dead:
                yield spec.problem(
                    ("indicators", name, "targets", i),
                    f"target #{i + 1} is unreachable in {_years(dead)}: {what} on the "
                    f"reference day ({spec.org_units.reference_day}) of those years, so it "
                    "gives no checks there", severity="warning")


def _years(years: list[int]) -> str:
    """2025, 2027-2030: runs of years, shortest form."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _limits(spec: Spec) -> Iterator[Problem]:
    """A natural limit is for a trend: an indicator with a target is judged against it,
    and a limit belongs to one indicator, not to the programme."""
    if spec.programme.assessment.limit is not None:
        yield spec.problem(("programme", "assessment", "limit"),
                           "'limit' is one indicator's natural limit (100 for a "
                           "percentage): set it on each indicator without a target")
    for name, ind in spec.indicators.items():
        if ind.assessment is not None and ind.assessment.limit is not None and ind.targets:
            yield spec.problem(("indicators", name, "assessment", "limit"),
                               "'limit' scales the growth a trend needs, for an indicator "
                               "without a target; this one has targets, which it is "
                               "judged against: remove 'limit'")


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
            if method == TREND_METHOD:
                yield spec.problem((*here, "methods", i), f"'{TREND_METHOD}' assesses an "
                                   "indicator without a target, by itself: 'methods' are "
                                   "for goals; remove it (give the indicator no target to "
                                   "have its trend assessed)")
            elif method not in known:
                yield spec.problem((*here, "methods", i), f"unknown assessment method "
                                   f"'{method}'{did_you_mean(method, known)}; known: "
                                   f"{', '.join(known)} (plugins add more: 'qnkpi plugins')"
                                   f"{spec.plugins.failure_note()}")


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
        period = getattr(source, "period", "year")
        if source is not None and period != "year" and measure.over_time is None \
                and measure.aggregate is None:
            yield spec.problem(here, f"source '{measure.source}' reports by {period}: say "
                               "how a year's periods make the year's value with 'over_time': "
                               "sum (a flow, such as activities held), last (a stock or a "
                               "state, such as members recorded), max or mean")
        if source is not None and period == "year" and measure.over_time is not None:
            yield spec.problem((*here, "over_time"), f"source '{measure.source}' reports "
                               "yearly, so 'over_time' has nothing to add up; remove it, or "
                               "set the source's 'period'", severity="warning")


def _indicators(spec: Spec) -> Iterator[Problem]:
    period = spec.programme.period
    levels = spec.org_units.levels
    codes = {unit.code for unit in spec.org_units.units}
    for name, ind in spec.indicators.items():
        here = ("indicators", name)
        for key, what, ref in inputs_of(spec, name):
            pool = spec.measures if what == "measure" else spec.indicators
            if ref == name and what == "indicator":
                yield spec.problem((*here, *key), f"indicator '{name}' refers to itself; "
                                   "name another indicator")
            elif ref not in pool:
                yield spec.problem((*here, *key), f"unknown {what} '{ref}'"
                                   f"{did_you_mean(ref, pool)}")
        for level in getattr(ind, "level_names", ()):
            if level not in levels:
                yield spec.problem((*here, "level"), f"unknown level '{level}'"
                                   f"{did_you_mean(level, levels)}; levels: {', '.join(levels)}")
        if ind.objective is not None and ind.objective not in spec.objectives:
            yield spec.problem((*here, "objective"), f"unknown objective '{ind.objective}'"
                               f"{did_you_mean(ind.objective, spec.objectives)}; declare it "
                               "under 'objectives' or remove the key")
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
                                       f"{period.start}-{period.end}; change the target's "
                                       "year or the programme's period")
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


def inputs_of(spec: Spec, name: str) -> list[tuple[tuple[str | int, ...], str, str]]:
    """What indicator `name` reads, as its kind's `inputs()` says, checked: the kind is a
    plugin's code, so a wrong answer is a [`PluginError`][qnkpi.errors.PluginError]
    naming the plugin, not a crash in these checks."""
    ind = spec.indicators[name]
    kind = getattr(ind, "kind", "?")

    def fail(message: str) -> PluginError:
        plugins = spec.plugins
        reg = plugins.registrations.get("register_indicator_kinds", {}).get(kind) \
            if plugins is not None else None
        return PluginError(reg.plugin if reg is not None else "?",
                           f"kind '{kind}', indicator '{name}': {message}")

    try:
        found = list(ind.inputs())  # type: ignore[attr-defined]
    except Exception as exc:
        raise fail(f"inputs() failed: {type(exc).__name__}: {exc}") from exc
    for item in found:
        if not (isinstance(item, tuple) and len(item) == 3 and isinstance(item[0], tuple)
                and item[1] in ("measure", "indicator") and isinstance(item[2], str)):
            raise fail(f"inputs() returned {item!r}, not an Input(key, 'measure' or "
                       "'indicator', name)")
    return found


def _deps(spec: Spec, name: str) -> list[str]:
    return [ref for _, what, ref in inputs_of(spec, name)
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
