"""What a reporter is: an object that writes a [`Result`][qnkpi.engine.result.Result]."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["Reporter"]


@runtime_checkable
class Reporter(Protocol):
    """A report format: what `qnkpi evaluate --format NAME` writes.

    A typing protocol: any object with these attributes and method is one. Register an
    instance with `register(name, reporter)` from a
    [`register_reporters`][qnkpi.plugin.hookspecs.register_reporters] hook.

    Attributes:
        suffix: The file suffix of its reports, such as `".md"` (`qnkpi demo` names its
            files with it).
        binary: `True` if it writes bytes (it then needs `-o FILE` on the command
            line); `False` if it writes text.
        options: Optional: the names of the keyword arguments `write` takes besides
            `lang` (the table report's `detail`, the annex's `report_number` and
            `report_date`). The command line passes a reporter only the options it
            names here, so a reporter without this attribute is called as before.
    """

    suffix: str
    binary: bool

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the report of a result.

        Read rows with `result.checks()`, or the result's arrays for speed.

        Args:
            result: The evaluation's result.
            stream: A bytes stream for a binary reporter; else a text stream (standard
                output, or a UTF-8 file written atomically).
            lang: The report's language: `"vi"` or `"en"` (`--lang`). Texts such as
                titles have `.get(lang)`.
        """
