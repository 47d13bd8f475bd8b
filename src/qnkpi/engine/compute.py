"""Computing the indicators: each kind on whole panels, in dependency order, with its
coverage counted and its `missing` and `min_coverage` rules applied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from qnkpi.errors import DataError, PluginError, QnkpiError
from qnkpi.kinds.base import FloatPanel, IndicatorKind, IndicatorPanel, KindContext
from qnkpi.orgunits import OrgTree
from qnkpi.plugin.hooks import INDICATOR_KINDS
from qnkpi.plugin.registry import Plugins
from qnkpi.spec.checks import indicator_order
from qnkpi.spec.models import IndicatorSpec
from qnkpi.spec.spec import Spec

__all__ = ["compute_indicators", "short_of_coverage"]

def compute_indicators(spec: Spec, tree: OrgTree, measures: dict[str, FloatPanel],
                       restated: npt.NDArray[np.bool_] | None, plugins: Plugins,
                       progress: Callable[[str, int, int], None],
                       ) -> dict[str, IndicatorPanel]:
    """Every indicator's panel, computed in the order indicators depend on each other,
    in the spec's order (each kind sees the panels computed before it)."""
    panels: dict[str, IndicatorPanel] = {}
    ctx = KindContext(tree, measures, spec.measures, panels, restated)
    order = indicator_order(spec)
    for done, name in enumerate(order):
        progress("indicators", done, len(order))
        ind = spec.indicators[name]
        assert isinstance(ind, IndicatorKind)
        panels[name] = _compute(name, ind, ctx, plugins)
    progress("indicators", len(order), len(order))
    return {name: panels[name] for name in spec.indicators}


def short_of_coverage(ind: IndicatorSpec, expected: FloatPanel | None,
                      reported: FloatPanel | None) -> npt.NDArray[np.bool_]:
    """Where an aggregate rests on fewer units than the indicator's `missing` and
    `min_coverage` rules ask for (False where there is no aggregate)."""
    least = 1.0 if ind.missing == "no_data" else ind.min_coverage
    if least is None or expected is None or reported is None:
        return np.zeros((1, 1), dtype=bool)  # broadcasts to any panel
    with np.errstate(invalid="ignore"):
        return reported < least * expected - 1e-9  # NaN (not an aggregate): False


def _compute(name: str, ind: IndicatorKind, ctx: KindContext,
             plugins: Plugins) -> IndicatorPanel:
    """One kind's panel, checked at the door: a PluginError names the kind's plugin
    when it fails or returns something that is not a panel of numbers."""
    try:
        panel = ind.compute(ctx)
    except (QnkpiError, DataError):
        raise
    except Exception as exc:
        raise PluginError(plugins.owner(INDICATOR_KINDS, ind.kind),
                              f"indicator '{name}' (kind '{ind.kind}') failed: "
                           f"{type(exc).__name__}: {exc}") from exc
    try:
        value = np.asarray(panel.value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PluginError(plugins.owner(INDICATOR_KINDS, ind.kind),
                              f"kind '{ind.kind}' returned values that are not numbers for "
                           f"indicator '{name}': {exc}") from None
    if value.shape != ctx.tree.shape:
        raise PluginError(plugins.owner(INDICATOR_KINDS, ind.kind),
                              f"kind '{ind.kind}' returned a panel of shape {value.shape}, "
                           f"not {ctx.tree.shape}")
    if np.isinf(value).any():  # an overflowed quotient (a tiny denominator) has no honest value
        value = np.where(np.isinf(value), np.nan, value)
    return _covered(ind, replace(panel, value=value), ctx)


def _covered(ind: IndicatorKind, panel: IndicatorPanel, ctx: KindContext) -> IndicatorPanel:
    """The panel with its coverage counted, and the indicator's `missing` and
    `min_coverage` rules applied: an aggregate short of them becomes missing."""
    expected, reported = panel.expected, panel.reported
    if expected is None or reported is None:
        read = [i.name for i in ind.inputs() if i.what == "measure"]
        if not read:
            return panel
        has = np.logical_and.reduce([~np.isnan(ctx.measures[m]) for m in read])
        expected, reported = ctx.tree.coverage(has)
    # a year in which no unit reported has no coverage to speak of (2030, before its
    # data): null, as for the kinds the tree counts, whichever kind counted it
    silent: npt.NDArray[np.bool_] = ~np.any(np.nan_to_num(reported) > 0, axis=0, keepdims=True)
    expected = np.where(silent, np.nan, expected)
    reported = np.where(silent, np.nan, reported)
    value = np.where(short_of_coverage(ind, expected, reported), np.nan, panel.value)
    return IndicatorPanel(value, panel.numerator, panel.denominator, expected, reported)
