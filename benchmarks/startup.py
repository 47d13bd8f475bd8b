"""How long qnkpi takes to start: ``qnkpi --help`` and ``python -c "import qnkpi"``.

Each command runs ``--repeat`` times as a subprocess; the minimum and the median wall
times are printed against the goals, beside ``python -c pass`` (the interpreter alone,
the floor no command can go below). Also lists what ``import qnkpi`` loads, to show that
the heavy libraries (numpy, pydantic, yaml, duckdb, ...) are imported only when needed.

    .venv/bin/python benchmarks/startup.py
    .venv/bin/python benchmarks/startup.py --repeat 30

Exit status: 0 when every goal is met (judged on the median), 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _common import compile_bytecode  # benchmarks/ is on the path of a script run from it

#: Libraries that ``import qnkpi`` must not load (they are imported by the commands).
HEAVY = ("numpy", "pydantic", "yaml", "duckdb", "pluggy", "rich", "openpyxl", "jinja2",
         "pandas", "pyarrow", "qnkpi.engine", "qnkpi.spec", "qnkpi.reporters")

_MODULES = """
import json, sys
before = set(sys.modules)
import qnkpi
print(json.dumps({"total": len(sys.modules), "added": sorted(set(sys.modules) - before)}))
"""


@dataclass(frozen=True)
class Case:
    label: str
    command: list[str]
    goal: float | None  # seconds; None for the floor


def timings(command: list[str], repeat: int) -> list[float]:
    """Wall times of ``command`` (which must succeed), after one untimed warm-up run."""
    out = []
    for n in range(repeat + 1):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n"
                     f"{done.stderr.decode(errors='replace')}")
        if n:  # the first run fills the OS's file cache and writes .pyc files
            out.append(elapsed)
    return out


def imported_by_qnkpi(python: str) -> tuple[int, list[str]]:
    """The size of ``sys.modules`` after ``import qnkpi``, and the modules it added."""
    done = subprocess.run([python, "-c", _MODULES], capture_output=True, text=True,
                          check=True)
    found = json.loads(done.stdout)
    return int(found["total"]), [str(m) for m in found["added"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each (default: 10)")
    args = parser.parse_args(argv)

    python = sys.executable
    qnkpi = shutil.which("qnkpi", path=str(Path(python).parent)) or shutil.which("qnkpi")
    if qnkpi is None:
        sys.exit("no qnkpi command next to this Python nor on PATH; install qnkpi first")
    compile_bytecode("qnkpi")  # as an installed copy is
    cases = [
        Case("python -c pass", [python, "-c", "pass"], None),
        Case('python -c "import qnkpi"', [python, "-c", "import qnkpi"], 0.15),
        Case("qnkpi --help", [qnkpi, "--help"], 0.3),
    ]
    print(f"Python {sys.version.split()[0]} ({python}); {args.repeat} runs each, "
          "after one warm-up run")
    print(f"{'command':<28}{'min':>9}{'median':>10}{'goal':>9}")
    missed = []
    for case in cases:
        times = timings(case.command, args.repeat)
        low, mid = min(times), statistics.median(times)
        if case.goal is None:
            goal = "(floor)"
        else:
            ok = mid <= case.goal
            goal = f"{case.goal:.2f} s  {'met' if ok else 'MISSED'}"
            if not ok:
                missed.append(case.label)
        print(f"{case.label:<28}{low:>7.3f} s{mid:>8.3f} s   {goal}")

    total, modules = imported_by_qnkpi(python)
    heavy = [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    print()
    print(f"after import qnkpi, sys.modules holds {total} modules; qnkpi added "
          f"{len(modules)}: {', '.join(modules)}")
    print("heavy libraries loaded by import qnkpi: " + (", ".join(heavy) or "none (lazy)"))
    if heavy:
        missed.append("lazy imports")
    if missed:
        print(f"goals missed: {', '.join(missed)}")
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
