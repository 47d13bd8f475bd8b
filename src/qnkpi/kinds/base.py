"""What an indicator kind is: a spec model that knows how to compute its panel.

A kind is a subclass of :class:`qnkpi.spec.models.IndicatorSpec` with
``kind: Literal["name"]``, its own keys, and two methods: :meth:`inputs` (which measures
and indicators it reads, so the spec checks can verify them and the engine can order the
work) and :meth:`compute` (whole panels in, one :class:`IndicatorPanel` out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from qnkpi.spec.models import IndicatorSpec, MeasureSpec

if TYPE_CHECKING:
    from qnkpi.orgunits import OrgTree

__all__ = ["IndicatorKind", "IndicatorPanel", "Input", "KindContext"]

FloatPanel = npt.NDArray[np.float64]


class Input(NamedTuple):
    """One thing an indicator reads: the key that names it, and what it names."""

    key: tuple[str | int, ...]
    what: Literal["measure", "indicator"]
    name: str


@dataclass(frozen=True, eq=False)
class IndicatorPanel:
    """An indicator's values at every unit and year, after roll-up (NaN = missing).

    Kinds that divide keep their ``numerator`` and ``denominator`` so reports can
    explain a value; others leave them ``None``. ``expected`` and ``reported`` count, at
    each aggregate, the units it is made of and those that reported (NaN where the value
    is not an aggregate). A kind that reads measures may leave them ``None``: the engine
    counts the units that reported every measure the kind reads.
    """

    value: FloatPanel
    numerator: FloatPanel | None = None
    denominator: FloatPanel | None = None
    expected: FloatPanel | None = None
    reported: FloatPanel | None = None


@dataclass(frozen=True, eq=False)
class KindContext:
    """What :meth:`IndicatorKind.compute` may read."""

    tree: OrgTree
    measures: Mapping[str, FloatPanel]  # as the sources returned them, not rolled up
    measure_specs: Mapping[str, MeasureSpec]
    indicators: Mapping[str, IndicatorPanel]  # already computed inputs

    def measure(self, name: str) -> FloatPanel:
        """The measure as reported (NaN where a unit did not report it)."""
        return self.measures[name]

    def rolled(self, name: str) -> FloatPanel:
        """The measure rolled up the tree by its own ``rollup`` rule."""
        return self.tree.rollup(self.measures[name], self.measure_specs[name].rollup)


class IndicatorKind(IndicatorSpec):
    """Base class for indicator kinds. Subclass it, set ``kind``, add keys, implement both
    methods, and register the class from a ``register_indicator_kinds`` hook."""

    def inputs(self) -> list[Input]:
        """The measures and indicators this indicator reads."""
        raise NotImplementedError

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        """The indicator at every unit and year of ``ctx.tree``."""
        raise NotImplementedError
