"""The ``sql`` source by month, quarter, half and date, in PostgreSQL (DATE, TIMESTAMP
and text columns) and SQLite: the database groups by (unit, slot), and the checks are
those of the built-in csv source reading the same rows."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

import qnkpi
import qnkpi_sql
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

PLUGINS = plugins_with(qnkpi_sql)
UNREACHABLE = "postgresql+psycopg://alice:hunter2@127.0.0.1:1/stats"

MEASURES = PERIOD_MEASURES
INDICATORS = PERIOD_INDICATORS
COLUMNS = PERIOD_COLUMNS


def _records(n: int = 3000, seed: int = 19) -> list[tuple[Any, ...]]:
    """Record-level rows from 2022 to the end of 2025 (qnkpi.testing's)."""
    return period_records(n, seed)


@pytest.fixture(scope="module")
def db(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The records in PostgreSQL (table `records`: day DATE, stamp TIMESTAMP, text
    periods, text days in `day_text`), in SQLite, and in a CSV file."""
    rows = _records()
    folder = tmp_path_factory.mktemp("periods")
    with open(folder / "records.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(["" if c is None else c for c in r] for r in rows)
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS records"))
        conn.execute(sa.text(
            "CREATE TABLE records (unit_code text, day date, month text, quarter text, "
            "half text, vaccinated integer, age integer, income double precision, "
            "stamp timestamp, day_text text)"))
        conn.execute(sa.text(
            "INSERT INTO records VALUES (:u, CAST(:d AS date), :m, :q, :h, :v, :a, :i, "
            "CAST(:d AS timestamp) + interval '13 hours', :d)"),
            [dict(zip(("u", "d", "m", "q", "h", "v", "a", "i"), r, strict=True))
             for r in rows])
    engine.dispose()
    lite = sqlite3.connect(folder / "records.db")
    lite.execute(f"CREATE TABLE records ({', '.join(COLUMNS)})")
    lite.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    lite.commit()
    lite.close()
    yield pg_url, folder


def _evaluate(folder: Path, source: dict[str, Any], as_of: str | None = None) -> qnkpi.Result:
    data = tiny_programme(measures={m: {"source": "src", **kw} for m, kw in MEASURES.items()},
                          indicators=INDICATORS)
    data["sources"] = {"src": {"unit": "unit_code", **source}}
    return qnkpi.evaluate(spec_from_dict(data, base_dir=folder, plugins=PLUGINS),
                          plugins=PLUGINS, as_of=as_of)


def _checks(result: qnkpi.Result) -> list[dict[str, Any]]:
    """The checks, numbers rounded to 12 significant digits: a mean the database computes
    (PostgreSQL averages integers exactly, then rounds) may differ from numpy's in the
    last bit."""
    def rounded(value: Any) -> Any:
        return float(f"{value:.12g}") if isinstance(value, float) else value

    return [{k: rounded(v) for k, v in c.to_dict().items()} for c in result.checks()]


BY_PERIOD = [
    ("month", {"period": "month", "period_column": "month"}, "month"),
    ("quarter", {"period": "quarter", "period_column": "quarter"}, "quarter"),
    ("half", {"period": "half", "period_column": "half"}, "half"),
    ("month-by-date", {"period": "month", "date": "day"}, "day"),
    ("quarter-by-date", {"period": "quarter", "date": "day"}, "day"),
    ("half-by-timestamp", {"period": "half", "date": "stamp"}, "day"),
    ("month-by-text-date", {"period": "month", "date": "day_text"}, "day"),
    ("year-by-date", {"date": "day"}, "day"),
]


@pytest.mark.parametrize(("name", "keys", "csv_column"), BY_PERIOD,
                         ids=[b[0] for b in BY_PERIOD])
def test_same_checks_as_the_csv_source(db: tuple[str, Path], name: str, keys: dict[str, Any],
                                       csv_column: str) -> None:
    url, folder = db
    as_csv = {k: csv_column if k in ("period_column", "date") else v for k, v in keys.items()}
    expected = _evaluate(folder, {"type": "csv", "path": "records.csv", **as_csv})
    assert len(_checks(expected)) > 20
    got = _evaluate(folder, {"type": "sql", "url": url, "table": "records", **keys})
    assert _checks(got) == _checks(expected)
    for m in MEASURES:
        np.testing.assert_allclose(got.measures[m], expected.measures[m], rtol=1e-12,
                                   err_msg=m)
    if "stamp" not in keys.values() and "day_text" not in keys.values():  # and SQLite
        lite = _evaluate(folder, {"type": "sql", "url": f"sqlite:///{folder / 'records.db'}",
                                  "table": "records", **keys})
        assert _checks(lite) == _checks(expected)


@pytest.mark.parametrize(("name", "keys", "csv_column", "as_of"), [
    (*BY_PERIOD[0], "2025-06"), (*BY_PERIOD[4], "2025-Q2"), (*BY_PERIOD[5], "2025-H1")],
    ids=["month", "quarter-by-date", "half-by-timestamp"])
def test_same_checks_part_way_through_a_year(db: tuple[str, Path], name: str,
                                             keys: dict[str, Any], csv_column: str,
                                             as_of: str) -> None:
    url, folder = db
    as_csv = {k: csv_column if k in ("period_column", "date") else v for k, v in keys.items()}
    expected = _evaluate(folder, {"type": "csv", "path": "records.csv", **as_csv}, as_of)
    assert {c["status"] for c in _checks(expected) if c["period"] == as_of} >= {"not_due"}
    got = _evaluate(folder, {"type": "sql", "url": url, "table": "records", **keys}, as_of)
    assert got.period is not None and got.period.label == as_of
    assert _checks(got) == _checks(expected)


def test_explain_groups_by_the_period() -> None:
    text = qnkpi.explain(spec_from_dict({
        **tiny_programme(measures={"n": {"source": "src", "aggregate": "count"}}),
        "sources": {"src": {"type": "sql", "url": UNREACHABLE, "table": "records",
                            "unit": "unit_code", "period": "quarter", "date": "day"}}},
        plugins=PLUGINS), plugins=PLUGINS)["src"]
    day = 'trim(CAST("records"."day" AS VARCHAR))'
    slot = (f"CAST(substr({day}, 1, 4) AS INTEGER) * 4 + "
            f"(CAST(substr({day}, 6, 2) AS INTEGER) - 1) / 3")
    assert f"{slot} AS slot" in text
    assert f"GROUP BY trim(CAST(\"records\".\"unit_code\" AS VARCHAR)), {slot}" in text
    assert "-- params {'lo': 8092, 'hi': 8123}" in text  # 2023-Q1 to 2030-Q4


def test_bad_periods_and_dates(db: tuple[str, Path]) -> None:
    url, _ = db
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bad"))
        conn.execute(sa.text("CREATE TABLE bad (unit_code text, month text, day text, "
                             "vaccinated int, age int, income float)"))
        conn.execute(sa.text("INSERT INTO bad VALUES ('D1', '2024-01', '2024-01-05', 1, 2, 3), "
                             "('D3', '2024-13', '2024-02-30', 1, 2, 3), "
                             "('D2', NULL, NULL, 1, 2, 3)"))
    engine.dispose()
    source = {"type": "sql", "url": url, "table": "bad", "period": "month"}
    with pytest.raises(DataError) as info:
        _evaluate(Path("."), {**source, "period_column": "month"})
    assert ("column 'month', a row for unit 'D3': '2024-13' is not a month: write YYYY-MM, "
            "such as 2025-06, with a month 01-12") in str(info.value)
    assert "table 'bad' in database postgresql" in str(info.value)
    with pytest.raises(DataError) as info:
        _evaluate(Path("."), {**source, "date": "day"})
    assert ("column 'day', a row for unit 'D3': '2024-02-30' is not a date: write dates as "
            "YYYY-MM-DD, such as 2025-06-14") in str(info.value)
    with pytest.raises(DataError, match="column 'month', a row for unit 'D2': the period is "
                                        "empty; fill it in, or delete the row"):
        _evaluate(Path("."), {**source, "query": "SELECT * FROM bad WHERE unit_code <> 'D3'",
                              "table": None, "period_column": "month"})
