"""``qnkpi evaluate`` and assessments: ``--fail-on`` with assessment statuses (each of
at_risk, off_track, regressing meaning that status or worse), its exit codes and message,
and assessments in the table and JSON reports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import qnkpi
from qnkpi.cli import main
from qnkpi.testing import plugins_with, tiny_programme

EXAMPLE = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"
ASSESSED_WORSE = {"at_risk": {"at_risk", "off_track", "regressing", "overdue"},
                  "off_track": {"off_track", "regressing", "overdue"},
                  "regressing": {"regressing"},
                  "insufficient_data": {"insufficient_data"}}

#: A top-unit series for each status it gives (linear_path only, goal >= 50 in 2030).
SCENARIOS: dict[str, dict[int, float]] = {
    "achieved": {2023: 60.0, 2025: 70.0},
    "on_track": {2023: 10.0, 2025: 30.0},  # ratio 1.75
    "at_risk": {2023: 10.0, 2025: 20.0},  # 0.875
    "off_track": {2023: 10.0, 2025: 12.0},  # 0.175
    "regressing": {2023: 10.0, 2025: 5.0},  # -0.875
    "insufficient_data": {2025: 7.0},
}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} in JSON")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, series: dict[int, float], *, targets: list[dict[str, Any]] | None = None,
           methods: list[str] | None = None) -> Path:
    doc = tiny_programme(data={"x": {"P": series}}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase",
        "targets": targets or [{"year": 2030, "op": ">=", "value": 50}],
        "assessment": {"methods": methods or ["linear_path"]}}})
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _example_statuses() -> list[str]:
    result = qnkpi.evaluate(qnkpi.load_spec(EXAMPLE, plugins=plugins_with()))
    return [r["status"] for r in result.assessment_rows()]


# --- the example --------------------------------------------------------------------------

def test_fail_on_at_risk_exits_1_on_the_example_and_counts(
        capsys: pytest.CaptureFixture[str]) -> None:
    statuses = _example_statuses()
    expected = sum(s in ASSESSED_WORSE["at_risk"] for s in statuses)
    assert expected > 0
    code, out, err = _run(capsys, "evaluate", str(EXAMPLE), "--fail-on", "at_risk")
    assert code == 1
    assert out  # the report is still written
    found = re.search(r"(\d+) results? with status", err)
    assert found, err
    assert int(found.group(1)) == expected
    assert "at_risk" in err


@pytest.mark.parametrize("status", ["off_track", "regressing", "insufficient_data"])
def test_fail_on_each_assessment_status_on_the_example(
        capsys: pytest.CaptureFixture[str], status: str) -> None:
    expected = sum(s in ASSESSED_WORSE[status] for s in _example_statuses())
    code, _, err = _run(capsys, "evaluate", str(EXAMPLE), "--fail-on", status,
                        "--format", "json")
    assert code == (1 if expected else 0)
    if expected:
        found = re.search(r"(\d+) results? with status", err)
        assert found and int(found.group(1)) == expected


def test_table_shows_progress_toward_the_goal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(EXAMPLE), "--detail")
    assert code == 0
    assert "Toward the goal" in out
    assert "straight" in out and "compound" in out  # the methods (wrapped at 80 columns)


def test_json_holds_assessments_and_their_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(EXAMPLE), "--format", "json")
    assert code == 0
    document = json.loads(out, parse_constant=_no_constants)
    rows = document["assessments"]
    assert rows
    assert {r["method"] for r in rows} == {"linear_path", "cagr_ratio"}
    assert document["summary"]["assessments"]["total"] == len(rows)


def test_year_moves_the_current_point_back(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(EXAMPLE), "--format", "json", "--year", "2024")
    assert code == 0
    document = json.loads(out, parse_constant=_no_constants)
    assert document["as_of"] == 2024
    years = {r["current"]["year"] for r in document["assessments"]}
    assert years <= {2023, 2024, None}
    assert 2024 in years


def test_unit_restricts_assessments(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", str(EXAMPLE), "--format", "json",
                        "--unit", "06994")
    assert code == 0
    rows = json.loads(out, parse_constant=_no_constants)["assessments"]
    assert rows and {r["unit"] for r in rows} == {"06994"}


# --- tiny specs, one status each ---------------------------------------------------------

def test_fail_on_a_status_that_does_not_occur_exits_0(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, {2023: 60.0, 2024: 65.0, 2025: 70.0},
                  targets=[{"years": [2023, 2030], "op": ">=", "value": 50}],
                  methods=["linear_path", "cagr_ratio"])
    code, out, err = _run(capsys, "evaluate", str(spec), "--format", "json",
                          "--fail-on", "at_risk", "--fail-on",
                          "not_met,no_data,insufficient_data")
    assert code == 0, err
    assert err == ""
    document = json.loads(out, parse_constant=_no_constants)
    # a target kept every year is judged as a record (issue 17)
    assert {r["status"] for r in document["assessments"]} == {"met_every_year"}
    assert len(document["assessments"]) == 2


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("fail_on", list(ASSESSED_WORSE))
def test_fail_on_means_that_status_or_worse(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            scenario: str, fail_on: str) -> None:
    spec = _write(tmp_path, SCENARIOS[scenario])
    code, out, err = _run(capsys, "evaluate", str(spec), "--format", "json",
                          "--fail-on", fail_on)
    statuses = [r["status"] for r in json.loads(out, parse_constant=_no_constants)
                ["assessments"]]
    assert statuses == [scenario]
    if scenario in ASSESSED_WORSE[fail_on]:
        assert code == 1
        assert re.search(r"\b1 results? with status", err), err
    else:
        assert code == 0
        assert err == ""


def test_fail_on_values_separated_by_commas(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, SCENARIOS["insufficient_data"])
    code, _, _ = _run(capsys, "evaluate", str(spec), "--fail-on", "regressing,insufficient_data")
    assert code == 1
    code, _, _ = _run(capsys, "evaluate", str(spec), "--fail-on", "regressing, not_met")
    assert code == 0


def test_unknown_fail_on_status_exits_2_with_did_you_mean(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, SCENARIOS["at_risk"])
    code, out, err = _run(capsys, "evaluate", str(spec), "--fail-on", "at_risky")
    assert code == 2
    assert out == ""
    assert "unknown status 'at_risky'" in err
    assert "did you mean 'at_risk'?" in err
    assert "Traceback" not in err


CHOOSE = ("choose from not_met, no_data, insufficient_data, at_risk, off_track, overdue, "
          "regressing, limited_progress, deterioration")


@pytest.mark.parametrize("word", ["on_track", "achieved", "met", "substantial_progress",
                                  "moderate_progress"])
def test_statuses_that_cannot_fail_are_refused_without_a_suggestion(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], word: str) -> None:
    spec = _write(tmp_path, SCENARIOS["at_risk"])
    code, out, err = _run(capsys, "evaluate", str(spec), "--fail-on", word)
    assert (code, out) == (2, "")
    assert err == (f"qnkpi: error: --fail-on: '{word}' is a status that passes, so it "
                   f"cannot fail a run; {CHOOSE}\n")


@pytest.mark.parametrize("word", ["mett", "ontrack", "achived", "on-track"])
def test_a_misspelt_passing_status_is_never_answered_with_a_failing_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], word: str) -> None:
    spec = _write(tmp_path, SCENARIOS["at_risk"])
    code, _, err = _run(capsys, "evaluate", str(spec), "--fail-on", word)
    assert code == 2
    assert err == f"qnkpi: error: --fail-on: unknown status '{word}'; {CHOOSE}\n"


@pytest.mark.parametrize(("word", "meant"), [("not-met", "not_met"), ("notmet", "not_met"),
                                             ("regresing", "regressing")])
def test_a_misspelt_failing_status_gets_a_suggestion(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], word: str, meant: str) -> None:
    spec = _write(tmp_path, SCENARIOS["at_risk"])
    code, _, err = _run(capsys, "evaluate", str(spec), "--fail-on", word)
    assert code == 2
    assert err == (f"qnkpi: error: --fail-on: unknown status '{word}'; {CHOOSE}; did you "
                   f"mean '{meant}'?\n")


def test_table_of_a_tiny_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, SCENARIOS["at_risk"], methods=["linear_path", "cagr_ratio"])
    code, out, _ = _run(capsys, "evaluate", str(spec), "--detail")
    assert code == 0
    assert "Toward the goal ≥ 50 in 2030" in out
    assert "straight" in out and "compound" in out  # the methods (wrapped at 80 columns)
    assert "at risk" in out
    assert "0.88" in out  # the linear ratio 0.875, as shown


def test_table_shows_every_assessed_indicator_of_the_example(
        capsys: pytest.CaptureFixture[str]) -> None:
    # two of the example's indicators have only a 2030 goal, so no check yet: their
    # progress toward that goal is the only thing to report about them
    result = qnkpi.evaluate(qnkpi.load_spec(EXAMPLE, plugins=plugins_with()))
    assessed = {r["indicator"] for r in result.assessment_rows()}
    assert "members_using_digital_services_pct" in assessed
    code, out, _ = _run(capsys, "evaluate", str(EXAMPLE), "--detail")
    assert code == 0
    sections = [line for line in out.splitlines() if line.startswith("Toward the goal ")]
    assert len(sections) == len(assessed)
