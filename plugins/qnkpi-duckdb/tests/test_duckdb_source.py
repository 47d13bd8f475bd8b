"""The ``duckdb`` source with real CSV, Parquet and DuckDB files built in tmp_path, checked
against the built-in ``sqlite`` source on the same rows and against numpy."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
import qnkpi
from qnkpi.cli import main
from qnkpi.errors import DataError
from qnkpi.sources.base import FetchRequest, MeasureRequest
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

from qnkpi_duckdb import DuckdbSource
from qnkpi_duckdb import register_source_types as _hook

PLUGINS = plugins_with(__import__("qnkpi_duckdb"))
YEARS = np.arange(2023, 2031, dtype=np.int64)
CODES = ["P", "D1", "D2", "D3"]
N = 2000

RECORD_MEASURES: dict[str, dict[str, Any]] = {
    "people": {"aggregate": "count"},
    "vaccinated": {"column": "vaccinated", "aggregate": "sum"},
    "mean_age": {"column": "age", "aggregate": "mean"},
    "youngest": {"column": "age", "aggregate": "min"},
    "top_income": {"column": "income", "aggregate": "max"},
    "with_income": {"column": "income", "aggregate": "count"},
    "income": {"column": "income", "aggregate": "sum"},
}


# -- data ------------------------------------------------------------------------------

def _people(seed: int = 7, n: int = N) -> dict[str, np.ndarray]:
    """Record-level rows: one person per row; income is missing for some people."""
    rng = np.random.default_rng(seed)
    unit = rng.choice(["D1", "D2", "D3", " D2 "], size=n)  # " D2 " is D2 once trimmed
    year = rng.integers(2021, 2027, size=n)  # 2021, 2022 fall outside the programme
    vaccinated = rng.integers(0, 2, size=n)
    age = rng.integers(0, 90, size=n)
    income = np.round(rng.gamma(2.0, 3.5, size=n), 2)
    income[rng.random(n) < 0.2] = np.nan
    return {"unit_code": unit, "year": year, "vaccinated": vaccinated, "age": age,
            "income": income}


def _write_csv(path: Path, rows: dict[str, np.ndarray]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(rows))
        for cells in zip(*rows.values(), strict=True):
            writer.writerow(["" if isinstance(c, float) and np.isnan(c) else c for c in cells])
    return path


def _write_parquet(path: Path, csv_path: Path) -> Path:
    conn = duckdb.connect()
    try:
        conn.execute(f"COPY (SELECT * FROM read_csv_auto('{csv_path.as_posix()}')) "
                     f"TO '{path.as_posix()}' (FORMAT parquet)")
    finally:
        conn.close()
    return path


def _write_duckdb(path: Path, csv_path: Path, table: str = "people") -> Path:
    conn = duckdb.connect(str(path))
    try:
        conn.execute(f'CREATE TABLE "{table}" AS SELECT * FROM '
                     f"read_csv_auto('{csv_path.as_posix()}')")
    finally:
        conn.close()
    return path


def _write_sqlite(path: Path, rows: dict[str, np.ndarray]) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE people (unit_code TEXT, year INTEGER, vaccinated INTEGER, "
                     "age INTEGER, income REAL)")
        conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?)", [
            (str(u), int(y), int(v), int(a), None if np.isnan(i) else float(i))
            for u, y, v, a, i in zip(*rows.values(), strict=True)])
        conn.commit()
    finally:
        conn.close()
    return path


@pytest.fixture
def people(tmp_path: Path) -> dict[str, np.ndarray]:
    rows = _people()
    csv_path = _write_csv(tmp_path / "people.csv", rows)
    _write_parquet(tmp_path / "people.parquet", csv_path)
    _write_duckdb(tmp_path / "people.duckdb", csv_path)
    _write_sqlite(tmp_path / "people.db", rows)
    return rows


def _expected(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The record-level measures computed with plain numpy loops over the rows."""
    units = np.array([CODES.index(u.strip()) for u in rows["unit_code"]])
    out = {name: np.full((len(CODES), len(YEARS)), np.nan) for name in RECORD_MEASURES}
    for i in range(len(CODES)):
        for j, year in enumerate(YEARS):
            pick = (units == i) & (rows["year"] == year)
            if not pick.any():
                continue
            age = rows["age"][pick].astype(float)
            income = rows["income"][pick]
            filled = income[~np.isnan(income)]
            out["people"][i, j] = pick.sum()
            out["vaccinated"][i, j] = rows["vaccinated"][pick].sum()
            out["mean_age"][i, j] = age.mean()
            out["youngest"][i, j] = age.min()
            out["with_income"][i, j] = filled.size
            if filled.size:
                out["top_income"][i, j] = filled.max()
                out["income"][i, j] = filled.sum()
    return out


# -- specs -----------------------------------------------------------------------------

def _spec_data(sources: dict[str, dict[str, Any]],
               measures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = tiny_programme(measures=measures)
    data["sources"] = sources
    return data


def _spec(tmp_path: Path, source: dict[str, Any], measures: dict[str, dict[str, Any]] | None
          = None, name: str = "src") -> qnkpi.Spec:
    measures = measures or {m: {"source": name, **kw} for m, kw in RECORD_MEASURES.items()}
    sources = {name: {"unit": "unit_code", "year": "year", **source}}
    return spec_from_dict(_spec_data(sources, measures), base_dir=tmp_path, plugins=PLUGINS)


def _evaluate(spec: qnkpi.Spec) -> qnkpi.Result:
    return qnkpi.evaluate(spec, plugins=PLUGINS)


def _panels(result: qnkpi.Result, names: Any = RECORD_MEASURES) -> dict[str, np.ndarray]:
    assert list(result.tree.codes) == CODES
    cols = [result.years.tolist().index(y) for y in YEARS]
    return {name: np.asarray(result.measures[name])[:, cols] for name in names}


def _request(spec: qnkpi.Spec, measures: tuple[MeasureRequest, ...],
             name: str = "src") -> FetchRequest:
    units = {u.code: i for i, u in enumerate(spec.org_units.units)}
    return FetchRequest(name, measures, units, YEARS)


# -- results ---------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    {"type": "duckdb", "path": "people.csv"},
    {"type": "duckdb", "path": "people.parquet"},
    {"type": "duckdb", "path": "people.duckdb", "table": "people"},
    {"type": "duckdb", "path": "people.duckdb",
     "query": "SELECT * FROM people WHERE age >= 0"},
], ids=["csv", "parquet", "duckdb-table", "duckdb-query"])
def test_record_level_measures_equal_sqlite_and_numpy(
        tmp_path: Path, people: dict[str, np.ndarray], source: dict[str, Any]) -> None:
    got = _panels(_evaluate(_spec(tmp_path, source)))
    via_sqlite = _panels(_evaluate(_spec(
        tmp_path, {"type": "sqlite", "path": "people.db", "table": "people"})))
    expected = _expected(people)
    for name in RECORD_MEASURES:
        np.testing.assert_allclose(got[name], via_sqlite[name], rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-12, err_msg=name)
    # no rows for the province itself: missing, never zero; with_income of 0 stays 0
    assert np.isnan(got["people"][0]).all()
    assert np.isnan(got["people"][:, YEARS > 2026]).all()


def test_table_shaped_measures(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "stats.duckdb"))
    conn.execute("CREATE TABLE population (unit VARCHAR, yr BIGINT, pop BIGINT, "
                 "\"households (total)\" DOUBLE)")
    conn.execute("INSERT INTO population VALUES ('D1', 2023, 1000, 300.5), "
                 "(' D2', 2023, NULL, 200), ('D3', 2024, 0, NULL), ('D1', 2019, 5, 5)")
    conn.close()
    source = {"type": "duckdb", "path": "stats.duckdb", "table": "population",
              "unit": "unit", "year": "yr"}
    measures = {"pop": {"source": "s"},
                "households": {"source": "s", "column": "households (total)"}}
    spec = spec_from_dict(_spec_data({"s": source}, measures), base_dir=tmp_path,
                          plugins=PLUGINS)
    got = _panels(_evaluate(spec), measures)
    nan = np.nan
    np.testing.assert_array_equal(got["pop"][:, :2], [[nan, nan], [1000, nan], [nan, nan],
                                                      [nan, 0]])
    np.testing.assert_array_equal(got["households"][:, :2], [[nan, nan], [300.5, nan],
                                                             [200, nan], [nan, nan]])


def test_glob_of_parquet_files(tmp_path: Path, people: dict[str, np.ndarray]) -> None:
    (tmp_path / "parts").mkdir()
    conn = duckdb.connect()
    try:
        for year in range(2021, 2027):  # one file per year, as an export might be split
            conn.execute(f"COPY (SELECT * FROM read_parquet('{tmp_path / 'people.parquet'}') "
                         f"WHERE year = {year}) TO '{tmp_path / 'parts' / f'y{year}.parquet'}' "
                         "(FORMAT parquet)")
    finally:
        conn.close()
    assert len(list((tmp_path / "parts").glob("*.parquet"))) == 6
    got = _panels(_evaluate(_spec(tmp_path, {"type": "duckdb", "path": "parts/*.parquet"})))
    expected = _expected(people)
    for name in RECORD_MEASURES:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-12, err_msg=name)


def test_format_key_overrides_the_suffix(tmp_path: Path, people: dict[str, np.ndarray]) -> None:
    (tmp_path / "people.csv").rename(tmp_path / "export.dat")
    got = _panels(_evaluate(_spec(tmp_path, {"type": "duckdb", "path": "export.dat",
                                             "format": "csv"})))
    np.testing.assert_allclose(got["vaccinated"], _expected(people)["vaccinated"])


# -- SQL -------------------------------------------------------------------------------

ALL_RECORDS = (
    MeasureRequest("people", None, "count"),
    MeasureRequest("vaccinated", "vaccinated", "sum"),
    MeasureRequest("mean_age", "age", "mean"),
    MeasureRequest("youngest", "age", "min"),
    MeasureRequest("top_income", "income", "max"),
    MeasureRequest("with_income", "income", "count"),
)


def test_explain_one_group_by_for_all_record_measures(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"type": "duckdb", "path": "data/*.parquet"})
    source = spec.sources["src"]
    assert isinstance(source, DuckdbSource)
    request = _request(spec, ALL_RECORDS)
    [statement] = source.statements(request)
    assert statement.grouped
    assert statement.params == (str(tmp_path / "data/*.parquet"), 2023, 2030)
    sql = statement.sql
    assert sql.count("SELECT") == 1 and sql.count("GROUP BY") == 1
    assert "read_parquet(?" in sql and "BETWEEN ? AND ?" in sql
    assert str(tmp_path) not in sql  # the path is bound, never formatted into the SQL
    parts = ["COUNT(*)", 'SUM(CAST("vaccinated" AS DOUBLE))', 'AVG(CAST("age" AS DOUBLE))',
             'MIN(CAST("age" AS DOUBLE))', 'MAX(CAST("income" AS DOUBLE))', 'COUNT("income")']
    positions = [sql.index(part) for part in parts]
    assert positions == sorted(positions)
    assert 'AS "m0_people"' in sql and 'AS "m5_with_income"' in sql
    assert sql.endswith('GROUP BY TRIM(CAST("unit_code" AS VARCHAR)), '
                        'CAST("year" AS INTEGER)')
    text = source.explain(request)
    assert text == f"{sql};  -- params {[str(tmp_path / 'data/*.parquet'), 2023, 2030]!r}"


def test_explain_table_and_record_measures(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"type": "duckdb", "path": "x.duckdb",
                            "query": 'SELECT * FROM "t"'})
    source = spec.sources["src"]
    assert isinstance(source, DuckdbSource)
    request = _request(spec, (MeasureRequest("a", "a", None), MeasureRequest("b", 'col "b"',
                                                                            None),
                              *ALL_RECORDS[:2]))
    plain, grouped = source.statements(request)
    assert plain.sql == ('SELECT TRIM(CAST("unit_code" AS VARCHAR)) AS "_unit", '
                         'CAST("year" AS INTEGER) AS "_year", CAST("a" AS DOUBLE) AS "m0_a", '
                         'CAST("col ""b""" AS DOUBLE) AS "m1_b" FROM (SELECT * FROM "t") AS q '
                         'WHERE CAST("year" AS INTEGER) BETWEEN ? AND ?')
    assert plain.params == grouped.params == (2023, 2030)
    assert "GROUP BY" not in plain.sql and grouped.sql.count("GROUP BY") == 1
    assert source.explain(request).count("\n") == 1


def test_explain_runs_nothing(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"type": "duckdb", "path": "missing.parquet"})
    source = spec.sources["src"]
    assert "read_parquet" in source.explain(_request(spec, ALL_RECORDS))


def test_hook_registers_the_source_type() -> None:
    found: list[type[Any]] = []
    _hook(found.append)
    assert found == [DuckdbSource]


def test_discovered_through_entry_point() -> None:
    from qnkpi.plugin.registry import get_plugins

    assert get_plugins().source_types["duckdb"] is DuckdbSource


# -- spec errors -----------------------------------------------------------------------

@pytest.mark.parametrize(("source", "message"), [
    ({"path": "x.duckdb"}, "exactly one of 'table' or 'query'"),
    ({"path": "x.duckdb", "table": "t", "query": "SELECT 1"}, "exactly one of"),
    ({"path": "x.parquet", "table": "t"}, "'table' and 'query' are for .duckdb"),
    ({"path": "x.xlsx"}, "add 'format: csv'"),
    ({"path": "x.duckdb", "format": "parquet", "bogus": 1}, "bogus"),
])
def test_bad_keys_are_spec_errors(tmp_path: Path, source: dict[str, Any], message: str) -> None:
    with pytest.raises(qnkpi.QnkpiError, match=message.replace("(", r"\(")):
        _spec(tmp_path, {"type": "duckdb", **source})


# -- data errors -----------------------------------------------------------------------

def _fails(tmp_path: Path, source: dict[str, Any],
           measures: dict[str, dict[str, Any]] | None = None) -> str:
    with pytest.raises(DataError) as info:
        _evaluate(_spec(tmp_path, source, measures))
    assert info.value.source == "src"
    return str(info.value)


def _cli_fails(tmp_path: Path, source: dict[str, Any], capsys: pytest.CaptureFixture[str],
               ) -> str:
    import yaml

    measures = {m: {"source": "src", **kw} for m, kw in RECORD_MEASURES.items()}
    data = _spec_data({"src": {"unit": "unit_code", "year": "year", **source}}, measures)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["evaluate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "duckdb." not in err
    return err


def test_unknown_unit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _people(n=50)
    rows["unit_code"][17], rows["year"][17] = "D9", 2024
    _write_parquet(tmp_path / "p.parquet", _write_csv(tmp_path / "p.csv", rows))
    message = _fails(tmp_path, {"type": "duckdb", "path": "p.parquet"})
    assert "unit code 'D9' (in rows for 2024) is not in the spec's org units" in message
    assert "(in rows for 2024)" in message and "row " not in message
    assert "'D9'" in _cli_fails(tmp_path, {"type": "duckdb", "path": "p.parquet"}, capsys)


def test_missing_column(tmp_path: Path, people: dict[str, np.ndarray],
                        capsys: pytest.CaptureFixture[str]) -> None:
    for path in ("people.csv", "people.parquet"):
        message = _fails(tmp_path, {"type": "duckdb", "path": path},
                         {"x": {"source": "src", "column": "incomes", "aggregate": "sum"}})
        assert "no column 'incomes'; did you mean 'income'?" in message
        assert "unit_code, year, vaccinated, age, income" in message
    message = _fails(tmp_path, {"type": "duckdb", "path": "people.duckdb", "table": "people",
                                "unit": "unit"})
    assert "no column 'unit'" in message and "the table has" in message
    err = _cli_fails(tmp_path, {"type": "duckdb", "path": "people.parquet", "year": "yr"},
                     capsys)
    assert "no column 'yr'" in err


def test_missing_file_and_empty_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = _fails(tmp_path, {"type": "duckdb", "path": "nope.parquet"})
    assert "parquet file not found; check 'path'" in message and "nope.parquet" in message
    message = _fails(tmp_path, {"type": "duckdb", "path": "exports/*.parquet"})
    assert "no file matches" in message and "exports/*.parquet" in message
    message = _fails(tmp_path, {"type": "duckdb", "path": "nope.duckdb", "table": "t"})
    assert "database not found" in message
    err = _cli_fails(tmp_path, {"type": "duckdb", "path": "exports/*.csv"}, capsys)
    assert "no file matches" in err


def test_missing_table_and_bad_query(tmp_path: Path, people: dict[str, np.ndarray],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    message = _fails(tmp_path, {"type": "duckdb", "path": "people.duckdb", "table": "persons"})
    assert "no table 'persons'; the database has: people" in message
    message = _fails(tmp_path, {"type": "duckdb", "path": "people.duckdb",
                                "query": "SELEC * FROM people"})
    assert "DuckDB:" in message and "check the source's 'query'" in message
    err = _cli_fails(tmp_path, {"type": "duckdb", "path": "people.duckdb",
                                "query": "SELECT * FROM nowhere"}, capsys)
    assert "nowhere" in err


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "x.duckdb").write_text("not a database", encoding="utf-8")
    message = _fails(tmp_path, {"type": "duckdb", "path": "x.duckdb", "table": "t"})
    assert "DuckDB:" in message


@pytest.mark.parametrize("suffix", ["csv", "duckdb"])
def test_text_in_numeric_column(tmp_path: Path, suffix: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    rows: dict[str, Any] = _people(n=40)
    rows["income"] = rows["income"].astype(object)
    rows["income"][11] = "52,3"
    csv_path = _write_csv(tmp_path / "p.csv", rows)
    source: dict[str, Any] = {"type": "duckdb", "path": "p.csv"}
    if suffix == "duckdb":
        _write_duckdb(tmp_path / "p.duckdb", csv_path)
        source = {"type": "duckdb", "path": "p.duckdb", "table": "people"}
    message = _fails(tmp_path, source)
    unit = rows["unit_code"][11].strip()
    assert (f"column 'income': '52,3' for unit '{unit}' in {rows['year'][11]} is not a number"
            in message)
    assert "'.' for decimals" in message
    assert "'52,3'" in _cli_fails(tmp_path, source, capsys)


def test_text_beyond_the_csv_sample(tmp_path: Path) -> None:
    """DuckDB sniffs column types from a sample; a bad cell after it is still an error."""
    rows: dict[str, Any] = _people(n=30_000)
    rows["age"] = rows["age"].astype(object)
    rows["age"][29_990] = "n/a"
    _write_csv(tmp_path / "p.csv", rows)
    message = _fails(tmp_path, {"type": "duckdb", "path": "p.csv"})
    assert "line 29992, column 'age': 'n/a' is not a number" in message


def test_text_in_year_column(tmp_path: Path) -> None:
    rows: dict[str, Any] = _people(n=20)
    rows["year"] = rows["year"].astype(object)
    rows["year"][3] = "2024b"
    _write_csv(tmp_path / "p.csv", rows)
    message = _fails(tmp_path, {"type": "duckdb", "path": "p.csv"})
    assert "column 'year': '2024b'" in message and "is not a year" in message


def test_numbers_stored_as_text_are_read(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "t.duckdb"))
    conn.execute("CREATE TABLE people (unit_code INTEGER, year VARCHAR, v VARCHAR)")
    conn.execute("INSERT INTO people VALUES (1, '2023', '1.5'), (1, '2023', ' 2'), "
                 "(2, '2024', NULL)")
    conn.close()
    data = tiny_programme(measures={"v": {"source": "src", "column": "v", "aggregate": "sum"}})
    data["org_units"]["units"] += [{"code": "1", "name": "One", "level": "district",
                                    "parent": "P"},
                                   {"code": "2", "name": "Two", "level": "district",
                                    "parent": "P"}]
    data["sources"] = {"src": {"type": "duckdb", "path": "t.duckdb", "table": "people",
                               "unit": "unit_code", "year": "year"}}
    result = _evaluate(spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS))
    panel = np.asarray(result.measures["v"])
    codes = list(result.tree.codes)
    assert panel[codes.index("1"), result.years.tolist().index(2023)] == 3.5
    assert np.isnan(panel[codes.index("2"), result.years.tolist().index(2024)])


def test_no_unit_code(tmp_path: Path) -> None:
    rows: dict[str, Any] = _people(n=20)
    rows["unit_code"] = rows["unit_code"].astype(object)
    rows["unit_code"][4] = ""
    _write_csv(tmp_path / "p.csv", rows)
    message = _fails(tmp_path, {"type": "duckdb", "path": "p.csv"})
    assert "has no unit code" in message or "unit code ''" in message


def test_duplicate_rows_in_a_table(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "t.duckdb"))
    conn.execute("CREATE TABLE t (unit_code VARCHAR, year INTEGER, pop INTEGER)")
    conn.execute("INSERT INTO t VALUES ('D1', 2023, 1), ('D1 ', 2023, 2)")
    conn.close()
    message = _fails(tmp_path, {"type": "duckdb", "path": "t.duckdb", "table": "t"},
                     {"pop": {"source": "src"}})
    assert "unit 'D1' has two rows for 2023" in message


def test_duckdb_not_imported_by_the_plugin_module() -> None:
    import subprocess
    import sys

    code = ("import sys, qnkpi_duckdb; from qnkpi.plugin.registry import get_plugins; "
            "get_plugins(); print('duckdb' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_measures_with_the_same_expression(tmp_path: Path, people: dict[str, np.ndarray]) -> None:
    """Two measures computing the same aggregate are still two result columns."""
    measures = {"a": {"source": "src", "column": "income", "aggregate": "count"},
                "b": {"source": "src", "column": "income", "aggregate": "count"},
                "c": {"source": "src", "aggregate": "count"},
                "d": {"source": "src", "aggregate": "count"}}
    got = _panels(_evaluate(_spec(tmp_path, {"type": "duckdb", "path": "people.parquet"},
                                  measures)), measures)
    expected = _expected(people)
    np.testing.assert_array_equal(got["a"], expected["with_income"])
    np.testing.assert_array_equal(got["b"], expected["with_income"])
    np.testing.assert_array_equal(got["c"], expected["people"])
    np.testing.assert_array_equal(got["d"], expected["people"])
