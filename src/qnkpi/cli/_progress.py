"""A progress bar on standard error for long evaluations: sources read, indicators
computed, goals assessed. Drawn only on a terminal, and not with `--quiet`; a run that
ends quickly never shows it (rich draws nothing before its first refresh)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qnkpi.engine.evaluate import Progress

_LABELS = {"sources": "reading sources", "indicators": "computing indicators",
           "assessments": "assessing goals", "pages": "writing pages"}


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress | None]:
    """Yield a [`Progress`][qnkpi.engine.evaluate.Progress] callback drawing a bar on standard
    error, or None when the bar should not be drawn (`quiet`, or not a terminal)."""
    import sys

    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=Console(file=getattr(sys.stderr, "raw", sys.stderr)),
                   transient=True)  # raw: the command's stderr escapes control characters
    tasks: dict[str, Any] = {}

    def advance(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(_LABELS.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield advance
