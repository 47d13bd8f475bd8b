"""The rows' check of the ``duckdb`` source: a value's range is checked only in columns
whose type can leave it, and every bad row, of any year, is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with(__import__("qnkpi_duckdb"))
GOOD = "'D1' AS unit, 2023 AS year, 5.0 AS num"


def _run(tmp_path: Path, select: str, aggregate: str | None = "sum",
         table: bool = False) -> qnkpi.Result:
    """`qnkpi.evaluate` of one measure `x` over the rows of `select` (columns unit, year,
    num), written as Parquet (or as a DuckDB table)."""
    conn = duckdb.connect(str(tmp_path / "data.duckdb") if table else ":memory:")
    if table:
        conn.execute(f"CREATE TABLE reports AS {select}")
        source: dict[str, Any] = {"path": "data.duckdb", "table": "reports"}
    else:
        conn.execute(f"COPY ({select}) TO '{tmp_path / 'data.parquet'}' (FORMAT parquet)")
        source = {"path": "data.parquet"}
    conn.close()
    measure: dict[str, Any] = {"source": "db", "column": "num"}
    if aggregate:
        measure["aggregate"] = aggregate
    data = tiny_programme(measures={"x": measure}, indicators={})
    data["sources"] = {"db": {"type": "duckdb", "unit": "unit", "year": "year", **source}}
    return qnkpi.evaluate(spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS),
                          plugins=PLUGINS)


def _rows(*rows: str) -> str:
    return " UNION ALL ".join(f"SELECT {r}" for r in rows)


def _fails(tmp_path: Path, select: str, **kwargs: Any) -> str:
    with pytest.raises(qnkpi.DataError) as err:
        _run(tmp_path, select, **kwargs)
    return str(err.value)


def _value(result: qnkpi.Result, code: str, year: int) -> float:
    years, codes = result.years.tolist(), list(result.tree.codes)
    return float(result.measures["x"][codes.index(code), years.index(year)])


def test_clean_rows_of_other_years_are_checked_not_read(tmp_path: Path) -> None:
    result = _run(tmp_path, _rows(GOOD, "'D1', 2023, 2.5", "'D2', 2024, 1e18",
                                  "'D2', 1999, 7.0", "'D3', 2024, NULL"))
    assert _value(result, "D1", 2023) == 7.5 and _value(result, "D2", 2024) == 1e18
    assert np.isnan(_value(result, "D3", 2024))
    assert 1999 not in result.years.tolist()


@pytest.mark.parametrize(("row", "message"), [
    ("NULL, 1999, 3.0", "a row for 1999 has no unit code; fill in column 'unit'"),
    ("'D2', 1999.5, 3.0", "column 'year': '1999.5' for unit 'D2' is not a year"),
    ("'D2', NULL, 3.0", "column 'year': NULL for unit 'D2' is not a year"),
    ("'D2', 1999, 2e18", "column 'num': '2e+18' for unit 'D2' in 1999 is"),
    ("'D2', 2023, -1e19", "column 'num': '-1e+19' for unit 'D2' in 2023 is"),
    ("'D2', 2023, 1e-13", "column 'num': '1e-13' for unit 'D2' in 2023 is"),
], ids=["no-unit", "fraction-year", "null-year", "large-other-year", "large", "small"])
def test_a_bad_row_of_any_year_is_named(tmp_path: Path, row: str, message: str) -> None:
    assert message in _fails(tmp_path, _rows(GOOD, row))


@pytest.mark.parametrize("aggregate", [None, "sum", "count"])
def test_a_cell_duckdb_cannot_convert_is_named(tmp_path: Path, aggregate: str | None) -> None:
    select = _rows("'D1' AS unit, '2023' AS year, 5.0 AS num", "'D2', '2024b', 3.0")
    message = _fails(tmp_path, select, aggregate=aggregate, table=True)
    assert "table 'reports': column 'year': '2024b' for unit 'D2' is not a year" in message
    assert "DuckDB" not in message


def test_text_values_in_a_table_are_named(tmp_path: Path) -> None:
    select = _rows("'D1' AS unit, 2023 AS year, '5' AS num", "'D2', 2030, '5 000'")
    message = _fails(tmp_path, select, table=True)
    assert "column 'num': '5 000' for unit 'D2' in 2030 is not a number" in message


@pytest.mark.parametrize(("sql_type", "value", "fails"), [
    ("BOOLEAN", "true", False), ("TINYINT", "-128", False), ("INTEGER", "2147483647", False),
    ("UINTEGER", "4294967295", False), ("INTEGER", "0", False),
    ("BIGINT", "2000000000000000000", True), ("HUGEINT", "-2000000000000000000", True),
    ("UBIGINT", "18000000000000000000", True), ("DECIMAL(38, 0)", "2000000000000000000", True),
])
def test_only_types_that_cannot_leave_the_range_skip_its_check(
        tmp_path: Path, sql_type: str, value: str, fails: bool) -> None:
    select = _rows(f"'D1' AS unit, 2023 AS year, CAST({value} AS {sql_type}) AS num")
    if fails:
        assert "column 'num':" in _fails(tmp_path, select, table=True)
    else:
        expected = 1.0 if value == "true" else float(value)
        assert _value(_run(tmp_path, select, table=True), "D1", 2023) == expected
