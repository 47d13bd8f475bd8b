"""The `xlsx` source with real workbooks: formulas without a saved value, which sheet is
read, damaged parts, the bounds on strings and cells, and numbers read by the `csv`
source's rule."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
NUM = {"num": {"source": "rep"}}


def _book(path: Path, *sheets: tuple[str, list[list[Any]]], active: int = 0,
          hidden: tuple[int, ...] = ()) -> Path:
    """A workbook of `sheets` (title, rows), saved by openpyxl (so never calculated)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for i, (title, rows) in enumerate(sheets):
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        if i in hidden:
            ws.sheet_state = "hidden"
    book.active = active
    book.save(path)
    return path


def _rewrite(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Replace `part` of the workbook at `path` by `change` of it."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _evaluate(folder: Path, **source: Any) -> dict[str, float]:
    """The measure `num` read from `folder/data.xlsx`: unit code -> 2023's value."""
    spec_data = tiny_programme(measures=NUM)
    spec_data["sources"] = {"rep": {"type": "xlsx", "path": "data.xlsx", "unit": "unit",
                                    "year": "year", **source}}
    spec = spec_from_dict(spec_data, base_dir=folder, plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    codes = list(result.tree.codes)
    return {code: float(result.measures["num"][codes.index(code), 0])
            for code in ("D1", "D2", "D3")}


HEAD = ["unit", "year", "num"]


def test_a_formula_with_no_saved_value_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 5], ["D2", 2023, "=C2*2"]]))
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path)
    assert ("data.xlsx: sheet 'Data', cell C3 holds a formula with no saved value (the program "
            "that wrote the file did not calculate it); open the file in Excel or LibreOffice "
            "and save it") in str(caught.value)


def test_a_formula_outside_the_columns_read_is_no_error(tmp_path: Path) -> None:
    rows = [[*HEAD, "note"], ["D1", 2023, 5, "=C2*2"], ["D2", 2023, 7, "=C3*2"]]
    _book(tmp_path / "data.xlsx", ("Data", rows))
    assert _evaluate(tmp_path)["D2"] == 7


def test_a_formula_with_a_saved_value_reads_the_value(tmp_path: Path) -> None:
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, "=2+3"],
                                                   ["D2", 2023, '=""']]))
    # as Excel saves them: a number, and an empty text (t="str" with an empty value)
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b'<c r="C2"><f>2+3</f><v /></c>', b'<c r="C2"><f>2+3</f><v>5</v></c>').replace(
        b'<c r="C3"><f>""</f><v /></c>', b'<c r="C3" t="str"><f>""</f><v></v></c>'))
    got = _evaluate(tmp_path)
    assert got["D1"] == 5 and np.isnan(got["D2"])


def test_the_active_sheet_is_read_not_a_hidden_first_sheet(tmp_path: Path) -> None:
    _book(tmp_path / "data.xlsx", ("Old", [HEAD, ["D1", 2023, 1]]),
          ("New", [HEAD, ["D1", 2023, 2]]), active=1, hidden=(0,))
    assert _evaluate(tmp_path)["D1"] == 2
    assert _evaluate(tmp_path, sheet="Old")["D1"] == 1  # a hidden sheet, when named


def test_an_active_sheet_without_the_columns_gives_way_to_one_with_them(
        tmp_path: Path) -> None:
    # a form saved while its instructions sheet was shown
    _book(tmp_path / "data.xlsx", ("Data", [["Titles"], HEAD, ["D1", 2023, 3]]),
          ("Instructions", [["Fill in the sheet Data"]]), active=1)
    assert _evaluate(tmp_path)["D1"] == 3


def test_a_visible_active_sheet_comes_before_the_first(tmp_path: Path) -> None:
    _book(tmp_path / "data.xlsx", ("2024", [HEAD, ["D1", 2023, 1]]),
          ("2025", [HEAD, ["D1", 2023, 2]]), active=1)
    assert _evaluate(tmp_path)["D1"] == 2


def test_a_workbook_with_every_sheet_hidden_is_an_error(tmp_path: Path) -> None:
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 1]]),
                 ("Other", [HEAD]))
    _rewrite(path, "xl/workbook.xml", lambda xml: xml.replace(b'state="visible"',
                                                               b'state="hidden"'))
    with pytest.raises(qnkpi.DataError, match="every sheet of the workbook is hidden"):
        _evaluate(tmp_path)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml",
                                  "xl/styles.xml", "[Content_Types].xml"])
def test_a_damaged_part_is_named(tmp_path: Path, part: str) -> None:
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 1]]))
    _rewrite(path, part, lambda xml: xml[: len(xml) // 2])
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path)
    message = str(caught.value)
    assert f"the workbook is damaged: its part {part} is not well-formed XML (line 1" in message
    assert "open the file in Excel, which may repair it, and save it again" in message


def _strings_book(path: Path, strings: list[str]) -> Path:
    """A workbook whose cells refer to a shared-strings table holding `strings`."""
    path = _book(path, ("Data", [HEAD, ["D1", 2023, "x"]]))
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    items = "".join(f"<si><t>{s}</t></si>" for s in strings).encode()
    table = b'<sst xmlns="' + main + b'">' + items + b"</sst>"
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/sharedStrings.xml"] = table
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<c r="C2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="C2" t="s"><v>0</v></c>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_shared_strings_are_read(tmp_path: Path) -> None:
    _strings_book(tmp_path / "data.xlsx", ["12.5", "other"])
    assert _evaluate(tmp_path)["D1"] == 12.5


@pytest.mark.parametrize(("strings", "limit", "says"), [
    (["1"] * 101, 100_000, "the workbook holds over 100 shared strings, over the limit of "
                           "100 strings (it grows with the file limit, 100,000 bytes)"),
    (["1234567" * 10] * 80, 100_000, "the workbook's shared strings hold over 5,000 characters"),
    (["1" * 32_768], None, "its shared string 1 is longer than the 32,767 characters"),
])
def test_the_shared_strings_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        strings: list[str], limit: int | None,
                                        says: str) -> None:
    _strings_book(tmp_path / "data.xlsx", strings)
    if limit is not None:
        monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", str(limit))
    with pytest.raises(qnkpi.DataError) as caught:
        _evaluate(tmp_path)
    assert says in str(caught.value)
    assert ("raise the limit with the environment variable QNKPI_MAX_FILE_BYTES" in
            str(caught.value)) == (limit is not None)


def test_the_cells_of_the_sheet_are_bounded(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # a cell at column XFD: its row counts as the 16,384 cells it is padded to
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 1]]))
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</row></sheetData>", b'<c r="XFD2"><v>1</v></c></row></sheetData>'))
    assert _evaluate(tmp_path)["D1"] == 1  # under the default bound
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", str(200 * 16_000))
    with pytest.raises(qnkpi.DataError, match="sheet 'Data' holds over 16,000 cells"):
        _evaluate(tmp_path)


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, "x"]]))
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"<t>x</t>", b"<t>" + b"7" * 40_000 + b"</t>"))
    with pytest.raises(qnkpi.DataError, match="sheet 'Data', cell C2 holds more than the "
                                              "32,767 characters a cell holds in Excel"):
        _evaluate(tmp_path)


def test_xml_elements_beside_cells_are_bounded(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 1]]))
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b"</sheetData>" + b"<x/>" * 500))
    monkeypatch.setenv("QNKPI_MAX_FILE_BYTES", str(200 * 100))
    with pytest.raises(qnkpi.DataError, match="sheet 'Data' holds over 100 cells"):
        _evaluate(tmp_path)


def test_a_part_read_whole_is_bounded(tmp_path: Path) -> None:
    path = _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 1]]))
    _rewrite(path, "xl/styles.xml", lambda xml: xml + b"<!--" + b" " * 32_000_000 + b"-->")
    with pytest.raises(qnkpi.DataError, match=r"its part xl/styles.xml unzips to 32,[\d,]+ "
                                              "bytes, over the limit of 32,000,000 bytes"):
        _evaluate(tmp_path)


@pytest.mark.parametrize("text", ["١٢", "５", "1²", "²", "12\u0663", "nan", "inf", "1_000"])
def test_text_other_than_ascii_digits_is_no_number(tmp_path: Path, text: str) -> None:
    _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, text]]))
    with pytest.raises(qnkpi.DataError, match=f"cell C2 \\(column 'num'\\): '{text}' is not a "
                                              "number"):
        _evaluate(tmp_path)


def test_a_year_in_other_digits_is_no_year(tmp_path: Path) -> None:
    _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", "２０２３", 1]]))
    with pytest.raises(qnkpi.DataError, match="cell B2 \\(column 'year'\\): '２０２３' is not a "
                                              "year"):
        _evaluate(tmp_path)


@pytest.mark.parametrize("value", [1e19, -1e19, 1e-13, "1e19", "1e-13", "1e400"])
def test_values_are_in_the_range_of_the_csv_source(tmp_path: Path, value: Any) -> None:
    _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, value]]))
    with pytest.raises(qnkpi.DataError, match="a number for qnkpi, which reads 0 and numbers "
                                              "between 10\\^-12 and 10\\^18 in size"):
        _evaluate(tmp_path)


def test_text_numbers_read_as_in_csv(tmp_path: Path) -> None:
    _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, " 12.5 "], ["D2", 2023, "1e3"],
                                            ["D3", 2023, 0]]))
    assert _evaluate(tmp_path) == {"D1": 12.5, "D2": 1000.0, "D3": 0.0}


@pytest.mark.parametrize(("text", "says"), [
    ("52,3", "'52,3' is text, not a number: use '.' as the decimal point"),
    ("1.200", "'1.200' is text that may mean 1.2 or, with a Vietnamese thousands dot, 1200"),
])
def test_excel_habits_keep_their_message(tmp_path: Path, text: str, says: str) -> None:
    _book(tmp_path / "data.xlsx", ("Data", [HEAD, ["D1", 2023, 1], ["D2", 2023, text]]))
    with pytest.raises(qnkpi.DataError, match="cell C3") as caught:
        _evaluate(tmp_path)
    assert says in str(caught.value)


# --- records of one unit and year in two forms -----------------------------------------


def _forms(folder: Path, *forms: list[list[Any]]) -> Any:
    """Evaluate `num` (`aggregate: sum`) from `folder/forms/*.xlsx`, one per rows given."""
    (folder / "forms").mkdir()
    for i, rows in enumerate(forms):
        _book(folder / "forms" / f"form{i}.xlsx", ("Data", [["unit", "year", "num"], *rows]))
    spec_data = tiny_programme(measures={"num": {"source": "rep", "aggregate": "sum"}})
    spec_data["sources"] = {"rep": {"type": "xlsx", "path": "forms/*.xlsx", "unit": "unit",
                                    "year": "year"}}
    spec = spec_from_dict(spec_data, base_dir=folder, plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


def test_records_split_over_forms_of_different_units_need_no_warning(tmp_path: Path) -> None:
    result = _forms(tmp_path, [["D1", 2023, 1], ["D1", 2023, 2]], [["D2", 2023, 5]])
    assert not result.warnings
    codes = list(result.tree.codes)
    assert result.measures["num"][codes.index("D1"), 0] == 3


def test_a_form_saved_twice_is_added_up_with_a_warning_naming_both(tmp_path: Path) -> None:
    same = [["D1", 2023, 1], ["D1", 2023, 2], ["D2", 2023, 4]]
    result = _forms(tmp_path, same, same)
    codes = list(result.tree.codes)
    assert result.measures["num"][codes.index("D1"), 0] == 6  # added up, as documented
    [warning] = result.warnings
    first, second = tmp_path / "forms" / "form0.xlsx", tmp_path / "forms" / "form1.xlsx"
    assert warning == (
        f"source 'rep': {second}, row 2: unit 'D1' has rows for 2023 in two files: {first} "
        "(row 2) and this one (row 2) (and 1 more units and years); their records are added "
        "up: if one file is a copy of the other (a form saved twice) or holds another unit's "
        "rows, remove them")
