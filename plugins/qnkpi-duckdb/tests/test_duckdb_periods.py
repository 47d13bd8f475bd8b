"""The ``duckdb`` source by month, quarter, half and date: DuckDB groups by (unit, slot),
and the checks are those of the built-in csv source reading the same rows, and of
yearly data added up by hand."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
import qnkpi
from qnkpi.errors import DataError
from qnkpi.periods import KINDS, label, slots_of_dates
from qnkpi.sources.base import FetchRequest, MeasureRequest
from qnkpi.testing import (
    PERIOD_INDICATORS,
    PERIOD_MEASURES,
    plugins_with,
    spec_from_dict,
    tiny_programme,
)

from qnkpi_duckdb import DuckdbSource

PLUGINS = plugins_with(__import__("qnkpi_duckdb"))
KEYS = ("unit_code", "day", "month", "quarter", "half", "vaccinated", "age", "income")

MEASURES = PERIOD_MEASURES
INDICATORS = PERIOD_INDICATORS


def _records(n: int = 3000, seed: int = 19) -> dict[str, np.ndarray]:
    """Record-level rows from 2022 (before the programme) to the end of 2025."""
    rng = np.random.default_rng(seed)
    days = (np.datetime64("2022-01-01") + rng.integers(0, 4 * 365 + 1, size=n)
            ).astype("datetime64[D]")
    income = rng.integers(0, 500, size=n).astype(float)  # whole: sums are exact
    income[rng.random(n) < 0.2] = np.nan
    month = np.array([label(s, "month") for s in slots_of_dates(days, "month")])
    month[::97] = np.char.lstrip(np.char.replace(month[::97], "-0", "-"))  # 2024-3 is March
    return {"unit_code": rng.choice(["D1", "D2", "D3", " D2 "], size=n),
            "day": days.astype(str),
            "month": month,
            "quarter": np.array([label(s, "quarter") for s in slots_of_dates(days, "quarter")]),
            "half": np.array([label(s, "half") for s in slots_of_dates(days, "half")]),
            "vaccinated": rng.integers(0, 2, size=n), "age": rng.integers(0, 90, size=n),
            "income": income}


def _write_csv(path: Path, rows: dict[str, np.ndarray]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(rows))
        for cells in zip(*rows.values(), strict=True):
            writer.writerow(["" if isinstance(c, float) and np.isnan(c) else c for c in cells])
    return path


@pytest.fixture
def records(tmp_path: Path) -> dict[str, np.ndarray]:
    rows = _records()
    _write_csv(tmp_path / "records.csv", rows)
    conn = duckdb.connect(str(tmp_path / "records.duckdb"))
    try:  # dates as DATE and as TIMESTAMP, periods as text
        conn.execute(f"CREATE TABLE records AS SELECT * REPLACE (CAST(day AS DATE) AS day), "
                     f"CAST(day AS TIMESTAMP) + INTERVAL 13 HOUR AS stamp FROM read_csv_auto("
                     f"'{(tmp_path / 'records.csv').as_posix()}', all_varchar = true)")
        conn.execute(f"COPY records TO '{(tmp_path / 'records.parquet').as_posix()}' "
                     "(FORMAT parquet)")
    finally:
        conn.close()
    return rows


def _spec(tmp_path: Path, source: dict[str, Any]) -> qnkpi.Spec:
    data = tiny_programme(measures={m: {"source": "src", **kw} for m, kw in MEASURES.items()},
                          indicators=INDICATORS)
    data["sources"] = {"src": {"unit": "unit_code", **source}}
    return spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS)


def _evaluate(tmp_path: Path, source: dict[str, Any], as_of: str | None = None) -> qnkpi.Result:
    return qnkpi.evaluate(_spec(tmp_path, source), plugins=PLUGINS, as_of=as_of)


def _checks(result: qnkpi.Result) -> list[dict[str, Any]]:
    return [c.to_dict() for c in result.checks()]


def _by_hand(rows: dict[str, np.ndarray], tmp_path: Path) -> qnkpi.Result:
    """The same spec on yearly data added up by hand from the records (an inline source)."""
    years = np.array([int(d[:4]) for d in rows["day"]])
    units = np.char.strip(rows["unit_code"].astype(str))
    data: dict[str, dict[str, dict[int, float | None]]] = {
        m: {} for m in ("people", "vaccinated", "income", "with_income")}
    for code in ("D1", "D2", "D3"):
        for year in range(2023, 2026):
            pick = (units == code) & (years == year)
            income = rows["income"][pick]
            data["people"].setdefault(code, {})[year] = float(pick.sum())
            data["vaccinated"].setdefault(code, {})[year] = float(rows["vaccinated"][pick].sum())
            data["income"].setdefault(code, {})[year] = float(np.nansum(income))
            data["with_income"].setdefault(code, {})[year] = float((~np.isnan(income)).sum())
    indicators = {k: v for k, v in INDICATORS.items() if k != "age"}
    spec = spec_from_dict(tiny_programme(data=data, indicators=indicators), base_dir=tmp_path,
                          plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


# -- the same checks as the csv source, and as yearly data --------------------------------

BY_PERIOD = [
    ("month-csv", {"path": "records.csv", "period": "month", "period_column": "month"}),
    ("quarter-parquet", {"path": "records.parquet", "period": "quarter",
                         "period_column": "quarter"}),
    ("half-table", {"path": "records.duckdb", "table": "records", "period": "half",
                    "period_column": "half"}),
    ("month-by-text-date", {"path": "records.csv", "period": "month", "date": "day"}),
    ("quarter-by-date", {"path": "records.duckdb", "table": "records", "period": "quarter",
                         "date": "day"}),
    ("month-by-timestamp", {"path": "records.duckdb", "table": "records", "period": "month",
                            "date": "stamp"}),
    ("year-by-date", {"path": "records.parquet", "date": "day"}),
]


@pytest.mark.parametrize(("name", "keys"), BY_PERIOD, ids=[b[0] for b in BY_PERIOD])
def test_same_checks_as_the_csv_source(tmp_path: Path, records: dict[str, np.ndarray],
                                       name: str, keys: dict[str, Any]) -> None:
    got = _evaluate(tmp_path, {"type": "duckdb", **keys})
    time = {k: v for k, v in keys.items() if k in ("period", "period_column", "date")}
    if "stamp" in keys.values():  # the csv file has no time stamps; its days are the same
        time["date"] = "day"
    expected = _evaluate(tmp_path, {"type": "csv", "path": "records.csv", **time})
    assert _checks(got) == _checks(expected)
    for m in MEASURES:
        np.testing.assert_array_equal(got.measures[m], expected.measures[m], err_msg=m)


@pytest.mark.parametrize(("name", "keys", "as_of"), [
    ("month-csv", BY_PERIOD[0][1], "2025-06"), ("quarter-by-date", BY_PERIOD[4][1], "2025-Q2"),
    ("half-table", BY_PERIOD[2][1], "2025-H1"), ("month-by-timestamp", BY_PERIOD[5][1], "2025-09"),
], ids=["month", "quarter-by-date", "half", "month-by-timestamp"])
def test_same_checks_part_way_through_a_year(tmp_path: Path, records: dict[str, np.ndarray],
                                             name: str, keys: dict[str, Any],
                                             as_of: str) -> None:
    got = _evaluate(tmp_path, {"type": "duckdb", **keys}, as_of)
    time = {k: "day" if v == "stamp" else v for k, v in keys.items()
            if k in ("period", "period_column", "date")}
    expected = _evaluate(tmp_path, {"type": "csv", "path": "records.csv", **time}, as_of)
    assert got.period is not None and got.period.label == as_of
    checks = _checks(expected)
    assert {c["status"] for c in checks if c["period"] == as_of} >= {"not_due"}
    assert _checks(got) == checks
    for m in MEASURES:
        np.testing.assert_array_equal(got.measures[m], expected.measures[m], err_msg=m)


@pytest.mark.parametrize("keys", [
    {"period": "month", "period_column": "month"},
    {"period": "quarter", "date": "day"},
    {"period": "half", "period_column": "half"},
    {"date": "day"},
], ids=["month", "quarter-by-date", "half", "year-by-date"])
def test_same_checks_as_yearly_data_added_up_by_hand(
        tmp_path: Path, records: dict[str, np.ndarray], keys: dict[str, Any]) -> None:
    got = _evaluate(tmp_path, {"type": "duckdb", "path": "records.parquet", **keys})
    expected = _by_hand(records, tmp_path)
    assert len(_checks(expected)) > 20
    drop = {"age"}  # the by-hand spec has no mean of months
    assert [c for c in _checks(got) if c["indicator"] not in drop] == _checks(expected)
    for m in ("people", "vaccinated", "income", "with_income"):
        np.testing.assert_array_equal(got.measures[m], expected.measures[m], err_msg=m)


def test_fetch_returns_one_column_per_month(tmp_path: Path,
                                            records: dict[str, np.ndarray]) -> None:
    source = DuckdbSource(type="duckdb", path=tmp_path / "records.parquet", unit="unit_code",
                          period="month", period_column="month")
    units = {"P": 0, "D1": 1, "D2": 2, "D3": 3}
    request = FetchRequest("src", (MeasureRequest("n", None, "count"),), units,
                           np.arange(2023, 2026, dtype=np.int64), per_year=12, period="month")
    panel = source.fetch(request)["n"]
    assert panel.shape == (4, 36)
    days = records["day"].astype("datetime64[D]")
    slots = slots_of_dates(days, "month")
    d2 = np.char.strip(records["unit_code"].astype(str)) == "D2"
    for j, slot in enumerate(request.slots):
        assert panel[2, j] == ((slots == slot) & d2).sum() or (
            np.isnan(panel[2, j]) and not ((slots == slot) & d2).any())
    assert np.isnan(panel[0]).all()


# -- explain -----------------------------------------------------------------------------

def test_explain_groups_by_the_period(tmp_path: Path) -> None:
    for kind, column, start in (("month", "month", 6), ("quarter", "quarter", 7)):
        spec = _spec(tmp_path, {"type": "duckdb", "path": "records.parquet", "period": kind,
                                "period_column": column})
        text = qnkpi.explain(spec, plugins=PLUGINS)["src"]
        slot = (f'CAST(substr(trim(CAST("{column}" AS VARCHAR)), 1, 4) AS INTEGER) * '
                f'{KINDS[kind]} + CAST(substr(trim(CAST("{column}" AS VARCHAR)), {start}) '
                "AS INTEGER) - 1")
        assert f'{slot} AS "_slot"' in text
        assert text.count("GROUP BY") == 1
        assert f"GROUP BY TRIM(CAST(\"unit_code\" AS VARCHAR)), {slot};" in text
        first, last = 2023 * KINDS[kind], 2030 * KINDS[kind] + KINDS[kind] - 1
        assert f"WHERE {slot} BETWEEN ? AND ?" in text and f", {first}, {last}]" in text
    spec = _spec(tmp_path, {"type": "duckdb", "path": "records.parquet", "period": "half",
                            "date": "day"})
    text = qnkpi.explain(spec, plugins=PLUGINS)["src"]
    assert ('CAST(substr(trim(CAST("day" AS VARCHAR)), 1, 4) AS INTEGER) * 2 + '
            '(CAST(substr(trim(CAST("day" AS VARCHAR)), 6, 2) AS INTEGER) - 1) // 6') in text


# -- bad periods and dates -----------------------------------------------------------------

def _fails(tmp_path: Path, source: dict[str, Any]) -> str:
    with pytest.raises(DataError) as info:
        _evaluate(tmp_path, {"type": "duckdb", **source})
    assert info.value.source == "src"
    return str(info.value)


@pytest.mark.parametrize(("kind", "value", "problem"), [
    ("month", "2024-13", "'2024-13' is not a month: write YYYY-MM, such as 2025-06, with a "
                         "month 01-12"),
    ("month", "2024-Q2", "'2024-Q2' is a quarter, but the source reports by month"),
    ("quarter", "2024-Q5", "'2024-Q5' is not a quarter"),
    ("half", "June", "'June' is not a half: write YYYY-Hn, such as 2025-H1"),
])
def test_bad_period_names_the_unit_and_the_value(tmp_path: Path, kind: str, value: str,
                                                 problem: str) -> None:
    rows = _records(n=40)
    rows[kind] = rows[kind].astype(object)
    rows[kind][17] = value
    _write_csv(tmp_path / "p.csv", rows)
    message = _fails(tmp_path, {"path": "p.csv", "period": kind, "period_column": kind})
    unit = rows["unit_code"][17].strip()
    assert f"column '{kind}', a row for unit '{unit}': {problem}" in message
    assert "p.csv" in message


def test_empty_period_and_bad_dates(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "t.duckdb"))
    conn.execute("CREATE TABLE t (unit_code VARCHAR, m VARCHAR, d VARCHAR, vaccinated INTEGER, "
                 "age INTEGER, income DOUBLE)")
    conn.execute("INSERT INTO t VALUES ('D1', '2024-01', '2024-01-05', 1, 30, 1), "
                 "('D2', NULL, '2024-02-30', 1, 30, 1), ('D3', '2024-02', 'soon', 1, 30, 1)")
    conn.close()
    message = _fails(tmp_path, {"path": "t.duckdb", "table": "t", "period": "month",
                                "period_column": "m"})
    assert ("table 't': column 'm', a row for unit 'D2': the period is empty; fill it in, "
            "or delete the row") in message
    message = _fails(tmp_path, {"path": "t.duckdb", "table": "t", "period": "month",
                                "date": "d"})
    assert ("column 'd', a row for unit 'D2': '2024-02-30' is not a date: write dates as "
            "YYYY-MM-DD, such as 2025-06-14") in message


def test_yearly_source_by_a_bad_date(tmp_path: Path) -> None:
    rows = _records(n=30)
    rows["day"] = rows["day"].astype(object)
    rows["day"][5] = "2024/06/01"
    _write_csv(tmp_path / "p.csv", rows)
    message = _fails(tmp_path, {"path": "p.csv", "date": "day"})
    unit = rows["unit_code"][5].strip()
    assert f"column 'day', a row for unit '{unit}': '2024/06/01' is not a date" in message
