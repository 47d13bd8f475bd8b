"""The published Open SDG / Statistics Canada progress method, rule by rule: hand-computed
oracles for zeros, negative series, opposite signs, trends without a target (with and
without a natural limit) and a fixed base year; the peer's own test series; and a
property: scaling a positive series and its target leaves the ratio unchanged."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.assess.methods import CagrTrend
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()


def _assess(series: dict[int, float], *, direction: str = "increase",
            target: dict[str, Any] | None = None, assessment: dict[str, Any] | None = None,
            start: int | None = None, end: int = 2030,
            methods: tuple[str, ...] = ("cagr_ratio",)) -> dict[str, Any]:
    """The assessment row of the top unit (P) for a value indicator holding `series`."""
    indicator: dict[str, Any] = {"kind": "value", "measure": "x", "direction": direction,
                                 "targets": [] if target is None else [
                                     {"goal": True, **target}]}
    settings_ = dict(assessment or {})
    if target is not None:
        settings_.setdefault("methods", list(methods))
    if settings_:
        indicator["assessment"] = settings_
    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": dict(series), "D1": {min(series): 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": indicator}, start=start or min(series), end=end), plugins=PLUGINS)
    rows = [r for r in qnkpi.evaluate(spec, plugins=PLUGINS).assessment_rows()
            if r["unit"] == "P"]
    assert len(rows) == 1, rows
    return rows[0]


def _growth(value: float, base: float, years: float) -> float:
    return float((value / base) ** (1 / years) - 1)


# --- cagr_ratio: zeros ---------------------------------------------------------------------

def test_a_goal_of_zero_is_taken_as_0_001_the_peers_own_case() -> None:
    """Open SDG's test indicator 3-3-3: decrease toward 0 by 2030, base year 2015."""
    series = {2010: 1.51, 2011: 1.51, 2012: 1.38, 2013: 1.4, 2014: 1.27, 2015: 1.55,
              2016: 1.69, 2017: 1.65, 2018: 1.62, 2019: 1.82}
    row = _assess(series, direction="decrease", target={"year": 2030, "op": "<=", "value": 0},
                  assessment={"base_year": 2015})
    observed = _growth(1.82, 1.55, 4)
    required = _growth(0.001, 1.55, 15)
    assert row["ratio"] == pytest.approx(-observed / abs(required), rel=1e-12)
    assert row["ratio"] == pytest.approx(-0.10579, abs=5e-6)
    assert row["status"] == "regressing"
    assert row["baseline"] == {"year": 2015, "value": 1.55}
    assert row["reason"] == "a goal of 0 is taken as 0.001, as the published method does"
    assert row["goal"] == 0  # the goal itself is reported as the spec states it


def test_a_baseline_of_zero_is_taken_as_0_001() -> None:
    row = _assess({2023: 0.0, 2025: 2.0}, target={"year": 2030, "op": ">=", "value": 10})
    expected = _growth(2.0, 0.001, 2) / abs(_growth(10.0, 0.001, 7))
    assert row["ratio"] == pytest.approx(expected, rel=1e-12)
    assert row["status"] == "on_track"
    assert row["reason"] == "a baseline of 0 is taken as 0.001, as the published method does"
    assert row["baseline"]["value"] == 0.0  # reported as it is


def test_a_current_value_of_zero_is_a_fall_of_the_whole() -> None:
    row = _assess({2023: 4.0, 2025: 0.0}, target={"year": 2030, "op": ">=", "value": 10})
    assert row["ratio"] == pytest.approx(-1.0 / abs(_growth(10.0, 4.0, 7)), rel=1e-12)
    assert row["status"] == "regressing"


# --- cagr_ratio: signs ---------------------------------------------------------------------

def test_a_negative_series_is_judged_with_its_direction_flipped() -> None:
    """-10 to -8 while aiming at -5: values rise toward the goal, as the direction says;
    the growth of the magnitudes is negative, and s = -1 turns it into progress."""
    row = _assess({2023: -10.0, 2025: -8.0}, target={"year": 2030, "op": ">=", "value": -5})
    observed = _growth(-8.0, -10.0, 2)       # (0.8)^(1/2) - 1 < 0
    required = _growth(-5.0, -10.0, 7)       # (0.5)^(1/7) - 1 < 0
    assert row["ratio"] == pytest.approx(-1 * observed / abs(required), rel=1e-12)
    assert row["ratio"] > 0.95 and row["status"] == "on_track"
    falling = _assess({2023: -10.0, 2025: -12.0}, target={"year": 2030, "op": ">=",
                                                          "value": -5})
    assert falling["ratio"] < 0 and falling["status"] == "regressing"


@pytest.mark.parametrize(("series", "goal", "reason"), [
    ({2023: 5.0, 2025: -1.0}, 10, "a baseline and a current value of one sign"),
    ({2023: -5.0, 2025: 1.0}, 10, "a baseline and a current value of one sign"),
    ({2023: -5.0, 2025: -4.0}, 10, "a goal of the same sign as the baseline"),
])
def test_opposite_signs_give_no_ratio(series: dict[int, float], goal: float,
                                      reason: str) -> None:
    row = _assess(series, target={"year": 2030, "op": ">=", "value": goal})
    assert row["ratio"] is None and row["status"] == "insufficient_data"
    assert reason in row["reason"]


# --- trends without a target ------------------------------------------------------------

def test_an_indicator_without_a_target_is_assessed_by_its_trend() -> None:
    """Open SDG's test indicator 17-8-1: increase, no target, 91.3 (2018) to 92.3 (2020)."""
    row = _assess({2018: 91.3, 2020: 92.3})
    rate = _growth(92.3, 91.3, 2)
    assert row["method"] == "cagr_trend"
    assert row["ratio"] == pytest.approx(rate, rel=1e-12)
    assert row["ratio"] == pytest.approx(0.005462, abs=5e-7)
    assert row["status"] == "moderate_progress"
    assert row["goal"] is None and row["op"] is None and row["goal_year"] == 2030
    assert row["projected"] == pytest.approx(92.3 * (1 + rate) ** 10, rel=1e-12)


def test_a_natural_limit_scales_the_trend_cutoffs() -> None:
    """Near a limit of 100, 0.55% a year is all the room there is: C = 1 - 0.913^4.44."""
    row = _assess({2018: 91.3, 2020: 92.3}, assessment={"limit": 100})
    scale = 1 - 0.913 ** 4.44
    assert CagrTrend.scale(qnkpi_array([91.3]), 100)[0] == pytest.approx(scale, rel=1e-12)
    assert 0.015 * scale < row["ratio"] < 0.015  # moderate without the limit
    assert row["status"] == "substantial_progress"


@pytest.mark.parametrize(("baseline", "limit", "scale"), [
    (0.0, 100, 1.0),                          # far from a maximum
    (50.0, 100, 1 - 0.5 ** 4.44),
    (100.0, 100, 0.0),                        # at the limit: any rise is substantial
    (150.0, 100, 1 - 0.5 ** 4.44),            # above a minimum of 100
    (200.0, 100, 1.0),                        # twice the limit and more: unscaled
    (-50.0, -100, 1 - 0.5 ** 4.44),           # magnitudes
    (5.0, 0, 1.0),                            # a limit of 0 changes nothing
])
def test_the_limit_scaling(baseline: float, limit: float, scale: float) -> None:
    assert CagrTrend.scale(qnkpi_array([baseline]), limit)[0] == pytest.approx(scale)


@pytest.mark.parametrize(("series", "direction", "rate", "status"), [
    ({2020: 100.0, 2021: 120.0}, "decrease", -0.2, "deterioration"),  # Open SDG 1-1-1
    ({2015: 57.781, 2016: 58.964, 2017: 58.478, 2018: 57.519, 2019: 56.143}, "increase",
     -0.007164, "deterioration"),                                      # Open SDG 1-a-2
    ({2023: 100.0, 2025: 100.2}, "increase", 0.0009995, "limited_progress"),
    ({2023: 100.0, 2025: 104.0}, "increase", 0.019804, "substantial_progress"),
])
def test_the_trend_categories(series: dict[int, float], direction: str, rate: float,
                              status: str) -> None:
    row = _assess(series, direction=direction)
    assert row["ratio"] == pytest.approx(rate, abs=5e-7)
    assert row["status"] == status


def test_a_trend_needs_two_years() -> None:
    row = _assess({2023: 5.0})
    assert row["status"] == "insufficient_data" and row["ratio"] is None


def test_no_methods_turns_the_trend_off_too() -> None:
    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: 1.0, 2025: 2.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "assessment": {"methods": []}}}), plugins=PLUGINS)
    assert list(qnkpi.evaluate(spec, plugins=PLUGINS).assessment_rows()) == []


def test_a_limit_on_an_indicator_with_targets_is_an_error() -> None:
    data = tiny_programme(
        data={"x": {"P": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "assessment": {"limit": 100},
                          "targets": [{"year": 2030, "op": ">=", "value": 5}]}})
    with pytest.raises(qnkpi.SpecError, match="'limit' scales the growth a trend needs"):
        spec_from_dict(data, plugins=PLUGINS)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_limit_is_a_finite_number(bad: float) -> None:
    data = tiny_programme(
        data={"x": {"P": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "assessment": {"limit": bad}}})
    with pytest.raises(qnkpi.SpecError, match="'limit' must be a finite number"):
        spec_from_dict(data, plugins=PLUGINS)


# --- the base year -----------------------------------------------------------------------

def test_a_fixed_base_year_and_the_first_later_year_with_data() -> None:
    series = {2013: 1.0, 2014: 2.0, 2016: 4.0, 2019: 8.0}
    assert _assess(series, target={"year": 2030, "op": ">=", "value": 20})[
        "baseline"] == {"year": 2013, "value": 1.0}  # the default: the first year
    row = _assess(series, target={"year": 2030, "op": ">=", "value": 20},
                  assessment={"base_year": 2015})
    assert row["baseline"] == {"year": 2016, "value": 4.0}  # never an earlier one
    assert row["ratio"] == pytest.approx(_growth(8, 4, 3) / _growth(20, 4, 14), rel=1e-12)


def test_no_value_in_or_after_the_base_year() -> None:
    row = _assess({2013: 1.0, 2014: 2.0}, target={"year": 2030, "op": ">=", "value": 20},
                  assessment={"base_year": 2015}, end=2030)
    assert row["status"] == "insufficient_data"
    assert row["reason"] == "no value in or after the base year 2015"


# --- properties ---------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(base=st.floats(1, 1000), current=st.floats(1, 1000), goal=st.floats(1, 1000),
       factor=st.sampled_from([0.001, 0.1, 3.0, 1000.0]))
def test_scaling_a_positive_series_and_its_target_leaves_the_ratio(
        base: float, current: float, goal: float, factor: float) -> None:
    base, current, goal = round(base, 3), round(current, 3), round(goal, 3)
    if goal == base:
        return
    target = {"year": 2030, "op": ">=" if goal > base else "<=", "value": goal}
    target_scaled = {**target, "value": goal * factor}
    direction = "increase" if goal > base else "decrease"
    one = _assess({2023: base, 2026: current}, direction=direction, target=target)
    other = _assess({2023: base * factor, 2026: current * factor}, direction=direction,
                    target=target_scaled)
    assert one["status"] == other["status"]
    if one["ratio"] is not None:
        assert other["ratio"] == pytest.approx(one["ratio"], rel=1e-9, abs=1e-12)


def qnkpi_array(values: list[float]) -> Any:
    import numpy as np

    return np.array(values, dtype=np.float64)


@pytest.mark.parametrize(("series", "goal", "ratio", "status"), [
    # Open SDG's test indicator 1-2-1: halve 14.5 by 2030, decrease
    ({2015: 14.5, 2016: 12.8, 2017: 11.7, 2018: 11.0, 2019: 10.1}, 7.25, 1.9141,
     "on_track"),
    # 3-2-1: already below a target of 25 (the peer: target achieved)
    ({2015: 5.3, 2016: 5.29, 2017: 5.16, 2018: 5.36, 2019: 5.07}, 25, None, "achieved"),
])
def test_the_peers_cases_with_a_target(series: dict[int, float], goal: float,
                                       ratio: float | None, status: str) -> None:
    row = _assess(series, direction="decrease", target={"year": 2030, "op": "<=",
                                                        "value": goal},
                  assessment={"base_year": 2015})
    assert row["status"] == status
    if ratio is not None:
        assert row["ratio"] == pytest.approx(ratio, abs=5e-5)


def test_a_limit_on_the_programme_is_an_error() -> None:
    data = tiny_programme(
        data={"x": {"P": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase"}})
    data["programme"]["assessment"] = {"limit": 100}
    with pytest.raises(qnkpi.SpecError, match="set it on each indicator without a target"):
        spec_from_dict(data, plugins=PLUGINS)


def test_the_trend_method_is_not_a_goal_method() -> None:
    with pytest.raises(qnkpi.SpecError, match="'cagr_trend' assesses an indicator without"):
        _assess({2023: 1.0, 2025: 2.0}, target={"year": 2030, "op": ">=", "value": 5},
                methods=("linear_path", "cagr_trend"))


def test_a_goal_of_zero_against_a_negative_baseline_says_both() -> None:
    row = _assess({2023: -5.0, 2025: -4.0}, target={"year": 2030, "op": ">=", "value": 0})
    assert row["status"] == "insufficient_data"
    assert row["reason"].startswith("a goal of 0 is taken as 0.001")
    assert "growth rates need one sign" in row["reason"]
