"""qnkpi plugin: source type `duckdb` — CSV and Parquet files (or globs of them) and
DuckDB databases, with record-level rows aggregated by DuckDB in one `GROUP BY` query.

Installed, it is found through the `qnkpi` entry point group; `qnkpi plugins` lists
`duckdb`. DuckDB itself is imported only when data are read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qnkpi import hookimpl

from qnkpi_duckdb.source import DuckdbSource

__all__ = ["DuckdbSource", "register_source_types"]
__version__ = "0.1.0"


@hookimpl
def register_source_types(register: Callable[[type[Any]], None]) -> None:
    """Register the `duckdb` source type."""
    register(DuckdbSource)
