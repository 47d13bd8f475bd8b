"""The ``ratio`` kind: a ratio of sums at every level, never a mean of percentages."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()


def _ratio(target: dict[str, Any] | None = None, factor: float = 100) -> dict[str, Any]:
    return {"kind": "ratio", "numerator": "num", "denominator": "den", "factor": factor,
            "unit": "percent", "direction": "increase",
            "targets": [target or {"year": 2023, "op": ">", "value": 70}]}


def _evaluate(num: dict[str, Any], den: dict[str, Any], *, districts: int = 3,
              target: dict[str, Any] | None = None, factor: float = 100) -> qnkpi.Result:
    spec = spec_from_dict(tiny_programme(data={"num": num, "den": den}, districts=districts,
                                         indicators={"r": _ratio(target, factor)}),
                          plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


def test_exact_integer_ratio_is_exact_and_strict_target_not_met() -> None:
    result = _evaluate({"D1": {2023: 7}}, {"D1": {2023: 10}})
    [check] = result.checks()
    assert check.value == 70.0
    assert (check.numerator, check.denominator) == (7.0, 10.0)
    assert check.status == "not_met"
    assert check.margin == 0.0


def test_ratio_of_sums_not_mean_of_percentages() -> None:
    # D1: 1/2 = 50%, D2: 90/100 = 90%; mean of percentages would be 70%, the truth is 91/102
    result = _evaluate({"D1": {2023: 1}, "D2": {2023: 90}},
                       {"D1": {2023: 2}, "D2": {2023: 100}})
    [check] = result.checks()
    assert check.value == 91 * 100 / 102
    assert check.value != 70.0
    assert (check.numerator, check.denominator) == (91.0, 102.0)
    panel = result.indicators["r"].panel
    assert panel.value[1:3, 0].tolist() == [50.0, 90.0]
    assert panel.numerator is not None and panel.denominator is not None
    assert panel.numerator[:3, 0].tolist() == [91.0, 1.0, 90.0]
    assert panel.denominator[:3, 0].tolist() == [102.0, 2.0, 100.0]


def test_only_units_reporting_both_parts_count() -> None:
    # D2 reported only a numerator, D3 only a denominator: both left out of the sums
    result = _evaluate({"D1": {2023: 3}, "D2": {2023: 50}},
                       {"D1": {2023: 4}, "D3": {2023: 1000}})
    [check] = result.checks()
    assert (check.value, check.numerator, check.denominator) == (75.0, 3.0, 4.0)
    panel = result.indicators["r"].panel
    assert np.isnan(panel.value[2:, 0]).all()


def test_zero_denominator_gives_no_data() -> None:
    result = _evaluate({"D1": {2023: 0}}, {"D1": {2023: 0}})
    [check] = result.checks()
    assert check.status == "no_data"
    assert check.value is None
    assert (check.numerator, check.denominator) == (0.0, 0.0)


def test_zero_denominator_at_one_district_does_not_hide_the_others() -> None:
    target = {"year": 2023, "op": ">=", "value": 0, "level": "district"}
    result = _evaluate({"D1": {2023: 5}, "D2": {2023: 0}}, {"D1": {2023: 10}, "D2": {2023: 0}},
                       target=target)
    assert [(c.unit, c.value, c.status) for c in result.checks()] == [
        ("D1", 50.0, "met"), ("D2", None, "no_data"), ("D3", None, "no_data")]
    assert result.indicators["r"].panel.value[0, 0] == 50.0


def test_province_own_parts_win_over_its_districts() -> None:
    result = _evaluate({"P": {2023: 1}, "D1": {2023: 9}}, {"P": {2023: 4}, "D1": {2023: 10}})
    [check] = result.checks()
    assert (check.value, check.numerator, check.denominator) == (25.0, 1.0, 4.0)


def test_factor_defaults_to_one() -> None:
    spec_data = tiny_programme(data={"num": {"D1": {2023: 1}}, "den": {"D1": {2023: 4}}},
                               indicators={"r": {"kind": "ratio", "numerator": "num",
                                                 "denominator": "den",
                                                 "direction": "increase",
                                                 "targets": [{"year": 2023, "op": "==",
                                                              "value": 0.25}]}})
    result = qnkpi.evaluate(spec_from_dict(spec_data, plugins=PLUGINS), plugins=PLUGINS)
    [check] = result.checks()
    assert (check.value, check.status) == (0.25, "met")


counts = st.integers(min_value=0, max_value=10**9)
maybe = st.one_of(st.none(), counts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(maybe, maybe), min_size=1, max_size=8))
def test_province_value_is_the_ratio_of_sums_over_districts_reporting_both(
        rows: list[tuple[int | None, int | None]]) -> None:
    codes = [f"D{i}" for i in range(1, len(rows) + 1)]
    num = {c: {2023: n} for c, (n, _) in zip(codes, rows, strict=True)}
    den = {c: {2023: d} for c, (_, d) in zip(codes, rows, strict=True)}
    result = _evaluate(num, den, districts=len(rows))
    both = [(n, d) for n, d in rows if n is not None and d is not None]
    sum_num = float(sum(n for n, _ in both))
    sum_den = float(sum(d for _, d in both))
    [check] = result.checks()
    if not both:
        assert (check.value, check.numerator, check.denominator) == (None, None, None)
        assert check.status == "no_data"
        return
    assert (check.numerator, check.denominator) == (sum_num, sum_den)
    if sum_den == 0:
        assert check.value is None and check.status == "no_data"
    else:
        assert check.value == 100 * sum_num / sum_den
        assert check.status == ("met" if 100 * sum_num / sum_den > 70 else "not_met")
    # every district's own value is its own ratio
    value = result.indicators["r"].panel.value
    for i, (n, d) in enumerate(rows, start=1):
        if n is None or d is None or d == 0:
            assert np.isnan(value[i, 0])
        else:
            assert value[i, 0] == n * 100 / d
