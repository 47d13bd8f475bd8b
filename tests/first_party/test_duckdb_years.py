"""Years, unit codes and value ranges in the ``duckdb`` source (plugin qnkpi-duckdb):
every bad row of a real CSV, Parquet or DuckDB file is an error naming it, never a
dropped row, a truncation or a rounding (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.sources._numbers import LARGEST
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

duckdb = pytest.importorskip("duckdb")
PLUGINS = plugins_with(pytest.importorskip("qnkpi_duckdb"))


def _write(tmp_path: Path, kind: str, select: str) -> dict[str, Any]:
    """Rows of `select` (columns unit, year, num) written as a `kind` file; the source."""
    conn = duckdb.connect()
    if kind == "duckdb":
        conn.close()
        conn = duckdb.connect(str(tmp_path / "data.duckdb"))
        conn.execute(f"CREATE TABLE reports AS {select}")
        conn.close()
        return {"path": "data.duckdb", "table": "reports"}
    name = f"data.{kind}"
    conn.execute(f"COPY ({select}) TO '{tmp_path / name}' (FORMAT {kind})")
    conn.close()
    return {"path": name}


def _run(tmp_path: Path, kind: str, select: str, aggregate: str | None = None) -> qnkpi.Result:
    measure: dict[str, Any] = {"source": "db", "column": "num"}
    if aggregate:
        measure["aggregate"] = aggregate
    spec_data = tiny_programme(measures={"x": measure}, indicators={})
    spec_data["sources"] = {"db": {"type": "duckdb", "unit": "unit", "year": "year",
                                   **_write(tmp_path, kind, select)}}
    spec = spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


def _rows(*rows: str) -> str:
    return " UNION ALL ".join(f"SELECT {r}" for r in rows)


GOOD = "'D1' AS unit, 2023 AS year, 5.0 AS num"
KINDS = ["csv", "parquet", "duckdb"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("aggregate", [None, "sum"])
@pytest.mark.parametrize(("year", "shown"), [
    ("2023.7", "'2023.7'"), ("2023.2", "'2023.2'"), ("NULL", "NULL"), ("20230", "'20230'"),
])
def test_a_year_that_is_not_whole_is_never_rounded(tmp_path: Path, kind: str, year: str,
                                                   shown: str, aggregate: str | None) -> None:
    with pytest.raises(qnkpi.DataError) as err:
        _run(tmp_path, kind, _rows(GOOD, f"'D2', {year}, 3.0"), aggregate)
    assert f"column 'year': {shown} for unit 'D2' is not a year" in str(err.value), err.value


@pytest.mark.parametrize("year", ["'2O23'", "'2023abc'", "'23'"])
def test_text_years_that_are_not_four_digits(tmp_path: Path, year: str) -> None:
    with pytest.raises(qnkpi.DataError,
                       match=rf"column 'year': {year} for unit 'D2' is not a year"):
        _run(tmp_path, "parquet", _rows("'D1' AS unit, '2023' AS year, 5.0 AS num",
                                        f"'D2', {year}, 3.0"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_null_unit_code_is_an_error(tmp_path: Path, kind: str) -> None:
    with pytest.raises(qnkpi.DataError, match=r"a row for 2023 has no unit code; fill in "
                                              r"column 'unit'"):
        _run(tmp_path, kind, _rows(GOOD, "NULL, 2023, 3.0"), "sum")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", ["2e18", "-1e19", "1e-13", "'inf'::DOUBLE"])
def test_values_outside_the_csv_range_are_errors(tmp_path: Path, kind: str, value: str) -> None:
    with pytest.raises(qnkpi.DataError) as err:
        _run(tmp_path, kind, _rows(GOOD, f"'D2', 2023, {value}"))
    assert "column 'num':" in str(err.value) and "for unit 'D2' in 2023 is" in str(err.value)
    assert "which reads 0 and numbers between 10^-12 and 10^18" in str(err.value)


def test_whole_years_and_the_bound_itself_are_read(tmp_path: Path) -> None:
    result = _run(tmp_path, "parquet", _rows(f"'D1' AS unit, 2023.0 AS year, {LARGEST!r} AS num",
                                             "'D2', 2023.0, 0", "'D3', 2024.0, NULL"))
    years = result.years.tolist()
    got = result.measures["x"][:, years.index(2023)].tolist()
    codes = result.tree.codes
    assert got[list(codes).index("D1")] == LARGEST and got[list(codes).index("D2")] == 0
    assert np.isnan(result.measures["x"][list(codes).index("D3"), years.index(2024)])
