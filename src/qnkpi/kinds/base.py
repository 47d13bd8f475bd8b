"""What an indicator kind is: a spec model that knows how to compute its panel.

A kind is a subclass of [`IndicatorKind`][qnkpi.kinds.base.IndicatorKind] with
`kind: Literal["name"]`, its own keys, and two methods:
[`inputs`][qnkpi.kinds.base.IndicatorKind.inputs] (which measures and indicators it
reads, so the spec checks can verify them and the engine can order the work) and
[`compute`][qnkpi.kinds.base.IndicatorKind.compute] (whole panels in, one
[`IndicatorPanel`][qnkpi.kinds.base.IndicatorPanel] out).
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
    """One thing an indicator reads: the key that names it, and what it names.

    Written `Input(("measure",), "measure", self.measure)`.

    Attributes:
        key: The path of the key inside the indicator: `("measure",)`, or
            `("measures", 0)` for an item of a list. Problems about the name point there.
        what: `"measure"` or `"indicator"`.
        name: The name written there.
    """

    key: tuple[str | int, ...]
    what: Literal["measure", "indicator"]
    name: str


@dataclass(frozen=True, eq=False)
class IndicatorPanel:
    """An indicator's values at every unit and year, after roll-up.

    Every array has the shape of the tree (units x years); NaN is missing.

    Attributes:
        value: The indicator's value at every unit, not only at those that reported.
        numerator: For kinds that divide, the numerator, so reports can explain a value;
            `None` for others.
        denominator: For kinds that divide, the denominator; `None` for others.
        expected: At each aggregate, how many units it is made of (NaN where the value
            is not an aggregate). A kind that reads measures may leave it `None`: the
            engine then counts the units that reported every measure the kind reads.
        reported: At each aggregate, how many of the expected units reported; `None` as
            for `expected`.
    """

    value: FloatPanel
    numerator: FloatPanel | None = None
    denominator: FloatPanel | None = None
    expected: FloatPanel | None = None
    reported: FloatPanel | None = None


@dataclass(frozen=True, eq=False)
class KindContext:
    """What [`IndicatorKind.compute`][qnkpi.kinds.base.IndicatorKind.compute] may read.

    Attributes:
        tree: The organisation: which unit is which row, each year's tree, roll-ups.
        measures: Measure name -> panel, as the sources returned it (NaN where a unit
            did not report), not rolled up.
        measure_specs: Measure name -> its spec (its `rollup`, `aggregate`...).
        indicators: Indicator name -> panel, for the indicators this one declared as
            inputs: already computed and rolled up.
        restated: Per year column, whether the year is restated onto a later tree
            (`--restate-to`); `None` when nothing is. In a restated year a unit without
            a value did not fail to report: its value could not be carried onto the
            later tree, so it is unknown rather than missing.
    """

    tree: OrgTree
    measures: Mapping[str, FloatPanel]
    measure_specs: Mapping[str, MeasureSpec]
    indicators: Mapping[str, IndicatorPanel]
    restated: npt.NDArray[np.bool_] | None = None

    def measure(self, name: str) -> FloatPanel:
        """A measure as reported: NaN where a unit did not report it.

        Args:
            name: The measure's name.

        Returns:
            The measure's panel (units x years). Do not modify it.
        """
        return self.measures[name]

    def rolled(self, name: str) -> FloatPanel:
        """A measure rolled up the tree by its own `rollup` rule.

        Units that did not report get a value from their children (see
        [`OrgTree.rollup`][qnkpi.orgunits.OrgTree.rollup]).

        Args:
            name: The measure's name.

        Returns:
            A new panel (units x years).
        """
        return self.tree.rollup(self.measures[name], self.measure_specs[name].rollup)


class IndicatorKind(IndicatorSpec):
    """Base class of indicator kinds: how an indicator is computed from measures.

    Subclass it, set `kind: Literal["name"]`, declare the kind's keys as fields (they
    are checked like every spec key, and come in addition to the keys every indicator
    has, whose defaults a subclass may change), implement
    [`inputs`][qnkpi.kinds.base.IndicatorKind.inputs] and
    [`compute`][qnkpi.kinds.base.IndicatorKind.compute], and register the class from a
    [`register_indicator_kinds`][qnkpi.plugin.hookspecs.register_indicator_kinds] hook.
    Specs then write `kind: name`. A kind with a level key may define a `level_names`
    property returning the level names it uses, so the spec checks verify them.
    """

    def inputs(self) -> list[Input]:
        """The measures and indicators this indicator reads.

        The spec checks use it to report unknown names at the right line, and the engine
        to compute indicators after those they read (a circle of indicators is a spec
        error).

        Returns:
            One [`Input`][qnkpi.kinds.base.Input] per name the indicator reads.
        """
        raise NotImplementedError

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        """Compute the indicator at every unit and year of `ctx.tree`.

        Called once per indicator, with whole panels: work on arrays, not cells. The
        result must already be rolled up (a value at every unit, not only at those that
        reported).

        Args:
            ctx: The tree, the measures and the indicators this one reads.

        Returns:
            The indicator's panel, of shape `ctx.tree.shape`.

        Raises:
            QnkpiError: For a problem the user can fix; it reaches them as it is. Any
                other exception, or a panel of the wrong shape, becomes a
                [`PluginError`][qnkpi.errors.PluginError] naming the plugin and the
                indicator.
        """
        raise NotImplementedError
