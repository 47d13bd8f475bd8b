"""The registry: the built-ins, third-party kinds and sources end to end, what each plugin
registered and in which order, collisions, and a plugin whose hook or part fails, each
error naming the plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

import pytest
from plugin_helpers import (
    BoomIndicator,
    ConstantSource,
    DoubleIndicator,
    EmptySource,
    FailingSource,
    Plugin,
    WrongShapeIndicator,
    double_spec,
)

import qnkpi
from qnkpi import hookimpl
from qnkpi.errors import PluginError
from qnkpi.plugin.loading import BUILTIN_PLUGINS, ENV_TRACE
from qnkpi.plugin.registry import get_plugins
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

# --- the built-ins ------------------------------------------------------------------------

def test_builtins_are_registered_through_the_hooks() -> None:
    plugins = get_plugins(autoload=False)
    assert sorted(plugins.source_types) == ["csv", "frame", "inline", "sqlite", "xlsx"]
    assert sorted(plugins.indicator_kinds) == ["ratio", "share_of_units", "sum", "value"]
    assert sorted(plugins.reporters) == ["csv", "csv-assessments", "html", "json", "markdown",
                                         "parquet", "parquet-assessments", "table", "xlsx"]
    assert sorted(plugins.specs) == ["quang-ninh"]
    assert sorted(plugins.assessment_methods) == ["cagr_ratio", "cagr_trend", "linear_path"]
    assert plugins.source_types["csv"].__name__ == "CsvSource"
    assert plugins.indicator_kinds["ratio"].__name__ == "RatioIndicator"
    regs = plugins.registrations
    assert regs["register_indicator_kinds"]["ratio"].plugin == "qnkpi.default_plugins.kinds"
    assert regs["register_source_types"]["sqlite"].plugin == "qnkpi.default_plugins.sources"
    assert regs["register_reporters"]["json"].plugin == "qnkpi.default_plugins.reporters"
    spec_reg = plugins.specs["quang-ninh"]
    assert Path(spec_reg.obj).name == "programme.yaml" and Path(spec_reg.obj).is_file()
    assert "Quảng Ninh" in spec_reg.extra[0]


def test_describe_lists_each_plugin_with_what_it_registers() -> None:
    plugins = plugins_with(Plugin("doubler", kinds=(DoubleIndicator,),
                                  sources=(ConstantSource,)))
    listed = {name: (origin, regs) for name, origin, regs in plugins.describe()}
    assert list(listed) == [*BUILTIN_PLUGINS, "doubler"]
    assert listed["qnkpi.default_plugins.sources"] == (
        "built in", {"register_source_types": ["csv", "frame", "inline", "sqlite", "xlsx"]})
    assert listed["qnkpi.default_plugins.kinds"] == (
        "built in", {"register_indicator_kinds": ["ratio", "share_of_units", "sum", "value"]})
    assert listed["qnkpi.default_plugins.reporters"] == (
        "built in", {"register_reporters": ["csv", "csv-assessments", "html", "json",
                                            "markdown", "parquet", "parquet-assessments",
                                            "table", "xlsx"]})
    assert listed["qnkpi.default_plugins.specs"] == (
        "built in", {"register_specs": ["quang-ninh"]})
    assert listed["doubler"] == ("doubler", {"register_source_types": ["constant"],
                                             "register_indicator_kinds": ["double"]})


def test_registry_calls_implementations_per_plugin() -> None:
    calls: list[str] = []

    class Recorder:
        def __init__(self, name: str) -> None:
            self.__name__ = name

        @hookimpl
        def register_reporters(self, register: Callable[..., None]) -> None:
            calls.append(self.__name__)
            register(f"report_{self.__name__}", SimpleNamespace(write=lambda *a: None))

    plugins = plugins_with(Recorder("first"), Recorder("second"))
    assert calls == ["second", "first"]  # each on its own, once, last registered first
    regs = plugins.registrations["register_reporters"]
    assert (regs["report_first"].plugin, regs["report_second"].plugin) == ("first", "second")
    assert regs["json"].plugin == "qnkpi.default_plugins.reporters"


# --- a third-party kind and source, end to end --------------------------------------------

def test_a_plugin_kind_works_end_to_end() -> None:
    plugins = plugins_with(Plugin("doubler", kinds=(DoubleIndicator,)))
    assert plugins.indicator_kinds["double"] is DoubleIndicator
    spec = double_spec(plugins)
    assert isinstance(spec.indicators["twice"], DoubleIndicator)
    result = qnkpi.evaluate(spec, plugins=plugins)
    assert [(c.unit, c.value, c.status) for c in result.checks()] == [
        ("P", 15.0, "not_met"), ("D1", 6.0, "not_met"), ("D2", 9.0, "met"),
        ("D3", None, "no_data")]


def test_a_plugin_source_works_end_to_end() -> None:
    plugins = plugins_with(Plugin("const", sources=(ConstantSource,)))
    data = tiny_programme(measures={"m": {"source": "c"}},
                          indicators={"v": {"kind": "value", "measure": "m",
                                            "direction": "increase",
                                            "targets": [{"year": 2023, "op": "==",
                                                         "value": 7.5}]}})
    data["sources"] = {"c": {"type": "constant", "value": 2.5}}
    spec = spec_from_dict(data, plugins=plugins)
    result = qnkpi.evaluate(spec, plugins=plugins)
    assert result.as_of == 2030
    assert [(c.unit, c.year, c.value, c.status) for c in result.checks()] == [
        ("P", 2023, 7.5, "met")]
    assert result.measures["m"][1:, :].tolist() == [[2.5] * 8] * 3


def test_without_the_plugin_the_kind_is_unknown() -> None:
    with pytest.raises(qnkpi.SpecError, match="unknown kind 'double'"):
        double_spec(plugins_with())


# --- registration errors ------------------------------------------------------------------

def test_a_name_already_taken_names_both_plugins() -> None:
    class Ratio(DoubleIndicator):
        kind: Literal["ratio"]  # type: ignore[assignment]

    with pytest.raises(PluginError) as caught:
        plugins_with(Plugin("copycat", kinds=(Ratio,)))
    assert caught.value.plugin == "copycat"
    message = str(caught.value)
    assert message.startswith("plugin 'copycat': ")
    assert "registers 'ratio' in register_indicator_kinds" in message
    assert "plugin 'qnkpi.default_plugins.kinds' already registered" in message


def test_two_third_party_plugins_with_the_same_name() -> None:
    with pytest.raises(PluginError) as caught:
        plugins_with(Plugin("one", kinds=(DoubleIndicator,)),
                     Plugin("two", kinds=(DoubleIndicator,)))
    # pluggy calls the last registered first: "two" registers, then "one" collides
    assert caught.value.plugin == "one"
    assert "which plugin 'two' already registered" in str(caught.value)


def test_a_hook_that_raises_names_the_plugin() -> None:
    class Raising:
        __name__ = "raiser"

        @hookimpl
        def register_source_types(self, register: Callable[..., None]) -> None:
            raise KeyError("missing config")

    with pytest.raises(PluginError) as caught:
        plugins_with(Raising())
    assert caught.value.plugin == "raiser"
    assert str(caught.value) == ("plugin 'raiser': raised in register_source_types: "
                                 "KeyError: 'missing config'")
    assert isinstance(caught.value.__cause__, KeyError)


# --- errors while evaluating --------------------------------------------------------------

def test_a_kind_whose_compute_raises_names_the_plugin_and_the_indicator() -> None:
    plugins = plugins_with(Plugin("boomer", kinds=(BoomIndicator,)))
    spec = double_spec(plugins, kind="boom")
    with pytest.raises(PluginError) as caught:
        qnkpi.evaluate(spec, plugins=plugins)
    assert caught.value.plugin == "boomer"
    assert str(caught.value) == ("plugin 'boomer': indicator 'twice' (kind 'boom') failed: "
                                 "ZeroDivisionError: the kind's own bug")


def test_plugin_errors_name_the_plugin_when_evaluate_is_given_no_registry() -> None:
    # the spec was read with the plugin's registry; evaluate(spec) alone must still say
    # whose kind failed, not "?"
    plugins = plugins_with(Plugin("boomer", kinds=(BoomIndicator,)))
    spec = double_spec(plugins, kind="boom")
    with pytest.raises(PluginError) as caught:
        qnkpi.evaluate(spec)
    assert caught.value.plugin == "boomer"
    assert "indicator 'twice' (kind 'boom') failed" in str(caught.value)


def test_a_kind_returning_the_wrong_shape_names_the_plugin() -> None:
    plugins = plugins_with(Plugin("shaper", kinds=(WrongShapeIndicator,)))
    spec = spec_from_dict(tiny_programme(
        data={"m": {"D1": {2023: 1}}},
        indicators={"w": {"kind": "wrong_shape", "direction": "increase"}}), plugins=plugins)
    with pytest.raises(PluginError, match=r"plugin 'shaper': kind 'wrong_shape' returned a "
                                          r"panel of shape \(1, 1\), not \(4, 8\)"):
        qnkpi.evaluate(spec, plugins=plugins)


def _source_spec(plugins: qnkpi.Plugins, source_type: str) -> qnkpi.Spec:
    data = tiny_programme(measures={"m": {"source": "remote"}})
    data["sources"] = {"remote": {"type": source_type}}
    return spec_from_dict(data, plugins=plugins)


def test_a_source_whose_fetch_raises_names_the_plugin() -> None:
    plugins = plugins_with(Plugin("flaky", sources=(FailingSource,)))
    with pytest.raises(PluginError) as caught:
        qnkpi.evaluate(_source_spec(plugins, "failing"), plugins=plugins)
    assert caught.value.plugin == "flaky"
    assert str(caught.value) == ("plugin 'flaky': source 'remote' (type 'failing') failed: "
                                 "RuntimeError: connection refused")
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_source_returning_no_panel_names_the_plugin() -> None:
    plugins = plugins_with(Plugin("lazy", sources=(EmptySource,)))
    with pytest.raises(PluginError, match=r"plugin 'lazy': source type 'empty' returned no "
                                          r"\(4, 8\) panel for measure 'm'"):
        qnkpi.evaluate(_source_spec(plugins, "empty"), plugins=plugins)


def test_trace_prints_each_hook_call(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV_TRACE, "1")
    plugins_with(Plugin("doubler", kinds=(DoubleIndicator,)))
    err = capsys.readouterr().err
    assert "qnkpi: register_indicator_kinds() of plugin 'doubler'" in err
    assert "qnkpi: register_source_types() of plugin 'qnkpi.default_plugins.sources'" in err


# --- no registry kept for the process -----------------------------------------------------

def test_no_registry_is_kept_for_the_process() -> None:
    from qnkpi.plugin import loading, manager, registry

    for module in (manager, loading, registry):
        assert not {"default_plugins", "built_default", "_DEFAULT"} & set(vars(module))
    assert get_plugins(autoload=False) is not get_plugins(autoload=False)
    example = Path(qnkpi.__file__).parent / "examples" / "quang-ninh" / "programme.yaml"
    first, second = qnkpi.load_spec(example), qnkpi.load_spec(example)
    assert first.plugins is not None and second.plugins is not None
    assert first.plugins is not second.plugins  # each call without one builds its own
    given = plugins_with()
    assert qnkpi.load_spec(example, plugins=given).plugins is given


def test_manager_still_exports_what_0_1_did() -> None:
    from qnkpi.plugin import hooks, loading, manager, registry

    assert set(manager.__all__) == {
        "BUILTIN_PLUGINS", "ENV_AUTOLOAD", "ENV_DISABLE", "ENV_PLUGINS_DIR", "ENV_TRACE",
        "FILE_NAME_PART", "PluginManager", "Plugins", "Registration",
        "get_plugin_manager", "get_plugins"}
    for name in manager.__all__:
        defined = [m for m in (hooks, loading, registry) if name in m.__all__]
        assert [getattr(manager, name)] == [getattr(m, name) for m in defined]


def test_owner_names_the_plugin_that_registered_a_name(fresh_plugins: qnkpi.Plugins) -> None:
    from qnkpi.plugin.hooks import INDICATOR_KINDS, REPORTERS, SOURCE_TYPES

    assert fresh_plugins.owner(SOURCE_TYPES, "csv") == "qnkpi.default_plugins.sources"
    assert fresh_plugins.owner(REPORTERS, "csv") == "qnkpi.default_plugins.reporters"
    assert fresh_plugins.owner(INDICATOR_KINDS, "ratio") == "qnkpi.default_plugins.kinds"
    assert fresh_plugins.owner(INDICATOR_KINDS, "csv") == "?"  # a name of another hook
