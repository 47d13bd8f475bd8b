"""The `xlsx` source's memory, measured on a real `qnkpi validate` process: a small workbook
that unzips to a huge shared-strings table is refused at once, in little memory; a large
legitimate form is read within a small multiple of its size unzipped."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hardening_helpers import environment, run_measured, write_spec

from qnkpi.testing import tiny_programme

#: The peak memory of reading a legitimate form, above that of reading a tiny one, is at
#: most this many times the form's size unzipped (measured: about 5).
FORM_MULTIPLE = 8
#: The peak memory, in bytes, of refusing the bomb (Python, numpy and openpyxl take about
#: 100 MB; the bomb, unread, 1,000 times more).
BOMB_PEAK = 250_000_000
#: The address space a run may take at all, so that a failing test fails rather than
#: exhausting the machine.
ADDRESS_SPACE = 3_000_000_000

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook(path: Path, sheet_rows: str, strings: tuple[bytes, int] | None = None) -> None:
    """A minimal workbook, written part by part: one sheet of `sheet_rows` (`<row>`
    elements), and a shared-strings table of `strings` (an item repeated so many times),
    streamed into the zip."""
    types = (f'<Types xmlns="{TYPES}"><Default Extension="rels" ContentType="application/'
             'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
             f'ContentType="{SHEETML}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
             f'sheet1.xml" ContentType="{SHEETML}.worksheet+xml"/><Override PartName="/xl/'
             f'sharedStrings.xml" ContentType="{SHEETML}.sharedStrings+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                         f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
                         '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
                         "</workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">'
                         f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" '
                         'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                         f'Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData>'
                         f"{sheet_rows}</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(f'<sst xmlns="{MAIN}">'.encode())
            if strings is not None:
                item, times = strings
                per_block = max(1, 1_000_000 // len(item))
                for _ in range(times // per_block):
                    table.write(item * per_block)
            table.write(b"</sst>")


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _measure(folder: Path, spec: Path, timeout: float) -> tuple[int, str, int, float]:
    """Run `qnkpi validate SPEC`: its exit code, standard error, peak RSS in bytes and
    seconds; killed after `timeout` seconds."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    err = folder / "stderr.txt"
    start = time.monotonic()
    with err.open("w") as stderr:
        code, peak = run_measured([sys.executable, "-m", "qnkpi", "validate", str(spec)],
                                  folder / "measured.txt", timeout=timeout,
                                  stdout=subprocess.DEVNULL, stderr=stderr, cwd=folder,
                                  env=environment(), preexec_fn=limit)
    return code, err.read_text(encoding="utf-8"), peak, time.monotonic() - start


def _spec(folder: Path, measures: int, districts: int = 3) -> Path:
    """A spec reading `measures` columns of `folder/form.xlsx`, for `districts` districts."""
    spec: dict[str, Any] = tiny_programme(
        measures={f"m{i}": {"source": "form"} for i in range(measures)}, districts=districts)
    spec["sources"] = {"form": {"type": "xlsx", "path": "form.xlsx", "unit": "unit",
                                "year": "year"}}
    return write_spec(folder, spec)


def test_a_shared_strings_bomb_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    # 56,000,000 strings, 900 MB unzipped (under the 1 GB file limit) in a 2.3 MB file
    rows = ('<row r="1">' + _text_cell("A1", "unit") + _text_cell("B1", "year")
            + _text_cell("C1", "m0") + '</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    _workbook(tmp_path / "form.xlsx", rows, (b"<si><t>1</t></si>", 56_000_000))
    assert (tmp_path / "form.xlsx").stat().st_size < 3_000_000
    code, err, peak, seconds = _measure(tmp_path, _spec(tmp_path, 1), timeout=60)
    print(f"bomb: exit {code}, peak {peak:,} bytes, {seconds:.1f} s")
    assert code == 2, err
    assert "form.xlsx: the workbook holds over 1,000,000 shared strings" in err
    assert "QNKPI_MAX_FILE_BYTES" in err and "Traceback" not in err
    assert peak < BOMB_PEAK, f"{peak:,} bytes"
    assert seconds < 15


@pytest.mark.parametrize("item", [b"<si><t>" + b"9" * 30_000 + b"</t></si>",
                                  b"<si><r><t>1</t></r><r><t>2</t></r></si>"])
def test_other_string_bombs_are_refused(tmp_path: Path, item: bytes) -> None:
    rows = '<row r="1">' + _text_cell("A1", "unit") + "</row>"
    _workbook(tmp_path / "form.xlsx", rows, (item, 2_000_000 if len(item) < 100 else 30_000))
    code, err, peak, seconds = _measure(tmp_path, _spec(tmp_path, 1), timeout=60)
    print(f"bomb: exit {code}, peak {peak:,} bytes, {seconds:.1f} s")
    assert code == 2, err
    assert "form.xlsx: the workbook" in err and "QNKPI_MAX_FILE_BYTES" in err
    assert peak < BOMB_PEAK, f"{peak:,} bytes"


def _form(path: Path, units: int, measures: int) -> int:
    """A filled form of `units` districts x 8 years x `measures` number columns; its size
    unzipped."""
    header = ['<row r="1">', _text_cell("A1", "unit"), _text_cell("B1", "year")]
    header += [f'<c t="inlineStr"><is><t>m{i}</t></is></c>' for i in range(measures)]
    rows = ["".join(header) + "</row>"]
    number = 1
    for unit in range(1, units + 1):
        for year in range(2023, 2031):
            number += 1
            cells = "".join(f"<c><v>{(unit * 7 + year + i) % 1000}.5</v></c>"
                            for i in range(measures))
            rows.append(f'<row r="{number}"><c t="inlineStr"><is><t>D{unit}</t></is></c>'
                        f"<c><v>{year}</v></c>{cells}</row>")
    _workbook(path, "".join(rows))
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def test_a_large_form_takes_a_small_multiple_of_its_size(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    _form(small / "form.xlsx", 3, 20)
    code, err, base, _ = _measure(small, _spec(small, 20, 3), timeout=120)
    assert code == 0, err
    size = _form(large / "form.xlsx", 3_000, 20)  # 24,000 rows, 528,000 cells
    code, err, peak, seconds = _measure(large, _spec(large, 20, 3_000), timeout=300)
    assert code == 0, err
    print(f"unzipped {size:,} bytes; peak {peak:,} (tiny form {base:,}); {seconds:.1f} s")
    assert peak - base < FORM_MULTIPLE * size, (peak, base, size)
