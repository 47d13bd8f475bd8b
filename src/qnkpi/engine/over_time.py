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
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

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
                  over_time: Mapping[str, str]) -> tuple[dict[str, FloatPanel], list[str]]:
    """Every panel of a source that reports by period made yearly, and notes: the year
    the data do not reach the end of, left out for flows.

    Args:
        request: The request the source served (its `per_year` and `period`).
        panels: Measure name -> the source's panel (`request.shape`).
        over_time: Measure name -> its `over_time`.
    """
    n = request.per_year
    if n == 1:
        return panels, []
    slots = request.slots
    reported = np.zeros(len(slots), dtype=bool)
    for panel in panels.values():
        reported |= ~np.isnan(panel).all(axis=0)
    notes = []
    out = {name: fold(panel, n, over_time[name]) for name, panel in panels.items()}
    if reported.any():
        latest = int(np.flatnonzero(reported)[-1])
        if latest % n != n - 1:  # the data stop before the year's last period
            year = latest // n
            flows = [name for name in panels if over_time[name] == "sum"]
            for name in flows:
                out[name][:, year] = np.nan
            if flows:
                notes.append(
                    f"source '{request.source}' has data up to {request.label(int(slots[latest]))}"
                    f", before the end of {int(request.years[year])}: that year is left out "
                    f"of {', '.join(flows)} (added up over the year, its periods so far are "
                    "not the year's value)")
    return out, notes
