"""`share_of_units`: the share of units at a level that meet a per-unit rule."""

from __future__ import annotations

from typing import Literal

import numpy as np

from qnkpi.kinds.base import IndicatorKind, IndicatorPanel, Input, KindContext
from qnkpi.spec.models import Name, Rule
from qnkpi.verdicts import compare, op_code


class ShareOfUnitsIndicator(IndicatorKind):
    """At each unit, the percentage of the units of `level` in its subtree (itself
    included when its level is listed) whose `of` indicator meets `rule`.

    The expected units come from that year's tree, not from the data: a unit that did
    not report counts as not meeting the rule (`missing: not_met`, the default) or is
    left out of numerator and denominator (`missing: skip`). In a year restated onto a
    later tree, a unit whose value could not be carried there is left out either way.
    Where none of the expected units reported, the share is missing (no data), never 0%.
    """

    kind: Literal["share_of_units"]
    of: Name
    level: str | tuple[str, ...]
    rule: Rule
    missing: Literal["skip", "not_met", "no_data"] = "not_met"
    unit: str = "percent"

    @property
    def level_names(self) -> tuple[str, ...]:
        """The level names of `level`, as a tuple."""
        return (self.level,) if isinstance(self.level, str) else self.level

    def inputs(self) -> list[Input]:
        """The `of` indicator."""
        return [Input(("of",), "indicator", self.of)]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        """Count the units of `level` meeting `rule` in each subtree, over those expected."""
        tree = ctx.tree
        per_unit = ctx.indicators[self.of].value
        expected = tree.level_mask(self.level_names)
        reported = expected & ~np.isnan(per_unit)
        lo, hi = self.rule.bounds
        op = np.int8(op_code(self.rule.op))
        meets = reported & compare(per_unit, op, lo, hi)  # type: ignore[arg-type]
        numerator = tree.subtree_count(meets)
        # a unit without a value in a restated year is unknown, not one that failed to
        # report: it is left out, as with `missing: skip`
        counted = (reported if self.missing == "skip" else expected if ctx.restated is None
                   else np.where(ctx.restated[None, :], reported, expected))
        denominator = tree.subtree_count(counted)
        # where no expected unit reported at all there is no share to speak of, not 0%
        known = (denominator > 0) & (tree.subtree_count(reported) > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(known, numerator * 100.0 / denominator, np.nan)
        numerator = np.where(known, numerator, np.nan)
        denominator = np.where(known, denominator, np.nan)
        counted = tree.subtree_count(expected)
        aggregate = counted > 0
        return IndicatorPanel(value, numerator, denominator,
                              expected=np.where(aggregate, counted, np.nan),
                              reported=np.where(aggregate, tree.subtree_count(reported), np.nan))
