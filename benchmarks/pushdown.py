"""qnkpi on record-level Parquet against the same work written by hand in DuckDB.

Generates (once) 10,000,000 rows of Parquet, one per young person of ~3,300 communes
under 34 provinces under one country, and times, side by side:

* ``qnkpi``: ``qnkpi evaluate programme.yaml --format csv -o qnkpi.csv`` as a subprocess,
  end to end (interpreter start, spec and org-units loading, the ``duckdb`` source's
  ``GROUP BY``, roll-up, checks, the CSV report);
* ``hand``: what a user would write without qnkpi, also as a subprocess: a Python
  program that runs ONE DuckDB statement aggregating per commune and year, rolling up
  to provinces and the country (``GROUPING SETS`` over the parent table), comparing
  against the thresholds and writing the same checks to ``hand.csv`` with ``COPY``.

Both outputs are then compared (indicator, unit, year, status; value, numerator and
denominator within 1e-9), so the two sides do the same work. Assessments toward the
goals are turned off in the spec (``assessment: {methods: []}``): the hand query does
not compute them.

    .venv/bin/python benchmarks/pushdown.py                      # full scale, 3 repeats
    .venv/bin/python benchmarks/pushdown.py --rows 200000        # smoke run, seconds
    .venv/bin/python benchmarks/pushdown.py --workdir /tmp/pd    # keep (and reuse) data

Exit status: 0 when the outputs agree and qnkpi/hand (best of the repeats) is at most
``--goal``; 1 when the goal is missed; 2 when the outputs disagree.
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
from dataclasses import dataclass
from pathlib import Path

# benchmarks/ is on the path of a script run from it
from _common import compile_bytecode, in_workdir, status_counts, timed

FIRST_YEAR, LAST_YEAR = 2023, 2030
COUNTRY = "VN"
LEVELS = ("country", "province", "commune")


@dataclass(frozen=True)
class Indicator:
    """A ``ratio`` indicator, with one target (op, threshold) per level, all years."""

    name: str
    numerator: str
    denominator: str
    factor: float
    direction: str
    targets: dict[str, tuple[str, float]]


#: The record-level columns besides the unit and the year; each becomes a ``sum`` measure.
FLAGS = ("online", "trained", "dropped_out")
NUMBERS = ("hours",)

INDICATORS = (
    Indicator("online_pct", "online", "people", 100.0, "increase",
              {"country": (">=", 60.0), "province": (">=", 58.0), "commune": (">=", 55.0)}),
    Indicator("trained_pct", "trained", "people", 100.0, "increase",
              {"country": (">=", 30.0), "province": (">=", 30.0), "commune": (">=", 28.0)}),
    Indicator("dropout_pct", "dropped_out", "people", 100.0, "decrease",
              {"country": ("<=", 8.0), "province": ("<=", 8.0), "commune": ("<=", 9.0)}),
    Indicator("hours_per_person", "hours", "people", 1.0, "increase",
              {"country": (">=", 20.0), "province": (">=", 20.0), "commune": (">=", 19.5)}),
)


# -- data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None


def org_tree(communes: int, provinces: int) -> list[Unit]:
    """The country, its provinces ("01".."34") and communes (five digits, leading zeros;
    commune ``i`` is ``(i + 1) * 7`` and belongs to province ``i * provinces // communes``)."""
    units = [Unit(COUNTRY, "Country", "country", None)]
    units += [Unit(f"{p + 1:02d}", f"Province {p + 1:02d}", "province", COUNTRY)
              for p in range(provinces)]
    units += [Unit(f"{(i + 1) * 7:05d}", f"Commune {i + 1}", "commune",
                   f"{i * provinces // communes + 1:02d}") for i in range(communes)]
    return units


def people_sql(rows: int, communes: int) -> str:
    """A ``SELECT`` of ``rows`` people with deterministic, hash-based pseudo-random values.
    Rates vary by commune so that some communes meet their targets and others do not."""

    def uniform(salt: int) -> str:  # in [0, 1)
        return f"(hash(i, {salt}) % 1000000) / 1000000.0"

    commune = f"hash(i, 0) % {communes}"
    spread = f"(({commune}) % 97) / 97.0"  # a commune's position, 0..1
    return f"""
        SELECT lpad(CAST((c + 1) * 7 AS VARCHAR), 5, '0') AS commune_code,
               CAST({FIRST_YEAR} + hash(i, 1) % {LAST_YEAR - FIRST_YEAR + 1} AS INTEGER) AS year,
               CAST({uniform(2)} < 0.45 + 0.25 * s AS TINYINT) AS online,
               CAST({uniform(3)} < 0.22 + 0.15 * (1 - s) AS TINYINT) AS trained,
               CAST({uniform(4)} < 0.04 + 0.08 * s AS TINYINT) AS dropped_out,
               CAST(hash(i, 5) % 81 AS DOUBLE) / 2.0 AS hours
        FROM (SELECT range AS i, {commune} AS c, {spread} AS s FROM range({rows}))
    """


def spec_data(org_units: str, parquet: str) -> dict[str, object]:
    """The qnkpi spec, as Python data."""
    measures: dict[str, object] = {"people": {"source": "people", "aggregate": "count"}}
    measures |= {c: {"source": "people", "aggregate": "sum"} for c in (*FLAGS, *NUMBERS)}
    indicators: dict[str, object] = {}
    for ind in INDICATORS:
        targets = []
        for level in LEVELS:
            op, value = ind.targets[level]
            target: dict[str, object] = {"years": [FIRST_YEAR, LAST_YEAR], "op": op,
                                         "value": value}
            if level != "country":  # no level: the top unit
                target["level"] = level
            targets.append(target)
        indicators[ind.name] = {
            "kind": "ratio", "numerator": ind.numerator, "denominator": ind.denominator,
            "factor": ind.factor, "direction": ind.direction, "targets": targets}
    return {
        "qnkpi": 1,
        "programme": {"id": "pushdown-benchmark", "title": {"en": "Pushdown benchmark"},
                      "period": {"start": FIRST_YEAR, "end": LAST_YEAR},
                      "assessment": {"methods": []}},
        "org_units": org_units,
        "sources": {"people": {"type": "duckdb", "path": parquet,
                               "unit": "commune_code", "year": "year"}},
        "measures": measures,
        "indicators": indicators,
    }


def generate(workdir: Path, rows: int, communes: int, provinces: int) -> None:
    """Writes org-units.yaml, units.csv, programme.yaml and hand.py (small: always), and
    people.parquet unless ``workdir`` already holds it for the same sizes."""
    import duckdb
    import yaml

    units = org_tree(communes, provinces)
    tree = {"levels": list(LEVELS), "units": [
        {"code": u.code, "name": u.name, "level": u.level}
        | ({"parent": u.parent} if u.parent else {}) for u in units]}
    (workdir / "org-units.yaml").write_text(
        yaml.safe_dump(tree, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with (workdir / "units.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerows([u.code, u.name, u.level, u.parent or ""] for u in units)
    (workdir / "programme.yaml").write_text(
        yaml.safe_dump(spec_data("org-units.yaml", "people.parquet"), sort_keys=False),
        encoding="utf-8")
    (workdir / "hand.py").write_text(HAND_PROGRAM.format(sql=hand_sql()), encoding="utf-8")

    parquet = workdir / "people.parquet"
    meta = {"rows": rows, "communes": communes, "provinces": provinces, "version": 1}
    meta_file = workdir / "meta.json"
    if parquet.is_file() and meta_file.is_file() and json.loads(meta_file.read_text()) == meta:
        print(f"reusing {parquet} ({rows:,} rows)")
        return
    meta_file.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = duckdb.connect()
    conn.execute(f"COPY ({people_sql(rows, communes)}) TO '{parquet}' (FORMAT parquet)")
    conn.close()
    meta_file.write_text(json.dumps(meta))
    print(f"generated {rows:,} rows ({parquet.stat().st_size / 1e6:.0f} MB of Parquet) for "
          f"{len(units):,} units in {time.perf_counter() - started:.1f} s")


# -- the hand-written version ---------------------------------------------------------------


def hand_sql() -> str:
    """ONE DuckDB statement: aggregate per commune and year, roll up to provinces and the
    country, compute the ratios, compare with the thresholds, write the checks."""
    sums = ", ".join(f"SUM(CAST({c} AS DOUBLE)) AS {c}" for c in (*FLAGS, *NUMBERS))
    rolled = ", ".join(f"SUM(a.{c}) AS {c}" for c in ("people", *FLAGS, *NUMBERS))
    values = "\n        UNION ALL ".join(
        f"SELECT unit, year, '{i.name}' AS indicator, {i.numerator} AS num, "
        f"{i.denominator} AS den, {i.factor} AS factor FROM rolled" for i in INDICATORS)
    targets = ", ".join(f"('{i.name}', '{level}', '{op}', {value})"
                        for i in INDICATORS for level in LEVELS
                        for op, value in [i.targets[level]])
    return f"""
COPY (
    WITH units AS (
        SELECT * FROM read_csv('units.csv', header = true, all_varchar = true)
    ), per_commune AS (
        SELECT TRIM(commune_code) AS unit, CAST(year AS INTEGER) AS year,
               COUNT(*) AS people, {sums}
        FROM read_parquet('people.parquet')
        WHERE year BETWEEN {FIRST_YEAR} AND {LAST_YEAR}
        GROUP BY ALL
    ), rolled AS (
        SELECT COALESCE(c.code, p.code, p.parent) AS unit, a.year, {rolled}
        FROM per_commune a
        JOIN units c ON c.code = a.unit
        JOIN units p ON p.code = c.parent
        GROUP BY GROUPING SETS ((a.year, c.code), (a.year, p.code), (a.year, p.parent))
    ), indicator_values AS (
        {values}
    ), targets(indicator, level, op, threshold) AS (
        VALUES {targets}
    ), grid AS (
        SELECT u.code AS unit, u.level, y.range AS year
        FROM units u,
             range({FIRST_YEAR}, (SELECT MAX(year) FROM per_commune) + 1) y
    ), checks AS (
        SELECT t.indicator, g.unit, g.level, g.year,
               v.num * v.factor / NULLIF(v.den, 0) AS value, t.op, t.threshold,
               v.num AS numerator, v.den AS denominator
        FROM grid g
        JOIN targets t ON t.level = g.level
        LEFT JOIN indicator_values v
               ON v.unit = g.unit AND v.year = g.year AND v.indicator = t.indicator
    )
    SELECT indicator, unit, level, year, value, op, threshold, numerator, denominator,
           CASE WHEN value IS NULL THEN 'no_data'
                WHEN (op = '>=' AND value >= threshold) OR (op = '<=' AND value <= threshold)
                THEN 'met' ELSE 'not_met' END AS status
    FROM checks
    ORDER BY indicator, year, unit
) TO 'hand.csv' (HEADER)
"""


HAND_PROGRAM = '''"""What `qnkpi evaluate programme.yaml -f csv -o qnkpi.csv` does, by hand."""
import duckdb

duckdb.execute("""{sql}""")
'''


# -- running -------------------------------------------------------------------------------


def read_checks(path: Path) -> dict[tuple[str, str, int], tuple[str, list[float | None]]]:
    """(indicator, unit, year) -> (status, [value, numerator, denominator])."""
    def number(cell: str) -> float | None:
        return float(cell) if cell != "" else None

    with path.open(newline="", encoding="utf-8") as stream:
        return {(r["indicator"], r["unit"], int(r["year"])):
                (r["status"], [number(r[c]) for c in ("value", "numerator", "denominator")])
                for r in csv.DictReader(stream)}


def compare(ours: Path, hand: Path) -> list[str]:
    """Differences between the two files' checks (empty when they agree)."""
    a, b = read_checks(ours), read_checks(hand)
    problems = [f"only in {ours.name}: {k}" for k in sorted(a.keys() - b.keys())[:5]]
    problems += [f"only in {hand.name}: {k}" for k in sorted(b.keys() - a.keys())[:5]]
    for key in sorted(a.keys() & b.keys()):
        (status_a, nums_a), (status_b, nums_b) = a[key], b[key]
        same = status_a == status_b and all(
            (x is None and y is None) or (x is not None and y is not None
                                          and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9))
            for x, y in zip(nums_a, nums_b, strict=True))
        if not same:
            problems.append(f"{key}: {status_a} {nums_a} != {status_b} {nums_b}")
        if len(problems) >= 10:
            break
    return problems


def summary(path: Path) -> str:
    return status_counts(status for status, _ in read_checks(path).values())


def stats(times: list[float]) -> str:
    return f"min {min(times):7.3f} s   median {statistics.median(times):7.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000,
                        help="people (Parquet rows) to generate (default: 10,000,000)")
    parser.add_argument("--communes", type=int, default=3321, help="default: 3321")
    parser.add_argument("--provinces", type=int, default=34, help="default: 34")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default: 3)")
    parser.add_argument("--goal", type=float, default=1.2,
                        help="the largest acceptable qnkpi/hand ratio (default: 1.2)")
    parser.add_argument("--workdir", type=Path,
                        help="keep the data here and reuse it (default: a temporary folder)")
    args = parser.parse_args(argv)

    return in_workdir(args.workdir, "qnkpi-pushdown-", lambda workdir: run(args, workdir))


def run(args: argparse.Namespace, workdir: Path) -> int:
    import duckdb

    print(f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    generate(workdir, args.rows, args.communes, args.provinces)
    compile_bytecode("qnkpi", "qnkpi_duckdb")
    bindir = Path(sys.executable).parent
    qnkpi = shutil.which("qnkpi", path=str(bindir)) or shutil.which("qnkpi") or "qnkpi"
    ours, hand = workdir / "qnkpi.csv", workdir / "hand.csv"
    commands: dict[str, tuple[list[str], Path]] = {
        "qnkpi": ([qnkpi, "evaluate", "programme.yaml", "--format", "csv", "-o", ours.name,
                   "--quiet"], ours),
        "hand": ([sys.executable, "hand.py"], hand),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for n in range(args.repeat):
        for name, (command, output) in commands.items():  # interleaved: same conditions
            output.unlink(missing_ok=True)
            times[name].append(timed(command, workdir))
        print(f"run {n + 1}/{args.repeat}: " + "   ".join(
            f"{name} {times[name][-1]:.3f} s" for name in commands))

    # the hand query alone, in this process: what DuckDB itself needs for the work
    sql = hand_sql()
    cwd = Path.cwd()
    os.chdir(workdir)  # the query names its files relative to the data
    try:
        inside = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            duckdb.connect().execute(sql).close()
            inside.append(time.perf_counter() - started)
    finally:
        os.chdir(cwd)

    problems = compare(ours, hand)
    print()
    print(f"{args.rows:,} rows, {args.communes:,} communes, {args.provinces} provinces; "
          f"{summary(ours)}")
    if problems:
        print("outputs DISAGREE:\n  " + "\n  ".join(problems))
        return 2
    print(f"outputs agree: same checks, statuses, and values within 1e-9 "
          f"({ours.name}, {hand.name})")
    print()
    print(f"qnkpi evaluate (subprocess)       {stats(times['qnkpi'])}")
    print(f"hand-written DuckDB (subprocess)  {stats(times['hand'])}")
    print(f"  its query alone (in process)    {stats(inside)}")
    best = min(times["qnkpi"]) / min(times["hand"])
    typical = statistics.median(times["qnkpi"]) / statistics.median(times["hand"])
    verdict = "met" if best <= args.goal else "MISSED"
    print(f"ratio qnkpi/hand                  min {best:7.2f}     median {typical:7.2f}"
          f"     goal <= {args.goal}: {verdict}")
    return 0 if best <= args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
