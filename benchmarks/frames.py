"""Frames in: `qnkpi.evaluate(spec, data={...})` against the same data read from CSV.

Reads the benchmark's CSV once with pandas (unit codes as text), then, `--repeat` times
and interleaved in this process, times `qnkpi.evaluate(spec)` (the `csv` source reads
the file) and `qnkpi.evaluate(spec, data={"reports": frame})` (the `frame` source reads
the DataFrame, converted through pyarrow), and checks that both give the same checks.
Prints the median of each and their ratio (goal: frames <= 1.0x CSV).

    .venv/bin/python benchmarks/engine.py --workdir /tmp/engbench --repeat 1  # the data
    .venv/bin/python benchmarks/frames.py --workdir /tmp/engbench
    .venv/bin/python benchmarks/frames.py --workdir /tmp/engbench --repeat 7

Exit status: 0 when the goal is met (on the medians), 1 when it is missed, 2 when pandas is
missing or the two give different checks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

GOAL = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/engbench"),
                        help="a folder made by benchmarks/engine.py (programme.yaml, data.csv)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    try:
        import pandas as pd
    except ImportError:
        print("frames.py compares with a pandas DataFrame: pip install pandas", file=sys.stderr)
        return 2
    import qnkpi

    spec = qnkpi.load_spec(args.workdir / "programme.yaml")
    frame = pd.read_csv(args.workdir / "data.csv", dtype={"unit": str})
    print(f"data.csv: {len(frame):,} rows x {len(frame.columns) - 2} measures")
    from_csv, from_frame = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        by_csv = qnkpi.evaluate(spec)
        from_csv.append(time.perf_counter() - started)
        started = time.perf_counter()
        by_frame = qnkpi.evaluate(spec, data={"reports": frame})
        from_frame.append(time.perf_counter() - started)
    if by_csv.to_arrow() != by_frame.to_arrow():
        print("the frame gave other checks than the CSV file", file=sys.stderr)
        return 2
    csv_s, frame_s = statistics.median(from_csv), statistics.median(from_frame)
    ratio = frame_s / csv_s
    print(f"evaluate(spec)                      {csv_s:8.3f} s (median of {args.repeat})")
    print(f"evaluate(spec, data={{'reports': df}}) {frame_s:8.3f} s")
    print(f"same checks ({by_csv.summary()['checks']:,})")
    print(f"ratio frames / csv: {ratio:.2f}x (goal <= {GOAL:.1f}x): "
          f"{'met' if ratio <= GOAL else 'missed'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
