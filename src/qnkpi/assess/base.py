"""What an assessment method is: a function of baseline, current value and goal, over
whole arrays of units at once.

The engine works out, per indicator and unit, the baseline, the current value and the
goal (see :mod:`qnkpi.engine.assess`), decides ``achieved`` and ``insufficient_data``
itself, and asks each method only for a *ratio* of progress (1 = exactly on course) and
a *projection* to the goal year. Statuses follow from the ratio and the programme's
cut-offs, the same for every method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["ASSESSMENT_STATUSES", "AssessmentInputs", "AssessmentMethod", "MethodOutput"]

FloatArray = npt.NDArray[np.float64]

#: Status codes of assessments; 0 means "not assessed".
ASSESSMENT_STATUSES: tuple[str, ...] = (
    "", "achieved", "on_track", "at_risk", "off_track", "regressing", "insufficient_data")


@dataclass(frozen=True, eq=False)
class AssessmentInputs:
    """One indicator's assessed units, as arrays of equal length (one entry per unit).

    Years are floats so that missing ones can be NaN. ``values`` is the indicator's whole
    panel for methods that want more than two points (rows ``rows``, columns ``years``).
    """

    indicator: str
    rows: npt.NDArray[np.intp]  # the units' rows in the panels
    baseline_year: FloatArray
    baseline: FloatArray
    current_year: FloatArray
    current: FloatArray
    goal_year: int
    goal: float
    direction: int  # +1 increase, -1 decrease
    years: npt.NDArray[np.int64]
    values: FloatArray  # [units, years]


@dataclass(frozen=True, eq=False)
class MethodOutput:
    """What a method returns: ``ratio`` (NaN where it cannot judge, with the ``reason``
    at the same position) and the value it ``projected`` for the goal year."""

    ratio: FloatArray
    projected: FloatArray
    reason: list[str | None]


@runtime_checkable
class AssessmentMethod(Protocol):
    """An assessment method: register an instance with ``register(name, method)`` from a
    ``register_assessment_methods`` hook."""

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        """Ratio and projection for every unit of ``inputs``, vectorised."""
        ...


def reasons(size: int, *pairs: tuple[npt.NDArray[np.bool_], str]) -> list[str | None]:
    """A reason per unit: the first message whose mask is true there, else None."""
    out = np.full(size, None, dtype=object)
    for mask, message in reversed(pairs):
        out[mask] = message
    return list(out)
