"""`sum`: several measures added up per unit, then rolled up as a sum."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from qnkpi.kinds.base import IndicatorKind, IndicatorPanel, Input, KindContext
from qnkpi.spec.models import Name


class SumIndicator(IndicatorKind):
    """The sum of `measures` at each unit that reported all of them (a sum with a
    missing part is missing, never a smaller number), rolled up as a sum."""

    kind: Literal["sum"]
    measures: tuple[Name, ...] = Field(min_length=1)

    def inputs(self) -> list[Input]:
        """Each of `measures`."""
        return [Input(("measures", i), "measure", m) for i, m in enumerate(self.measures)]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        """Add up the measures per unit, then roll the sum up."""
        total = np.sum([ctx.measure(m) for m in self.measures], axis=0)  # NaN if any missing
        return IndicatorPanel(ctx.tree.rollup(total, "sum"))
