"""Built-in assessment methods: `linear_path` and `cagr_ratio` toward a goal, `cagr_trend`
for an indicator without a target."""

from __future__ import annotations

from collections.abc import Callable

from qnkpi.plugin.markers import hookimpl


@hookimpl
def register_assessment_methods(register: Callable[..., None]) -> None:
    """Register the built-in assessment methods."""
    from qnkpi.assess.methods import CagrRatio, CagrTrend, LinearPath

    register("linear_path", LinearPath())
    register("cagr_ratio", CagrRatio())
    register("cagr_trend", CagrTrend())
