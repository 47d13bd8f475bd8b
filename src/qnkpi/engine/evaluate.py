"""One pass from a spec to verdicts: read, judge the rules, restate, compute, check,
assess.

[`evaluate`][qnkpi.engine.evaluate.evaluate] is the orchestrator: each step is a
function of its own (here or in its module) that takes what the steps before it made
and nothing else.

| step | where |
| --- | --- |
| put frames given as `data=` in their sources | `engine/frames.py`: `with_frames` |
| read the measures | `engine/fetch.py`: `read_measures` |
| judge the validation rules | `engine/rules.py`: `judge_rules` |
| restate earlier years onto a later tree | `engine/restate.py`: `restate` |
| compute the indicators | `engine/compute.py`: `compute_indicators` |
| pick the as-of year | `_as_of` below |
| judge the checks | `engine/checks.py`: `judge_checks` |
| assess the goals | `engine/assess.py`: `assess_indicator` |
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from qnkpi.engine.assess import Assessment, assess_indicator, methods_for
from qnkpi.engine.baselines import carried_panels
from qnkpi.engine.checks import judge_checks
from qnkpi.engine.compute import compute_indicators
from qnkpi.engine.fetch import fetch_requests, read_measures
from qnkpi.engine.frames import Data, with_frames
from qnkpi.engine.restate import restate
from qnkpi.engine.result import IndicatorResult, Result
from qnkpi.engine.rules import RuleViolationError, ValidationResult, judge_rules
from qnkpi.errors import PluginError, QnkpiError, did_you_mean
from qnkpi.kinds.base import FloatPanel, IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.periods import AsOf, parse_as_of
from qnkpi.plugin.hooks import SOURCE_TYPES
from qnkpi.plugin.loading import BUILTIN_PLUGINS
from qnkpi.plugin.registry import Plugins, get_plugins
from qnkpi.sources.base import Source
from qnkpi.spec.spec import Spec

__all__ = ["Progress", "check_data", "evaluate", "explain", "year_axis"]

Progress = Callable[[str, int, int], None]
"""The type of the `progress` callback of [`evaluate`][qnkpi.engine.evaluate.evaluate].

It is called as `progress(stage, done, total)` as work advances: `stage` is `"sources"`,
`"indicators"` or `"assessments"`, in that order, and each stage ends with a call where
`done == total`. `qnkpi evaluate` draws its progress bar with it."""


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress to show."""


def year_axis(spec: Spec) -> list[int]:
    """The years the panels span: the programme's period, reaching back to the earliest
    declared baseline."""
    period = spec.programme.period
    first = min([period.start, *(ind.baseline.year for ind in spec.indicators.values()
                                 if ind.baseline is not None)])
    return list(range(first, period.end + 1))


def explain(spec: Spec, *, plugins: Plugins | None = None,
            data: Data | None = None) -> dict[str, str]:
    """Say what each source would do to fetch the spec's measures, without doing it.

    Each source type says it through its
    [`explain`][qnkpi.sources.base.Source.explain] method: the SQL a database source
    would run, with its bound values; the file a CSV source would read.
    `qnkpi evaluate SPEC --explain` prints it.

    Args:
        spec: A loaded spec.
        plugins: The registry used to name the plugin responsible when a source fails.
            Default: the registry the spec was loaded with (else a fresh one).
        data: Frames in place of sources, as for
            [`evaluate`][qnkpi.engine.evaluate.evaluate].

    Returns:
        Source name -> its plan, in the order sources are read. Sources no measure reads
            are left out.

    Raises:
        PluginError: A source's `explain` raised something other than a
            [`QnkpiError`][qnkpi.errors.QnkpiError]; it names the plugin.
    """
    _check_spec(spec, "explain")
    plugins = plugins or spec.plugins or get_plugins()
    spec = with_frames(spec, data)
    tree = OrgTree.from_spec(spec.org_units, year_axis(spec))
    out = {}
    for name, request in fetch_requests(spec, tree).items():
        source = spec.sources[name]
        assert isinstance(source, Source)
        try:
            out[name] = source.explain(request)
        except QnkpiError:
            raise
        except Exception as exc:
            owner = plugins.owner(SOURCE_TYPES, source.type)
            if owner in BUILTIN_PLUGINS:
                raise  # a crash in a built-in source is a bug in qnkpi, not bad input
            raise PluginError(owner,
                               f"source '{name}' (type '{source.type}') could not explain "
                               f"its work: {type(exc).__name__}: {exc}") from exc
    return out


def evaluate(spec: Spec, *, year: int | None = None, units: Sequence[str] | None = None,
             restate_to: int | None = None, plugins: Plugins | None = None,
             progress: Progress | None = None, data: Data | None = None,
             as_of: int | str | None = None) -> Result:
    """Evaluate every indicator of `spec` at every unit and year, and check its targets.

    Sources are read once each, indicators computed on whole units x years panels and
    rolled up the tree, targets resolved into thresholds and compared exactly, and each
    indicator's goal assessed by its assessment methods.

    Args:
        spec: A loaded spec.
        year: Check only this year, which must be inside the programme's period; it is
            then the result's `as_of` year. Default: every year from the programme's
            start to the latest year with data.
        units: Check only these unit codes. Values are still computed from every unit.
        restate_to: A year of the programme: evaluate the years before it on that year's
            org tree, their data carried there through the units' lineage (what
            `--restate-to` does). The result's `restated_to` and each check's `basis`
            say so.
        plugins: The registry used to name the plugin responsible when a source, kind or
            assessment method fails. Default: the registry the spec was loaded with
            (for a spec made without one, a fresh registry of the built-ins and the
            installed plugins); pass the same registry as to
            [`load_spec`][qnkpi.spec.loader.load_spec].
        progress: Called as sources are read, indicators computed and goals assessed;
            see [`Progress`][qnkpi.engine.evaluate.Progress].
        data: Source name -> frame (a pandas or polars DataFrame, a pyarrow Table, or
            any object with `__arrow_c_stream__`): the source reads the frame, with its
            own `unit`, `year` and layout keys, in place of its file or database. A
            source of `type: frame` needs one (see "The `frame` source" in the spec
            format).
        as_of: Judge at this point: a year (`2025`), or a month (`"2025-06"`), quarter
            (`"2025-Q2"`) or half (`"2025-H1"`) of one. Every year from the programme's
            start to the as-of's is checked (with `year`, only that year, which must be
            the as-of's). Before its year's end, that year's values are the year so far
            (what the sources hold up to the as-of) and its targets are judged as their
            `partial` and `milestones` say; the result's `period` is then the as-of.
            Default: the latest year with data.

    Returns:
        The result: panels of values, thresholds and statuses, with checks and
            assessments as rows or JSON on demand.

    Raises:
        DataError: A source found data it cannot use; it names the source, file and row.
        PluginError: A plugin's source, kind or assessment method failed; it names the
            plugin.
        RuleViolationError: The data break validation rules of severity `error` (a
            [`DataError`][qnkpi.errors.DataError]); it lists every violation. Rules of
            severity `warning` do not raise: the result's `validation` and `warnings`
            hold them.
        SpecError: Two targets of an indicator apply to the same unit and year.
        QnkpiError: A `year`, `as_of` or `restate_to` outside the programme's period,
            an `as_of` that is not a period, a `year` in another year than `as_of`, an
            unknown unit code in `units`, or a name in `data` that is not a source.
        TypeError: `spec` is not a loaded spec (a path is not read: call
            [`load_spec`][qnkpi.spec.loader.load_spec] first), `year` or `restate_to`
            is not a whole number (an int or numpy integer, not 2024.5 or "2024"), or
            `units` is not a list of strings (a single string such as "193" is refused).
            Codes in `units` are NFC-normalised, as codes in the spec are.

    Example:
        ```python
        import qnkpi

        result = qnkpi.evaluate(qnkpi.load_spec("specs/quang-ninh/programme.yaml"))
        print(result.as_of, result.summary()["met"], result.summary()["not_met"])
        ```
    """
    _check_spec(spec, "evaluate")
    year = _whole_year(year, "year")
    restate_to = _whole_year(restate_to, "restate_to")
    point = _point(as_of, year)
    units = _codes(units)
    plugins = plugins or spec.plugins or get_plugins()
    progress = progress or _quiet
    spec = with_frames(spec, data)
    _check_years(spec, year=year, restate_to=restate_to)
    if point is not None:
        _check_years(spec, year=point.year, restate_to=None, what="as-of")
    tree = OrgTree.from_spec(spec.org_units, year_axis(spec))
    unit_rows = _unit_rows(tree, units)
    period = point if point is not None and point.partial else None

    measures, warnings = read_measures(spec, tree, plugins, progress, period)
    validation = judge_rules(spec, tree, measures)
    warnings += _rule_warnings(validation, warnings)
    restated = None
    if restate_to is not None:
        tree, measures, restated = restate(tree, measures, spec.measures, restate_to)
    panels = compute_indicators(spec, tree, measures, restated, plugins, progress)
    as_of_year, checked_years = _as_of(spec, tree, measures, year, point)
    indicators = judge_checks(spec, tree, panels, checked_years[None, :] & unit_rows[:, None],
                              restated, period)
    # baselines across a change of tree are carried onto the as-of tree (a restated
    # view has no change to cross up to its year); computed only when something is
    # assessed, as it computes the indicators a second time on that tree
    assessed = any(methods_for(spec, ind)[0] for ind in spec.indicators.values())
    carried = (carried_panels(spec, tree, measures, as_of_year, plugins)
               if restate_to is None and assessed else None)
    assessments = _assess(spec, tree, panels, as_of_year, plugins, unit_rows, progress,
                          indicators, carried, restated, period)
    return Result(spec=spec, tree=tree, as_of=as_of_year, indicators=indicators,
                  measures=measures, assessments=assessments, restated_to=restate_to,
                  warnings=warnings, validation=validation, period=period)


def check_data(spec: Spec, *, plugins: Plugins | None = None,
               data: Data | None = None) -> ValidationResult:
    """Read every source of `spec` and judge its validation rules, without evaluating.

    The data are read as [`evaluate`][qnkpi.engine.evaluate.evaluate] reads them (values
    for a unit outside its life left out, `absent: zero` applied), and every rule is
    judged at every unit and year. Unlike `evaluate`, broken rules of severity `error`
    raise nothing: the result lists them with the others.

    Args:
        spec: A loaded spec.
        plugins: As for [`evaluate`][qnkpi.engine.evaluate.evaluate].
        data: Frames in place of sources, as for `evaluate`.

    Returns:
        Every rule judged: [`broken`][qnkpi.engine.rules.ValidationResult.broken] and
            [`violations`][qnkpi.engine.rules.ValidationResult.violations] say where
            the data break them.

    Raises:
        DataError: A source found data it cannot use.
        PluginError: A plugin's source failed.

    Example:
        ```python
        import qnkpi

        checked = qnkpi.check_data(qnkpi.load_spec("specs/quang-ninh/programme.yaml"))
        for row in checked.violations():
            print(row.rule, row.unit, row.year, row.left, row.op, row.right)
        ```
    """
    _check_spec(spec, "check_data")
    plugins = plugins or spec.plugins or get_plugins()
    spec = with_frames(spec, data)
    tree = OrgTree.from_spec(spec.org_units, year_axis(spec))
    measures, _ = read_measures(spec, tree, plugins, _quiet)
    return judge_rules(spec, tree, measures)


def _check_years(spec: Spec, *, year: int | None, restate_to: int | None,
                 what: str = "year") -> None:
    """`year` and `restate_to` are years of the programme, or a QnkpiError says not."""
    period = spec.programme.period
    if year is not None and not period.start <= year <= period.end:
        raise QnkpiError(f"{what} {year} is outside the programme's period "
                         f"{period.start}-{period.end}")
    if restate_to is not None and not period.start <= restate_to <= period.end:
        raise QnkpiError(f"--restate-to {restate_to}: not a year of the programme "
                         f"({period.start}-{period.end})")


def _check_spec(spec: object, function: str) -> None:
    """`spec` is a loaded Spec, or a TypeError says how to get one."""
    if isinstance(spec, Spec):
        return
    if isinstance(spec, (str, os.PathLike)):
        raise TypeError(f"{function}() takes a loaded spec, not the path {str(spec)!r}; "
                        f"call qnkpi.{function}(qnkpi.load_spec(path)) instead")
    raise TypeError(f"{function}() takes a loaded spec (what qnkpi.load_spec returns), "
                    f"not {type(spec).__name__}")


def _whole_year(value: object, name: str) -> int | None:
    """`value` as an int: None, or a whole number such as 2024 (an int or a numpy
    integer); anything else is a TypeError naming the argument."""
    if value is None:
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    raise TypeError(f"{name} must be a whole number such as 2024, not {value!r} "
                    f"({type(value).__name__})")


def _point(as_of: object, year: int | None) -> AsOf | None:
    """`as_of` read as a point in time, or None; a QnkpiError for one that is not a
    period, or that is in another year than `year`."""
    if as_of is None:
        return None
    try:
        point = parse_as_of(as_of)
    except ValueError as exc:
        raise QnkpiError(str(exc)) from None
    if year is not None and year != point.year:
        raise QnkpiError(f"year {year} and as-of {point.label} are different years: give "
                         f"one, or the same year in both")
    return point


def _codes(units: object) -> list[str] | None:
    """`units` as NFC unit codes: None, or a list (or other collection) of strings; a
    single string is a TypeError (it would be read as its characters)."""
    if units is None:
        return None
    if isinstance(units, (str, bytes)) or not isinstance(units, Iterable):
        raise TypeError(f"units must be a list of unit codes such as ['193'], not {units!r}")
    codes = list(units)
    bad = next((c for c in codes if not isinstance(c, str)), None)
    if bad is not None:
        raise TypeError(f"units must be a list of unit codes as strings (such as ['193']); "
                        f"{bad!r} is a {type(bad).__name__}")
    return [unicodedata.normalize("NFC", c) for c in codes]


def _unit_rows(tree: OrgTree, units: Sequence[str] | None) -> npt.NDArray[np.bool_]:
    """The tree's rows to check: every unit, or those of `units` (known codes only)."""
    rows = np.ones(len(tree.codes), dtype=bool)
    if units is not None:
        rows[:] = False
        for code in units:
            if code not in tree.index:
                raise QnkpiError(f"unit '{code}' is not in the org units"
                                 f"{did_you_mean(code, tree.index)}")
            rows[tree.index[code]] = True
    return rows


def _rule_warnings(validation: ValidationResult, noted: tuple[str, ...]) -> tuple[str, ...]:
    """One note per broken rule of severity `warning`; a broken rule of severity
    `error` stops the evaluation (a RuleViolationError, with the notes so far)."""
    if validation.broken("error"):
        raise RuleViolationError(validation, noted)
    return tuple("\n  ".join(validation.describe(rule))
                 for rule in validation.broken("warning"))


def _as_of(spec: Spec, tree: OrgTree, measures: dict[str, FloatPanel],
           year: int | None, point: AsOf | None) -> tuple[int, npt.NDArray[np.bool_]]:
    """The as-of year and the years checked (a mask over the tree's years).

    With `year`, that year alone; else every year of the programme up to the as-of's
    (`point`), or to the latest one any measure has data for (the programme's start
    when none has)."""
    period = spec.programme.period
    if point is not None:
        first = point.year if year is not None else period.start
        return point.year, (tree.years >= first) & (tree.years <= point.year)
    any_data = np.zeros(tree.shape[1], bool)
    for panel in measures.values():
        any_data |= ~np.isnan(panel).all(axis=0)
    with_data = tree.years[any_data & (tree.years >= period.start)]
    as_of = year if year is not None else int(with_data.max()) if with_data.size else period.start
    first = as_of if year is not None else period.start
    return as_of, (tree.years >= first) & (tree.years <= as_of)


def _assess(spec: Spec, tree: OrgTree, panels: dict[str, IndicatorPanel], as_of: int,
            plugins: Plugins, unit_rows: npt.NDArray[np.bool_],
            progress: Callable[[str, int, int], None],
            indicators: dict[str, IndicatorResult],
            carried: dict[str, IndicatorPanel] | None,
            restated: npt.NDArray[np.bool_] | None, period: AsOf | None) -> list[Assessment]:
    """Every indicator's goal assessed by each of its methods, in spec order."""
    assessments = []
    for done, (name, ind) in enumerate(spec.indicators.items()):
        progress("assessments", done, len(spec.indicators))
        assessments += assess_indicator(
            spec, name, ind, panels[name], tree, as_of, plugins, unit_rows,
            thresholds=indicators[name].thresholds,
            carried=None if carried is None else carried[name], restated=restated,
            partial=indicators[name].partial, period=period)
    progress("assessments", len(spec.indicators), len(spec.indicators))
    return assessments
