"""Built-in report formats: `table` (the terminal), `json` (the contract), `csv` and
`csv-assessments` (for spreadsheets and scripts), `markdown` (to paste into a
document), `html` (a self-contained page to open in a browser), `xlsx` (an Excel
workbook laid out as a Vietnamese report annex), `parquet` and `parquet-assessments`
(typed columns for DuckDB, pandas and polars)."""

from __future__ import annotations

from collections.abc import Callable

from qnkpi.plugin.markers import hookimpl


@hookimpl
def register_reporters(register: Callable[..., None]) -> None:
    """Register the built-in report formats."""
    from qnkpi.reporters.csv import CsvAssessmentsReporter, CsvReporter
    from qnkpi.reporters.html import HtmlReporter
    from qnkpi.reporters.json import JsonReporter
    from qnkpi.reporters.markdown import MarkdownReporter
    from qnkpi.reporters.parquet import ParquetAssessmentsReporter, ParquetReporter
    from qnkpi.reporters.table import TableReporter
    from qnkpi.reporters.xlsx import XlsxReporter

    register("table", TableReporter())
    register("json", JsonReporter())
    register("csv", CsvReporter())
    register("csv-assessments", CsvAssessmentsReporter())
    register("markdown", MarkdownReporter())
    register("html", HtmlReporter())
    register("xlsx", XlsxReporter())
    register("parquet", ParquetReporter())
    register("parquet-assessments", ParquetAssessmentsReporter())
