"""The assessment method ``recent_trend``: its statuses on the example programme, and its
ratio and projection on inputs built here, against numpy's own least-squares fit."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
import qnkpi
from qnkpi.testing import spec_from_dict, tiny_programme

from qnkpi_example import RecentTrend


def rows(result: qnkpi.Result, method: str) -> dict[str, dict[str, Any]]:
    return {row["unit"]: row for row in result.assessment_rows("trained_pct")
            if row["method"] == method}


def pct(lines: dict[tuple[str, int], dict[str, Any]], code: str, year: int) -> float | None:
    record = lines.get((code, year), {})
    if record.get("trained") is None:
        return None
    return float(record["trained"] * 100 / record["youth"])


# --8<-- [start:method-test]
def test_statuses_of_the_example(result: qnkpi.Result) -> None:
    got = {code: row["status"] for code, row in rows(result, "recent_trend").items()}
    # D2, D3, D4 and D6 missed the 2026 level (>= 40): overdue, whatever the trend says
    assert got == {"D1": "on_track", "D2": "overdue", "D3": "overdue",
                   "D4": "overdue", "D5": "achieved", "D6": "overdue"}
    assert rows(result, "recent_trend")["D6"]["reason"] == (
        "a level that fell due by the evaluation year was missed, and is still")
    # the method's own measure is kept beside the status: D3's trend points away
    assert rows(result, "recent_trend")["D3"]["ratio"] < 0
# --8<-- [end:method-test]


def test_a_stalled_district_is_ahead_of_the_straight_path_only(
        result: qnkpi.Result) -> None:
    # South District: 20% -> 35% in the first year, then +2 and +1 points: ahead of the
    # straight line (ratio above 1), far behind by its recent trend; both overdue, as it
    # missed 2026's 40%
    linear, trend = rows(result, "linear_path")["D2"], rows(result, "recent_trend")["D2"]
    assert linear["ratio"] == pytest.approx(1.05) and trend["ratio"] == pytest.approx(6 / 22)
    assert linear["status"] == trend["status"] == "overdue"


@pytest.mark.parametrize("code", ["D1", "D2", "D3", "D4"])
def test_ratio_and_projection_follow_numpys_fit(
        result: qnkpi.Result, lines: dict[tuple[str, int], dict[str, Any]], code: str) -> None:
    window = [(year, pct(lines, code, year)) for year in (2024, 2025, 2026)]
    years, values = zip(*[(y, v) for y, v in window if v is not None], strict=True)
    slope = np.polyfit(years, values, 1)[0]
    current = pct(lines, code, 2026)
    assert current is not None
    row = rows(result, "recent_trend")[code]
    assert row["ratio"] == pytest.approx(slope * (2030 - 2026) / (60 - current))
    assert row["projected"] == pytest.approx(current + slope * (2030 - 2026))


def test_the_worked_numbers_of_the_tutorial(result: qnkpi.Result) -> None:
    south = rows(result, "recent_trend")["D2"]  # 35, 37, 38 in 2024-2026: slope 1.5
    assert (south["ratio"], south["projected"]) == (pytest.approx(6 / 22), pytest.approx(44))


def inputs(values: list[list[float]], *, goal: float, goal_year: int = 2030,
           direction: int = 1, first_year: int = 2023,
           baseline_year: float | None = None) -> qnkpi.AssessmentInputs:
    """Inputs as qnkpi builds them: baseline and current are each unit's first and last
    values (or ``baseline_year``'s value); ``values`` holds one list per unit."""
    panel = np.array(values, dtype=np.float64)
    years = np.arange(first_year, first_year + panel.shape[1], dtype=np.int64)
    have = [np.flatnonzero(~np.isnan(row)) for row in panel]
    first = np.array([h[0] if baseline_year is None else baseline_year - first_year
                      for h in have], dtype=np.int64)
    last = np.array([h[-1] for h in have])
    k = np.arange(len(panel))
    return qnkpi.AssessmentInputs(
        indicator="x", rows=k, baseline_year=years[first].astype(np.float64),
        baseline=panel[k, first], current_year=years[last].astype(np.float64),
        current=panel[k, last], goal_year=goal_year, goal=goal, direction=direction,
        years=years, values=panel)


def test_a_decrease_toward_a_lower_goal() -> None:
    out = RecentTrend().assess(inputs([[50, 45, 40]], goal=20, direction=-1))
    # slope -5 a year; 5 years left cover 25 of the 20 points still to go
    assert (out.ratio[0], out.projected[0], out.reason) == (1.25, 15.0, [None])


def test_the_window_is_the_last_three_years_up_to_the_current_one() -> None:
    nan = math.nan
    out = RecentTrend().assess(inputs([[0, 40, 10, 20, 30, nan]], goal=70,
                                      first_year=2021))
    # 2023-2025 (10, 20, 30): slope 10; 2021 and 2022 are outside the window
    assert out.ratio[0] == pytest.approx(10 * 5 / 40)
    assert out.projected[0] == pytest.approx(80)


def test_the_window_never_reaches_before_the_baseline() -> None:
    out = RecentTrend().assess(inputs([[10, 50, 20, 30]], goal=70, baseline_year=2025))
    assert out.projected[0] == pytest.approx(30 + 10 * 4)  # 20, 30 only: slope 10


def test_values_after_the_current_year_are_not_used() -> None:
    trend = inputs([[10, 20, 30, 1000]], goal=70)
    late = dataclasses.replace(trend, current_year=np.array([2025.0]),
                               current=np.array([30.0]))
    assert RecentTrend().assess(late).projected[0] == pytest.approx(30 + 10 * 5)


def test_a_goal_year_reached_without_the_goal_covers_nothing() -> None:
    out = RecentTrend().assess(inputs([[10, 20, 30]], goal=60, first_year=2028))
    assert (out.ratio[0], out.projected[0]) == (0.0, 30.0)


def test_no_ratio_where_no_judgement_is_possible() -> None:
    nan = math.nan
    # current values in 2026, after the goal year 2025; the first unit has one value
    # in its window, which is said first
    batch = inputs([[10, nan, nan, 20], [50, 55, 60, 60], [10, 20, 30, 40]],
                   goal=60, goal_year=2025)
    out = RecentTrend().assess(batch)
    assert np.isnan(out.ratio).tolist() == [True, True, True]
    assert out.reason == ["a trend needs values in at least two of the last 3 years",
                          "the current value is from after the goal year",
                          "the current value is from after the goal year"]
    at_goal = RecentTrend().assess(inputs([[50, 55, 60]], goal=60))
    assert math.isnan(at_goal.ratio[0])
    assert at_goal.reason == ["the current value is at or past the goal value"]


def test_units_are_judged_independently() -> None:
    units = [[20, 27, 34, 41], [20, 35, 37, 38], [30, 32, 31, 29], [10, 18, 24, 30]]
    together = RecentTrend().assess(inputs(units, goal=60))
    for k, unit in enumerate(units):
        alone = RecentTrend().assess(inputs([unit], goal=60))
        assert together.ratio[k] == alone.ratio[0]
        assert together.projected[k] == alone.projected[0]


def test_a_longer_window() -> None:
    out = RecentTrend(years=4).assess(inputs([[20, 35, 37, 38]], goal=60))
    slope = np.polyfit([2023, 2024, 2025, 2026], [20, 35, 37, 38], 1)[0]
    assert out.ratio[0] == pytest.approx(slope * 4 / 22)


def test_a_window_of_one_year_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two years"):
        RecentTrend(years=1)


def test_an_unknown_method_name_is_a_spec_error(plugins: qnkpi.Plugins) -> None:
    programme = tiny_programme(data={"m": {"P": {2023: 1}}}, indicators={"x": {
        "kind": "value", "measure": "m", "direction": "increase",
        "assessment": {"methods": ["recent_trnd"]}}})
    with pytest.raises(qnkpi.SpecError, match="unknown assessment method 'recent_trnd'"):
        spec_from_dict(programme, plugins=plugins)
