"""The html report's trend chart: an indicator at the top unit, as plain numbers in SVG
user units (the template draws them): the actual values per year, each year's
threshold (a stated target, or a reference path interpolated between two), the goal
and the projection of `linear_path` to the goal year.

The line of actual values is never drawn across a change of tree: where the result marks
a year not comparable with the one before (a reorganisation changed the units that
make up the aggregate), the line stops, a dashed rule marks the change and the legend
says so.

Part-way through a year (`--as-of 2025-06`), the as-of year's value is no year's value
and is never drawn as one: it is a hollow point apart from the line, labelled. A stock
or a rate (a target judged `as_is`) stands where the months gone put it on the year axis
(June 2025 at 2024.5, the end of 2024 being 2024), joined to the year before by a dashed
line only; a flow (counts added up since January) is the year so far, at its year,
labelled "so far" and joined to nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.engine.partial import AS_IS, MILESTONE, PRORATE, default_partial
from qnkpi.i18n import elapsed_title, format_value, gettext, period_title
from qnkpi.reporters._present import bound, headline
from qnkpi.reporters._terms import rule_label, threshold_label
from qnkpi.verdicts import Op

if TYPE_CHECKING:
    import numpy.typing as npt

    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.periods import AsOf

__all__ = ["Break", "Chart", "Point", "Segment", "SoFar", "chart"]

# chart geometry (SVG user units)
_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM = 600, 250, 60, 28, 14, 34



@dataclass(frozen=True)
class Point:
    """A point of a chart with its tooltip."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Segment:
    """A line of a chart with its tooltip."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    reference: bool = False  # a threshold interpolated between stated targets


@dataclass(frozen=True)
class Break:
    """A change of tree between two years: the line of actual values stops there.
    `x` is midway between the years; `label` says which change (`not comparable
    across the 2025 reorganisation`)."""

    x: float
    year: int
    label: str


@dataclass(frozen=True)
class SoFar:
    """The as-of year's value part-way through it, drawn hollow and apart from the line.

    Attributes:
        x: Where it stands on the year axis: a stock at the months gone (2024.5 for June
            2025), a flow at its year.
        y: Its value.
        label: The tooltip: the period and the value, and whether it is the year so far
            or the value as it stands.
        text: The words beside it: `T6/2025` (a stock), `lũy kế 6 tháng` (a flow).
        stock: Whether it is a stock (or a rate) as it stands, rather than a flow.
        join: The dashed line from the year before's point (`x1 y1 x2 y2`), for a
            stock; `None` otherwise.
        text_y: Where its words stand (above the point, or below it near the top).
    """

    x: float
    y: float
    label: str
    text: str
    stock: bool
    join: Segment | None
    text_y: float


@dataclass(frozen=True)
class Chart:
    """An indicator's trend at one unit, in SVG user units (numbers only; the template
    draws it)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    unit: str
    x_ticks: list[Point]
    y_ticks: list[Point]
    lines: list[str]  # polyline points of the actual values, broken at gaps
    dots: list[Point]
    thresholds: list[Segment]
    goal: Point | None
    projection: Segment | None
    note: str
    breaks: list[Break] = field(default_factory=list)
    so_far: SoFar | None = None
    #: Part-way through a year: what the hollow point is, for the legend and the text
    #: alternative; `""` otherwise.
    so_far_key: str = ""

    @property
    def stated(self) -> bool:
        """Whether some threshold is a stated target (not interpolated)."""
        return any(not s.reference for s in self.thresholds)

    @property
    def reference(self) -> bool:
        """Whether some threshold is a reference path, interpolated between targets."""
        return any(s.reference for s in self.thresholds)



def chart(result: Result, res: IndicatorResult, group: list[Assessment], top: int,
          lang: str, breaks: npt.NDArray[np.bool_] | None = None) -> Chart | None:
    """The top unit's trend: values, yearly thresholds, the goal and the projection of
    `linear_path` to the goal year; None when there is nothing to draw.

    `breaks` (units x years, or None) marks the values not comparable with the year
    before: the line stops there."""
    ind = res.indicator
    years: list[int] = result.years.tolist()
    values = res.panel.value[top]
    period = result.period
    # part-way through a year, its column holds the year so far: drawn apart, not joined
    pcol = res.partial.column if period is not None and res.partial is not None else -1
    t = res.thresholds
    has_t = t.op[top] != Op.NONE
    goal, projection = _goal_point(res, group, top, lang)
    numbers = [values[~np.isnan(values)], t.lo[top][has_t], t.hi[top][has_t]]
    extra = [v for v in (goal[1] if goal else math.nan,
                         *(projection[1::2] if projection else ())) if math.isfinite(v)]
    finite = np.concatenate([*numbers, np.array(extra, dtype=float)])
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        return None
    y_lo, y_hi, step = _scale(float(finite.min()), float(finite.max()), ind.unit)
    x0 = years[0]
    x1 = max(years[-1], goal[0] if goal else x0, int(projection[2]) if projection else x0)
    if x1 == x0:
        x1 = x0 + 1
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x_of(year: float) -> float:
        return round(_LEFT + (year - x0) / (x1 - x0) * plot_w, 1)

    def y_of(value: float) -> float:
        return round(_TOP + (y_hi - value) / (y_hi - y_lo) * plot_h, 1)

    def fmt(value: float) -> str:
        return format_value(float(value), ind, lang)

    x_ticks = [Point(x_of(yr), _H - _BOTTOM + 18, str(yr)) for yr in range(x0, x1 + 1)]
    count = round((y_hi - y_lo) / step)
    percent = "%" if ind.unit == "percent" else ""
    y_ticks = [Point(_LEFT - 6, y_of(y_lo + k * step), bound(y_lo + k * step, lang) + percent)
               for k in range(count + 1)]
    cut = np.zeros(len(years), dtype=bool) if breaks is None else breaks[top].copy()
    cut[0] = False
    lines: list[str] = []
    dots: list[Point] = []
    run: list[str] = []
    for col, value in enumerate(values.tolist()):
        if col == pcol:
            value = math.nan
        if math.isnan(value) or cut[col]:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
        if math.isnan(value):
            continue
        run.append(f"{x_of(years[col])},{y_of(value)}")
        dots.append(Point(x_of(years[col]), y_of(value), f"{years[col]}: {fmt(value)}"))
    if len(run) > 1:
        lines.append(" ".join(run))
    half = 0.32 * plot_w / (x1 - x0)
    thresholds = []
    for col in np.flatnonzero(has_t).tolist():
        reference = bool(t.interpolated[top, col])
        word = gettext("reference path" if reference else "target", lang)
        # a threshold of the as-of year is the year's own, unless it was prorated or
        # is a milestone: then it is the period's
        when = (period_title(period, lang) if col == pcol and period is not None
                and res.partial is not None and int(res.partial.how[top]) in (PRORATE, MILESTONE)
                else years[col])
        label = f"{word} {when}: {threshold_label(res, top, col, lang)}"
        for level in {float(t.lo[top, col]), float(t.hi[top, col])}:
            if math.isfinite(level):
                cx = x_of(years[col])
                left, right = max(cx - half, _LEFT), min(cx + half, _W - _RIGHT)
                thresholds.append(Segment(left, y_of(level), right, y_of(level), label,
                                          reference))
    marks = [Break(round((x_of(years[col] - 1) + x_of(years[col])) / 2, 1), years[col],
                   gettext("not comparable across the {year} reorganisation", lang)
                   .format(year=years[col]))
             for col in np.flatnonzero(cut).tolist()]
    goal_point = None
    if goal:
        goal_point = Point(x_of(goal[0]), y_of(goal[1]), f"{goal[0]}: {goal[2]}")
    so_far = None
    if pcol >= 0 and period is not None and math.isfinite(values[pcol]):
        so_far = _so_far(result, res, top, pcol, period, lang, x_of, y_of, fmt,
                         None if cut[pcol] else _before(values, pcol, x_of, y_of, years))
    line = None
    if projection:
        now, current, goal_year, projected = projection
        if period is not None and int(now) == period.year:  # the value so far, where
            now = period.year - 1 + period.fraction  # the assessment places it
        line = Segment(x_of(now), y_of(current), x_of(goal_year), y_of(projected),
                       gettext("projected {year}: {value}", lang)
                       .format(year=int(goal_year), value=fmt(projected)))
    note = "" if has_t.any() else gettext(
        "The targets apply to the units below: see the grid.", lang)
    key = ""
    if so_far is not None and period is not None:
        key = gettext("hollow point: {period}, not a whole year", lang).format(
            period=period_title(period, lang))
    return Chart(_W, _H, _LEFT, _RIGHT, _TOP, _BOTTOM,
                 result.tree.latest_names(lang)[top], x_ticks, y_ticks, lines, dots,
                 thresholds, goal_point, line, note, marks, so_far, key)


def _before(values: npt.NDArray[np.float64], col: int, x_of: Any, y_of: Any,
            years: list[int]) -> tuple[float, float] | None:
    """The point of the year before column `col`, where it has a value."""
    if col == 0 or not math.isfinite(values[col - 1]):
        return None
    return x_of(years[col - 1]), y_of(float(values[col - 1]))


def _is_stock(result: Result, res: IndicatorResult, top: int) -> bool:
    """Whether the as-of year's value is a stock or a rate as it stands (its target is
    judged `as_is`), rather than a flow added up since January (judged prorated, against
    a milestone or at the year's end), as the assessments take it; where the top unit
    has no target that year, as its indicator is judged by default."""
    assert res.partial is not None
    how = int(res.partial.how[top])
    if how:
        return how == AS_IS
    return default_partial(result.spec, res.name) == "as_is"


def _so_far(result: Result, res: IndicatorResult, top: int, col: int, period: AsOf,
            lang: str, x_of: Any, y_of: Any, fmt: Any,
            before: tuple[float, float] | None) -> SoFar:
    """The as-of year's point: a stock where the months gone put it, joined to the year
    before by a dashed line; a flow at its year, alone."""
    value = float(res.panel.value[top, col])
    stock = _is_stock(result, res, top)
    name = period_title(period, lang)
    name = name[:1].upper() + name[1:]
    y = y_of(value)
    if stock:
        x = x_of(period.year - 1 + period.fraction)
        label = gettext("{period}, as it stands: {value}", lang).format(
            period=name, value=fmt(value))
        text = _month_label(period, lang)
        join = None if before is None else Segment(*before, x, y, label)
    else:
        x = x_of(period.year)
        label = gettext("{period}, the year so far: {value}", lang).format(
            period=name, value=fmt(value))
        text = gettext("{elapsed} so far", lang).format(
            elapsed=elapsed_title(period, lang))
        join = None
    text_y = y - 10 if y - 10 >= _TOP + 10 else y + 20
    return SoFar(x, y, label, text, stock, join, round(text_y, 1))


def _month_label(period: AsOf, lang: str) -> str:
    """The month a stock's value stands at, short: `T6/2025`, `Jun 2025`."""
    if lang == "vi":
        return f"T{period.months}/{period.year}"
    from babel.dates import get_month_names

    return f"{get_month_names('abbreviated', locale='en_US')[period.months]} {period.year}"


def _goal_point(res: IndicatorResult, group: list[Assessment], top: int,
                lang: str) -> tuple[tuple[int, float, str] | None,
                                   tuple[float, float, float, float] | None]:
    """The goal (year, value, rule) where it applies to the top unit, and the projection
    (current year, current, goal year, projected) of `linear_path` there."""
    from qnkpi.engine.assess import goal_of

    index = group[0].goal_target if group else goal_of(res.indicator)
    goal = None
    projection = None
    rows = group[0].inputs.rows.tolist() if group else []
    if index is not None:
        target = res.indicator.targets[index]
        if top in rows:
            value = group[0].inputs.goal
        elif target.scope is None:
            lo, hi = target.bounds
            value = lo if target.op != "between" or res.indicator.direction == "increase" else hi
        else:
            value = math.nan
        if math.isfinite(value):
            goal = (target.last_year, float(value),
                    rule_label(target.op, *target.bounds, res.indicator, lang))
    main = headline(group, fallback=False)  # a straight line: linear_path's alone
    if main is not None and top in rows:
        k = rows.index(top)
        inputs = main.inputs
        point = (float(inputs.current_year[k]), float(inputs.current[k]),
                 float(inputs.goal_year), float(main.projected[k]))
        if all(math.isfinite(v) for v in point):
            projection = point
    return goal, projection


def _scale(lo: float, hi: float, unit: str) -> tuple[float, float, float]:
    """A y range holding `lo`..`hi` (and zero) on round ticks: (bottom, top, step)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if unit == "percent" and hi <= 100 and lo >= 0:
        hi = 100.0
    span = hi - lo or abs(hi) or 1.0
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12)
    bottom, top = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return bottom, max(top, bottom + 4 * step), step
