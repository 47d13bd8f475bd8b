"""The csv reports say what the JSON says about a change of tree and the baselines: a
spreadsheet reader sees the 2025 reorganisation too."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import qnkpi
from qnkpi.reporters.csv import CsvAssessmentsReporter, CsvReporter

SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"


def _rows(reporter: object, result: qnkpi.Result) -> list[dict[str, str]]:
    out = io.StringIO()
    reporter.write(result, out, lang="vi")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_province_is_not_comparable_across_the_reform() -> None:
    result = qnkpi.evaluate(qnkpi.load_spec(SPEC))
    rows = [r for r in _rows(CsvReporter(), result)
            if (r["indicator"], r["unit"]) == ("children_youth_reached_pct", "22")]
    assert {r["year"]: r["comparable_with_previous"] for r in rows} == {
        "2023": "", "2024": "true", "2025": "false"}


def test_baselines_and_records_in_csv_assessments() -> None:
    result = qnkpi.evaluate(qnkpi.load_spec(SPEC))
    rows = _rows(CsvAssessmentsReporter(), result)
    reached = [r for r in rows if r["indicator"] == "children_youth_reached_pct"]
    assert {r["baseline_basis"] for r in reached} == {"restated"}
    assert {(r["record_met"], r["record_of"]) for r in reached} == {("", "")}
    record = [r for r in rows if (r["indicator"], r["unit"]) == ("members_in_software_pct",
                                                                 "22")]
    assert {(r["status"], r["record_met"], r["record_of"]) for r in record} == {
        ("overdue", "0", "3")}  # short of 100% in 2023, 2024 and 2025
