"""Verdicts that mean what they say (issue 17): a goal that repeats every year judged as
a record, a level already due and missed is overdue (never on track), no `achieved` from
one value toward a goal still ahead, and the per-year count of the top unit's targets.
Every expected value is worked out by hand in the comments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.engine.due import Record, overdue, record_of, record_status
from qnkpi.engine.targets import Thresholds
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi.verdicts import ASSESSMENT_STATUSES, AssessmentStatus, CheckStatus

PLUGINS = plugins_with()
YEARS = np.arange(2023, 2031)


def _evaluate(series: dict[str, dict[int, float]], targets: list[dict[str, Any]],
              **indicators: Any) -> qnkpi.Result:
    doc = tiny_programme(data={"x": series}, indicators={
        "v": {"kind": "value", "measure": "x", "direction": "increase", "targets": targets},
        **indicators})
    return qnkpi.evaluate(spec_from_dict(doc, plugins=PLUGINS))


def _row(result: qnkpi.Result, unit: str = "P", indicator: str = "v") -> dict[str, Any]:
    return next(r for r in result.assessment_rows(indicator)
                if r["unit"] == unit and r["method"] == "linear_path")


# --- a goal that repeats every year: its record ---------------------------------------

@pytest.mark.parametrize(("series", "status", "met", "of"), [
    ({2023: 60.0, 2024: 55.0, 2025: 70.0}, "met_every_year", 3, 3),  # all >= 50
    ({2023: 60.0, 2024: 40.0, 2025: 70.0}, "met_this_year", 2, 3),  # 2024 missed
    ({2023: 60.0, 2024: 55.0, 2025: 45.0}, "overdue", 2, 3),  # 2025 missed: due, missed
    ({2025: 70.0}, "met_every_year", 1, 1),  # a record of one year, not "achieved"
])
def test_an_every_year_target_is_judged_as_a_record(
        series: dict[int, float], status: str, met: int, of: int) -> None:
    result = _evaluate({"P": series}, [{"years": [min(series), 2030], "op": ">=",
                                        "value": 50}])
    for method in ("linear_path", "cagr_ratio"):
        row = next(r for r in result.assessment_rows("v")
                   if r["unit"] == "P" and r["method"] == method)
        assert row["status"] == status
        assert row["ratio"] is None and row["projected"] is None  # nothing projected
        assert row["required_annual_change"] is None
        if "record" in row:  # the JSON field (engine/rows.py)
            assert row["record"] == {"met": met, "of": of, "no_data": 0}
    a = result.assessments_of("v")[0]
    assert a.record is not None
    assert (int(a.record.met[0]), int(a.record.of[0])) == (met, of)


def test_a_record_without_a_value_this_year_is_too_little_data() -> None:
    # 2023 met, 2024 no value while another unit has one: with `missing: no_data` the
    # 2024 check has no data (with the default, not_met, it would be overdue)
    doc = tiny_programme(data={"x": {"P": {2023: 60.0}, "D1": {2024: 1.0}}}, indicators={
        "v": {"kind": "value", "measure": "x", "direction": "increase",
              "missing": "no_data",
              "targets": [{"years": [2023, 2030], "op": ">=", "value": 50}]}})
    doc["measures"]["x"]["rollup"] = "none"
    row = _row(qnkpi.evaluate(spec_from_dict(doc, plugins=PLUGINS)))
    assert row["status"] == "insufficient_data"
    assert row["reason"] and "this year" in row["reason"]


def test_record_counts_from_the_status_panel() -> None:
    # one unit, years 2023..2025 due (target 0), 2026 not yet: met, no data, not met
    status = np.zeros((1, 8), np.int8)
    status[0, :3] = [CheckStatus.MET, CheckStatus.NO_DATA, CheckStatus.NOT_MET]
    op = np.zeros((1, 8), np.int8)
    op[0, :] = 2
    t = Thresholds(op, np.full((1, 8), 50.0), np.full((1, 8), 50.0),
                   np.zeros((1, 8), np.int16), np.zeros((1, 8), bool))
    record = record_of(status, t, 0, YEARS, 2025)
    assert (record.met.tolist(), record.of.tolist(), record.no_data.tolist()) == ([1], [3], [1])
    assert (record.last_year.tolist(), record.last.tolist()) == ([2025], [2])
    assert record_status(record).tolist() == [AssessmentStatus.OVERDUE]


def test_record_statuses_by_this_years_check() -> None:
    record = Record(met=np.array([3, 2, 2, 0, 0]), of=np.array([3, 3, 3, 0, 2]),
                    no_data=np.zeros(5, np.int64), last_year=np.array([2025] * 5),
                    last=np.array([1, 1, 2, 0, 3], np.int8))
    assert record_status(record).tolist() == [
        AssessmentStatus.MET_EVERY_YEAR, AssessmentStatus.MET_THIS_YEAR,
        AssessmentStatus.OVERDUE, AssessmentStatus.NONE, AssessmentStatus.INSUFFICIENT_DATA]


# --- overdue ------------------------------------------------------------------------------

def test_a_missed_due_level_is_overdue_not_on_track() -> None:
    # 2025 >= 60 due and missed (55), then 100 by 2030. Linear path from 10 (2023) to
    # 100 (2030): expected by 2025 is 90 x 2 / 7 = 25.7, observed 45: ratio 1.75,
    # "on track" toward 2030, and still the level due in 2025 was missed
    result = _evaluate({"P": {2023: 10.0, 2025: 55.0}},
                       [{"year": 2025, "op": ">=", "value": 60},
                        {"year": 2030, "op": ">=", "value": 100}])
    row = _row(result)
    assert row["status"] == "overdue"
    assert row["ratio"] == pytest.approx(45 / (90 * 2 / 7))  # the ratio is still given
    assert "fell due" in row["reason"]


def test_a_met_due_level_leaves_the_pace_to_judge() -> None:
    result = _evaluate({"P": {2023: 10.0, 2025: 65.0}},
                       [{"year": 2025, "op": ">=", "value": 60},
                        {"year": 2030, "op": ">=", "value": 100}])
    assert _row(result)["status"] == "on_track"  # ratio 55 / 25.7 = 2.14


def test_an_interpolated_threshold_never_falls_due() -> None:
    # 2024 is on the reference path from 20 (2023) to 90 (2030): 30, missed by 25;
    # no level was set for 2024, so it is not overdue
    result = _evaluate({"P": {2023: 20.0, 2024: 25.0}},
                       [{"year": 2023, "op": ">=", "value": 20},
                        {"year": 2030, "op": ">=", "value": 90}])
    assert _row(result)["status"] != "overdue"


def test_overdue_is_lifted_once_the_level_is_reached_again() -> None:
    status = np.array([[0, 0, 2, 0, 0, 0, 0, 0]], np.int8)  # 2025 not met
    op = np.array([[0, 0, 2, 0, 0, 0, 0, 2]], np.int8)  # >= due in 2025, and 2030
    lo = np.array([[np.nan, np.nan, 60, np.nan, np.nan, np.nan, np.nan, 100.0]])
    t = Thresholds(op, lo, lo, np.zeros((1, 8), np.int16), np.zeros((1, 8), bool))
    assert overdue(status, t, YEARS, 2026, np.array([55.0])).tolist() == [True]
    assert overdue(status, t, YEARS, 2026, np.array([61.0])).tolist() == [False]


# --- no "achieved" from one value ----------------------------------------------------------

def test_one_value_toward_a_goal_still_ahead_is_too_little_data() -> None:
    row = _row(_evaluate({"P": {2025: 95.0}}, [{"year": 2030, "op": ">=", "value": 90}]))
    assert row["status"] == "insufficient_data"


def test_a_goal_met_in_its_own_year_is_achieved_from_that_value() -> None:
    row = _row(_evaluate({"P": {2025: 95.0}}, [{"year": 2025, "op": ">=", "value": 90}]))
    assert row["status"] == "achieved"


# --- the headline count ------------------------------------------------------------------

def test_headline_counts_the_top_units_targets_per_year() -> None:
    # v: >= 50 every year at P: 2023 met (60), 2024 not met (40), 2025 met (70)
    # w: >= 5 every year at P: 2023 no data, 2024 met (9), 2025 not met (1)
    # districts' checks are not counted
    doc = tiny_programme(data={
        "x": {"P": {2023: 60.0, 2024: 40.0, 2025: 70.0}, "D1": {2025: 99.0}},
        "y": {"P": {2024: 9.0, 2025: 1.0}, "D1": {2023: 1.0}}},
        indicators={
        "v": {"kind": "value", "measure": "x", "direction": "increase",
              "targets": [{"years": [2023, 2030], "op": ">=", "value": 50},
                          {"years": [2023, 2030], "op": ">=", "value": 0,
                           "level": "district"}]},
        "w": {"kind": "value", "measure": "y", "direction": "increase",
              "targets": [{"years": [2023, 2030], "op": ">=", "value": 5}]}})
    doc["measures"]["y"]["rollup"] = "none"  # P's own figures only
    result = qnkpi.evaluate(spec_from_dict(doc, plugins=PLUGINS))
    assert [(y.year, y.met, y.of, y.no_data) for y in result.headline()] == [
        (2023, 1, 1, 1), (2024, 1, 2, 0), (2025, 1, 2, 0)]
    assert result.summary()["by_year"][2] == {"year": 2025, "met": 1, "of": 2, "no_data": 0}


def test_new_statuses_keep_the_old_codes() -> None:
    assert ASSESSMENT_STATUSES[:11] == (
        "", "achieved", "on_track", "at_risk", "off_track", "regressing", "insufficient_data",
        "substantial_progress", "moderate_progress", "limited_progress", "deterioration")
    assert [AssessmentStatus(11).key, AssessmentStatus(12).key, AssessmentStatus(13).key] == [
        "overdue", "met_every_year", "met_this_year"]
