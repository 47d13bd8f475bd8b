"""The `csv` source's number rule (`decimal`), its warnings, and the size limit on the files
the built-in sources read; with real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.engine.evaluate import year_axis
from qnkpi.engine.fetch import fetch_requests
from qnkpi.orgunits import OrgTree
from qnkpi.sources._files import MAX_FILE_BYTES, max_file_bytes
from qnkpi.sources.base import Source
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
NUM = {"num": {"source": "rep"}}


def _spec(tmp_path: Path, content: str | bytes, measures: dict[str, Any] | None = None,
          **source: Any) -> qnkpi.Spec:
    data = content.encode("utf-8") if isinstance(content, str) else content
    (tmp_path / "data.csv").write_bytes(data)
    spec_data = tiny_programme(measures=measures or NUM)
    spec_data["sources"] = {"rep": {"type": "csv", "path": "data.csv", "unit": "unit",
                                    "year": "year", **source}}
    return spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)


def _fetch(tmp_path: Path, content: str | bytes, measures: dict[str, Any] | None = None,
           **source: Any) -> tuple[dict[str, Any], list[str]]:
    """The source's panels, by measure and unit code (2023 only), and its warnings."""
    spec = _spec(tmp_path, content, measures, **source)
    tree = OrgTree.from_spec(spec.org_units, year_axis(spec))
    [request] = fetch_requests(spec, tree).values()
    src = spec.sources["rep"]
    assert isinstance(src, Source)
    panels = src.fetch(request)
    col = list(request.years).index(2023)
    values = {name: {code: float(panel[row, col]) for code, row in request.units.items()}
              for name, panel in panels.items()}
    return values, request.warnings


def _error(tmp_path: Path, content: str | bytes, measures: dict[str, Any] | None = None,
           **source: Any) -> qnkpi.DataError:
    with pytest.raises(qnkpi.DataError) as caught:
        _fetch(tmp_path, content, measures, **source)
    return caught.value


# --- decimal: "," ---------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "value"), [
    ("100.839", 100839.0), ("1.234.567", 1234567.0), ("1.234.567,89", 1234567.89),
    ("52,3", 52.3), ("52", 52.0), ("-1.000,5", -1000.5), (",5", 0.5), ("1,5e3", 1500.0),
    ("0", 0.0),
])
def test_vietnamese_numbers(tmp_path: Path, cell: str, value: float) -> None:
    values, warnings = _fetch(tmp_path, f'unit;year;num\nD1;2023;"{cell}"\n', delimiter=";",
                              decimal=",")
    assert values["num"]["D1"] == pytest.approx(value)
    assert warnings == []


@pytest.mark.parametrize(("cell", "says"), [
    ("52.3", "write it the Vietnamese way (52,3)"),
    ("1.23", "write it the Vietnamese way (1,23)"),
    ("1,234,567", "with decimal: ',' write numbers the Vietnamese way"),
    ("12.34.567", "write numbers the Vietnamese way: ',' for decimals and '.' between"),
])
def test_numbers_that_are_not_vietnamese(tmp_path: Path, cell: str, says: str) -> None:
    error = _error(tmp_path, f'unit,year,num\nD1,2023,1.000\nD2,2023,"{cell}"\n', decimal=",")
    assert error.row == 3
    assert f"column 'num': '{cell}' is not a number" in str(error)
    assert says in str(error)


# --- decimal: "." (the default) -----------------------------------------------------------


@pytest.mark.parametrize(("cell", "says"), [
    ("52,3", "the decimal point is '.'; write 52.3, or set decimal: ','"),
    ("1,234", "write it without thousands separators (1234); if ',' is a decimal comma "
              "there, write 1.234 or set decimal: ','"),
    ("1.234.567", "its '.' separate thousands; write it without separators (1234567)"),
    ("1.234.567,5", "its '.' separate thousands; write it without separators (1234567.5)"),
    ("1 234", "write it without spaces (1234)"),
    ("1\u00a0234", "write it without spaces (1234)"),
    ("12%", "write it without '%' (12)"),
    ("1_000", "write numbers with '.' for decimals and no thousands separator"),
    ("١٢", "write numbers with '.' for decimals"),
    ("inf", "is not a number"),
    ("1e999", "is too large a number for qnkpi"),
    ("1e-300", "is too small a number for qnkpi"),
    ("9" * 60, "'" + "9" * 37 + "...' is too large"),
])
def test_numbers_the_default_refuses(tmp_path: Path, cell: str, says: str) -> None:
    error = _error(tmp_path, f'unit,year,num\nD1,2023,1\nD2,2023,"{cell}"\n')
    assert error.row == 3 and error.source == "rep"
    assert says in str(error)
    assert str(error).endswith("leave the cell empty if the value is missing")


@pytest.mark.parametrize(("cell", "value"), [
    ("12.5", 12.5), ("-3", -3.0), ("+4", 4.0), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0),
    ("-1.5E-2", -0.015), ("-0", 0.0), ("1e18", 1e18),
])
def test_numbers_the_default_reads(tmp_path: Path, cell: str, value: float) -> None:
    values, _ = _fetch(tmp_path, f"unit,year,num\nD1,2023,{cell}\n")
    assert values["num"]["D1"] == value


def test_a_lone_thousands_dot_among_whole_numbers_is_read_with_a_warning(
        tmp_path: Path) -> None:
    content = "unit,year,num\nD1,2023,1200\nD2,2023,100.839\nD3,2023,\n"
    values, warnings = _fetch(tmp_path, content)
    assert values["num"]["D2"] == 100.839  # usable: read as written
    [warning] = warnings
    assert warning.startswith(f"source 'rep': {tmp_path / 'data.csv'}, row 3: column 'num': "
                              "100.839 (row 3) is read as a decimal number")
    assert "write the number without it, or set decimal: ','" in warning


def test_the_warning_names_every_suspect_row(tmp_path: Path) -> None:
    rows = "".join(f"D{1 + i % 3},{2023 + i},{i + 1}.500\n" for i in range(7))
    _, [warning] = _fetch(tmp_path, "unit,year,num\n" + rows)
    assert ("column 'num': 1.500 (row 2), 2.500 (row 3), 3.500 (row 4), 4.500 (row 5), "
            "5.500 (row 6) and 2 more are read as decimal numbers, while the column's other "
            "values are whole numbers; if the '.' separates thousands (1.500 meaning 1500)"
            ) in warning


@pytest.mark.parametrize("content", [
    "unit,year,num\nD1,2023,1200\nD2,2023,100.8\n",     # a real decimal in the column
    "unit,year,num\nD1,2023,0.839\nD2,2023,12\n",       # no thousands before the dot
    "unit,year,num\nD1,2023,1e3\nD2,2023,100.839\n",    # exponents: a column of measurements
    "unit,year,num\nD1,2023,1234.567\nD2,2023,12\n",    # four digits before the dot
])
def test_no_warning_where_the_column_has_real_decimals(tmp_path: Path, content: str) -> None:
    assert _fetch(tmp_path, content)[1] == []


def test_no_warning_with_decimal_comma(tmp_path: Path) -> None:
    values, warnings = _fetch(tmp_path, "unit,year,num\nD1,2023,100.839\n", decimal=",")
    assert values["num"]["D1"] == 100839 and warnings == []


def test_long_files_parse_only_each_measures_rows(tmp_path: Path) -> None:
    """A bad value of a measure the spec does not read is not an error; a warning names
    its measure."""
    content = ("unit,year,measure,value\n"
               "D1,2023,num,100.839\nD2,2023,num,12\n"
               "D1,2023,other,n/a\n")
    values, [warning] = _fetch(tmp_path, content, layout="long")
    assert values["num"]["D1"] == 100.839
    assert "column 'value' (measure 'num'): 100.839 (row 2)" in warning


# --- the file's shape -----------------------------------------------------------------------


def test_a_header_alone_gives_missing_values_and_a_warning(tmp_path: Path) -> None:
    values, [warning] = _fetch(tmp_path, "unit,year,num\n")
    assert np.isnan(list(values["num"].values())).all()
    assert warning == (f"source 'rep': {tmp_path / 'data.csv'}: the file has a header but no "
                       "data rows, so every value it should give is missing; add one row per "
                       "unit and year (or check that 'path' names the right file)")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"])
def test_an_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    assert "the file is empty; it needs a header row" in str(_error(tmp_path, content))


def test_a_blank_first_row_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, "\nunit,year,num\nD1,2023,1\n")
    assert error.row == 1 and "the first row is empty; it must name the columns" in str(error)


def test_header_names_are_compared_in_nfc(tmp_path: Path) -> None:
    decomposed = "so\u0302\u0301"  # "số" as a Mac may save it
    values, _ = _fetch(tmp_path, f"unit,year,{decomposed}\nD1,2023,7\n",
                       {"num": {"source": "rep", "column": "s\u1ed1"}})
    assert values["num"]["D1"] == 7


def test_a_repeated_column_is_an_error_only_when_read(tmp_path: Path) -> None:
    values, _ = _fetch(tmp_path, "unit,year,num,note,note\nD1,2023,7,a,b\n")
    assert values["num"]["D1"] == 7
    error = _error(tmp_path, "unit,year,num,num\nD1,2023,7,8\n")
    assert "columns 3 and 4 are both named 'num'; rename or delete one" in str(error)


def test_an_empty_unit_code_says_so(tmp_path: Path) -> None:
    error = _error(tmp_path, "unit,year,num\nD1,2023,1\n ,2023,2\n")
    assert error.row == 3
    assert "the unit code is empty; fill it in, or delete the row" in str(error)


@pytest.mark.parametrize("year", ["２０２３", "٢٠٢٣", "2023.0", "20 3"])
def test_years_are_four_ascii_digits(tmp_path: Path, year: str) -> None:
    error = _error(tmp_path, f"unit,year,num\nD1,{year},1\n")
    assert f"column 'year': '{year}' is not a year" in str(error)


def test_a_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    error = _error(tmp_path, "unit,year,num\nD1,2023,1\n".encode("utf-16"))
    assert "the file is UTF-16 text" in str(error) and "save it as 'CSV UTF-8'" in str(error)


def test_a_latin1_file_is_refused_at_its_row(tmp_path: Path) -> None:
    error = _error(tmp_path, "unit,year,num,note\nD1,2023,1,a\nD2,2023,2,é\n".encode("latin-1"))
    assert error.row == 3 and "not UTF-8 text" in str(error)


def test_a_file_cut_inside_a_quoted_cell_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, 'unit,year,num\nD1,2023,1\nD2,2023,"12')
    assert error.row == 3 and "the file ends inside a quoted cell" in str(error)


def test_text_after_a_closing_quote_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, 'unit;year;num\nD1;2023;"1"2\n', delimiter=";")
    assert error.row == 2
    assert "text follows the quote (\") that closes a cell, where ';' or the end" in str(error)


def test_quotes_doubled_inside_a_quoted_cell_are_read(tmp_path: Path) -> None:
    values, _ = _fetch(tmp_path, 'unit,year,num,note\nD1,2023,"1","say ""hi"""\n')
    assert values["num"]["D1"] == 1


def test_a_very_long_cell_is_named_at_its_row(tmp_path: Path) -> None:
    error = _error(tmp_path, 'unit,year,num\nD1,2023,1\nD2,2023,"' + "x" * 200_000 + "\n")
    assert error.row == 3 and "is a quote (\") opened and never closed?" in str(error)


# --- the size limit -------------------------------------------------------------------------


def test_the_default_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QNKPI_MAX_FILE_BYTES", raising=False)
    assert max_file_bytes() == MAX_FILE_BYTES == 1_000_000_000
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", " 2_000 ")
    assert max_file_bytes() == 2000


@pytest.mark.parametrize("value", ["0", "-5", "1e9", "lots", "１２"])
def test_a_limit_that_is_not_a_number(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", value)
    with pytest.raises(qnkpi.QnkpiError, match="is not a number of bytes; set it to a whole "
                                               "number above 0"):
        max_file_bytes()


def test_a_csv_file_at_the_limit_is_read_and_over_it_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = "unit,year,num\nD1,2023,1\n"
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", str(len(content)))
    assert _fetch(tmp_path, content)[0]["num"]["D1"] == 1
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", str(len(content) - 1))
    error = _error(tmp_path, content)
    assert f"the file is {len(content)} bytes, over the limit of {len(content) - 1} bytes" \
        in str(error)
    assert "raise the limit with the environment variable QNKPI_MAX_FILE_BYTES" in str(error)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    spec_data = tiny_programme(measures=NUM)
    spec_data["sources"] = {"rep": {"type": "csv", "path": "/dev/zero", "unit": "unit",
                                    "year": "year"}}
    spec = spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)
    with pytest.raises(qnkpi.DataError, match="not a regular file"):
        qnkpi.evaluate(spec, plugins=PLUGINS)


def test_an_xlsx_workbook_counts_by_its_size_unzipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "year", "num"])
    for _ in range(300):
        sheet.append(["D1", 2023, 1])
    book.save(tmp_path / "data.xlsx")
    size = (tmp_path / "data.xlsx").stat().st_size
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", str(size + 100))  # the file itself is under
    spec_data = tiny_programme(measures=NUM)
    spec_data["sources"] = {"rep": {"type": "xlsx", "path": "data.xlsx", "unit": "unit",
                                    "year": "year"}}
    spec = spec_from_dict(spec_data, base_dir=tmp_path, plugins=PLUGINS)
    with pytest.raises(qnkpi.DataError, match=r"the workbook unzips to [\d,]+ bytes, over the "
                                              r"limit of [\d,]+ bytes"):
        qnkpi.evaluate(spec, plugins=PLUGINS)


@pytest.mark.parametrize(("value", "says"), [
    (float("inf"), "is not a finite number; write a number, or null"),
    (1e300, "is too large a number for qnkpi"),
])
def test_inline_values_are_finite_and_in_range(value: float, says: str) -> None:
    spec_data = tiny_programme(data={"num": {"D1": {2023: value}}})
    with pytest.raises(qnkpi.SpecError, match=says):
        spec_from_dict(spec_data, plugins=PLUGINS)
