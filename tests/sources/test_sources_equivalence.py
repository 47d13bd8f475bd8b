"""The same data as a CSV file and as an SQLite database give the same panels."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()

# one row per (unit, year), some cells missing
REPORTS = [("D1", 2023, 7, 10), ("D2", 2023, None, 20), ("D3", 2023, 0, 5),
           ("D1", 2024, 8.5, 10), ("D2", 2024, 3, 4), ("P", 2025, 1, 8), ("D1", 2019, 1, 1)]
# record-level rows (dyadic values: every sum is exact in any order)
RECORDS = [("D1", 2023, 1.5), ("D1", 2023, 2.25), ("D1", 2023, None), ("D2", 2023, 4.0),
           ("D3", 2023, None), ("D1", 2024, -0.5), ("D2", 2024, 8.0), ("D2", 2024, 0.75),
           ("D3", 2026, 3.0)]

MEASURES: dict[str, Any] = {
    "num": {"source": "reports"},
    "den": {"source": "reports"},
    **{f"v_{how}": {"source": "records", "column": "v", "aggregate": how}
       for how in ("sum", "count", "mean", "min", "max")},
    "rows": {"source": "records", "aggregate": "count", "absent": "zero"},
}
INDICATORS: dict[str, Any] = {
    "pct": {"kind": "ratio", "numerator": "num", "denominator": "den", "factor": 100,
            "direction": "increase", "between": "linear",
            "targets": [{"year": 2023, "op": ">", "value": 40},
                        {"year": 2026, "op": ">", "value": 70}]},
    "total": {"kind": "value", "measure": "v_sum", "direction": "increase",
              "targets": [{"years": [2023, 2026], "op": ">=", "value": 2,
                           "level": "district"}]},
    "busy": {"kind": "share_of_units", "of": "total", "level": "district",
             "rule": {"op": ">=", "value": 2}, "direction": "increase",
             "targets": [{"years": [2023, 2026], "op": ">=", "value": 50}]},
}


def _cell(v: object) -> str:
    return "" if v is None else str(v)


def _csv_spec(tmp_path: Path) -> qnkpi.Spec:
    (tmp_path / "reports.csv").write_text(
        "unit,year,num,den\n" + "".join(",".join(map(_cell, r)) + "\n" for r in REPORTS),
        encoding="utf-8")
    (tmp_path / "records.csv").write_text(
        "unit,year,v\n" + "".join(",".join(map(_cell, r)) + "\n" for r in RECORDS),
        encoding="utf-8")
    data = tiny_programme(measures=MEASURES, indicators=INDICATORS)
    data["sources"] = {
        "reports": {"type": "csv", "path": "reports.csv", "unit": "unit", "year": "year"},
        "records": {"type": "csv", "path": "records.csv", "unit": "unit", "year": "year"}}
    return spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS)


def _sqlite_spec(tmp_path: Path) -> qnkpi.Spec:
    conn = sqlite3.connect(tmp_path / "data.db")
    conn.execute("CREATE TABLE reports (unit TEXT, year INTEGER, num REAL, den REAL)")
    conn.execute("CREATE TABLE records (unit TEXT, year INTEGER, v REAL)")
    conn.executemany("INSERT INTO reports VALUES (?, ?, ?, ?)", REPORTS)
    conn.executemany("INSERT INTO records VALUES (?, ?, ?)", RECORDS)
    conn.commit()
    conn.close()
    data = tiny_programme(measures=MEASURES, indicators=INDICATORS)
    data["sources"] = {
        "reports": {"type": "sqlite", "path": "data.db", "table": "reports", "unit": "unit",
                    "year": "year"},
        "records": {"type": "sqlite", "path": "data.db", "unit": "unit", "year": "year",
                    "query": "SELECT unit, year, v FROM records"}}
    return spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS)


def test_csv_and_sqlite_give_identical_panels(tmp_path: Path) -> None:
    csv_result = qnkpi.evaluate(_csv_spec(tmp_path), plugins=PLUGINS)
    db_result = qnkpi.evaluate(_sqlite_spec(tmp_path), plugins=PLUGINS)
    assert csv_result.measures.keys() == db_result.measures.keys() == MEASURES.keys()
    for name in MEASURES:
        np.testing.assert_array_equal(csv_result.measures[name], db_result.measures[name],
                                      err_msg=name)
    for name in INDICATORS:
        a, b = csv_result.indicators[name], db_result.indicators[name]
        np.testing.assert_array_equal(a.panel.value, b.panel.value, err_msg=name)
        np.testing.assert_array_equal(a.status, b.status, err_msg=name)
    assert csv_result.to_dict() == db_result.to_dict()
    # and the panels hold what the rows say
    assert csv_result.as_of == 2026
    assert csv_result.measures["v_sum"][1, :2].tolist() == [3.75, -0.5]
    assert csv_result.measures["v_count"][:, 0].tolist()[1:] == [2.0, 1.0, 0.0]
    assert csv_result.measures["rows"][:, 0].tolist()[1:] == [3.0, 1.0, 1.0]
    assert csv_result.measures["rows"][:, 3].tolist()[1:] == [0.0, 0.0, 1.0]
    assert csv_result.indicators["pct"].panel.value[0, :3].tolist() == [
        7 * 100 / 15, 11.5 * 100 / 14, 100 / 8]


@pytest.mark.parametrize("codes", [("D1", " D1"), ("D1", "D1 ")])
def test_record_codes_with_stray_spaces_are_one_unit_in_both(tmp_path: Path,
                                                             codes: tuple[str, str]) -> None:
    # the CSV source strips unit codes before grouping; SQLite must not keep two groups
    # and let the second overwrite the first
    rows = [(codes[0], 2023, 5.0), (codes[1], 2023, 7.0)]
    (tmp_path / "records.csv").write_text(
        "unit,year,v\n" + "".join(f"{u},{y},{v}\n" for u, y, v in rows), encoding="utf-8")
    conn = sqlite3.connect(tmp_path / "data.db")
    conn.execute("CREATE TABLE records (unit TEXT, year INTEGER, v REAL)")
    conn.executemany("INSERT INTO records VALUES (?, ?, ?)", rows)
    conn.commit()
    conn.close()
    results = []
    for source in ({"type": "csv", "path": "records.csv"},
                   {"type": "sqlite", "path": "data.db", "table": "records"}):
        data = tiny_programme(measures={"v": {"source": "records", "aggregate": "sum"}})
        data["sources"] = {"records": {**source, "unit": "unit", "year": "year"}}
        spec = spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS)
        results.append(qnkpi.evaluate(spec, plugins=PLUGINS).measures["v"][1, 0])
    assert results == [12.0, 12.0]
