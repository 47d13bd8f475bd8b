"""The ``spark`` source against real Spark (local[2]): record-level rows written as Parquet
and CSV by Spark itself, aggregated by Spark, compared with the built-in ``sqlite`` source
reading the same rows."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import qnkpi
import qnkpi_spark
from qnkpi.errors import DataError, QnkpiError
from qnkpi.sources.base import FetchRequest, MeasureRequest
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi_spark import SparkSource

PLUGINS = plugins_with(qnkpi_spark)
CODES = ["06652", "06655", "06658"]
ORG_UNITS = {
    "levels": ["province", "commune"],
    "units": [{"code": "P", "name": "Quảng Ninh", "level": "province"}]
    + [{"code": c, "name": f"Commune {c}", "level": "commune", "parent": "P"} for c in CODES],
}
MEASURES = {
    "people": {"source": "people", "aggregate": "count"},
    "employed": {"source": "people", "column": "employed", "aggregate": "sum"},
    "mean_age": {"source": "people", "column": "age", "aggregate": "mean"},
    "youngest": {"source": "people", "column": "age", "aggregate": "min"},
    "oldest": {"source": "people", "column": "age", "aggregate": "max"},
    "with_income": {"source": "people", "column": "income", "aggregate": "count"},
    "income": {"source": "people", "column": "income", "aggregate": "sum"},
    "population": {"source": "pop"},
}
INDICATORS = {
    "employment": {"kind": "ratio", "numerator": "employed", "denominator": "people",
                   "factor": 100, "direction": "increase",
                   "targets": [{"year": 2030, "op": ">=", "value": 50}]},
}
SCHEMA = "unit_code string, year int, employed int, age int, income double"
KEYS = {"unit": "unit_code", "year": "year"}


def _people(n: int = 3000) -> list[tuple[Any, ...]]:
    """Record-level rows: one person each; codes with and without padding; missing values
    (never a missing year: that is an error in every source)."""
    rng = random.Random(20250701)
    rows = []
    for _ in range(n):
        code = rng.choice([*CODES, "06652", " 06658 "])
        year = rng.randint(2021, 2031)
        employed = None if rng.random() < 0.1 else int(rng.random() < 0.6)
        age = None if rng.random() < 0.05 else rng.randint(16, 35)
        income = None if rng.random() < 0.3 else round(rng.uniform(1.5, 40.0), 2)
        rows.append((code, year, employed, age, income))
    # a cell where every income is missing: count 0, sum missing
    rows = [r for r in rows if not (r[0] == "06655" and r[1] == 2023)]
    rows += [("06655", 2023, 1, 20, None), ("06655", 2023, 0, None, None)]
    return rows


def _population() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [(c, y, 1000 * (i + 1) + y - 2023)
                                   for i, c in enumerate(CODES) for y in range(2023, 2031)]
    rows[3] = (CODES[0], 2026, None)
    return rows


@pytest.fixture(scope="module")
def data(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Parquet, a glob of Parquet parts, CSV and an SQLite database of the same rows."""
    folder = tmp_path_factory.mktemp("spark-data")
    people, population = _people(), _population()
    df = spark.createDataFrame(people, SCHEMA)
    df.write.parquet(str(folder / "people.parquet"))
    df.repartition(3).write.parquet(str(folder / "parts"))
    df.coalesce(1).write.csv(str(folder / "people_csv"), header=True)
    spark.createDataFrame(population, "unit_code string, year int, population int") \
        .write.parquet(str(folder / "pop.parquet"))
    df.createOrReplaceTempView("people_records")
    conn = sqlite3.connect(folder / "data.db")
    with conn:
        conn.execute("CREATE TABLE people (unit_code TEXT, year INTEGER, employed INTEGER, "
                     "age INTEGER, income REAL)")
        conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?)", people)
        conn.execute("CREATE TABLE pop (unit_code TEXT, year INTEGER, population INTEGER)")
        conn.executemany("INSERT INTO pop VALUES (?, ?, ?)", population)
    conn.close()
    return folder


def _spec_data(people: dict[str, Any], pop: dict[str, Any] | None = None,
               measures: dict[str, Any] | None = None) -> dict[str, Any]:
    spec = tiny_programme(measures=measures or MEASURES,
                          indicators=INDICATORS if measures is None else {})
    spec["org_units"] = ORG_UNITS
    spec["sources"] = {"people": {**people, **KEYS}}
    if measures is None or any(m["source"] == "pop" for m in measures.values()):
        spec["sources"]["pop"] = {**(pop or {"type": "spark", "path": "pop.parquet"}), **KEYS}
    return spec


def _evaluate(folder: Path, people: dict[str, Any], pop: dict[str, Any] | None = None,
              measures: dict[str, Any] | None = None) -> qnkpi.Result:
    spec = spec_from_dict(_spec_data(people, pop, measures), base_dir=folder, plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


@pytest.fixture(scope="module")
def expected(data: Path) -> qnkpi.Result:
    """The same spec read by the built-in sqlite source."""
    return _evaluate(data, {"type": "sqlite", "path": "data.db", "table": "people"},
                     {"type": "sqlite", "path": "data.db", "table": "pop"})


@pytest.mark.parametrize("people", [
    {"type": "spark", "path": "people.parquet"},
    {"type": "spark", "path": "parts/*.parquet"},
    {"type": "spark", "path": "people_csv", "format": "csv"},
    {"type": "spark", "table": "people_records"},
], ids=["parquet", "parquet-glob", "csv", "catalog-table"])
def test_panels_equal_the_sqlite_source(data: Path, expected: qnkpi.Result,
                                        people: dict[str, Any]) -> None:
    result = _evaluate(data, people)
    assert list(result.tree.codes) == list(expected.tree.codes)
    for name in MEASURES:
        np.testing.assert_allclose(result.measures[name], expected.measures[name],
                                   rtol=1e-12, equal_nan=True, err_msg=name)
    # the data are really there: "06652" keeps its zero, " 06658 " is trimmed
    col = result.years.tolist().index(2024)
    row = list(result.tree.codes).index("06652")
    in_2024 = [p for p in _people() if p[1] == 2024 and p[0].strip() == "06652"]
    assert result.measures["people"][row, col] == len(in_2024) > 0
    assert result.measures["employed"][row, col] == sum(p[2] or 0 for p in in_2024)
    assert np.isnan(result.measures["population"][row, 2026 - 2023])
    assert [c.status for c in result.checks()] == [c.status for c in expected.checks()]


def _request(spec: qnkpi.Spec, measures: tuple[MeasureRequest, ...]) -> FetchRequest:
    units = {u.code: i for i, u in enumerate(spec.org_units.units)}
    return FetchRequest("people", measures, units, np.arange(2023, 2031, dtype=np.int64))


RECORD_MEASURES = (
    MeasureRequest("n", None, "count"),
    MeasureRequest("total", "income", "sum"),
    MeasureRequest("avg_age", "age", "mean"),
    MeasureRequest("lo", "age", "min"),
    MeasureRequest("hi", "age", "max"),
    MeasureRequest("filled", "income", "count"),
)


def _source(folder: Path, **keys: Any) -> tuple[SparkSource, qnkpi.Spec]:
    spec = spec_from_dict(_spec_data({"type": "spark", **keys}), base_dir=folder,
                          plugins=PLUGINS)
    source = spec.sources["people"]
    assert isinstance(source, SparkSource)
    return source, spec


def test_one_grouped_aggregation_in_spark(data: Path, spark: Any) -> None:
    source, spec = _source(data, path="parts/*.parquet")
    request = _request(spec, (*RECORD_MEASURES, MeasureRequest("pop", "employed", None)))
    plain, grouped = source.statements(request)
    assert not plain.grouped and grouped.grouped
    assert [m.name for m in grouped.measures] == [m.name for m in RECORD_MEASURES]
    sql = grouped.sql
    assert sql.count("SELECT") == 1 and sql.count("GROUP BY") == 1
    assert f"FROM parquet.`{data}/parts/*.parquet`" in sql
    assert "BETWEEN 2023 AND 2030" in sql
    parts = ["count(*)", "sum(CAST(`income` AS DOUBLE))", "avg(CAST(`age` AS DOUBLE))",
             "min(CAST(`age` AS DOUBLE))", "max(CAST(`age` AS DOUBLE))", "count(`income`)"]
    positions = [sql.index(part) for part in parts]
    assert positions == sorted(positions)
    # the DataFrame really is one Aggregate over filtered rows, run by Spark
    frames = source.frames(spark, request)
    assert [st for st, _ in frames] == [plain, grouped]
    plan = frames[1][1]._jdf.queryExecution().optimizedPlan().toString()
    assert plan.count("Aggregate [") == 1 and "Filter" in plan
    assert "Aggregate" not in frames[0][1]._jdf.queryExecution().optimizedPlan().toString()
    request = _request(spec, RECORD_MEASURES)
    panels = source.fetch(request)
    assert set(panels) == {m.name for m in request.measures}
    assert all(p.shape == request.shape for p in panels.values())


def test_explain_does_not_start_spark_nor_need_java(data: Path, tmp_path: Path) -> None:
    """In a fresh process with no java on PATH: explain works, pyspark is not imported."""
    script = tmp_path / "explain.py"
    script.write_text(
        "import json, sys\n"
        "import qnkpi_spark\n"
        "from qnkpi.engine.evaluate import explain\n"
        "from qnkpi.testing import plugins_with, spec_from_dict\n"
        "plugins = plugins_with(qnkpi_spark)\n"
        "spec = spec_from_dict(json.loads(sys.argv[1]), base_dir=sys.argv[2], "
        "plugins=plugins)\n"
        "plans = explain(spec, plugins=plugins)\n"
        "print(json.dumps({'plans': plans, 'pyspark': 'pyspark' in sys.modules}))\n")
    spec = _spec_data({"type": "spark", "path": "parts/*.parquet",
                       "master": "spark://cluster:7077"})
    env = {**os.environ, "PATH": str(tmp_path), "JAVA_HOME": str(tmp_path / "no-java")}
    done = subprocess.run([sys.executable, str(script), json.dumps(spec), str(data)],
                          capture_output=True, text=True, env=env, timeout=60, check=True)
    out = json.loads(done.stdout)
    assert out["pyspark"] is False
    plan = out["plans"]["people"]
    assert plan.startswith("-- Spark (master: spark://cluster:7077)")
    assert plan.count("GROUP BY") == 1 and plan.count("SELECT") == 1
    assert "count(*) AS `people`" in plan and "avg(CAST(`age` AS DOUBLE)) AS `mean_age`" in plan
    assert "SELECT" in out["plans"]["pop"] and "GROUP BY" not in out["plans"]["pop"]


# -- keys --------------------------------------------------------------------------------


def test_paths_relative_to_the_spec_unless_uris(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, path="records/*.parquet")
    assert source.path == str(tmp_path / "records/*.parquet") and source.kind == "parquet"
    assert source.is_local
    for uri in ("hdfs://nn:8020/warehouse/people", "s3a://bucket/people/", "file:/d/p"):
        source, _ = _source(tmp_path, path=uri, format="parquet", master="yarn",
                            options={"spark.executor.memory": "4g"})
        assert source.path == uri and source.is_local == uri.startswith("file:")
        assert source.options == {"spark.executor.memory": "4g"}
    source, _ = _source(tmp_path, path="s3a://bucket/export.csv")
    assert source.kind == "csv"


@pytest.mark.parametrize(("keys", "message"), [
    ({"path": "a.parquet", "table": "t"}, "exactly one of 'path'"),
    ({}, "exactly one of 'path'"),
    ({"table": "t", "format": "csv"}, "'format' is for files"),
    ({"path": "records"}, "cannot tell the format"),
    ({"path": "a.json"}, "cannot tell the format"),
    ({"path": "a.parquet", "format": "orc"}, "format"),
])
def test_bad_keys_are_spec_errors(tmp_path: Path, keys: dict[str, Any], message: str) -> None:
    with pytest.raises(QnkpiError, match=message):
        _source(tmp_path, **keys)


# -- errors ------------------------------------------------------------------------------


def _fetch_error(folder: Path, measures: dict[str, Any] | None = None, **keys: Any) -> str:
    with pytest.raises(DataError) as info:
        _evaluate(folder, {"type": "spark", **keys},
                  measures=measures or {"people": {"source": "people", "aggregate": "count"}})
    text = str(info.value)
    assert "source 'people'" in text
    assert "\tat " not in text and "Traceback" not in text and "JVM" not in text
    return text


def test_missing_path(data: Path, spark: Any) -> None:
    assert "no file matches" in _fetch_error(data, path="nowhere/*.parquet")
    assert "parquet file not found" in _fetch_error(data, path="nowhere.parquet")


def test_missing_path_found_by_spark(data: Path, spark: Any) -> None:
    """Paths qnkpi does not look for itself (URIs, Hadoop globs with braces)."""
    text = _fetch_error(data, path="nowhere/{a,b}.parquet")
    assert "PATH_NOT_FOUND" in text and "check 'path'" in text
    assert "parquet file not found" in _fetch_error(data, path=f"file://{data}/x.parquet")


def test_missing_column(data: Path, spark: Any) -> None:
    measures = {"x": {"source": "people", "column": "incme", "aggregate": "sum"}}
    text = _fetch_error(data, measures, path="people.parquet")
    assert "no column 'incme'; did you mean 'income'?" in text


def test_missing_table(data: Path, spark: Any) -> None:
    assert "TABLE_OR_VIEW_NOT_FOUND" in _fetch_error(data, table="no_such_table")


def test_text_where_a_number_is_expected(data: Path, spark: Any) -> None:
    (data / "bad.csv").write_text("unit_code,year,income\n06652,2024,12.5\n06655,2024,abc\n")
    measures = {"x": {"source": "people", "column": "income", "aggregate": "sum"}}
    text = _fetch_error(data, measures, path="bad.csv")
    assert "'abc'" in text and "not a number" in text


@pytest.mark.parametrize(("year", "shown"), [("2023.7", "'2023.7'"), ("", "NULL"),
                                             ("2O23", "'2O23'"), ("23", "'23'")])
def test_a_year_that_is_not_a_year_is_named_never_truncated(data: Path, spark: Any,
                                                             year: str, shown: str) -> None:
    (data / "years.csv").write_text(f"unit_code,year\n06652,2024\n06655,{year}\n")
    text = _fetch_error(data, path="years.csv")
    assert f"column 'year': {shown} for unit '06655' is not a year" in text


def test_a_row_without_a_unit_code_is_an_error(data: Path, spark: Any) -> None:
    (data / "nounit.csv").write_text("unit_code,year\n06652,2024\n,2024\n")
    assert "a row for 2024 has no unit code" in _fetch_error(data, path="nounit.csv")


def test_unknown_unit_code(data: Path, spark: Any) -> None:
    (data / "stray.csv").write_text("unit_code,year\n06652,2024\n06699,2024\n")
    assert "unit code '06699' is not in the spec's org units" in _fetch_error(
        data, path="stray.csv")


def test_another_master_than_the_running_one(data: Path, spark: Any) -> None:
    text = _fetch_error(data, path="people.parquet", master="spark://elsewhere:7077")
    assert "already running with master 'local[2]'" in text


def test_cli_exits_2_without_a_traceback(data: Path, tmp_path: Path, spark: Any,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    spec = _spec_data({"type": "spark", "path": str(data / "people.parquet"),
                       "unit": "unit_code"},
                      measures={"x": {"source": "people", "column": "salary",
                                      "aggregate": "sum"}})
    spec["sources"]["people"]["unit"] = "unit"
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    from qnkpi.cli import main

    assert main(["evaluate", str(path)]) == 2
    err = capfd.readouterr().err
    assert "qnkpi: error: source 'people'" in err and "no column 'unit'" in err
    assert "Traceback" not in err and "\tat org.apache" not in err


def test_options_on_the_running_session(data: Path, spark: Any) -> None:
    """SQL settings apply to the running session; settings fixed at start-up are errors."""
    result = _evaluate(data, {"type": "spark", "path": "people.parquet",
                              "options": {"spark.sql.shuffle.partitions": 3}},
                       measures={"people": {"source": "people", "aggregate": "count"}})
    assert np.nansum(result.measures["people"]) > 0
    assert spark.conf.get("spark.sql.shuffle.partitions") == "3"
    spark.conf.set("spark.sql.shuffle.partitions", "4")
    text = _fetch_error(data, path="people.parquet", options={"spark.executor.memory": "1g"})
    assert "option 'spark.executor.memory' cannot be changed" in text


def test_the_session_keeps_its_warehouse_out_of_the_working_directory(spark: Any) -> None:
    warehouse = Path(spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
    assert warehouse.name.startswith("spark-warehouse") and warehouse.is_dir()
    assert not warehouse.resolve().is_relative_to(Path.cwd().resolve())
