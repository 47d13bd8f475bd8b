"""The frame of the annex as a Vietnamese office attaches it to a report: the title
block (the issuing body on the left, the organisation on the right with the place and
date), `PHỤ LỤC 01`, the title with the programme and the year, the `(Kèm theo Báo cáo
số ...)` line; under the table, the short notes (leading with the top unit's record per
year); and the A4 page setup."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import elapsed_title, format_number, gettext, period_title, status_word
from qnkpi.reporters.xlsx._cells import Styles, font, put
from qnkpi.verdicts import CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

#: What stands for a number, a place or a date left to fill in by hand.
DOTS = "......"
#: The mark of a figure not comparable with the year before, and of an empty plan where
#: only a reference path applies; each explained in a note under the table.
NOT_COMPARABLE = "(*)"
REFERENCE = "(**)"
#: The verdicts that count as met.
MET = (Verdict.MET, Verdict.EXCEEDED)

#: The columns of the title block: the issuing body over the first ones, the
#: organisation, place and date over the last ones (1-based, inclusive).
_LEFT = (1, 3)
_RIGHT_FIRST = 6


@dataclass(frozen=True)
class AnnexHeader:
    """What the title block says, from the spec's `programme.report` and the command
    line (which wins).

    Attributes:
        issuer: The issuing body (`Tỉnh Đoàn Quảng Ninh`), written in capitals.
        organisation: The organisation named on the right (`ĐOÀN TNCS HỒ CHÍ MINH`), or
            `None` to leave that corner empty.
        place: The place before the date (`Quảng Ninh`), or `None` (dots).
        number: The report's number (`125-BC/TĐ`); one starting with `-` (`-BC/TĐ`) is
            its form only, written after dots; `None`: dots.
        date: The report's date, or `None` (dots).
    """

    issuer: str
    organisation: str | None = None
    place: str | None = None
    number: str | None = None
    date: dt.date | None = None

    @classmethod
    def of(cls, result: Result, lang: str, number: str | None = None,
           date: dt.date | None = None) -> AnnexHeader:
        """The header of `result`'s annex: the spec's `programme.report`, with `number`
        and `date` (the command line's) in place of the spec's where given."""
        prog = result.spec.programme
        report = prog.report
        issuer = report.issuer.get(lang) if report and report.issuer else None
        organisation = getattr(report, "organisation", None)  # a Text, once declared
        return cls(
            issuer=issuer or prog.owner or "",
            organisation=organisation.get(lang) if organisation is not None else None,
            place=report.place if report else None,
            number=number if number is not None else report.number if report else None,
            date=date if date is not None else report.date if report else None)

    def number_text(self) -> str:
        """The number as written: dots where it is missing or only its form."""
        if not self.number:
            return DOTS
        return DOTS + self.number if self.number.startswith("-") else self.number

    def date_text(self, lang: str) -> str:
        """The date as a document writes it: `ngày 05 tháng 02 năm 2026` (a day below 10
        and the months 1 and 2 with a leading zero), `February 5, 2026`; dots where it
        is missing."""
        if lang == "en":  # Babel's long English date; dots alone when there is none
            from babel.dates import format_date

            return DOTS if self.date is None else format_date(self.date, "long", "en_US")
        # The Vietnamese administrative form, which no locale's date format writes
        message = gettext("day {day} month {month} year {year}", lang)
        if self.date is None:
            return message.format(day=DOTS, month=DOTS, year=DOTS)
        d = self.date
        return message.format(day=f"{d.day:02d}",
                              month=f"{d.month:02d}" if d.month <= 2 else d.month,
                              year=d.year)


def title_block(ws: Any, result: Result, header: AnnexHeader, year: int, width: int,
                lang: str, st: Styles) -> int:
    """Write the title block, `PHỤ LỤC 01`, the title and the `Kèm theo` line from row
    1; returns the first free row."""
    from openpyxl.styles import Alignment

    left = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _span(ws, 1, _LEFT, header.issuer.upper(), font(bold=True), left)
    _span(ws, 2, _LEFT, "***", font(), left)
    if header.organisation:
        _span(ws, 1, (_RIGHT_FIRST, width), header.organisation.upper(),
              font(bold=True, underline="single"), left)
    place_date = gettext("{place}, {date}", lang).format(
        place=header.place or DOTS, date=header.date_text(lang))
    _span(ws, 2, (_RIGHT_FIRST, width), place_date, font(italic=True),
          Alignment(horizontal="center", vertical="center"))
    prog = result.spec.programme
    attached = gettext("(Attached to report No. {number} of {date})", lang).format(
        number=header.number_text(), date=header.date_text(lang))
    if result.period is not None:  # a six-month (quarter ...) review: the period named
        heading = gettext("RESULTS OF THE TARGETS: {period}", lang).format(
            period=period_title(result.period, lang).upper())
    else:
        heading = gettext("RESULTS OF THE TARGETS IN {year}", lang).format(year=year)
    lines: list[tuple[str, Any]] = [
        (gettext("ANNEX {number}", lang).format(number="01"), font(bold=True, size=14)),
        (heading, font(bold=True)),
        (gettext("Programme “{title}”", lang).format(title=prog.title.get(lang)),
         font(bold=True)),
        (attached, font(italic=True)),
    ]
    if result.restated_to is not None:
        lines.append((gettext("years before {year} restated on its tree", lang).format(
            year=result.restated_to), font(italic=True)))
    row = 4
    for text, style in lines:
        merged_line(ws, row, width, text, style, st.centre)
        row += 1
    return row + 1


def _span(ws: Any, row: int, cols: tuple[int, int], text: str, style: Any,
          align: Any) -> None:
    cell = put(ws, row, cols[0], text)
    cell.font, cell.alignment = style, align
    ws.merge_cells(start_row=row, start_column=cols[0], end_row=row, end_column=cols[1])


def merged_line(ws: Any, row: int, width: int, text: str, style: Any, align: Any) -> None:
    """A line of text across the annex's `width` columns, tall enough for its wrapped
    text."""
    from openpyxl.utils import get_column_letter

    cell = put(ws, row, 1, text)
    if style is not None:
        cell.font = style
    cell.alignment = align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    fit_height(ws, row, text, sum(ws.column_dimensions[get_column_letter(j)].width or 10
                                  for j in range(1, width + 1)))


def fit_height(ws: Any, row: int, text: str, chars: float) -> None:
    """Make `row` tall enough for `text` wrapped at about `chars` characters a line
    (neither Excel nor LibreOffice grows a merged row on opening)."""
    lines = max(1, math.ceil(len(text) / max(chars * 0.9, 1)))
    if lines > 1:
        ws.row_dimensions[row].height = 16 * lines + 3


def notes_block(ws: Any, row: int, width: int, lines: list[str], references: list[str],
                lang: str, st: Styles) -> None:
    """Under the table: `Ghi chú:` and its lines, then `Căn cứ:` and the references."""
    from openpyxl.styles import Alignment

    left = Alignment(horizontal="left")
    merged_line(ws, row, width, gettext("Notes:", lang), st.bold, left)
    for text in lines:
        row += 1
        merged_line(ws, row, width, f"- {text}", None, st.wrap)
    if references:
        row += 1
        merged_line(ws, row, width, gettext("References:", lang), st.bold, left)
        for ref in references:
            row += 1
            merged_line(ws, row, width, f"- {ref}", None, st.wrap)


def page_setup(ws: Any, header_row: int, columns: int) -> None:
    """A4, landscape (the annex has a dozen columns), every column on the page's width,
    the header and numbering rows repeated on every page, the page number in the
    footer."""
    from openpyxl.utils import get_column_letter

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.oddFooter.center.text = "&P/&N"
    ws.print_area = f"A1:{get_column_letter(columns)}{ws.max_row}"


def _top_record(result: Result, top: int, lang: str) -> str:
    """`Năm 2024: 5/8 chỉ tiêu đạt và vượt; Năm 2025: 3/9 ...`: per year up to the
    as-of year, how many of the top unit's checked targets were met or exceeded."""
    headline = getattr(result, "headline", None)  # the engine's, once it gives it
    if callable(headline):
        counts = [(int(y.year), int(y.met), int(y.of)) for y in headline()]
    else:
        years = result.years
        checked = np.zeros(len(years), dtype=np.int64)
        met = np.zeros(len(years), dtype=np.int64)
        for res in result.indicators.values():
            checked += res.status[top] != 0
            met += np.isin(res.verdict[top], MET)
        counts = [(int(years[c]), int(met[c]), int(checked[c]))
                  for c in np.flatnonzero(checked).tolist() if years[c] <= result.as_of]
    period = result.period
    if period is None:
        return "; ".join(gettext("{year}: {met} of {of} targets met or exceeded",
                                 lang).format(year=year, met=format_number(met, lang),
                                              of=format_number(of, lang))
                         for year, met, of in counts)
    # part-way through a year: its line names the period and counts what waits for
    # the year's end apart (the line is there when that is all the year has)
    col = int(np.flatnonzero(result.years == period.year)[0])
    due = sum(int(res.status[top, col] == CheckStatus.NOT_DUE)
              for res in result.indicators.values())
    if due and all(year != period.year for year, _, _ in counts):
        counts.append((period.year, 0, 0))
    name = period_title(period, lang)
    name = name[:1].upper() + name[1:]
    parts = []
    for year, n_met, n_of in counts:
        if year != period.year:
            parts.append(gettext("{year}: {met} of {of} targets met or exceeded",
                                 lang).format(year=year, met=format_number(n_met, lang),
                                              of=format_number(n_of, lang)))
        elif not n_of and due:
            parts.append(gettext("{period}: {count} targets judged at the year's end",
                                 lang).format(period=name, count=format_number(due, lang)))
        else:
            text = gettext("{period}: {met}/{of} targets met or exceeded", lang).format(
                period=name, met=format_number(n_met, lang), of=format_number(n_of, lang))
            if due:
                text += gettext(", {count} judged at year end", lang).format(
                    count=format_number(due, lang))
            parts.append(text)
    return "; ".join(parts)


def annex_notes(result: Result, top: int, col: int, lang: str, *, reference: bool,
                broken: bool) -> list[str]:
    """The notes under the annex's table: the record of the top unit (row `top`, in
    column `col`'s name), what the columns and the marks mean (`reference`: a plan
    cell holds `(**)`; `broken`: a figure holds `(*)`), the counts of every check, the
    data warnings."""
    s = result.summary()
    unit = result.tree.unit_names(np.array([top]), np.array([col]), lang)[0]
    lines = []
    record = _top_record(result, top, lang)
    if record:
        lines.append(gettext("Results of {unit}:", lang).format(unit=unit) + " " + record)
    lines.append(gettext("(6) = (5)/(4), empty where there is no value, the plan is 0 "
                         "or a range.", lang))
    if result.period is not None:
        lines += _period_notes(result, lang)
    if reference:
        lines.append(REFERENCE + " " + gettext(
            "No target states a plan for {year}: the verdict is read against the "
            "reference path between the stated targets (in the notes).", lang).format(
            year=result.as_of))
    if broken:
        lines.append(NOT_COMPARABLE + " " + gettext(
            "Not comparable with {year}: the units it is counted over changed between the "
            "two years (a reorganisation).", lang).format(year=result.as_of - 1))
    lines.append(gettext("Exceeded: a target of at least (≥) or at most (≤) met with "
                         "room to spare.", lang))
    lines.append(gettext("Progress toward the goal: against the straight line from the "
                         "base year to the goal year.", lang))

    def n(count: int) -> str:
        return format_number(count, lang)

    keys = [CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA]
    if result.period is not None:
        keys.append(CheckStatus.NOT_DUE)
    counts = " · ".join(f"{status_word(key.key, lang)} {n(s[key.key])}" for key in keys)
    lines.append(gettext("Checks of every unit and year:", lang) + " " + counts + " "
                 + gettext("of {count} checks", lang).format(count=n(s["checks"])))
    return [*lines, *result.warnings]


def _period_notes(result: Result, lang: str) -> list[str]:
    """What the columns of an annex part-way through a year hold: the figures so far,
    the threshold judged against, the year before as a whole year (no same-period
    figure is kept), and what waits for the year's end."""
    period = result.period
    assert period is not None
    name = period_title(period, lang)
    elapsed = elapsed_title(period, lang)
    return [
        gettext("(4): the plan of the whole year; (5): the figures of {period}: counts "
                "added up from the start of the year, stocks and rates as they stand.",
                lang).format(period=name),
        gettext("(7): the threshold the verdict (9) is read against at this point: the "
                "year's plan as it stands, the year's plan prorated to the months gone, or "
                "a milestone of the target; empty where the target is judged at the "
                "year's end.", lang),
        gettext("(8): the whole year {year}, not the same {elapsed} of {year}: no figure "
                "of that period is kept.", lang).format(year=period.year - 1,
                                                         elapsed=elapsed),
        gettext("Due at year end: a target judged on the whole year; its figure so far "
                "is shown, not judged.", lang),
    ]
