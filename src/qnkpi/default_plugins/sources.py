"""Built-in source types: `inline`, `csv`, `sqlite`, `xlsx`, `frame`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi.plugin.markers import hookimpl


@hookimpl
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register the built-in source types."""
    from qnkpi.sources.csv import CsvSource
    from qnkpi.sources.frame import FrameSource
    from qnkpi.sources.inline import InlineSource
    from qnkpi.sources.sqlite import SqliteSource
    from qnkpi.sources.xlsx import XlsxSource

    register(InlineSource)
    register(CsvSource)
    register(SqliteSource)
    register(XlsxSource)
    register(FrameSource)
