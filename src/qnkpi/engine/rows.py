"""The result as rows: checks and assessments as columns, dicts and
[`Check`][qnkpi.engine.rows.Check]s, built with numpy only when asked for.

[`Result`][qnkpi.engine.result.Result]'s `checks`, `check_columns` and
`assessment_rows` (and so its JSON) are made here, from its panels, so the result itself
stays a holder of arrays and what they add up to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qnkpi.engine.baselines import BASELINE_BASES
from qnkpi.verdicts import ASSESSMENT_STATUSES, OPS, STATUSES, Op

if TYPE_CHECKING:
    from qnkpi.engine.assess import Assessment
    from qnkpi.engine.due import Record
    from qnkpi.engine.result import Result
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["Check", "assessment_rows", "check_columns", "check_dicts"]


@dataclass(frozen=True)
class Check:
    """One (indicator, unit, year) judged against the threshold that applies there.

    A frozen dataclass with exactly the fields of a check in the JSON result; missing
    values are `None`.

    Attributes:
        indicator: The indicator's name.
        unit: The unit's code.
        unit_name: The unit's name in force that year.
        level: The unit's level.
        year: The year checked.
        value: The indicator's value, or `None` when missing.
        op: The comparison: `>`, `>=`, `<`, `<=`, `==` or `between`.
        threshold: The threshold, or `[min, max]` for `between`.
        margin: How far the value clears the threshold (positive on the passing side),
            or `None` when there is no value.
        numerator: The numerator, for kinds that divide; else `None`.
        denominator: The denominator, for kinds that divide; else `None`.
        status: `met`, `not_met` or `no_data`.
        target: The index of the target in the indicator's `targets` (for an
            interpolated threshold, the earlier target).
        interpolated: Whether the threshold was interpolated between two stated targets.
        goal: The target's `goal` flag.
        aspirational: The target's `aspirational` flag.
        assumed_year: The target's `assumed_year` flag.
        note: The target's `note`.
        basis: `as_reported`, or `restated` for a year restated onto a later tree.
        expected_units: At an aggregate, how many units it is made of; else `None`.
        reported_units: At an aggregate, how many of them reported; else `None`.
        coverage: `reported_units / expected_units`, or `None`.
        comparable_with_previous: Whether the value can be compared with the unit's
            value the year before: `False` where the units under it changed between the
            two years' trees (a reform, a split, a merge; see
            [`Result.comparable`][qnkpi.engine.result.Result.comparable]), `None` where
            there is no year before (the first year, a unit new that year).
        period: Only in a result as of a point before its year's end
            (`evaluate(as_of="2025-06")`): the period the check is judged at, `2025-06`
            for the as-of year (its value is the year so far), the year (`2024`) for
            the years before.
        partial: Only with `period`: how a check of the as-of year was judged: `as_is`
            (the value so far against the year's threshold), `prorate` (against the
            threshold times the share of the year gone), `milestone` (against the
            target's milestone) or `year_end` (status `not_due`); `None` for a whole year.
        year_threshold: Only with `period`: for a check of the as-of year, the year's
            own threshold (`[min, max]` for `between`), what `threshold` was made from;
            `None` for a whole year.
    """

    indicator: str
    unit: str
    unit_name: str
    level: str
    year: int
    value: float | None
    op: str
    threshold: float | list[float] | None
    margin: float | None
    numerator: float | None
    denominator: float | None
    status: str
    target: int
    interpolated: bool
    goal: bool
    aspirational: bool
    assumed_year: bool
    note: str | None
    basis: str = "as_reported"
    expected_units: int | None = None
    reported_units: int | None = None
    coverage: float | None = None
    comparable_with_previous: bool | None = None
    period: str | None = None
    partial: str | None = None
    year_threshold: float | list[float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The check as an object of the JSON result's `checks`: field name -> value
        (`period`, `partial` and `year_threshold` only in a result part-way through a
        year, where `period` is set)."""
        out = asdict(self)
        if self.period is None:
            del out["period"], out["partial"], out["year_threshold"]
        return out


def check_columns(result: Result, indicator: str) -> dict[str, list[Any]]:
    """One indicator's checks as columns: see
    [`Result.check_columns`][qnkpi.engine.result.Result.check_columns]."""
    res, tree = result.indicators[indicator], result.tree
    t, p = res.thresholds, res.panel
    cols, rows = np.nonzero(res.status.T)
    n = len(rows)
    ops = np.array(OPS, dtype=object)[t.op[rows, cols]]
    lo, hi = t.lo[rows, cols], t.hi[rows, cols]
    threshold = _nullable(lo)
    for k in np.flatnonzero(ops == Op.BETWEEN.symbol).tolist():
        threshold[k] = [float(lo[k]), float(hi[k])]
    target = t.target[rows, cols].tolist()
    targets = res.indicator.targets
    return {
        "indicator": [indicator] * n,
        "unit": np.array(tree.codes, dtype=object)[rows].tolist(),
        "unit_name": tree.unit_names(rows, cols),
        "level": np.array(tree.levels, dtype=object)[tree.level_of[rows]].tolist(),
        "year": tree.years[cols].tolist(),
        "value": _nullable(p.value[rows, cols]),
        "op": ops.tolist(),
        "threshold": threshold,
        "margin": _nullable(res.margin[rows, cols]),
        "numerator": [None] * n if p.numerator is None else _nullable(p.numerator[rows, cols]),
        "denominator": ([None] * n if p.denominator is None
                        else _nullable(p.denominator[rows, cols])),
        "status": np.array(STATUSES, dtype=object)[res.status[rows, cols]].tolist(),
        "target": target,
        "interpolated": t.interpolated[rows, cols].tolist(),
        "goal": [targets[i].goal for i in target],
        "aspirational": [targets[i].aspirational for i in target],
        "assumed_year": [targets[i].assumed_year for i in target],
        "note": [None if targets[i].note is None else targets[i].note.get("vi")
                 for i in target],
        "basis": np.where(result.restated[cols], "restated", "as_reported").tolist(),
        "expected_units": _counts(p.expected, rows, cols),
        "reported_units": _counts(p.reported, rows, cols),
        "coverage": _share(p.reported, p.expected, rows, cols),
        "comparable_with_previous": _flags(result.comparable(indicator)[rows, cols]),
        **(_partial_columns(result, indicator, rows, cols) if result.period else {}),
    }


def _partial_columns(result: Result, indicator: str, rows: npt.NDArray[np.intp],
                     cols: npt.NDArray[np.intp]) -> dict[str, list[Any]]:
    """`period`, `partial` and `year_threshold` of a result part-way through a year."""
    from qnkpi.engine.partial import PARTIAL

    assert result.period is not None
    res = result.indicators[indicator]
    part = res.partial
    at = cols == (part.column if part is not None else -1)
    years = result.tree.years[cols]
    period = np.where(at, result.period.label, years.astype(str)).tolist()
    how: list[Any] = [None] * len(rows)
    year_threshold: list[Any] = [None] * len(rows)
    if part is not None:
        for k in np.flatnonzero(at).tolist():
            row = rows[k]
            how[k] = PARTIAL[part.how[row]]
            lo, hi = float(part.year_lo[row]), float(part.year_hi[row])
            between = res.thresholds.op[row, cols[k]] == Op.BETWEEN
            year_threshold[k] = [lo, hi] if between else lo
    return {"period": period, "partial": how, "year_threshold": year_threshold}


def check_dicts(result: Result, indicator: str | None = None) -> Iterator[dict[str, Any]]:
    """Every check as an object of the JSON result's `checks`, in the order of
    [`Result.checks`][qnkpi.engine.result.Result.checks]."""
    for name in result.indicators:
        if indicator is None or name == indicator:
            columns = check_columns(result, name)
            keys = list(columns)
            for values in zip(*columns.values(), strict=True):
                yield dict(zip(keys, values, strict=True))


def assessment_rows(result: Result, indicator: str | None = None) -> Iterator[dict[str, Any]]:
    """Every assessment as an object of the JSON result's `assessments`: see
    [`Result.assessment_rows`][qnkpi.engine.result.Result.assessment_rows]."""
    names = result.tree.latest_names()
    for name in result.indicators:
        if indicator is not None and name != indicator:
            continue
        ind = result.indicators[name].indicator
        for group in result.assessment_groups(name):
            yield from _goal_rows(result, names, name, ind, group)


def _goal_rows(result: Result, names: list[str], name: str, ind: IndicatorSpec,
               group: list[Assessment]) -> Iterator[dict[str, Any]]:
    """The rows of one goal's assessments (one per method): by unit, then method."""
    tree = result.tree
    index = group[0].goal_target  # None: the trend of an indicator without a target
    target = ind.targets[index] if index is not None else None
    for k, row in enumerate(group[0].inputs.rows.tolist()):
        for a in group:
            inputs = a.inputs
            yield {
                "indicator": name,
                "unit": tree.codes[row],
                "unit_name": names[row],
                "level": tree.levels[tree.level_of[row]],
                "goal_year": inputs.goal_year,
                "goal": inputs.goal if target is not None else None,
                "op": target.op if target is not None else None,
                "aspirational": target.aspirational if target is not None else False,
                "method": a.method,
                "status": ASSESSMENT_STATUSES[a.status[k]],
                "ratio": _float(a.ratio[k]),
                "baseline": {"year": _year(inputs.baseline_year[k]),
                             "value": _float(inputs.baseline[k])},
                "current": {"year": _year(inputs.current_year[k]),
                            "value": _float(inputs.current[k])},
                "projected": _float(a.projected[k]),
                "required_annual_change": _float(a.required_annual_change[k]),
                "reason": a.reason[k],
                "basis": ("restated" if result.restated_to is not None
                          and inputs.baseline_year[k] < result.restated_to
                          else "as_reported"),
                "baseline_basis": BASELINE_BASES[0 if a.baseline_basis is None
                                                 else a.baseline_basis[k]],
                "record": _record(a.record, k),
            }


def _flags(values: npt.NDArray[np.float64]) -> list[bool | None]:
    """1.0/0.0 as True/False, NaN as None."""
    return [None if v != v else bool(v) for v in values.tolist()]


def _record(record: Record | None, k: int) -> dict[str, int] | None:
    """One unit's record as the JSON writes it, or None for a goal that is not one."""
    if record is None or not record.of[k]:
        return None
    return {"met": int(record.met[k]), "of": int(record.of[k]),
            "no_data": int(record.no_data[k])}


def _float(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _counts(panel: npt.NDArray[np.float64] | None, rows: npt.NDArray[np.intp],
            cols: npt.NDArray[np.intp]) -> list[int | None]:
    if panel is None:
        return [None] * len(rows)
    values = panel[rows, cols]
    return [None if v is None else int(v) for v in _nullable(values)]


def _share(part: npt.NDArray[np.float64] | None, whole: npt.NDArray[np.float64] | None,
           rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> list[float | None]:
    if part is None or whole is None:
        return [None] * len(rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _nullable(part[rows, cols] / whole[rows, cols])


def _year(value: float) -> int | None:
    return None if np.isnan(value) else int(value)


def _nullable(values: npt.NDArray[np.float64]) -> list[Any]:
    """Floats as a list, NaN as None."""
    out: list[Any] = values.tolist()
    if np.isnan(values).any():
        for k in np.flatnonzero(np.isnan(values)).tolist():
            out[k] = None
    return out
