"""`json`: the result contract (format `result/1`)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["JsonReporter"]


class JsonReporter:
    """Writes [`Result.to_dict`][qnkpi.engine.result.Result.to_dict] as indented JSON;
    `null` for missing values."""

    suffix = ".json"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the JSON result."""
        result.write_json(stream)
