"""The `csv` source's fast path (Arrow's reader) and its strict path (Python's csv
reader) give the same panels, warnings and errors on the same file; a bad cell is still
reported at its row."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_csv import FUZZ, GOOD_NUMBERS, INTEGERS, csv_files, evaluate_file

import qnkpi
from qnkpi.errors import DataError, QnkpiError
from qnkpi.sources import _csv_fast


@contextmanager
def strict_only() -> Iterator[None]:
    """Read every file by the strict path, as before the fast path."""
    _csv_fast.ENABLED = False
    try:
        yield
    finally:
        _csv_fast.ENABLED = True


def outcome(data: bytes, source: dict[str, Any], measures: dict[str, Any]) -> Any:
    """What evaluating the file gives: its panels (as bytes) and warnings, or the error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = evaluate_file(data, source, measures)
    if isinstance(result, QnkpiError):
        return type(result).__name__, _plain(str(result))
    said = [_plain(str(w.message)) for w in caught]
    return ({k: (v.shape, v.tobytes()) for k, v in result.measures.items()}, said,
            [_plain(str(w)) for w in result.warnings])


def _plain(message: str) -> str:
    """A message without the temporary folder each evaluation writes its file in."""
    return re.sub(r"\S*data\.csv", "data.csv", message)


def same_both_ways(data: bytes, source: dict[str, Any], measures: dict[str, Any]) -> None:
    fast = outcome(data, source, measures)
    with strict_only():
        strict = outcome(data, source, measures)
    assert fast == strict


@FUZZ
@given(csv_files())
def test_the_fast_and_strict_paths_agree_on_any_file(
        case: tuple[bytes, dict[str, Any], dict[str, Any]]) -> None:
    same_both_ways(*case)


PLAIN = (INTEGERS.map(str) | st.floats(0, 1e6, allow_nan=False).map(repr) | GOOD_NUMBERS
         | st.sampled_from(["", "-0", "5.", ".5", "1e3", "100.839", "1e-13", "1e19"]))


@st.composite
def clean_files(draw: st.DrawFn) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    """Unquoted wide files, mostly clean, so that the fast path reads them."""
    rows = draw(st.lists(st.tuples(st.sampled_from(["P", "D1", "D2", "D3"]),
                                   st.sampled_from(["2023", "2024", "2025"]), PLAIN, PLAIN),
                         min_size=1, max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = "".join(",".join(r) + newline for r in [("unit", "year", "num", "den"), *rows])
    aggregate = draw(st.sampled_from([None, "sum", "count", "mean"]))
    measures: dict[str, Any] = {"num": {"source": "rep"}, "den": {"source": "rep"}}
    if aggregate:
        for m in measures.values():
            m["aggregate"] = aggregate
    return text.encode(), {"delimiter": ",", "decimal": ".", "layout": "wide"}, measures


@FUZZ
@given(clean_files())
def test_the_fast_and_strict_paths_agree_on_clean_files(
        case: tuple[bytes, dict[str, Any], dict[str, Any]]) -> None:
    same_both_ways(*case)


def test_a_clean_file_takes_the_fast_path() -> None:
    text = "unit,year,num\nD1,2023,1.5\nD2,2023,\n"
    cells = _csv_fast.read_cells(text, ",")
    assert cells is not None
    assert _csv_fast.numbers(cells[1][2]) is not None


@pytest.mark.parametrize(("cell", "row"), [("12%", 4), ("nan", 4), ("1e999", 4), (" x", 3)])
def test_a_bad_cell_is_still_reported_at_its_row(cell: str, row: int) -> None:
    good = "D1,2023,1,1\n" if row == 4 else ""
    data = f"unit,year,num,den\nD2,2023,2,2\n{good}D3,2023,{cell},1\n".encode()
    error = evaluate_file(data, {"delimiter": ",", "decimal": ".", "layout": "wide"},
                          {"num": {"source": "rep"}, "den": {"source": "rep"}})
    assert isinstance(error, DataError)
    assert error.row == row
    assert f"'{cell.strip()}' is not a number" in str(error) or "too large" in str(error)
    same_both_ways(data, {"delimiter": ",", "decimal": ".", "layout": "wide"},
                   {"num": {"source": "rep"}, "den": {"source": "rep"}})


def test_a_thousands_dot_still_warns_at_its_row() -> None:
    data = b"unit,year,num,den\nD1,2023,100.839,1\nD2,2023,5,1\n"
    result = evaluate_file(data, {"delimiter": ",", "decimal": ".", "layout": "wide"},
                           {"num": {"source": "rep"}, "den": {"source": "rep"}})
    assert isinstance(result, qnkpi.Result)
    assert any("100.839 (row 2)" in str(w) for w in result.warnings)


@pytest.mark.parametrize("data", [
    b"unit,year,num,den\n\nD1,2023,1,2\n",  # a blank line after the header
    b"unit,year,num,den\r\n\r\nD1,2023,1,2\r\n",
    b"unit,year,num,den\nD1,2023,1,2\n\n\n",
    b"unit,year,num,den\nD1,2023,1,2\n , , , \nD2,2023,x,1\n",  # blank cells: row 4 is x
    b"unit,year,num,den\nD1,2023,1,2\n\x0b,\x0b,,\nD2,2023,x,1\n",
    b"unit,year,num,den\nD1,2023,1,2\n   \nD2,2023,x,1\n",
    b"unit,year,num,den\rD1,2023,1,2\r\rD2,2023,x,1\r",
    b"unit,year,num,den\nD1,2023, 1 ,2\nD2,2023,1\xc2\xa0234,1\n",
    b"unit,year,num,den\nD1,2023,-0,2\nD2,2023,1e-13,1\n",
    b"unit,year,num,den\nD1,2023,-0,2\nD2,2023,5.,.5\n",
    b"unit,year,num,num\nD1,2023,1,2\n",
    b"\xef\xbb\xbfunit,year,num,den\nD1,2024,1.5,2\n",
    b"unit,year,num,den\nD1,2023,1,2,\n",
    b"unit,year,num,den\nD1,2023,1\n",
    b"unit,year,num,den\nD1,2023,1e400,1\n",
])
def test_the_fast_and_strict_paths_agree_on_unusual_files(data: bytes) -> None:
    same_both_ways(data, {"delimiter": ",", "decimal": ".", "layout": "wide"},
                   {"num": {"source": "rep"}, "den": {"source": "rep"}})
