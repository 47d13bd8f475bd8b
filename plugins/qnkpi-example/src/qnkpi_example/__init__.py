"""qnkpi-example: the plugin of the qnkpi tutorial, one part of each kind.

- indicator kinds `reporting_rate` and `change` (`qnkpi_example.kinds`);
- source type `jsonl`, JSON Lines files (`qnkpi_example.source`);
- assessment method `recent_trend` (`qnkpi_example.method`);
- reporter `checks-md`, checks and assessments as Markdown tables
  (`qnkpi_example.reporter`).

Installed, it is found through its entry point in the group `qnkpi`; `qnkpi plugins`
lists it as `example`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import qnkpi

from qnkpi_example.kinds import Change, ReportingRate
from qnkpi_example.method import RecentTrend
from qnkpi_example.reporter import ChecksMarkdown
from qnkpi_example.source import JsonLinesSource

__all__ = [
    "Change",
    "ChecksMarkdown",
    "JsonLinesSource",
    "RecentTrend",
    "ReportingRate",
    "register_assessment_methods",
    "register_indicator_kinds",
    "register_reporters",
    "register_source_types",
]
__version__ = "0.1.0"


# --8<-- [start:hooks]
@qnkpi.hookimpl
def register_indicator_kinds(register: Callable[[type[Any]], None]) -> None:
    """Register the kinds `reporting_rate` and `change`."""
    register(ReportingRate)
    register(Change)


@qnkpi.hookimpl
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register the source type `jsonl`."""
    register(JsonLinesSource)


@qnkpi.hookimpl
def register_assessment_methods(register: Callable[..., None]) -> None:
    """Register the method `recent_trend`: the trend of the last three years."""
    register("recent_trend", RecentTrend(years=3))


@qnkpi.hookimpl
def register_reporters(register: Callable[..., None]) -> None:
    """Register the report format `checks-md`."""
    register("checks-md", ChecksMarkdown())
# --8<-- [end:hooks]
