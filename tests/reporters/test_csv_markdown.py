"""The ``csv``, ``csv-assessments`` and ``markdown`` reporters on the Quảng Ninh example."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import qnkpi
from qnkpi.cli import main
from qnkpi.reporters.csv import ASSESSMENT_COLUMNS, CHECK_COLUMNS
from qnkpi.reporters.markdown import escape
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def _write(result: qnkpi.Result, fmt: str, lang: str = "en") -> str:
    stream = io.StringIO()
    plugins_with().reporters[fmt].write(result, stream, lang=lang)
    return stream.getvalue()


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_row_per_check_with_the_json_values(result: qnkpi.Result) -> None:
    rows = _csv(_write(result, "csv"))
    checks = list(result.checks())
    assert len(rows) == len(checks) == 205
    assert list(rows[0]) == list(CHECK_COLUMNS)
    for row, check in zip(rows, checks, strict=True):
        assert (row["indicator"], row["unit"], int(row["year"])) == (
            check.indicator, check.unit, check.year)
        assert row["status"] == check.status
        if check.value is None:
            assert row["value"] == ""  # missing is empty, never 0
        else:
            assert float(row["value"]) == check.value  # unrounded


def test_csv_in_vietnamese_adds_words_not_other_numbers(result: qnkpi.Result) -> None:
    vi, en = _csv(_write(result, "csv", "vi")), _csv(_write(result, "csv", "en"))
    top = next(r for r in vi if r["indicator"] == "children_youth_reached_pct"
               and r["year"] == "2025")
    assert top["status_text"] == "Đạt" and top["unit_name"] == "Tỉnh Đoàn Quảng Ninh"
    assert top["value"] == repr(69.89774445978826)
    assert (top["expected_units"], top["reported_units"]) == ("54", "53")
    assert {r["status_text"] for r in vi} == {"Đạt", "Vượt", "Chưa đạt", "Chưa có số liệu"}
    assert [r["value"] for r in vi] == [r["value"] for r in en]
    codes = {r["unit"] for r in vi}
    assert "06652" in codes  # codes keep their leading zeros


def test_between_thresholds_take_two_columns() -> None:
    plugins = plugins_with()
    doc = tiny_programme(data={"x": {"P": {2023: 60.0}}}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase",
        "targets": [{"year": 2023, "op": "between", "min": 50, "max": 80}]}})
    result = qnkpi.evaluate(spec_from_dict(doc, plugins=plugins), plugins=plugins)
    [row] = _csv(_write(result, "csv"))
    assert (row["op"], row["threshold"], row["threshold_max"]) == ("between", "50.0", "80.0")


def test_csv_assessments(result: qnkpi.Result) -> None:
    rows = _csv(_write(result, "csv-assessments", "vi"))
    assert list(rows[0]) == list(ASSESSMENT_COLUMNS)
    assert len(rows) == len(list(result.assessment_rows())) == 346
    top = [r for r in rows if r["indicator"] == "children_youth_reached_pct"]
    assert [(r["method"], r["status_text"]) for r in top] == [
        ("linear_path", "Đúng tiến độ"), ("cagr_ratio", "Đúng tiến độ")]
    assert (top[0]["baseline_year"], top[0]["current_year"]) == ("2023", "2025")


def test_markdown_report(result: qnkpi.Result) -> None:
    vi = _write(result, "markdown", "vi")
    assert vi.startswith("# Nâng cao năng lực số cho thanh niên Quảng Ninh")
    assert "| Tỉnh Đoàn Quảng Ninh | 54,8% ✓ Đạt | 61,6% ✓ Đạt | ‖ 69,9% ✓ Đạt \\[53/54\\] |" in vi
    assert "| Thành Đoàn Hạ Long | 4 ✓ Vượt | 4 ✓ Vượt |  |" in vi
    assert "**Tiến độ tới mục tiêu \\> 90% năm 2030**" in vi
    en = _write(result, "markdown", "en")
    assert "| Quang Ninh Provincial Youth Union | 54.8% ✓ met |" in en
    # every table row has as many cells as its header
    for block in en.split("\n\n"):
        lines = [x for x in block.splitlines() if x.startswith("| ")]
        if lines:
            widths = {x.replace("\\|", "").count("|") for x in lines}
            assert len(widths) == 1, block


def test_markdown_escapes_spec_text(tmp_path: Path) -> None:
    plugins = plugins_with()
    doc: dict[str, Any] = tiny_programme(data={"x": {"D1": {2023: 1.0}}}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase",
        "title": {"en": "A | B <script>alert(1)</script> **bold**"},
        "targets": [{"year": 2023, "op": ">=", "value": 0, "level": "district",
                     "note": "see [link](http://x)"}]}})
    doc["org_units"]["units"][1]["name"] = "D|1 *star*"
    result = qnkpi.evaluate(spec_from_dict(doc, plugins=plugins), plugins=plugins)
    text = _write(result, "markdown")
    assert "## A \\| B \\<script\\>alert(1)\\</script\\> \\*\\*bold\\*\\*" in text
    assert "| D\\|1 \\*star\\* |" in text
    assert "<script>" not in text and "[link]" not in text
    assert escape("a\nb  c") == "a b c"


def test_formats_on_the_command_line(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("csv", "csv-assessments", "markdown"):
        out = tmp_path / f"report.{fmt}"
        assert main(["evaluate", str(SPEC), "-f", fmt, "-o", str(out), "--lang", "vi"]) == 0
        assert out.read_text(encoding="utf-8")
    assert capsys.readouterr().out == ""
    assert main(["plugins", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    reporters = {n for p in listed for n in p["registers"].get("reporters", [])}
    assert {"csv", "csv-assessments", "markdown", "table", "json"} <= reporters
