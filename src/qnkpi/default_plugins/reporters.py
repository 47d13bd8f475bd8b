"""Built-in report formats: ``table`` (the terminal) and ``json`` (the contract)."""

from __future__ import annotations

from collections.abc import Callable

from qnkpi.plugin.markers import hookimpl


@hookimpl
def register_reporters(register: Callable[..., None]) -> None:
    from qnkpi.reporters.json import JsonReporter
    from qnkpi.reporters.table import TableReporter

    register("table", TableReporter())
    register("json", JsonReporter())
