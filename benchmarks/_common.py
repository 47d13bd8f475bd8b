"""What the benchmark scripts share: their working folder, timing a command (and its peak
memory), compiling the packages timed as an installed copy is, and counting checks by
status."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path


def timed(command: list[str], cwd: Path) -> float:
    """Wall time of ``command``, which must succeed."""
    return measured(command, cwd)[0]


# Runs the command as its own child and reports its wall time, peak memory (KiB) and
# exit code. A child's peak counts the memory of the process it was forked from (Linux
# records it at exec), so the command is started from this small process, not from the
# benchmark script, which may hold a large table by then.
_LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measured(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MiB) of ``command``, which must succeed.

    The memory is the kernel's account of the finished process (``wait4``'s
    ``ru_maxrss``), as ``/usr/bin/time -v`` reports it.
    """
    with tempfile.TemporaryFile() as err:
        run = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], cwd=cwd,
                             stdout=subprocess.PIPE, stderr=err, text=True, check=False)
        elapsed, peak, code = run.stdout.split()
        if run.returncode != 0 or int(code) != 0:
            err.seek(0)
            sys.exit(f"{' '.join(command)} failed ({code}):\n"
                     f"{err.read().decode(errors='replace')}")
    return float(elapsed), int(peak) / 1024  # KiB on Linux


def compile_bytecode(*packages: str) -> None:
    """Compile ``packages`` to bytecode, as pip does when it installs a wheel.

    An editable install (the project's own venv) is compiled on first import and cached,
    unless ``PYTHONDONTWRITEBYTECODE`` is set, as it is on some CI machines: then every
    run would compile all of qnkpi again (about 0.1 s), a cost no installed copy pays.
    """
    import compileall
    import importlib.util

    for name in packages:
        found = importlib.util.find_spec(name)
        if found is not None and found.origin is not None:
            compileall.compile_dir(Path(found.origin).parent, quiet=1)


def status_counts(statuses: Iterable[str]) -> str:
    """``107,392 checks (met 70,213, not_met 37,179)``."""
    counts = Counter(statuses)
    return f"{sum(counts.values()):,} checks (" + ", ".join(
        f"{s} {n:,}" for s, n in sorted(counts.items())) + ")"


def in_workdir(given: Path | None, prefix: str, run: Callable[[Path], int]) -> int:
    """`run(folder)`: in `given` (made if missing, kept after), or in a temporary folder
    named `prefix...`, removed after."""
    workdir = given or Path(tempfile.mkdtemp(prefix=prefix))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return run(workdir.resolve())
    finally:
        if given is None:
            shutil.rmtree(workdir, ignore_errors=True)
