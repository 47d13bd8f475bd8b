"""Plugins that tests register: kinds and sources that work or fail, and a plugin object
that registers them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal

import numpy as np

import qnkpi
from qnkpi import IndicatorKind, IndicatorPanel, Input, KindContext, hookimpl
from qnkpi.sources.base import FetchRequest, Source
from qnkpi.testing import spec_from_dict, tiny_programme


class DoubleIndicator(IndicatorKind):
    """Twice a measure, rolled up by the measure's rule."""

    kind: Literal["double"]
    measure: str

    def inputs(self) -> list[Input]:
        return [Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        return IndicatorPanel(2 * ctx.rolled(self.measure))


class BoomIndicator(IndicatorKind):
    kind: Literal["boom"]
    measure: str

    def inputs(self) -> list[Input]:
        return [Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        raise ZeroDivisionError("the kind's own bug")


class WrongShapeIndicator(IndicatorKind):
    kind: Literal["wrong_shape"]

    def inputs(self) -> list[Input]:
        return []

    def compute(self, ctx: KindContext) -> IndicatorPanel:
        return IndicatorPanel(np.zeros((1, 1)))


class ConstantSource(Source):
    """Every measure is ``value`` at every district and year."""

    type: Literal["constant"]
    value: float = 1.0
    tabular: ClassVar[bool] = False

    def fetch(self, request: FetchRequest) -> dict[str, Any]:
        panel = np.full(request.shape, self.value)
        panel[request.units["P"]] = np.nan
        return {m.name: panel.copy() for m in request.measures}


class FailingSource(Source):
    type: Literal["failing"]
    tabular: ClassVar[bool] = False

    def fetch(self, request: FetchRequest) -> dict[str, Any]:
        raise RuntimeError("connection refused")


class EmptySource(Source):
    type: Literal["empty"]
    tabular: ClassVar[bool] = False

    def fetch(self, request: FetchRequest) -> dict[str, Any]:
        return {}


class Plugin:
    """A plugin object registering ``kinds`` and ``sources``, named ``name``."""

    def __init__(self, name: str, kinds: tuple[Any, ...] = (),
                 sources: tuple[Any, ...] = ()) -> None:
        self.__name__ = name
        self.kinds, self.sources = kinds, sources

    @hookimpl
    def register_indicator_kinds(self, register: Callable[..., None]) -> None:
        for kind in self.kinds:
            register(kind)

    @hookimpl
    def register_source_types(self, register: Callable[..., None]) -> None:
        for source in self.sources:
            register(source)


def double_spec(plugins: qnkpi.Plugins, kind: str = "double") -> qnkpi.Spec:
    return spec_from_dict(tiny_programme(
        data={"m": {"D1": {2023: 3}, "D2": {2023: 4.5}}},
        indicators={"twice": {"kind": kind, "measure": "m", "direction": "increase",
                              "targets": [{"year": 2023, "op": ">", "value": 15},
                                          {"year": 2023, "op": ">=", "value": 9,
                                           "level": "district"}]}}), plugins=plugins)
