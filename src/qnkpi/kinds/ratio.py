"""`ratio`: numerator / denominator x factor, as a ratio of sums at every level."""

from __future__ import annotations

from typing import Literal

import numpy as np

from qnkpi.kinds.base import IndicatorKind, IndicatorPanel, Input, KindContext
from qnkpi.spec.models import Name


class RatioIndicator(IndicatorKind):
    """`numerator / denominator x factor`.

    Above the units that report, numerator and denominator are each summed over the
    same children (those that reported both) before dividing: a ratio of sums, never a
    mean of percentages. A zero denominator gives a missing value.
    """

    kind: Literal["ratio"]
    numerator: Name
    denominator: Name
    factor: float = 1.0

    def inputs(self) -> list[Input]:
        """The numerator and denominator measures."""
        return [
            Input(("numerator",), "measure", self.numerator),
            Input(("denominator",), "measure", self.denominator),
        ]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        """Sum numerator and denominator over the units that reported both, then divide."""
        num, den = ctx.measure(self.numerator), ctx.measure(self.denominator)
        pair = ~np.isnan(num) & ~np.isnan(den)
        num = ctx.tree.rollup(np.where(pair, num, np.nan), "sum")
        den = ctx.tree.rollup(np.where(pair, den, np.nan), "sum")
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            # multiply first: 7 * 100 / 10 is exactly 70, 7 / 10 * 100 is not
            value = np.where(den != 0, num * self.factor / den, np.nan)
        return IndicatorPanel(value, num, den)
