"""Targets resolved into threshold panels (engine/targets.py) and which checks are made."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.engine.evaluate import year_axis
from qnkpi.engine.targets import Thresholds, resolve_targets
from qnkpi.orgunits import OrgTree
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi.verdicts import op_code

PLUGINS = plugins_with()
YEARS = list(range(2023, 2031))


def _spec(targets: list[dict[str, Any]], *, between: str = "none",
          data: dict[str, dict[str, dict[int, float | None]]] | None = None,
          start: int = 2023, end: int = 2030, districts: int = 3) -> qnkpi.Spec:
    data = data if data is not None else {"x": {"D1": {start: 1.0}}}
    return spec_from_dict(tiny_programme(
        data=data, start=start, end=end, districts=districts,
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "between": between, "targets": targets}}), plugins=PLUGINS)


def _tree(spec: qnkpi.Spec) -> OrgTree:
    return OrgTree.from_spec(spec.org_units, year_axis(spec))


def _thresholds(spec: qnkpi.Spec) -> Thresholds:
    return resolve_targets(spec, "v", spec.indicators["v"], _tree(spec))


def _row(tree: OrgTree, code: str) -> int:
    return tree.index[code]


# --- where and when a target applies ------------------------------------------------------

def test_single_year_target_applies_to_the_top_unit_only_that_year() -> None:
    spec = _spec([{"year": 2025, "op": ">=", "value": 10}])
    t = _thresholds(spec)
    assert _tree(spec).codes == ("P", "D1", "D2", "D3")
    expected_op = np.zeros((4, 8), np.int8)
    expected_op[0, 2] = op_code(">=")
    np.testing.assert_array_equal(t.op, expected_op)
    assert t.lo[0, 2] == 10.0 and t.hi[0, 2] == 10.0
    assert t.target[0, 2] == 0
    assert np.isnan(t.lo[1:, :]).all() and (t.target[1:, :] == -1).all()
    assert not t.interpolated.any()


def test_years_range_covers_both_ends() -> None:
    t = _thresholds(_spec([{"years": [2024, 2027], "op": "<", "value": 5}]))
    assert t.op[0].tolist() == [0, 3, 3, 3, 3, 0, 0, 0]
    assert (t.op[1:] == 0).all()


def test_level_scope_applies_to_every_unit_of_the_level() -> None:
    t = _thresholds(_spec([{"year": 2024, "op": ">", "value": 1, "level": "district"}]))
    assert t.op[:, 1].tolist() == [0, 1, 1, 1]
    assert t.op[:, [0, 2, 3, 4, 5, 6, 7]].sum() == 0


def test_level_scope_of_the_top_level() -> None:
    t = _thresholds(_spec([{"year": 2024, "op": ">", "value": 1, "level": "province"}]))
    assert t.op[:, 1].tolist() == [1, 0, 0, 0]


def test_units_scope_applies_to_the_units_named() -> None:
    t = _thresholds(_spec([{"year": 2024, "op": ">", "value": 1, "units": ["D1", "D3"]},
                           {"year": 2024, "op": "<", "value": 9, "units": ["D2"]}]))
    assert t.op[:, 1].tolist() == [0, 1, 3, 1]
    assert t.target[:, 1].tolist() == [-1, 0, 1, 0]
    assert t.lo[:, 1].tolist()[1:] == [1.0, 9.0, 1.0]


def test_between_target_keeps_both_bounds() -> None:
    t = _thresholds(_spec([{"year": 2023, "op": "between", "min": 2, "max": 7}]))
    assert (t.op[0, 0], t.lo[0, 0], t.hi[0, 0]) == (op_code("between"), 2.0, 7.0)


def test_targets_of_different_scopes_on_the_same_year_coexist() -> None:
    t = _thresholds(_spec([{"year": 2025, "op": ">", "value": 50},
                           {"year": 2025, "op": ">", "value": 40, "level": "district"}]))
    assert t.op[:, 2].tolist() == [1, 1, 1, 1]
    assert t.lo[:, 2].tolist() == [50.0, 40.0, 40.0, 40.0]
    assert t.target[:, 2].tolist() == [0, 1, 1, 1]


# --- filling the years between two stated targets -----------------------------------------

TWO = [{"year": 2023, "op": ">", "value": 50}, {"year": 2030, "op": ">", "value": 90}]


def test_between_none_leaves_the_years_between_without_target() -> None:
    t = _thresholds(_spec(TWO, between="none"))
    assert t.op[0].tolist() == [1, 0, 0, 0, 0, 0, 0, 1]
    assert not t.interpolated.any()


def test_between_linear_interpolates_exactly() -> None:
    t = _thresholds(_spec(TWO, between="linear"))
    assert t.op[0].tolist() == [1] * 8
    assert t.lo[0, 1] == 50 + 40 / 7
    assert t.lo[0].tolist() == [50.0, *(50 + 40 * k / 7 for k in range(1, 7)), 90.0]
    assert t.hi[0].tolist() == t.lo[0].tolist()
    assert t.interpolated[0].tolist() == [False] + [True] * 6 + [False]
    # interpolated cells point at the earlier target
    assert t.target[0].tolist() == [0, 0, 0, 0, 0, 0, 0, 1]
    assert (t.op[1:] == 0).all()


def test_between_step_keeps_the_earlier_threshold_until_the_later_year() -> None:
    t = _thresholds(_spec(TWO, between="step"))
    assert t.lo[0].tolist() == [50.0] * 7 + [90.0]
    assert t.op[0].tolist() == [1] * 8
    assert t.interpolated[0].tolist() == [False] + [True] * 6 + [False]


@pytest.mark.parametrize(("start", "goal", "year", "exact"), [
    (2019, 77, 2028, 63.0),   # 0 + 77 * 9 / 11 = 63
    (2020, 90, 2027, 63.0),   # 0 + 90 * 7 / 10 = 63
])
def test_linear_interpolation_lands_exactly_on_whole_numbers(start: int, goal: float,
                                                             year: int, exact: float) -> None:
    # The straight line from >= 0 in ``start`` to >= ``goal`` in 2030 passes exactly
    # through a whole number in ``year``: that is the threshold, and a value equal to it
    # meets a ">=" target.
    spec = _spec([{"year": start, "op": ">=", "value": 0},
                  {"year": 2030, "op": ">=", "value": goal}], between="linear",
                 start=start, data={"x": {"P": {year: exact}}})
    t = _thresholds(spec)
    assert t.lo[0, year - start] == exact
    check = next(c for c in qnkpi.evaluate(spec, plugins=PLUGINS).checks() if c.year == year)
    assert (check.value, check.threshold, check.status) == (exact, exact, "met")


def test_linear_interpolation_of_between_targets_moves_both_bounds() -> None:
    t = _thresholds(_spec([{"year": 2023, "op": "between", "min": 10, "max": 20},
                           {"year": 2025, "op": "between", "min": 30, "max": 60}],
                          between="linear"))
    assert (t.lo[0, 1], t.hi[0, 1]) == (20.0, 40.0)
    assert t.op[0, :3].tolist() == [6, 6, 6]


def test_interpolation_only_within_one_scope() -> None:
    # a province target and a district target: no line drawn between them
    t = _thresholds(_spec([{"year": 2023, "op": ">", "value": 50},
                           {"year": 2030, "op": ">", "value": 90, "level": "district"}],
                          between="linear"))
    assert t.op[0].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert t.op[1].tolist() == [0, 0, 0, 0, 0, 0, 0, 1]


def test_interpolation_per_scope_for_level_targets() -> None:
    spec = _spec([{"year": 2023, "op": ">=", "value": 2, "level": "district"},
                  {"year": 2027, "op": ">=", "value": 6, "level": "district"}],
                 between="linear")
    tree, t = _tree(spec), _thresholds(spec)
    for code in ("D1", "D2", "D3"):
        assert t.lo[_row(tree, code), :5].tolist() == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert (t.op[0] == 0).all()


def test_a_middle_stated_target_splits_the_line() -> None:
    t = _thresholds(_spec([{"year": 2023, "op": ">", "value": 50},
                           {"year": 2026, "op": ">", "value": 80},
                           {"year": 2030, "op": ">", "value": 90}], between="linear"))
    assert t.lo[0].tolist() == [50.0, 60.0, 70.0, 80.0, 82.5, 85.0, 87.5, 90.0]
    assert t.target[0].tolist() == [0, 0, 0, 1, 1, 1, 1, 2]


def test_interpolation_never_overwrites_explicit_targets() -> None:
    # a range target (not a stated single year) sits inside the interpolated stretch
    t = _thresholds(_spec([*TWO, {"years": [2025, 2026], "op": ">=", "value": 99}],
                          between="linear"))
    lo = t.lo[0].tolist()
    assert lo[2:4] == [99.0, 99.0]
    assert t.op[0, 2:4].tolist() == [2, 2]
    assert t.target[0, 2:4].tolist() == [2, 2]
    assert t.interpolated[0].tolist() == [False, True, False, False, True, True, True, False]
    assert lo[1] == 50 + 40 / 7 and lo[4] == 50 + 40 * 4 / 7


def test_interpolated_flag_in_checks() -> None:
    spec = _spec(TWO, between="linear",
                 data={"x": {"P": {y: 60.0 for y in YEARS}}})
    checks = list(qnkpi.evaluate(spec, plugins=PLUGINS).checks())
    assert [(c.year, c.interpolated, c.target) for c in checks] == [
        (2023, False, 0), *((y, True, 0) for y in range(2024, 2030)), (2030, False, 1)]
    by_year = {c.year: c for c in checks}
    assert by_year[2024].threshold == 50 + 40 / 7
    assert by_year[2025].threshold == 50 + 80 / 7
    assert [c.status for c in checks] == ["met", "met", "not_met", "not_met", "not_met",
                                          "not_met", "not_met", "not_met"]


# --- clashes -----------------------------------------------------------------------------

def test_two_explicit_targets_on_one_unit_and_year_are_an_error() -> None:
    spec = _spec([{"year": 2025, "op": ">", "value": 50},
                  {"years": [2024, 2026], "op": ">", "value": 40}])
    with pytest.raises(qnkpi.SpecError) as caught:
        qnkpi.evaluate(spec, plugins=PLUGINS)
    [problem] = caught.value.problems
    assert "this target and target #1 both apply to unit 'P' in 2025" in problem.message
    assert problem.line is not None  # located at the second target in the spec


def test_level_and_units_targets_clash_on_a_shared_unit() -> None:
    spec = _spec([{"year": 2026, "op": ">", "value": 1, "level": "district"},
                  {"year": 2026, "op": ">", "value": 2, "units": ["D2"]}])
    with pytest.raises(qnkpi.SpecError, match=r"target #1 both apply to unit 'D2' in 2026"):
        qnkpi.evaluate(spec, plugins=PLUGINS)


def test_clashes_in_several_indicators_are_reported_together() -> None:
    clash = [{"year": 2025, "op": ">", "value": 1}, {"year": 2025, "op": ">", "value": 2}]
    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: 1}}},
        indicators={name: {"kind": "value", "measure": "x", "direction": "increase",
                           "targets": clash} for name in ("a", "b")}), plugins=PLUGINS)
    with pytest.raises(qnkpi.SpecError) as caught:
        qnkpi.evaluate(spec, plugins=PLUGINS)
    assert len(caught.value.problems) == 2


# --- which years and units are checked -----------------------------------------------------

def test_checks_run_from_the_start_to_the_latest_year_with_data() -> None:
    spec = _spec([{"years": [2023, 2030], "op": ">", "value": 0}],
                 data={"x": {"P": {2023: 1.0, 2025: 2.0}}})
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert result.as_of == 2025
    assert [(c.year, c.status) for c in result.checks()] == [
        (2023, "met"), (2024, "no_data"), (2025, "met")]


def test_latest_year_with_data_counts_any_measure() -> None:
    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: 1.0}}, "y": {"D3": {2027: 5.0}}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "targets": [{"years": [2023, 2030], "op": ">", "value": 0}]}}),
        plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert result.as_of == 2027
    assert [c.year for c in result.checks()] == [2023, 2024, 2025, 2026, 2027]


def test_no_data_at_all_checks_only_the_first_year() -> None:
    spec = _spec([{"years": [2023, 2030], "op": ">", "value": 0}], data={"x": {}})
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert result.as_of == 2023
    assert [(c.year, c.status) for c in result.checks()] == [(2023, "no_data")]


def test_years_before_the_programme_are_not_checked() -> None:
    # a baseline reaches the year axis back to 2020, with data there
    data = tiny_programme(
        data={"x": {"P": {2020: 1.0, 2021: 1.0, 2024: 3.0}}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "baseline": {"year": 2020, "value": 1.0},
                          "targets": [{"years": [2023, 2030], "op": ">", "value": 2}]}})
    result = qnkpi.evaluate(spec_from_dict(data, plugins=PLUGINS), plugins=PLUGINS)
    assert result.years.tolist() == list(range(2020, 2031))
    assert result.as_of == 2024
    assert [(c.year, c.status) for c in result.checks()] == [(2023, "no_data"),
                                                             (2024, "met")]


def test_year_restricts_checks_to_that_year() -> None:
    spec = _spec([{"years": [2023, 2030], "op": ">", "value": 0}],
                 data={"x": {"P": {2023: 1.0, 2025: 2.0}}})
    result = qnkpi.evaluate(spec, year=2024, plugins=PLUGINS)
    assert result.as_of == 2024
    assert [(c.year, c.status) for c in result.checks()] == [(2024, "no_data")]
    later = qnkpi.evaluate(spec, year=2029, plugins=PLUGINS)
    assert [(c.year, c.status) for c in later.checks()] == [(2029, "no_data")]


@pytest.mark.parametrize("year", [2022, 2031])
def test_year_outside_the_programme_is_an_error(year: int) -> None:
    spec = _spec([{"year": 2023, "op": ">", "value": 0}])
    with pytest.raises(qnkpi.QnkpiError, match=f"year {year} is outside"):
        qnkpi.evaluate(spec, year=year, plugins=PLUGINS)


def test_units_filter_keeps_only_those_units() -> None:
    spec = _spec([{"year": 2023, "op": ">", "value": 0, "level": "district"},
                  {"year": 2023, "op": ">", "value": 0}],
                 data={"x": {"D1": {2023: 1.0}, "D2": {2023: 0.0}}})
    all_units = [c.unit for c in qnkpi.evaluate(spec, plugins=PLUGINS).checks()]
    assert all_units == ["P", "D1", "D2", "D3"]
    result = qnkpi.evaluate(spec, units=["D2", "P"], plugins=PLUGINS)
    assert [(c.unit, c.status) for c in result.checks()] == [("P", "met"),
                                                             ("D2", "not_met")]
    # the filter only hides checks: the province still rolls up every district
    assert result.indicators["v"].panel.value[0, 0] == 1.0


def test_unknown_unit_in_the_filter_is_an_error() -> None:
    spec = _spec([{"year": 2023, "op": ">", "value": 0}])
    with pytest.raises(qnkpi.QnkpiError, match=r"unit 'D11' is not in the org units; "
                                               r"did you mean 'D1'\?"):
        qnkpi.evaluate(spec, units=["D11"], plugins=PLUGINS)
