"""`qnkpi.spec_from_dict`: a spec built in code, with the installed plugins by default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest

import qnkpi
from qnkpi import testing
from qnkpi.plugin import registry
from qnkpi.spec.models import Name


class DoubleIndicator(qnkpi.IndicatorKind):
    """Twice a measure: a kind that only an "installed" plugin registers here."""

    kind: Literal["double"]
    measure: Name

    def inputs(self) -> list[qnkpi.Input]:
        return [qnkpi.Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: qnkpi.KindContext) -> qnkpi.IndicatorPanel:
        return qnkpi.IndicatorPanel(ctx.rolled(self.measure) * 2)


class _Installed:
    @qnkpi.hookimpl
    def register_indicator_kinds(self, register: Callable[[type[Any]], None]) -> None:
        register(DoubleIndicator)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[qnkpi.Plugins]:
    """`get_plugins` as if a plugin registering the kind `double` were installed; the
    registries it built, in order."""
    made: list[qnkpi.Plugins] = []
    real = registry.get_plugins

    def fake(*, autoload: bool | None = None, **options: Any) -> qnkpi.Plugins:
        if autoload is False:  # plugins_with(): no installed plugin
            return real(autoload=False, **options)
        made.append(real(autoload=False, plugins=(_Installed(),)))
        return made[-1]

    monkeypatch.setattr(registry, "get_plugins", fake)
    return made


def _programme(kind: str = "double") -> dict[str, Any]:
    return testing.tiny_programme(
        data={"x": {"P": {2024: 3}}},
        indicators={"x2": {"kind": kind, "measure": "x", "direction": "increase",
                           "targets": [{"year": 2024, "op": ">=", "value": 5}]}})


def test_it_is_public() -> None:
    assert "spec_from_dict" in qnkpi.__all__
    assert qnkpi.spec_from_dict is qnkpi.spec.loader.spec_from_dict


def test_the_installed_plugins_are_used_a_fresh_registry_per_call(
        built: list[qnkpi.Plugins]) -> None:
    first = qnkpi.spec_from_dict(_programme())
    second = qnkpi.spec_from_dict(_programme())
    assert len(built) == 2 and built[0] is not built[1]
    assert (first.plugins, second.plugins) == (built[0], built[1])
    (check,) = qnkpi.evaluate(first).checks()
    assert (check.unit, check.value, check.status) == ("P", 6.0, "met")


def test_a_given_registry_is_used_and_none_is_built(built: list[qnkpi.Plugins]) -> None:
    plugins = testing.plugins_with()
    with pytest.raises(qnkpi.SpecError, match="'double'"):
        qnkpi.spec_from_dict(_programme(), plugins=plugins)
    assert qnkpi.spec_from_dict(_programme("value"), plugins=plugins).plugins is plugins
    assert built == []


def test_the_testing_helper_keeps_the_built_ins_only(built: list[qnkpi.Plugins]) -> None:
    with pytest.raises(qnkpi.SpecError):
        testing.spec_from_dict(_programme())
    assert built == []


def test_the_same_spec_and_messages_as_the_testing_helper(tmp_path: Path) -> None:
    data = _programme("value")
    plugins = testing.plugins_with()
    assert qnkpi.spec_from_dict(data, plugins=plugins, base_dir=tmp_path) == \
        testing.spec_from_dict(data, plugins=plugins, base_dir=tmp_path)
    data["indicators"]["x2"]["measure"] = "y"
    with pytest.raises(qnkpi.SpecError) as public:
        qnkpi.spec_from_dict(data, plugins=plugins, base_dir=tmp_path)
    with pytest.raises(qnkpi.SpecError) as helper:
        testing.spec_from_dict(data, base_dir=tmp_path)
    assert public.value.problems == helper.value.problems
    (problem,) = public.value.problems
    assert problem.file == tmp_path / "<dict>"
    assert problem.message.startswith("unknown measure 'y'")


def test_a_value_yaml_cannot_write_is_a_spec_error() -> None:
    data = _programme("value")
    data["sources"]["data"]["data"]["x"]["P"][2024] = np.int64(3)
    with pytest.raises(qnkpi.SpecError) as info:
        qnkpi.spec_from_dict(data, plugins=testing.plugins_with())
    (problem,) = info.value.problems
    assert problem.message.startswith("a value of type int64 (")
    assert problem.message.endswith("cannot be written as YAML; use plain Python values: "
                                    "dict, list, str, int, float, bool, None")
