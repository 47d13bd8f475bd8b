"""Coverage of aggregates: how many units an aggregate expects (the reporting level in
its subtree, in that year's tree), how many reported, and ``min_coverage``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import qnkpi
from qnkpi.cli import main
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
TOP_TARGET = {"years": [2023, 2030], "op": ">=", "value": 0}
DISTRICT_TARGET = {**TOP_TARGET, "level": "district"}


def _province(reported: int, districts: int = 13, **indicator: Any) -> qnkpi.Spec:
    """``districts`` districts, the first ``reported`` of which reported 1, 2, 3, ..."""
    data: dict[str, Any] = {"x": {f"D{i}": {2023: float(i)} for i in range(1, reported + 1)}}
    ind = {"kind": "value", "measure": "x", "direction": "increase",
           "targets": [TOP_TARGET, DISTRICT_TARGET], **indicator}
    return spec_from_dict(tiny_programme(data=data, districts=districts,
                                         indicators={"v": ind}), plugins=PLUGINS)


def _checks(spec: qnkpi.Spec, **kwargs: Any) -> dict[tuple[str, int], qnkpi.Check]:
    return {(c.unit, c.year): c for c in qnkpi.evaluate(spec, plugins=PLUGINS,
                                                        **kwargs).checks()}


def test_province_total_from_10_of_13_districts() -> None:
    top = _checks(_province(10))[("P", 2023)]
    assert top.value == sum(range(1, 11))
    assert (top.expected_units, top.reported_units) == (13, 10)
    assert top.coverage == pytest.approx(10 / 13)
    assert top.coverage == pytest.approx(0.769, abs=5e-4)
    assert top.status == "met"


def test_a_complete_aggregate_has_coverage_1() -> None:
    top = _checks(_province(13))[("P", 2023)]
    assert (top.expected_units, top.reported_units, top.coverage) == (13, 13, 1.0)


def test_a_units_own_value_has_null_coverage() -> None:
    checks = _checks(_province(10))
    for code in ("D1", "D10"):
        c = checks[(code, 2023)]
        assert (c.expected_units, c.reported_units, c.coverage) == (None, None, None)


def test_a_top_unit_that_reported_itself_has_null_coverage() -> None:
    data: dict[str, Any] = {"x": {"P": {2023: 1000.0}, "D1": {2023: 1.0}}}
    ind = {"kind": "value", "measure": "x", "direction": "increase", "targets": [TOP_TARGET]}
    spec = spec_from_dict(tiny_programme(data=data, districts=13, indicators={"v": ind}),
                          plugins=PLUGINS)
    top = _checks(spec)[("P", 2023)]
    assert top.value == 1000.0  # its own value wins
    assert (top.expected_units, top.reported_units, top.coverage) == (None, None, None)


def test_coverage_in_the_json_result() -> None:
    doc = qnkpi.evaluate(_province(10), plugins=PLUGINS).to_dict()
    top = next(c for c in doc["checks"] if c["unit"] == "P")
    assert (top["expected_units"], top["reported_units"]) == (13, 10)
    assert isinstance(top["expected_units"], int)
    assert top["coverage"] == pytest.approx(10 / 13)
    own = next(c for c in doc["checks"] if c["unit"] == "D1")
    assert own["coverage"] is None and own["expected_units"] is None


def test_coverage_in_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tiny_programme(data={"x": {f"D{i}": {2023: 1.0} for i in range(1, 11)}},
                         districts=13, indicators={"v": {
                             "kind": "value", "measure": "x", "direction": "increase",
                             "targets": [{"year": 2023, "op": ">=", "value": 0}]}})
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert main(["evaluate", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "[10/13]" in out


# --- the reporting level --------------------------------------------------------------------

def _three_levels(data: dict[str, Any], **indicator: Any) -> qnkpi.Spec:
    """P; D1 with communes C11, C12, C13; D2 with C21, C22."""
    units = [{"code": "P", "name": "P", "level": "province"},
             {"code": "D1", "name": "D1", "level": "district", "parent": "P"},
             {"code": "D2", "name": "D2", "level": "district", "parent": "P"}]
    units += [{"code": c, "name": c, "level": "commune", "parent": f"D{c[1]}"}
              for c in ("C11", "C12", "C13", "C21", "C22")]
    ind = {"kind": "value", "measure": "x", "direction": "increase",
           "targets": [TOP_TARGET, DISTRICT_TARGET], **indicator}
    doc = tiny_programme(data={"x": data}, indicators={"v": ind})
    doc["org_units"] = {"levels": ["province", "district", "commune"], "units": units}
    return spec_from_dict(doc, plugins=PLUGINS)


def test_the_reporting_level_is_the_lowest_that_reported_each_year() -> None:
    # 2023: districts reported (both); 2024: communes reported (3 of 5)
    checks = _checks(_three_levels({"D1": {2023: 10.0}, "D2": {2023: 20.0},
                                    "C11": {2024: 1.0}, "C12": {2024: 2.0},
                                    "C21": {2024: 4.0}}))
    top23, top24 = checks[("P", 2023)], checks[("P", 2024)]
    assert (top23.value, top23.expected_units, top23.reported_units) == (30.0, 2, 2)
    assert (top24.value, top24.expected_units, top24.reported_units) == (7.0, 5, 3)
    d1, d2 = checks[("D1", 2024)], checks[("D2", 2024)]
    assert (d1.value, d1.expected_units, d1.reported_units) == (3.0, 3, 2)
    assert (d2.value, d2.expected_units, d2.reported_units) == (4.0, 2, 1)
    assert d1.coverage == pytest.approx(2 / 3)
    assert checks[("D1", 2023)].coverage is None  # its own value


def test_a_district_with_no_commune_reporting_has_no_value() -> None:
    checks = _checks(_three_levels({"C11": {2023: 1.0}}))
    d2 = checks[("D2", 2023)]
    assert d2.value is None and d2.status == "no_data"
    assert (d2.expected_units, d2.reported_units, d2.coverage) == (2, 0, 0.0)
    top = checks[("P", 2023)]
    assert (top.value, top.expected_units, top.reported_units) == (1.0, 5, 1)


def test_a_silent_unit_of_the_reporting_level_is_missing_not_an_aggregate() -> None:
    checks = _checks(_province(10))
    silent = checks[("D11", 2023)]
    assert silent.value is None and silent.status == "no_data"
    assert (silent.expected_units, silent.reported_units, silent.coverage) == (None,) * 3


def test_a_branch_that_stops_higher_up_reports_where_it_stops() -> None:
    """D3 has no communes: it is expected to report itself when communes report."""
    units = [{"code": "P", "name": "P", "level": "province"},
             {"code": "D1", "name": "D1", "level": "district", "parent": "P"},
             {"code": "D3", "name": "D3", "level": "district", "parent": "P"},
             {"code": "C11", "name": "C11", "level": "commune", "parent": "D1"},
             {"code": "C12", "name": "C12", "level": "commune", "parent": "D1"}]
    ind = {"kind": "value", "measure": "x", "direction": "increase",
           "targets": [TOP_TARGET, DISTRICT_TARGET]}
    doc = tiny_programme(data={"x": {"C11": {2023: 1.0, 2024: 1.0}, "D3": {2023: 5.0}}},
                         indicators={"v": ind})
    doc["org_units"] = {"levels": ["province", "district", "commune"], "units": units}
    checks = _checks(spec_from_dict(doc, plugins=PLUGINS))
    top23, top24 = checks[("P", 2023)], checks[("P", 2024)]
    assert (top23.value, top23.expected_units, top23.reported_units) == (6.0, 3, 2)
    assert (top24.value, top24.expected_units, top24.reported_units) == (1.0, 3, 1)
    assert checks[("D3", 2024)].expected_units is None  # silent, itself expected
    d1 = checks[("D1", 2023)]
    assert (d1.expected_units, d1.reported_units) == (2, 1)


def test_expected_units_follow_each_years_tree() -> None:
    units = [{"code": "P", "name": "P", "level": "province"}]
    units += [{"code": f"D{i}", "name": f"D{i}", "level": "district", "parent": "P",
               "valid_to": "2024-06-30"} for i in range(1, 4)]
    units += [{"code": f"C{i}", "name": f"C{i}", "level": "commune", "parent": "P",
               "valid_from": "2024-07-01"} for i in range(1, 6)]
    data: dict[str, Any] = {"D1": {2023: 1.0}, "D2": {2023: 1.0},
                            "C1": {2024: 1.0}, "C2": {2024: 1.0}}
    doc = tiny_programme(data={"x": data}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase", "targets": [TOP_TARGET]}})
    doc["org_units"] = {"levels": ["province", "district", "commune"], "units": units}
    checks = _checks(spec_from_dict(doc, plugins=PLUGINS))
    assert (checks[("P", 2023)].expected_units, checks[("P", 2023)].reported_units) == (3, 2)
    assert (checks[("P", 2024)].expected_units, checks[("P", 2024)].reported_units) == (5, 2)


# --- ratio and share_of_units -----------------------------------------------------------------

def test_a_ratio_counts_units_that_reported_both_parts() -> None:
    data: dict[str, Any] = {"n": {"D1": {2023: 1.0}, "D2": {2023: 5.0}, "D4": {2023: 3.0}},
            "d": {"D1": {2023: 10.0}, "D3": {2023: 7.0}, "D4": {2023: 20.0}}}
    ind = {"kind": "ratio", "numerator": "n", "denominator": "d", "factor": 100,
           "direction": "increase", "targets": [TOP_TARGET]}
    spec = spec_from_dict(tiny_programme(data=data, districts=4, indicators={"r": ind}),
                          plugins=PLUGINS)
    top = _checks(spec)[("P", 2023)]
    assert (top.expected_units, top.reported_units) == (4, 2)  # D1 and D4
    assert (top.numerator, top.denominator) == (4.0, 30.0)  # D2's n and D3's d left out
    assert top.value == pytest.approx(400 / 30)


def _share_spec(values: dict[str, Any], districts: int = 5,
                **share: Any) -> qnkpi.Spec:
    data = {"x": {code: {2023: v} for code, v in values.items()}}
    indicators = {
        "v": {"kind": "value", "measure": "x", "direction": "increase"},
        "s": {"kind": "share_of_units", "of": "v", "level": "district",
              "rule": {"op": ">=", "value": 2}, "direction": "increase",
              "targets": [{"year": 2023, "op": ">=", "value": 0}], **share}}
    return spec_from_dict(tiny_programme(data=data, districts=districts,
                                         indicators=indicators), plugins=PLUGINS)


def test_share_of_units_coverage_counts_the_units_of_its_level() -> None:
    spec = _share_spec({"D1": 1.0, "D2": 2.0, "D3": 3.0})  # D4, D5 silent
    top = _checks(spec)[("P", 2023)]
    assert (top.expected_units, top.reported_units) == (5, 3)
    assert top.coverage == pytest.approx(0.6)
    # default missing: not_met: the silent districts count as not meeting the rule
    assert (top.numerator, top.denominator, top.value) == (2.0, 5.0, 40.0)


def test_share_of_units_skip_leaves_silent_units_out() -> None:
    top = _checks(_share_spec({"D1": 1.0, "D2": 2.0, "D3": 3.0}, missing="skip"))[("P", 2023)]
    assert (top.numerator, top.denominator) == (2.0, 3.0)
    assert top.value == pytest.approx(200 / 3)
    assert (top.expected_units, top.reported_units) == (5, 3)


def test_share_of_units_min_coverage() -> None:
    values = {"D1": 1.0, "D2": 2.0, "D3": 3.0}
    top = _checks(_share_spec(values, min_coverage=0.8, missing="skip"))[("P", 2023)]
    assert top.value is None and top.status == "no_data"
    top = _checks(_share_spec({**values, "D4": 4.0}, min_coverage=0.8,
                              missing="skip"))[("P", 2023)]
    assert top.value == 75.0


# --- min_coverage ---------------------------------------------------------------------------

def test_min_coverage_makes_10_of_13_no_data() -> None:
    checks = _checks(_province(10, min_coverage=0.8))
    top = checks[("P", 2023)]
    assert top.value is None
    assert top.status == "no_data"
    # the coverage still says why
    assert (top.expected_units, top.reported_units) == (13, 10)
    # the districts' own values are not aggregates: untouched
    assert checks[("D1", 2023)].value == 1.0


def test_min_coverage_keeps_11_of_13() -> None:
    top = _checks(_province(11, min_coverage=0.8))[("P", 2023)]
    assert top.value == sum(range(1, 12))
    assert top.status == "met"
    assert top.coverage == pytest.approx(11 / 13)


@pytest.mark.parametrize(("reported", "kept"), [(8, True), (7, False)])
def test_min_coverage_is_inclusive(reported: int, kept: bool) -> None:
    top = _checks(_province(reported, districts=10, min_coverage=0.8))[("P", 2023)]
    assert (top.value is not None) is kept


def test_min_coverage_1_needs_every_unit() -> None:
    assert _checks(_province(12, min_coverage=1.0))[("P", 2023)].value is None
    assert _checks(_province(13, min_coverage=1.0))[("P", 2023)].value == sum(range(1, 14))


@pytest.mark.parametrize("bad", [0, -0.1, 1.5])
def test_min_coverage_is_a_share(bad: float) -> None:
    with pytest.raises(qnkpi.SpecError, match="min_coverage"):
        _province(10, min_coverage=bad)


def test_a_year_nobody_reported_has_no_coverage_whatever_the_kind() -> None:
    """2024 has no data at all: a value kind and a share both say null, not 0 of 5."""
    data = {"x": {"D1": {2023: 1.0}, "D2": {2023: 2.0}}}
    every_year = [{"years": [2023, 2030], "op": ">=", "value": 0}]
    indicators = {
        "v": {"kind": "value", "measure": "x", "direction": "increase",
              "targets": every_year},
        "s": {"kind": "share_of_units", "of": "v", "level": "district",
              "rule": {"op": ">=", "value": 2}, "direction": "increase",
              "targets": every_year}}
    spec = spec_from_dict(tiny_programme(data=data, districts=5, indicators=indicators),
                          plugins=PLUGINS)
    checks = {(c.indicator, c.year): c for c in qnkpi.evaluate(
        spec, plugins=PLUGINS, year=2024).checks() if c.unit == "P"}
    assert set(checks) == {("v", 2024), ("s", 2024)}
    for check in checks.values():
        assert check.status == "no_data"
        assert (check.expected_units, check.reported_units, check.coverage) == (None,) * 3
    in_2023 = {c.indicator: c for c in qnkpi.evaluate(spec, plugins=PLUGINS, year=2023)
               .checks() if c.unit == "P"}
    assert (in_2023["s"].expected_units, in_2023["s"].reported_units) == (5, 2)
