"""Writing a planned data-collection form (`qnkpi template`) to a file: the `.xlsx` form
(a data sheet with titles, column names, checks on what each cell takes and protected
codes and names, and a sheet of instructions) or the `.csv` form (column names only)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qnkpi.cli.template import Form, Kind
    from qnkpi.spec.spec import Spec

FIRST_ROW = 3  # data start below the titles (row 1) and the column names (row 2)

#: What each kind of cell takes, as the form says it (translated by the catalogue).
WHAT_TO_ENTER: dict[Kind, str] = {
    "whole": "a whole number, 0 or more",
    "flag": "1 (yes) or 0 (no)",
    "decimal": "a number, 0 or more",
}

INSTRUCTIONS = (
    "Fill in the sheet “{sheet}”: one row per unit, one column per figure.",
    "Type each figure as a number. Leave a cell empty when the figure is not known: an "
    "empty cell is missing data, never zero.",
    "Counts are whole numbers, 0 or more. Yes/no questions take 1 (yes) or 0 (no).",
    "Type numbers without thousands separators, and decimals as Excel takes them on your "
    "computer; never type a number as text (such as 52,3 in a cell formatted as Text).",
    "Do not change the unit codes, the names, the year or row 2 (the column names the "
    "software reads). They are protected, without a password, against changes by mistake.",
    "Do not add, delete or move columns. You may delete the rows of units you do not "
    "report for.",
    "Save the file as an Excel workbook (.xlsx) and send it back.",
)


def write_csv(form: Form, target: Any) -> None:
    """The CSV form: the column names, then one row per unit with its code and year;
    UTF-8 with a byte-order mark, so Excel reads it as UTF-8."""
    import csv

    from qnkpi.cli._output import _atomic

    def write(stream: IO[Any]) -> None:
        stream.write("\ufeff")
        writer = csv.writer(stream)
        writer.writerow([form.unit_column, form.year_column, *(c.name for c in form.columns)])
        blanks = [""] * len(form.columns)
        for code in form.codes:
            writer.writerow([code, form.time_cell, *blanks])

    _atomic(target, False, write)


def write_xlsx(form: Form, spec: Spec, target: Any, lang: str) -> None:
    """The Excel form: a data sheet (titles, column names, one row per unit; validation,
    protected codes and names, frozen panes) and an instructions sheet."""
    from openpyxl import Workbook

    from qnkpi.cli._output import _atomic
    from qnkpi.i18n import gettext

    book = Workbook()
    data = book.active
    data.title = gettext("Data", lang)
    _fill_data(data, form, lang)
    _fill_instructions(book.create_sheet(gettext("Instructions", lang)), form, spec, lang,
                       data.title)
    book.properties.creator = "qnkpi"
    book.properties.title = spec.programme.title.get(lang) if spec.programme.title else ""
    _atomic(target, True, book.save)


def _fill_data(ws: Any, form: Form, lang: str) -> None:
    """Rows 1-2: titles and column names; then the units, measure cells left open."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    from qnkpi.i18n import gettext

    titles = [gettext("Unit code", lang), gettext("Unit name", lang), gettext("Year", lang)]
    titles += [f"{c.title} ({c.unit})" if c.unit else c.title for c in form.columns]
    # the name column is for people, and the source does not read it: no column name
    names = [form.unit_column, "", form.year_column, *(c.name for c in form.columns)]
    ws.append(titles)
    ws.append(names)
    for code, name in zip(form.codes, form.names, strict=True):
        ws.append([code, name, form.time_cell])
    last = FIRST_ROW + len(form.codes) - 1
    bold, grey = Font(bold=True), Font(italic=True, color="808080", size=9)
    shade = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, shade
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[2]:
        cell.font = grey
    for row in ws.iter_rows(min_row=FIRST_ROW, max_row=last, max_col=1):
        row[0].number_format = "@"  # text: "06652" keeps its zero
    first_measure = 4
    for i, column in enumerate(form.columns):
        letter = get_column_letter(first_measure + i)
        for row in ws.iter_rows(min_row=FIRST_ROW, max_row=last, min_col=first_measure + i,
                                max_col=first_measure + i):
            row[0].protection = Protection(locked=False)
        ws.add_data_validation(_validation(column.kind, lang, f"{letter}{FIRST_ROW}:"
                                           f"{letter}{last}"))
        ws.column_dimensions[letter].width = 18
    for letter, width in (("A", 12), ("B", 34), ("C", 8)):
        ws.column_dimensions[letter].width = width
    ws.row_dimensions[1].height = 90
    ws.freeze_panes = f"D{FIRST_ROW}"
    ws.protection.sheet = True  # no password: it guards against mistakes, not people
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(kind: Kind, lang: str, cells: str) -> Any:
    """Excel's check of what a measure's cells take."""
    from openpyxl.worksheet.datavalidation import DataValidation

    from qnkpi.i18n import gettext

    what = gettext(WHAT_TO_ENTER[kind], lang)
    message = gettext("Enter {what}, or leave the cell empty.", lang).format(what=what)
    if kind == "flag":
        rule = DataValidation(type="list", formula1='"0,1"', allow_blank=True)
    else:
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True)
    rule.error, rule.errorTitle = message, gettext("Invalid value", lang)
    rule.prompt, rule.showErrorMessage, rule.showInputMessage = message, True, True
    rule.add(cells)
    return rule


def _fill_instructions(ws: Any, form: Form, spec: Spec, lang: str, data_sheet: str) -> None:
    """How to fill in the form, and what each column takes."""
    from openpyxl.styles import Alignment, Font

    from qnkpi.i18n import gettext

    def line(*cells: object, bold: bool = False) -> None:
        ws.append(list(cells))
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if bold:
                cell.font = Font(bold=True)

    title = spec.programme.title.get(lang) if spec.programme.title else spec.programme.id
    line(gettext("Data-collection form", lang), bold=True)
    line(gettext("Programme", lang), title)
    line(gettext("Year", lang), form.year)
    line(gettext("Units", lang), gettext("{count} units report for {year}", lang).format(
        count=len(form.codes), year=form.year))
    line()
    line(gettext("How to fill in this form", lang), bold=True)
    for i, text in enumerate(INSTRUCTIONS, start=1):
        line(i, gettext(text, lang).format(sheet=data_sheet))
    line()
    line(gettext("Column", lang), gettext("Figure", lang), gettext("Unit", lang),
         gettext("What to enter", lang), bold=True)
    for c in form.columns:
        line(c.name, c.title, c.unit or "", gettext(WHAT_TO_ENTER[c.kind], lang))
    line()
    line(gettext("For the administrator: read the filled forms with a source of type "
                 "xlsx, such as:", lang), bold=True)
    for text in ("type: xlsx", "path: forms/*.xlsx", f"unit: {form.unit_column}",
                 *form.source_keys):
        line(text)
    for letter, width in (("A", 28), ("B", 70), ("C", 14), ("D", 30)):
        ws.column_dimensions[letter].width = width
