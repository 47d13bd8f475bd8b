"""Progress toward each indicator's goal: baseline, current value, goal, then the
methods' ratios turned into statuses. Vectorised over units: one numpy pass per
indicator and method."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qnkpi.assess.base import AssessmentInputs, MethodOutput
from qnkpi.engine.targets import target_scope
from qnkpi.errors import PluginError, QnkpiError
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree
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

__all__ = ["Assessment", "assess_indicator", "goal_of", "goals_of", "methods_for",
           "settings_for"]



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
            data.
        ratio: The method's ratio of progress (1 = exactly on course); NaN where there
            is none.
        projected: The value projected for the goal year; NaN where there is none.
        required_annual_change: The change per year still needed to reach the goal by
            the goal year (0 where it is achieved); NaN where there is none.
        reason: Why each unit without a ratio has none (`insufficient_data`, or a method
            that could not judge); `None` elsewhere.
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


def assess_indicator(spec: Spec, name: str, ind: IndicatorSpec, panel: IndicatorPanel,
                     tree: OrgTree, as_of: int, plugins: Plugins,
                     units: npt.NDArray[np.bool_] | None = None) -> list[Assessment]:
    """Every method's assessment of `ind` toward each of its goals
    ([`goals_of`][qnkpi.engine.assess.goals_of]) at the units the goal applies to (and
    that `units`, a mask over the tree's rows, keeps): one `Assessment` per goal and
    method, goal by goal. An indicator without a target is assessed by its trend
    ([`TREND_METHOD`][qnkpi.spec.models.TREND_METHOD]) at the top unit, unless its
    `assessment: {methods: []}` turns assessment off."""
    settings = settings_for(spec, ind)
    assert settings.methods is not None and settings.cutoffs is not None
    goals = goals_of(ind)
    if not goals:
        if not settings.methods or TREND_METHOD not in plugins.assessment_methods:
            return []
        scope: npt.NDArray[np.bool_] = np.asarray(tree.top_mask().any(axis=1))
        return _assess(plugins, name, ind, (TREND_METHOD,), None, scope, panel, tree, as_of,
                       units, settings, trend_year=spec.programme.period.end)
    out = []
    for index in goals:
        scope = np.asarray(target_scope(tree, ind.targets[index]).any(axis=1))
        out += _assess(plugins, name, ind, settings.methods, index, scope, panel, tree,
                       as_of, units, settings, trend_year=spec.programme.period.end)
    return out


def _assess(plugins: Plugins, name: str, ind: IndicatorSpec, methods: tuple[str, ...],
            goal_index: int | None, scope: npt.NDArray[np.bool_], panel: IndicatorPanel,
            tree: OrgTree, as_of: int, units: npt.NDArray[np.bool_] | None,
            settings: AssessmentSpec, *, trend_year: int) -> list[Assessment]:
    """Each method's assessment toward one goal (the target `goal_index`, or the trend
    to `trend_year`, the programme's end, when None) at the units of `scope`."""
    assert settings.cutoffs is not None
    if goal_index is None:
        goal_year, goal = trend_year, math.nan
    else:
        target = ind.targets[goal_index]
        goal_year = target.last_year
        goal = _goal_value(target, 1 if ind.direction == "increase" else -1)
    inputs, late = _inputs(name, ind, scope, panel, tree, as_of, units, settings,
                           goal_year=goal_year, goal=goal)
    achieved = np.zeros(len(inputs.rows), dtype=bool)
    if goal_index is not None:
        lo, hi = target.bounds
        achieved = compare(inputs.current, np.full(len(inputs.rows), Op.of(target.op), np.int8),
                           np.full(len(inputs.rows), lo), np.full(len(inputs.rows), hi))
    # a ratio needs two points: a baseline before the current value
    short = (np.isnan(inputs.baseline) | np.isnan(inputs.current)
             | ~(inputs.baseline_year < inputs.current_year))
    with np.errstate(invalid="ignore", divide="ignore"):
        left = goal_year - inputs.current_year
        required = np.where(left > 0, (inputs.goal - inputs.current) / left, np.nan)
    required[achieved] = 0.0
    # a unit with no value below zero up to as_of, aiming at none, is not projected below it
    seen = np.where(tree.years <= as_of, inputs.values, np.nan)
    nonnegative = ~(np.nanmin(seen, axis=1, initial=0.0) < 0) & ~(inputs.goal < 0)

    out = []
    for method in methods:
        given = _run(plugins, method, plugins.assessment_methods[method], inputs)
        ratio = np.where(short, np.nan, given.ratio)
        status = _status(ratio, achieved, short, settings.cutoffs, given.status)
        projected = _projected(given, short, nonnegative, percent=ind.unit == "percent")
        reason = _reasons(given, inputs, status, ratio, short, late)
        out.append(Assessment(name, method, goal_index, inputs, status, ratio, projected,
                              required, reason))
    return out


def _inputs(name: str, ind: IndicatorSpec, scope: npt.NDArray[np.bool_],
            panel: IndicatorPanel, tree: OrgTree, as_of: int,
            units: npt.NDArray[np.bool_] | None, settings: AssessmentSpec, *,
            goal_year: int, goal: float) -> tuple[AssessmentInputs, str | None]:
    """What every method is given: the units in `scope`, their baselines and current
    values; and why there is no baseline where the settings leave none."""
    rows = np.flatnonzero(scope if units is None else scope & units)
    values = panel.value[rows]
    baseline_year, baseline, current_year, current = _points(values, tree.years, as_of,
                                                             settings.base_year)
    late = None
    if settings.base_year is not None:
        late = f"no value in or after the base year {settings.base_year}"
    if ind.baseline is not None and np.array_equal(scope, tree.top_mask().any(axis=1)):
        # a declared baseline is the top unit's, however the goal names that unit
        baseline_year[:], baseline[:] = ind.baseline.year, ind.baseline.value
        late = None
        if ind.baseline.year > as_of:
            baseline_year[:], baseline[:] = np.nan, np.nan
            late = (f"the declared baseline year {ind.baseline.year} is after the "
                    f"evaluation year {as_of}")
    inputs = AssessmentInputs(
        indicator=name, rows=rows, baseline_year=baseline_year, baseline=baseline,
        current_year=current_year, current=current, goal_year=goal_year, goal=goal,
        direction=1 if ind.direction == "increase" else -1, years=tree.years,
        values=values, limit=settings.limit)
    return inputs, late


def _status(ratio: FloatArray, achieved: npt.NDArray[np.bool_], short: npt.NDArray[np.bool_],
            cutoffs: Cutoffs, own: npt.NDArray[np.int8] | None) -> npt.NDArray[np.int8]:
    """[`AssessmentStatus`][qnkpi.verdicts.AssessmentStatus] codes: achieved whatever the
    ratio, insufficient data without one, else the method's own status where it judges
    for itself (a trend), or the first cut-off the ratio reaches."""
    if own is not None:
        by_ratio = np.asarray(own, dtype=np.int8)
    else:
        by_ratio = np.select(
            [ratio >= cutoffs.on_track, ratio >= cutoffs.at_risk, ratio >= cutoffs.off_track],
            [AssessmentStatus.ON_TRACK, AssessmentStatus.AT_RISK, AssessmentStatus.OFF_TRACK],
            default=AssessmentStatus.REGRESSING)
    return np.select(
        [achieved, short | np.isnan(ratio)],
        [AssessmentStatus.ACHIEVED, AssessmentStatus.INSUFFICIENT_DATA], default=by_ratio,
    ).astype(np.int8)


def _projected(given: MethodOutput, short: npt.NDArray[np.bool_],
               nonnegative: npt.NDArray[np.bool_], *, percent: bool) -> FloatArray:
    """The method's projections, kept to what can be: none without two points, a
    percentage between 0 and 100, no value below zero for a unit that never had one."""
    projected = np.asarray(given.projected, dtype=np.float64).copy()
    projected[short] = np.nan
    if percent:
        projected = np.clip(projected, 0.0, 100.0)
    else:
        projected = np.where(nonnegative, np.maximum(projected, 0.0), projected)
    projected[~np.isfinite(projected)] = np.nan  # overflowed: no honest number
    return projected


def _reasons(given: MethodOutput, inputs: AssessmentInputs, status: npt.NDArray[np.int8],
             ratio: FloatArray, short: npt.NDArray[np.bool_],
             late: str | None) -> npt.NDArray[np.object_]:
    """A reason wherever no ratio could be given and the unit has not achieved the goal:
    the engine's own where it withheld the data, else the method's."""
    reason = np.full(len(inputs.rows), None, dtype=object)
    judged = status != AssessmentStatus.ACHIEVED
    reason[judged] = np.asarray(given.reason, dtype=object)[judged]  # notes on a ratio too
    unexplained = judged & ~np.isfinite(ratio)
    reason[unexplained & ~reason.astype(bool)] = "the method gave no ratio"  # None, ""
    reason[unexplained & short] = ("needs values in two different years (a baseline "
                                   "and a current value)")
    reason[unexplained & (np.isnan(inputs.baseline) | np.isnan(inputs.current))] = (
        late or "no value up to the evaluation year")
    return reason


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
