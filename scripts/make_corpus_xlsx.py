"""Build the xlsx-* corpus cases of tests/corpus (the workbooks are committed; run again to
remake them: python scripts/make_corpus_xlsx.py)."""

import zipfile
from pathlib import Path

from openpyxl import Workbook

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
BASE_SPEC = (CORPUS / "_base" / "programme.yaml").read_text(encoding="utf-8")
CSV = "  reports: {type: csv, path: data/reports.csv, unit: unit, year: year}\n"
XLSX = "  reports: {type: xlsx, path: data/reports.xlsx, unit: unit, year: year}\n"
assert CSV in BASE_SPEC
ROWS = [["unit", "year", "youth", "reached"], ["193", 2023, 100839, 52300],
        ["195", 2023, 245120, 130000], ["193", 2024, 100839, 56000],
        ["195", 2024, 245120, 140000]]


def case(name, expect, sheets, active=0, hidden=(), change=None):
    folder = CORPUS / name
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "programme.yaml").write_text(BASE_SPEC.replace(CSV, XLSX), encoding="utf-8")
    (folder / "expect.yaml").write_text(expect, encoding="utf-8")
    book = Workbook()
    book.remove(book.active)
    for i, (title, rows) in enumerate(sheets):
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        if i in hidden:
            ws.sheet_state = "hidden"
    book.active = active
    path = folder / "data" / "reports.xlsx"
    book.save(path)
    if change:
        with zipfile.ZipFile(path) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()}
        change(parts)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, data in parts.items():
                archive.writestr(part, data)


def rows_with(cell_row, col, value):
    rows = [list(r) for r in ROWS]
    rows[cell_row][col] = value
    return rows


case("xlsx-formula-not-calculated", """\
about: A formula cell with no saved value (a workbook written by a program, never calculated).
run: validate programme.yaml
exit: 2
where: "source 'reports': data/reports.xlsx: sheet 'Data', cell D5"
problem: "holds a formula with no saved value"
fix: "open the file in Excel or LibreOffice and save it"
""", [("Data", rows_with(4, 3, "=C5*0.5"))])

case("xlsx-hidden-sheet", """\
about: A hidden first sheet with last year's wrong figures; the active, visible sheet is read.
run: validate programme.yaml
exit: 0
same_as_base: true
""", [("Old", rows_with(2, 3, "n/a")), ("Data", ROWS)], active=1, hidden=(0,))


def damage(parts):
    xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = xml[: xml.index(b"</sheetData>") - 20]


case("xlsx-damaged", """\
about: A workbook whose sheet is cut short (damaged XML).
run: validate programme.yaml
exit: 2
where: "source 'reports': data/reports.xlsx:"
problem: "the workbook is damaged: its part xl/worksheets/sheet1.xml is not well-formed XML"
fix: "open the file in Excel, which may repair it, and save it again"
""", [("Data", ROWS)], change=damage)


def strings(parts):
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    items = b"".join(b"<si><t>note %d</t></si>" % i for i in range(60))
    parts["xl/sharedStrings.xml"] = b'<sst xmlns="' + main + b'">' + items + b"</sst>"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


case("xlsx-shared-strings", """\
about: A workbook with more shared strings than its size allows (the bound set low here).
run: validate programme.yaml
exit: 2
env: {QNKPI_MAX_FILE_BYTES: "50000"}
where: "source 'reports': data/reports.xlsx:"
problem: "the workbook holds over 50 shared strings, over the limit of 50 strings"
fix: "raise the limit with the environment variable QNKPI_MAX_FILE_BYTES"
""", [("Data", ROWS)], change=strings)

case("xlsx-non-ascii-digits", """\
about: A number typed in full-width digits, as a Japanese or Chinese keyboard writes them.
run: validate programme.yaml
exit: 2
where: "source 'reports': data/reports.xlsx: sheet 'Data', cell D2"
problem: "'５２３００' is not a number"
fix: "write numbers with '.' for decimals and no thousands separator"
""", [("Data", rows_with(1, 3, "５２３００"))])

case("xlsx-value-too-large", """\
about: A value far larger than any count (a typing slip), refused as the csv source refuses it.
run: validate programme.yaml
exit: 2
where: "source 'reports': data/reports.xlsx: sheet 'Data', cell C3"
problem: "'1e+19' is too large a number for qnkpi"
fix: "check the cell"
""", [("Data", rows_with(2, 2, 1e19))])
