"""The line a report leads with: per year, how many of the top unit's targets were met.

A Vietnamese report opens with "Năm 2025: 3/9 chỉ tiêu đạt và vượt": of the targets the
top unit (the province) had that year with a figure, how many were met or exceeded.
The per-unit counts of the summary come after it; 180 of 205 checks met across every
unit can hide that the province itself met 3 of 9.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.verdicts import CheckStatus

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["YearCount", "headline"]


@dataclass(frozen=True)
class YearCount:
    """One year's count of the top unit's targets.

    Attributes:
        year: The year.
        met: How many of the top unit's checks that year were met (met or exceeded).
        of: How many had a figure to judge (met or not met).
        no_data: How many had no figure (not in `of`).
    """

    year: int
    met: int
    of: int
    no_data: int

    def to_dict(self) -> dict[str, Any]:
        """The count as an object of the JSON summary's `by_year`."""
        return asdict(self)


def headline(result: Result) -> list[YearCount]:
    """Per year with at least one check at the top unit, the counts of its targets:
    each indicator with a threshold at the top unit (the unit without a parent in that
    year's tree; each of them, if several) that year counts once. Years in order; none
    after the as-of year (nothing is checked there).

    Args:
        result: The result.
    """
    top = result.tree.top_mask()
    n_years = top.shape[1]
    met = np.zeros(n_years, dtype=np.int64)
    not_met = np.zeros(n_years, dtype=np.int64)
    no_data = np.zeros(n_years, dtype=np.int64)
    for res in result.indicators.values():
        status = np.where(top, res.status, CheckStatus.NONE)
        met += (status == CheckStatus.MET).sum(axis=0)
        not_met += (status == CheckStatus.NOT_MET).sum(axis=0)
        no_data += (status == CheckStatus.NO_DATA).sum(axis=0)
    years = result.tree.years
    return [YearCount(int(years[c]), int(met[c]), int(met[c] + not_met[c]), int(no_data[c]))
            for c in np.flatnonzero(met + not_met + no_data).tolist()]
