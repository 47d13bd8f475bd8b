"""``cagr_ratio`` on hand-computed series: observed against required compound growth, the
projection by compounding the observed growth, and the guards for zero, negative and
sign-changing values (a clear ``insufficient_data`` with a reason, never a crash).

Every expected number is written out as arithmetic here, never asked of the library.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
TOL = 1e-9


def _evaluate(series: dict[str, dict[int, float | None]], targets: list[dict[str, Any]], *,
              direction: str = "increase", unit: str = "count",
              baseline: dict[str, Any] | None = None,
              year: int | None = None) -> qnkpi.Result:
    ind: dict[str, Any] = {"kind": "value", "measure": "x", "direction": direction,
                           "unit": unit, "targets": targets}
    if baseline is not None:
        ind["baseline"] = baseline
    spec = spec_from_dict(tiny_programme(data={"x": series}, indicators={"v": ind}),
                          plugins=PLUGINS)
    return qnkpi.evaluate(spec, year=year)


def _rows(result: qnkpi.Result, unit: str = "P") -> dict[str, dict[str, Any]]:
    rows = {r["method"]: r for r in result.assessment_rows() if r["unit"] == unit}
    assert sorted(rows) == ["cagr_ratio", "linear_path"]
    return rows


def _cagr(result: qnkpi.Result, unit: str = "P") -> dict[str, Any]:
    return _rows(result, unit)["cagr_ratio"]


def _close(actual: float | None, expected: float) -> None:
    assert actual is not None
    assert actual == pytest.approx(expected, rel=TOL, abs=TOL)


# --- the formula -------------------------------------------------------------------------

def test_increase() -> None:
    row = _cagr(_evaluate({"P": {2023: 10.0, 2025: 20.0}},
                          [{"year": 2030, "op": ">=", "value": 50}]))
    observed = (20 / 10) ** (1 / (2025 - 2023)) - 1  # sqrt(2) - 1
    required = (50 / 10) ** (1 / (2030 - 2023)) - 1  # 5^(1/7) - 1
    _close(row["ratio"], +1 * observed / abs(required))
    assert row["status"] == "on_track"
    _close(row["projected"], 20 * (1 + observed) ** (2030 - 2025))  # 20 * 2^2.5
    _close(row["projected"], 20 * 2 ** 2.5)
    _close(row["required_annual_change"], (50 - 20) / (2030 - 2025))
    assert row["baseline"] == {"year": 2023, "value": 10.0}
    assert row["current"] == {"year": 2025, "value": 20.0}
    assert row["reason"] is None


def test_increase_at_risk() -> None:
    row = _cagr(_evaluate({"P": {2023: 100.0, 2027: 130.0}},
                          [{"year": 2030, "op": ">=", "value": 200}]))
    observed = (130 / 100) ** (1 / 4) - 1
    required = (200 / 100) ** (1 / 7) - 1
    ratio = observed / abs(required)
    assert 0.6 <= ratio < 0.95
    _close(row["ratio"], ratio)
    assert row["status"] == "at_risk"
    _close(row["projected"], 130 * (1 + observed) ** 3)


def test_decrease() -> None:
    row = _cagr(_evaluate({"P": {2023: 50.0, 2026: 44.0}},
                          [{"year": 2030, "op": "<=", "value": 20}], direction="decrease"))
    observed = (44 / 50) ** (1 / (2026 - 2023)) - 1  # negative
    required = (20 / 50) ** (1 / (2030 - 2023)) - 1  # negative
    ratio = -1 * observed / abs(required)
    assert ratio > 0
    _close(row["ratio"], ratio)
    assert row["status"] == ("on_track" if ratio >= 0.95 else "at_risk" if ratio >= 0.6
                             else "off_track")
    assert row["status"] == "off_track"  # 0.2978...
    _close(row["projected"], 44 * (1 + observed) ** (2030 - 2026))
    _close(row["required_annual_change"], (20 - 44) / 4)


def test_decrease_that_rises_is_regressing() -> None:
    row = _cagr(_evaluate({"P": {2023: 40.0, 2025: 45.0}},
                          [{"year": 2030, "op": "<=", "value": 10}], direction="decrease"))
    observed = (45 / 40) ** (1 / 2) - 1
    required = (10 / 40) ** (1 / 7) - 1
    _close(row["ratio"], -1 * observed / abs(required))
    assert row["status"] == "regressing"


def test_regression_is_regressing() -> None:
    row = _cagr(_evaluate({"P": {2023: 40.0, 2025: 30.0}},
                          [{"year": 2030, "op": ">=", "value": 60}]))
    observed = (30 / 40) ** (1 / 2) - 1
    required = (60 / 40) ** (1 / 7) - 1
    _close(row["ratio"], observed / abs(required))
    assert row["ratio"] < 0
    assert row["status"] == "regressing"
    _close(row["projected"], 30 * (1 + observed) ** 5)


def test_no_change_is_off_track() -> None:
    row = _cagr(_evaluate({"P": {2023: 40.0, 2025: 40.0}},
                          [{"year": 2030, "op": ">=", "value": 60}]))
    _close(row["ratio"], 0.0)
    assert row["status"] == "off_track"
    _close(row["projected"], 40.0)


def test_achieved() -> None:
    rows = _rows(_evaluate({"P": {2023: 30.0, 2025: 65.0}},
                           [{"year": 2030, "op": ">=", "value": 60}]))
    for row in rows.values():
        assert row["status"] == "achieved"
        assert row["required_annual_change"] == 0.0
        assert row["reason"] is None


def test_one_data_point() -> None:
    rows = _rows(_evaluate({"P": {2026: 10.0}}, [{"year": 2030, "op": ">=", "value": 50}]))
    for row in rows.values():
        assert row["status"] == "insufficient_data"
        assert row["ratio"] is None and row["projected"] is None
        assert row["reason"] and "two different years" in row["reason"]


def test_baseline_and_current_in_the_same_year() -> None:
    rows = _rows(_evaluate({"P": {2023: 5.0, 2025: 20.0}},
                           [{"year": 2030, "op": ">=", "value": 50}],
                           baseline={"year": 2025, "value": 12.0}))
    for row in rows.values():
        assert row["status"] == "insufficient_data"
        assert row["ratio"] is None
        assert row["reason"] and "two different years" in row["reason"]


def test_declared_baseline() -> None:
    row = _cagr(_evaluate({"P": {2023: 10.0, 2025: 20.0}},
                          [{"year": 2030, "op": ">=", "value": 50}],
                          baseline={"year": 2020, "value": 5.0}))
    observed = (20 / 5) ** (1 / (2025 - 2020)) - 1
    required = (50 / 5) ** (1 / (2030 - 2020)) - 1
    _close(row["ratio"], observed / abs(required))
    _close(row["projected"], 20 * (1 + observed) ** 5)


# --- guards: zero, negative, sign changes -----------------------------------------------

def _growth(value: float, base: float, years: float) -> float:
    return float((value / base) ** (1 / years) - 1)


@pytest.mark.parametrize(("series", "goal", "direction", "linear_ratio", "ratio"), [
    # zero baseline: taken as 0.001, as the published method does
    ({2023: 0.0, 2025: 20.0}, 50, "increase", (20 - 0) / ((50 - 0) * 2 / 7),
     _growth(20, 0.001, 2) / abs(_growth(50, 0.001, 7))),
    # current value zero: a fall of the whole, growth -1
    ({2023: 10.0, 2025: 0.0}, 50, "increase", (0 - 10) / ((50 - 10) * 2 / 7),
     -1 / abs(_growth(50, 10, 7))),
    # both negative: judged with the direction flipped (s = -1)
    ({2023: -5.0, 2025: -10.0}, -20, "decrease", (-10 + 5) / ((-20 + 5) * 2 / 7),
     (-1) * (-1) * _growth(-10, -5, 2) / abs(_growth(-20, -5, 7))),
], ids=["zero-baseline", "zero-current", "both-negative"])
def test_zeros_and_negative_series_follow_the_published_rules(
        series: dict[int, float], goal: float, direction: str, linear_ratio: float,
        ratio: float) -> None:
    op = ">=" if direction == "increase" else "<="
    rows = _rows(_evaluate({"P": series}, [{"year": 2030, "op": op, "value": goal}],
                           direction=direction))
    _close(rows["cagr_ratio"]["ratio"], ratio)
    _close(rows["linear_path"]["ratio"], linear_ratio)


@pytest.mark.parametrize(("series", "linear_ratio"), [
    ({2023: -10.0, 2025: 5.0}, (5 + 10) / ((50 + 10) * 2 / 7)),
    ({2023: 10.0, 2025: -5.0}, (-5 - 10) / ((50 - 10) * 2 / 7)),
], ids=["neg-to-pos", "pos-to-neg"])
def test_opposite_signs_give_insufficient_data_with_a_reason(
        series: dict[int, float], linear_ratio: float) -> None:
    rows = _rows(_evaluate({"P": series}, [{"year": 2030, "op": ">=", "value": 50}]))
    cagr = rows["cagr_ratio"]
    assert cagr["status"] == "insufficient_data"
    assert cagr["ratio"] is None
    assert cagr["projected"] is None  # no silent substitute
    assert cagr["reason"] == "growth rates need a baseline and a current value of one sign"
    # the linear path still judges the same series
    linear = rows["linear_path"]
    assert linear["status"] != "insufficient_data"
    _close(linear["ratio"], linear_ratio)


def test_goal_of_zero_is_taken_as_0_001_and_says_so() -> None:
    rows = _rows(_evaluate({"P": {2023: 10.0, 2025: 6.0}},
                           [{"year": 2030, "op": "<=", "value": 0}], direction="decrease"))
    cagr = rows["cagr_ratio"]
    _close(cagr["ratio"], -_growth(6, 10, 2) / abs(_growth(0.001, 10, 7)))
    assert cagr["reason"] == "a goal of 0 is taken as 0.001, as the published method does"
    linear = rows["linear_path"]
    _close(linear["ratio"], (6 - 10) / ((0 - 10) * 2 / 7))  # 1.4
    assert linear["status"] == "on_track"


def test_goal_equal_to_baseline_left_behind_is_regressing_and_says_why() -> None:
    row = _cagr(_evaluate({"P": {2023: 50.0, 2025: 40.0}},
                          [{"year": 2030, "op": ">=", "value": 50}]))
    assert row["status"] == "regressing"
    assert row["ratio"] is None  # no growth was required: no finite ratio
    assert row["reason"] == "the goal equals the baseline and the value moved away from it"


def test_goal_equal_to_baseline_not_met_and_flat_gives_no_ratio_and_says_why() -> None:
    row = _cagr(_evaluate({"P": {2023: 50.0, 2025: 50.0}},
                          [{"year": 2030, "op": ">", "value": 50}]))
    assert row["status"] == "insufficient_data"
    assert row["ratio"] is None
    assert row["reason"] and "goal equals the baseline" in row["reason"]


def test_zero_baseline_with_achieved_goal_is_achieved() -> None:
    row = _cagr(_evaluate({"P": {2023: 0.0, 2025: 1.0}},
                          [{"year": 2030, "op": ">=", "value": 1}]))
    assert row["status"] == "achieved"
    assert row["required_annual_change"] == 0.0
    assert row["reason"] is None


# --- percentages --------------------------------------------------------------------------

def test_percent_projection_capped_at_100() -> None:
    row = _cagr(_evaluate({"P": {2023: 90.0, 2025: 98.0}},
                          [{"year": 2030, "op": ">=", "value": 100}], unit="percent"))
    observed = (98 / 90) ** (1 / 2) - 1
    assert 98 * (1 + observed) ** 5 > 100
    assert row["projected"] == 100.0
    _close(row["ratio"], observed / abs((100 / 90) ** (1 / 7) - 1))


def test_percent_projection_below_100_is_kept() -> None:
    row = _cagr(_evaluate({"P": {2023: 40.0, 2025: 44.0}},
                          [{"year": 2030, "op": ">=", "value": 90}], unit="percent"))
    observed = (44 / 40) ** (1 / 2) - 1
    _close(row["projected"], 44 * (1 + observed) ** 5)
    assert row["projected"] < 100


# --- properties ---------------------------------------------------------------------------

_positive = st.floats(min_value=0.1, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(baseline=_positive, current=_positive, goal=_positive,
       scale=st.floats(min_value=1e-3, max_value=1e3),
       years=st.tuples(st.integers(2023, 2024), st.integers(1, 3), st.integers(1, 3)),
       direction=st.sampled_from(["increase", "decrease"]))
def test_ratio_is_unchanged_by_scaling(baseline: float, current: float, goal: float,
                                       scale: float, years: tuple[int, int, int],
                                       direction: str) -> None:
    # growth rates away from zero, so that the ratio is well conditioned
    assume(abs(math.log(current / baseline)) > 1e-3)
    assume(abs(math.log(goal / baseline)) > 1e-3)
    by, cy = years[0], years[0] + years[1]
    gy = cy + years[2]
    op = ">=" if direction == "increase" else "<="

    def ratio(k: float) -> float:
        result = _evaluate({"P": {by: baseline * k, cy: current * k}},
                           [{"year": gy, "op": op, "value": goal * k}], direction=direction)
        value = _cagr(result)["ratio"]
        assert value is not None
        return float(value)

    plain, scaled = ratio(1.0), ratio(scale)
    assert scaled == pytest.approx(plain, rel=1e-9, abs=1e-12)
    sign = 1 if direction == "increase" else -1
    observed = (current / baseline) ** (1 / (cy - by)) - 1
    required = (goal / baseline) ** (1 / (gy - by)) - 1
    assert plain == pytest.approx(sign * observed / abs(required), rel=1e-9, abs=1e-12)
