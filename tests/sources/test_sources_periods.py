"""Data by month, quarter, half or date give the same checks as the same data by year.

Every built-in source (csv by its strict reader, its fast Arrow path and a glob; xlsx;
frames of pyarrow, pandas and polars; sqlite by a table and a query; inline) reads the
same records and the same table, placed in time by a period column or a date column, and
the spec evaluated on them must give exactly the checks of the yearly data: record-level
counts and sums added up over the year, a stock (`over_time: last`) as it stands at the
year's last period with a value, a flow (`over_time: sum`) added up.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.periods import label, slots_of_dates
from qnkpi.sources import _csv_fast
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
KINDS = ("month", "quarter", "half", "year")
UNITS = ("P", "D1", "D2", "D3")


def _records() -> list[tuple[str, dt.date, float]]:
    """Record-level rows: a unit, a day (some in 2023, outside the programme), a number
    of people (whole: every sum is exact)."""
    rng = np.random.default_rng(19)
    start = dt.date(2023, 9, 1)
    days = rng.integers(0, (dt.date(2025, 12, 31) - start).days + 1, size=240)
    units = rng.choice(UNITS, size=240, p=[0.1, 0.3, 0.3, 0.3])
    people = rng.integers(1, 60, size=240)
    rows = [(str(u), start + dt.timedelta(days=int(d)), float(p))
            for u, d, p in zip(units, days, people, strict=True)]
    return [*rows, ("D2", dt.date(2025, 12, 20), 7.0)]  # the data reach the year's end


def _monthly_table() -> dict[tuple[str, int], tuple[float | None, float | None]]:
    """(unit, month slot) -> (members, visits), some cells missing, some months absent."""
    rng = np.random.default_rng(7)
    out = {}
    for unit in UNITS[1:]:
        for slot in range(2024 * 12, 2026 * 12):
            if rng.random() < 0.15:
                continue  # no row for the month
            members = None if rng.random() < 0.2 else float(rng.integers(50, 500))
            visits = None if rng.random() < 0.2 else float(rng.integers(0, 9))
            out[unit, slot] = (members, visits)
    out["D1", 2025 * 12 + 11] = (300.0, 2.0)
    return out


RECORDS = _records()
TABLE = _monthly_table()


def _slot(day: dt.date, kind: str) -> int:
    return int(slots_of_dates(np.array([day], dtype="datetime64[D]"), kind)[0])


def _table_rows(kind: str) -> list[tuple[str, str, dt.date, float | None, float | None]]:
    """The monthly table made one row per unit and `kind` of period: members as they
    stand at the period's last month with a value, visits added up; with each period's
    text and its first day."""
    n = {"month": 12, "quarter": 4, "half": 2, "year": 1}[kind]
    grouped: dict[tuple[str, int], list[tuple[float | None, float | None]]] = {}
    for (unit, month), cells in sorted(TABLE.items()):
        grouped.setdefault((unit, month // 12 * n + month % 12 * n // 12), []).append(cells)
    rows = []
    for (unit, slot), cells in grouped.items():
        members = [m for m, _ in cells if m is not None]
        visits = [v for _, v in cells if v is not None]
        year, index = divmod(slot, n)
        first = dt.date(year, index * 12 // n + 1, 1)
        rows.append((unit, label(slot, kind), first, members[-1] if members else None,
                     sum(visits) if visits else None))
    return rows


def _columns(rows: list[tuple[Any, ...]], names: list[str]) -> dict[str, list[Any]]:
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


def record_columns(kind: str) -> dict[str, list[Any]]:
    """The records with their year, day and period text (of `kind`)."""
    rows = [(u, d.year, d, label(_slot(d, kind), kind), p) for u, d, p in RECORDS]
    return _columns(rows, ["unit", "year", "day", "period", "people"])


def table_columns(kind: str) -> dict[str, list[Any]]:
    rows = [(u, int(p[:4]), d, p, m, v) for u, p, d, m, v in _table_rows(kind)]
    return _columns(rows, ["unit", "year", "day", "period", "members", "visits"])


RECORD_MEASURES: dict[str, Any] = {
    "held": {"source": "s", "aggregate": "count", "absent": "zero"},
    "people": {"source": "s", "column": "people", "aggregate": "sum"},
    "biggest": {"source": "s", "column": "people", "aggregate": "max"},
}
TABLE_MEASURES: dict[str, Any] = {"members": {"source": "s"}, "visits": {"source": "s"}}
OVER_TIME = {"biggest": "max", "members": "last", "visits": "sum"}
INDICATORS: dict[str, Any] = {
    "per_event": {"kind": "ratio", "numerator": "people", "denominator": "held",
                  "direction": "increase",
                  "targets": [{"year": 2024, "op": ">", "value": 28},
                              {"year": 2025, "op": ">=", "value": 30}]},
    "events": {"kind": "value", "measure": "held", "direction": "increase",
               "targets": [{"years": [2024, 2025], "op": ">=", "value": 30,
                            "level": "district"}]},
    "largest": {"kind": "value", "measure": "biggest", "direction": "increase",
                "targets": [{"years": [2024, 2025], "op": ">=", "value": 55}]},
}
TABLE_INDICATORS: dict[str, Any] = {
    "members_now": {"kind": "value", "measure": "members", "direction": "increase",
                    "targets": [{"years": [2024, 2025], "op": ">=", "value": 250,
                                 "level": "district"}]},
    "visits_made": {"kind": "value", "measure": "visits", "direction": "increase",
                    "targets": [{"years": [2024, 2025], "op": ">=", "value": 40,
                                 "level": "district"}]},
}


def time_keys(kind: str, how: str) -> dict[str, Any]:
    """A source's time keys: by `year`, or by `kind` from a `period` or `day` column."""
    if how == "year":
        return {"year": "year"}
    keys: dict[str, Any] = {} if kind == "year" else {"period": kind}
    return keys | ({"date": "day"} if how == "date" else {"period_column": "period"})


# -- writing the same columns in each source's form ------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def write_csv(path: Path, columns: dict[str, list[Any]]) -> None:
    rows = zip(*columns.values(), strict=True)
    path.write_text(",".join(columns) + "\n" + "".join(
        ",".join(map(_text, row)) + "\n" for row in rows), encoding="utf-8")


def write_xlsx(path: Path, columns: dict[str, list[Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(list(columns))
    for row in zip(*columns.values(), strict=True):
        sheet.append(list(row))  # days are date cells
    book.save(path)


def write_sqlite(path: Path, columns: dict[str, list[Any]]) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE t ({', '.join(columns)})")
    marks = ", ".join("?" for _ in columns)
    rows = [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row)
            for row in zip(*columns.values(), strict=True)]
    conn.executemany(f"INSERT INTO t VALUES ({marks})", rows)
    conn.commit()
    conn.close()


def frame(columns: dict[str, list[Any]], library: str) -> Any:
    import pyarrow as pa

    table = pa.table({k: pa.array(v, pa.date32() if k == "day" else None)
                      for k, v in columns.items()})
    if library == "pandas":
        out = table.to_pandas()
        out["day"] = out["day"].astype("datetime64[ns]")  # pandas' own dates
        return out
    if library == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table


def evaluate(tmp_path: Path, form: str, columns: dict[str, list[Any]], keys: dict[str, Any],
             measures: dict[str, Any], indicators: dict[str, Any],
             monkeypatch: pytest.MonkeyPatch) -> qnkpi.Result:
    """The spec over the columns written as `form`, its source given `keys`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] | None = None
    if form in ("csv-strict", "csv-fast"):
        monkeypatch.setattr(_csv_fast, "ENABLED", form == "csv-fast")
        write_csv(tmp_path / "t.csv", columns)
        source = {"type": "csv", "path": "t.csv"}
    elif form == "csv-glob":
        for part, units in (("a", ("P", "D1")), ("b", ("D2", "D3"))):
            pick = [i for i, u in enumerate(columns["unit"]) if u in units]
            write_csv(tmp_path / f"t-{part}.csv",
                      {k: [v[i] for i in pick] for k, v in columns.items()})
        source = {"type": "csv", "path": "t-*.csv"}
    elif form == "xlsx":
        write_xlsx(tmp_path / "t.xlsx", columns)
        source = {"type": "xlsx", "path": "t.xlsx"}
    elif form in ("sqlite", "sqlite-query"):
        write_sqlite(tmp_path / "t.db", columns)
        source = {"type": "sqlite", "path": "t.db"} | (
            {"table": "t"} if form == "sqlite" else {"query": "SELECT * FROM t"})
    else:
        source = {"type": "frame"}
        data = {"s": frame(columns, form.split("-")[1])}
    spec = tiny_programme(measures=measures, indicators=indicators, start=2024, end=2025)
    spec["sources"] = {"s": {**source, "unit": "unit", **keys}}
    loaded = spec_from_dict(spec, base_dir=tmp_path, plugins=PLUGINS)
    return qnkpi.evaluate(loaded, plugins=PLUGINS, data=data)


def by_period(measures: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    """The measures with their `over_time` when the source reports by period."""
    if "period" not in keys:
        return measures
    return {k: v | ({"over_time": OVER_TIME[k]} if k in OVER_TIME else {})
            for k, v in measures.items()}


def checks(result: qnkpi.Result) -> list[dict[str, Any]]:
    return [c.to_dict() for c in result.checks()]


FORMS = ("csv-strict", "csv-fast", "csv-glob", "xlsx", "frame-pyarrow", "frame-pandas",
         "frame-polars", "sqlite", "sqlite-query")


@pytest.fixture(scope="module")
def yearly_records(tmp_path_factory: pytest.TempPathFactory) -> qnkpi.Result:
    with pytest.MonkeyPatch.context() as patch:
        return evaluate(tmp_path_factory.mktemp("yearly"), "csv-strict",
                        record_columns("year"), time_keys("year", "year"), RECORD_MEASURES,
                        INDICATORS, patch)


@pytest.fixture(scope="module")
def yearly_table(tmp_path_factory: pytest.TempPathFactory) -> qnkpi.Result:
    with pytest.MonkeyPatch.context() as patch:
        return evaluate(tmp_path_factory.mktemp("yearly"), "csv-strict",
                        table_columns("year"), time_keys("year", "year"), TABLE_MEASURES,
                        TABLE_INDICATORS, patch)


def test_the_yearly_data_give_the_checks_they_should(yearly_records: qnkpi.Result,
                                                      yearly_table: qnkpi.Result) -> None:
    # the oracle itself: 2023's records are outside the programme; the counts are there
    held = yearly_records.measures["held"]
    in_years = sum(1 for u, d, _ in RECORDS if d.year >= 2024 and u != "P")
    assert held[1:, :].sum() == in_years
    assert len(checks(yearly_records)) >= 8 and len(checks(yearly_table)) >= 8
    assert {c["status"] for c in checks(yearly_records)} >= {"met", "not_met"}


# a yearly source names its years in 'year' (the case above), not a period column
_TIMES = [(kind, how) for kind in KINDS for how in ("date", "period")
          if not (how == "period" and kind == "year")]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("kind", "how"), _TIMES)
def test_records_by_period_add_up_to_the_years(form: str, kind: str, how: str,
                                               yearly_records: qnkpi.Result, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    keys = time_keys(kind, how)
    got = evaluate(tmp_path, form, record_columns(kind), keys, by_period(RECORD_MEASURES, keys),
                   INDICATORS, monkeypatch)
    for name in RECORD_MEASURES:
        np.testing.assert_array_equal(got.measures[name], yearly_records.measures[name],
                                      err_msg=name)
    assert checks(got) == checks(yearly_records)


# inline values are keyed by period text: there is no date column to read
_TABLES = [(form, kind, how) for form in (*FORMS, "inline")
           for kind in ("month", "quarter", "half") for how in ("date", "period")
           if not (form == "inline" and how == "date")]


@pytest.mark.parametrize(("form", "kind", "how"), _TABLES)
def test_a_table_by_period_makes_the_years_by_over_time(form: str, kind: str, how: str,
                                                        yearly_table: qnkpi.Result,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    keys = time_keys(kind, how)
    measures = by_period(TABLE_MEASURES, keys)
    if form == "inline":
        got = _inline(kind, measures, monkeypatch)
    else:
        got = evaluate(tmp_path, form, table_columns(kind), keys, measures, TABLE_INDICATORS,
                       monkeypatch)
    for name in TABLE_MEASURES:
        np.testing.assert_array_equal(got.measures[name], yearly_table.measures[name],
                                      err_msg=name)
    assert checks(got) == checks(yearly_table)


def _inline(kind: str, measures: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
            ) -> qnkpi.Result:
    data: dict[str, dict[str, dict[str, float | None]]] = {"members": {}, "visits": {}}
    for unit, period, _, members, visits in _table_rows(kind):
        data["members"].setdefault(unit, {})[period] = members
        data["visits"].setdefault(unit, {})[period] = visits
    spec = tiny_programme(measures=measures, indicators=TABLE_INDICATORS, start=2024,
                          end=2025)
    spec["sources"] = {"s": {"type": "inline", "period": kind, "data": data}}
    return qnkpi.evaluate(spec_from_dict(spec, plugins=PLUGINS), plugins=PLUGINS)


def test_a_yearly_inline_source_is_as_before() -> None:
    spec = tiny_programme(data={"v": {"D1": {2024: 3.0, 2025: None}, "D2": {2024: 1.0}}},
                          start=2024, end=2025)
    result = qnkpi.evaluate(spec_from_dict(spec, plugins=PLUGINS), plugins=PLUGINS)
    panel = result.measures["v"]
    assert panel[1, 0] == 3.0 and panel[2, 0] == 1.0
    assert np.isnan(panel[1, 1]) and np.isnan(panel[2, 1])


def test_every_source_gives_identical_checks_for_the_same_monthly_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = time_keys("month", "date")
    measures = by_period(RECORD_MEASURES, keys)
    results = {form: checks(evaluate(tmp_path / form, form, record_columns("month"), keys,
                                     measures, INDICATORS, monkeypatch))
               for form in FORMS}
    first = results["csv-strict"]
    assert first and all(got == first for got in results.values())
