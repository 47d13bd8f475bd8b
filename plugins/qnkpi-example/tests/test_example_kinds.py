"""The indicator kinds ``reporting_rate`` and ``change``, on the example programme and
on small trees built here, against counts made by hand or by plain Python."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import qnkpi
from qnkpi.testing import spec_from_dict, tiny_programme

DISTRICTS = ("D1", "D2", "D3", "D4", "D5", "D6")


def at(result: qnkpi.Result, indicator: str, code: str, year: int) -> float:
    panel = result.indicators[indicator].panel.value
    return float(panel[result.tree.index[code], year - int(result.years[0])])


def province_pct(lines: dict[tuple[str, int], dict[str, Any]], year: int) -> float:
    """trained / youth x 100 over the districts that reported both (a ratio of sums)."""
    pairs = [lines[d, year] for d in DISTRICTS if (d, year) in lines
             and lines[d, year].get("trained") is not None]
    return sum(p["trained"] for p in pairs) * 100 / sum(p["youth"] for p in pairs)


# -- reporting_rate -----------------------------------------------------------------------

def test_reporting_rate_of_the_example_counts_the_districts_that_reported(
        result: qnkpi.Result, lines: dict[tuple[str, int], dict[str, Any]]) -> None:
    for year in (2023, 2024, 2025, 2026):
        reported = [d for d in DISTRICTS if lines.get((d, year), {}).get("trained") is not None]
        assert at(result, "reporting", "P", year) == len(reported) * 100 / len(DISTRICTS)
        for d in DISTRICTS:  # a district is its own subtree: 100% or 0%
            assert at(result, "reporting", d, year) == (100.0 if d in reported else 0.0)
    # the Island District sent no 'trained' in 2024 (null) nor in 2025 (no line)
    assert at(result, "reporting", "P", 2024) == pytest.approx(500 / 6)


def test_reporting_rate_checks_carry_numerator_and_denominator(result: qnkpi.Result) -> None:
    got = {c.year: (c.numerator, c.denominator, c.status)
           for c in result.checks("reporting")}
    assert got == {2023: (6.0, 6.0, "met"), 2024: (5.0, 6.0, "not_met"),
                   2025: (5.0, 6.0, "not_met"), 2026: (6.0, 6.0, "met")}


def test_reporting_rate_is_missing_in_years_without_any_data(result: qnkpi.Result) -> None:
    for year in range(2027, 2031):  # the data stop in 2026: no rate, not 0%
        assert math.isnan(at(result, "reporting", "P", year))


# --8<-- [start:kind-test]
def three_levels(level: str) -> dict[str, Any]:
    """P > D1 (communes C1, C2, C3), D2 (commune C4), D3 (no communes)."""
    programme = tiny_programme(
        data={"m": {"C1": {2023: 1}, "C2": {2023: 0}, "C4": {2024: 5}}}, start=2023, end=2025,
        indicators={"rate": {"kind": "reporting_rate", "measure": "m", "level": level,
                             "direction": "increase"}})
    programme["org_units"] = {"levels": ["province", "district", "commune"], "units": [
        {"code": "P", "name": "Province", "level": "province"},
        *({"code": d, "name": d, "level": "district", "parent": "P"} for d in ("D1", "D2", "D3")),
        *({"code": c, "name": c, "level": "commune", "parent": p}
          for c, p in (("C1", "D1"), ("C2", "D1"), ("C3", "D1"), ("C4", "D2")))]}
    return programme


def test_reporting_rate_counts_each_subtree(plugins: qnkpi.Plugins) -> None:
    result = qnkpi.evaluate(spec_from_dict(three_levels("commune"), plugins=plugins))
    expected = {  # (unit, year) -> rate; C2 reported 0, which is a report
        ("P", 2023): 50.0, ("D1", 2023): 200 / 3, ("D2", 2023): 0.0, ("C2", 2023): 100.0,
        ("C3", 2023): 0.0, ("P", 2024): 25.0, ("D1", 2024): 0.0, ("D2", 2024): 100.0}
    for (code, year), rate in expected.items():
        assert at(result, "rate", code, year) == pytest.approx(rate), (code, year)
    assert math.isnan(at(result, "rate", "D3", 2023))  # no commune below it: no rate
    assert all(math.isnan(at(result, "rate", code, 2025)) for code in result.tree.codes)
# --8<-- [end:kind-test]


def test_reporting_rate_names_an_unknown_level(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.SpecError, match="unknown level 'comune'; did you mean "
                       "'commune'"):
        spec_from_dict(three_levels("comune"), plugins=plugins)


def test_reporting_rate_names_an_unknown_measure(plugins: qnkpi.Plugins) -> None:
    programme = three_levels("commune")
    programme["indicators"]["rate"]["measure"] = "n"
    with pytest.raises(qnkpi.SpecError, match="unknown measure 'n'"):
        spec_from_dict(programme, plugins=plugins)


def test_reporting_rate_refuses_keys_it_does_not_have(plugins: qnkpi.Plugins) -> None:
    programme = three_levels("commune")
    programme["indicators"]["rate"]["levels"] = "district"
    with pytest.raises(qnkpi.SpecError, match="levels"):
        spec_from_dict(programme, plugins=plugins)


# -- change --------------------------------------------------------------------------------

def test_change_is_the_difference_from_the_previous_year(
        result: qnkpi.Result, lines: dict[tuple[str, int], dict[str, Any]]) -> None:
    for year in (2024, 2025, 2026):
        assert at(result, "trained_pct_change", "P", year) == pytest.approx(
            province_pct(lines, year) - province_pct(lines, year - 1))
    assert at(result, "trained_pct_change", "D1", 2024) == pytest.approx(27 - 20)
    assert at(result, "trained_pct_change", "D3", 2026) == pytest.approx(29 - 31)
    assert math.isnan(at(result, "trained_pct_change", "P", 2023))  # no year before


def test_change_is_missing_where_either_year_is(result: qnkpi.Result) -> None:
    # the Island District: 2023 and 2026 reported, 2024 and 2025 not
    for year in (2024, 2025, 2026):
        assert math.isnan(at(result, "trained_pct_change", "D6", year)), year


def test_change_equals_numpy_diff_of_its_indicator(result: qnkpi.Result) -> None:
    before = result.indicators["trained_pct"].panel.value
    change = result.indicators["trained_pct_change"].panel.value
    np.testing.assert_array_equal(change[:, 1:], np.diff(before, axis=1))


def test_change_of_an_unknown_indicator_is_a_spec_error(plugins: qnkpi.Plugins) -> None:
    programme = tiny_programme(data={"m": {"P": {2023: 1}}}, indicators={
        "x": {"kind": "value", "measure": "m", "direction": "increase"},
        "dx": {"kind": "change", "of": "xx", "direction": "increase"}})
    with pytest.raises(qnkpi.SpecError, match="unknown indicator 'xx'; did you mean 'x'"):
        spec_from_dict(programme, plugins=plugins)


def test_change_of_itself_is_a_spec_error(plugins: qnkpi.Plugins) -> None:
    programme = tiny_programme(data={"m": {"P": {2023: 1}}}, indicators={
        "dx": {"kind": "change", "of": "dx", "direction": "increase"}})
    with pytest.raises(qnkpi.SpecError, match="refers to itself"):
        spec_from_dict(programme, plugins=plugins)
