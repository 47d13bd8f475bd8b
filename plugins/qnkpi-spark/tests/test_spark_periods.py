"""The ``spark`` source by month, quarter, half and date, in real Spark (local[2]): Spark
groups by (unit, slot), and the checks are those of the built-in csv source reading the
same rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
import qnkpi_spark
from qnkpi.errors import DataError
from qnkpi.testing import (
    PERIOD_COLUMNS,
    PERIOD_INDICATORS,
    PERIOD_MEASURES,
    period_records,
    plugins_with,
    spec_from_dict,
    tiny_programme,
)

PLUGINS = plugins_with(qnkpi_spark)
MEASURES = PERIOD_MEASURES
INDICATORS = PERIOD_INDICATORS
COLUMNS = PERIOD_COLUMNS
SCHEMA = ("unit_code string, day date, month string, quarter string, half string, "
          "vaccinated int, age int, income double, stamp timestamp")


def _records(n: int = 2000, seed: int = 19) -> list[tuple[Any, ...]]:
    """Record-level rows from 2022 to the end of 2025 (qnkpi.testing's)."""
    return period_records(n, seed)


def _write_csv(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(["" if c is None else c for c in r] for r in rows)
    return path


@pytest.fixture(scope="module")
def data(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The records as CSV (text) and as Parquet written by Spark (a date column `day`,
    a timestamp `stamp`)."""
    folder = tmp_path_factory.mktemp("spark-periods")
    rows = _records()
    _write_csv(folder / "records.csv", rows)
    typed = [(r[0], dt.date.fromisoformat(r[1]), *r[2:],
              dt.datetime.fromisoformat(r[1]) + dt.timedelta(hours=13)) for r in rows]
    spark.createDataFrame(typed, SCHEMA).write.parquet(str(folder / "records.parquet"))
    return folder


def _evaluate(folder: Path, source: dict[str, Any], as_of: str | None = None) -> qnkpi.Result:
    data = tiny_programme(measures={m: {"source": "src", **kw} for m, kw in MEASURES.items()},
                          indicators=INDICATORS)
    data["sources"] = {"src": {"unit": "unit_code", **source}}
    return qnkpi.evaluate(spec_from_dict(data, base_dir=folder, plugins=PLUGINS),
                          plugins=PLUGINS, as_of=as_of)


def _checks(result: qnkpi.Result) -> list[dict[str, Any]]:
    return [c.to_dict() for c in result.checks()]


BY_PERIOD = [
    ("month-csv", "records.csv", {"period": "month", "period_column": "month"}),
    ("quarter-parquet", "records.parquet", {"period": "quarter", "period_column": "quarter"}),
    ("half-parquet", "records.parquet", {"period": "half", "period_column": "half"}),
    ("month-by-text-date", "records.csv", {"period": "month", "date": "day"}),
    ("quarter-by-date", "records.parquet", {"period": "quarter", "date": "day"}),
    ("half-by-timestamp", "records.parquet", {"period": "half", "date": "stamp"}),
    ("year-by-date", "records.parquet", {"date": "day"}),
]


@pytest.mark.parametrize(("name", "path", "keys"), BY_PERIOD, ids=[b[0] for b in BY_PERIOD])
def test_same_checks_as_the_csv_source(data: Path, name: str, path: str,
                                       keys: dict[str, Any]) -> None:
    as_csv = {k: "day" if v == "stamp" else v for k, v in keys.items()}
    expected = _evaluate(data, {"type": "csv", "path": "records.csv", **as_csv})
    assert len(_checks(expected)) > 20
    got = _evaluate(data, {"type": "spark", "path": path, **keys})
    assert _checks(got) == _checks(expected)
    for m in MEASURES:
        np.testing.assert_array_equal(got.measures[m], expected.measures[m], err_msg=m)


@pytest.mark.parametrize(("name", "path", "keys", "as_of"), [
    (*BY_PERIOD[0], "2025-06"), (*BY_PERIOD[4], "2025-Q2"), (*BY_PERIOD[5], "2025-H1")],
    ids=["month-csv", "quarter-by-date", "half-by-timestamp"])
def test_same_checks_part_way_through_a_year(data: Path, name: str, path: str,
                                             keys: dict[str, Any], as_of: str) -> None:
    as_csv = {k: "day" if v == "stamp" else v for k, v in keys.items()}
    expected = _evaluate(data, {"type": "csv", "path": "records.csv", **as_csv}, as_of)
    assert {c["status"] for c in _checks(expected) if c["period"] == as_of} >= {"not_due"}
    got = _evaluate(data, {"type": "spark", "path": path, **keys}, as_of)
    assert got.period is not None and got.period.label == as_of
    assert _checks(got) == _checks(expected)


def test_explain_groups_by_the_period(tmp_path: Path) -> None:
    text = qnkpi.explain(spec_from_dict({
        **tiny_programme(measures={"n": {"source": "src", "aggregate": "count"}}),
        "sources": {"src": {"type": "spark", "path": "records.parquet", "unit": "unit_code",
                            "period": "month", "period_column": "month"}}},
        base_dir=tmp_path, plugins=PLUGINS), plugins=PLUGINS)["src"]
    month = "trim(CAST(`month` AS STRING))"
    slot = (f"CAST(substr({month}, 1, 4) AS INT) * 12 + CAST(substr({month}, 6) AS INT) - 1")
    assert f"{slot} AS slot" in text
    assert f"WHERE {slot} BETWEEN {2023 * 12} AND {2030 * 12 + 11}" in text
    assert text.rstrip(";").endswith(f"GROUP BY trim(CAST(`unit_code` AS STRING)), {slot}")


@pytest.mark.parametrize(("keys", "value", "shown"), [
    ({"period": "month", "period_column": "month"}, "2024-13",
     "'2024-13' is not a month: write YYYY-MM, such as 2025-06, with a month 01-12"),
    ({"period": "quarter", "period_column": "quarter"}, "2024-H1",
     "'2024-H1' is a half, but the source reports by quarter"),
    ({"period": "month", "date": "day"}, "2024-02-30",
     "'2024-02-30' is not a date: write dates as YYYY-MM-DD, such as 2025-06-14"),
    ({"period": "month", "period_column": "month"}, "",
     "the period is empty; fill it in, or delete the row"),
], ids=["month-13", "half-in-quarters", "impossible-date", "empty"])
def test_bad_period_names_the_unit_and_the_value(data: Path, keys: dict[str, Any],
                                                 value: str, shown: str) -> None:
    rows = _records(n=30)
    column = keys.get("period_column") or keys["date"]
    at = COLUMNS.index(column)
    rows[11] = (*rows[11][:at], value, *rows[11][at + 1:])
    _write_csv(data / "bad.csv", rows)
    with pytest.raises(DataError) as info:
        _evaluate(data, {"type": "spark", "path": "bad.csv", **keys})
    unit = rows[11][0].strip()
    assert f"column '{column}', a row for unit '{unit}': {shown}" in str(info.value)
    assert "bad.csv" in str(info.value)
