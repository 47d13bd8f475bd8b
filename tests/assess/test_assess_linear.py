"""``linear_path`` on hand-computed series: the ratio against the straight line from the
baseline to the goal, the projection along the observed line, the change still required
each year, and the statuses the engine gives around them.

Every expected number is written out as arithmetic here, never asked of the library.
"""

from __future__ import annotations

from typing import Any

import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
TOL = 1e-9


def _evaluate(series: dict[str, dict[int, float | None]], targets: list[dict[str, Any]], *,
              direction: str = "increase", unit: str = "count",
              baseline: dict[str, Any] | None = None, year: int | None = None,
              units: list[str] | None = None) -> qnkpi.Result:
    ind: dict[str, Any] = {"kind": "value", "measure": "x", "direction": direction,
                           "unit": unit, "targets": targets,
                           "assessment": {"methods": ["linear_path"]}}
    if baseline is not None:
        ind["baseline"] = baseline
    spec = spec_from_dict(tiny_programme(data={"x": series}, indicators={"v": ind}),
                          plugins=PLUGINS)
    return qnkpi.evaluate(spec, year=year, units=units)


def _row(result: qnkpi.Result, unit: str = "P") -> dict[str, Any]:
    rows = [r for r in result.assessment_rows() if r["unit"] == unit]
    assert [r["method"] for r in rows] == ["linear_path"]
    return rows[0]


def _close(actual: float | None, expected: float) -> None:
    assert actual is not None
    assert actual == pytest.approx(expected, rel=TOL, abs=TOL)


# --- the formula -------------------------------------------------------------------------

def test_increase_on_track() -> None:
    row = _row(_evaluate({"P": {2023: 20.0, 2025: 40.0}},
                         [{"year": 2028, "op": ">=", "value": 60}]))
    expected_change = (60 - 20) * (2025 - 2023) / (2028 - 2023)  # 16
    _close(row["ratio"], (40 - 20) / expected_change)  # 1.25
    _close(row["projected"], 40 + (40 - 20) / (2025 - 2023) * (2028 - 2025))  # 70
    _close(row["required_annual_change"], (60 - 40) / (2028 - 2025))
    assert row["status"] == "on_track"
    assert row["baseline"] == {"year": 2023, "value": 20.0}
    assert row["current"] == {"year": 2025, "value": 40.0}
    assert (row["goal_year"], row["goal"], row["method"]) == (2028, 60.0, "linear_path")
    assert row["reason"] is None


def test_increase_at_risk() -> None:
    row = _row(_evaluate({"P": {2023: 10.0, 2025: 20.0}},
                         [{"year": 2030, "op": ">=", "value": 50}]))
    ratio = (20 - 10) / ((50 - 10) * (2025 - 2023) / (2030 - 2023))  # 0.875
    _close(row["ratio"], ratio)
    assert row["status"] == "at_risk"
    _close(row["projected"], 20 + 5 * 5)
    _close(row["required_annual_change"], (50 - 20) / 5)


def test_decrease_off_track() -> None:
    row = _row(_evaluate({"P": {2023: 50.0, 2026: 44.0}},
                         [{"year": 2030, "op": "<=", "value": 20}], direction="decrease"))
    expected_change = (20 - 50) * (2026 - 2023) / (2030 - 2023)  # -90/7
    _close(row["ratio"], (44 - 50) / expected_change)  # 42/90
    assert row["status"] == "off_track"
    _close(row["projected"], 44 + (44 - 50) / 3 * 4)  # 36
    _close(row["required_annual_change"], (20 - 44) / (2030 - 2026))  # -6


def test_decrease_on_track() -> None:
    row = _row(_evaluate({"P": {2023: 50.0, 2025: 30.0}},
                         [{"year": 2030, "op": "<", "value": 20}], direction="decrease"))
    _close(row["ratio"], (30 - 50) / ((20 - 50) * 2 / 7))  # 7/3
    assert row["status"] == "on_track"


def test_regression_is_regressing() -> None:
    row = _row(_evaluate({"P": {2023: 40.0, 2025: 30.0}},
                         [{"year": 2030, "op": ">=", "value": 60}]))
    _close(row["ratio"], (30 - 40) / ((60 - 40) * 2 / 7))  # -1.75
    assert row["ratio"] < 0
    assert row["status"] == "regressing"
    _close(row["projected"], 30 + (-5) * 5)


def test_decrease_regressing() -> None:
    row = _row(_evaluate({"P": {2023: 40.0, 2025: 45.0}},
                         [{"year": 2030, "op": "<=", "value": 10}], direction="decrease"))
    _close(row["ratio"], (45 - 40) / ((10 - 40) * 2 / 7))
    assert row["status"] == "regressing"


def test_uses_the_first_and_latest_years_with_a_value() -> None:
    row = _row(_evaluate({"P": {2023: None, 2024: 12.0, 2025: 99.0, 2026: 18.0,
                                2027: None}},
                         [{"year": 2030, "op": ">=", "value": 40}]))
    assert row["baseline"] == {"year": 2024, "value": 12.0}
    assert row["current"] == {"year": 2026, "value": 18.0}
    _close(row["ratio"], (18 - 12) / ((40 - 12) * (2026 - 2024) / (2030 - 2024)))


# --- achieved, too little data, and degenerate goals ---------------------------------------

@pytest.mark.parametrize(("direction", "op", "goal", "series"), [
    ("increase", ">=", 60, {2023: 30.0, 2025: 65.0}),
    ("increase", ">=", 60, {2023: 30.0, 2025: 60.0}),  # meets ">=" exactly
    ("decrease", "<=", 20, {2023: 50.0, 2026: 18.0}),
    ("decrease", "<", 20, {2023: 50.0, 2026: 19.5}),
])
def test_achieved_when_current_meets_the_goal(direction: str, op: str, goal: float,
                                              series: dict[int, float]) -> None:
    row = _row(_evaluate({"P": series}, [{"year": 2030, "op": op, "value": goal}],
                         direction=direction))
    assert row["status"] == "achieved"
    assert row["required_annual_change"] == 0.0
    assert row["reason"] is None


def test_strict_goal_on_the_boundary_is_not_achieved() -> None:
    row = _row(_evaluate({"P": {2023: 30.0, 2025: 60.0}},
                         [{"year": 2030, "op": ">", "value": 60}]))
    assert row["status"] != "achieved"
    _close(row["ratio"], (60 - 30) / ((60 - 30) * 2 / 7))  # 3.5
    assert row["status"] == "on_track"
    _close(row["required_annual_change"], 0.0)


def test_one_data_point_is_insufficient_data_with_a_reason() -> None:
    row = _row(_evaluate({"P": {2024: 10.0}}, [{"year": 2030, "op": ">=", "value": 50}]))
    assert row["status"] == "insufficient_data"
    assert row["ratio"] is None
    assert row["projected"] is None
    assert row["baseline"] == row["current"] == {"year": 2024, "value": 10.0}
    assert row["reason"]
    assert "two different years" in row["reason"]


def test_no_data_at_all_is_insufficient_data_with_nulls() -> None:
    result = _evaluate({"D1": {2024: 3.0}},
                       [{"year": 2030, "op": ">=", "value": 50, "units": ["D2"]}])
    row = _row(result, "D2")
    assert row["status"] == "insufficient_data"
    assert row["baseline"] == {"year": None, "value": None}
    assert row["current"] == {"year": None, "value": None}
    assert row["ratio"] is None and row["projected"] is None
    assert row["required_annual_change"] is None
    assert row["reason"]


def test_one_data_point_that_meets_a_goal_still_ahead_is_not_achieved() -> None:
    # issue 17: one value says nothing of progress toward a goal due in 2030
    row = _row(_evaluate({"P": {2024: 70.0}}, [{"year": 2030, "op": ">=", "value": 50}]))
    assert row["status"] == "insufficient_data"
    assert row["required_annual_change"] == 0.0


def test_baseline_and_current_in_the_same_year() -> None:
    # the declared baseline is in the current year: no span to judge progress over
    row = _row(_evaluate({"P": {2023: 5.0, 2025: 20.0}},
                         [{"year": 2030, "op": ">=", "value": 50}],
                         baseline={"year": 2025, "value": 12.0}))
    assert row["baseline"] == {"year": 2025, "value": 12.0}
    assert row["current"] == {"year": 2025, "value": 20.0}
    assert row["status"] == "insufficient_data"
    assert row["ratio"] is None
    assert row["reason"] and "two different years" in row["reason"]


def test_goal_equal_to_baseline_left_behind_is_regressing_and_says_why() -> None:
    row = _row(_evaluate({"P": {2023: 50.0, 2025: 40.0}},
                         [{"year": 2030, "op": ">=", "value": 50}]))
    assert row["status"] == "regressing"
    assert row["ratio"] is None  # no change was expected: the ratio has no finite value
    assert row["reason"] == ("the baseline already met the goal and the value moved away "
                             "from it")
    _close(row["required_annual_change"], (50 - 40) / 5)


def test_goal_equal_to_baseline_not_met_and_not_moving_gives_no_ratio_and_says_why() -> None:
    row = _row(_evaluate({"P": {2023: 50.0, 2025: 50.0}},
                         [{"year": 2030, "op": ">", "value": 50}]))
    assert row["status"] == "insufficient_data"
    assert row["ratio"] is None
    assert row["reason"] == "the baseline already meets the goal: no change is expected"


def test_a_fall_from_a_baseline_beyond_the_goal_is_regressing_not_on_track() -> None:
    # the formula alone gives (1 - 4) / ((2 - 4) x 2/7) = 5.25, "on track"
    row = _row(_evaluate({"P": {2023: 4.0, 2025: 1.0}},
                         [{"year": 2030, "op": ">=", "value": 2}]))
    assert row["status"] == "regressing"
    assert row["ratio"] is None
    assert "moved away" in row["reason"]


def test_a_decrease_goal_left_behind_is_regressing() -> None:
    row = _row(_evaluate({"P": {2023: 10.0, 2025: 30.0}},
                         [{"year": 2030, "op": "<=", "value": 20}], direction="decrease"))
    assert row["status"] == "regressing"
    assert "moved away" in row["reason"]


def test_goal_equal_to_baseline_met_is_achieved() -> None:
    row = _row(_evaluate({"P": {2023: 50.0, 2025: 55.0}},
                         [{"year": 2030, "op": ">=", "value": 50}]))
    assert row["status"] == "achieved"
    assert row["required_annual_change"] == 0.0


def test_zero_and_negative_values_are_judged() -> None:
    row = _row(_evaluate({"P": {2023: 0.0, 2025: 20.0}},
                         [{"year": 2030, "op": ">=", "value": 50}]))
    _close(row["ratio"], (20 - 0) / ((50 - 0) * 2 / 7))  # 1.4
    assert row["status"] == "on_track"
    row = _row(_evaluate({"P": {2023: -10.0, 2025: 5.0}},
                         [{"year": 2030, "op": ">=", "value": 50}]))
    _close(row["ratio"], (5 + 10) / ((50 + 10) * 2 / 7))  # 0.875
    assert row["status"] == "at_risk"
    _close(row["projected"], 5 + 7.5 * 5)


# --- percentages --------------------------------------------------------------------------

def test_percent_projection_capped_at_100() -> None:
    row = _row(_evaluate({"P": {2023: 90.0, 2025: 98.0}},
                         [{"year": 2030, "op": ">=", "value": 100}], unit="percent"))
    assert 98 + (98 - 90) / 2 * 5 > 100  # the straight line would overshoot
    assert row["projected"] == 100.0
    _close(row["ratio"], (98 - 90) / ((100 - 90) * 2 / 7))
    _close(row["required_annual_change"], (100 - 98) / 5)


def test_percent_projection_floored_at_0() -> None:
    row = _row(_evaluate({"P": {2023: 30.0, 2025: 10.0}},
                         [{"year": 2030, "op": "<=", "value": 5}], unit="percent",
                         direction="decrease"))
    assert 10 + (10 - 30) / 2 * 5 < 0
    assert row["projected"] == 0.0


def test_count_projection_is_not_capped() -> None:
    row = _row(_evaluate({"P": {2023: 90.0, 2025: 98.0}},
                         [{"year": 2030, "op": ">=", "value": 100}]))
    _close(row["projected"], 98 + (98 - 90) / 2 * 5)  # 118


# --- between goals ------------------------------------------------------------------------

def test_between_goal_uses_min_for_increase() -> None:
    row = _row(_evaluate({"P": {2023: 20.0, 2025: 30.0}},
                         [{"year": 2030, "op": "between", "min": 40, "max": 60}]))
    assert row["goal"] == 40.0
    _close(row["ratio"], (30 - 20) / ((40 - 20) * 2 / 7))  # 1.75
    _close(row["required_annual_change"], (40 - 30) / 5)


def test_between_goal_uses_max_for_decrease() -> None:
    row = _row(_evaluate({"P": {2023: 100.0, 2025: 90.0}},
                         [{"year": 2030, "op": "between", "min": 40, "max": 60}],
                         direction="decrease"))
    assert row["goal"] == 60.0
    _close(row["ratio"], (90 - 100) / ((60 - 100) * 2 / 7))  # 0.875
    assert row["status"] == "at_risk"
    _close(row["required_annual_change"], (60 - 90) / 5)


def test_between_goal_achieved_inside_the_band() -> None:
    row = _row(_evaluate({"P": {2023: 100.0, 2025: 50.0}},
                         [{"year": 2030, "op": "between", "min": 40, "max": 60}],
                         direction="decrease"))
    assert row["status"] == "achieved"
    assert row["required_annual_change"] == 0.0


# --- the declared baseline ---------------------------------------------------------------

def test_declared_baseline_replaces_the_first_data_year() -> None:
    row = _row(_evaluate({"P": {2023: 10.0, 2025: 20.0}},
                         [{"year": 2030, "op": ">=", "value": 50}],
                         baseline={"year": 2020, "value": 5.0}))
    assert row["baseline"] == {"year": 2020, "value": 5.0}
    expected_change = (50 - 5) * (2025 - 2020) / (2030 - 2020)  # 22.5
    _close(row["ratio"], (20 - 5) / expected_change)  # 2/3
    assert row["status"] == "at_risk"
    _close(row["projected"], 20 + (20 - 5) / (2025 - 2020) * (2030 - 2025))  # 35


@pytest.mark.parametrize("scope", [{"level": "province"}, {"units": ["P"]}],
                         ids=["level-of-the-top", "units-top"])
def test_declared_baseline_applies_to_a_goal_on_the_top_unit_however_scoped(
        scope: dict[str, Any]) -> None:
    row = _row(_evaluate({"P": {2023: 10.0, 2025: 20.0}},
                         [{"year": 2030, "op": ">=", "value": 50, **scope}],
                         baseline={"year": 2020, "value": 5.0}))
    assert row["baseline"] == {"year": 2020, "value": 5.0}
    _close(row["ratio"], (20 - 5) / ((50 - 5) * 5 / 10))


def test_declared_baseline_does_not_apply_to_district_goals() -> None:
    result = _evaluate({"D1": {2023: 10.0, 2025: 20.0}, "D2": {2024: 8.0, 2026: 9.0}},
                       [{"year": 2030, "op": ">=", "value": 50, "level": "district"}],
                       baseline={"year": 2020, "value": 5.0})
    assert _row(result, "D1")["baseline"] == {"year": 2023, "value": 10.0}
    assert _row(result, "D2")["baseline"] == {"year": 2024, "value": 8.0}


def test_declared_baseline_after_the_evaluation_year_is_insufficient() -> None:
    row = _row(_evaluate({"P": {2023: 10.0, 2025: 20.0}},
                         [{"year": 2030, "op": ">=", "value": 50}],
                         baseline={"year": 2026, "value": 22.0}, year=2025))
    assert row["status"] == "insufficient_data"
    assert row["ratio"] is None
    assert row["reason"]
