"""The bundled Quảng Ninh example across the reform of 1 July 2025: district-level checks
through 2024, commune-level checks from 2025, province totals every year with their
coverage, and a restated view on the 2025 tree that agrees with them."""

from __future__ import annotations

import csv
import io
import json
import runpy
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh"
SPEC = EXAMPLE / "programme.yaml"
RATIOS = ["children_youth_reached_pct", "documents_on_system_pct", "members_in_software_pct"]


@pytest.fixture(scope="module")
def spec() -> qnkpi.Spec:
    return qnkpi.load_spec(SPEC)


@pytest.fixture(scope="module")
def reported(spec: qnkpi.Spec) -> qnkpi.Result:
    return qnkpi.evaluate(spec)


@pytest.fixture(scope="module")
def restated(spec: qnkpi.Spec) -> qnkpi.Result:
    return qnkpi.evaluate(spec, restate_to=2025)


def test_the_trees_of_the_example(spec: qnkpi.Spec) -> None:
    tree = qnkpi.OrgTree.from_spec(spec.org_units, range(2023, 2027))
    per_year = {int(y): Counter(tree.levels[tree.level_of[r]] for r in np.flatnonzero(
        tree.valid[:, c])) for c, y in enumerate(tree.years)}
    assert per_year[2023] == per_year[2024] == {"province": 1, "district": 13}
    assert per_year[2025] == per_year[2026] == {"province": 1, "commune": 54}
    row = tree.index["205"]  # Đông Triều: a town, then a city from 1 Nov 2024
    assert tree.unit_names(np.array([row, row]), np.array([0, 1])) == [
        "Thị Đoàn Đông Triều", "Thành Đoàn Đông Triều"]


def test_nothing_to_warn_about(spec: qnkpi.Spec, reported: qnkpi.Result) -> None:
    assert spec.warnings == ()
    assert reported.warnings == ()  # every row belongs to its year's tree


def test_per_unit_checks_follow_the_years_tree(reported: qnkpi.Result) -> None:
    levels = Counter((c.year, c.level) for c in reported.checks("district_digital_activities"))
    assert levels == {(2023, "district"): 13, (2024, "district"): 13, (2025, "commune"): 54}
    flags = Counter((c.year, c.level) for c in reported.checks("unit_uses_management_software"))
    assert flags == {(2025, "commune"): 54}


def test_the_share_of_units_counts_each_years_units(reported: qnkpi.Result) -> None:
    share = {c.year: c for c in reported.checks("districts_meeting_activities_pct")}
    # 2023: Bình Liêu held 1; 2024: Ba Chẽ 0, Cô Tô 1; 2025: Đường Hoa and Kỳ Thượng 1,
    # Lương Minh and Quảng Tân 0 (the activity log is complete: absent: zero)
    assert share[2023].value == pytest.approx(100 * 12 / 13)
    assert share[2024].value == pytest.approx(100 * 11 / 13)
    assert share[2025].value == pytest.approx(100 * 50 / 54)
    assert (share[2025].expected_units, share[2025].reported_units) == (54, 54)


def test_province_totals_every_year_with_coverage(reported: qnkpi.Result) -> None:
    for name in RATIOS:
        checks = {c.year: c for c in reported.checks(name) if c.unit == "22"}
        assert set(checks) == {2023, 2024, 2025}, name
        assert (checks[2023].expected_units, checks[2024].expected_units) == (13, 13)
        assert checks[2025].expected_units == 54
        assert checks[2025].reported_units < 54  # Quảng Tân did not report
    reached = {c.year: c for c in reported.checks("children_youth_reached_pct")}
    assert (reached[2025].reported_units, reached[2025].coverage) == (53, pytest.approx(53 / 54))
    documents = {c.year: c for c in reported.checks("documents_on_system_pct")}
    assert documents[2025].reported_units == 52  # and Hồng Gai left its cells empty


def test_the_2025_top_total_is_the_sum_of_the_communes_reports(reported: qnkpi.Result) -> None:
    rows = _rows("unit-reports.csv")
    # the year-end reports (the six-month ones, dated 30 June, are not the year's figures)
    numerator = sum(int(r["children_youth_reached"]) for r in rows
                    if r["reported_on"] == "2025-12-31" and r["unit_code"] != "22")  # 22: flags
    [top] = [c for c in reported.checks("children_youth_reached_pct")
             if (c.unit, c.year) == ("22", 2025)]
    assert top.numerator == numerator


def test_the_restated_view_agrees_at_the_top(reported: qnkpi.Result,
                                            restated: qnkpi.Result) -> None:
    assert restated.restated_to == 2025
    for name in RATIOS:
        before = {c.year: c for c in reported.checks(name) if c.unit == "22"}
        after = {c.year: c for c in restated.checks(name) if c.unit == "22"}
        for year in (2023, 2024):
            assert after[year].basis == "restated" and before[year].basis == "as_reported"
            assert after[year].numerator == pytest.approx(before[year].numerator)
            assert after[year].denominator == pytest.approx(before[year].denominator)
            assert after[year].status == before[year].status
            assert after[year].expected_units == 54
        assert after[2025].basis == "as_reported"
        assert after[2025].value == before[2025].value


def test_the_restated_view_puts_earlier_years_on_the_communes(restated: qnkpi.Result) -> None:
    tree = restated.tree
    youth = restated.measures["youth_population"]
    col = {int(y): i for i, y in enumerate(tree.years)}
    communes = tree.level_mask("commune")[:, col[2023]]
    assert communes.sum() == 54
    assert not np.isnan(youth[communes, col[2023]]).any()
    # Vân Đồn district became the Vân Đồn special zone whole
    raw = qnkpi.evaluate(qnkpi.load_spec(SPEC)).measures["youth_population"]
    assert youth[tree.index["06994"], col[2023]] == raw[tree.index["203"], col[2023]]
    # activities are not apportioned to the new units (restate: none)
    assert np.isnan(restated.measures["digital_activities"][:, col[2023]]).all()
    share = {c.year: c.status for c in restated.checks("districts_meeting_activities_pct")}
    assert share == {2023: "no_data", 2024: "no_data", 2025: "not_met"}


def test_restate_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["evaluate", str(SPEC), "--restate-to", "2025", "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    document: dict[str, Any] = json.loads(out)
    assert document["restated_to"] == 2025
    assert Counter(c["basis"] for c in document["checks"] if c["year"] < 2025) == {
        "restated": 8}


def test_the_2025_data_are_what_the_script_writes() -> None:
    """The illustrative 2025 rows come from scripts/quang_ninh_2025_data.py, unedited."""
    script = runpy.run_path(str(ROOT / "scripts" / "quang_ninh_2025_data.py"))
    import yaml

    units = yaml.safe_load((EXAMPLE / "org-units.yaml").read_text(encoding="utf-8"))["units"]
    reports = [*script["commune_rows"](units, _rows("unit-reports.csv")),
               *(r for r in script["province_rows"]() if r["year"] == 2025)]
    for path, rows in (("unit-reports.csv", reports),
                       ("activities.csv", script["activity_rows"](units))):
        lines = (EXAMPLE / "data" / path).read_text(encoding="utf-8").splitlines(keepends=True)
        want = io.StringIO()
        writer = csv.DictWriter(want, fieldnames=lines[0].strip().split(","),
                                lineterminator="\n")
        writer.writerows(rows)
        have = [line for line in lines if ",2025," in line]
        assert "".join(have) == want.getvalue(), path


def _rows(name: str) -> list[dict[str, str]]:
    with (EXAMPLE / "data" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_min_coverage_on_the_example() -> None:
    """As docs/org-units.md says: 53 of 54 is below min_coverage 0.99."""
    import yaml

    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    doc["indicators"]["children_youth_reached_pct"]["min_coverage"] = 0.99
    spec = qnkpi.parse_spec(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                            file=EXAMPLE / "edited.yaml")
    statuses = {c.year: c.status for c in qnkpi.evaluate(spec).checks(
        "children_youth_reached_pct")}
    assert statuses == {2023: "met", 2024: "met", 2025: "no_data"}
