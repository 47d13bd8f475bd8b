"""What a unit that did not report means (``missing``), and null is never zero."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
TARGETS = [{"years": [2023, 2030], "op": ">=", "value": 0},
           {"years": [2023, 2030], "op": ">=", "value": 0, "level": "district"}]


def _spec(data: dict[str, Any], districts: int = 4,
          measures: dict[str, Any] | None = None, **indicator: Any) -> qnkpi.Spec:
    ind = {"kind": "value", "measure": "x", "direction": "increase", "targets": TARGETS,
           **indicator}
    return spec_from_dict(tiny_programme(data=data, districts=districts, measures=measures,
                                         indicators={"v": ind}), plugins=PLUGINS)


def _checks(spec: qnkpi.Spec, **kwargs: Any) -> dict[tuple[str, int], qnkpi.Check]:
    return {(c.unit, c.year): c for c in qnkpi.evaluate(spec, plugins=PLUGINS,
                                                        **kwargs).checks()}


#: D4 never reports; 2024 has no data at all; 2025 has data again.
GAPPY: dict[str, Any] = {"x": {"D1": {2023: 1.0, 2025: 1.0}, "D2": {2023: 2.0, 2025: 2.0},
               "D3": {2023: 3.0, 2025: 3.0}}}


def test_skip_is_the_default() -> None:
    spec = _spec(GAPPY)
    assert spec.indicators["v"].missing == "skip"
    checks = _checks(spec)
    assert checks[("D4", 2023)].status == "no_data"
    assert checks[("D4", 2023)].value is None
    top = checks[("P", 2023)]
    assert (top.value, top.status, top.expected_units, top.reported_units) == (6.0, "met", 4, 3)


def test_not_met_turns_a_silent_units_check_not_met() -> None:
    checks = _checks(_spec(GAPPY, missing="not_met"))
    for year in (2023, 2025):
        assert checks[("D4", year)].status == "not_met"
        assert checks[("D4", year)].value is None
        assert checks[("D1", year)].status == "met"
        assert checks[("P", year)].status == "met"  # an aggregate of those that reported
        assert checks[("P", year)].value == 6.0


def test_not_met_leaves_a_year_without_any_data_no_data() -> None:
    checks = _checks(_spec(GAPPY, missing="not_met"))
    assert {checks[(code, 2024)].status for code in ("P", "D1", "D2", "D3", "D4")} == {
        "no_data"}


def test_not_met_counts_in_the_summary() -> None:
    result = qnkpi.evaluate(_spec(GAPPY, missing="not_met"), plugins=PLUGINS)
    summary = result.summary()["indicators"]["v"]
    assert summary["not_met"] == 2  # D4 in 2023 and 2025
    assert summary["no_data"] == 5  # everyone in 2024
    skipped = qnkpi.evaluate(_spec(GAPPY), plugins=PLUGINS).summary()["indicators"]["v"]
    assert (skipped["not_met"], skipped["no_data"]) == (0, 7)


def test_no_data_makes_any_incomplete_aggregate_no_data() -> None:
    checks = _checks(_spec(GAPPY, missing="no_data"))
    top = checks[("P", 2023)]
    assert top.value is None and top.status == "no_data"
    assert (top.expected_units, top.reported_units) == (4, 3)
    assert checks[("D1", 2023)].value == 1.0  # own values stand
    assert checks[("D4", 2023)].status == "no_data"


def test_no_data_keeps_a_complete_aggregate() -> None:
    data: dict[str, Any] = {"x": {f"D{i}": {2023: float(i)} for i in range(1, 5)}}
    top = _checks(_spec(data, missing="no_data"))[("P", 2023)]
    assert (top.value, top.status, top.coverage) == (10.0, "met", 1.0)


def test_no_data_stricter_than_any_min_coverage() -> None:
    top = _checks(_spec(GAPPY, missing="no_data", min_coverage=0.5))[("P", 2023)]
    assert top.value is None


# --- null is never zero -----------------------------------------------------------------------

def test_a_null_value_is_not_zero_in_a_sum() -> None:
    data: dict[str, Any] = {"x": {"D1": {2023: None}, "D2": {2023: 2.0}, "D3": {2023: 3.0},
                                  "D4": {2023: 5.0}}}
    checks = _checks(_spec(data))
    assert checks[("D1", 2023)].value is None
    assert checks[("D1", 2023)].status == "no_data"
    top = checks[("P", 2023)]
    assert top.value == 10.0
    assert (top.expected_units, top.reported_units) == (4, 3)  # not 4 of 4 with a zero


def test_a_null_value_fails_no_upper_bound() -> None:
    # counted as 0, D1 would meet "<= 1"; it did not report, so there is nothing to judge
    data: dict[str, Any] = {"x": {"D1": {2023: None}, "D2": {2023: 2.0}}}
    spec = _spec(data, direction="decrease",
                 targets=[{"year": 2023, "op": "<=", "value": 1, "level": "district"}])
    checks = _checks(spec)
    assert (checks[("D1", 2023)].value, checks[("D1", 2023)].status) == (None, "no_data")
    assert checks[("D2", 2023)].status == "not_met"


@pytest.mark.parametrize(("rollup", "expected"), [("min", 2.0), ("mean", 3.0), ("max", 4.0)])
def test_a_null_value_is_not_zero_in_other_rollups(rollup: str, expected: float) -> None:
    data: dict[str, Any] = {"x": {"D1": {2023: None}, "D2": {2023: 2.0}, "D3": {2023: 4.0}}}
    spec = _spec(data, measures={"x": {"source": "data", "rollup": rollup}})
    assert _checks(spec)[("P", 2023)].value == expected


def test_no_unit_reporting_is_no_data_not_zero() -> None:
    data: dict[str, Any] = {"x": {"D1": {2023: None}, "D2": {2024: 1.0}}}
    checks = _checks(_spec(data))
    top = checks[("P", 2023)]
    assert top.value is None and top.status == "no_data"


def test_an_empty_csv_cell_is_not_zero(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("unit,year,x\nD1,2023,\nD2,2023,2\nD3,2023,3\n",
                                       encoding="utf-8")
    doc = tiny_programme(districts=3, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase", "targets": TARGETS}})
    doc["sources"] = {"data": {"type": "csv", "path": "data.csv", "unit": "unit",
                               "year": "year"}}
    doc["measures"] = {"x": {"source": "data"}}
    spec = spec_from_dict(doc, base_dir=tmp_path, plugins=PLUGINS)
    checks = _checks(spec)
    assert checks[("D1", 2023)].value is None
    top = checks[("P", 2023)]
    assert (top.value, top.expected_units, top.reported_units) == (5.0, 3, 2)


def test_a_sum_with_a_missing_part_is_missing() -> None:
    data: dict[str, Any] = {"a": {"D1": {2023: 1.0}, "D2": {2023: 2.0}},
            "b": {"D1": {2023: 10.0}, "D2": {2023: None}}}
    ind = {"kind": "sum", "measures": ["a", "b"], "direction": "increase", "targets": TARGETS}
    spec = spec_from_dict(tiny_programme(data=data, districts=2, indicators={"s": ind}),
                          plugins=PLUGINS)
    checks = _checks(spec)
    assert checks[("D2", 2023)].value is None  # not 2
    top = checks[("P", 2023)]
    assert (top.value, top.expected_units, top.reported_units) == (11.0, 2, 1)


def test_not_met_with_min_coverage_leaves_a_thin_aggregate_no_data() -> None:
    """The silent unit has not met its target, but a total resting on too few units is
    not judged at all: no_data, not not_met."""
    checks = _checks(_spec(GAPPY, missing="not_met", min_coverage=0.8))
    assert checks[("D4", 2023)].status == "not_met"
    top = checks[("P", 2023)]
    assert (top.value, top.status, top.reported_units, top.expected_units) == (
        None, "no_data", 3, 4)
    assert _checks(_spec(GAPPY, missing="not_met", min_coverage=0.75))[("P", 2023)].status \
        == "met"
