"""A bad period or date is an error naming the file (sheet, table), the row and the value,
in every built-in source."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import qnkpi
from qnkpi.errors import DataError, SpecError
from qnkpi.sources import _csv_fast
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
MEASURES = {"v": {"source": "s", "over_time": "sum"}}

#: (name, kind, column, the cell written at data row 3, what the message says)
BAD = [
    ("month-13", "month", "period", "2025-13",
     "'2025-13' is not a month: write YYYY-MM, such as 2025-06, with a month 01-12"),
    ("quarter-in-months", "month", "period", "2025-Q2",
     "'2025-Q2' is a quarter, but the source reports by month (period: month)"),
    ("quarter-5", "quarter", "period", "2025-Q5", "'2025-Q5' is not a quarter"),
    ("half-in-quarters", "quarter", "period", "2025-H1", "'2025-H1' is a half"),
    ("word", "half", "period", "first half", "'first half' is not a half: write YYYY-Hn"),
    ("empty-period", "month", "period", "",
     "the period is empty; fill it in, or delete the row"),
    ("no-such-day", "month", "day", "2025-02-30",
     "'2025-02-30' is not a date (there is no such day): write dates as YYYY-MM-DD"),
    ("not-a-date", "quarter", "day", "14/06/2025",
     "'14/06/2025' is not a date: write dates as YYYY-MM-DD, such as 2025-06-14"),
    ("empty-date", "year", "day", "", "the date is empty; fill it in, or delete the row"),
]


def _keys(kind: str, column: str) -> dict[str, Any]:
    keys: dict[str, Any] = {} if kind == "year" else {"period": kind}
    return keys | ({"date": "day"} if column == "day" else {"period_column": "period"})


def _rows(kind: str, column: str, bad: str) -> list[list[str]]:
    good = {"month": "2025-06", "quarter": "2025-Q2", "half": "2025-H1"}.get(kind, "")
    cell = "2025-06-14" if column == "day" else good
    return [["unit", column, "v"], ["D1", cell, "1"], ["D2", bad, "2"], ["D3", cell, "3"]]


def _run(tmp_path: Path, source: dict[str, Any], kind: str, column: str,
         data: dict[str, Any] | None = None) -> None:
    spec = tiny_programme(measures=MEASURES, start=2024, end=2025)
    spec["sources"] = {"s": {**source, "unit": "unit", **_keys(kind, column)}}
    qnkpi.evaluate(spec_from_dict(spec, base_dir=tmp_path, plugins=PLUGINS), plugins=PLUGINS,
                   data=data)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "strict"])
@pytest.mark.parametrize(("name", "kind", "column", "bad", "says"), BAD, ids=[b[0] for b in BAD])
def test_csv(name: str, kind: str, column: str, bad: str, says: str, fast: bool,
             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv_fast, "ENABLED", fast)
    (tmp_path / "t.csv").write_text("".join(",".join(r) + "\n" for r in _rows(kind, column, bad)),
                                    encoding="utf-8")
    with pytest.raises(DataError) as caught:
        _run(tmp_path, {"type": "csv", "path": "t.csv"}, kind, column)
    message = str(caught.value)
    assert f"source 's': {tmp_path / 't.csv'}, row 3: column '{column}': " in message
    assert says in message


@pytest.mark.parametrize(("name", "kind", "column", "bad", "says"), BAD, ids=[b[0] for b in BAD])
def test_xlsx(name: str, kind: str, column: str, bad: str, says: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in _rows(kind, column, bad):
        sheet.append([cell or None for cell in row])
    book.save(tmp_path / "t.xlsx")
    letter = "B"
    with pytest.raises(DataError) as caught:
        _run(tmp_path, {"type": "xlsx", "path": "t.xlsx"}, kind, column)
    message = str(caught.value)
    assert f"sheet 'Data', cell {letter}3 (column '{column}'): " in message
    assert says in message


def test_xlsx_a_number_in_a_date_column(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "day", "v"])
    sheet.append(["D1", dt.date(2025, 6, 14), 1])
    sheet.append(["D2", 45823, 2])  # a date's serial number, not formatted as a date
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(DataError, match=r"cell B3 \(column 'day'\): '45823' is not a date"):
        _run(tmp_path, {"type": "xlsx", "path": "t.xlsx"}, "month", "day")


def test_xlsx_a_date_cell_in_a_period_column_is_its_period(tmp_path: Path) -> None:
    # Excel makes a date of 2025-06 typed into a cell
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "period", "v"])
    for month in range(1, 13):
        sheet.append(["D1", dt.datetime(2025, month, 1), month])
    book.save(tmp_path / "t.xlsx")
    spec = tiny_programme(measures=MEASURES, start=2024, end=2025)
    spec["sources"] = {"s": {"type": "xlsx", "path": "t.xlsx", "unit": "unit",
                             "period": "month", "period_column": "period"}}
    result = qnkpi.evaluate(spec_from_dict(spec, base_dir=tmp_path, plugins=PLUGINS),
                            plugins=PLUGINS)
    assert result.measures["v"][1, 1] == sum(range(1, 13))


@pytest.mark.parametrize("query", [False, True], ids=["table", "query"])
@pytest.mark.parametrize(("name", "kind", "column", "bad", "says"), BAD, ids=[b[0] for b in BAD])
def test_sqlite(name: str, kind: str, column: str, bad: str, says: str, query: bool,
                tmp_path: Path) -> None:
    rows = _rows(kind, column, bad)
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute(f"CREATE TABLE t (unit TEXT, {column} TEXT, v REAL)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows[1:])
    conn.commit()
    conn.close()
    source = {"type": "sqlite", "path": "t.db"} | (
        {"query": "SELECT * FROM t"} if query else {"table": "t"})
    with pytest.raises(DataError) as caught:
        _run(tmp_path, source, kind, column)
    message = str(caught.value)
    where = "row 2 of the query's result" if query else "row 2 of table 't'"
    assert f"{where}: column '{column}'" in message
    assert says in message


def test_sqlite_a_number_in_a_date_column(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (unit TEXT, day, v REAL)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)",
                     [("D1", "2025-06-14", 1), ("D2", 2460841.5, 2)])
    conn.commit()
    conn.close()
    with pytest.raises(DataError, match=r"row 2 of table 't': column 'day' for unit 'D2': "
                                        r"2460841.5 is not a date; store dates as text"):
        _run(tmp_path, {"type": "sqlite", "path": "t.db", "table": "t"}, "month", "day")


@pytest.mark.parametrize("library", ["pyarrow", "pandas", "polars"])
@pytest.mark.parametrize(("name", "kind", "column", "bad", "says"), BAD, ids=[b[0] for b in BAD])
def test_frame(name: str, kind: str, column: str, bad: str, says: str, library: str,
               tmp_path: Path) -> None:
    import pyarrow as pa

    rows = _rows(kind, column, bad)
    table = pa.table({"unit": [r[0] for r in rows[1:]], column: [r[1] for r in rows[1:]],
                      "v": [float(r[2]) for r in rows[1:]]})
    data: Any = table
    if library == "pandas":
        data = table.to_pandas()
    elif library == "polars":
        import polars as pl

        data = pl.from_arrow(table)
    with pytest.raises(DataError) as caught:
        _run(tmp_path, {"type": "frame"}, kind, column, data={"s": data})
    message = str(caught.value)
    assert f"row 1: column '{column}': " in message  # frames count rows from 0
    assert says in message


@pytest.mark.parametrize("library", ["pyarrow", "pandas", "polars"])
def test_frame_a_missing_date(library: str, tmp_path: Path) -> None:
    import pyarrow as pa

    table = pa.table({"unit": ["D1", "D2"], "day": pa.array([dt.date(2025, 6, 1), None]),
                      "v": [1.0, 2.0]})
    data: Any = table
    if library == "pandas":
        data = table.to_pandas()
        data["day"] = data["day"].astype("datetime64[ns]")
    elif library == "polars":
        import polars as pl

        data = pl.from_arrow(table)
    with pytest.raises(DataError, match="row 1: column 'day': the date is empty"):
        _run(tmp_path, {"type": "frame"}, "month", "day", data={"s": data})


def test_frame_numbers_in_a_period_column(tmp_path: Path) -> None:
    import pyarrow as pa

    table = pa.table({"unit": ["D1"], "period": [202506], "v": [1.0]})
    with pytest.raises(DataError, match="column 'period' holds int64 values; it should hold "
                                        "periods"):
        _run(tmp_path, {"type": "frame"}, "month", "period", data={"s": table})


@pytest.mark.parametrize(("period", "key", "says"), [
    ("month", "2025-13", "'2025-13' is not a month"),
    ("month", 2025, "'2025' is a year, but the source reports by month"),
    ("quarter", "2025-06", "'2025-06' is a month, but the source reports by quarter"),
    ("year", "2025-06", "'2025-06' is not a year"),
])
def test_inline_keys(period: str, key: Any, says: str) -> None:
    spec = tiny_programme(measures=MEASURES, start=2024, end=2025)
    spec["sources"] = {"s": {"type": "inline", "period": period,
                             "data": {"v": {"D1": {key: 1.0}}}}}
    with pytest.raises(SpecError, match=says):
        spec_from_dict(spec, plugins=PLUGINS)


def test_rows_outside_the_programme_are_still_checked(tmp_path: Path) -> None:
    # as a yearly source checks every year it holds
    (tmp_path / "t.csv").write_text("unit,period,v\nD1,2025-06,1\nD2,2019-13,2\n",
                                    encoding="utf-8")
    with pytest.raises(DataError, match="'2019-13' is not a month"):
        _run(tmp_path, {"type": "csv", "path": "t.csv"}, "month", "period")


def test_sqlite_explains_its_grouping_by_month(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (unit TEXT, day TEXT, v REAL)")
    conn.commit()
    conn.close()
    spec = tiny_programme(measures={"n": {"source": "s", "aggregate": "count"}}, start=2024,
                          end=2025)
    spec["sources"] = {"s": {"type": "sqlite", "path": "t.db", "table": "t", "unit": "unit",
                             "period": "month", "date": "day"}}
    text = qnkpi.explain(spec_from_dict(spec, base_dir=tmp_path, plugins=PLUGINS),
                         plugins=PLUGINS)["s"]
    assert "GROUP BY" in text and "SUBSTR" in text
    assert f"params [{2024 * 12}, {2025 * 12 + 11}]" in text
