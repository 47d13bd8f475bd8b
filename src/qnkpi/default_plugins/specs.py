"""The bundled example: the Quảng Ninh Youth Union's 2023-2030 programme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qnkpi.plugin.markers import hookimpl

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@hookimpl
def register_specs(register: Callable[..., None]) -> None:
    """Register the bundled Quảng Ninh spec as `quang-ninh`."""
    register("quang-ninh", EXAMPLES / "quang-ninh" / "programme.yaml",
             "Quảng Ninh Youth Union: youth digital capacity, 2023-2030 (illustrative data)")
