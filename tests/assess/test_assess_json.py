"""Assessments in the JSON result: the keys of every row, null (never NaN) for what is
missing, summary counts that match the rows, and the bundled Quảng Ninh example assessed
at every unit of each goal's scope by both methods."""

from __future__ import annotations

import io
import json
from collections import Counter
from itertools import product
from pathlib import Path
from typing import Any

import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

EXAMPLE = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"
PLUGINS = plugins_with()
ROW_KEYS = {"indicator", "unit", "goal_year", "goal", "method", "status", "ratio",
            "baseline", "current", "projected", "required_annual_change", "reason"}
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "regressing", "insufficient_data",
            "overdue", "met_every_year", "met_this_year")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} in JSON")


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constants)


def _written(result: qnkpi.Result) -> Any:
    stream = io.StringIO()
    result.write_json(stream)
    return _loads(stream.getvalue())


def _dumped(result: qnkpi.Result) -> Any:
    return _loads(json.dumps(result.to_dict()))


@pytest.fixture(scope="module")
def example() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(EXAMPLE, plugins=PLUGINS))


def _mixed() -> qnkpi.Result:
    """Every status, and missing baselines, currents, ratios and projections."""
    target = {"year": 2030, "op": ">=", "value": 50, "level": "district"}
    data = {"x": {
        "D1": {2023: 10.0, 2025: 20.0},  # at risk
        "D2": {2023: 10.0, 2025: 30.0},  # on track
        "D3": {2023: 10.0, 2025: 60.0},  # achieved
        "D4": {2023: 10.0, 2025: 5.0},  # regressing
        "D5": {2023: 10.0, 2025: 12.0},  # off track
        "D6": {2025: 7.0},  # one value
        "D7": {2023: 0.0, 2025: 5.0},  # zero baseline: cagr takes it as 0.001
        # D8: nothing at all
    }}
    doc = tiny_programme(districts=8, data=data, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase", "unit": "percent",
        "targets": [target]}})
    return qnkpi.evaluate(spec_from_dict(doc, plugins=PLUGINS))


def _check_rows(rows: list[dict[str, Any]]) -> None:
    assert rows
    for row in rows:
        assert set(row) >= ROW_KEYS, ROW_KEYS - set(row)
        assert set(row["baseline"]) == {"year", "value"}
        assert set(row["current"]) == {"year", "value"}
        assert row["status"] in STATUSES
        assert isinstance(row["goal_year"], int)
        assert isinstance(row["goal"], float)
        for key in ("ratio", "projected", "required_annual_change"):
            assert row[key] is None or isinstance(row[key], float)
        for point in (row["baseline"], row["current"]):
            assert point["year"] is None or isinstance(point["year"], int)
            assert point["value"] is None or isinstance(point["value"], float)
        if row["status"] == "insufficient_data":
            assert row["ratio"] is None
            assert isinstance(row["reason"], str) and row["reason"]
        elif row["status"] in ("overdue", "met_every_year", "met_this_year"):
            assert row["ratio"] is None  # judged on what fell due, not by a ratio
            assert row["record"] is not None or row["status"] == "overdue"
        elif row["status"] == "achieved":
            assert row["reason"] is None
        elif row["ratio"] is not None:  # a note on how the ratio was computed, or none
            assert row["reason"] is None or "taken as 0.001" in row["reason"]
        else:  # regressing from a goal that needed no change: no ratio, but a reason
            assert row["status"] == "regressing" and "moved away" in row["reason"]
        if row["status"] == "achieved":
            assert row["required_annual_change"] == 0.0
        if row["status"] in ("on_track", "at_risk", "off_track"):
            assert row["ratio"] is not None


def _check_summary(document: dict[str, Any]) -> None:
    counts = Counter(row["status"] for row in document["assessments"])
    summary = document["summary"]["assessments"]
    assert summary["total"] == len(document["assessments"])
    assert {s: summary[s] for s in STATUSES} == {s: counts.get(s, 0) for s in STATUSES}


# --- rows, nulls, summary -----------------------------------------------------------------

def test_mixed_rows_have_every_key_and_null_for_missing() -> None:
    result = _mixed()
    for document in (_dumped(result), _written(result)):
        _check_rows(document["assessments"])
        _check_summary(document)
    rows = {(r["unit"], r["method"]): r for r in _written(result)["assessments"]}
    assert len(rows) == 16
    assert {r["status"] for r in rows.values()} == set(STATUSES[:6])  # none due yet
    assert rows["D1", "linear_path"]["status"] == "at_risk"
    assert rows["D2", "linear_path"]["status"] == "on_track"
    assert rows["D3", "linear_path"]["status"] == "achieved"
    assert rows["D4", "linear_path"]["status"] == "regressing"
    assert rows["D5", "linear_path"]["status"] == "off_track"
    assert rows["D6", "linear_path"]["status"] == "insufficient_data"
    nothing = rows["D8", "cagr_ratio"]
    assert nothing["status"] == "insufficient_data"
    assert nothing["baseline"] == nothing["current"] == {"year": None, "value": None}
    assert nothing["ratio"] is None and nothing["projected"] is None
    assert nothing["required_annual_change"] is None
    zero = rows["D7", "cagr_ratio"]  # a baseline of 0, taken as 0.001: a ratio, said so
    assert zero["ratio"] is not None and zero["reason"] == (
        "a baseline of 0 is taken as 0.001, as the published method does")
    assert rows["D7", "linear_path"]["status"] == "off_track"  # 5 / (50 * 2/7) = 0.35


def test_write_json_and_to_dict_agree() -> None:
    result = _mixed()
    assert _written(result) == _dumped(result)


def test_example_rows_and_summary(example: qnkpi.Result) -> None:
    for document in (_dumped(example), _written(example)):
        _check_rows(document["assessments"])
        _check_summary(document)
    summary = example.summary()["assessments"]
    assert summary["total"] == sum(summary[s] for s in STATUSES)


def test_projections_that_overflow_are_null_not_infinity() -> None:
    # 1 -> 1,000,000 in one year, compounded over 248 more years, overflows a float
    doc = tiny_programme(start=1950, end=2200, data={"x": {"P": {1951: 1.0, 1952: 1e6}}},
                         indicators={"v": {"kind": "value", "measure": "x",
                                           "direction": "increase",
                                           "targets": [{"year": 2200, "op": ">=",
                                                        "value": 1e9}]}})
    result = qnkpi.evaluate(spec_from_dict(doc, plugins=PLUGINS))
    document = _written(result)  # must not raise, and must hold no Infinity
    _check_rows(document["assessments"])
    assert _dumped(result) == document


# --- the bundled example ------------------------------------------------------------------

def _goal(targets: tuple[Any, ...]) -> Any:
    marked = [t for t in targets if t.goal]
    if marked:
        return marked[-1]
    return max(targets, key=lambda t: t.last_year)


def test_example_assesses_every_unit_of_each_goal_scope_by_both_methods(
        example: qnkpi.Result) -> None:
    spec = example.spec
    units = spec.org_units.units
    rows = example.to_dict()["assessments"]
    with_targets = [name for name, ind in spec.indicators.items() if ind.targets]
    assert with_targets
    assert {r["indicator"] for r in rows} == set(with_targets)
    for name in with_targets:
        goal = _goal(spec.indicators[name].targets)
        if goal.level is not None:
            scope = [u.code for u in units if u.level == goal.level]
        elif goal.units is not None:
            scope = list(goal.units)
        else:
            scope = [u.code for u in units if u.parent is None]
        got = Counter((r["unit"], r["method"]) for r in rows if r["indicator"] == name)
        assert got == Counter(product(scope, ("linear_path", "cagr_ratio"))), name
        for r in rows:
            if r["indicator"] == name:
                assert r["goal_year"] == goal.last_year
                assert r["op"] == goal.op


def test_example_goals(example: qnkpi.Result) -> None:
    rows = example.to_dict()["assessments"]
    by_indicator = {r["indicator"]: (r["goal_year"], r["goal"]) for r in rows}
    assert by_indicator["children_youth_reached_pct"] == (2030, 90.0)
    assert by_indicator["youth_online_public_services_pct"] == (2030, 100.0)
    assert by_indicator["district_digital_activities"] == (2030, 2.0)
