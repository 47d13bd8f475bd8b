"""Numbers that cannot be honest: an overflowed quotient is missing, never infinite, and a
plugin that hands the engine something that is not a finite number is named."""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme


def test_a_tiny_denominator_gives_no_value_and_no_numpy_warning(
        capfd: pytest.CaptureFixture[str]) -> None:
    data = tiny_programme(data={"a": {"P": {2023: 1e18, 2024: 5}},
                                "b": {"P": {2023: 1e-300, 2024: 10}}}, end=2025)
    data["indicators"] = {"r": {"kind": "ratio", "numerator": "a", "denominator": "b",
                                "factor": 100, "unit": "percent", "direction": "increase",
                                "targets": [{"year": 2023, "op": ">=", "value": 50},
                                            {"year": 2024, "op": ">=", "value": 50}]}}
    result = qnkpi.evaluate(spec_from_dict(data))  # numpy warnings are errors in the tests
    checks = {c.year: c for c in result.checks() if c.unit == "P"}
    assert checks[2023].value is None and checks[2023].status == "no_data"
    assert checks[2024].value == 50.0 and checks[2024].status == "met"
    json.loads(json.dumps(result.to_dict(), allow_nan=False))  # the JSON stays valid
    assert capfd.readouterr().err == ""


class _OddSource(qnkpi.Source):
    """Returns whatever `give` says instead of a panel of numbers."""

    type: Literal["odd"]
    give: str

    def fetch(self, request: qnkpi.FetchRequest) -> dict[str, Any]:
        fill: Any = {"text": "many", "inf": np.inf}.get(self.give, 1.0)
        panel = np.full(request.shape, fill, dtype=object if self.give == "text" else float)
        return {m.name: panel for m in request.measures}


class _OddKind(qnkpi.IndicatorKind):
    kind: Literal["odd_kind"]
    measure: qnkpi.Name

    def inputs(self) -> list[qnkpi.Input]:
        return [qnkpi.Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: qnkpi.KindContext) -> qnkpi.IndicatorPanel:
        return qnkpi.IndicatorPanel(np.full(ctx.tree.shape, "high", dtype=object))


class _OddPlugin:
    @qnkpi.hookimpl
    def register_source_types(self, register: Any) -> None:
        register(_OddSource)

    @qnkpi.hookimpl
    def register_indicator_kinds(self, register: Any) -> None:
        register(_OddKind)


def _spec(give: str, kind: str = "value") -> qnkpi.Spec:
    data = tiny_programme()
    data["sources"] = {"odd": {"type": "odd", "give": give}}
    data["measures"] = {"m": {"source": "odd"}}
    data["indicators"] = {"i": {"kind": kind, "measure": "m", "direction": "increase",
                                "targets": [{"year": 2023, "op": ">=", "value": 1}]}}
    return spec_from_dict(data, plugins=plugins_with(_OddPlugin()))


@pytest.mark.parametrize(("give", "message"), [
    ("text", "returned values that are not numbers for measure 'm'"),
    ("inf", "returned an infinite value for measure 'm'"),
])
def test_a_source_that_returns_no_finite_numbers_is_named(give: str, message: str) -> None:
    with pytest.raises(qnkpi.PluginError, match=message) as caught:
        qnkpi.evaluate(_spec(give))
    assert "source type 'odd'" in str(caught.value)


def test_a_kind_that_returns_no_numbers_is_named() -> None:
    spec = _spec("one", kind="odd_kind")
    with pytest.raises(qnkpi.PluginError, match="kind 'odd_kind' returned values that are "
                       "not numbers for indicator 'i'"):
        qnkpi.evaluate(spec)
