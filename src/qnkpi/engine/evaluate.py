"""One pass from a spec to verdicts: fetch, compute, roll up, resolve targets, compare."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from qnkpi.engine.assess import assess_indicator
from qnkpi.engine.restate import restate
from qnkpi.engine.result import IndicatorResult, Result
from qnkpi.engine.rules import RuleViolationError, ValidationResult, judge_rules
from qnkpi.engine.targets import resolve_targets
from qnkpi.errors import DataError, PluginError, Problem, QnkpiError, SpecError, did_you_mean
from qnkpi.kinds.base import FloatPanel, IndicatorKind, IndicatorPanel, KindContext
from qnkpi.orgunits import OrgTree
from qnkpi.plugin.manager import Plugins, get_plugins
from qnkpi.sources.base import FetchRequest, MeasureRequest, Source
from qnkpi.spec.checks import indicator_order
from qnkpi.spec.models import IndicatorSpec
from qnkpi.spec.spec import Spec
from qnkpi.verdicts import CheckStatus, Op, compare

__all__ = ["Progress", "check_data", "evaluate", "explain", "fetch_requests", "year_axis"]

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


def fetch_requests(spec: Spec, tree: OrgTree) -> dict[str, FetchRequest]:
    """One request per source: every measure read from it, for every unit and year."""
    by_source: dict[str, list[MeasureRequest]] = defaultdict(list)
    for name, m in spec.measures.items():
        column = m.column if m.column is not None or m.aggregate == "count" else name
        by_source[m.source].append(MeasureRequest(name, column, m.aggregate))
    return {source: FetchRequest(source, tuple(measures), tree.index, tree.years)
            for source, measures in by_source.items()}


def explain(spec: Spec, *, plugins: Plugins | None = None) -> dict[str, str]:
    """Say what each source would do to fetch the spec's measures, without doing it.

    Each source type says it through its
    [`explain`][qnkpi.sources.base.Source.explain] method: the SQL a database source
    would run, with its bound values; the file a CSV source would read.
    `qnkpi evaluate SPEC --explain` prints it.

    Args:
        spec: A loaded spec.
        plugins: The registry used to name the plugin responsible when a source fails.
            Default: the registry the spec was loaded with.

    Returns:
        Source name -> its plan, in the order sources are read. Sources no measure reads
            are left out.

    Raises:
        PluginError: A source's `explain` raised something other than a
            [`QnkpiError`][qnkpi.errors.QnkpiError]; it names the plugin.
    """
    plugins = plugins or spec.plugins or get_plugins()
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
            plugin = _owner(plugins, "register_source_types", source.type)
            raise PluginError(plugin, f"source '{name}' (type '{source.type}') could not "
                              f"explain its work: {type(exc).__name__}: {exc}") from exc
    return out


def evaluate(spec: Spec, *, year: int | None = None, units: Sequence[str] | None = None,
             restate_to: int | None = None, plugins: Plugins | None = None,
             progress: Progress | None = None) -> Result:
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
            assessment method fails. Default: the registry the spec was loaded with;
            pass the same registry as to [`load_spec`][qnkpi.spec.loader.load_spec].
        progress: Called as sources are read, indicators computed and goals assessed;
            see [`Progress`][qnkpi.engine.evaluate.Progress].

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
        QnkpiError: A `year` or `restate_to` outside the programme's period, or an
            unknown unit code in `units`.

    Example:
        ```python
        import qnkpi

        result = qnkpi.evaluate(qnkpi.load_spec("specs/quang-ninh/programme.yaml"))
        print(result.as_of, result.summary()["met"], result.summary()["not_met"])
        ```
    """
    plugins = plugins or spec.plugins or get_plugins()
    period = spec.programme.period
    tree = OrgTree.from_spec(spec.org_units, year_axis(spec))
    if year is not None and not period.start <= year <= period.end:
        raise QnkpiError(f"year {year} is outside the programme's period "
                         f"{period.start}-{period.end}")
    unit_rows = _unit_rows(tree, units)

    if restate_to is not None and not period.start <= restate_to <= period.end:
        raise QnkpiError(f"--restate-to {restate_to}: not a year of the programme "
                         f"({period.start}-{period.end})")

    progress = progress or _quiet
    measures, warnings = _reported(spec, tree, plugins, progress)
    validation = judge_rules(spec, tree, measures)
    if validation.broken("error"):
        raise RuleViolationError(validation, warnings)
    warnings += tuple("\n  ".join(validation.describe(rule))
                      for rule in validation.broken("warning"))
    restated = None
    if restate_to is not None:
        tree, measures, restated = restate(tree, measures, spec.measures, restate_to)

    panels: dict[str, IndicatorPanel] = {}
    ctx = KindContext(tree, measures, spec.measures, panels, restated)
    order = indicator_order(spec)
    for done, name in enumerate(order):
        progress("indicators", done, len(order))
        ind = spec.indicators[name]
        assert isinstance(ind, IndicatorKind)
        panels[name] = _compute(name, ind, ctx, plugins)
    progress("indicators", len(order), len(order))

    any_data = np.zeros(tree.shape[1], bool)
    for panel in measures.values():
        any_data |= ~np.isnan(panel).all(axis=0)
    with_data = tree.years[any_data & (tree.years >= period.start)]
    as_of = year if year is not None else int(with_data.max()) if with_data.size else period.start
    first = as_of if year is not None else period.start
    in_years = (tree.years >= first) & (tree.years <= as_of)

    results = {}
    problems: list[Problem] = []
    for name, ind in spec.indicators.items():
        try:
            thresholds = resolve_targets(spec, name, ind, tree)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        value = panels[name].value
        checked = (thresholds.op != Op.NONE) & in_years[None, :] & unit_rows[:, None]
        passed = compare(value, thresholds.op, thresholds.lo, thresholds.hi)
        # missing: not_met: a unit without a value, in a year others have values, has
        # not met the target; a year without any value stays no_data, and so does an
        # aggregate short of min_coverage, whatever the policy, and a unit whose value
        # could not be restated onto the later tree (it is unknown, not unreported)
        not_met = (ind.missing == "not_met") & ~np.isnan(value).all(axis=0)
        if restated is not None:
            not_met &= ~restated
        no_value = np.where(not_met, CheckStatus.NOT_MET, CheckStatus.NO_DATA)
        no_value = np.where(_short(ind, panels[name].expected, panels[name].reported),
                            CheckStatus.NO_DATA, no_value[None, :])
        status = np.where(~checked, CheckStatus.NONE,
                          np.where(np.isnan(value), no_value,
                                   np.where(passed, CheckStatus.MET, CheckStatus.NOT_MET)))
        results[name] = IndicatorResult(name, ind, panels[name], thresholds,
                                        status.astype(np.int8))
    if problems:
        raise SpecError(problems)
    assessments = []
    for done, (name, ind) in enumerate(spec.indicators.items()):
        progress("assessments", done, len(spec.indicators))
        assessments += assess_indicator(spec, name, ind, panels[name], tree, as_of, plugins,
                                        unit_rows)
    progress("assessments", len(spec.indicators), len(spec.indicators))
    return Result(spec=spec, tree=tree, as_of=as_of, indicators=results, measures=measures,
                  assessments=assessments, restated_to=restate_to, warnings=warnings,
                  validation=validation)


def check_data(spec: Spec, *, plugins: Plugins | None = None) -> ValidationResult:
    """Read every source of `spec` and judge its validation rules, without evaluating.

    The data are read as [`evaluate`][qnkpi.engine.evaluate.evaluate] reads them (values
    for a unit outside its life left out, `absent: zero` applied), and every rule is
    judged at every unit and year. Unlike `evaluate`, broken rules of severity `error`
    raise nothing: the result lists them with the others.

    Args:
        spec: A loaded spec.
        plugins: As for [`evaluate`][qnkpi.engine.evaluate.evaluate].

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
    plugins = plugins or spec.plugins or get_plugins()
    tree = OrgTree.from_spec(spec.org_units, year_axis(spec))
    measures, _ = _reported(spec, tree, plugins, _quiet)
    return judge_rules(spec, tree, measures)


def _reported(spec: Spec, tree: OrgTree, plugins: Plugins,
              progress: Progress) -> tuple[dict[str, FloatPanel], tuple[str, ...]]:
    """The measures as the sources report them, and notes about values left out: the
    data of units outside their life are dropped, and `absent: zero` is applied."""
    measures, noted = _fetch(spec, tree, plugins, progress)
    warnings = noted + _outside_life(tree, measures)
    for panel in measures.values():
        panel[~tree.valid] = np.nan  # left out: they neither roll up nor set "as of"
    leaf = tree.leaf_mask()
    for name, m in spec.measures.items():
        if m.absent == "zero":
            panel = measures[name]
            has_data = ~np.isnan(panel).all(axis=0)
            panel[np.isnan(panel) & leaf & has_data] = 0.0
    return measures, warnings


def _outside_life(tree: OrgTree, measures: dict[str, FloatPanel]) -> tuple[str, ...]:
    """Data for a unit in a year it did not exist in are left out; say so, per unit."""
    stray = np.zeros(tree.shape, dtype=bool)
    for panel in measures.values():
        stray |= ~np.isnan(panel) & ~tree.valid
    out = []
    for row in np.flatnonzero(stray.any(axis=1)).tolist():
        years = tree.years[stray[row]].tolist()
        out.append(f"unit '{tree.codes[row]}' has data for {', '.join(map(str, years))}, "
                   "when it was not in the org units (see its valid_from/valid_to); those "
                   "values are left out")
    return tuple(out)


def _unit_rows(tree: OrgTree, units: Sequence[str] | None) -> np.ndarray:
    rows = np.ones(len(tree.codes), dtype=bool)
    if units is not None:
        rows[:] = False
        for code in units:
            if code not in tree.index:
                raise QnkpiError(f"unit '{code}' is not in the org units"
                                 f"{did_you_mean(code, tree.index)}")
            rows[tree.index[code]] = True
    return rows


def _owner(plugins: Plugins, hook: str, name: str) -> str:
    reg = plugins.registrations.get(hook, {}).get(name)
    return reg.plugin if reg is not None else "?"


def _fetch(spec: Spec, tree: OrgTree, plugins: Plugins,
           progress: Progress) -> tuple[dict[str, FloatPanel], tuple[str, ...]]:
    """Every measure from its source, and what the sources noted while reading
    ([`FetchRequest.warn`][qnkpi.sources.base.FetchRequest.warn])."""
    out: dict[str, FloatPanel] = {}
    noted: list[str] = []
    failed: list[QnkpiError] = []  # every source is read, so one run names every bad one
    requests = fetch_requests(spec, tree)
    for done, (source_name, request) in enumerate(requests.items()):
        progress("sources", done, len(requests))
        source = spec.sources[source_name]
        assert isinstance(source, Source)
        try:
            got = source.fetch(request)
        except QnkpiError as exc:
            failed.append(exc)
            continue
        except Exception as exc:
            plugin = _owner(plugins, "register_source_types", source.type)
            raise PluginError(plugin, f"source '{source_name}' (type '{source.type}') failed: "
                              f"{type(exc).__name__}: {exc}") from exc
        noted += request.warnings
        for m in request.measures:
            panel = got.get(m.name)
            if panel is None or np.shape(panel) != tree.shape:
                plugin = _owner(plugins, "register_source_types", source.type)
                raise PluginError(plugin, f"source type '{source.type}' returned no "
                                  f"{tree.shape} panel for measure '{m.name}'")
            try:
                values = np.asarray(panel, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                plugin = _owner(plugins, "register_source_types", source.type)
                raise PluginError(plugin, f"source type '{source.type}' returned values that "
                                  f"are not numbers for measure '{m.name}': {exc}") from None
            if np.isinf(values).any():
                plugin = _owner(plugins, "register_source_types", source.type)
                raise PluginError(plugin, f"source type '{source.type}' returned an infinite "
                                  f"value for measure '{m.name}'; a source gives finite "
                                  "numbers, or NaN for missing")
            out[m.name] = values
    progress("sources", len(requests), len(requests))
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise DataError(f"{len(failed)} sources failed:\n" + "\n".join(f"  {e}" for e in failed))
    return out, tuple(dict.fromkeys(noted))


def _compute(name: str, ind: IndicatorKind, ctx: KindContext,
             plugins: Plugins) -> IndicatorPanel:
    try:
        panel = ind.compute(ctx)
    except (QnkpiError, DataError):
        raise
    except Exception as exc:
        plugin = _owner(plugins, "register_indicator_kinds", ind.kind)
        raise PluginError(plugin, f"indicator '{name}' (kind '{ind.kind}') failed: "
                          f"{type(exc).__name__}: {exc}") from exc
    try:
        value = np.asarray(panel.value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        plugin = _owner(plugins, "register_indicator_kinds", ind.kind)
        raise PluginError(plugin, f"kind '{ind.kind}' returned values that are not numbers "
                          f"for indicator '{name}': {exc}") from None
    if value.shape != ctx.tree.shape:
        plugin = _owner(plugins, "register_indicator_kinds", ind.kind)
        raise PluginError(plugin, f"kind '{ind.kind}' returned a panel of shape "
                          f"{value.shape}, not {ctx.tree.shape}")
    if np.isinf(value).any():  # an overflowed quotient (a tiny denominator) has no honest value
        value = np.where(np.isinf(value), np.nan, value)
    return _covered(ind, replace(panel, value=value), ctx)


def _covered(ind: IndicatorKind, panel: IndicatorPanel, ctx: KindContext) -> IndicatorPanel:
    """The panel with its coverage counted, and the indicator's `missing` and
    `min_coverage` rules applied: an aggregate short of them becomes missing."""
    expected, reported = panel.expected, panel.reported
    if expected is None or reported is None:
        read = [i.name for i in ind.inputs() if i.what == "measure"]
        if not read:
            return panel
        has = np.logical_and.reduce([~np.isnan(ctx.measures[m]) for m in read])
        expected, reported = ctx.tree.coverage(has)
    # a year in which no unit reported has no coverage to speak of (2030, before its
    # data): null, as for the kinds the tree counts, whichever kind counted it
    silent: npt.NDArray[np.bool_] = ~np.any(np.nan_to_num(reported) > 0, axis=0, keepdims=True)
    expected = np.where(silent, np.nan, expected)
    reported = np.where(silent, np.nan, reported)
    value = np.where(_short(ind, expected, reported), np.nan, panel.value)
    return IndicatorPanel(value, panel.numerator, panel.denominator, expected, reported)


def _short(ind: IndicatorSpec, expected: FloatPanel | None,
           reported: FloatPanel | None) -> npt.NDArray[np.bool_]:
    """Where an aggregate rests on fewer units than the indicator's `missing` and
    `min_coverage` rules ask for (False where there is no aggregate)."""
    least = 1.0 if ind.missing == "no_data" else ind.min_coverage
    if least is None or expected is None or reported is None:
        return np.zeros((1, 1), dtype=bool)  # broadcasts to any panel
    with np.errstate(invalid="ignore"):
        return reported < least * expected - 1e-9  # NaN (not an aggregate): False
