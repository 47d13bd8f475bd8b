"""`xlsx`: an Excel workbook for officials who read and file their reports in Excel.

Sheets, in order:

1. **Annex** (`Phụ lục`): the report annex Vietnamese offices attach to a report: the
   title block (the issuing body left, the organisation right, place and date),
   `PHỤ LỤC 01`, the title with the year and the programme, `(Kèm theo Báo cáo số ...
   ngày ...)`; then one row per indicator for the as-of year Y at the top unit, grouped
   by objective: STT, Chỉ tiêu, ĐVT, Kế hoạch năm Y, Thực hiện năm Y, Tỷ lệ % TH/KH,
   Cùng kỳ năm Y-1, Đánh giá, Mục tiêu đến năm 2030, the progress toward it, the units
   that reported and notes; short notes and the references under it. A4, Times New
   Roman (as every sheet).
2. **One sheet per level** with checks (`Cấp tỉnh`, `Cấp huyện`, `Cấp xã`, as the spec
   or qnkpi names the level): a row per
   (indicator, unit), a column per checked year holding the value, coloured by status
   (green met, red not met, grey no data), then the plan and the verdict of the sheet's
   latest checked year.
3. **Checks** (`Kết quả`) and **Progress** (`Tiến độ`): every check and every
   assessment as Excel tables (named after their sheet without accents: `KetQua`,
   `TienDo`), ready to filter, sort and pivot.

Part-way through a year (`--as-of 2025-06`), the annex is a six-month (quarter ...) review:
its title names the period (`KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU 6 THÁNG ĐẦU NĂM 2025`), its
columns are Kế hoạch năm Y (the year's own plan), Thực hiện 6 tháng (the year so far),
Tỷ lệ % so với kế hoạch năm, Mức chỉ tiêu 6 tháng (what the verdict was read against: the
plan as it stands, prorated, or a milestone; empty for a target judged at the year's end),
Thực hiện năm Y-1 (the whole year: no figure of its same period is kept, so it is not
called "Cùng kỳ") and Đánh giá 6 tháng (`Đánh giá cuối năm` for what waits for the year's
end). The level sheets head the as-of year's column with the period, and the Checks sheet
gains the period, how each check was judged and the year's own threshold.

Numbers are stored as numbers with a number format, never as formatted text: Excel shows
them with the reader's separators (`100.839` and `52,3%` in a Vietnamese Excel).
Values of percent indicators are stored as they are computed, 54.8 for 54.8%, with the
format `0.0"%"`; the share of the plan (Actual / Plan) is stored as a ratio (0.548) with
the format `0.0%`. Thresholds carry their comparison in the format (`"≥ "0`), so they
stay numbers. Unit codes are text (`06652` keeps its zero). Text from the spec or the
data is never read as a formula.

openpyxl is imported only when this reporter runs.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Any

from qnkpi.i18n import gettext
from qnkpi.reporters.xlsx._annex import annex_sheet
from qnkpi.reporters.xlsx._annex_head import AnnexHeader
from qnkpi.reporters.xlsx._cells import Styles, bound_format, clean, use_font, value_format
from qnkpi.reporters.xlsx._common import level_word, measure_word, sheet_name
from qnkpi.reporters.xlsx._levels import checked_levels, level_sheet
from qnkpi.reporters.xlsx._tables import assessments_sheet, checks_sheet

if TYPE_CHECKING:
    import datetime as dt

    from qnkpi.engine.result import Result

__all__ = ["XlsxReporter", "bound_format", "level_word", "measure_word", "sheet_name",
           "value_format"]


class XlsxReporter:
    """The verdicts as an Excel workbook: the report annex, a sheet per level, and every
    check and assessment as Excel tables, in `lang`.

    Options (`qnkpi evaluate --report-number ... --report-date ...`): `report_number`
    and `report_date`, the number and date of the report the annex is attached to; they
    replace the spec's `programme.report.number` and `date`."""

    suffix = ".xlsx"
    binary = True
    options = ("report_number", "report_date")

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en",
              report_number: str | None = None, report_date: dt.date | None = None) -> None:
        """Write the workbook of `result` to the binary `stream`.

        Args:
            result: The evaluation's result.
            stream: A binary stream.
            lang: `"vi"` or `"en"`.
            report_number: The number of the report the annex goes with (`125-BC/TĐ`),
                or `None` for the spec's (dots when it has none).
            report_date: The date of that report, or `None` for the spec's (dots).
        """
        from openpyxl import Workbook

        book = Workbook()
        use_font(book)
        st = Styles.make()
        taken: set[str] = set()
        levels = checked_levels(result)
        sheets = {level: sheet_name(level_word(result, result.tree.levels[level], lang),
                                    taken)
                  for level in levels}
        annex = book.active
        annex.title = sheet_name(gettext("Annex", lang), taken)
        annex_sheet(annex, result, sheets, lang, st,
                    AnnexHeader.of(result, lang, report_number, report_date))
        for level, title in sheets.items():
            level_sheet(book.create_sheet(title), result, level, lang, st)
        checks_sheet(book.create_sheet(sheet_name(gettext("Checks", lang), taken)),
                     result, lang, st)
        assessments_sheet(book.create_sheet(sheet_name(gettext("Progress", lang), taken)),
                          result, lang, st)
        prog = result.spec.programme
        book.properties.title = clean(prog.title.get(lang))
        book.properties.creator = "qnkpi"
        book.properties.subject = clean(prog.owner or "")
        book.properties.identifier = prog.id
        book.properties.language = lang
        # into memory first: openpyxl leaves its zip file open if a write fails (a full
        # disk), to fail again when it is collected; so only whole bytes meet the stream
        buffer = io.BytesIO()
        book.save(buffer)
        stream.write(buffer.getbuffer())
