"""A year's value from the periods of a source that reports by half, quarter or month.

A source with `period: month` returns panels with twelve columns per year (see
[`FetchRequest.slots`][qnkpi.sources.base.FetchRequest.slots]); each measure becomes one
column per year by its `over_time`: `sum` adds the periods up (a flow), `last` keeps
the latest period with a value (a stock or a state), `max` and `mean` what they say. A
cell with no value in any period stays missing, never 0. Everything after that (roll-up,
ratios of the added-up parts, checks) is as for yearly data.

A year the source's data do not reach the end of (the latest periods are still to come)
is not a year's value for a flow: its months so far are not the year, and judging them
against the year's target would report a shortfall that is only the calendar. Such a
year is left out for `sum` measures, with a note; a stock or a state is taken as it
stands at the latest period (`last`, `max`, `mean`), which is what it is.

An evaluation as of a point within a year (`evaluate(as_of="2025-06")`) first leaves
out every period that ends after it, so the as-of year's value is the year so far (its
targets are then judged as `qnkpi.engine.partial` says); a yearly source has no value
for that year, as its values are the whole year's. A source whose data stop short of the
as-of is, for that year, a source that stops inside the year, as above.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from qnkpi.periods import AsOf
from qnkpi.sources.base import FetchRequest

__all__ = ["fold", "fold_measures"]

FloatPanel = npt.NDArray[np.float64]


def fold(panel: FloatPanel, per_year: int, how: str) -> FloatPanel:
    """A panel of `per_year` columns per year made one column per year by `how`
    (`sum`, `last`, `max` or `mean`); all-missing periods give a missing year."""
    n_units = panel.shape[0]
    cube = panel.reshape(n_units, -1, per_year)
    has = ~np.isnan(cube)
    any_value = has.any(axis=2)
    with np.errstate(invalid="ignore"):
        if how == "sum":
            out = np.where(has, cube, 0.0).sum(axis=2)
        elif how == "max":
            out = np.where(has, cube, -np.inf).max(axis=2)
        elif how == "mean":
            out = np.where(has, cube, 0.0).sum(axis=2) / has.sum(axis=2)
        elif how == "last":
            last = per_year - 1 - np.argmax(has[:, :, ::-1], axis=2)
            out = np.take_along_axis(cube, last[:, :, None], axis=2)[:, :, 0]
        else:
            raise ValueError(f"unknown over_time '{how}'")
    return np.where(any_value, out, np.nan)


def fold_measures(request: FetchRequest, panels: dict[str, FloatPanel],
                  over_time: Mapping[str, str], as_of: AsOf | None = None,
                  ) -> tuple[dict[str, FloatPanel], list[str]]:
    """Every panel of a source made yearly, and notes: the year the data do not reach
    the end of, left out for flows; values after a partial as-of, left out.

    Args:
        request: The request the source served (its `per_year` and `period`).
        panels: Measure name -> the source's panel (`request.shape`).
        over_time: Measure name -> its `over_time`.
        as_of: The evaluation's as-of, when it falls before its year's end: periods
            that end after it are left out.
    """
    n = request.per_year
    slots = request.slots
    notes = []
    if as_of is not None and as_of.partial:
        after = ~as_of.ends(slots, request.period)
        if n == 1 and any((~np.isnan(p[:, after])).any() for p in panels.values()):
            notes.append(f"source '{request.source}' reports by year: its {as_of.year} "
                         f"values are the whole year's, so they are left out as of "
                         f"{as_of.label}")
        panels = {name: np.where(after[None, :], np.nan, p) for name, p in panels.items()}
    if n == 1:
        return panels, notes
    reported = np.zeros(len(slots), dtype=bool)
    for panel in panels.values():
        reported |= ~np.isnan(panel).all(axis=0)
    out = {name: fold(panel, n, over_time[name]) for name, panel in panels.items()}
    if reported.any():
        latest = int(np.flatnonzero(reported)[-1])
        year, index = divmod(latest, n)
        last = n - 1  # the year's last period, or the last one that ends by a partial as-of
        if as_of is not None and as_of.partial and int(request.years[year]) == as_of.year:
            last = as_of.months * n // 12 - 1
        if index < last:  # the data stop before the year's (or the as-of's) last period
            flows = [name for name in panels if over_time[name] == "sum"]
            for name in flows:
                out[name][:, year] = np.nan
            if flows:
                until = (f"the as-of {as_of.label}" if last < n - 1 and as_of is not None
                         else f"the end of {int(request.years[year])}")
                notes.append(
                    f"source '{request.source}' has data up to {request.label(int(slots[latest]))}"
                    f", before {until}: that year is left out "
                    f"of {', '.join(flows)} (added up over the year, its periods so far are "
                    "not the year's value)")
    return out, notes
