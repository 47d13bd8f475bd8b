"""What a reporter is: an object that writes a :class:`~qnkpi.engine.result.Result`."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["Reporter"]


@runtime_checkable
class Reporter(Protocol):
    """A report format. ``binary`` reporters get a bytes stream, others a text stream
    (UTF-8). ``suffix`` is the file suffix ``qnkpi demo`` uses."""

    suffix: str
    binary: bool

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the report of ``result`` to ``stream`` in language ``lang``."""
