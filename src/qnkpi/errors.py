"""The errors qnkpi raises, in one small hierarchy.

Every error a user can cause (a bad spec, a bad data file, a bad argument) is a
[`QnkpiError`][qnkpi.errors.QnkpiError]; the command line turns it into a message and
exit code 2, never a traceback. Errors caused by plugins are
[`PluginError`][qnkpi.errors.PluginError] and name the plugin.

```text
QnkpiError
├── SpecError     the spec or its org-units file
├── DataError     a data file or database
└── PluginError   a plugin
```

A plugin that fails to load or register is disabled with a
[`PluginWarning`][qnkpi.errors.PluginWarning] rather than an error, so that the other
plugins keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DataError",
    "PluginError",
    "PluginWarning",
    "Problem",
    "QnkpiError",
    "SpecError",
    "did_you_mean",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located as precisely as the input allows.

    `str(problem)` reads `file:line:column: message`, leaving out what is unknown, with
    `warning: ` before the message when the severity is not `error`.

    Attributes:
        message: What is wrong, and usually how to fix it.
        file: The file the problem is in, or `None` when there is no file (a spec given
            as text).
        line: The 1-based line in `file`, or `None` when unknown.
        column: The 1-based column in `line`, or `None` when unknown.
        severity: `"error"` (the input is refused) or `"warning"` (it is used, but
            deserves a look; see [`Spec.warnings`][qnkpi.spec.spec.Spec.warnings]).
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
    """Base class of every error qnkpi raises on purpose.

    Raised as it is for a bad argument (a `year` outside the programme's period, an
    unknown unit code or report format); its subclasses name the input at fault. Catch
    it to handle every error a user can cause; anything else that escapes qnkpi is a bug.
    """


class SpecError(QnkpiError):
    """The spec, or a file it points to, is invalid.

    qnkpi checks the whole spec before raising, so one `SpecError` lists every problem
    found (YAML syntax, unknown keys, wrong types, unknown names, clashing targets), each
    located at its file, line and column. `str(error)` lists them one per line.

    Args:
        problems: The problems found: a sequence of
            [`Problem`][qnkpi.errors.Problem]s, one `Problem`, or a message (a problem
            without a location).

    Attributes:
        problems: Every problem found, in the order found.
    """

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
    """A data file or database holds something qnkpi cannot use as it stands.

    Raised by sources for a missing file or column, a unit code that is not in the org
    units, two rows for one unit and year, or a cell that is not a number. A source plugin
    raises it for data problems: the message reaches the user as it is (other exceptions
    become a [`PluginError`][qnkpi.errors.PluginError]). The message starts with where the
    problem is: `source 'NAME': FILE, row N: message`.

    Args:
        message: What is wrong, and how to fix it.
        file: The file at fault, if any.
        row: The 1-based row of `file` (the header is row 1), if known.
        source: The name of the spec's source that read the data, if known.

    Attributes:
        file: The file at fault, as a `Path`, or `None`.
        row: The 1-based row, or `None`.
        source: The source's name in the spec, or `None`.
    """

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
    """A plugin failed to load, registered something invalid, or failed in use.

    Raised when a plugin cannot be imported, implements a hook qnkpi does not have,
    registers something of the wrong type or a name another plugin already registered,
    raises in a hook, or when a source, indicator kind, assessment method or org-unit
    provider it registered raises or returns something unusable. The message starts with
    `plugin 'NAME': `.

    Args:
        plugin: The plugin's name: its entry point's name, its file in the plugins
            folder, or its module's name.
        message: What went wrong.

    Attributes:
        plugin: The plugin's name.
    """

    def __init__(self, plugin: str, message: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin '{plugin}': {message}")


class PluginWarning(UserWarning):
    """A plugin failed to load or to register its parts, and was disabled.

    Issued with `warnings.warn` while a registry is built: the other plugins
    work as usual, and the registry's `failed` lists the plugin with the reason. The
    command line prints it as `qnkpi: warning: plugin 'NAME' is disabled: ...`.

    Args:
        plugin: The plugin's name.
        reason: What went wrong.

    Attributes:
        plugin: The plugin's name.
        reason: What went wrong.
    """

    def __init__(self, plugin: str, reason: str) -> None:
        self.plugin = plugin
        self.reason = reason
        super().__init__(f"plugin '{plugin}' is disabled: {reason}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the choice closest to a misspelt word, for error messages.

    Args:
        word: The word as written.
        choices: The words it could have been.

    Returns:
        `"; did you mean 'x'?"` for the closest choice, or `""` when none is close.
    """
    options = list(choices)
    folded = word.casefold()  # a code that differs only in case: "qn" for "QN"
    same = next((c for c in options if c != word and c.casefold() == folded), None)
    if same is not None:
        return f"; did you mean '{same}'?"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
