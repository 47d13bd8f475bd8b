"""Data for a unit in a year it did not exist: left out, and said (result.warnings and
``qnkpi evaluate``'s standard error)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import qnkpi
from qnkpi.cli import main
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
UNITS = [
    {"code": "P", "name": "Tỉnh", "level": "province"},
    {"code": "D1", "name": "Huyện 1", "level": "district", "parent": "P",
     "valid_to": "2024-06-30"},
    {"code": "C1", "name": "Xã 1", "level": "commune", "parent": "P",
     "valid_from": "2024-07-01", "predecessors": ["D1"]},
]
WARNING_C1 = ("unit 'C1' has data for 2023, when it was not in the org units (see its "
              "valid_from/valid_to); those values are left out")


def _doc(data: dict[str, Any], *levels: str) -> dict[str, Any]:
    targets = [{"years": [2023, 2030], "op": ">=", "value": 0}]
    targets += [{**targets[0], "level": level} for level in levels]
    doc = tiny_programme(data={"x": data}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase", "targets": targets}})
    doc["org_units"] = {"levels": ["province", "district", "commune"], "units": UNITS}
    return doc


DATA: dict[str, Any] = {
    "D1": {2023: 10.0}, "C1": {2023: 123457.0, 2024: 12.0}}


def _top(result: qnkpi.Result) -> dict[int, float | None]:
    return {c.year: c.value for c in result.checks() if c.unit == "P"}


def test_data_before_a_units_life_are_left_out_and_said() -> None:
    result = qnkpi.evaluate(spec_from_dict(_doc(DATA), plugins=PLUGINS), plugins=PLUGINS)
    assert result.warnings == (WARNING_C1,)
    assert _top(result) == {2023: 10.0, 2024: 12.0}  # not 123467 in 2023
    col = result.years.tolist().index(2023)
    assert np.isnan(result.indicators["v"].panel.value[result.tree.index["C1"], col])


def test_data_after_a_units_life_are_left_out_and_said() -> None:
    data: dict[str, Any] = {"D1": {2023: 10.0, 2024: 5.0}, "C1": {2024: 12.0}}
    result = qnkpi.evaluate(spec_from_dict(_doc(data), plugins=PLUGINS), plugins=PLUGINS)
    assert result.warnings == (
        "unit 'D1' has data for 2024, when it was not in the org units (see its "
        "valid_from/valid_to); those values are left out",)
    assert _top(result) == {2023: 10.0, 2024: 12.0}  # not 17 in 2024


def test_data_left_out_do_not_extend_the_years_checked() -> None:
    data: dict[str, Any] = {"D1": {2023: 10.0, 2024: 5.0, 2025: 6.0}, "C1": {2024: 12.0}}
    result = qnkpi.evaluate(spec_from_dict(_doc(data), plugins=PLUGINS), plugins=PLUGINS)
    assert result.warnings == (
        "unit 'D1' has data for 2024, 2025, when it was not in the org units (see its "
        "valid_from/valid_to); those values are left out",)
    assert result.as_of == 2024
    assert _top(result) == {2023: 10.0, 2024: 12.0}


def test_null_values_outside_a_units_life_are_no_warning() -> None:
    data: dict[str, Any] = {"D1": {2023: 10.0, 2024: None}, "C1": {2023: None, 2024: 12.0}}
    result = qnkpi.evaluate(spec_from_dict(_doc(data), plugins=PLUGINS), plugins=PLUGINS)
    assert result.warnings == ()


def test_one_warning_per_unit_in_unit_order() -> None:
    data: dict[str, Any] = {"D1": {2023: 10.0, 2026: 1.0}, "C1": {2023: 123457.0, 2024: 12.0}}
    result = qnkpi.evaluate(spec_from_dict(_doc(data), plugins=PLUGINS), plugins=PLUGINS)
    assert [w.split("'")[1] for w in result.warnings] == ["D1", "C1"]
    assert "has data for 2026," in result.warnings[0]


def test_the_restated_view_does_not_use_them_either() -> None:
    spec = spec_from_dict(_doc(DATA, "commune"), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, restate_to=2024, plugins=PLUGINS)
    assert result.warnings == (WARNING_C1,)
    values = {(c.unit, c.year): c.value for c in result.checks()}
    assert values[("C1", 2023)] == 10.0  # D1's 2023 carried over, not C1's stray 123457
    assert values[("P", 2023)] == 10.0


def test_evaluate_prints_the_warning_on_stderr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(_doc(DATA), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    code = main(["evaluate", str(path), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert f"qnkpi: warning: {WARNING_C1}" in err
    assert "123457" not in out
    assert WARNING_C1 not in out  # the report stays clean JSON
    assert yaml.safe_load(out)["restated_to"] is None
