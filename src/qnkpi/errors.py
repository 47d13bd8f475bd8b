"""The errors qnkpi raises, in one small hierarchy.

Every error a user can cause (a bad spec, a bad data file, a bad argument) is a
:class:`QnkpiError`; the CLI turns it into a message and exit code 2, never a traceback.
Errors caused by plugins are :class:`PluginError` and name the plugin.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DataError",
    "PluginError",
    "Problem",
    "QnkpiError",
    "SpecError",
    "did_you_mean",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located as precisely as the input allows.

    ``line`` and ``column`` are 1-based; ``row`` is the 1-based row of a data file
    (the header is row 1). Any of them may be ``None`` when unknown.
    """

    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}{prefix}{self.message}"


class QnkpiError(Exception):
    """Base class of every error qnkpi raises on purpose."""


class SpecError(QnkpiError):
    """The spec (or a file it points to) is invalid. Holds every problem found."""

    def __init__(self, problems: Sequence[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class DataError(QnkpiError):
    """A data file or database holds something qnkpi cannot use as it stands."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        row: int | None = None,
        source: str | None = None,
    ) -> None:
        self.file = Path(file) if file is not None else None
        self.row = row
        self.source = source
        where = []
        if source is not None:
            where.append(f"source '{source}'")
        if self.file is not None:
            where.append(str(self.file) + (f", row {row}" if row is not None else ""))
        elif row is not None:
            where.append(f"row {row}")
        super().__init__(f"{': '.join(where)}: {message}" if where else message)


class PluginError(QnkpiError):
    """A plugin failed to load, registered something invalid, or raised in a hook."""

    def __init__(self, plugin: str, message: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin '{plugin}': {message}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""`` if none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
