"""Breaks of the tree: where a unit's figure is not comparable with the year before
(issue 17), and assessments that never take a baseline across one. Oracles computed by
hand from a small reform: two districts become three communes on 1 July 2025, and a
third district gives a quarter of itself to a new commune on 1 January 2027."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.engine.assess import assess_indicator
from qnkpi.engine.baselines import BASELINE_BASES, carried_panels
from qnkpi.engine.breaks import has_previous, indicator_breaks, since_break, tree_breaks
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi.verdicts import AssessmentStatus

PLUGINS = plugins_with()

UNITS: list[dict[str, Any]] = [
    {"code": "P", "name": "Province", "level": "province"},
    {"code": "D1", "name": "District 1", "level": "district", "parent": "P",
     "valid_to": "2025-06-30"},
    {"code": "D2", "name": "District 2", "level": "district", "parent": "P",
     "valid_to": "2025-06-30"},
    {"code": "D3", "name": "District 3", "level": "district", "parent": "P"},
    {"code": "C1", "name": "Commune 1", "level": "commune", "parent": "P",
     "valid_from": "2025-07-01", "predecessors": [{"code": "D1", "weight": 1.0}]},
    {"code": "C2", "name": "Commune 2", "level": "commune", "parent": "P",
     "valid_from": "2025-07-01", "predecessors": [{"code": "D2", "weight": 0.5}]},
    {"code": "C3", "name": "Commune 3", "level": "commune", "parent": "P",
     "valid_from": "2025-07-01", "predecessors": [{"code": "D2", "weight": 0.5}]},
    {"code": "C4", "name": "Commune 4", "level": "commune", "parent": "P",
     "valid_from": "2027-01-01", "predecessors": [{"code": "D3", "weight": 0.25}]},
]

#: people and reached: the province's share is 150 / 400 = 37.5% in 2023 on the
#: district tree, and 210 / 400 = 52.5% in 2025 on the commune tree.
DATA: dict[str, dict[str, dict[int, float | None]]] = {
    "pop": {"D1": {2023: 100.0}, "D2": {2023: 200.0}, "D3": {2023: 100.0, 2025: 100.0},
            "C1": {2025: 100.0}, "C2": {2025: 100.0}, "C3": {2025: 100.0}},
    "reached": {"D1": {2023: 40.0}, "D2": {2023: 60.0}, "D3": {2023: 50.0, 2025: 60.0},
                "C1": {2025: 60.0}, "C2": {2025: 40.0}, "C3": {2025: 50.0}},
    # activities held: cannot be apportioned to the new units (restate: none)
    "acts": {"D1": {2023: 2.0}, "D2": {2023: 3.0}, "D3": {2023: 1.0, 2025: 5.0},
             "C1": {2025: 5.0}, "C2": {2025: 5.0}, "C3": {2025: 5.0}},
}


def _spec() -> qnkpi.Spec:
    doc = tiny_programme(data=DATA, indicators={
        "share": {"kind": "ratio", "numerator": "reached", "denominator": "pop",
                  "factor": 100, "unit": "percent", "direction": "increase",
                  "targets": [{"year": 2030, "op": ">=", "value": 90}]},
        # kept every year: checks in every year, judged as a record
        "share_kept": {"kind": "ratio", "numerator": "reached", "denominator": "pop",
                       "factor": 100, "unit": "percent", "direction": "increase",
                       "targets": [{"years": [2023, 2030], "op": ">=", "value": 40}]},
        "activities": {"kind": "value", "measure": "acts", "unit": "count",
                       "direction": "increase",
                       "targets": [{"year": 2030, "op": ">=", "value": 40}]},
    })
    doc["org_units"] = {"levels": ["province", "district", "commune"], "units": UNITS}
    doc["measures"]["acts"]["restate"] = "none"
    return spec_from_dict(doc, plugins=PLUGINS)


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(_spec())


def _cells(result: qnkpi.Result, panel: np.ndarray) -> set[tuple[str, int]]:
    rows, cols = np.nonzero(panel)
    return {(result.tree.codes[r], int(result.years[c]))
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)}


# --- the breaks ------------------------------------------------------------------------

def test_breaks_where_the_units_under_a_unit_changed(result: qnkpi.Result) -> None:
    # P: 3 districts in 2024, D3 and 3 communes in 2025; C4 joins in 2027.
    # D3: gives a quarter of itself to C4 in 2027 (it lives on, its figure breaks).
    # C4 is new in 2027: nothing before it to compare with, so no break.
    assert _cells(result, result.breaks) == {("P", 2025), ("P", 2027), ("D3", 2027)}


def test_a_restated_view_has_no_break_up_to_its_year() -> None:
    restated = qnkpi.evaluate(_spec(), restate_to=2025)
    assert _cells(restated, restated.breaks) == {("P", 2027), ("D3", 2027)}


def test_breaks_computed_from_the_tree_alone(result: qnkpi.Result) -> None:
    tree = result.tree
    assert (tree_breaks(tree) == result.breaks).all()
    # has_previous: the unit is in both years' trees
    prev = has_previous(tree)
    col = {int(y): c for c, y in enumerate(tree.years)}
    assert not prev[:, 0].any()
    assert prev[tree.index["C1"], col[2026]] and not prev[tree.index["C1"], col[2025]]
    assert not prev[tree.index["D1"], col[2025]]


def test_since_break_is_the_start_of_the_comparable_run() -> None:
    breaks = np.array([[False, False, True, False, True, False]])
    assert since_break(breaks).tolist() == [[0, 0, 2, 2, 4, 4]]


def test_a_unit_that_reported_its_own_figure_in_both_years_does_not_break() -> None:
    breaks = np.array([[False, True, True]])
    # own value (no coverage count) in years 0 and 1; an aggregate in year 2
    panel = IndicatorPanel(value=np.array([[1.0, 2.0, 3.0]]),
                           expected=np.array([[np.nan, np.nan, 4.0]]),
                           reported=np.array([[np.nan, np.nan, 4.0]]))
    assert indicator_breaks(breaks, panel).tolist() == [[False, False, True]]


def test_comparable_with_previous(result: qnkpi.Result) -> None:
    comparable = result.comparable("share")
    row = result.tree.index["P"]
    # 2023: no previous year; 2024: same tree; 2025: the reform
    assert np.isnan(comparable[row, 0])
    assert comparable[row, 1:4].tolist() == [1.0, 0.0, 1.0]
    assert np.isnan(comparable[result.tree.index["C1"], 2])  # new in 2025


def test_the_json_checks_say_whether_comparable(result: qnkpi.Result) -> None:
    stream = io.StringIO()
    result.write_json(stream)
    checks = json.loads(stream.getvalue())["checks"]
    if not checks or "comparable_with_previous" not in checks[0]:
        pytest.skip("the checks table does not have the column yet (engine/tables.py)")
    at_p = {c["year"]: c["comparable_with_previous"] for c in checks
            if c["unit"] == "P" and c["indicator"] == "share_kept"}
    assert at_p == {2023: None, 2024: True, 2025: False}


def test_a_record_is_not_a_comparison_across_trees(result: qnkpi.Result) -> None:
    # 37.5% (2023) missed, no value in 2024 (no_data), 52.5% (2025) met: each year judged
    # on its own tree, so the record needs no baseline
    row = next(r for r in result.assessment_rows("share_kept") if r["unit"] == "P")
    assert row["status"] == "met_this_year"
    assert row["ratio"] is None and row["projected"] is None
    if "record" in row:
        assert row["record"] == {"met": 1, "of": 3, "no_data": 1}


# --- baselines never across a break ----------------------------------------------------

def _assess(result: qnkpi.Result, name: str, carried: bool) -> dict[str, Any]:
    spec = result.spec
    panels = carried_panels(spec, result.tree, result.measures, result.as_of, PLUGINS)
    assert panels is not None  # the tree breaks up to 2025
    out = assess_indicator(spec, name, spec.indicators[name],
                           result.indicators[name].panel, result.tree, result.as_of, PLUGINS,
                           carried=panels[name] if carried else None)
    a = out[0]  # linear_path at P
    assert a.inputs.rows.tolist() == [result.tree.index["P"]]
    assert a.baseline_basis is not None
    return {"basis": BASELINE_BASES[a.baseline_basis[0]],
            "baseline": (a.inputs.baseline_year[0], a.inputs.baseline[0]),
            "current": (a.inputs.current_year[0], a.inputs.current[0]),
            "status": int(a.status[0]), "reason": a.reason[0]}


def test_a_baseline_across_the_reform_is_restated_where_the_measures_carry(
        result: qnkpi.Result) -> None:
    got = _assess(result, "share", carried=True)
    # 2023 onto 2025's tree: C1 = D1 (40/100), C2 = C3 = half of D2 (30/100 each),
    # D3 (50/100): 150 / 400 = 37.5%, the same territory summed another way
    assert got["basis"] == "restated"
    assert got["baseline"] == (2023.0, pytest.approx(37.5))
    assert got["current"] == (2025.0, pytest.approx(52.5))
    # linear path: expected (90 - 37.5) x 2 / 7 = 15, observed 15: ratio 1
    assert got["status"] == AssessmentStatus.ON_TRACK


def test_without_a_restated_view_the_baseline_starts_on_the_current_tree(
        result: qnkpi.Result) -> None:
    got = _assess(result, "share", carried=False)
    assert got["basis"] == "current_tree"
    assert got["baseline"] == (2025.0, pytest.approx(52.5))  # one value: too little data
    assert got["status"] == AssessmentStatus.INSUFFICIENT_DATA
    assert "cannot be restated" in got["reason"]


def test_a_measure_that_cannot_be_restated_starts_on_the_current_tree(
        result: qnkpi.Result) -> None:
    got = _assess(result, "activities", carried=True)
    assert got["basis"] == "current_tree"
    assert got["baseline"] == (2025.0, 20.0)  # 5 + 5 + 5 + 5 on the commune tree
    assert got["status"] == AssessmentStatus.INSUFFICIENT_DATA  # no baseline on this tree yet
    # what evaluate gives, whether or not it carries baselines
    row = next(r for r in result.assessment_rows("activities") if r["unit"] == "P")
    assert row["baseline"] == {"year": 2025, "value": 20.0}
    assert row["status"] == "insufficient_data"
    if "baseline_basis" in row:
        assert row["baseline_basis"] == "current_tree"


def test_no_assessment_compares_two_trees(result: qnkpi.Result) -> None:
    for a in result.assessments:
        rows = a.inputs.rows
        for k in np.flatnonzero(~np.isnan(a.inputs.baseline_year)).tolist():
            if a.baseline_basis is not None and a.baseline_basis[k] == 1:
                continue  # restated onto the current tree
            by = int(a.inputs.baseline_year[k]) - int(result.years[0])
            cy = int(a.inputs.current_year[k]) - int(result.years[0])
            assert not result.breaks[rows[k], by + 1:cy + 1].any()
