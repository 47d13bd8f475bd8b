"""`value`: a measure as it is, rolled up by the measure's own rule."""

from __future__ import annotations

from typing import Literal

from qnkpi.kinds.base import IndicatorKind, IndicatorPanel, Input, KindContext
from qnkpi.spec.models import Name


class ValueIndicator(IndicatorKind):
    """One measure, per unit and year; units that did not report get their children's
    values rolled up by the measure's `rollup` rule."""

    kind: Literal["value"]
    measure: Name

    def inputs(self) -> list[Input]:
        """The one measure."""
        return [Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        """The measure rolled up by its own `rollup` rule."""
        return IndicatorPanel(ctx.rolled(self.measure))
