"""`qnkpi validate` and `qnkpi evaluate` with data validation rules: exit codes and what
they print; the bundled example's rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import qnkpi
from qnkpi.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "qnkpi" / "examples" / "quang-ninh"

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
  id: rules-cli
  title: {en: Rules on the command line}
  period: {start: 2023, end: 2024}
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
      - {year: 2024, op: ">", value: 50}
validation:
"""

REACHED = ("  - rule: youth_reached <= youth\n"
           "    message: {en: No more youth can be reached than live in the district.}\n")
ACTIVITIES = "  - {rule: activities >= 0, severity: warning}\n"


def _write(tmp_path: Path, rules: str, reports: str = REPORTS) -> Path:
    (tmp_path / "reports.csv").write_text(reports, encoding="utf-8")
    spec = tmp_path / "programme.yaml"
    spec.write_text(SPEC + rules, encoding="utf-8")
    return spec


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _reached_error(spec: Path) -> str:
    csv = spec.parent / "reports.csv"
    return (
        "qnkpi: error: the data break 1 validation rule in 3 rows; correct the data, or the "
        "rule in the spec:\n"
        f"  {spec}:29:11: rule 'youth_reached <= youth' is broken in 3 rows, data from "
        f"source 'reports' ({csv}):\n"
        "    2023, unit '102' District B: youth_reached = 950, youth = 900\n"
        "    2024, unit '102' District B: youth_reached = 920, youth = 900\n"
        "    2024, unit '103' District C: youth_reached = 810, youth = 800\n"
        "    No more youth can be reached than live in the district.\n")


def _activities_warning(spec: Path, line: int) -> str:
    return (f"qnkpi: warning: {spec}:{line}:12: rule 'activities >= 0' is broken in 1 row, "
            f"data from source 'reports' ({spec.parent / 'reports.csv'}):\n"
            "  2023, unit '103' District C: activities = -1\n")


# --- qnkpi validate --------------------------------------------------------------------------


def test_validate_exits_2_listing_the_rows(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, REACHED)
    assert _run(capsys, "validate", str(spec)) == (2, "", _reached_error(spec))


def test_validate_with_a_broken_warning_exits_0(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, ACTIVITIES)
    code, out, err = _run(capsys, "validate", str(spec))
    assert code == 0
    assert out == (f"{spec}: valid. 1 indicators, 3 measures, 1 sources, 4 units; "
                   "1 checks through 2024.\n")
    assert err == _activities_warning(spec, 29)


def test_validate_prints_the_warnings_beside_the_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, ACTIVITIES + REACHED)
    code, out, err = _run(capsys, "validate", str(spec))
    assert (code, out) == (2, "")
    assert err == _activities_warning(spec, 29) + _reached_error(spec).replace(":29:11:",
                                                                              ":30:11:")


def test_validate_lists_every_broken_rule(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, "  - rule: activities >= 0\n  - rule: activities <= 3\n"
                  "  - rule: youth >= 0\n")
    code, _, err = _run(capsys, "validate", str(spec))
    assert code == 2
    csv = tmp_path / "reports.csv"
    assert err == (
        "qnkpi: error: the data break 2 validation rules in 2 rows; correct the data, or the "
        "rule in the spec:\n"
        f"  {spec}:29:11: rule 'activities >= 0' is broken in 1 row, data from source "
        f"'reports' ({csv}):\n"
        "    2023, unit '103' District C: activities = -1\n"
        f"  {spec}:30:11: rule 'activities <= 3' is broken in 1 row, data from source "
        f"'reports' ({csv}):\n"
        "    2024, unit '101' District A: activities = 4\n")


def test_a_long_listing_is_cut_after_ten_rows(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    codes = "".join(f'    - {{code: "2{i:02d}", name: Unit {i}, level: district, '
                    'parent: "10"}\n' for i in range(13))
    text = SPEC.replace("sources:", codes + "sources:", 1)
    reports = "unit_code,year,youth,youth_reached,activities\n" + "".join(
        f"2{i:02d},2024,10,{20 + i},1\n" for i in range(13))
    spec = _write(tmp_path, "  - rule: youth_reached <= youth\n", reports)
    spec.write_text(text + "  - rule: youth_reached <= youth\n", encoding="utf-8")
    code, _, err = _run(capsys, "validate", str(spec))
    lines = err.splitlines()
    assert code == 2
    assert lines[1].endswith("is broken in 13 rows, data from source 'reports' "
                             f"({tmp_path / 'reports.csv'}):")
    assert lines[2:] == [f"    2024, unit '2{i:02d}' Unit {i}: youth_reached = {20 + i}, "
                         "youth = 10" for i in range(10)] + ["    and 3 more"]


def test_a_syntax_error_is_a_spec_error(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, "  - rule: youth_reached => youth\n")
    assert _run(capsys, "validate", str(spec)) == (
        2, "", f"qnkpi: error: {spec}:29:25: '=>' is not a comparison; write '>='\n")


# --- qnkpi evaluate --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_evaluate_exits_2_and_writes_no_report(tmp_path: Path, fmt: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, REACHED)
    report = tmp_path / "report.out"
    assert _run(capsys, "evaluate", str(spec), "-f", fmt) == (2, "", _reached_error(spec))
    assert _run(capsys, "evaluate", str(spec), "-f", fmt, "-o", str(report)) == (
        2, "", _reached_error(spec))
    assert not report.exists()


def test_evaluate_goes_on_after_a_warning(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, ACTIVITIES)
    code, out, err = _run(capsys, "evaluate", str(spec), "-f", "json")
    assert (code, err) == (0, _activities_warning(spec, 29))
    document = json.loads(out)
    assert document["violations"] == [{
        "rule": "activities >= 0", "index": 0, "severity": "warning", "unit": "103",
        "unit_name": "District C", "level": "district", "year": 2023, "left": -1.0,
        "op": ">=", "right": 0.0, "values": {"activities": -1.0},
        "sources": [{"source": "reports", "file": str(tmp_path / "reports.csv")}],
        "message": None}]
    assert document["summary"]["checks"] == 1


def test_a_warning_does_not_change_fail_on(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, ACTIVITIES)
    code, _, err = _run(capsys, "evaluate", str(spec), "-f", "json", "--fail-on", "no_data")
    assert code == 0 and err == _activities_warning(spec, 29)
    code, _, err = _run(capsys, "evaluate", str(spec), "-f", "json", "--fail-on", "not_met")
    assert code == 0


def test_explain_reads_no_data_so_judges_no_rule(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, REACHED)
    code, out, err = _run(capsys, "evaluate", str(spec), "--explain")
    assert (code, err) == (0, "")
    assert "-- source 'reports' (csv)" in out


# --- the bundled example --------------------------------------------------------------------


def test_the_example_has_rules_its_data_pass() -> None:
    spec = qnkpi.load_spec(EXAMPLE / "programme.yaml")
    assert len(spec.validation) == 21
    assert {r.severity for r in spec.validation} == {"error", "warning"}
    checked = qnkpi.check_data(spec)
    assert checked.count() == 0
    # 13 district-level unions in 2023 and 2024, and 53 of the 54 commune-level ones in
    # 2025 (Quảng Tân did not report): 79 reports; 78 where a report left a cell empty.
    # The Provincial Youth Union reports only its own two flags, each year: 82 and 81 (one
    # commune left its applies_it_member_evaluation flag empty) for the rules on them
    assert {int(r.judged.sum()) for r in checked.rules} == {78, 79, 81, 82}
    result = qnkpi.evaluate(spec)
    assert result.summary()["checks"] == 205
    assert result.warnings == ()


def test_a_wrong_report_in_the_example_is_refused(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "qn")
    data = tmp_path / "qn" / "data" / "unit-reports.csv"
    text = data.read_text(encoding="utf-8")
    # Hạ Long (193), 2023: more children and youth reached (141700) than live there (141670)
    text = text.replace("193,2023,87450,141670,86422,", "193,2023,87450,141670,141700,")
    data.write_text(text, encoding="utf-8")
    spec = tmp_path / "qn" / "programme.yaml"
    code, out, err = _run(capsys, "validate", str(spec))
    assert (code, out) == (2, "")
    line = next(i for i, row in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1)
                if "rule: children_youth_reached <= children_youth_population" in row)
    assert err == (
        "qnkpi: error: the data break 1 validation rule in 1 row; correct the data, or the "
        "rule in the spec:\n"
        f"  {spec}:{line}:11: rule 'children_youth_reached <= children_youth_population' is "
        f"broken in 1 row, data from source 'reports' ({data}):\n"
        "    2023, unit '193' Thành Đoàn Hạ Long: children_youth_reached = 141700, "
        "children_youth_population = 141670\n"
        "    No more children and youth can be reached than live in the area: check both "
        "figures.\n")


def test_other_warnings_about_the_data_are_printed_before_the_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, ACTIVITIES + REACHED)
    text = spec.read_text(encoding="utf-8").replace(
        'name: District C, level: district, parent: "10"}',
        'name: District C, level: district, parent: "10", valid_to: 2023-06-30}')
    spec.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "validate", str(spec))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == ("qnkpi: warning: unit '103' has data for 2023, 2024, when it was not "
                        "in the org units (see its valid_from/valid_to); those values are "
                        "left out")
    # District C's values are left out, so neither rule sees them: no warning for its
    # negative count, and two rows (District B's) for the error
    assert lines[1].startswith("qnkpi: error: the data break 1 validation rule in 2 rows;")
    assert len(lines) == 6
