"""The Quảng Ninh spec gives the same verdicts whatever holds its data: the bundled CSV
files as they are, or record-level rows generated from them and aggregated by qnkpi
(csv), by SQLite, by DuckDB (from Parquet), by PostgreSQL or by Spark (the last three
from the first-party plugins in ``plugins/``).

The records: every (unit, year) year-end report row is split into three partial reports whose
numbers add up to it (empty cells stay empty in every part), and the 0/1 flags are
repeated in each part; the activity log is record-level already. So a measure read as it
was becomes ``aggregate: sum`` (``min`` for the flags) over the records, and every
backend must give back exactly the example's numbers.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import qnkpi

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "qnkpi" / "examples" / "quang-ninh"
FLAGS = {"uses_management_software", "applies_it_member_evaluation"}
TEXT = {"unit_code", "held_on", "activity_id", "title_vi"}  # the other columns are numbers
PARTS = 3

Backend = Callable[[Path, list[str]], dict[str, dict[str, Any]]]


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (EXAMPLE / "data" / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _year_end_reports() -> tuple[list[str], list[dict[str, str]]]:
    """The report rows dated 31 December (a yearly evaluation reads those: the six-month
    reports of 30 June are not the year's figures), without their date column."""
    fields, rows = _read("unit-reports.csv")
    return ([f for f in fields if f != "reported_on"],
            [r for r in rows if r["reported_on"].endswith("-12-31")])


def _split(value: str, part: int) -> str:
    """The ``part``-th of three uneven whole numbers adding up to ``value`` (about a
    half, a third and the rest); '' stays ''."""
    if value == "":
        return ""
    whole = int(value)
    half, third = whole // 2, whole // 3
    return str((half, third, whole - half - third)[part])


def _records(tmp_path: Path) -> tuple[list[str], Path, Path]:
    """The report rows split into partial reports, and the activity log, as CSV files."""
    fields, rows = _year_end_reports()
    measures = fields[2:]
    records = tmp_path / "report-records.csv"
    with records.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(fields)
        for row in rows:
            for part in range(PARTS):
                writer.writerow([row["unit_code"], row["year"], *(
                    row[m] if m in FLAGS else _split(row[m], part) for m in measures)])
    activities = tmp_path / "activities.csv"
    shutil.copy(EXAMPLE / "data" / "activities.csv", activities)
    return measures, records, activities


def _spec(tmp_path: Path, sources: dict[str, dict[str, Any]],
          measures: list[str]) -> qnkpi.Spec:
    """The example's spec with its two sources replaced; the report measures become
    record-level (sum, or min for the flags)."""
    doc = yaml.safe_load((EXAMPLE / "programme.yaml").read_text(encoding="utf-8"))
    shutil.copy(EXAMPLE / "org-units.yaml", tmp_path / "org-units.yaml")
    doc["sources"] = sources
    for name in measures:
        doc["measures"][name]["aggregate"] = "min" if name in FLAGS else "sum"
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return qnkpi.load_spec(path)


def _verdicts(result: qnkpi.Result) -> Iterator[tuple[Any, ...]]:
    for c in result.checks():
        yield (c.indicator, c.unit, c.year, c.status, c.value, c.numerator, c.denominator,
               c.expected_units, c.reported_units)


# --- the backends ------------------------------------------------------------------------

def _csv(tmp_path: Path, measures: list[str]) -> dict[str, dict[str, Any]]:
    return {"reports": {"type": "csv", "path": "report-records.csv", "unit": "unit_code",
                        "year": "year"},
            "activities": {"type": "csv", "path": "activities.csv", "unit": "unit_code",
                           "year": "year"}}


def _sqlite(tmp_path: Path, measures: list[str]) -> dict[str, dict[str, Any]]:
    db = tmp_path / "data.sqlite"
    with sqlite3.connect(db) as conn:
        for table, file in (("reports", "report-records.csv"),
                            ("activities", "activities.csv")):
            with (tmp_path / file).open(encoding="utf-8", newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                cols = ", ".join(f'"{h}" {"TEXT" if h in TEXT else "NUMERIC"}'
                                 for h in header)
                conn.execute(f"CREATE TABLE {table} ({cols})")
                conn.executemany(
                    f"INSERT INTO {table} VALUES ({', '.join('?' * len(header))})",
                    ([None if v == "" else v for v in row] for row in reader))
    return {name: {"type": "sqlite", "path": "data.sqlite", "table": name,
                   "unit": "unit_code", "year": "year"} for name in ("reports", "activities")}


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server (from the qnkpi-sql plugin's test helper)."""
    testing = pytest.importorskip("qnkpi_sql.testing", reason="pip install -e plugins/qnkpi-sql")
    try:
        with testing.postgresql() as url:
            yield url
    except testing.PostgresNotFound as exc:
        pytest.skip(str(exc))


def _columns(header: list[str]) -> str:
    return ", ".join(f'"{h}" {"text" if h in TEXT else "bigint"}' for h in header)


def _postgres(tmp_path: Path, url: str) -> dict[str, dict[str, Any]]:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            for table, file in (("reports", "report-records.csv"),
                                ("activities", "activities.csv")):
                with (tmp_path / file).open(encoding="utf-8", newline="") as f:
                    header = next(csv.reader(f))
                    f.seek(0)
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "qn_{table}"')
                    conn.exec_driver_sql(f'CREATE TABLE "qn_{table}" ({_columns(header)})')
                    with raw.cursor().copy(f'COPY "qn_{table}" FROM STDIN '
                                           "WITH (FORMAT csv, HEADER true)") as copy:
                        copy.write(f.read())
    finally:
        engine.dispose()
    return {name: {"type": "sql", "url": url, "table": f"qn_{name}", "unit": "unit_code",
                   "year": "year"} for name in ("reports", "activities")}


def _parquet(tmp_path: Path) -> None:
    """The two CSV files as Parquet (written by DuckDB; codes kept as text)."""
    duckdb = pytest.importorskip("duckdb", reason="pip install -e plugins/qnkpi-duckdb")
    with duckdb.connect() as conn:
        for file in ("report-records", "activities"):
            conn.execute(
                "COPY (SELECT * FROM read_csv(?, header = true, types = {'unit_code': "
                "'VARCHAR'})) TO '" + str(tmp_path / f"{file}.parquet") + "' (FORMAT parquet)",
                [str(tmp_path / f"{file}.csv")])


def _duckdb(tmp_path: Path, measures: list[str]) -> dict[str, dict[str, Any]]:
    pytest.importorskip("qnkpi_duckdb", reason="pip install -e plugins/qnkpi-duckdb")
    _parquet(tmp_path)
    return {"reports": {"type": "duckdb", "path": "report-records.parquet",
                        "unit": "unit_code", "year": "year"},
            "activities": {"type": "duckdb", "path": "activities.parquet",
                           "unit": "unit_code", "year": "year"}}


def _spark(tmp_path: Path, measures: list[str]) -> dict[str, dict[str, Any]]:
    pytest.importorskip("qnkpi_spark", reason="pip install -e plugins/qnkpi-spark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java 17 or later")
    _parquet(tmp_path)
    from pyspark.sql import SparkSession
    from qnkpi_spark import spark_session

    # Spark makes its SQL warehouse in the working directory unless told where: start it
    # here, with the warehouse in a temporary folder, for the sources to reuse
    if SparkSession.getActiveSession() is None:
        spark_session(None, {"spark.sql.warehouse.dir": str(tmp_path / "spark-warehouse")})
    return {"reports": {"type": "spark", "path": "report-records.parquet",
                        "unit": "unit_code", "year": "year"},
            "activities": {"type": "spark", "path": "activities.csv",
                           "unit": "unit_code", "year": "year"}}


BACKENDS: dict[str, Backend] = {"csv": _csv, "sqlite": _sqlite, "duckdb": _duckdb,
                                "spark": _spark}


def test_the_same_verdicts_from_postgresql(tmp_path: Path, postgres_url: str,
                                           as_bundled: list[tuple[Any, ...]]) -> None:
    measures, _, _ = _records(tmp_path)
    spec = _spec(tmp_path, _postgres(tmp_path, postgres_url), measures)
    assert list(_verdicts(qnkpi.evaluate(spec))) == as_bundled


@pytest.fixture(scope="module")
def as_bundled() -> list[tuple[Any, ...]]:
    return list(_verdicts(qnkpi.evaluate(qnkpi.load_spec(EXAMPLE / "programme.yaml"))))


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_the_same_verdicts_from_every_backend(backend: str, tmp_path: Path,
                                              as_bundled: list[tuple[Any, ...]]) -> None:
    measures, _, _ = _records(tmp_path)
    spec = _spec(tmp_path, BACKENDS[backend](tmp_path, measures), measures)
    got = list(_verdicts(qnkpi.evaluate(spec)))
    assert len(got) == len(as_bundled) == 205
    assert got == as_bundled


def test_the_records_add_up_to_the_reports(tmp_path: Path) -> None:
    _, records, _ = _records(tmp_path)
    _, rows = _year_end_reports()
    with records.open(encoding="utf-8", newline="") as f:
        parts = list(csv.DictReader(f))
    assert len(parts) == PARTS * len(rows)
    first = [p for p in parts if (p["unit_code"], p["year"]) == ("193", "2023")]
    assert sum(int(p["youth_population"]) for p in first) == int(rows[0]["youth_population"])
    assert len({p["youth_population"] for p in first}) > 1  # really split
