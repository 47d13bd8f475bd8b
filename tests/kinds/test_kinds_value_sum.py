"""The ``value`` and ``sum`` kinds: roll-up rules, own values first, missing parts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
NAN = float("nan")


def _three_levels() -> dict[str, Any]:
    """P > D1 > (C11, C12); P > D2 > C21; P > CX (a commune directly under the province)."""
    unit = {"P": "province", "D1": "district", "D2": "district", "C11": "commune",
            "C12": "commune", "C21": "commune", "CX": "commune"}
    parent = {"D1": "P", "D2": "P", "C11": "D1", "C12": "D1", "C21": "D2", "CX": "P"}
    return {"levels": ["province", "district", "commune"],
            "units": [{"code": c, "name": c, "level": lv,
                       **({"parent": parent[c]} if c in parent else {})}
                      for c, lv in unit.items()]}


def _evaluate(data: dict[str, Any], indicators: dict[str, Any], *,
              measures: dict[str, Any] | None = None, org: dict[str, Any] | None = None,
              districts: int = 3) -> qnkpi.Result:
    spec_data = tiny_programme(data=data, measures=measures, indicators=indicators,
                               districts=districts)
    if org is not None:
        spec_data["org_units"] = org
    spec = spec_from_dict(spec_data, plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


def _values(result: qnkpi.Result, name: str, year: int = 2023) -> dict[str, float]:
    col = result.years.tolist().index(year)
    return dict(zip(result.tree.codes,
                    result.indicators[name].panel.value[:, col].tolist(), strict=True))


def _value_ind(measure: str = "x") -> dict[str, Any]:
    return {"kind": "value", "measure": measure, "direction": "increase",
            "targets": [{"year": 2023, "op": ">=", "value": 0}]}


# --- value ------------------------------------------------------------------------------

DISTRICTS = {"D1": {2023: 4.0}, "D2": {2023: 1.0}, "D3": {2023: 7.0}, "D4": {2023: None}}


@pytest.mark.parametrize(("rollup", "province"), [
    ("sum", 12.0), ("mean", 4.0), ("min", 1.0), ("max", 7.0), ("none", NAN)])
def test_value_rolls_up_by_the_measures_rule(rollup: str, province: float) -> None:
    result = _evaluate({"x": DISTRICTS}, {"v": _value_ind()},
                       measures={"x": {"source": "data", "rollup": rollup}}, districts=4)
    values = _values(result, "v")
    assert {k: values[k] for k in ("D1", "D2", "D3")} == {"D1": 4.0, "D2": 1.0, "D3": 7.0}
    assert np.isnan(values["D4"])  # did not report; mean/min ignore it, never count it as 0
    if np.isnan(province):
        assert np.isnan(values["P"])
        [check] = result.checks()
        assert check.status == "no_data"
    else:
        assert values["P"] == province


@pytest.mark.parametrize("rollup", ["sum", "mean", "min", "max", "none"])
def test_own_reported_value_takes_precedence_over_children(rollup: str) -> None:
    data = {"x": {**DISTRICTS, "P": {2023: 100.0}}}
    result = _evaluate(data, {"v": _value_ind()},
                       measures={"x": {"source": "data", "rollup": rollup}}, districts=4)
    assert _values(result, "v")["P"] == 100.0


def test_value_per_year_is_independent() -> None:
    data = {"x": {"D1": {2023: 1.0, 2024: 2.0}, "D2": {2024: 5.0}, "P": {2025: 9.0}}}
    result = _evaluate(data, {"v": _value_ind()})
    assert result.indicators["v"].panel.value[0, :3].tolist() == [1.0, 7.0, 9.0]
    assert result.indicators["v"].panel.numerator is None
    assert result.indicators["v"].panel.denominator is None


@pytest.mark.parametrize(("rollup", "expected"), [
    # C11=1, C12=2 -> D1; C21=4 and D2's own 10 -> D2 is 10; CX=8 sits under P directly
    ("sum", {"P": 21.0, "D1": 3.0, "D2": 10.0}),
    ("mean", {"P": 6.5, "D1": 1.5, "D2": 10.0}),
    ("min", {"P": 1.0, "D1": 1.0, "D2": 10.0}),
    ("max", {"P": 10.0, "D1": 2.0, "D2": 10.0}),
])
def test_value_in_a_three_level_tree_with_a_skipped_level(rollup: str,
                                                          expected: dict[str, float]) -> None:
    data = {"x": {"C11": {2023: 1}, "C12": {2023: 2}, "C21": {2023: 4}, "CX": {2023: 8},
                  "D2": {2023: 10}}}
    result = _evaluate(data, {"v": _value_ind()},
                       measures={"x": {"source": "data", "rollup": rollup}},
                       org=_three_levels())
    values = _values(result, "v")
    assert {k: values[k] for k in expected} == expected
    assert (values["C11"], values["C21"], values["CX"]) == (1.0, 4.0, 8.0)


def test_value_checks_at_every_level_of_a_three_level_tree() -> None:
    data = {"x": {"C11": {2023: 1}, "C12": {2023: 2}, "C21": {2023: 4}, "CX": {2023: 8}}}
    ind = {"kind": "value", "measure": "x", "direction": "increase",
           "targets": [{"year": 2023, "op": ">=", "value": 3, "level": "commune"},
                       {"year": 2023, "op": ">=", "value": 4, "level": "district"},
                       {"year": 2023, "op": ">", "value": 15}]}
    result = _evaluate(data, {"v": ind}, org=_three_levels())
    assert [(c.unit, c.level, c.value, c.status) for c in result.checks()] == [
        ("P", "province", 15.0, "not_met"),
        ("D1", "district", 3.0, "not_met"),
        ("D2", "district", 4.0, "met"),
        ("C11", "commune", 1.0, "not_met"),
        ("C12", "commune", 2.0, "not_met"),
        ("C21", "commune", 4.0, "met"),
        ("CX", "commune", 8.0, "met"),
    ]


# --- sum --------------------------------------------------------------------------------

def _sum_ind() -> dict[str, Any]:
    return {"kind": "sum", "measures": ["a", "b"], "direction": "increase",
            "targets": [{"year": 2023, "op": ">=", "value": 0, "level": "district"},
                        {"year": 2023, "op": ">=", "value": 0}]}


def test_sum_adds_measures_per_unit_and_rolls_up_as_a_sum() -> None:
    data = {"a": {"D1": {2023: 1.0}, "D2": {2023: 2.0}, "D3": {2023: 3.0}},
            "b": {"D1": {2023: 10.0}, "D2": {2023: 20.0}, "D3": {2023: 30.0}}}
    result = _evaluate(data, {"s": _sum_ind()})
    assert _values(result, "s") == {"P": 66.0, "D1": 11.0, "D2": 22.0, "D3": 33.0}


def test_sum_with_a_missing_part_is_missing_never_smaller() -> None:
    data = {"a": {"D1": {2023: 1.0}, "D2": {2023: 2.0}, "D3": {2023: 3.0}},
            "b": {"D1": {2023: 10.0}, "D2": {2023: None}, "D3": {2023: 30.0}}}
    result = _evaluate(data, {"s": _sum_ind()})
    values = _values(result, "s")
    assert np.isnan(values["D2"])  # not 2.0
    assert (values["D1"], values["D3"]) == (11.0, 33.0)
    statuses = {c.unit: c.status for c in result.checks()}
    assert statuses["D2"] == "no_data"
    assert statuses["D1"] == "met"
    # the province adds the districts that have a sum
    assert values["P"] == 44.0


def test_sum_province_own_parts_win() -> None:
    data = {"a": {"D1": {2023: 1.0}, "P": {2023: 500.0}},
            "b": {"D1": {2023: 10.0}, "P": {2023: 5.0}}}
    result = _evaluate(data, {"s": _sum_ind()})
    assert _values(result, "s")["P"] == 505.0


def test_sum_in_a_three_level_tree() -> None:
    data = {"a": {"C11": {2023: 1}, "C12": {2023: 2}, "C21": {2023: 4}, "CX": {2023: 8}},
            "b": {"C11": {2023: 10}, "C12": {2023: 20}, "C21": {2023: 40}, "CX": {2023: 80}}}
    ind = {"kind": "sum", "measures": ["a", "b"], "direction": "increase",
           "targets": [{"year": 2023, "op": ">", "value": 0}]}
    result = _evaluate(data, {"s": ind}, org=_three_levels())
    assert _values(result, "s") == {"P": 165.0, "D1": 33.0, "D2": 44.0, "C11": 11.0,
                                    "C12": 22.0, "C21": 44.0, "CX": 88.0}
