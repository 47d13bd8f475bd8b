"""Built-in indicator kinds: `value`, `ratio`, `share_of_units`, `sum`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi.plugin.markers import hookimpl


@hookimpl
def register_indicator_kinds(register: Callable[[type[Any]], None]) -> None:
    """Register the built-in indicator kinds."""
    from qnkpi.kinds.ratio import RatioIndicator
    from qnkpi.kinds.share_of_units import ShareOfUnitsIndicator
    from qnkpi.kinds.sum import SumIndicator
    from qnkpi.kinds.value import ValueIndicator

    register(ValueIndicator)
    register(RatioIndicator)
    register(ShareOfUnitsIndicator)
    register(SumIndicator)
