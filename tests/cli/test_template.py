"""``qnkpi template`` and the ``xlsx`` source: forms out, filled forms back in.

Real files in tmp_path, on a copy of the Quảng Ninh example: 13 district-level units
report in 2023-2024, 54 commune-level units from 2025. The example reads its reports by
half, each row dated (``reported_on``): a form asks for the year's figures as they stand
at its end, so its date column holds 31 December.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

import qnkpi
from qnkpi.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh"
DISTRICTS = ["193", "194", "195", "196", "198", "199", "200", "201", "202", "203", "205",
             "206", "207"]
CSV_SOURCE = """  reports:
    type: csv
    path: data/unit-reports.csv
    unit: unit_code
    period: half
    date: reported_on
"""
XLSX_SOURCE = """  reports:
    type: xlsx
    path: forms/*.xlsx
    unit: unit_code
    period: half
    date: reported_on
"""
BY_YEAR = "    year: year\n"  # in place of the two lines of period and date
BY_DATE = "    period: half\n    date: reported_on\n"


def _reports_columns() -> list[str]:
    """The measure columns of the example's ``reports`` source, in the spec's order."""
    spec = qnkpi.load_spec(EXAMPLE / "programme.yaml")
    return [m.column or name for name, m in spec.measures.items()
            if m.source == "reports" and m.aggregate is None]


def _communes() -> list[str]:
    spec = qnkpi.load_spec(EXAMPLE / "programme.yaml")
    return [u.code for u in spec.org_units.units if u.level == "commune"]


def _csv_rows(year: int) -> dict[str, dict[str, str]]:
    """The example's year-end ``unit-reports.csv`` rows of ``year`` (dated 31 December),
    by unit code."""
    with open(EXAMPLE / "data" / "unit-reports.csv", encoding="utf-8-sig", newline="") as f:
        return {row["unit_code"]: row for row in csv.DictReader(f)
                if row["reported_on"] == f"{year}-12-31"}


def _template(folder: Path, year: int, output: Path, *extra: str) -> int:
    return main(["template", str(folder / "programme.yaml"), "--year", str(year), "-o",
                 str(output), *extra])


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "qn"
    shutil.copytree(EXAMPLE, folder)
    return folder


# --- the template ----------------------------------------------------------------------

def test_xlsx_form_for_2025_has_the_54_communes_as_text(
        example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = example / "form-2025.xlsx"
    assert _template(example, 2025, form, "--lang", "vi") == 0
    assert sorted(p.name for p in example.iterdir() if p.name.startswith(".form")) == []
    book = load_workbook(form)
    assert book.sheetnames == ["Số liệu", "Hướng dẫn"]
    ws = book.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    names = list(rows[1])
    assert names == ["unit_code", None, "reported_on", *_reports_columns()]
    data = rows[2:]
    # the province reports its own flags (rollup: none), so it has a row before the communes
    assert len(data) == 55
    assert [r[0] for r in data] == ["22", *_communes()]
    assert data[1][:3] == ("06652", "Đoàn phường Hà Tu", "2025-12-31")
    assert all(isinstance(r[0], str) and r[2] == "2025-12-31" for r in data)
    assert all(v is None for r in data for v in r[3:])  # values left empty
    assert ws["A3"].number_format == "@"
    # titles in the language asked for, with the measure's title
    assert rows[0][:3] == ("Mã đơn vị", "Tên đơn vị", "Năm")
    assert rows[0][3] == "Số thanh thiếu nhi trên địa bàn"
    # record-level measures are not on a form, and stderr says so
    assert "digital_activities" not in names
    err = capsys.readouterr().err
    assert "measure 'digital_activities'" in err and "left out" in err


def test_xlsx_form_guards_its_cells(example: Path) -> None:
    form = example / "form.xlsx"
    assert _template(example, 2025, form) == 0
    book = load_workbook(form)
    assert book.sheetnames == ["Data", "Instructions"]
    ws = book["Data"]
    assert ws.freeze_panes == "D3"
    assert ws.protection.sheet
    assert ws["A3"].protection.locked and ws["B3"].protection.locked
    assert not ws["D3"].protection.locked and not ws["R57"].protection.locked
    names = [c.value for c in ws[2]]
    rules = {}
    for rule in ws.data_validations.dataValidation:
        letter = str(rule.sqref).split(":")[0].rstrip("0123456789")
        rules[names[ord(letter) - ord("A")]] = (rule.type, rule.formula1, str(rule.sqref))
    assert rules["uses_management_software"][:2] == ("list", '"0,1"')
    assert rules["applies_it_member_evaluation"][:2] == ("list", '"0,1"')
    assert rules["youth_population"] == ("whole", "0", "F3:F57")
    assert len(rules) == len(_reports_columns())
    steps = [r[1] for r in book["Instructions"].iter_rows(values_only=True) if r[1]]
    assert any("empty cell is missing data, never zero" in str(s) for s in steps)


def test_xlsx_form_for_2024_has_the_13_districts(example: Path) -> None:
    form = example / "form-2024.xlsx"
    assert _template(example, 2024, form) == 0
    data = list(load_workbook(form).worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in data] == ["22", *DISTRICTS]
    assert data[11][1] == "Dong Trieu City Youth Union"  # its name in force in 2024, in en


def test_csv_form(example: Path) -> None:
    form = example / "form-2025.csv"
    assert _template(example, 2025, form) == 0
    raw = form.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["unit_code", "reported_on", *_reports_columns()]
    assert len(rows) == 1 + 55
    assert [r[0] for r in rows[1:]] == ["22", *_communes()]
    assert rows[2][:2] == ["06652", "2025-12-31"]
    assert all(v == "" for r in rows[1:] for v in r[2:])


@pytest.mark.parametrize(("keys", "column", "cell", "instructions"), [
    (BY_DATE, "reported_on", "2025-12-31", ["period: half", "date: reported_on"]),
    (BY_YEAR, "year", 2025, ["year: year"]),
    ("    period: quarter\n    period_column: quarter\n", "quarter", "2025-Q4",
     ["period: quarter", "period_column: quarter"]),
    ("    period: month\n    period_column: month\n", "month", "2025-12",
     ["period: month", "period_column: month"]),
])
def test_the_form_asks_for_the_figures_at_the_years_end(
        example: Path, keys: str, column: str, cell: object, instructions: list[str]) -> None:
    """Whatever column places a report in time, the form's rows are the year's end: the
    year, its 31 December, or its last quarter or month; and the instructions give the keys
    a source reading the filled forms needs."""
    spec = _plain_spec(example, CSV_SOURCE.replace(BY_DATE, keys))
    form = example / "form.xlsx"
    assert main(["template", str(spec), "--year", "2025", "-o", str(form)]) == 0
    book = load_workbook(form)
    rows = list(book["Data"].iter_rows(values_only=True))
    assert rows[1][:3] == ("unit_code", None, column)
    assert {r[2] for r in rows[2:]} == {cell}
    lines = [r[0] for r in book["Instructions"].iter_rows(values_only=True)]
    at = lines.index("unit: unit_code")
    assert lines[at + 1:at + 1 + len(instructions)] == instructions
    csv_form = example / "form.csv"
    assert main(["template", str(spec), "--year", "2025", "-o", str(csv_form)]) == 0
    written = list(csv.reader(csv_form.read_text(encoding="utf-8-sig").splitlines()))
    assert written[0][:2] == ["unit_code", column]
    assert {r[1] for r in written[1:]} == {str(cell)}


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2040"], "--year 2040 is outside the programme's years 2023-2030"),
    (["--year", "2025", "--source", "report"], "--source report: no such source; did you "
                                               "mean 'reports'?"),
    (["--year", "2025", "--source", "activities"], "no measure to collect"),
])
def test_bad_template_arguments(example: Path, capsys: pytest.CaptureFixture[str],
                                args: list[str], message: str) -> None:
    form = example / "form.xlsx"
    rc = main(["template", str(example / "programme.yaml"), "-o", str(form), *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err and "Traceback" not in err
    assert not form.exists()


def test_a_form_is_xlsx_or_csv(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _template(example, 2025, example / "form.txt") == 2
    assert "a form is an .xlsx or a .csv file" in capsys.readouterr().err


# --- the round trip: template out, filled forms in ---------------------------------------

def _fill(form: Path, values: dict[str, dict[str, str]], codes: set[str], out: Path) -> None:
    """The form with only the rows of ``codes``, filled with ``values`` as numbers."""
    book = load_workbook(form)
    ws = book.worksheets[0]
    names = [c.value for c in ws[2]]
    for number in range(ws.max_row, 2, -1):
        if ws.cell(number, 1).value not in codes:
            ws.delete_rows(number)
    for row in ws.iter_rows(min_row=3):
        given = values.get(str(row[0].value), {})
        for cell, name in zip(row, names, strict=False):
            text = given.get(str(name), "") if cell.column > 3 else ""
            if text:
                cell.value = float(text) if "." in text else int(text)
    book.save(out)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with its 2025 reports in four filled forms and a spec reading them."""
    folder = tmp_path_factory.mktemp("filled") / "qn"
    shutil.copytree(EXAMPLE, folder)
    form = folder / "form-2025.xlsx"
    assert _template(folder, 2025, form) == 0
    (folder / "forms").mkdir()
    codes = ["22", *_communes()]  # the province reports its own flags
    values = _csv_rows(2025)
    for i in range(4):
        _fill(form, values, set(codes[i::4]), folder / "forms" / f"part-{i + 1}.xlsx")
    text = (folder / "programme.yaml").read_text(encoding="utf-8")
    assert CSV_SOURCE in text
    (folder / "programme-xlsx.yaml").write_text(text.replace(CSV_SOURCE, XLSX_SOURCE),
                                                encoding="utf-8")
    return folder


def _from_reports(spec: qnkpi.Spec, name: str) -> bool:
    ind: Any = spec.indicators[name]
    if getattr(ind, "of", None):
        return _from_reports(spec, ind.of)
    used = [getattr(ind, key, None) for key in ("measure", "numerator", "denominator")]
    return any(m is not None and spec.measures[m].source == "reports" for m in used)


def test_round_trip_reads_the_same_2025_checks(filled: Path) -> None:
    by_csv = qnkpi.evaluate(qnkpi.load_spec(filled / "programme.yaml"), year=2025)
    by_xlsx = qnkpi.evaluate(qnkpi.load_spec(filled / "programme-xlsx.yaml"), year=2025)
    col = by_csv.years.tolist().index(2025)
    for name in _reports_columns():
        np.testing.assert_array_equal(by_xlsx.measures[name][:, col],
                                      by_csv.measures[name][:, col], err_msg=name)
    indicators = [n for n in by_csv.indicators if _from_reports(by_csv.spec, n)]
    assert len(indicators) == 12
    statuses = set()
    for name in indicators:
        expected = [c.to_dict() for c in by_csv.checks(name) if c.year == 2025]
        got = [c.to_dict() for c in by_xlsx.checks(name) if c.year == 2025]
        assert got == expected, name
        statuses |= {c["status"] for c in got}
    assert {"met", "not_met"} <= statuses  # real verdicts, not only "no data"


def test_an_empty_row_is_missing_never_zero(filled: Path) -> None:
    unreported = sorted(set(_communes()) - set(_csv_rows(2025)))
    assert len(unreported) == 1  # its row is on a form, left empty
    result = qnkpi.evaluate(qnkpi.load_spec(filled / "programme-xlsx.yaml"), year=2025)
    row = result.tree.index[unreported[0]]
    col = result.years.tolist().index(2025)
    assert all(np.isnan(result.measures[name][row, col]) for name in _reports_columns())


# --- filled forms with mistakes: qnkpi's error, exit 2, no traceback --------------------

def _broken(filled: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "qn"
    shutil.copytree(filled, folder)
    return folder


def _edit(path: Path, change: Any) -> None:
    book = load_workbook(path)
    change(book.worksheets[0])
    book.save(path)


def _evaluate_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    rc = main(["evaluate", str(folder / "programme-xlsx.yaml"), "--year", "2025"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    return err


def _column(ws: Any, name: str) -> int:
    return [c.value for c in ws[2]].index(name) + 1


def test_text_in_a_number_cell(filled: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(filled, tmp_path)
    _edit(folder / "forms" / "part-2.xlsx",
          lambda ws: ws.cell(5, _column(ws, "youth_population"), "abc"))
    err = _evaluate_error(folder, capsys)
    assert "source 'reports'" in err and "part-2.xlsx" in err
    assert "sheet 'Data', cell F5 (column 'youth_population'): 'abc' is not a number" in err


def test_a_decimal_comma(filled: Path, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(filled, tmp_path)
    _edit(folder / "forms" / "part-3.xlsx",
          lambda ws: ws.cell(7, _column(ws, "members_total"), "52,3"))
    err = _evaluate_error(folder, capsys)
    assert "part-3.xlsx" in err and "cell J7 (column 'members_total'): '52,3' is text" in err
    assert "use '.' as the decimal point (52.3, not 52,3)" in err


def test_a_missing_column(filled: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(filled, tmp_path)
    _edit(folder / "forms" / "part-1.xlsx",
          lambda ws: ws.delete_cols(_column(ws, "documents_total")))
    err = _evaluate_error(folder, capsys)
    assert "part-1.xlsx" in err
    assert "row 2 (the column names): no column 'documents_total'" in err
    assert "qnkpi template" in err


def test_a_unit_in_two_files(filled: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(filled, tmp_path)
    first = load_workbook(folder / "forms" / "part-1.xlsx").worksheets[0]
    row = [c.value for c in first[3]]
    _edit(folder / "forms" / "part-4.xlsx", lambda ws: ws.append(row))
    err = _evaluate_error(folder, capsys)
    assert f"unit '{row[0]}' has a row for 2025-H2 in two files:" in err
    assert "part-1.xlsx (row 3)" in err and "part-4.xlsx, row" in err


def test_a_unit_code_not_in_the_tree(filled: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(filled, tmp_path)
    _edit(folder / "forms" / "part-2.xlsx", lambda ws: ws.cell(4, 1, "99999"))
    err = _evaluate_error(folder, capsys)
    assert "part-2.xlsx, row 4: unit code '99999' is not in the spec's org units" in err


def test_a_unit_code_that_lost_its_leading_zero(filled: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = _broken(filled, tmp_path)
    _edit(folder / "forms" / "part-1.xlsx", lambda ws: ws.cell(3, 1, 6652))
    err = _evaluate_error(folder, capsys)
    assert ("part-1.xlsx: sheet 'Data', cell A3 (column 'unit_code'): unit code 6652 is a "
            "number, and no unit has that code; did you mean '06652'?") in err
    assert "loses its leading zeros" in err


# --- the xlsx source on a plain workbook ---------------------------------------------------

def _plain_spec(folder: Path, source: str) -> Path:
    text = (folder / "programme.yaml").read_text(encoding="utf-8")
    spec = folder / "programme-plain.yaml"
    spec.write_text(text.replace(CSV_SOURCE, source), encoding="utf-8")
    return spec


def test_a_plain_sheet_with_its_header_in_row_1(example: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    ws = book.create_sheet("2024")
    columns = _reports_columns()
    ws.append(["unit_code", "year", *columns])
    at = {name: i + 2 for i, name in enumerate(columns)}
    for code, year, youth, online in (("193", 2024, 1000, "600"),  # a number typed as text
                                      (194, "2024", None, 20.5)):  # a code typed as a number
        row: list[Any] = [code, year] + [None] * len(columns)
        row[at["youth_population"]], row[at["youth_using_online_services"]] = youth, online
        ws.append(row)
    book.save(example / "data" / "plain.xlsx")
    spec = _plain_spec(example, CSV_SOURCE.replace("type: csv", "type: xlsx").replace(
        "data/unit-reports.csv", "data/plain.xlsx\n    sheet: \"2024\"").replace(
        BY_DATE, BY_YEAR))
    result = qnkpi.evaluate(qnkpi.load_spec(spec), year=2024)
    col = result.years.tolist().index(2024)
    youth = result.measures["youth_population"][:, col]
    online = result.measures["youth_using_online_services"][:, col]
    hl, mc = result.tree.index["193"], result.tree.index["194"]
    assert (youth[hl], online[hl], online[mc]) == (1000.0, 600.0, 20.5)
    assert np.isnan(youth[mc])


def test_a_pattern_matching_no_file(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _plain_spec(example, XLSX_SOURCE)
    rc = main(["evaluate", str(spec), "--year", "2025"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "no file matches" in err and "forms/*.xlsx" in err
