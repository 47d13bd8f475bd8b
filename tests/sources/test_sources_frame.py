"""The ``frame`` source: pandas, polars and pyarrow frames read as the ``csv`` source reads
the same data, and every bad frame named with its column."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
ROOT = Path(__file__).resolve().parents[2]
QUANG_NINH = ROOT / "specs" / "quang-ninh"


def _dump(result: qnkpi.Result) -> str:
    return json.dumps(result.to_dict(), sort_keys=True, default=str)


# -- the Quảng Ninh example: every kind of frame, the same result as the CSV files ---------

def _quang_ninh_frames(kind: str) -> dict[str, Any]:
    files = {"reports": "unit-reports.csv", "activities": "activities.csv"}
    frames = {name: pd.read_csv(QUANG_NINH / "data" / file, dtype={"unit_code": str})
              for name, file in files.items()}
    if kind == "polars":
        return {n: pl.read_csv(QUANG_NINH / "data" / f, schema_overrides={"unit_code": pl.String})
                for n, f in files.items()}
    if kind == "pyarrow":
        return {n: pa.Table.from_pandas(f, preserve_index=False) for n, f in frames.items()}
    return dict(frames)


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_quang_ninh_from_frames_equals_csv(kind: str) -> None:
    spec = qnkpi.load_spec(QUANG_NINH / "programme.yaml")
    by_csv = qnkpi.evaluate(spec)
    by_frame = qnkpi.evaluate(spec, data=_quang_ninh_frames(kind))
    assert list(by_frame.checks()) == list(by_csv.checks())
    assert _dump(by_frame) == _dump(by_csv)
    assert by_frame.warnings == by_csv.warnings
    assert list(qnkpi.check_data(spec, data=_quang_ninh_frames(kind)).violations()) == \
        list(qnkpi.check_data(spec).violations())
    # the spec is left as it was: its sources still read the files
    assert spec.sources["reports"].type == "csv"


def test_one_source_from_a_frame_the_other_from_its_file() -> None:
    spec = qnkpi.load_spec(QUANG_NINH / "programme.yaml")
    frames = _quang_ninh_frames("pandas")
    result = qnkpi.evaluate(spec, data={"activities": frames["activities"]})
    assert _dump(result) == _dump(qnkpi.evaluate(spec))
    plans = qnkpi.explain(spec, data={"activities": frames["activities"]})
    assert plans["activities"] == ("read a pandas DataFrame of "
                                   f"{len(frames['activities'])} rows (wide; columns "
                                   "activity_id)")
    assert plans["reports"].startswith("read ")


class _StreamOnly:
    """An object that offers nothing but the Arrow PyCapsule stream interface."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._table.__arrow_c_stream__(requested_schema)


def test_an_object_with_only_arrow_c_stream() -> None:
    spec = qnkpi.load_spec(QUANG_NINH / "programme.yaml")
    frames = {n: _StreamOnly(t) for n, t in _quang_ninh_frames("pyarrow").items()}
    assert _dump(qnkpi.evaluate(spec, data=frames)) == _dump(qnkpi.evaluate(spec))
    assert qnkpi.explain(spec, data=frames)["reports"].startswith("read a _StreamOnly of 136")


def _variants(reports: pd.DataFrame) -> dict[str, Any]:
    """The same rows in the shapes frames come in: categories, chunks, slices, an index,
    pandas' nullable types."""
    table = pa.Table.from_pandas(reports, preserve_index=False)
    return {
        "pandas category": reports.astype({"unit_code": "category"}),
        "pandas index": reports.set_index(["unit_code", "year"]),
        "pandas nullable": reports.convert_dtypes(),
        "polars categorical": pl.from_pandas(reports).with_columns(
            pl.col("unit_code").cast(pl.Categorical)),
        "pyarrow chunks": pa.concat_tables([table.slice(0, 20), table.slice(20)]),
        "pyarrow dictionary": table.set_column(
            0, "unit_code", table.column("unit_code").dictionary_encode()),
    }


@pytest.mark.parametrize("variant", [
    "pandas category", "pandas index", "pandas nullable", "polars categorical",
    "pyarrow chunks", "pyarrow dictionary"])
def test_frames_in_every_shape_give_the_same_result(variant: str) -> None:
    spec = qnkpi.load_spec(QUANG_NINH / "programme.yaml")
    frames = _quang_ninh_frames("pandas")
    reports = frames["reports"].iloc[7:]  # a slice: arrays with an offset
    expected = _dump(qnkpi.evaluate(spec, data={**frames, "reports": reports}))
    frame = _variants(reports)[variant]
    assert _dump(qnkpi.evaluate(spec, data={**frames, "reports": frame})) == expected


# -- generated panels: the frame source and the csv source agree ---------------------------

CODES = ["0", "01", "02", "007", "10"]  # leading zeros: codes are text
YEARS = list(range(2022, 2027))
VALUE = st.one_of(st.none(), st.integers(-4000, 4000).map(lambda v: v / 4))


def _org_units() -> dict[str, Any]:
    units = [{"code": "0", "name": "Province", "level": "province"}]
    units += [{"code": c, "name": f"District {c}", "level": "district", "parent": "0"}
              for c in CODES[1:]]
    return {"levels": ["province", "district"], "units": units}


def _generated_spec(tmp_path: Path, source: dict[str, Any]) -> qnkpi.Spec:
    data = tiny_programme(measures={
        "a": {"source": "rep"}, "b": {"source": "rep", "column": "b col"},
        **{f"r_{how}": {"source": "rec", "column": "v", "aggregate": how}
           for how in ("sum", "count", "mean", "min", "max")},
        "r_rows": {"source": "rec", "aggregate": "count"}}, start=2023, end=2026)
    data["org_units"] = _org_units()
    data["sources"] = {"rep": {**source, "path": "rep.csv", "unit": "unit", "year": "year"},
                       "rec": {**source, "path": "rec.csv", "unit": "u", "year": "y"}}
    if source["type"] == "frame":
        for s in data["sources"].values():
            del s["path"]
    return spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS)


def _csv(rows: list[tuple[Any, ...]], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


PANEL = st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(YEARS), VALUE, VALUE),
                 unique_by=lambda r: (r[0], r[1]), max_size=25)
RECORDS = st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(YEARS), VALUE),
                   max_size=40)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(panel=PANEL, records=RECORDS, kind=st.sampled_from(["pandas", "polars", "pyarrow"]))
def test_generated_panels_read_as_the_csv_source_reads_them(
        tmp_path: Path, panel: list[tuple[Any, ...]], records: list[tuple[Any, ...]],
        kind: str) -> None:
    (tmp_path / "rep.csv").write_text(_csv(panel, ["unit", "year", "a", "b col"]))
    (tmp_path / "rec.csv").write_text(_csv(records, ["u", "y", "v"]))
    rep = pa.table({"unit": [r[0] for r in panel], "year": [r[1] for r in panel],
                    "a": pa.array([r[2] for r in panel], pa.float64()),
                    "b col": pa.array([r[3] for r in panel], pa.float64())})
    rec = pa.table({"u": [r[0] for r in records], "y": [r[1] for r in records],
                    "v": pa.array([r[2] for r in records], pa.float64())})
    frames: dict[str, Any] = {"rep": rep, "rec": rec}
    if kind == "pandas":
        frames = {n: t.to_pandas() for n, t in frames.items()}  # None -> NaN
    elif kind == "polars":
        frames = {n: pl.from_arrow(t) for n, t in frames.items()}
    by_csv = qnkpi.evaluate(_generated_spec(tmp_path, {"type": "csv"}), plugins=PLUGINS)
    frame_spec = _generated_spec(tmp_path, {"type": "frame"})
    by_frame = qnkpi.evaluate(frame_spec, plugins=PLUGINS, data=frames)
    assert by_frame.measures.keys() == by_csv.measures.keys()
    for name, panel_csv in by_csv.measures.items():
        np.testing.assert_array_equal(by_frame.measures[name], panel_csv, err_msg=name)
    # a file source given frames of its names reads them the same way
    overridden = qnkpi.evaluate(_generated_spec(tmp_path, {"type": "csv"}), plugins=PLUGINS,
                                data=frames)
    assert _dump(overridden) == _dump(by_frame)


def test_long_frame_reads_as_a_long_csv(tmp_path: Path) -> None:
    text = "unit;year;indicator;amount\nD1;2023;youth;10\nD1;2023;trained;4\nD2;2023;youth;\n"
    (tmp_path / "long.csv").write_text(text)
    data = tiny_programme(measures={"youth": {"source": "rep"},
                                    "youth_trained": {"source": "rep", "column": "trained"}})
    data["sources"] = {"rep": {"type": "csv", "path": "long.csv", "unit": "unit",
                               "year": "year", "layout": "long", "delimiter": ";",
                               "measure_column": "indicator", "value_column": "amount"}}
    spec = spec_from_dict(data, base_dir=tmp_path, plugins=PLUGINS)
    frame = pd.read_csv(tmp_path / "long.csv", sep=";")
    by_frame = qnkpi.evaluate(spec, plugins=PLUGINS, data={"rep": frame})
    by_csv = qnkpi.evaluate(spec, plugins=PLUGINS)
    for name in ("youth", "youth_trained"):
        np.testing.assert_array_equal(by_frame.measures[name], by_csv.measures[name])


# -- bad frames: qnkpi's errors, naming the source and the column --------------------------

def _frame_spec(source: dict[str, Any] | None = None, **measures: Any) -> qnkpi.Spec:
    data = tiny_programme(measures=measures or {"num": {"source": "rep"}})
    data["sources"] = {"rep": {"type": "frame", "unit": "unit", "year": "year",
                               **(source or {})}}
    return spec_from_dict(data, plugins=PLUGINS)


def _fails(frame: Any, spec: qnkpi.Spec | None = None, **kw: Any) -> str:
    with pytest.raises(qnkpi.QnkpiError) as info:
        qnkpi.evaluate(spec or _frame_spec(), plugins=PLUGINS, data={"rep": frame}, **kw)
    return str(info.value)


def test_int_unit_codes_are_read_as_text_when_no_code_has_a_leading_zero() -> None:
    frame = pa.table({"unit": [1, 2], "year": [2023, 2023], "num": [5, 6]})
    data = tiny_programme(measures={"num": {"source": "rep"}})
    data["org_units"]["units"] = [{"code": "1", "name": "One", "level": "province"},
                                  {"code": "2", "name": "Two", "level": "province"}]
    data["org_units"]["levels"] = ["province"]
    data["sources"] = {"rep": {"type": "frame", "unit": "unit", "year": "year"}}
    result = qnkpi.evaluate(spec_from_dict(data, plugins=PLUGINS), plugins=PLUGINS,
                            data={"rep": frame})
    assert result.measures["num"][:, 0].tolist() == [5.0, 6.0]


BAD = [
    ({"unit": ["D1"], "year": [2023], "nmu": [1]},
     "source 'rep': the frame has no column 'num' (its columns: unit, year, nmu); did you "
     "mean 'nmu'? add the column, or name one of these in the spec (a measure's 'column', "
     "the source's 'unit' or 'year')"),
    ({"unit": ["D1"], "year": [2023], "num": ["7"]},
     "source 'rep': column 'num' holds string values, not numbers; convert it to numbers "
     "first (a missing value is null or NaN)"),
    ({"unit": ["D1"], "year": [2023], "num": [True]},
     "source 'rep': column 'num' holds bool values, not numbers; give the column a numeric "
     "type (a missing value is null or NaN)"),
    ({"unit": ["D1", "D2"], "year": [2023.0, 2024.5], "num": [1, 2]},
     "source 'rep': row 1: column 'year': 2024.5 is not a year; write years as "
     "whole numbers of four digits, such as 2024"),
    ({"unit": ["D1", "D2"], "year": ["2023", "24"], "num": [1, 2]},
     "source 'rep': row 1: column 'year': '24' is not a year; write years as whole "
     "numbers of four digits, such as 2024"),
    ({"unit": ["D1", "D2"], "year": [2023, None], "num": [1, 2]},
     "source 'rep': row 1: column 'year': the year is missing; every row needs its year"),
    ({"unit": ["D1", None], "year": [2023, 2023], "num": [1, 2]},
     "source 'rep': row 1: column 'unit': the unit code is missing; fill it in, or drop the "
     "row if it holds no data"),
    ({"unit": ["D1", "D01"], "year": [2023, 2023], "num": [1, 2]},
     "source 'rep': row 1: column 'unit': unit code 'D01' is not in the spec's org units; "
     "did you mean 'D1'?; add the unit to the org units or correct the code"),
    ({"unit": ["D1", "D2", "D1"], "year": [2023, 2023, 2023], "num": [1, 2, 3]},
     "source 'rep': row 2: unit 'D1' has two rows for 2023 (rows 0 and 2); a table without "
     "'aggregate' holds one row per unit and year: remove one, or declare 'aggregate' on "
     "the measures if the rows are records to add up"),
    ({"unit": ["D1"], "year": [2023], "num": [1e19]},
     "source 'rep': row 0: column 'num': 1e+19 is too large a number for qnkpi, which reads "
     "0 and numbers between 10^-12 and 10^18 in size (so that sums and ratios of them stay "
     "exact enough and finite); check the cell"),
    ({"unit": ["D1"], "year": [2023], "num": [float("inf")]},
     "source 'rep': row 0: column 'num': inf is too large a number for qnkpi, which reads 0 "
     "and numbers between 10^-12 and 10^18 in size (so that sums and ratios of them stay "
     "exact enough and finite); check the cell"),
]


@pytest.mark.parametrize(("columns", "message"), BAD)
@pytest.mark.parametrize("kind", ["pyarrow", "pandas", "polars"])
def test_bad_frames_give_qnkpi_errors(columns: dict[str, list[Any]], message: str,
                                      kind: str) -> None:
    table = pa.table(columns)
    frame: Any = table
    if kind == "pandas":
        frame = pd.DataFrame(columns)
        if "unit" in columns and None in columns["unit"]:
            frame = table.to_pandas()
    elif kind == "polars":
        frame = pl.from_arrow(table)
    got = _fails(frame)
    if kind == "pyarrow" or "values, not numbers" not in message:
        assert got == message
    else:  # pandas and polars name their own text types (large_string, string_view...)
        assert got.startswith("source 'rep': column 'num' holds ")


def test_int_unit_codes_when_codes_have_leading_zeros() -> None:
    data = tiny_programme(measures={"num": {"source": "rep"}})
    data["org_units"] = _org_units()
    data["sources"] = {"rep": {"type": "frame", "unit": "unit", "year": "year"}}
    spec = spec_from_dict(data, plugins=PLUGINS)
    frame = pd.DataFrame({"unit": [1, 7], "year": [2023, 2023], "num": [1, 2]})
    assert _fails(frame, spec) == (
        "source 'rep': column 'unit' holds numbers (int64), but unit codes are text and some "
        "start with 0 (such as '01'); read the column as text so that leading zeros are kept "
        "(pandas: dtype={'unit': str}; polars: schema_overrides={'unit': pl.String})")


def test_a_frame_source_without_its_frame() -> None:
    with pytest.raises(qnkpi.DataError) as info:
        qnkpi.evaluate(_frame_spec(), plugins=PLUGINS)
    assert str(info.value) == (
        "source 'rep': no frame was given for this source; pass it as data={'rep': frame} "
        "to qnkpi.evaluate (or check_data); the command line cannot pass a frame, so use a "
        "file source there")
    assert qnkpi.explain(_frame_spec(), plugins=PLUGINS) == {
        "rep": "a frame given at call time, data={'rep': frame} (wide; columns num)"}


def test_data_names_an_unknown_source() -> None:
    with pytest.raises(qnkpi.QnkpiError) as info:
        qnkpi.evaluate(_frame_spec(), plugins=PLUGINS, data={"repp": pa.table({"a": [1]})})
    assert str(info.value) == ("data: the spec has no source 'repp'; did you mean 'rep'?; its "
                               "sources are: rep")


def test_a_frame_cannot_replace_an_inline_source() -> None:
    spec = spec_from_dict(tiny_programme(data={"num": {"D1": {2023: 1}}}), plugins=PLUGINS)
    with pytest.raises(qnkpi.DataError) as info:
        qnkpi.evaluate(spec, plugins=PLUGINS, data={"data": pa.table({"a": [1]})})
    assert str(info.value) == (
        "source 'data': a frame cannot replace this inline source, which has no unit and "
        "year columns; give frames to sources of rows (frame, csv, xlsx, sqlite...)")


def test_not_a_frame() -> None:
    assert _fails([{"unit": "D1"}]) == (
        "source 'rep': a list is not a frame; pass a pandas or polars DataFrame, a pyarrow "
        "Table, or an object with the Arrow PyCapsule stream interface (__arrow_c_stream__)")


def test_a_pandas_column_of_mixed_types() -> None:
    frame = pd.DataFrame({"unit": ["D1", 2], "year": [2023, 2023], "num": [1, 2]})
    got = _fails(frame)
    assert got.startswith("source 'rep': a pandas DataFrame cannot be read as a table: ")
    assert "unit" in got


def test_count_counts_filled_cells_of_any_type() -> None:
    spec = _frame_spec(n={"source": "rep", "column": "note", "aggregate": "count"},
                       rows={"source": "rep", "aggregate": "count"})
    frame = pa.table({"unit": ["D1", "D1", "D1", "D2"], "year": [2023] * 4,
                      "note": ["a", None, "b", None]})
    result = qnkpi.evaluate(spec, plugins=PLUGINS, data={"rep": frame})
    codes = list(result.tree.codes)
    assert result.measures["n"][codes.index("D1"), 0] == 2
    assert result.measures["rows"][codes.index("D1"), 0] == 3
    assert result.measures["rows"][codes.index("D2"), 0] == 1
    assert result.measures["n"][codes.index("D2"), 0] == 0


def test_a_pyarrow_table_imports_neither_pandas_nor_polars() -> None:
    # pyarrow itself imports pandas when it converts Python objects (pa.table(dict)), so
    # the table is read from CSV text by pyarrow's reader, which does not
    code = """
import io
import sys
import pyarrow.csv
import qnkpi
from qnkpi.testing import spec_from_dict, tiny_programme
data = tiny_programme(measures={"num": {"source": "rep"}, "n": {"source": "rep",
                      "column": "num", "aggregate": "sum"}})
data["sources"] = {"rep": {"type": "frame", "unit": "unit", "year": "year"}}
frame = pyarrow.csv.read_csv(io.BytesIO(b"unit,year,num\\nD1,2023,4\\nD2,2023,\\n"))
assert "pandas" not in sys.modules
result = qnkpi.evaluate(spec_from_dict(data), data={"rep": frame})
assert result.measures["num"][1:3, 0].tolist()[0] == 4
print(sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "polars")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
