"""What the benchmark scripts share: timing a command (and its peak memory), and counting
checks by status."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path


def timed(command: list[str], cwd: Path) -> float:
    """Wall time of ``command``, which must succeed."""
    return measured(command, cwd)[0]


def measured(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MiB) of ``command``, which must succeed.

    The memory is the kernel's account of the finished process (``wait4``'s
    ``ru_maxrss``), as ``/usr/bin/time -v`` reports it.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n"
                     f"{err.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def status_counts(statuses: Iterable[str]) -> str:
    """``107,392 checks (met 70,213, not_met 37,179)``."""
    counts = Counter(statuses)
    return f"{sum(counts.values()):,} checks (" + ", ".join(
        f"{s} {n:,}" for s, n in sorted(counts.items())) + ")"
