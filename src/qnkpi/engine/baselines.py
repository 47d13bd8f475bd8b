"""Baselines on the current value's tree: never a trend across a change of tree.

An assessment compares a baseline with a current value. Where the organisation changed
between the two years for that unit (a break, see `qnkpi.engine.breaks`), the two
figures are of different things, and the comparison would be a trend that is not one.
The baseline is then taken, in this order:

1. `restated`: the baseline year's value carried onto the current year's tree through
   the units' lineage (`qnkpi.engine.restate`), where every measure it needs can be
   carried (a measure with `restate: none` cannot, nor one whose shares are unknown);
2. `current_tree`: else the first year with a value on the current tree (which may be
   the current year itself, leaving too little data to judge).

Without a break the baseline stays `as_reported`. Each unit's choice is its assessment's
`baseline_basis`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from qnkpi.engine.breaks import since_break, tree_breaks
from qnkpi.kinds.base import FloatPanel, IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.plugin.registry import Plugins
from qnkpi.spec.spec import Spec

__all__ = ["AS_REPORTED", "BASELINE_BASES", "CURRENT_TREE", "RESTATED", "carried_panels",
           "carried_values", "choose_baselines"]

BASELINE_BASES: tuple[str, ...] = ("as_reported", "restated", "current_tree")
"""An assessment's `baseline_basis` by code: 0 `as_reported`, 1 `restated`, 2
`current_tree`."""
AS_REPORTED, RESTATED, CURRENT_TREE = 0, 1, 2

FloatArray = npt.NDArray[np.float64]


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress to show."""


def carried_panels(spec: Spec, tree: OrgTree, measures: dict[str, FloatPanel], as_of: int,
                   plugins: Plugins,
                   progress: Callable[[str, int, int], None] | None = None,
                   ) -> dict[str, IndicatorPanel] | None:
    """Every indicator computed with the years before `as_of` restated onto `as_of`'s
    tree: where assessments take a baseline across a break from. `None` when no unit
    breaks up to `as_of` (nothing to carry, and nothing computed twice).

    Args:
        spec: The spec.
        tree: The tree as reported (not restated).
        measures: The measures as read.
        as_of: The as-of year: the tree the baselines are carried onto.
        plugins: As for `compute_indicators`.
        progress: As for `compute_indicators`; default: none shown.
    """
    from qnkpi.engine.compute import compute_indicators
    from qnkpi.engine.restate import restate

    years = tree.years
    if as_of not in years or not tree_breaks(tree)[:, years <= as_of].any():
        return None
    rtree, rmeasures, restated = restate(tree, measures, spec.measures, as_of)
    return compute_indicators(spec, rtree, rmeasures, restated, plugins, progress or _quiet)


def choose_baselines(values: FloatArray, breaks: npt.NDArray[np.bool_],
                     years: npt.NDArray[np.int64], as_of: int,
                     base_year: int | None, carried: FloatArray | None,
                     baseline_year: FloatArray, baseline: FloatArray,
                     current_year: FloatArray,
                     ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8]]:
    """Each unit's baseline on its current value's tree.

    Args:
        values: The indicator at the assessed units (units x years).
        breaks: The indicator's breaks at the same units (units x years).
        years: The years of the columns.
        as_of: The as-of year (the tree `carried` is on).
        base_year: The `base_year` setting, or None.
        carried: The indicator restated onto `as_of`'s tree at the same units, or None.
        baseline_year: The baselines as reported: their years (NaN where none) ...
        baseline: ... and values.
        current_year: Each unit's current year (NaN where none).

    Returns:
        `(baseline_year, baseline, basis)`: new arrays, `basis` the
            [`BASELINE_BASES`][qnkpi.engine.baselines.BASELINE_BASES] codes.
    """
    n = len(values)
    basis = np.zeros(n, dtype=np.int8)
    has = ~np.isnan(baseline_year) & ~np.isnan(current_year)
    if not n or not breaks.any():
        return baseline_year.copy(), baseline.copy(), basis
    rows = np.arange(n)
    start = since_break(breaks)  # [units, years]: where each column's run begins
    first = int(years[0])
    cur_col = np.where(has, np.nan_to_num(current_year) - first, 0).astype(np.int64)
    base_col = np.where(has, np.nan_to_num(baseline_year) - first, 0).astype(np.int64)
    run = start[rows, cur_col]
    across = has & (base_col < run)
    if not across.any():
        return baseline_year.copy(), baseline.copy(), basis
    out_year, out_value = baseline_year.copy(), baseline.copy()
    # 1. restated, where the current value is on the as-of tree and the value carries
    if carried is not None:
        as_of_col = int(np.flatnonzero(years == as_of)[0])
        on_as_of = run == start[:, as_of_col]
        moved = carried[rows, base_col]
        ok = across & on_as_of & (base_col < as_of_col) & ~np.isnan(moved)
        out_value[ok] = moved[ok]
        basis[ok] = RESTATED
        across &= ~ok
    # 2. the first year with a value on the current tree
    cols = np.arange(values.shape[1])
    since = ((cols[None, :] >= run[:, None]) & (cols[None, :] <= cur_col[:, None])
             & ~np.isnan(values))
    if base_year is not None:
        since &= (years >= base_year)[None, :]
    found = since.any(axis=1)
    pick = np.argmax(since, axis=1)
    out_year[across] = np.where(found, years[pick], np.nan)[across]
    out_value[across] = np.where(found, values[rows, pick], np.nan)[across]
    basis[across] = CURRENT_TREE
    return out_year, out_value, basis


def carried_values(panel: IndicatorPanel | None, rows: npt.NDArray[np.intp]) -> FloatArray | None:
    """The restated values at `rows`, missing where an aggregate could not carry every
    unit under it (a share of the units that could be carried is not a baseline)."""
    if panel is None:
        return None
    value = panel.value[rows]
    if panel.expected is None or panel.reported is None:
        return value
    with np.errstate(invalid="ignore"):
        partial = panel.reported[rows] < panel.expected[rows]
    return np.where(partial, np.nan, value)
