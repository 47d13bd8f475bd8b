"""`csv` and `csv-assessments`: one row per check, and one row per assessment.

For spreadsheets and scripts. The columns are the fields of the JSON result, with the
same names in every language, so a script reads a Vietnamese file as it reads an English
one; `--lang` adds what a reader needs beside them: the indicator's `title`, the unit's
name and a `status_text` in that language (`Đạt`, `Vượt`, `Chưa đạt`). Numbers
are written unrounded with a dot for decimals, as in the JSON: a number formatted for
Vietnamese eyes (`52,3`) would be read back wrong by half the tools that open a CSV
file. The `xlsx` report is the one for reading; this one is for computing. Missing
values are empty cells, never zero.

Part-way through a year (`--as-of 2025-06`), `csv` ends with four more columns
(`PERIOD_COLUMNS`), as the JSON's checks do: the `period` of each check (`2025-06` for
the year so far, `2024` for a whole year), how a check of the year so far was judged
(`partial`: `as_is`, `prorate`, `milestone`, `year_end`), and the year's own threshold
before prorating or a milestone (`year_threshold`, `year_threshold_max`).
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

import numpy as np

import qnkpi._arrow_build as build
from qnkpi.engine import text
from qnkpi.engine.tables import parts_of
from qnkpi.i18n import assessment_word
from qnkpi.reporters._present import verdict_words

if TYPE_CHECKING:
    import pyarrow as pa

    from qnkpi.engine.result import Result

__all__ = ["ASSESSMENT_COLUMNS", "CHECK_COLUMNS", "PERIOD_COLUMNS", "CsvAssessmentsReporter",
           "CsvReporter"]

#: The columns of `csv`, in order.
CHECK_COLUMNS = (
    "indicator", "title", "unit", "unit_name", "level", "year", "value", "op",
    "threshold", "threshold_max", "margin", "numerator", "denominator", "status",
    "status_text", "target", "interpolated", "goal", "aspirational", "assumed_year",
    "note", "basis", "expected_units", "reported_units", "coverage",
    "comparable_with_previous")

#: The columns `csv` adds after `CHECK_COLUMNS` for a result part-way through a year
#: (`Result.period`).
PERIOD_COLUMNS = ("period", "partial", "year_threshold", "year_threshold_max")

#: The columns of `csv-assessments`, in order.
ASSESSMENT_COLUMNS = (
    "indicator", "title", "unit", "unit_name", "level", "goal_year", "goal", "op",
    "aspirational", "method", "status", "status_text", "ratio", "baseline_year",
    "baseline", "current_year", "current", "projected", "required_annual_change",
    "reason", "basis", "baseline_basis", "record_met", "record_of", "record_no_data")

#: A column of `csv-assessments` -> its column in the `assessments` table.
_ASSESSMENT_TABLE = {"baseline": "baseline_value", "current": "current_value"}


def _write(stream: IO[Any], header: tuple[str, ...],
           cells: Any, tables: Any) -> None:
    """The header, then every row of `tables`, a batch at a time: `cells(batch)` gives
    the batch's columns in the order of `header`, each made text at once
    (`qnkpi.engine.text`), so no Python object is made per cell."""
    def lines(batch: pa.RecordBatch) -> bytes:
        line = text.join([text.csv_texts(c) for c in cells(batch)], ",")
        return text.data(text.join([line, "\r\n"]))

    stream.write(",".join(header) + "\r\n")
    for chunk in text.in_order(lines, tables):
        text.write_utf8(stream, chunk)


def _title(result: Result, name: str, lang: str) -> str:
    indicator = result.indicators[name].indicator
    return indicator.title.get(lang) if indicator.title else name


class CsvReporter:
    """One row per check (the columns in `CHECK_COLUMNS`, then part-way through a year
    those in `PERIOD_COLUMNS`)."""

    suffix = ".csv"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write one row per check."""

        words = build.strings(verdict_words(lang))

        def with_words(table: pa.Table) -> pa.Table:
            """The indicator's title and each check's verdict word beside its columns."""
            name = table.column("indicator")[0].as_py()
            res = result.indicators[name]
            cols, rows = np.nonzero(res.status.T)  # the order of the table's rows
            n = table.num_rows
            return (table.append_column("title", build.repeat(_title(result, name, lang), n))
                    .append_column("status_text", words.take(build.ints(res.verdict[rows, cols]))))

        columns = CHECK_COLUMNS + (PERIOD_COLUMNS if result.period is not None else ())

        def cells(batch: pa.RecordBatch) -> list[pa.Array]:
            return [batch.column(c) for c in columns]

        _write(stream, columns, cells,
               (with_words(t) for t in parts_of(result, "checks", lang=lang)))


class CsvAssessmentsReporter:
    """One row per assessment (the columns in `ASSESSMENT_COLUMNS`): the second
    file beside `csv`."""

    suffix = ".csv"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write one row per assessment."""
        import pyarrow.compute as pc

        def with_words(table: pa.Table) -> pa.Table:
            name = table.column("indicator")[0].as_py()
            coded = pc.dictionary_encode(table.column("status")).combine_chunks()
            said = build.strings([assessment_word(s, lang)
                                  for s in coded.dictionary.to_pylist()])
            return (table.append_column("title",
                                        build.repeat(_title(result, name, lang), table.num_rows))
                    .append_column("status_text", said.take(coded.indices)))

        def cells(batch: pa.RecordBatch) -> list[pa.Array]:
            return [batch.column(_ASSESSMENT_TABLE.get(c, c)) for c in ASSESSMENT_COLUMNS]

        _write(stream, ASSESSMENT_COLUMNS, cells,
               (with_words(t) for t in parts_of(result, "assessments", lang=lang)))
