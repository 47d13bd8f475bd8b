"""`csv` and `csv-assessments`: one row per check, and one row per assessment.

For spreadsheets and scripts. The columns are the fields of the JSON result, with the
same names in every language, so a script reads a Vietnamese file as it reads an English
one; `--lang` adds what a reader needs beside them: the indicator's `title`, the unit's
name and a `status_text` in that language (`Đạt`, `Vượt`, `Chưa đạt`). Numbers
are written unrounded with a dot for decimals, as in the JSON: a number formatted for
Vietnamese eyes (`52,3`) would be read back wrong by half the tools that open a CSV
file. The `xlsx` report is the one for reading; this one is for computing. Missing
values are empty cells, never zero.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word
from qnkpi.reporters._present import verdict_words

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["CHECK_COLUMNS", "CsvAssessmentsReporter", "CsvReporter"]

#: The columns of `csv`, in order.
CHECK_COLUMNS = (
    "indicator", "title", "unit", "unit_name", "level", "year", "value", "op",
    "threshold", "threshold_max", "margin", "numerator", "denominator", "status",
    "status_text", "target", "interpolated", "goal", "aspirational", "assumed_year",
    "note", "basis", "expected_units", "reported_units", "coverage")

#: The yes/no columns, written `true`/`false` as in the JSON.
_FLAGS = ("interpolated", "goal", "aspirational", "assumed_year")

#: The columns of `csv-assessments`, in order.
ASSESSMENT_COLUMNS = (
    "indicator", "title", "unit", "unit_name", "level", "goal_year", "goal", "op",
    "aspirational", "method", "status", "status_text", "ratio", "baseline_year",
    "baseline", "current_year", "current", "projected", "required_annual_change",
    "reason", "basis")


def _cell(value: Any) -> Any:
    """A value as a CSV cell: empty for missing, `true`/`false` as in the JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value  # floats as repr(): unrounded, dot decimals


def _writer(stream: IO[Any]) -> Any:
    return csv.writer(stream, lineterminator="\r\n")


class CsvReporter:
    """One row per check (the columns in `CHECK_COLUMNS`)."""

    suffix = ".csv"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write one row per check."""
        writer = _writer(stream)
        writer.writerow(CHECK_COLUMNS)
        for name in result.indicators:
            writer.writerows(self._rows(result, name, lang))

    @staticmethod
    def _rows(result: Result, name: str, lang: str) -> Iterator[tuple[Any, ...]]:
        res, tree = result.indicators[name], result.tree
        columns = result.check_columns(name)
        if not columns["year"]:
            return
        cols, rows = np.nonzero(res.status.T)  # the order of check_columns
        columns["unit_name"] = tree.unit_names(rows, cols, lang)
        ind = res.indicator
        columns["title"] = [ind.title.get(lang) if ind.title else name] * len(rows)
        lo, hi = [], []
        for threshold in columns["threshold"]:
            pair = isinstance(threshold, list)
            lo.append(threshold[0] if pair else threshold)
            hi.append(threshold[1] if pair else None)
        columns["threshold"], columns["threshold_max"] = lo, hi
        words = np.array(verdict_words(lang), dtype=object)
        columns["status_text"] = words[res.verdict[rows, cols]].tolist()
        for flag in _FLAGS:  # the csv module writes None as "", floats by repr
            columns[flag] = ["true" if v else "false" for v in columns[flag]]
        yield from zip(*(columns[c] for c in CHECK_COLUMNS), strict=True)


class CsvAssessmentsReporter:
    """One row per assessment (the columns in `ASSESSMENT_COLUMNS`): the second
    file beside `csv`."""

    suffix = ".csv"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write one row per assessment."""
        writer = _writer(stream)
        writer.writerow(ASSESSMENT_COLUMNS)
        names = result.tree.latest_names(lang)
        for row in result.assessment_rows():
            spec = result.indicators[row["indicator"]].indicator
            flat = {
                **row,
                "title": spec.title.get(lang) if spec.title else row["indicator"],
                "unit_name": names[result.tree.index[row["unit"]]],
                "status_text": assessment_word(row["status"], lang),
                "baseline_year": row["baseline"]["year"],
                "baseline": row["baseline"]["value"],
                "current_year": row["current"]["year"],
                "current": row["current"]["value"],
            }
            writer.writerow([_cell(flat[c]) for c in ASSESSMENT_COLUMNS])
