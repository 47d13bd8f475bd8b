"""Progress toward each indicator's goal: baseline, current value, goal, then the
methods' ratios turned into statuses. Vectorised over units: one numpy pass per
indicator and method.

Three rules keep the verdicts honest (docs/assessment.md): a baseline is never taken on
another tree than the current value (`qnkpi.engine.baselines`); a goal that repeats
every year is judged by its record, and a level already due and missed is `overdue`
(`qnkpi.engine.due`); a single value never makes a future goal `achieved`.

This module chooses each method's inputs and runs the methods; what a method gave is
made statuses, projections and reasons in `qnkpi.engine.assess_outcome`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qnkpi.assess.base import AssessmentInputs, MethodOutput
from qnkpi.engine import due
from qnkpi.engine.assess_outcome import (
    BREAK_REASON,
    OVERDUE_REASON,
    RECORD_NO_VALUE,
    kept_projections,
    no_ratio_reasons,
    status_codes,
)
from qnkpi.engine.baselines import (
    CURRENT_TREE,
    carried_values,
    choose_baselines,
)
from qnkpi.engine.breaks import breaks_of, indicator_breaks
from qnkpi.engine.partial import (
    MEASURED_TO_MONTH,
    PartialYear,
    assessed_statuses,
    measured_to_month,
    without_partial_year,
)
from qnkpi.engine.statuses import check_status
from qnkpi.engine.targets import Thresholds, resolve_targets, target_scope
from qnkpi.errors import PluginError, QnkpiError
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.periods import AsOf
from qnkpi.plugin.hooks import ASSESSMENT_METHODS
from qnkpi.plugin.registry import Plugins
from qnkpi.spec.models import (
    DEFAULT_METHODS,
    TREND_METHOD,
    AssessmentSpec,
    Cutoffs,
    IndicatorSpec,
    Target,
)
from qnkpi.spec.spec import Spec
from qnkpi.verdicts import AssessmentStatus, Op, compare

__all__ = ["Assessment", "assess_indicator", "goal_of", "goals_of",
           "methods_for", "settings_for"]


FloatArray = npt.NDArray[np.float64]

@dataclass(frozen=True, eq=False)
class Assessment:
    """One indicator assessed by one method, at every unit its goal applies to.

    The arrays have one entry per assessed unit, in the order of `inputs.rows`.
    [`Result.assessment_rows`][qnkpi.engine.result.Result.assessment_rows] gives them
    as rows.

    Attributes:
        indicator: The indicator's name.
        method: The assessment method's name.
        goal_target: The index of the goal in the indicator's `targets`; `None` for
            the trend of an indicator without a target.
        inputs: What the method was given: the units' rows, baselines, current values
            and the goal.
        status: [`AssessmentStatus`][qnkpi.verdicts.AssessmentStatus] codes: 1
            achieved, 2 on track, 3 at risk, 4 off track, 5 regressing, 6 insufficient
            data, 11 overdue; for a goal judged as a record 12 met every year, 13 met
            this year (or 11, 6).
        ratio: The method's ratio of progress (1 = exactly on course); NaN where there
            is none.
        projected: The value projected for the goal year; NaN where there is none.
        required_annual_change: The change per year still needed to reach the goal by
            the goal year (0 where it is achieved); NaN where there is none.
        reason: Why each unit without a ratio has none (`insufficient_data`, or a method
            that could not judge); `None` elsewhere.
        baseline_basis: int8 codes of
            [`BASELINE_BASES`][qnkpi.engine.baselines.BASELINE_BASES]: 0 the baseline
            as reported, 1 restated onto the current value's tree, 2 the first value on
            the current tree (the tree changed since the first value). `None` in an
            assessment made before 0.2: all as reported.
        record: For a goal that repeats every year, each unit's record so far
            ([`Record`][qnkpi.engine.due.Record]); `None` for any other goal.
    """

    indicator: str
    method: str
    goal_target: int | None
    inputs: AssessmentInputs
    status: npt.NDArray[np.int8]
    ratio: FloatArray
    projected: FloatArray
    required_annual_change: FloatArray
    reason: npt.NDArray[np.object_]
    baseline_basis: npt.NDArray[np.int8] | None = None
    record: due.Record | None = None


def goals_of(ind: IndicatorSpec) -> tuple[int, ...]:
    """The indices of the goal targets, each assessed at the units it applies to: the
    one marked `goal: true` (the last marked, if several), else every target that ends
    in the latest year, in the order of the list. Such targets apply to different units
    (two on one unit in one year are an error), so each unit has at most one goal: a
    province target and a target for every district, both for 2030, are the province's
    goal and each district's. Empty for an indicator without targets."""
    if not ind.targets:
        return ()
    marked = [i for i, t in enumerate(ind.targets) if t.goal]
    if marked:
        return (marked[-1],)
    last = max(t.last_year for t in ind.targets)
    return tuple(i for i, t in enumerate(ind.targets) if t.last_year == last)


def goal_of(ind: IndicatorSpec) -> int | None:
    """The goal a report names for the indicator as a whole: of
    [`goals_of`][qnkpi.engine.assess.goals_of], the top unit's (the last without `level`
    or `units`), else the last; None without targets."""
    goals = goals_of(ind)
    if not goals:
        return None
    top = [i for i in goals if ind.targets[i].level is None and ind.targets[i].units is None]
    return (top or goals)[-1]


def methods_for(spec: Spec, ind: IndicatorSpec) -> tuple[tuple[str, ...], Cutoffs]:
    """The methods and cut-offs that apply to `ind`: its own, else the programme's."""
    settings = settings_for(spec, ind)
    assert settings.methods is not None and settings.cutoffs is not None
    return settings.methods, settings.cutoffs


def settings_for(spec: Spec, ind: IndicatorSpec) -> AssessmentSpec:
    """Every assessment setting that applies to `ind`, each its own or else the
    programme's, with the defaults filled in (`methods` and `cutoffs` never `None`)."""
    own, prog = ind.assessment or AssessmentSpec(), spec.programme.assessment

    def pick(key: str) -> Any:
        value = getattr(own, key)
        return value if value is not None else getattr(prog, key)

    methods = pick("methods")
    return AssessmentSpec(methods=DEFAULT_METHODS if methods is None else methods,
                          cutoffs=pick("cutoffs") or Cutoffs(), base_year=pick("base_year"),
                          limit=pick("limit"))


def _goal_value(target: Target, direction: int) -> float:
    lo, hi = target.bounds
    if target.op == "between":  # the bound the indicator moves toward
        return lo if direction > 0 else hi
    return lo


def _points(values: FloatArray, years: npt.NDArray[np.int64], as_of: int,
            base_year: int | None = None,
            ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The baseline and the latest (year, value) with data up to `as_of`, per row; NaN
    where there is none. The baseline is the first year with data, or with `base_year`
    that year, else the first later one with data."""
    present = ~np.isnan(values) & (years <= as_of)[None, :]
    rows = np.arange(len(values))
    nan = np.full(len(values), np.nan)
    last = present.shape[1] - 1 - np.argmax(present[:, ::-1], axis=1)
    has = present.any(axis=1)
    since = present if base_year is None else present & (years >= base_year)[None, :]
    has_base = since.any(axis=1)
    first = np.argmax(since, axis=1)
    return (np.where(has_base, years[first], nan), np.where(has_base, values[rows, first], nan),
            np.where(has, years[last], nan), np.where(has, values[rows, last], nan))


@dataclass(frozen=True, eq=False)
class _Context:
    """What every goal of one indicator is assessed with, made once per indicator."""

    spec: Spec
    name: str
    ind: IndicatorSpec
    panel: IndicatorPanel
    tree: OrgTree
    as_of: int
    plugins: Plugins
    units: npt.NDArray[np.bool_] | None
    settings: AssessmentSpec
    thresholds: Thresholds
    status: npt.NDArray[np.int8]
    breaks: npt.NDArray[np.bool_]
    carried: IndicatorPanel | None
    restated: npt.NDArray[np.bool_] | None
    partial: PartialYear | None
    period: AsOf | None


def assess_indicator(spec: Spec, name: str, ind: IndicatorSpec, panel: IndicatorPanel,
                     tree: OrgTree, as_of: int, plugins: Plugins,
                     units: npt.NDArray[np.bool_] | None = None, *,
                     thresholds: Thresholds | None = None,
                     carried: IndicatorPanel | None = None,
                     restated: npt.NDArray[np.bool_] | None = None,
                     partial: PartialYear | None = None,
                     period: AsOf | None = None) -> list[Assessment]:
    """Every method's assessment of `ind` toward each of its goals
    ([`goals_of`][qnkpi.engine.assess.goals_of]) at the units the goal applies to (and
    that `units`, a mask over the tree's rows, keeps): one `Assessment` per goal and
    method, goal by goal. An indicator without a target is assessed by its trend
    ([`TREND_METHOD`][qnkpi.spec.models.TREND_METHOD]) at the top unit, unless its
    `assessment: {methods: []}` turns assessment off.

    Args:
        thresholds: The indicator's thresholds, if already resolved (else resolved here).
        carried: The indicator with earlier years restated onto `as_of`'s tree
            ([`carried_panels`][qnkpi.engine.baselines.carried_panels]): where a
            baseline across a change of tree is taken from. Without it such a baseline
            starts on the current tree.
        restated: The restated years of a restated view (`evaluate(restate_to=...)`),
            or None.
        partial: How the as-of year's checks were judged when `period` (the as-of)
            falls before its year's end: a stock as it stands is assessed at its
            month, a flow's year so far is left out (`qnkpi.engine.partial`).
    """
    settings = settings_for(spec, ind)
    assert settings.methods is not None and settings.cutoffs is not None
    if thresholds is None:
        thresholds = resolve_targets(spec, name, ind, tree)
    checked = tree.valid & (tree.years <= as_of)[None, :]
    status = check_status(ind, panel, thresholds, checked, restated)
    if period is None:
        partial = None
    elif partial is not None:
        status = assessed_statuses(partial, status)
    ctx = _Context(spec, name, ind, panel, tree, as_of, plugins, units, settings,
                   thresholds, status, indicator_breaks(breaks_of(tree), panel), carried,
                   restated, partial, period)
    goals = goals_of(ind)
    if not goals:
        if not settings.methods or TREND_METHOD not in plugins.assessment_methods:
            return []
        scope: npt.NDArray[np.bool_] = np.asarray(tree.top_mask().any(axis=1))
        return _assess(ctx, (TREND_METHOD,), None, scope)
    out = []
    for index in goals:
        scope = np.asarray(target_scope(tree, ind.targets[index]).any(axis=1))
        out += _assess(ctx, settings.methods, index, scope)
    return out


def _assess(ctx: _Context, methods: tuple[str, ...], goal_index: int | None,
            scope: npt.NDArray[np.bool_]) -> list[Assessment]:
    """Each method's assessment toward one goal (the target `goal_index`, or the trend
    to the programme's end when None) at the units of `scope`."""
    settings, ind, tree, plugins, as_of = ctx.settings, ctx.ind, ctx.tree, ctx.plugins, ctx.as_of
    assert settings.cutoffs is not None
    if goal_index is None:
        goal_year, goal = ctx.spec.programme.period.end, math.nan
    else:
        target = ind.targets[goal_index]
        goal_year = target.last_year
        goal = _goal_value(target, 1 if ind.direction == "increase" else -1)
    inputs, late, basis = _inputs(ctx, scope, goal_year=goal_year, goal=goal)
    rows = inputs.rows
    timed, at_month = inputs, np.zeros(len(rows), dtype=bool)
    if ctx.partial is not None and ctx.period is not None:
        timed, at_month = measured_to_month(inputs, tree.years, ctx.partial, ctx.period)
    # a ratio needs two points: a baseline before the current value
    short = (np.isnan(inputs.baseline) | np.isnan(inputs.current)
             | ~(inputs.baseline_year < inputs.current_year))
    achieved = meets = np.zeros(len(rows), dtype=bool)
    late_due = np.zeros(len(rows), dtype=bool)
    record = None
    if goal_index is not None:
        lo, hi = target.bounds
        meets = compare(inputs.current, np.full(len(rows), Op.of(target.op), np.int8),
                        np.full(len(rows), lo), np.full(len(rows), hi))
        # one value says nothing of progress toward a goal still ahead
        achieved = meets & (~short | (goal_year <= as_of))
        thresholds = _at(ctx.thresholds, rows)
        late_due = due.overdue(ctx.status[rows], thresholds, tree.years, as_of, inputs.current)
        if due.is_record(target):
            record = due.record_of(ctx.status[rows], thresholds, goal_index, tree.years,
                                   as_of)
    with np.errstate(invalid="ignore", divide="ignore"):
        left = goal_year - timed.current_year
        required = np.where(left > 0, (inputs.goal - inputs.current) / left, np.nan)
    required[meets] = 0.0  # nothing more is needed
    # a unit with no value below zero up to as_of, aiming at none, is not projected below it
    seen = np.where(tree.years <= as_of, inputs.values, np.nan)
    nonnegative = ~(np.nanmin(seen, axis=1, initial=0.0) < 0) & ~(inputs.goal < 0)

    out = []
    for method in methods:
        given = _run(plugins, method, plugins.assessment_methods[method], timed)
        ratio = np.where(short, np.nan, given.ratio)
        status = status_codes(ratio, achieved, short, settings.cutoffs, given.status)
        status = np.where(late_due & ~achieved, np.int8(AssessmentStatus.OVERDUE), status)
        projected = kept_projections(given, short, nonnegative, percent=ind.unit == "percent")
        reason = no_ratio_reasons(given, inputs, status, ratio, short, late)
        if record is not None:  # judged by its record, not by a projection
            status, ratio, projected, required_own, reason = due.by_record(
                record, status, ratio, projected, required, reason, RECORD_NO_VALUE)
        else:
            required_own = required
        reason[(status == AssessmentStatus.OVERDUE) & (record is None)] = OVERDUE_REASON
        reason[(basis == CURRENT_TREE) & (status == AssessmentStatus.INSUFFICIENT_DATA)
               & short & (record is None)] = BREAK_REASON
        unexplained = np.array([r is None for r in reason], dtype=bool)
        by_record = record.of > 0 if record is not None else np.zeros(len(rows), bool)
        reason[at_month & unexplained & ~short & ~by_record] = MEASURED_TO_MONTH
        out.append(Assessment(ctx.name, method, goal_index, inputs, status, ratio, projected,
                              required_own, reason, basis, record))
    return out


def _at(thresholds: Thresholds, rows: npt.NDArray[np.intp]) -> Thresholds:
    """The thresholds of some rows."""
    return Thresholds(thresholds.op[rows], thresholds.lo[rows], thresholds.hi[rows],
                      thresholds.target[rows], thresholds.interpolated[rows])


def _inputs(ctx: _Context, scope: npt.NDArray[np.bool_], *, goal_year: int, goal: float,
            ) -> tuple[AssessmentInputs, str | None, npt.NDArray[np.int8]]:
    """What every method is given: the units in `scope`, their baselines (on their
    current value's tree) and current values; why there is no baseline where the
    settings leave none; and each baseline's basis."""
    ind, tree, as_of, settings = ctx.ind, ctx.tree, ctx.as_of, ctx.settings
    rows = np.flatnonzero(scope if ctx.units is None else scope & ctx.units)
    values = ctx.panel.value[rows]
    if ctx.partial is not None:
        values = without_partial_year(ctx.spec, ctx.name, ctx.partial, values, rows)
    baseline_year, baseline, current_year, current = _points(values, tree.years, as_of,
                                                             settings.base_year)
    late = None
    if settings.base_year is not None:
        late = f"no value in or after the base year {settings.base_year}"
    declared = ind.baseline is not None and np.array_equal(scope,
                                                            tree.top_mask().any(axis=1))
    if declared:
        assert ind.baseline is not None
        # a declared baseline is the top unit's, however the goal names that unit
        baseline_year[:], baseline[:] = ind.baseline.year, ind.baseline.value
        late = None
        if ind.baseline.year > as_of:
            baseline_year[:], baseline[:] = np.nan, np.nan
            late = (f"the declared baseline year {ind.baseline.year} is after the "
                    f"evaluation year {as_of}")
    # a declared figure cannot be restated: across a change of tree it gives way
    carried = None if declared else carried_values(ctx.carried, rows)
    baseline_year, baseline, basis = choose_baselines(
        values, ctx.breaks[rows], tree.years, as_of, settings.base_year, carried,
        baseline_year, baseline, current_year)
    if ctx.restated is not None:  # a restated view: its earlier years are restated
        with np.errstate(invalid="ignore"):
            in_view = np.isin(baseline_year, tree.years[ctx.restated])
        basis[in_view] = np.int8(1)
    inputs = AssessmentInputs(
        indicator=ctx.name, rows=rows, baseline_year=baseline_year, baseline=baseline,
        current_year=current_year, current=current, goal_year=goal_year, goal=goal,
        direction=1 if ind.direction == "increase" else -1, years=tree.years,
        values=values, limit=settings.limit)
    return inputs, late, basis


def _run(plugins: Plugins, name: str, method: object, inputs: AssessmentInputs) -> MethodOutput:
    owner = plugins.owner(ASSESSMENT_METHODS, name)
    try:
        result = method.assess(inputs)  # type: ignore[attr-defined]
    except QnkpiError:
        raise
    except Exception as exc:
        raise PluginError(owner, f"assessment method '{name}' failed on indicator "
                          f"'{inputs.indicator}': {type(exc).__name__}: {exc}") from exc
    n = len(inputs.rows)
    if (not isinstance(result, MethodOutput) or np.shape(result.ratio) != (n,)
            or np.shape(result.projected) != (n,) or len(result.reason) != n):
        raise PluginError(owner, f"assessment method '{name}' must return a MethodOutput "
                          f"with {n} ratios, projections and reasons")
    return result
