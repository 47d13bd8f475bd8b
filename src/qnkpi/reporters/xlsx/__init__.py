"""`xlsx`: an Excel workbook for officials who read and file their reports in Excel.

Sheets, in order:

1. **Annex** (`Phụ lục`): the report annex Vietnamese offices attach to a report, one
   row per indicator for the as-of year at the top unit: STT, Chỉ tiêu, ĐVT, Kế hoạch,
   Thực hiện, % thực hiện/kế hoạch, Đánh giá, then the goal, the progress toward it, the
   units that reported and notes; under the owner, title, as-of year and references.
2. **One sheet per level** with checks (`Tỉnh`, `Cấp huyện`, `Cấp xã`): a row per
   (indicator, unit), a column per checked year holding the value, coloured by status
   (green met, red not met, grey no data), then the plan and the verdict of the sheet's
   latest checked year.
3. **Checks** (`Kết quả`) and **Progress** (`Tiến độ`): every check and every
   assessment as Excel tables, ready to filter, sort and pivot.

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
from qnkpi.reporters.xlsx._cells import Styles, bound_format, clean, value_format
from qnkpi.reporters.xlsx._common import level_word, measure_word, sheet_name
from qnkpi.reporters.xlsx._levels import checked_levels, level_sheet
from qnkpi.reporters.xlsx._tables import assessments_sheet, checks_sheet

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["XlsxReporter", "bound_format", "level_word", "measure_word", "sheet_name",
           "value_format"]


class XlsxReporter:
    """The verdicts as an Excel workbook: the report annex, a sheet per level, and every
    check and assessment as Excel tables, in `lang`."""

    suffix = ".xlsx"
    binary = True

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the workbook of `result` to the binary `stream`."""
        from openpyxl import Workbook

        book = Workbook()
        st = Styles.make()
        taken: set[str] = set()
        levels = checked_levels(result)
        sheets = {level: sheet_name(level_word(result.tree.levels[level], lang), taken)
                  for level in levels}
        annex = book.active
        annex.title = sheet_name(gettext("Annex", lang), taken)
        annex_sheet(annex, result, sheets, lang, st)
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
