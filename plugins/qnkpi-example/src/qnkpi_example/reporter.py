"""The reporter `checks-md`: every check and every assessment as a row of a Markdown
table, for pasting into an issue, a wiki page or a pull request.

A reporter is an object with `suffix`, `binary` and `write(result, stream, lang=)`.
"""

from __future__ import annotations

import math
from typing import IO, Any

import qnkpi

__all__ = ["ChecksMarkdown"]


# --8<-- [start:reporter]
class ChecksMarkdown:
    """Every check (indicator, unit, year) and every assessment (indicator, unit,
    method) as a row of a Markdown table. Titles and unit names are in `lang` where the
    spec has them; statuses are the result's keys (`met`, `on_track`...)."""

    suffix = ".md"  # the file suffix `qnkpi demo` gives this report
    binary = False  # a text stream (UTF-8); True would get a bytes stream

    def write(self, result: qnkpi.Result, stream: IO[Any], *, lang: str = "en") -> None:
        names = dict(zip(result.tree.codes, result.tree.latest_names(lang), strict=True))
        summary = result.summary()
        stream.write(f"# {_cell(result.spec.programme.title.get(lang))}\n\n")
        stream.write(f"As of {result.as_of}: {summary['met']} met, {summary['not_met']} "
                     f"not met, {summary['no_data']} without data, of "
                     f"{summary['checks']} checks.\n\n")
        stream.write("| indicator | unit | year | value | target | status |\n")
        stream.write("| --- | --- | ---: | ---: | --- | --- |\n")
        for check in result.checks():
            decimals = result.indicators[check.indicator].indicator.decimals
            stream.write(f"| {check.indicator} | {_cell(names[check.unit])} | {check.year} "
                         f"| {_number(check.value, decimals)} "
                         f"| {_target(check.op, check.threshold)} | {check.status} |\n")
        rows = list(result.assessment_rows())
        if not rows:
            return
        stream.write("\n| indicator | unit | goal | method | status | ratio | projected "
                     "| why no ratio |\n")
        stream.write("| --- | --- | --- | --- | --- | ---: | ---: | --- |\n")
        for row in rows:
            decimals = result.indicators[row["indicator"]].indicator.decimals
            goal = f"{_number(row['goal'], decimals)} in {row['goal_year']}"
            stream.write(f"| {row['indicator']} | {_cell(names[row['unit']])} | {goal} "
                         f"| {row['method']} | {row['status']} | {_number(row['ratio'], 2)} "
                         f"| {_number(row['projected'], decimals)} "
                         f"| {_cell(row['reason'] or '')} |\n")


def _cell(text: str) -> str:
    """Text as one Markdown table cell: one line, with `|` and `\\` escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _number(value: float | None, decimals: int | None) -> str:
    """A number rounded for reading (the checks compared it unrounded); "" if None."""
    if value is None or not math.isfinite(value):
        return ""
    text = f"{value:.{2 if decimals is None else decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _target(op: str, threshold: float | list[float] | None) -> str:
    if isinstance(threshold, list):
        return f"between {_number(threshold[0], None)} and {_number(threshold[1], None)}"
    return f"{op} {_number(threshold, None)}"
# --8<-- [end:reporter]
