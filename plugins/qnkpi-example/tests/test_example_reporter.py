"""The reporter ``checks-md``: its tables hold every check and every assessment of a
result, with the values the engine computed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import qnkpi
import yaml
from qnkpi.testing import spec_from_dict, tiny_programme

from qnkpi_example import ChecksMarkdown

EXAMPLE = Path(__file__).resolve().parent.parent / "example"


def write(result: qnkpi.Result, lang: str = "en") -> str:
    out = io.StringIO()
    ChecksMarkdown().write(result, out, lang=lang)
    return out.getvalue()


def tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of ``text``: its rows (header and separator left out) as
    lists of cells, split on unescaped ``|``."""
    found: list[list[list[str]]] = []
    for block in re.split(r"\n\n+", text):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        if len(lines) > 2:
            found.append([[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
                          for line in lines[2:]])
    return found


def names(lang: str) -> dict[str, str]:
    units = yaml.safe_load((EXAMPLE / "org-units.yaml").read_text(encoding="utf-8"))["units"]
    return {u["code"]: u["name_en" if lang == "en" else "name"] for u in units}


def test_every_check_is_a_row_with_its_value_target_and_status(result: qnkpi.Result) -> None:
    checks, _ = tables(write(result))
    expected = list(result.checks())
    assert len(checks) == len(expected) == 13
    english = names("en")
    for row, check in zip(checks, expected, strict=True):
        indicator, unit, year, value, target, status = row
        assert (indicator, unit, int(year), status) == (
            check.indicator, english[check.unit], check.year, check.status)
        assert check.value is not None
        assert abs(float(value) - check.value) <= 0.005  # shown with two decimals at most
        assert target == f"{check.op} {check.threshold:g}"
    assert ["reporting", "Example Province", "2024", "83.33", ">= 100", "not_met"] in checks


def test_every_assessment_is_a_row(result: qnkpi.Result) -> None:
    _, assessed = tables(write(result))
    expected = list(result.assessment_rows())
    assert len(assessed) == len(expected) == 12
    english = names("en")
    for row, a in zip(assessed, expected, strict=True):
        assert row[:5] == [a["indicator"], english[a["unit"]], "60 in 2030", a["method"],
                           a["status"]]
        assert row[5] == ("" if a["ratio"] is None else f"{a['ratio']:.2f}".rstrip("0")
                          .rstrip("."))
        assert row[7] == (a["reason"] or "")
    island = [r for r in assessed if r[1] == "Island District" and r[3] == "recent_trend"]
    assert island == [["trained_pct", "Island District", "60 in 2030", "recent_trend",
                       "overdue", "", "",
                       "a level that fell due by the evaluation year was missed, and is still"]]


def test_the_summary_line_counts_the_checks(result: qnkpi.Result) -> None:
    s = result.summary()
    assert (f"As of 2026: {s['met']} met, {s['not_met']} not met, {s['no_data']} without "
            f"data, of {s['checks']} checks.") in write(result)
    assert (s["met"], s["not_met"], s["checks"]) == (7, 6, 13)


def test_titles_and_names_in_vietnamese(result: qnkpi.Result) -> None:
    text = write(result, lang="vi")
    assert text.startswith("# Kỹ năng số cho thanh niên (ví dụ)\n")
    units = {row[1] for table in tables(text) for row in table}
    assert units == set(names("vi").values())
    assert "Island District" not in text


def programme(unit_name: str, target: dict[str, object], **indicator: object) -> qnkpi.Spec:
    data = tiny_programme(
        data={"m": {"D1": {2023: 12.3456}, "D2": {2023: 4}}}, districts=2,
        indicators={"x": {"kind": "value", "measure": "m", "direction": "increase",
                          "targets": [{"year": 2023, "level": "district", **target}],
                          **indicator}})
    data["org_units"]["units"][1]["name"] = unit_name
    return spec_from_dict(data)


def test_text_from_the_spec_stays_in_its_cell() -> None:
    result = qnkpi.evaluate(programme("North | South\\", {"op": ">=", "value": 10},
                                      assessment={"methods": []}))
    checks, *rest = tables(write(result))
    assert rest == []  # no method: no table of assessments
    assert checks[0] == ["x", "North \\| South\\\\", "2023", "12.35", ">= 10", "met"]
    assert all(len(row) == 6 for row in checks)


def test_between_targets_and_the_indicators_decimals() -> None:
    result = qnkpi.evaluate(programme("D1", {"op": "between", "min": 5, "max": 12.5},
                                      decimals=0))
    checks, *_ = tables(write(result))
    assert checks == [["x", "D1", "2023", "12", "between 5 and 12.5", "met"],
                      ["x", "District 2", "2023", "4", "between 5 and 12.5", "not_met"]]


def test_it_is_a_text_reporter() -> None:
    reporter = ChecksMarkdown()
    assert isinstance(reporter, qnkpi.Reporter)
    assert (reporter.suffix, reporter.binary) == (".md", False)
