"""Years, unit codes and value ranges in the ``sqlite`` source: every bad row is an
error naming the row, never a dropped row, a truncation or a rounding (issue 18)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.sources._numbers import LARGEST
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()


def _run(tmp_path: Path, rows: list[tuple[Any, ...]], *, aggregate: str | None = None,
         table: bool = True) -> qnkpi.Result:
    conn = sqlite3.connect(tmp_path / "data.db")
    conn.execute("CREATE TABLE reports (unit, year, num)")  # no types: anything goes in
    conn.executemany("INSERT INTO reports VALUES (?, ?, ?)", rows)
    conn.commit()
    conn.close()
    measure: dict[str, Any] = {"source": "db", "column": "num"}
    if aggregate:
        measure["aggregate"] = aggregate
    spec_data = tiny_programme(measures={"x": measure}, indicators={})
    where = {"table": "reports"} if table else {"query": "SELECT * FROM reports"}
    spec_data["sources"] = {"db": {"type": "sqlite", "path": "data.db", "unit": "unit",
                                   "year": "year", **where}}
    spec = spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


GOOD = ("D1", 2023, 5.0)


@pytest.mark.parametrize("aggregate", [None, "sum"])
@pytest.mark.parametrize(("year", "shown"), [
    ("2O23", "'2O23'"), ("2023abc", "'2023abc'"), (2023.9, "2023.9"), (None, "NULL"),
    ("23", "'23'"), (20230, "20230"), ("２０２３", "'２０２３'"), (b"2023", "b'2023'"),
])
def test_a_bad_year_is_an_error_naming_the_row(tmp_path: Path, year: object, shown: str,
                                               aggregate: str | None) -> None:
    with pytest.raises(qnkpi.DataError) as err:
        _run(tmp_path, [GOOD, ("D2", year, 3.0)], aggregate=aggregate)
    text = str(err.value)
    assert "data.db" in text and "row 2 of table 'reports'" in text, text
    assert f"column 'year': {shown} for unit 'D2' is not a year" in text, text


def test_a_bad_year_of_a_query_names_the_row_of_its_result(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError, match=r"row 3 of the query's result: column 'year'"):
        _run(tmp_path, [GOOD, ("D1", 2024, 1.0), ("D3", "2023abc", 1.0)], table=False)


def test_whole_years_in_any_storage_class_are_read(tmp_path: Path) -> None:
    result = _run(tmp_path, [("D1", 2023.0, 1.0), ("D2", " 2023 ", 2.0), ("D3", "2023", 3.0)])
    col = result.years.tolist().index(2023)
    got = dict(zip(result.tree.codes, result.measures["x"][:, col].tolist(), strict=True))
    assert (got["D1"], got["D2"], got["D3"]) == (1.0, 2.0, 3.0)


@pytest.mark.parametrize("aggregate", [None, "sum", "count"])
def test_a_null_unit_code_is_an_error(tmp_path: Path, aggregate: str | None) -> None:
    with pytest.raises(qnkpi.DataError,
                       match=r"row 2 of table 'reports': column 'unit' is NULL: the row "
                             r"\(year 2023\) has no unit code"):
        _run(tmp_path, [GOOD, (None, 2023, 1.0)], aggregate=aggregate)


@pytest.mark.parametrize("aggregate", [None, "sum"])
@pytest.mark.parametrize("value", [2e18, -2e18, 1e-13, float("inf"), 9223372036854775807])
def test_values_outside_the_csv_range_are_errors(tmp_path: Path, value: float,
                                                 aggregate: str | None) -> None:
    with pytest.raises(qnkpi.DataError) as err:
        _run(tmp_path, [GOOD, ("D2", 2023, value)], aggregate=aggregate)
    text = str(err.value)
    assert "row 2 of table 'reports': column 'num'" in text, text
    assert "a number for qnkpi, which reads 0 and numbers between 10^-12 and 10^18" in text


def test_the_bound_itself_and_zero_and_missing_are_read(tmp_path: Path) -> None:
    result = _run(tmp_path, [("D1", 2023, LARGEST), ("D2", 2023, 0), ("D3", 2023, ""),
                             ("D1", 2024, None)])
    years = result.years.tolist()
    got = dict(zip(result.tree.codes, result.measures["x"][:, years.index(2023)].tolist(),
                   strict=True))
    assert got["D1"] == LARGEST and got["D2"] == 0 and np.isnan(got["D3"])
    assert np.isnan(result.measures["x"][result.tree.index["D1"], years.index(2024)])


def test_text_in_a_table_measure_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError,
                       match=r"row 2 of table 'reports': column 'num': 'n/a' for unit 'D2' "
                             r"in 2023 is not a number"):
        _run(tmp_path, [GOOD, ("D2", 2023, "n/a")])
