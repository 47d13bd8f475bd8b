"""The ``share_of_units`` kind: expected units come from the tree, not from the data."""

from __future__ import annotations

from typing import Any

import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()

# D1 and D3 meet ">= 2", D2 does not, D4 did not report
ACTIVITIES = {"D1": {2023: 2.0}, "D2": {2023: 1.0}, "D3": {2023: 5.0}, "D4": {2023: None}}


def _spec(share: dict[str, Any], data: dict[str, Any] | None = None, *,
          rollup: str = "sum", org: dict[str, Any] | None = None,
          districts: int = 4) -> qnkpi.Spec:
    spec_data = tiny_programme(
        data=data or {"x": ACTIVITIES}, districts=districts,
        measures={"x": {"source": "data", "rollup": rollup}},
        indicators={
            "per_unit": {"kind": "value", "measure": "x", "direction": "increase"},
            "share": {"kind": "share_of_units", "of": "per_unit", "level": "district",
                      "rule": {"op": ">=", "value": 2}, "direction": "increase",
                      "targets": [{"year": 2023, "op": ">=", "value": 50}], **share}})
    if org is not None:
        spec_data["org_units"] = org
    return spec_from_dict(spec_data, plugins=PLUGINS)


def _share(spec: qnkpi.Spec) -> qnkpi.Check:
    checks = list(qnkpi.evaluate(spec, plugins=PLUGINS).checks("share"))
    [check] = checks
    return check


def test_missing_not_met_counts_the_silent_unit_as_not_meeting() -> None:
    check = _share(_spec({"missing": "not_met"}))
    assert (check.value, check.numerator, check.denominator) == (50.0, 2.0, 4.0)
    assert check.status == "met"


def test_missing_defaults_to_not_met() -> None:
    check = _share(_spec({}))
    assert (check.value, check.numerator, check.denominator) == (50.0, 2.0, 4.0)


def test_missing_skip_leaves_the_silent_unit_out() -> None:
    check = _share(_spec({"missing": "skip",
                          "targets": [{"year": 2023, "op": ">", "value": 66.6}]}))
    assert (check.numerator, check.denominator) == (2.0, 3.0)
    assert check.value == 2 * 100.0 / 3
    assert check.status == "met"


def test_share_at_each_district_is_all_or_nothing() -> None:
    spec = _spec({"targets": [{"year": 2023, "op": ">=", "value": 100, "level": "district"}]})
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert [(c.unit, c.value, c.numerator, c.denominator, c.status)
            for c in result.checks("share")] == [
        ("D1", 100.0, 1.0, 1.0, "met"), ("D2", 0.0, 0.0, 1.0, "not_met"),
        ("D3", 100.0, 1.0, 1.0, "met"), ("D4", None, None, None, "not_met")]
    # D4 did not report: at D4 itself there is no share to speak of (value null), and by
    # the default rule, missing: not_met, a unit that did not report has not met it


def test_share_at_a_silent_district_is_no_data_when_skipped() -> None:
    spec = _spec({"missing": "skip",
                  "targets": [{"year": 2023, "op": ">=", "value": 100, "level": "district"}]})
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert [(c.unit, c.status) for c in result.checks("share")][-1] == ("D4", "no_data")


def test_rule_between_includes_both_bounds() -> None:
    data = {"x": {"D1": {2023: 40.0}, "D2": {2023: 60.0}, "D3": {2023: 39.5},
                  "D4": {2023: 60.5}}}
    check = _share(_spec({"rule": {"op": "between", "min": 40, "max": 60}}, data))
    assert (check.value, check.numerator, check.denominator) == (50.0, 2.0, 4.0)


@pytest.mark.parametrize(("op", "met"), [(">", 1), (">=", 2), ("<", 1), ("<=", 2), ("==", 1)])
def test_rule_operators(op: str, met: int) -> None:
    data = {"x": {"D1": {2023: 2.0}, "D2": {2023: 1.0}, "D3": {2023: 5.0}}}
    check = _share(_spec({"rule": {"op": op, "value": 2}}, data, districts=3))
    assert (check.numerator, check.denominator) == (float(met), 3.0)
    assert check.value == met * 100.0 / 3


def test_levels_list_including_the_province_counts_it() -> None:
    # the province's own value is the minimum of its districts: 1, so it does not meet ">= 2"
    spec = _spec({"level": ["province", "district"]}, rollup="min")
    check = _share(spec)
    assert (check.numerator, check.denominator) == (2.0, 5.0)
    assert check.value == 40.0
    assert check.status == "not_met"


def test_levels_list_province_meeting_the_rule() -> None:
    data = {"x": {"D1": {2023: 2.0}, "D2": {2023: 3.0}, "D3": {2023: 4.0}}}
    check = _share(_spec({"level": ["province", "district"]}, data, rollup="min",
                         districts=3))
    assert (check.value, check.numerator, check.denominator) == (100.0, 4.0, 4.0)


def test_levels_list_province_missing_is_not_met() -> None:
    # rollup none: the province has no value of its own, so it is expected but silent
    data = {"x": {"D1": {2023: 2.0}, "D2": {2023: 3.0}, "D3": {2023: 4.0}}}
    check = _share(_spec({"level": ["province", "district"]}, data, rollup="none",
                         districts=3))
    assert (check.value, check.numerator, check.denominator) == (75.0, 3.0, 4.0)
    skip = _share(_spec({"level": ["province", "district"], "missing": "skip"}, data,
                        rollup="none", districts=3))
    assert (skip.value, skip.numerator, skip.denominator) == (100.0, 3.0, 3.0)


def test_no_expected_units_is_no_data() -> None:
    org = {"levels": ["province", "district", "commune"],
           "units": [{"code": "P", "name": "P", "level": "province"},
                     {"code": "D1", "name": "D1", "level": "district", "parent": "P"}]}
    check = _share(_spec({"level": "commune"}, {"x": {"D1": {2023: 3.0}}}, org=org))
    assert check.status == "no_data"
    assert (check.value, check.numerator, check.denominator) == (None, None, None)


def test_skip_with_no_unit_reporting_is_no_data() -> None:
    data = {"x": {"D1": {2023: None}, "P": {2023: None}}, "y": {"P": {2023: 1.0}}}
    check = _share(_spec({"missing": "skip"}, data))
    assert check.status == "no_data"
    assert check.value is None


def test_no_unit_reporting_is_no_data_not_zero_percent() -> None:
    data = {"x": {"D1": {2023: None}}, "y": {"P": {2023: 1.0}}}
    check = _share(_spec({}, data))
    assert (check.value, check.numerator, check.denominator) == (None, None, None)
    assert check.status == "no_data"


def test_expected_units_follow_the_tree_of_each_year() -> None:
    org = {"levels": ["province", "district"],
           "units": [{"code": "P", "name": "P", "level": "province"},
                     {"code": "D1", "name": "D1", "level": "district", "parent": "P"},
                     {"code": "D2", "name": "D2", "level": "district", "parent": "P"},
                     {"code": "D3", "name": "D3", "level": "district", "parent": "P",
                      "valid_to": "2023-12-31"}]}
    data = {"x": {"D1": {2023: 5.0, 2024: 5.0}, "D2": {2023: 5.0, 2024: 5.0}}}
    spec = _spec({"targets": [{"years": [2023, 2024], "op": ">=", "value": 100}]}, data,
                 org=org)
    checks = list(qnkpi.evaluate(spec, plugins=PLUGINS).checks("share"))
    assert [(c.year, c.numerator, c.denominator, c.status) for c in checks] == [
        (2023, 2.0, 3.0, "not_met"), (2024, 2.0, 2.0, "met")]


def test_share_in_a_three_level_tree_counts_units_in_each_subtree() -> None:
    org = {"levels": ["province", "district", "commune"],
           "units": [{"code": "P", "name": "P", "level": "province"},
                     {"code": "D1", "name": "D1", "level": "district", "parent": "P"},
                     {"code": "C11", "name": "C11", "level": "commune", "parent": "D1"},
                     {"code": "C12", "name": "C12", "level": "commune", "parent": "D1"},
                     {"code": "CX", "name": "CX", "level": "commune", "parent": "P"}]}
    data = {"x": {"C11": {2023: 3.0}, "C12": {2023: 0.0}, "CX": {2023: 2.0}}}
    spec = _spec({"level": "commune",
                  "targets": [{"year": 2023, "op": ">=", "value": 50},
                              {"year": 2023, "op": ">=", "value": 50, "level": "district"}]},
                 data, org=org)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    share = result.indicators["share"].panel
    assert share.numerator is not None and share.denominator is not None
    # rows P, D1, C11, C12, CX: each commune counts itself
    assert share.numerator[:, 0].tolist() == [2.0, 1.0, 1.0, 0.0, 1.0]
    assert share.denominator[:, 0].tolist() == [3.0, 2.0, 1.0, 1.0, 1.0]
    assert share.value[:, 0].tolist() == [2 * 100.0 / 3, 50.0, 100.0, 0.0, 100.0]
    assert [(c.unit, c.value, c.numerator, c.denominator) for c in result.checks("share")] == [
        ("P", 2 * 100.0 / 3, 2.0, 3.0), ("D1", 50.0, 1.0, 2.0)]
