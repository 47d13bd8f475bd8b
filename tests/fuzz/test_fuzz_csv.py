"""Fuzzing the CSV reader: whatever file a `csv` source is given, evaluating a small spec
gives a result or raises a QnkpiError (a DataError that names the source and the file);
never anything else.

The files: random headers (with or without the unit and year columns, repeated names),
random cells (empty, unit codes, years, numbers written in many ways, Unicode, quotes,
delimiters), written with a random delimiter, quoting and line ending, with or without a
byte-order mark, sometimes with bytes that are not UTF-8; read by a source whose
`delimiter`, `decimal` and `layout` are random too, with record-level measures
(`aggregate`) sometimes. Each crash found is fixed in qnkpi and kept as an `@example`.

Deterministic (`derandomize=True`, no example database), so that CI cannot flake.
"""

from __future__ import annotations

import csv
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.errors import DataError, PluginError, QnkpiError
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

CODES = ["P", "D1", "D2", "D3", "D4", "d1", " D1 ", "D1\u0301", "", "0", "22"]
YEARS = ["2023", "2024", "2030", "2031", "1999", " 2024 ", "2024.0", "24", "٢٠٢٤",
         "２０２４", "", "0000", "99999"]
NUMBERS = ["0", "1", "-3", "+4", "12.5", ".5", "5.", "1e3", "1E-2", "-0", "52,3", "1,234",
           "100.839", "1.234.567", "1.234.567,89", "1 234", "1\u00a0234", "12%", "nan",
           "NaN", "inf", "-inf", "1e999", "1e308", "0x10", "1_000", "١٢", "１２", "n/a", "-",
           "--1", "1-2", "e5", ".", ",", "", "  ", "9" * 40, "1" + "0" * 400]
TEXT = st.text(max_size=12)
CELL = st.sampled_from(CODES) | st.sampled_from(YEARS) | st.sampled_from(NUMBERS) | TEXT
INTEGERS = st.integers(0, 10**7)
GOOD_NUMBERS = (INTEGERS.map(str) | st.floats(0, 1e6, allow_nan=False).map(repr)
                | INTEGERS.map(lambda n: f"{n:,}".replace(",", "."))  # Vietnamese: 1.234.567
                | st.tuples(INTEGERS, st.integers(0, 99)).map(lambda p: f"{p[0]},{p[1]}"))
#: What a column's cells mostly hold, by the column's name; any cell at times.
COLUMN_CELLS = {
    "unit": st.sampled_from(["P", "D1", "D2", "D3"]),
    "year": st.sampled_from(["2023", "2024", "2025"]),
    "measure": st.sampled_from(["num", "den", "other"]),
    "num": GOOD_NUMBERS, "den": GOOD_NUMBERS, "value": GOOD_NUMBERS,
}
HEADER_NAMES = st.sampled_from(["unit", "year", "num", "den", "measure", "value", "Unit",
                                " num ", "nu\u0301m", "", "\ufeffunit"]) | TEXT


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    """A file's bytes, the csv source's keys and the spec's measures."""
    layout = draw(st.sampled_from(["wide", "long"]))
    needed = ["unit", "year"] + (["measure", "value"] if layout == "long" else ["num", "den"])
    header = draw(st.lists(st.sampled_from(needed), min_size=0, max_size=4, unique=True))
    if draw(st.integers(0, 3)):
        header = needed  # most files have the right columns, so that rows get read
    header = header + draw(st.lists(HEADER_NAMES, max_size=2))
    header = draw(st.permutations(header)) if header else header
    cells = [COLUMN_CELLS.get(name, TEXT) for name in header]
    noise = draw(st.sampled_from([0, 0, 0.1, 0.5]))  # the share of cells drawn from anything
    rows = [[draw(CELL) if draw(st.floats(0, 1)) < noise else draw(column)
             for column in cells] for _ in range(draw(st.integers(0, 8)))]
    if rows and draw(st.integers(0, 4)) == 0:  # a ragged row
        rows[draw(st.integers(0, len(rows) - 1))].append(draw(CELL))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    text = _write([header, *rows], delimiter, draw(st.sampled_from(["minimal", "all", "raw"])),
                  draw(st.sampled_from(["\n", "\r\n", "\r"])))
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 5)) == 0:  # bytes that are not UTF-8 somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    source = {"delimiter": draw(st.sampled_from([delimiter, delimiter, ","])),
              "decimal": draw(st.sampled_from([".", ","])), "layout": layout}
    aggregate = draw(st.sampled_from([None, None, "sum", "count", "mean", "min", "max"]))
    measures: dict[str, Any] = {"num": {"source": "rep"}, "den": {"source": "rep"}}
    if aggregate is not None:
        for m in measures.values():
            m["aggregate"] = aggregate
    return data, source, measures


def _write(rows: list[list[str]], delimiter: str, quoting: str, newline: str) -> str:
    if quoting == "raw":  # no quoting at all: cells may hold the delimiter or quotes
        return "".join(delimiter.join(row) + newline for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()


INDICATORS = {"r": {"kind": "ratio", "numerator": "num", "denominator": "den", "factor": 100,
                    "direction": "increase",
                    "targets": [{"years": [2023, 2025], "op": ">", "value": 50,
                                 "level": "district"}]}}


def evaluate_file(data: bytes, source: dict[str, Any],
                  measures: dict[str, Any]) -> qnkpi.Result | QnkpiError:
    """Evaluate a tiny programme whose measures come from a CSV file holding `data`."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "data.csv").write_bytes(data)
        spec_data = tiny_programme(measures=measures, indicators=INDICATORS, start=2023,
                                   end=2025)
        spec_data["sources"] = {"rep": {"type": "csv", "path": "data.csv", "unit": "unit",
                                        "year": "year", **source}}
        spec = spec_from_dict(spec_data, base_dir=folder, plugins=PLUGINS)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a numpy warning is a defect too
            try:
                result = qnkpi.evaluate(spec, plugins=PLUGINS)
            except QnkpiError as exc:
                message = str(exc)
                assert not isinstance(exc, PluginError), message  # the csv source crashed
                assert message and "Traceback" not in message
                if isinstance(exc, DataError):
                    assert message.startswith("source 'rep': ")
                    assert exc.file is None or exc.file.name == "data.csv"
                if currently_in_test_context():
                    event(f"error: {type(exc).__name__}")
                return exc
    for panel in result.measures.values():
        assert not np.isinf(panel).any()  # missing is NaN, numbers are finite
    if currently_in_test_context():
        event("result")
    return result


@FUZZ
@given(csv_files())
@example((b"unit,year,num,den\nD1,2023,1" + b"0" * 400 + b",1\n",
          {"delimiter": ",", "decimal": ".", "layout": "wide"},
          {"num": {"source": "rep"}, "den": {"source": "rep"}}))
@example((b"unit,year,num,den\nD1,\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa4,1,1\n",  # Arabic digits
          {"delimiter": ",", "decimal": ".", "layout": "wide"},
          {"num": {"source": "rep"}, "den": {"source": "rep"}}))
@example((b"unit,year,num,den\nD1,2023,1e308,1e-300\nD2,2023,1e308,1\n",  # ratios and sums
          {"delimiter": ",", "decimal": ".", "layout": "wide"},  # overflowed (RuntimeWarning)
          {"num": {"source": "rep", "aggregate": "sum"}, "den": {"source": "rep"}}))
@example((b"unit;year;measure;value\nD1;2023;num;\n",  # no value, decimal ","
          {"delimiter": ";", "decimal": ",", "layout": "long"},
          {"num": {"source": "rep"}, "den": {"source": "rep"}}))
def test_any_csv_file_gives_a_result_or_a_qnkpi_error(
        case: tuple[bytes, dict[str, Any], dict[str, Any]]) -> None:
    evaluate_file(*case)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from([".", ","]))
@example(b"", ",")  # a header alone, read with decimal: ",": numpy failed on no rows
def test_any_bytes_give_a_result_or_a_qnkpi_error(data: bytes, decimal: str) -> None:
    evaluate_file(b"unit,year,num,den\n" + data,
                  {"delimiter": ",", "decimal": decimal, "layout": "wide"},
                  {"num": {"source": "rep"}, "den": {"source": "rep"}})


def test_the_generated_files_are_often_read() -> None:
    """Not every file is an error: the fuzzer reaches the panels and the verdicts."""
    good = (b"\xef\xbb\xbfunit;year;num;den\r\nD1;2023;1.234,5;2.000\r\n",
            {"delimiter": ";", "decimal": ",", "layout": "wide"},
            {"num": {"source": "rep"}, "den": {"source": "rep"}})
    result = evaluate_file(*good)
    assert isinstance(result, qnkpi.Result)
    assert result.measures["num"][1, 0] == 1234.5
