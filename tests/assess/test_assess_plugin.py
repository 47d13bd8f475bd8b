"""A third assessment method added by a plugin through ``register_assessment_methods``,
chosen in the spec and evaluated end to end; and the errors a bad method gives, each a
PluginError naming the plugin."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi import hookimpl
from qnkpi.assess.base import AssessmentInputs, AssessmentMethod, MethodOutput
from qnkpi.errors import PluginError
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

TOL = 1e-9


class LastChange:
    """Progress from the last two values: the latest yearly change against the yearly
    change the straight line from baseline to goal asks for."""

    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        n = len(inputs.rows)
        ratio, projected = np.full(n, np.nan), np.full(n, np.nan)
        reason: list[str | None] = [None] * n
        for k in range(n):
            upto = (inputs.years <= inputs.current_year[k]) & ~np.isnan(inputs.values[k])
            years, values = inputs.years[upto], inputs.values[k][upto]
            if len(years) < 2:
                reason[k] = "fewer than two values"
                continue
            slope = (values[-1] - values[-2]) / (years[-1] - years[-2])
            pace = ((inputs.goal - inputs.baseline[k])
                    / (inputs.goal_year - inputs.baseline_year[k]))
            ratio[k] = inputs.direction * slope / abs(pace)
            projected[k] = values[-1] + slope * (inputs.goal_year - years[-1])
        return MethodOutput(ratio, projected, reason)


class LastChangePlugin:
    @hookimpl
    def register_assessment_methods(self, register: Any) -> None:
        register("last_change", LastChange())


def _doc(data: dict[str, dict[int, float]], *, level: str | None = None,
         methods: list[str] | None = None, direction: str = "increase") -> dict[str, Any]:
    target: dict[str, Any] = {"year": 2030, "op": ">=" if direction == "increase" else "<=",
                              "value": 50}
    if level is not None:
        target["level"] = level
    doc = tiny_programme(data={"x": data}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": direction, "targets": [target]}})
    doc["programme"]["assessment"] = {"methods": methods or ["linear_path", "last_change"]}
    return doc


def _rows(result: qnkpi.Result) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["unit"], r["method"]): r for r in result.to_dict()["assessments"]}


# --- a third method -----------------------------------------------------------------------

def test_the_method_is_an_assessment_method() -> None:
    assert isinstance(LastChange(), AssessmentMethod)
    plugins = plugins_with(LastChangePlugin())
    assert set(plugins.assessment_methods) == {"linear_path", "cagr_ratio", "cagr_trend",
                                              "last_change"}
    assert isinstance(plugins.assessment_methods["last_change"], LastChange)


def test_a_plugin_method_end_to_end() -> None:
    spec = spec_from_dict(_doc({"P": {2023: 10.0, 2024: 14.0, 2025: 20.0}}),
                          plugins=plugins_with(LastChangePlugin()))
    result = qnkpi.evaluate(spec)
    rows = _rows(result)
    assert list(rows) == [("P", "linear_path"), ("P", "last_change")]
    last = rows["P", "last_change"]
    slope = (20 - 14) / (2025 - 2024)
    pace = (50 - 10) / (2030 - 2023)
    assert last["ratio"] == pytest.approx(slope / pace, rel=TOL)  # 1.05
    assert last["status"] == "on_track"
    assert last["projected"] == pytest.approx(20 + 6 * 5, rel=TOL)
    assert last["required_annual_change"] == pytest.approx((50 - 20) / 5, rel=TOL)
    assert last["baseline"] == {"year": 2023, "value": 10.0}
    assert last["current"] == {"year": 2025, "value": 20.0}
    linear = rows["P", "linear_path"]
    assert linear["ratio"] == pytest.approx((20 - 10) / ((50 - 10) * 2 / 7), rel=TOL)
    assert result.summary()["assessments"]["total"] == 2


def test_a_plugin_method_over_districts() -> None:
    data = {"D1": {2023: 10.0, 2024: 14.0, 2025: 20.0},
            "D2": {2023: 10.0, 2024: 12.0, 2025: 11.0},
            "D3": {2025: 5.0},
            "P": {2023: 1.0}}
    spec = spec_from_dict(_doc(data, level="district", methods=["last_change"]),
                          plugins=plugins_with(LastChangePlugin()))
    rows = _rows(qnkpi.evaluate(spec))
    assert list(rows) == [("D1", "last_change"), ("D2", "last_change"), ("D3", "last_change")]
    pace = (50 - 10) / 7
    assert rows["D1", "last_change"]["ratio"] == pytest.approx(6 / pace, rel=TOL)
    assert rows["D2", "last_change"]["ratio"] == pytest.approx(-1 / pace, rel=TOL)
    assert rows["D2", "last_change"]["status"] == "regressing"
    # one value: the engine says so before the method's ratio counts
    d3 = rows["D3", "last_change"]
    assert d3["status"] == "insufficient_data"
    assert d3["ratio"] is None and d3["projected"] is None
    assert d3["reason"] and "two different years" in d3["reason"]


def test_a_method_with_no_ratio_gives_its_reason() -> None:
    # a declared baseline and one value: enough for the engine, not for this method
    doc = _doc({"P": {2025: 20.0}}, methods=["last_change"])
    doc["indicators"]["v"]["baseline"] = {"year": 2023, "value": 10.0}
    spec = spec_from_dict(doc, plugins=plugins_with(LastChangePlugin()))
    row = _rows(qnkpi.evaluate(spec))["P", "last_change"]
    assert row["status"] == "insufficient_data"
    assert row["ratio"] is None
    assert row["reason"] == "fewer than two values"


def test_the_engine_decides_achieved_for_plugin_methods() -> None:
    spec = spec_from_dict(_doc({"P": {2023: 10.0, 2024: 60.0, 2025: 55.0}}),
                          plugins=plugins_with(LastChangePlugin()))
    row = _rows(qnkpi.evaluate(spec))["P", "last_change"]
    assert row["status"] == "achieved"
    assert row["required_annual_change"] == 0.0


def test_spec_naming_the_method_without_the_plugin_is_a_spec_error() -> None:
    with pytest.raises(qnkpi.SpecError, match="unknown assessment method 'last_change'"):
        spec_from_dict(_doc({"P": {2023: 10.0}}), plugins=plugins_with())


def test_indicator_can_choose_the_plugin_method() -> None:
    doc = _doc({"P": {2023: 10.0, 2024: 14.0, 2025: 20.0}}, methods=["cagr_ratio"])
    doc["indicators"]["v"]["assessment"] = {"methods": ["last_change"]}
    spec = spec_from_dict(doc, plugins=plugins_with(LastChangePlugin()))
    assert list(_rows(qnkpi.evaluate(spec))) == [("P", "last_change")]


# --- bad methods --------------------------------------------------------------------------

class Boom:
    def assess(self, inputs: AssessmentInputs) -> MethodOutput:
        raise RuntimeError("kaboom")


class Shapes:
    """Returns what ``make`` builds from the number of units."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def assess(self, inputs: AssessmentInputs) -> Any:
        return self.make(len(inputs.rows))


class MethodPlugin:
    def __init__(self, name: str, method: object) -> None:
        self.name, self.method = name, method

    @hookimpl
    def register_assessment_methods(self, register: Any) -> None:
        register(self.name, self.method)


def _evaluate_with(plugin: MethodPlugin) -> tuple[qnkpi.Plugins, Any]:
    plugins = plugins_with(plugin)
    spec = spec_from_dict(_doc({"D1": {2023: 1.0, 2025: 2.0}, "D2": {2023: 3.0, 2025: 4.0}},
                               level="district", methods=["linear_path", plugin.name]),
                          plugins=plugins)
    with pytest.raises(PluginError) as info:
        qnkpi.evaluate(spec)
    return plugins, info.value


def _owner(plugins: qnkpi.Plugins, name: str) -> str:
    return plugins.registrations["register_assessment_methods"][name].plugin


def test_a_method_that_raises_names_the_plugin() -> None:
    plugins, error = _evaluate_with(MethodPlugin("boom", Boom()))
    assert error.plugin == _owner(plugins, "boom")
    assert "MethodPlugin" in error.plugin
    message = str(error)
    assert message.startswith(f"plugin '{error.plugin}'")
    assert "'boom'" in message and "'v'" in message
    assert "RuntimeError" in message and "kaboom" in message


@pytest.mark.parametrize("make", [
    lambda n: MethodOutput(np.ones(n + 1), np.ones(n), [None] * n),
    lambda n: MethodOutput(np.ones(n), np.ones(n - 1), [None] * n),
    lambda n: MethodOutput(np.ones(n), np.ones(n), [None] * (n + 1)),
    lambda n: MethodOutput(np.ones((n, 2)), np.ones(n), [None] * n),
    lambda n: MethodOutput(np.float64(1.0), np.ones(n), [None] * n),  # type: ignore[arg-type]
    lambda n: (np.ones(n), np.ones(n), [None] * n),
    lambda n: {"ratio": np.ones(n), "projected": np.ones(n), "reason": [None] * n},
    lambda n: None,
], ids=["long-ratio", "short-projection", "long-reasons", "2d-ratio", "scalar-ratio",
        "tuple", "dict", "none"])
def test_a_method_returning_the_wrong_shapes_names_the_plugin(make: Any) -> None:
    plugins, error = _evaluate_with(MethodPlugin("shapes", Shapes(make)))
    assert error.plugin == _owner(plugins, "shapes")
    assert "'shapes'" in str(error)
    assert "MethodOutput" in str(error)


def test_registering_a_method_without_assess_names_the_plugin() -> None:
    with pytest.raises(PluginError, match="has no assess") as info:
        plugins_with(MethodPlugin("lazy", object()))
    assert "MethodPlugin" in info.value.plugin


def test_registering_a_built_in_name_again_names_the_plugin() -> None:
    with pytest.raises(PluginError, match="linear_path") as info:
        plugins_with(MethodPlugin("linear_path", LastChange()))
    assert "MethodPlugin" in info.value.plugin
