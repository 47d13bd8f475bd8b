"""Writing a report to stdout or to a file, and choosing reporters."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from qnkpi.errors import QnkpiError, did_you_mean

if TYPE_CHECKING:
    from qnkpi.engine.result import Result
    from qnkpi.plugin.manager import Plugins


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def reporter_for(plugins: Plugins, name: str) -> object:
    reporters = plugins.reporters
    if name not in reporters:
        raise QnkpiError(f"unknown format '{name}'{did_you_mean(name, reporters)}; "
                         f"formats: {', '.join(reporters)}")
    return reporters[name]


def write_report(result: Result, plugins: Plugins, fmt: str, output: str | None,
                 lang: str) -> None:
    """Write with reporter `fmt` to `output` (`-` or None: stdout)."""
    reporter = reporter_for(plugins, fmt)
    binary = bool(getattr(reporter, "binary", False))
    if output in (None, "-"):
        if binary:
            raise QnkpiError(f"format '{fmt}' is binary: give a file with -o")
        reporter.write(result, sys.stdout, lang=lang)  # type: ignore[attr-defined]
        return
    _atomic(Path(output), binary,
            lambda stream: reporter.write(result, stream, lang=lang))  # type: ignore[attr-defined]


def write_text(text: str, output: str | None) -> None:
    """Write `text` to `output` (`-` or None: stdout), atomically like a report."""
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    _atomic(Path(output), False, lambda stream: stream.write(text))


def _atomic(target: Path, binary: bool, write: Callable[[IO[Any]], object]) -> None:
    """Write to a temporary file beside `target`, then rename it: an interrupted run
    never leaves a half-written file."""
    if not target.parent.is_dir():
        raise QnkpiError(f"{target}: the folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        stream = (os.fdopen(fd, "wb") if binary
                  else os.fdopen(fd, "w", encoding="utf-8", newline=""))
        with stream:
            write(stream)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would outlive the rename
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
