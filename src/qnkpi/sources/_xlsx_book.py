"""Opening a workbook for the `xlsx` source safely, and reading one sheet's rows.

A `.xlsx` file is a zip of XML parts, and a small file can unzip to a huge one. Before
openpyxl reads anything, the workbook is checked part by part, streaming, and refused
(with `DataError`, exit 2) as soon as it goes over a bound:

- every part together: the file limit (`QNKPI_MAX_FILE_BYTES`, 1 GB by default), by the
  sizes the zip declares (reading never goes past them);
- each part openpyxl reads whole (workbook, styles, theme, relationships, properties):
  [`MAX_PART_BYTES`][qnkpi.sources._xlsx_book.MAX_PART_BYTES];
- the shared-strings table, which openpyxl holds in memory: at most one string per
  [`BYTES_PER_STRING`][qnkpi.sources._xlsx_book.BYTES_PER_STRING] bytes of the file limit
  and one character per [`BYTES_PER_CHAR`][qnkpi.sources._xlsx_book.BYTES_PER_CHAR], each
  string at most Excel's 32,767 characters;
- the sheet read: at most one cell per
  [`BYTES_PER_CELL`][qnkpi.sources._xlsx_book.BYTES_PER_CELL] bytes of the file limit,
  counting every cell up to each row's last one and every row skipped (openpyxl pads them),
  at most four XML elements per cell allowed, each cell at most 32,767 characters.

So the bounds grow with `QNKPI_MAX_FILE_BYTES` (1 GB: 1,000,000 strings of 50,000,000
characters in all, 5,000,000 cells). The parts are streamed through expat 64 KB at a
time, keeping only counts, so the checks take little memory and stop at the first bound
passed. A part that is not well-formed XML is "damaged", named with its line and column.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError, ParserCreate

from qnkpi.errors import DataError, did_you_mean
from qnkpi.sources._files import ENV, MAX_FILE_BYTES, check_data_file, max_file_bytes, too_big

__all__ = ["read_sheet"]

Rows = Sequence[Sequence[Any]]
#: The largest part openpyxl reads whole: workbook, styles, theme, relationships.
MAX_PART_BYTES = 32_000_000
#: Bytes of the file limit per shared string allowed (1 GB: 1,000,000 strings).
BYTES_PER_STRING = 1_000
#: Bytes of the file limit per character of shared strings (1 GB: 50,000,000).
BYTES_PER_CHAR = 20
#: Bytes of the file limit per cell of the sheet read (1 GB: 5,000,000 cells).
BYTES_PER_CELL = 200
#: The longest text a cell can hold in Excel.
EXCEL_CELL_CHARS = 32_767

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_SI, _C, _F, _V, _ROW = (_MAIN + name for name in ("si", "c", "f", "v", "row"))
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_READ_WHOLE = re.compile(r"(\[Content_Types\]\.xml|.*\.rels|docProps/.*|xl/workbook\.xml|"
                         r"xl/styles\.xml|xl/theme/.*)", re.I)
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def read_sheet(path: Path, sheet: str | None, source: str,
               header: Callable[[Rows], int | None], default_row: int,
               needed: Sequence[str], max_header_row: int
               ) -> tuple[str, int, list[tuple[Any, ...]]]:
    """The sheet's name, its row of column names and every row's values (row 1 first).

    `sheet` names the sheet; without it, the active sheet if it is visible and `header`
    finds its column names in its first `max_header_row` rows, else the first visible
    sheet where it does, else the active visible one. `header` gives the row of column
    names (None if the rows have none: then `default_row`). A formula cell of a `needed`
    column with no saved value is an error naming it.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_data_file(path, source)
    book_check = _Book(path, source)
    book_check.check()
    try:
        with warnings.catch_warnings():  # openpyxl warns of styles and extensions it drops
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise book_check.fail("file not found; check 'path' (relative paths start at the "
                              "spec file's folder)") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
            AttributeError, OSError, ParseError, EOFError) as exc:
        raise book_check.broken(exc) from None
    try:
        ws, first = _choose(book, sheet, header, max_header_row, book_check)
        number = header(first) or default_row
        names = ([str(c).strip() if c is not None else "" for c in first[number - 1]]
                 if number <= len(first) else [])
        columns = {i + 1 for i, name in enumerate(names) if name in needed}
        book_check.scan(str(ws._worksheet_path), str(ws.title), after=number,
                        columns=columns)
        ws.reset_dimensions()  # some programs write a wrong size; read every row there is
        try:
            rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
        except (ParseError, ValueError, KeyError, IndexError, TypeError, EOFError,
                zipfile.BadZipFile) as exc:
            raise book_check.broken(exc) from None
        return str(ws.title), number, rows
    finally:
        book.close()


def _choose(book: Any, sheet: str | None, header: Callable[[Rows], int | None], top: int,
            check: _Book) -> tuple[Any, list[tuple[Any, ...]]]:
    """The sheet to read and its first `top` rows (see `read_sheet`)."""
    names = [str(n) for n in book.sheetnames]
    if sheet is not None:
        if sheet not in names:
            raise check.fail(f"no sheet '{sheet}'{did_you_mean(sheet, names)}; the workbook "
                             f"has: {', '.join(names)}")
        ws = book[sheet]
        return ws, check.first_rows(ws, top)
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise check.fail("every sheet of the workbook is hidden; unhide the sheet to read, "
                         "or name it with 'sheet'")
    active = book.active
    order = ([active] if active in visible else []) + [ws for ws in visible if ws is not active]
    firsts = []
    for ws in order:
        rows = check.first_rows(ws, top)
        if header(rows) is not None:
            return ws, rows
        firsts.append(rows)
    return order[0], firsts[0]


class _Book:
    """The checks of one workbook file, by its zip's parts."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.limit = max_file_bytes()

    def fail(self, message: str) -> DataError:
        return DataError(message, file=self.path, source=self.source)

    def over(self, what: str, bound: int, unit: str) -> DataError:
        """A bound that grows with the file limit is exceeded."""
        return self.fail(
            f"{what}, over the limit of {bound:,} {unit} (it grows with the file limit, "
            f"{self.limit:,} bytes); if the workbook is right, raise the limit with the "
            f"environment variable {ENV} (for example "
            f"{ENV}={max(self.limit * 10, MAX_FILE_BYTES)})")

    def check(self) -> None:
        """The declared sizes, the parts read whole and the shared strings are in bounds."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                infos = archive.infolist()
                expanded = sum(info.file_size for info in infos)
                if expanded > self.limit:
                    raise self.fail(too_big(f"the workbook unzips to {expanded:,} bytes",
                                            self.limit))
                for info in infos:
                    if _READ_WHOLE.fullmatch(info.filename) and info.file_size > MAX_PART_BYTES:
                        raise self.fail(f"its part {info.filename} unzips to "
                                        f"{info.file_size:,} bytes, over the limit of "
                                        f"{MAX_PART_BYTES:,} bytes for that part; open the "
                                        "file in Excel and save it again")
                for part in self._string_parts(archive):
                    self._strings(archive, part)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
                ValueError, OSError):
            return  # not a zip, or not one Python reads: load_workbook says what is wrong

    def _string_parts(self, archive: zipfile.ZipFile) -> list[str]:
        """The shared-strings parts, as the content types name them (or the usual one)."""
        parts = {"xl/sharedStrings.xml"}

        def start(name: str, attrs: dict[str, str]) -> None:
            if attrs.get("ContentType") == _STRINGS_TYPE and attrs.get("PartName"):
                parts.add(attrs["PartName"].lstrip("/"))

        self.parse(archive, "[Content_Types].xml", start)
        return [p for p in sorted(parts) if p in archive.NameToInfo]

    def _strings(self, archive: zipfile.ZipFile, part: str) -> None:
        """Count the shared strings and their characters, stopping at a bound."""
        most, chars_most = self.limit // BYTES_PER_STRING, self.limit // BYTES_PER_CHAR
        count = [0, 0, 0]  # strings, characters, characters of this string

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == _SI:
                count[0] += 1
                count[2] = 0
                if count[0] > most:
                    raise self.over(f"the workbook holds over {most:,} shared strings", most,
                                    "strings")

        def text(data: str) -> None:
            count[1] += len(data)
            count[2] += len(data)
            if count[2] > EXCEL_CELL_CHARS:
                raise self.fail(f"its shared string {count[0]:,} is longer than the "
                                f"{EXCEL_CELL_CHARS:,} characters a cell holds in Excel; "
                                "the file was not written by Excel: open it in Excel and "
                                "save it again")
            if count[1] > chars_most:
                raise self.over("the workbook's shared strings hold over "
                                f"{chars_most:,} characters", chars_most, "characters")

        self.parse(archive, part, start, text=text)

    def parse(self, archive: zipfile.ZipFile, part: str,
              start: Callable[[str, dict[str, str]], None],
              end: Callable[[str], None] | None = None,
              text: Callable[[str], None] | None = None) -> None:
        """Stream `part` through expat, calling `start`, `end` and `text` (element names
        are "NAMESPACE NAME"); a missing part is left to openpyxl.

        Raises:
            DataError: The part is damaged, or a handler raised it.
        """
        if part not in archive.NameToInfo:
            return
        parser = ParserCreate(namespace_separator=" ")
        parser.buffer_text = True  # text comes in pieces of at most 8 KB
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        with archive.open(part) as stream:
            try:
                while chunk := stream.read(1 << 16):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except ExpatError as exc:
                raise self.fail(f"the workbook is damaged: its part {part} is not well-formed "
                                f"XML (line {exc.lineno}, column {exc.offset + 1}); open the "
                                "file in Excel, which may repair it, and save it again"
                                ) from None

    def broken(self, exc: BaseException) -> DataError:
        """The error for a workbook openpyxl cannot read: a damaged part if one is."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                for info in archive.infolist():
                    if info.filename.lower().endswith((".xml", ".rels")):
                        self.parse(archive, info.filename, lambda name, attrs: None)
        except DataError as damaged:
            return damaged
        except (zipfile.BadZipFile, NotImplementedError, EOFError, ValueError, OSError):
            pass
        return self.fail(f"not an Excel workbook (.xlsx) ({exc}); open it in Excel and save "
                         "it as 'Excel Workbook (*.xlsx)'")

    def first_rows(self, ws: Any, top: int) -> list[tuple[Any, ...]]:
        """The first `top` rows of sheet `ws`, after checking that many rows' cells."""
        self.scan(str(ws._worksheet_path), str(ws.title), rows=top)
        ws.reset_dimensions()
        try:
            return [tuple(row) for row in ws.iter_rows(max_row=top, values_only=True)]
        except (ParseError, ValueError, KeyError, IndexError, TypeError, EOFError,
                zipfile.BadZipFile) as exc:
            raise self.broken(exc) from None

    def scan(self, part: str, title: str, *, rows: int | None = None, after: int = 0,
             columns: set[int] | frozenset[int] = frozenset()) -> None:
        """Check sheet `part` (to row `rows`, if given): its cells, counted as read (each
        row up to its last cell, and each row skipped over), are within the bound, each
        holds at most Excel's 32,767 characters, and no formula cell in `columns` below row
        `after` lacks a saved value."""
        scan = _Scan(self, title, self.limit // BYTES_PER_CELL, rows, after, columns)
        try:
            with zipfile.ZipFile(self.path) as archive:
                self.parse(archive, part, scan.start, scan.end, scan.text)
        except _Enough:
            pass


class _Enough(Exception):
    """The rows asked for are scanned."""


class _Scan:
    """The handlers of `_Book.scan`, and what they count."""

    def __init__(self, book: _Book, title: str, most: int, rows: int | None, after: int,
                 columns: set[int] | frozenset[int]) -> None:
        self.book, self.title, self.most = book, title, most
        self.rows, self.after, self.columns = rows, after, columns
        self.cells = self.elements = self.row = self.col = self.chars = 0
        self.ref = self.kind = ""
        self.formula = self.value = self.in_value = self.in_cell = self.in_formula = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if name == _C:
            self.chars = 0
            self.ref, self.kind = attrs.get("r", ""), attrs.get("t", "n")
            found = _REF.fullmatch(self.ref)
            self.col = _column(found.group(1)) if found else self.col + 1
            self.formula = self.value = False
            self.in_cell = True
        elif name == _F:
            self.formula = self.in_formula = True
        elif name == _V:
            self.in_value = True
        elif name == _ROW:
            number = attrs.get("r", "")
            now = int(number) if number.isascii() and number.isdigit() else self.row + 1
            self.cells += max(now - self.row - 1, 0)  # rows skipped are read as empty
            self.row, self.col = now, 0
        if self.cells + self.col > self.most or self.elements > 4 * self.most:
            raise self.book.over(f"sheet '{self.title}' holds over {self.most:,} cells "
                                 "(counting every cell up to each row's last one)", self.most,
                                 "cells")

    def text(self, data: str) -> None:
        if not self.in_cell or self.in_formula:
            return
        self.chars += len(data)
        if self.chars > EXCEL_CELL_CHARS:
            where = self.ref or f"in row {self.row}, column {self.col}"
            raise self.book.fail(f"sheet '{self.title}', cell {where} holds more than the "
                                 f"{EXCEL_CELL_CHARS:,} characters a cell holds in Excel; "
                                 "the file was not written by Excel: open it in Excel and "
                                 "save it again")
        if self.in_value and data.strip():
            self.value = True

    def end(self, name: str) -> None:
        if name == _V:
            self.in_value = False
        elif name == _F:
            self.in_formula = False
        elif name == _C:
            self.in_cell = False
            if (self.formula and not self.value and self.kind != "str"
                    and self.col in self.columns and self.row > self.after):
                where = self.ref or f"in row {self.row}, column {self.col}"
                raise self.book.fail(
                    f"sheet '{self.title}', cell {where} holds a formula with no saved value "
                    "(the program that wrote the file did not calculate it); open the file "
                    "in Excel or LibreOffice and save it")
        elif name == _ROW:
            self.cells += max(self.col, 1)
            if self.rows is not None and self.row >= self.rows:
                raise _Enough


def _column(letters: str) -> int:
    """A column's number (A is 1) from its letters."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number
