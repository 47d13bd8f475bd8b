"""The ``sqlite`` source with real database files built in tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.sources.base import FetchRequest, MeasureRequest
from qnkpi.sources.sql import quote
from qnkpi.sources.sqlite import SqliteSource
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()


def _database(path: Path, create: str, rows: Sequence[tuple[Any, ...]],
              table: str = "reports") -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.execute(create)
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO {quote(table)} VALUES ({marks})", rows)
        conn.commit()
    finally:
        conn.close()
    return path


def _spec(tmp_path: Path, measures: dict[str, Any], source: dict[str, Any], *,
          indicators: dict[str, Any] | None = None) -> qnkpi.Spec:
    spec_data = tiny_programme(measures=measures, indicators=indicators or {})
    spec_data["sources"] = {"db": {"type": "sqlite", "path": "data.db", "unit": "unit",
                                   "year": "year", **source}}
    return spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)


def _evaluate(tmp_path: Path, measures: dict[str, Any], source: dict[str, Any],
              **kw: Any) -> qnkpi.Result:
    return qnkpi.evaluate(_spec(tmp_path, measures, source, **kw), plugins=PLUGINS)


def _cells(result: qnkpi.Result, measure: str, year: int) -> dict[str, float]:
    col = result.years.tolist().index(year)
    return dict(zip(result.tree.codes, result.measures[measure][:, col].tolist(), strict=True))


TABLE = "CREATE TABLE reports (unit TEXT, year INTEGER, num REAL, den INTEGER)"
TABLE_ROWS = [("D1", 2023, 7, 10), ("D2", 2023, None, 20), ("D3", 2023, 0, 5),
              ("D1", 2024, 8.5, 10), ("D1", 2019, 1, 1)]
NUM_DEN = {"num": {"source": "db"}, "den": {"source": "db"}}
RATIO = {"r": {"kind": "ratio", "numerator": "num", "denominator": "den", "factor": 100,
               "direction": "increase", "targets": [{"year": 2023, "op": ">", "value": 46}]}}


def test_table_source(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, TABLE_ROWS)
    result = _evaluate(tmp_path, NUM_DEN, {"table": "reports"}, indicators=RATIO)
    assert _cells(result, "num", 2023) == pytest.approx(
        {"P": np.nan, "D1": 7.0, "D2": np.nan, "D3": 0.0}, nan_ok=True)
    assert _cells(result, "den", 2023) == pytest.approx(
        {"P": np.nan, "D1": 10.0, "D2": 20.0, "D3": 5.0}, nan_ok=True)
    assert _cells(result, "num", 2024)["D1"] == 8.5
    [check] = result.checks()
    assert (check.value, check.numerator, check.denominator) == (7 * 100 / 15, 7.0, 15.0)
    assert check.status == "met"


def test_query_source(tmp_path: Path) -> None:
    _database(tmp_path / "data.db",
              "CREATE TABLE raw (district TEXT, yr INTEGER, reached INTEGER, pop INTEGER)",
              [("D1", 2023, 30, 60), ("D2", 2023, 10, 40), ("D1", 2024, 1, 2)], table="raw")
    query = ("SELECT district AS unit, yr AS year, reached AS num, pop AS den FROM raw "
             "WHERE district <> 'D2'")
    result = _evaluate(tmp_path, NUM_DEN, {"query": query}, indicators=RATIO)
    [check] = result.checks()
    assert (check.value, check.numerator, check.denominator) == (50.0, 30.0, 60.0)
    assert np.isnan(_cells(result, "num", 2023)["D2"])


def test_record_level_aggregation_in_sql(tmp_path: Path) -> None:
    rows = [("D1", 2023, "a", 10), ("D1", 2023, "b", 30), ("D1", 2023, "c", None),
            ("D2", 2023, "d", 5), ("D1", 2024, "e", 7), ("D3", 2023, "f", None)]
    _database(tmp_path / "data.db",
              "CREATE TABLE reports (unit TEXT, year INTEGER, activity TEXT, people INTEGER)",
              rows)
    measures = {
        "total": {"source": "db", "column": "people", "aggregate": "sum"},
        "average": {"source": "db", "column": "people", "aggregate": "mean"},
        "least": {"source": "db", "column": "people", "aggregate": "min"},
        "most": {"source": "db", "column": "people", "aggregate": "max"},
        "filled": {"source": "db", "column": "people", "aggregate": "count"},
        "rows": {"source": "db", "aggregate": "count"},
    }
    result = _evaluate(tmp_path, measures, {"table": "reports"})
    expected_2023 = {"total": (40.0, 5.0, np.nan), "average": (20.0, 5.0, np.nan),
                     "least": (10.0, 5.0, np.nan), "most": (30.0, 5.0, np.nan),
                     "filled": (2.0, 1.0, 0.0), "rows": (3.0, 1.0, 1.0)}
    for name, (d1, d2, d3) in expected_2023.items():
        assert _cells(result, name, 2023) == pytest.approx(
            {"P": np.nan, "D1": d1, "D2": d2, "D3": d3}, nan_ok=True), name
        assert _cells(result, name, 2024)["D1"] == (1.0 if name in ("filled", "rows")
                                                    else 7.0), name


def _request(spec: qnkpi.Spec, measures: tuple[MeasureRequest, ...]) -> FetchRequest:
    units = {u.code: i for i, u in enumerate(spec.org_units.units)}
    return FetchRequest("db", measures, units, np.arange(2023, 2031, dtype=np.int64))


def test_all_record_measures_of_a_source_in_one_group_by(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"x": {"source": "db"}}, {"table": "records"})
    source = spec.sources["db"]
    assert isinstance(source, SqliteSource)
    request = _request(spec, (
        MeasureRequest("total", "people", "sum"),
        MeasureRequest("n", None, "count"),
        MeasureRequest("avg", "people", "mean"),
        MeasureRequest("lo", "people", "min"),
        MeasureRequest("hi", "age", "max"),
        MeasureRequest("filled", "people", "count"),
    ))
    [statement] = source.statements(request)
    assert statement.grouped is True
    assert statement.params == (2023, 2030)
    assert [m.name for m in statement.measures] == ["total", "n", "avg", "lo", "hi", "filled"]
    sql = statement.sql
    assert sql.count("SELECT") == 1 and sql.count("GROUP BY") == 1
    assert 'FROM "records"' in sql and "BETWEEN ? AND ?" in sql
    # one aggregate per measure, in the order of the measures
    parts = ['SUM("people")', "COUNT(*)", 'AVG("people")', 'MIN("people")', 'MAX("age")',
             'COUNT("people")']
    positions = [sql.index(part) for part in parts]
    assert positions == sorted(positions)


def test_table_measures_in_one_plain_select(tmp_path: Path) -> None:
    spec = _spec(tmp_path, {"x": {"source": "db"}}, {"query": "SELECT * FROM t"})
    source = spec.sources["db"]
    assert isinstance(source, SqliteSource)
    request = _request(spec, (MeasureRequest("a", "a", None), MeasureRequest("b", "col b", None),
                              MeasureRequest("c", "c", "sum")))
    plain, grouped = source.statements(request)
    assert plain.grouped is False and grouped.grouped is True
    assert plain.sql == ('SELECT TRIM(CAST("unit" AS TEXT)), CAST("year" AS INTEGER), "a", '
                         '"col b" FROM (SELECT * FROM t) AS q '
                         'WHERE CAST("year" AS INTEGER) BETWEEN ? AND ?')
    assert [m.name for m in plain.measures] == ["a", "b"]
    assert "GROUP BY" in grouped.sql and 'SUM("c")' in grouped.sql
    assert source.explain(request).count("-- params [2023, 2030]") == 2


def test_quote_doubles_inner_quotes() -> None:
    assert quote("plain") == '"plain"'
    assert quote('we"ird') == '"we""ird"'
    assert quote('"; DROP TABLE x; --') == '"""; DROP TABLE x; --"'


def test_identifiers_with_double_quotes_work(tmp_path: Path) -> None:
    table = 'my "reports"'
    value = 'a"b'
    conn = sqlite3.connect(tmp_path / "data.db")
    conn.execute(f'CREATE TABLE {quote(table)} ({quote("unit code")} TEXT, '
                 f'{quote("the year")} INTEGER, {quote(value)} REAL)')
    conn.executemany(f"INSERT INTO {quote(table)} VALUES (?, ?, ?)",
                     [("D1", 2023, 1.5), ("D1", 2023, 2.0), ("D2", 2023, 4.0)])
    conn.commit()
    conn.close()
    spec_data = tiny_programme(measures={
        "x": {"source": "db", "column": value, "aggregate": "sum"},
        "n": {"source": "db", "aggregate": "count"}})
    spec_data["sources"] = {"db": {"type": "sqlite", "path": "data.db", "table": table,
                                   "unit": "unit code", "year": "the year"}}
    spec = spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert _cells(result, "x", 2023) == pytest.approx(
        {"P": np.nan, "D1": 3.5, "D2": 4.0, "D3": np.nan}, nan_ok=True)
    assert _cells(result, "n", 2023)["D1"] == 2.0


def test_injection_through_a_table_name_is_only_a_missing_table(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, TABLE_ROWS)
    with pytest.raises(qnkpi.DataError, match="SQLite: no such table"):
        _evaluate(tmp_path, NUM_DEN, {"table": 'reports"; DROP TABLE reports; --'})
    conn = sqlite3.connect(tmp_path / "data.db")
    assert conn.execute("SELECT COUNT(*) FROM reports").fetchone() == (len(TABLE_ROWS),)
    conn.close()


def test_database_is_opened_read_only(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, TABLE_ROWS)
    before = (tmp_path / "data.db").read_bytes()
    _evaluate(tmp_path, NUM_DEN, {"table": "reports"})
    assert (tmp_path / "data.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.db"]


def test_duplicate_unit_year_rows_are_an_error(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, [("D1", 2023, 1, 2), ("D2", 2023, 1, 2),
                                            ("D1", 2023, 3, 4)])
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, NUM_DEN, {"table": "reports"})
    message = str(caught.value)
    assert "unit 'D1' has two rows for 2023" in message
    assert "source 'db'" in message and str(tmp_path / "data.db") in message


def test_text_in_a_numeric_column_is_an_error(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, [("D1", 2023, 1, 2), ("D2", 2023, "n/a", 4)])
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, NUM_DEN, {"table": "reports"})
    message = str(caught.value)
    assert "column 'num': 'n/a' for unit 'D2' in 2023 is not a number" in message
    assert "store numbers as INTEGER or REAL" in message


@pytest.mark.parametrize("aggregate", ["sum", "mean"])
def test_text_in_an_aggregated_column_is_an_error(tmp_path: Path, aggregate: str) -> None:
    # SQLite's SUM and AVG read 'n/a' as 0: the source must not hand back that 0
    _database(tmp_path / "data.db", TABLE, [("D1", 2023, 5, 1), ("D1", 2023, "n/a", 1),
                                            ("D2", 2023, "n/a", 1)])
    with pytest.raises(qnkpi.DataError, match="'n/a'"):
        _evaluate(tmp_path, {"num": {"source": "db", "aggregate": aggregate}},
                  {"table": "reports"})


def test_unknown_unit_code_is_an_error(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, [("D1", 2023, 1, 2), ("D11", 2023, 1, 2)])
    with pytest.raises(qnkpi.DataError, match=r"unit code 'D11' is not in the spec's org "
                                              r"units; did you mean 'D1'\?"):
        _evaluate(tmp_path, NUM_DEN, {"table": "reports"})


def test_integer_unit_codes_are_read_as_text(tmp_path: Path) -> None:
    _database(tmp_path / "data.db", TABLE, [(1, 2023, 4, 8)])
    spec_data = tiny_programme(measures=NUM_DEN)
    spec_data["org_units"]["units"][1]["code"] = "1"
    spec_data["sources"] = {"db": {"type": "sqlite", "path": "data.db", "table": "reports",
                                   "unit": "unit", "year": "year"}}
    result = qnkpi.evaluate(spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS),
                            plugins=PLUGINS)
    assert result.measures["num"][1, 0] == 4.0


def test_missing_database_file(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, NUM_DEN, {"table": "reports"})
    assert "database file not found" in str(caught.value)
    assert caught.value.file == tmp_path / "data.db"
    assert not (tmp_path / "data.db").exists()  # not created by trying to open it


@pytest.mark.parametrize(("measure", "columns", "missing"), [
    ({"source": "db", "column": "nope"}, {}, "nope"),
    ({"source": "db", "column": "nope", "aggregate": "sum"}, {}, "nope"),
    ({"source": "db", "column": "nope", "aggregate": "count"}, {}, "nope"),
    ({"source": "db", "column": "num"}, {"year": "yr"}, "yr"),
    ({"source": "db", "column": "num", "aggregate": "sum"}, {"unit": "code"}, "code"),
], ids=["table-measure", "sum", "count", "year-column", "unit-column"])
def test_missing_column_is_a_data_error_naming_it(tmp_path: Path, measure: dict[str, Any],
                                                  columns: dict[str, str],
                                                  missing: str) -> None:
    # SQLite reads a double-quoted name that is no column as a string literal: a misspelt
    # column must not become the text 'nope' (summed as 0, counted per row) or a year
    # column that matches no row
    _database(tmp_path / "data.db", TABLE, TABLE_ROWS)
    with pytest.raises(qnkpi.DataError, match=f"no column '{missing}'"):
        _evaluate(tmp_path, {"x": measure}, {"table": "reports", **columns})


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "data.db").write_text("unit,year\n", encoding="utf-8")
    with pytest.raises(qnkpi.DataError, match="SQLite: file is not a database"):
        _evaluate(tmp_path, NUM_DEN, {"table": "reports"})


def test_table_and_query_are_exclusive(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.SpecError, match="exactly one of 'table' or 'query'"):
        _spec(tmp_path, NUM_DEN, {"table": "reports", "query": "SELECT 1"})
    with pytest.raises(qnkpi.SpecError, match="exactly one of 'table' or 'query'"):
        _spec(tmp_path, NUM_DEN, {})
