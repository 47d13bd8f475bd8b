"""Data validation rules judged on real CSV files: which rows break them, with what values,
and what evaluate and check_data do about it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.engine.rules import ROW_LIMIT, RuleViolationError, judge_rules
from qnkpi.orgunits import OrgTree
from qnkpi.spec.models import ValidationRule

REPORTS = """\
unit_code,year,youth,youth_reached,activities
101,2023,1000,600,3
102,2023,900,950,2
103,2023,800,,-1
101,2024,1000,700,4
102,2024,900,920,1
103,2024,800,810,2
"""

SPEC = """\
qnkpi: 1
programme:
  id: rules-demo
  title: {en: Rules demo}
  period: {start: 2023, end: 2025}
org_units:
  levels: [province, district]
  units:
    - {code: "10", name: Province, level: province}
    - {code: "101", name: District A, level: district, parent: "10"}
    - {code: "102", name: District B, level: district, parent: "10"}
    - {code: "103", name: District C, level: district, parent: "10"}
sources:
  reports: {type: csv, path: reports.csv, unit: unit_code, year: year}
measures:
  youth: {source: reports}
  youth_reached: {source: reports}
  activities: {source: reports}
indicators:
  reached_pct:
    kind: ratio
    numerator: youth_reached
    denominator: youth
    factor: 100
    direction: increase
    targets:
      - {years: [2023, 2024], op: ">", value: 50}
validation:
"""

REACHED = "  - rule: youth_reached <= youth\n"


def _spec(tmp_path: Path, rules: str, reports: str = REPORTS) -> qnkpi.Spec:
    (tmp_path / "reports.csv").write_text(reports, encoding="utf-8")
    path = tmp_path / "programme.yaml"
    path.write_text(SPEC + rules, encoding="utf-8")
    return qnkpi.load_spec(path)


def _rows(violations: Any) -> list[tuple[Any, ...]]:
    return [(v.index, v.year, v.unit, v.left, v.right) for v in violations]


# --- an error -------------------------------------------------------------------------------


def test_more_reached_than_live_there_stops_the_evaluation_with_the_rows(
        tmp_path: Path) -> None:
    spec = _spec(tmp_path, REACHED)
    with pytest.raises(RuleViolationError) as caught:
        qnkpi.evaluate(spec)
    error = caught.value
    assert isinstance(error, qnkpi.DataError)
    assert _rows(error.validation.violations()) == [
        (0, 2023, "102", 950.0, 900.0),
        (0, 2024, "102", 920.0, 900.0),
        (0, 2024, "103", 810.0, 800.0),
    ]
    assert str(error) == (
        "the data break 1 validation rule in 3 rows; correct the data, or the rule in the "
        "spec:\n"
        f"  {tmp_path / 'programme.yaml'}:29:11: rule 'youth_reached <= youth' is broken in "
        f"3 rows, data from source 'reports' ({tmp_path / 'reports.csv'}):\n"
        "    2023, unit '102' District B: youth_reached = 950, youth = 900\n"
        "    2024, unit '102' District B: youth_reached = 920, youth = 900\n"
        "    2024, unit '103' District C: youth_reached = 810, youth = 800")


def test_a_violation_row_says_everything_about_the_cell(tmp_path: Path) -> None:
    spec = _spec(tmp_path, REACHED + "    message: {vi: Kiểm tra, en: Check both figures}\n")
    checked = qnkpi.check_data(spec)
    first = next(checked.violations())
    assert first.to_dict() == {
        "rule": "youth_reached <= youth", "index": 0, "severity": "error", "unit": "102",
        "unit_name": "District B", "level": "district", "year": 2023, "left": 950.0,
        "op": "<=", "right": 900.0, "values": {"youth_reached": 950.0, "youth": 900.0},
        "sources": [{"source": "reports", "file": str(tmp_path / "reports.csv")}],
        "message": {"vi": "Kiểm tra", "en": "Check both figures"}}
    assert checked.describe(checked.rules[0], lang="vi")[-1] == "Kiểm tra"
    assert checked.describe(checked.rules[0])[-1] == "Check both figures"


def test_check_data_judges_without_raising(tmp_path: Path) -> None:
    checked = qnkpi.check_data(_spec(tmp_path, REACHED))
    assert [r.index for r in checked.broken()] == [0]
    assert [r.index for r in checked.broken("error")] == [0]
    assert checked.broken("warning") == []
    assert (checked.count(), checked.count("error"), checked.count("warning")) == (3, 3, 0)


# --- a warning ------------------------------------------------------------------------------


def test_as_a_warning_the_evaluation_goes_on_and_the_result_carries_it(
        tmp_path: Path) -> None:
    spec = _spec(tmp_path, REACHED + "    severity: warning\n")
    result = qnkpi.evaluate(spec)
    assert result.summary()["checks"] == 2
    assert result.validation is not None
    assert _rows(result.validation.violations("warning")) == [
        (0, 2023, "102", 950.0, 900.0), (0, 2024, "102", 920.0, 900.0),
        (0, 2024, "103", 810.0, 800.0)]
    assert result.warnings == (
        f"{tmp_path / 'programme.yaml'}:29:11: rule 'youth_reached <= youth' is broken in 3 "
        f"rows, data from source 'reports' ({tmp_path / 'reports.csv'}):\n"
        "  2023, unit '102' District B: youth_reached = 950, youth = 900\n"
        "  2024, unit '102' District B: youth_reached = 920, youth = 900\n"
        "  2024, unit '103' District C: youth_reached = 810, youth = 800",)


def test_the_json_result_lists_the_violations(tmp_path: Path) -> None:
    result = qnkpi.evaluate(_spec(tmp_path, REACHED + "    severity: warning\n"))
    stream = io.StringIO()
    result.write_json(stream)
    document = json.loads(stream.getvalue())
    assert document == json.loads(json.dumps(result.to_dict()))
    assert list(document) == ["qnkpi", "programme", "as_of", "restated_to", "checks",
                              "assessments", "violations", "summary"]
    assert [(v["year"], v["unit"], v["values"]) for v in document["violations"]] == [
        (2023, "102", {"youth_reached": 950.0, "youth": 900.0}),
        (2024, "102", {"youth_reached": 920.0, "youth": 900.0}),
        (2024, "103", {"youth_reached": 810.0, "youth": 800.0})]
    assert {v["severity"] for v in document["violations"]} == {"warning"}


def test_without_rules_the_json_result_has_an_empty_list(tmp_path: Path) -> None:
    result = qnkpi.evaluate(_spec(tmp_path, "  - rule: youth >= 0\n"))
    stream = io.StringIO()
    result.write_json(stream)
    assert '  "violations": [],\n' in stream.getvalue()
    assert json.loads(stream.getvalue())["violations"] == []
    assert result.warnings == ()


# --- what is judged --------------------------------------------------------------------------


def test_a_negative_count(tmp_path: Path) -> None:
    checked = qnkpi.check_data(_spec(tmp_path, "  - rule: activities >= 0\n"))
    assert _rows(checked.violations()) == [(0, 2023, "103", -1.0, 0.0)]
    assert checked.describe(checked.rules[0])[1] == "2023, unit '103' District C: activities = -1"


def test_missing_values_are_never_judged(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "  - rule: youth_reached > 10000\n")
    checked = qnkpi.check_data(spec)
    rule = checked.rules[0]
    tree = checked.tree
    # every district-year with a reported youth_reached breaks it; 103 in 2023 (an empty
    # cell), 2025 (no rows) and the province (no row of its own) are not judged
    assert int(rule.judged.sum()) == rule.count == 5
    assert not rule.judged[tree.index["103"], 0]
    assert not rule.judged[:, 2].any()
    assert not rule.judged[tree.index["10"]].any()
    assert np.isnan(rule.left[tree.index["10"]]).all()


def test_rules_read_reported_values_not_roll_ups(tmp_path: Path) -> None:
    province = "10,2024,2000,2500,\n"  # the province's own report breaks the rule
    spec = _spec(tmp_path, REACHED + "    severity: warning\n", REPORTS + province)
    result = qnkpi.evaluate(spec)
    assert result.validation is not None
    assert ("10", 2024) in [(v.unit, v.year) for v in result.validation.violations()]
    # the province's 2023 value is rolled up from its districts (1550 of 2700): not judged
    assert not result.validation.rules[0].judged[result.tree.index["10"], 0]


def test_several_rules_are_all_judged_and_listed_in_spec_order(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "  - rule: activities >= 0\n" + REACHED
                 + "  - {rule: youth == 1000, severity: warning}\n"
                 + "  - rule: activities != 2\n")
    with pytest.raises(RuleViolationError) as caught:
        qnkpi.evaluate(spec)
    checked = caught.value.validation
    assert [r.count for r in checked.rules] == [1, 3, 4, 2]
    assert _rows(checked.violations()) == [
        (0, 2023, "103", -1.0, 0.0),
        (1, 2023, "102", 950.0, 900.0), (1, 2024, "102", 920.0, 900.0),
        (1, 2024, "103", 810.0, 800.0),
        (2, 2023, "102", 900.0, 1000.0), (2, 2023, "103", 800.0, 1000.0),
        (2, 2024, "102", 900.0, 1000.0), (2, 2024, "103", 800.0, 1000.0),
        (3, 2023, "102", 2.0, 2.0), (3, 2024, "103", 2.0, 2.0)]
    message = str(caught.value)
    assert message.startswith("the data break 3 validation rules in 6 rows;")
    assert "youth == 1000" not in message  # a warning: printed apart by the command line


def test_arithmetic_sides_show_their_measures(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "  - rule: youth_reached + 100 <= 0.9 * youth\n")
    checked = qnkpi.check_data(spec)
    assert _rows(checked.violations()) == [
        (0, 2023, "102", 1050.0, 0.9 * 900), (0, 2024, "102", 1020.0, 0.9 * 900),
        (0, 2024, "103", 910.0, 0.9 * 800)]
    lines = checked.describe(checked.rules[0])
    assert lines[1] == ("2023, unit '102' District B: youth_reached + 100 = 1050 "
                        "(youth_reached = 950), 0.9 * youth = 810 (youth = 900)")


def test_a_division_by_zero_is_not_judged(tmp_path: Path) -> None:
    reports = REPORTS.replace("101,2024,1000,700,4", "101,2024,0,700,4")
    checked = qnkpi.check_data(_spec(tmp_path, "  - rule: youth_reached / youth <= 1\n",
                                     reports))
    rule = checked.rules[0]
    assert not rule.judged[checked.tree.index["101"], 1]
    assert _rows(checked.violations()) == [
        (0, 2023, "102", 950 / 900, 1.0), (0, 2024, "102", 920 / 900, 1.0),
        (0, 2024, "103", 810 / 800, 1.0)]


def test_exact_comparison_as_for_targets(tmp_path: Path) -> None:
    checked = qnkpi.check_data(_spec(tmp_path, "  - rule: youth_reached < 950\n"
                                     "  - rule: youth_reached <= 950\n"))
    assert [r.count for r in checked.rules] == [1, 0]


def test_absent_zero_is_applied_before_judging(tmp_path: Path) -> None:
    spec_text = SPEC.replace("activities: {source: reports}",
                             "activities: {source: log, aggregate: count, absent: zero}")
    spec_text = spec_text.replace(
        "measures:", "  log: {type: csv, path: log.csv, unit: unit, year: year}\nmeasures:")
    (tmp_path / "log.csv").write_text("unit,year\n101,2023\n101,2023\n102,2023\n",
                                      encoding="utf-8")
    (tmp_path / "reports.csv").write_text(REPORTS, encoding="utf-8")
    (tmp_path / "programme.yaml").write_text(spec_text + "  - rule: activities >= 1\n",
                                             encoding="utf-8")
    checked = qnkpi.check_data(qnkpi.load_spec(tmp_path / "programme.yaml"))
    assert _rows(checked.violations()) == [(0, 2023, "103", 0.0, 1.0)]
    assert checked.violations().__next__().sources == [
        {"source": "log", "file": str(tmp_path / "log.csv")}]


def test_every_year_and_unit_is_judged_whatever_is_checked(tmp_path: Path) -> None:
    spec = _spec(tmp_path, REACHED)
    for kwargs in ({"year": 2023}, {"units": ["101"]}, {"restate_to": 2024}):
        with pytest.raises(RuleViolationError) as caught:
            qnkpi.evaluate(spec, **kwargs)  # type: ignore[arg-type]
        assert caught.value.validation.count() == 3, kwargs


def test_data_of_a_unit_outside_its_life_are_not_judged(tmp_path: Path) -> None:
    spec_text = SPEC.replace('parent: "10"}\n    - {code: "103"',
                             'parent: "10", valid_to: 2023-06-30}\n    - {code: "103"')
    (tmp_path / "reports.csv").write_text(REPORTS, encoding="utf-8")
    (tmp_path / "programme.yaml").write_text(spec_text + REACHED, encoding="utf-8")
    checked = qnkpi.check_data(qnkpi.load_spec(tmp_path / "programme.yaml"))
    assert _rows(checked.violations()) == [(0, 2024, "103", 810.0, 800.0)]


def test_the_listing_stops_at_the_row_limit(tmp_path: Path) -> None:
    rows = "".join(f"10{d},{y},100,200,1\n" for y in (2023, 2024, 2025) for d in (1, 2, 3))
    reports = "unit_code,year,youth,youth_reached,activities\n" + rows + "10,2023,1,2,\n"
    checked = qnkpi.check_data(_spec(tmp_path, REACHED, reports))
    assert checked.count() == 10
    lines = checked.describe(checked.rules[0], limit=4)
    assert lines[0].endswith("is broken in 10 rows, data from source 'reports' "
                             f"({tmp_path / 'reports.csv'}):")
    assert lines[1:] == [
        "2023, unit '10' Province: youth_reached = 2, youth = 1",
        "2023, unit '101' District A: youth_reached = 200, youth = 100",
        "2023, unit '102' District B: youth_reached = 200, youth = 100",
        "2023, unit '103' District C: youth_reached = 200, youth = 100",
        "and 6 more"]
    assert len(checked.describe(checked.rules[0])) == 1 + ROW_LIMIT
    assert len(list(checked.violations())) == 10


# --- specs built without the loader ---------------------------------------------------------


def test_a_rule_the_loader_did_not_check_is_a_spec_error(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "  - rule: youth >= 0\n")
    tree = OrgTree.from_spec(spec.org_units, [2023])
    bad = spec.model_copy(update={"validation": (ValidationRule(rule="youth >"),)})
    with pytest.raises(qnkpi.SpecError, match="the rule ends too soon"):
        judge_rules(bad, tree, {})
    unknown = spec.model_copy(update={"validation": (ValidationRule(rule="yuoth > 0"),)})
    with pytest.raises(qnkpi.SpecError, match="unknown measure 'yuoth'"):
        judge_rules(unknown, tree, {})
