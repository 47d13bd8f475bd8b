"""What the benchmark scripts share: timing a command, and counting checks by status."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path


def timed(command: list[str], cwd: Path) -> float:
    """Wall time of ``command``, which must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def status_counts(statuses: Iterable[str]) -> str:
    """``107,392 checks (met 70,213, not_met 37,179)``."""
    counts = Counter(statuses)
    return f"{sum(counts.values()):,} checks (" + ", ".join(
        f"{s} {n:,}" for s, n in sorted(counts.items())) + ")"
