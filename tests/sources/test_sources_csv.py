"""The ``csv`` source with real files: layouts, encodings, aggregation and every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()


def _spec(tmp_path: Path, content: str | bytes, measures: dict[str, Any], *,
          indicators: dict[str, Any] | None = None, source: dict[str, Any] | None = None,
          districts: int = 3, name: str = "data.csv") -> qnkpi.Spec:
    file = tmp_path / name
    if isinstance(content, str):
        file.write_bytes(content.encode("utf-8"))
    else:
        file.write_bytes(content)
    spec_data = tiny_programme(measures=measures, indicators=indicators or {},
                               districts=districts)
    spec_data["sources"] = {"rep": {"type": "csv", "path": name, "unit": "unit",
                                    "year": "year", **(source or {})}}
    return spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)


def _evaluate(tmp_path: Path, content: str | bytes, measures: dict[str, Any],
              **kw: Any) -> qnkpi.Result:
    return qnkpi.evaluate(_spec(tmp_path, content, measures, **kw), plugins=PLUGINS)


def _cells(result: qnkpi.Result, measure: str, year: int) -> dict[str, float]:
    col = result.years.tolist().index(year)
    return dict(zip(result.tree.codes, result.measures[measure][:, col].tolist(), strict=True))


WIDE = ("unit,year,num,den\n"
        "D1,2023,7,10\n"
        "D2,2023,,20\n"
        "D3,2023,0,5\n"
        "D1,2024,8,10\n")
RATIO = {"r": {"kind": "ratio", "numerator": "num", "denominator": "den", "factor": 100,
               "direction": "increase",
               "targets": [{"years": [2023, 2024], "op": ">", "value": 0,
                            "level": "district"}]}}
NUM_DEN = {"num": {"source": "rep"}, "den": {"source": "rep"}}


@pytest.mark.parametrize("encoding", ["plain", "bom", "crlf", "bom+crlf"])
def test_wide_csv_in_any_usual_encoding(tmp_path: Path, encoding: str) -> None:
    text = WIDE.replace("\n", "\r\n") if "crlf" in encoding else WIDE
    content = ("\ufeff" + text) if "bom" in encoding else text
    result = _evaluate(tmp_path, content, NUM_DEN, indicators=RATIO)
    assert _cells(result, "num", 2023) == pytest.approx(
        {"P": np.nan, "D1": 7.0, "D2": np.nan, "D3": 0.0}, nan_ok=True)
    assert _cells(result, "den", 2023) == pytest.approx(
        {"P": np.nan, "D1": 10.0, "D2": 20.0, "D3": 5.0}, nan_ok=True)
    assert _cells(result, "num", 2024)["D1"] == 8.0
    checks = [(c.year, c.unit, c.value, c.status) for c in result.checks()]
    assert checks == [
        (2023, "D1", 70.0, "met"),
        (2023, "D2", None, "no_data"),    # empty cell: missing, not zero
        (2023, "D3", 0.0, "not_met"),     # a written 0 is a zero
        (2024, "D1", 80.0, "met"),
        (2024, "D2", None, "no_data"),
        (2024, "D3", None, "no_data"),
    ]
    # the province sums D1 and D3 only: D2 has no numerator
    assert result.indicators["r"].panel.value[0, 0] == 7 * 100 / 15


def test_whitespace_around_codes_years_and_numbers(tmp_path: Path) -> None:
    content = "unit , year ,num\n D1 , 2023 , 4.5 \nD2,2023,   \n"
    result = _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    assert _cells(result, "num", 2023) == pytest.approx(
        {"P": np.nan, "D1": 4.5, "D2": np.nan, "D3": np.nan}, nan_ok=True)


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    result = _evaluate(tmp_path, "unit,year,num\n\nD1,2023,1\n\n,,\nD2,2023,2\n",
                       {"num": {"source": "rep"}})
    assert _cells(result, "num", 2023)["D2"] == 2.0


def test_column_key_reads_another_column(tmp_path: Path) -> None:
    result = _evaluate(tmp_path, "unit,year,Population total\nD1,2023,12\n",
                       {"pop": {"source": "rep", "column": "Population total"}})
    assert _cells(result, "pop", 2023)["D1"] == 12.0


def test_rows_outside_the_year_axis_are_ignored(tmp_path: Path) -> None:
    result = _evaluate(tmp_path, "unit,year,num\nD1,2019,5\nD1,2031,6\nD1,2023,7\n",
                       {"num": {"source": "rep"}})
    assert np.count_nonzero(~np.isnan(result.measures["num"])) == 1
    assert _cells(result, "num", 2023)["D1"] == 7.0


def test_semicolon_delimiter(tmp_path: Path) -> None:
    result = _evaluate(tmp_path, "unit;year;num\nD1;2023;3.25\n", {"num": {"source": "rep"}},
                       source={"delimiter": ";"})
    assert _cells(result, "num", 2023)["D1"] == 3.25


def test_long_layout(tmp_path: Path) -> None:
    content = ("unit,year,measure,value\n"
               "D1,2023,num,7\n"
               "D1,2023,den,10\n"
               "D2,2023,den,20\n"
               "D2,2023,num,\n"
               "D3,2024,num,1\n"
               "D3,2024,other,99\n")
    result = _evaluate(tmp_path, content, NUM_DEN, source={"layout": "long"})
    assert _cells(result, "num", 2023) == pytest.approx(
        {"P": np.nan, "D1": 7.0, "D2": np.nan, "D3": np.nan}, nan_ok=True)
    assert _cells(result, "den", 2023) == pytest.approx(
        {"P": np.nan, "D1": 10.0, "D2": 20.0, "D3": np.nan}, nan_ok=True)
    assert _cells(result, "num", 2024)["D3"] == 1.0


def test_long_layout_custom_columns_and_measure_column_key(tmp_path: Path) -> None:
    content = "unit,year,indicator,amount\nD1,2023,Youth reached,42\n"
    result = _evaluate(tmp_path, content,
                       {"reached": {"source": "rep", "column": "Youth reached"}},
                       source={"layout": "long", "measure_column": "indicator",
                               "value_column": "amount"})
    assert _cells(result, "reached", 2023)["D1"] == 42.0


def test_long_layout_duplicate_names_its_rows(tmp_path: Path) -> None:
    content = ("unit,year,measure,value\n"
               "D1,2023,num,7\n"
               "D1,2023,den,10\n"
               "D1,2023,num,8\n")
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, NUM_DEN, source={"layout": "long"})
    assert "unit 'D1' has two rows for 2023 (rows 2 and 4)" in str(caught.value)
    assert caught.value.row == 4


# --- record-level rows, aggregated per unit and year -------------------------------------------

RECORDS = ("unit,year,activity,participants\n"
           "D1,2023,a1,10\n"
           "D1,2023,a2,30\n"
           "D1,2023,a3,\n"       # an activity with no participant count
           "D2,2023,b1,5\n"
           "D1,2024,a4,7\n"
           "D3,2023,c1,\n")      # a row, but nothing to add up


@pytest.mark.parametrize(("aggregate", "column", "d1", "d2", "d3", "d1_2024"), [
    ("sum", "participants", 40.0, 5.0, np.nan, 7.0),
    ("mean", "participants", 20.0, 5.0, np.nan, 7.0),
    ("min", "participants", 10.0, 5.0, np.nan, 7.0),
    ("max", "participants", 30.0, 5.0, np.nan, 7.0),
    ("count", "participants", 2.0, 1.0, 0.0, 1.0),   # filled cells
    ("count", "activity", 3.0, 1.0, 1.0, 1.0),
    ("count", None, 3.0, 1.0, 1.0, 1.0),             # rows
])
def test_record_level_aggregation(tmp_path: Path, aggregate: str, column: str | None,
                                  d1: float, d2: float, d3: float, d1_2024: float) -> None:
    measure: dict[str, Any] = {"source": "rep", "aggregate": aggregate}
    if column is not None:
        measure["column"] = column
    result = _evaluate(tmp_path, RECORDS, {"m": measure})
    assert _cells(result, "m", 2023) == pytest.approx(
        {"P": np.nan, "D1": d1, "D2": d2, "D3": d3}, nan_ok=True)
    assert _cells(result, "m", 2024) == pytest.approx(
        {"P": np.nan, "D1": d1_2024, "D2": np.nan, "D3": np.nan}, nan_ok=True)


def test_record_level_aggregation_hand_computed(tmp_path: Path) -> None:
    rows = [("D1", 2023, 1.5), ("D2", 2023, 2.25), ("D1", 2023, 4.0), ("D1", 2025, 8.0),
            ("D1", 2023, -0.5), ("D2", 2023, 10.0), ("D3", 2025, 3.0)]
    content = "unit,year,v\n" + "".join(f"{u},{y},{v}\n" for u, y, v in rows)
    measures = {f"v_{how}": {"source": "rep", "column": "v", "aggregate": how}
                for how in ("sum", "count", "mean", "min", "max")}
    result = _evaluate(tmp_path, content, measures)
    for unit in ("D1", "D2", "D3"):
        for year in (2023, 2024, 2025):
            got = [v for u, y, v in rows if u == unit and y == year]
            cells = {how: _cells(result, f"v_{how}", year)[unit]
                     for how in ("sum", "count", "mean", "min", "max")}
            if not got:
                assert all(np.isnan(x) for x in cells.values()), (unit, year)
                continue
            assert cells == {"sum": sum(got), "count": float(len(got)),
                             "mean": sum(got) / len(got), "min": min(got), "max": max(got)}


def test_aggregated_measure_rolls_up_and_is_checked(tmp_path: Path) -> None:
    indicators = {"n": {"kind": "value", "measure": "n", "direction": "increase",
                        "targets": [{"year": 2023, "op": ">=", "value": 2,
                                     "level": "district"},
                                    {"year": 2023, "op": ">=", "value": 6}]}}
    result = _evaluate(tmp_path, RECORDS, {"n": {"source": "rep", "aggregate": "count"}},
                       indicators=indicators)
    assert [(c.unit, c.value, c.status) for c in result.checks()] == [
        ("P", 5.0, "not_met"), ("D1", 3.0, "met"), ("D2", 1.0, "not_met"),
        ("D3", 1.0, "not_met")]


def test_absent_zero(tmp_path: Path) -> None:
    # D3 held no activity in 2023 (a year with rows): 0. Nobody has rows in 2024: missing.
    content = ("unit,year,activity\n"
               "D1,2023,a\nD1,2023,b\nD2,2023,c\n"
               "D1,2025,d\n")
    indicators = {"n": {"kind": "value", "measure": "n", "direction": "increase",
                        "targets": [{"years": [2023, 2025], "op": ">=", "value": 1,
                                     "level": "district"}]}}
    result = _evaluate(tmp_path, content,
                       {"n": {"source": "rep", "column": "activity", "aggregate": "count",
                              "absent": "zero"}}, indicators=indicators)
    assert _cells(result, "n", 2023) == pytest.approx(
        {"P": np.nan, "D1": 2.0, "D2": 1.0, "D3": 0.0}, nan_ok=True)
    assert all(np.isnan(v) for v in _cells(result, "n", 2024).values())
    assert _cells(result, "n", 2025) == pytest.approx(
        {"P": np.nan, "D1": 1.0, "D2": 0.0, "D3": 0.0}, nan_ok=True)
    province = result.indicators["n"].panel.value[0]
    assert province[0] == 3.0 and np.isnan(province[1]) and province[2] == 1.0
    statuses = {(c.unit, c.year): c.status for c in result.checks()}
    assert statuses[("D3", 2023)] == "not_met"
    assert statuses[("D3", 2024)] == "no_data"
    assert statuses[("D2", 2025)] == "not_met"


def test_absent_missing_is_the_default(tmp_path: Path) -> None:
    content = "unit,year,activity\nD1,2023,a\n"
    result = _evaluate(tmp_path, content, {"n": {"source": "rep", "column": "activity",
                                                 "aggregate": "count"}})
    assert np.isnan(_cells(result, "n", 2023)["D3"])


def test_absent_zero_leaves_parents_to_the_rollup(tmp_path: Path) -> None:
    # a unit with children is not a leaf: it is not set to 0, it sums its children
    content = "unit,year,activity\nD1,2023,a\n"
    result = _evaluate(tmp_path, content, {"n": {"source": "rep", "column": "activity",
                                                 "aggregate": "count", "absent": "zero"}})
    assert np.isnan(_cells(result, "n", 2023)["P"])  # raw measure: P reported nothing
    assert _cells(result, "n", 2023)["D2"] == 0.0


# --- errors ------------------------------------------------------------------------------

def test_duplicate_unit_year_names_both_rows(tmp_path: Path) -> None:
    content = "unit,year,num\nD1,2023,1\nD2,2023,2\nD1,2023,3\n"
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    message = str(caught.value)
    assert "unit 'D1' has two rows for 2023 (rows 2 and 4)" in message
    assert str(tmp_path / "data.csv") in message
    assert "source 'rep'" in message
    assert caught.value.row == 4
    assert caught.value.file == tmp_path / "data.csv"


def test_duplicate_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    # row numbers are the file's rows (header = row 1), as a spreadsheet shows them
    content = "unit,year,num\nD1,2023,1\n\nD1,2023,3\n"
    with pytest.raises(qnkpi.DataError, match=r"\(rows 2 and 4\)"):
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})


def test_non_numeric_cell_names_file_row_and_value(tmp_path: Path) -> None:
    content = "unit,year,num\nD1,2023,1\nD2,2023,n/a\n"
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    message = str(caught.value)
    assert message.startswith(f"source 'rep': {tmp_path / 'data.csv'}, row 3: ")
    assert "column 'num': 'n/a' is not a number" in message
    assert "leave the cell empty if the value is missing" in message
    assert caught.value.row == 3


def test_non_numeric_row_number_counts_blank_lines(tmp_path: Path) -> None:
    content = "unit,year,num\nD1,2023,1\n\nD2,2023,abc\n"
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    assert caught.value.row == 4
    assert ", row 4: column 'num': 'abc'" in str(caught.value)


def test_decimal_comma_gets_a_hint(tmp_path: Path) -> None:
    content = 'unit,year,num\nD1,2023,"52,3"\n'
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    message = str(caught.value)
    assert "'52,3' is not a number" in message
    assert "the decimal point is '.'; write 52.3, or set decimal: ','" in message


@pytest.mark.parametrize("cell", ["inf", "nan", "-Infinity"])
def test_non_finite_numbers_are_refused(tmp_path: Path, cell: str) -> None:
    with pytest.raises(qnkpi.DataError, match=f"'{cell}' is not a number"):
        _evaluate(tmp_path, f"unit,year,num\nD1,2023,{cell}\n", {"num": {"source": "rep"}})


def test_unknown_unit_code_with_did_you_mean(tmp_path: Path) -> None:
    content = "unit,year,num\nD1,2023,1\nD11,2023,2\n"
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    message = str(caught.value)
    assert "unit code 'D11' is not in the spec's org units; did you mean 'D1'?" in message
    assert caught.value.row == 3


def test_missing_column_names_it(tmp_path: Path) -> None:
    content = "unit,year,youth_popn\nD1,2023,1\n"
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, content, {"youth_pop": {"source": "rep"}})
    message = str(caught.value)
    assert ("no column 'youth_pop'; did you mean 'youth_popn'?; "
            "the file has: unit, year, youth_popn") in message
    assert caught.value.row == 1


def test_missing_unit_column(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError, match="no column 'unit'"):
        _evaluate(tmp_path, "code,year,num\nD1,2023,1\n", {"num": {"source": "rep"}})


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError, match="the file is empty; it needs a header row"):
        _evaluate(tmp_path, "", {"num": {"source": "rep"}})


def test_header_only_is_all_missing(tmp_path: Path) -> None:
    result = _evaluate(tmp_path, "unit,year,num\n", {"num": {"source": "rep"}})
    assert np.isnan(result.measures["num"]).all()


def test_missing_file(tmp_path: Path) -> None:
    spec_data = tiny_programme(measures={"num": {"source": "rep"}})
    spec_data["sources"] = {"rep": {"type": "csv", "path": "nowhere.csv", "unit": "unit",
                                    "year": "year"}}
    spec = spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)
    with pytest.raises(qnkpi.DataError, match="file not found"):
        qnkpi.evaluate(spec, plugins=PLUGINS)


def test_bad_year(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, "unit,year,num\nD1,2023,1\nD1,23,2\n", {"num": {"source": "rep"}})
    assert "column 'year': '23' is not a year" in str(caught.value)
    assert caught.value.row == 3


def test_ragged_row(tmp_path: Path) -> None:
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path, "unit,year,num\nD1,2023,1,9\n", {"num": {"source": "rep"}})
    assert "4 cells where the header has 3" in str(caught.value)
    assert caught.value.row == 2


def test_not_utf8(tmp_path: Path) -> None:
    content = b"unit,year,num\nD1,2023,1\n" + "é".encode("latin-1") + b",2023,1\n"
    with pytest.raises(qnkpi.DataError, match="not UTF-8 text"):
        _evaluate(tmp_path, content, {"num": {"source": "rep"}})


def test_vietnamese_text_in_other_columns(tmp_path: Path) -> None:
    content = "\ufeffunit,year,tên,num\r\nD1,2023,Huyện Đoàn Cô Tô,3\r\n"
    result = _evaluate(tmp_path, content, {"num": {"source": "rep"}})
    assert _cells(result, "num", 2023)["D1"] == 3.0
