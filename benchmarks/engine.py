"""qnkpi's engine on national-scale data against the same checks written by hand in pandas.

Generates a synthetic programme: 5,000 units on three levels (one country, 60 provinces,
the rest communes), years 2023-2030, one wide CSV (unit, year, 24 measures; about 5% of
the cells empty) and a spec of 20 indicators (10 ``value``, 10 ``ratio``) with targets on
the country, on ``level: province`` and on ``level: commune``, half of them joined by
``between: linear``. Then times, side by side:

* ``qnkpi``: ``qnkpi evaluate programme.yaml --format csv -o qnkpi.csv`` as a subprocess,
  end to end; and, in this process, its parts: load (``qnkpi.load_spec`` and reading the
  source), compute (the rest of ``qnkpi.evaluate``) and write (the ``csv`` reporter);
* ``pandas``: ``benchmarks/engine_pandas.py``, a pandas script written as a user would
  (``read_csv``, ``groupby`` roll-ups through a parent map, ratio of sums, thresholds
  merged in, compared, one CSV row per check), as a subprocess and in parts.

The two outputs are compared (the same (indicator, unit, year) checks, the same status;
value, threshold, numerator and denominator within 1e-9), so both sides do the same work.
Assessments toward the goals are turned off in the spec (``assessment: {methods: []}``):
the pandas script does not compute them.

    .venv/bin/python benchmarks/engine.py                        # full scale, 3 repeats
    .venv/bin/python benchmarks/engine.py --units 300 --repeat 1 # smoke run, seconds
    .venv/bin/python benchmarks/engine.py --workdir /tmp/eng     # keep (and reuse) the data

Needs pandas (not a qnkpi dependency): ``pip install pandas``.

Exit status: 0 when the outputs agree and qnkpi/pandas (best of the repeats) is at most
``--goal``; 1 when the goal is missed; 2 when pandas is missing or the outputs disagree.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# benchmarks/ is on the path of a script run from it
from _common import compile_bytecode, in_workdir, measured, status_counts

HERE = Path(__file__).resolve().parent
FIRST_YEAR, LAST_YEAR = 2023, 2030
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
COUNTRY = "VN"
LEVELS = ("country", "province", "commune")
MISSING_SHARE = 0.05
SEED = 20250101

# -- the programme ---------------------------------------------------------------------------

#: Denominators (people, households, ...) and, for each, the measures counted among them.
POPULATIONS: dict[str, tuple[str, ...]] = {
    "youth": ("youth_online", "youth_trained", "youth_employed", "youth_volunteering",
              "youth_dropped_out"),
    "households": ("households_internet", "households_poor"),
    "members": ("members_active", "members_digital_id", "members_trained"),
    "schools": ("schools_wifi", "schools_computer_lab"),
}
#: Counts per commune and year, and their typical size.
COUNTS: dict[str, float] = {"clubs": 3, "activities": 12, "events": 6, "trainings": 4,
                            "startups": 1.5, "volunteer_hours": 400, "complaints": 5,
                            "accidents": 2}
MEASURES = (*POPULATIONS, *(m for ms in POPULATIONS.values() for m in ms), *COUNTS)
#: Typical share of a population that each numerator counts, and population sizes.
RATES = {"youth_online": 0.62, "youth_trained": 0.3, "youth_employed": 0.7,
         "youth_volunteering": 0.25, "youth_dropped_out": 0.08, "households_internet": 0.75,
         "households_poor": 0.06, "members_active": 0.8, "members_digital_id": 0.55,
         "members_trained": 0.35, "schools_wifi": 0.65, "schools_computer_lab": 0.4}
SIZES = {"youth": 2500, "households": 1800, "members": 600, "schools": 8}
POPULATION_OF = {m: p for p, ms in POPULATIONS.items() for m in ms}


@dataclass(frozen=True)
class Target:
    level: str  # "country" is the top unit: written without ``level`` in the spec
    first_year: int
    last_year: int
    op: str
    value: float


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: str  # "value" or "ratio"
    measure: str  # the value's measure, or the ratio's numerator
    denominator: str
    direction: str
    linear: bool
    targets: tuple[Target, ...]


def _targets(direction: str, linear: bool, typical: dict[str, float],
             strict: bool) -> tuple[Target, ...]:
    """Targets on the three levels around each level's ``typical`` value, so that some
    units meet them and some do not; tightening over the years in the ``direction``."""
    up = direction == "increase"
    op = (">" if up else "<") if strict else (">=" if up else "<=")
    step = 1.04 if up else 0.96

    def at(level: str, year: int) -> float:
        return round(typical[level] * step ** (year - FIRST_YEAR), 2)

    if not linear:  # year ranges only
        return (Target("country", 2023, 2030, op, at("country", 2023)),
                Target("province", 2023, 2030, op, at("province", 2024)),
                Target("commune", 2025, 2030, op, at("commune", 2025)))
    return (*(Target("country", y, y, op, at("country", y)) for y in (2023, 2026, 2030)),
            Target("province", 2023, 2030, op, at("province", 2023)),
            *(Target("commune", y, y, op, at("commune", y)) for y in (2024, 2030)))


def indicators(communes: int, provinces: int) -> tuple[Indicator, ...]:
    """10 ratios and 10 values; every other one with ``between: linear``."""
    out = []
    ratios = [(n, d) for d, ns in POPULATIONS.items() for n in ns][:10]
    for i, (num, den) in enumerate(ratios):
        direction = "decrease" if num in ("youth_dropped_out", "households_poor") else "increase"
        rate = RATES[num] * 100
        out.append(Indicator(f"{num}_pct", "ratio", num, den, direction, i % 2 == 1,
                             _targets(direction, i % 2 == 1, dict.fromkeys(LEVELS, rate),
                                      strict=i % 3 == 0)))
    values = [*COUNTS, "youth_trained", "members_trained"]
    for i, measure in enumerate(values):
        direction = "decrease" if measure in ("complaints", "accidents") else "increase"
        mean = COUNTS.get(measure) or RATES[measure] * SIZES[POPULATION_OF[measure]]
        typical = {"commune": mean, "province": mean * communes / provinces * 0.95,
                   "country": mean * communes * 0.95}
        out.append(Indicator(f"{measure}_total", "value", measure, "", direction,
                             i % 2 == 1, _targets(direction, i % 2 == 1, typical,
                                                  strict=i % 3 == 0)))
    return tuple(out)


# -- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    level: str
    parent: str | None


def org_tree(units: int) -> list[Unit]:
    """The country, provinces ("01".."60" at full scale) and communes (five digits with
    leading zeros), communes spread evenly over the provinces."""
    provinces = max(2, round(60 * units / 5000))
    communes = units - 1 - provinces
    tree = [Unit(COUNTRY, "country", None)]
    tree += [Unit(f"{p + 1:02d}", "province", COUNTRY) for p in range(provinces)]
    tree += [Unit(f"{(i + 1) * 4:05d}", "commune", f"{i * provinces // communes + 1:02d}")
             for i in range(communes)]
    return tree


def data_rows(communes: list[str]) -> tuple[list[str], list[list[Any]]]:
    """The wide CSV: one row per commune and year, integers, about 5% of cells empty."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    n, years = len(communes), len(YEARS)
    columns: dict[str, Any] = {}
    for pop, members in POPULATIONS.items():
        size = rng.lognormal(np.log(SIZES[pop]), 0.5, n)[:, None] * np.linspace(1, 1.1, years)
        columns[pop] = np.maximum(1, np.rint(size)).astype(np.int64)
        for m in members:  # rates vary by commune and improve over the years
            lean = rng.normal(0, 0.12, n)[:, None] + np.linspace(0, 0.08, years)
            if m in ("youth_dropped_out", "households_poor"):
                lean = -lean / 3
            rate = np.clip(RATES[m] + lean, 0.001, 0.999)
            columns[m] = rng.binomial(columns[pop], rate)
    for m, mean in COUNTS.items():
        columns[m] = rng.poisson(mean * rng.gamma(4, 0.25, n)[:, None], (n, years))
    header = ["unit", "year", *MEASURES]
    rows: list[list[Any]] = []
    blank = rng.random((n, years, len(MEASURES))) < MISSING_SHARE
    for i, code in enumerate(communes):
        for j, year in enumerate(YEARS):
            rows.append([code, year, *("" if blank[i, j, k] else int(columns[m][i, j])
                                       for k, m in enumerate(MEASURES))])
    return header, rows


def spec_data(inds: tuple[Indicator, ...]) -> dict[str, object]:
    """The qnkpi spec, as Python data."""
    indicators: dict[str, object] = {}
    for ind in inds:
        targets = []
        for t in ind.targets:
            target: dict[str, object] = (
                {"year": t.first_year} if t.first_year == t.last_year
                else {"years": [t.first_year, t.last_year]})
            target |= {"op": t.op, "value": t.value}
            if t.level != "country":  # without a level: the top unit
                target["level"] = t.level
            targets.append(target)
        body: dict[str, object] = {"kind": ind.kind}
        if ind.kind == "value":
            body["measure"] = ind.measure
        else:
            body |= {"numerator": ind.measure, "denominator": ind.denominator, "factor": 100,
                     "unit": "percent"}
        body |= {"direction": ind.direction, "between": "linear" if ind.linear else "none",
                 "targets": targets}
        indicators[ind.name] = body
    return {
        "qnkpi": 1,
        "programme": {"id": "engine-benchmark", "title": {"en": "Engine benchmark"},
                      "period": {"start": FIRST_YEAR, "end": LAST_YEAR},
                      "assessment": {"methods": []}},
        "org_units": "org-units.yaml",
        "sources": {"reports": {"type": "csv", "path": "data.csv", "unit": "unit",
                                "year": "year"}},
        "measures": {m: {"source": "reports"} for m in MEASURES},
        "indicators": indicators,
    }


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


def generate(workdir: Path, units: int) -> None:
    """Writes org-units.yaml, data.csv and programme.yaml for qnkpi, and units.csv,
    indicators.csv and targets.csv for the pandas script, unless ``workdir`` already holds
    them for the same size."""
    import yaml

    meta = {"units": units, "version": 1}
    meta_file = workdir / "meta.json"
    if meta_file.is_file() and json.loads(meta_file.read_text()) == meta:
        print(f"reusing the data in {workdir}")
        return
    meta_file.unlink(missing_ok=True)
    started = time.perf_counter()
    tree = org_tree(units)
    communes = [u.code for u in tree if u.level == "commune"]
    provinces = len(tree) - 1 - len(communes)
    inds = indicators(len(communes), provinces)
    org_units = {"levels": list(LEVELS), "units": [
        {"code": u.code, "name": f"{u.level.title()} {u.code}", "level": u.level}
        | ({"parent": u.parent} if u.parent else {}) for u in tree]}
    (workdir / "org-units.yaml").write_text(yaml.safe_dump(org_units, sort_keys=False),
                                            encoding="utf-8")
    (workdir / "programme.yaml").write_text(yaml.safe_dump(spec_data(inds), sort_keys=False),
                                            encoding="utf-8")
    write_csv(workdir / "data.csv", *data_rows(communes))
    write_csv(workdir / "units.csv", ["code", "level", "parent"],
              [[u.code, u.level, u.parent or ""] for u in tree])
    write_csv(workdir / "indicators.csv",
              ["name", "kind", "measure", "numerator", "denominator", "factor", "between"],
              [[i.name, i.kind, i.measure if i.kind == "value" else "",
                i.measure if i.kind == "ratio" else "", i.denominator,
                100 if i.kind == "ratio" else 1, "linear" if i.linear else "none"]
               for i in inds])
    write_csv(workdir / "targets.csv",
              ["indicator", "level", "first_year", "last_year", "op", "value"],
              [[i.name, t.level, t.first_year, t.last_year, t.op, t.value]
               for i in inds for t in i.targets])
    meta_file.write_text(json.dumps(meta))
    size = (workdir / "data.csv").stat().st_size / 1e6
    print(f"generated {len(tree):,} units ({provinces} provinces, {len(communes):,} "
          f"communes), {len(communes) * len(YEARS):,} rows x {len(MEASURES)} measures "
          f"({size:.1f} MB of CSV), {len(inds)} indicators in "
          f"{time.perf_counter() - started:.1f} s")


# -- timing ----------------------------------------------------------------------------------


Parts = dict[str, float]


#: The report formats qnkpi can be timed writing, and their file suffixes.
FORMATS = {"csv": ".csv", "json": ".json", "parquet": ".parquet"}

#: The goal of each format: qnkpi's time at most this times the pandas script's.
GOALS = {"csv": 1.0, "json": 1.5, "parquet": 0.5}


def qnkpi_parts(workdir: Path, fmt: str = "csv") -> Parts:
    """qnkpi in this process: load (spec and source), compute, write (a `fmt` report)."""
    import qnkpi

    plugins = qnkpi.get_plugins()  # built before the clock starts, as the CLI's would be
    sources_done = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal sources_done
        if stage == "sources" and done == total:
            sources_done = time.perf_counter()

    t0 = time.perf_counter()
    spec = qnkpi.load_spec(workdir / "programme.yaml", plugins=plugins)
    t1 = time.perf_counter()
    result = qnkpi.evaluate(spec, plugins=plugins, progress=progress)
    t2 = time.perf_counter()
    reporter = plugins.reporters[fmt]
    target = workdir / f"qnkpi-api{FORMATS[fmt]}"
    with (target.open("wb") if getattr(reporter, "binary", False)
          else target.open("w", newline="", encoding="utf-8")) as stream:
        reporter.write(result, stream, lang="en")
    t3 = time.perf_counter()
    return {"load spec": t1 - t0, "read source": sources_done - t1,
            "compute": t2 - sources_done, "write": t3 - t2, "total": t3 - t0}


def pandas_parts(workdir: Path) -> Parts:
    """The pandas script in this process: load, compute, write."""
    import engine_pandas

    t0 = time.perf_counter()
    inputs = engine_pandas.load(workdir)
    t1 = time.perf_counter()
    checks = engine_pandas.compute(inputs)
    t2 = time.perf_counter()
    engine_pandas.write(checks, workdir / "pandas-api.csv")
    t3 = time.perf_counter()
    return {"load": t1 - t0, "compute": t2 - t1, "write": t3 - t2, "total": t3 - t0}


# -- comparing -------------------------------------------------------------------------------

Key = tuple[str, str, int]
NUMBERS = ("value", "threshold", "numerator", "denominator")


def read_checks(path: Path) -> dict[Key, tuple[str, str, list[float | None]]]:
    """(indicator, unit, year) -> (status, op, [value, threshold, numerator, denominator]),
    from a `csv` report (or the pandas script's file), a JSON result or a `parquet`
    report."""
    def number(cell: Any) -> float | None:
        if isinstance(cell, list):  # a JSON threshold of `between`: its lower bound
            cell = cell[0]
        return None if cell is None or cell == "" else float(cell)

    if path.suffix == ".json":
        rows: Any = json.loads(path.read_text(encoding="utf-8"))["checks"]
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    else:
        with path.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
    return {(r["indicator"], r["unit"], int(r["year"])):
            (r["status"], r["op"], [number(r[c]) for c in NUMBERS]) for r in rows}


def compare(ours: Path, theirs: Path) -> list[str]:
    """Differences between the two files' checks (empty when they agree)."""
    a, b = read_checks(ours), read_checks(theirs)
    problems = [f"only in {ours.name}: {k}" for k in sorted(a.keys() - b.keys())[:5]]
    problems += [f"only in {theirs.name}: {k}" for k in sorted(b.keys() - a.keys())[:5]]
    for key in sorted(a.keys() & b.keys()):
        (status_a, op_a, nums_a), (status_b, op_b, nums_b) = a[key], b[key]
        same = status_a == status_b and op_a == op_b and all(
            (x is None and y is None) or (x is not None and y is not None
                                          and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9))
            for x, y in zip(nums_a, nums_b, strict=True))
        if not same:
            problems.append(f"{key}: {status_a} {op_a} {nums_a} != {status_b} {op_b} {nums_b}")
        if len(problems) >= 10:
            break
    return problems


def summary(path: Path) -> str:
    return status_counts(status for status, _, _ in read_checks(path).values())


# -- main ------------------------------------------------------------------------------------


def stats(times: list[float]) -> str:
    return f"{min(times):8.3f} s {statistics.median(times):8.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--units", type=int, default=5000,
                        help="org units in all (default: 5000; at least 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default: 3)")
    parser.add_argument("--goal", type=float,
                        help="the largest acceptable qnkpi/pandas ratio (default: 1.0 for "
                             "csv, 1.5 for json, 0.5 for parquet)")
    parser.add_argument("--format", choices=list(FORMATS), default="csv",
                        help="the report qnkpi writes (default: csv; the pandas script "
                             "always writes its CSV file)")
    parser.add_argument("--workdir", type=Path,
                        help="keep the data here and reuse it (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.units < 10 or args.repeat < 1:
        parser.error("--units must be at least 10 and --repeat at least 1")
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("engine.py compares qnkpi with a pandas script, and pandas is not installed "
              "(it is not a qnkpi dependency): pip install pandas", file=sys.stderr)
        return 2

    return in_workdir(args.workdir, "qnkpi-engine-", lambda workdir: run(args, workdir))


def run(args: argparse.Namespace, workdir: Path) -> int:
    import numpy
    import pandas

    import qnkpi

    print(f"Python {platform.python_version()}, qnkpi {qnkpi.__version__}, "
          f"pandas {pandas.__version__}, numpy {numpy.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    generate(workdir, args.units)
    compile_bytecode("qnkpi")
    qnkpi.get_plugins()  # imports and plugin discovery: in the subprocess times, not in parts
    sys.path.insert(0, str(HERE))

    bindir = Path(sys.executable).parent
    qnkpi_exe = shutil.which("qnkpi", path=str(bindir)) or shutil.which("qnkpi") or "qnkpi"
    fmt = args.format
    goal = args.goal if args.goal is not None else GOALS[fmt]
    ours, theirs = workdir / f"qnkpi{FORMATS[fmt]}", workdir / "pandas.csv"
    commands: dict[str, tuple[list[str], Path]] = {
        "qnkpi": ([qnkpi_exe, "evaluate", "programme.yaml", "--format", fmt, "-o",
                   ours.name, "--quiet"], ours),
        "pandas": ([sys.executable, str(HERE / "engine_pandas.py"), "."], theirs),
    }
    in_process: dict[str, Callable[[Path], Parts]] = {
        "qnkpi": lambda folder: qnkpi_parts(folder, fmt), "pandas": pandas_parts}
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    parts: dict[str, list[Parts]] = {name: [] for name in commands}
    for n in range(args.repeat):
        for name, (command, output) in commands.items():  # interleaved: same conditions
            output.unlink(missing_ok=True)
            wall, peak = measured(command, workdir)
            walls[name].append(wall)
            peaks[name].append(peak)
            parts[name].append(in_process[name](workdir))
        print(f"run {n + 1}/{args.repeat}: " + "   ".join(
            f"{name} {walls[name][-1]:.3f} s" for name in commands))

    problems = compare(ours, theirs) + compare(workdir / f"qnkpi-api{FORMATS[fmt]}", ours)
    print()
    print(f"{args.units:,} units, years {FIRST_YEAR}-{LAST_YEAR}: {summary(ours)}")
    if problems:
        print("outputs DISAGREE:\n  " + "\n  ".join(problems))
        return 2
    print("outputs agree: same checks, statuses and ops; value, threshold, numerator and "
          "denominator within 1e-9")
    print()
    width = 34
    print(f"{'':{width}}{'min':>10} {'median':>10}")
    print(f"{'qnkpi evaluate (subprocess)':{width}}{stats(walls['qnkpi'])}")
    print(f"{'pandas script (subprocess)':{width}}{stats(walls['pandas'])}")
    best = min(walls["qnkpi"]) / min(walls["pandas"])
    typical = statistics.median(walls["qnkpi"]) / statistics.median(walls["pandas"])
    verdict = "met" if best <= goal else "MISSED"
    print(f"{'ratio qnkpi/pandas':{width}}{best:8.2f}   {typical:8.2f}     "
          f"goal <= {goal}: {verdict}")
    print(f"{'peak memory qnkpi --format ' + fmt:{width}}"
          f"{min(peaks['qnkpi']):6.0f} MiB {statistics.median(peaks['qnkpi']):6.0f} MiB")
    print(f"{'peak memory pandas script':{width}}"
          f"{min(peaks['pandas']):6.0f} MiB {statistics.median(peaks['pandas']):6.0f} MiB")
    print(f"{'ratio of peak memory':{width}}"
          f"{statistics.median(peaks['qnkpi']) / statistics.median(peaks['pandas']):8.2f}"
          f" (medians)")
    print(f"{'file sizes':{width}}{ours.stat().st_size / 1e6:8.1f} MB (qnkpi {fmt}), "
          f"{theirs.stat().st_size / 1e6:.1f} MB (pandas csv)")
    for name in commands:
        print(f"{name} in process (imports excluded):")
        for part in parts[name][0]:
            print(f"{'  ' + part:{width}}{stats([p[part] for p in parts[name]])}")
    return 0 if best <= goal else 1


if __name__ == "__main__":
    sys.exit(main())
