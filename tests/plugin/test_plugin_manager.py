"""The plugin manager and registry: built-ins, third-party kinds and sources, and every way a
plugin can fail, each error naming the plugin."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar, Literal

import numpy as np
import pytest

import qnkpi
from qnkpi import IndicatorKind, IndicatorPanel, Input, KindContext, hookimpl
from qnkpi.errors import PluginError
from qnkpi.plugin import manager
from qnkpi.plugin.manager import (
    BUILTIN_PLUGINS,
    ENV_AUTOLOAD,
    ENV_DISABLE,
    ENV_PLUGINS_DIR,
    ENV_TRACE,
    get_plugins,
)
from qnkpi.sources.base import FetchRequest, Source
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR, ENV_TRACE):
        monkeypatch.delenv(name, raising=False)
    yield
    for name in [m for m in sys.modules if m.startswith("qnkpi_plugins_dir.")]:
        del sys.modules[name]


# --- things plugins register --------------------------------------------------------------

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


def _double_spec(plugins: qnkpi.Plugins, kind: str = "double") -> qnkpi.Spec:
    return spec_from_dict(tiny_programme(
        data={"m": {"D1": {2023: 3}, "D2": {2023: 4.5}}},
        indicators={"twice": {"kind": kind, "measure": "m", "direction": "increase",
                              "targets": [{"year": 2023, "op": ">", "value": 15},
                                          {"year": 2023, "op": ">=", "value": 9,
                                           "level": "district"}]}}), plugins=plugins)


# --- the built-ins ------------------------------------------------------------------------

def test_builtins_are_registered_through_the_hooks() -> None:
    plugins = get_plugins(autoload=False)
    assert sorted(plugins.source_types) == ["csv", "inline", "sqlite", "xlsx"]
    assert sorted(plugins.indicator_kinds) == ["ratio", "share_of_units", "sum", "value"]
    assert sorted(plugins.reporters) == ["csv", "csv-assessments", "html", "json", "markdown",
                                         "table", "xlsx"]
    assert sorted(plugins.specs) == ["quang-ninh"]
    assert sorted(plugins.assessment_methods) == ["cagr_ratio", "linear_path"]
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
        "built in", {"register_source_types": ["csv", "inline", "sqlite", "xlsx"]})
    assert listed["qnkpi.default_plugins.kinds"] == (
        "built in", {"register_indicator_kinds": ["ratio", "share_of_units", "sum", "value"]})
    assert listed["qnkpi.default_plugins.reporters"] == (
        "built in", {"register_reporters": ["csv", "csv-assessments", "html", "json",
                                            "markdown", "table", "xlsx"]})
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
    spec = _double_spec(plugins)
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
        _double_spec(plugins_with())


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


@pytest.mark.parametrize("thing", [42, "double", DoubleIndicator(
    kind="double", measure="m", direction="increase"), ConstantSource])
def test_registering_something_not_a_kind_class_names_the_plugin(thing: Any) -> None:
    with pytest.raises(PluginError) as caught:
        plugins_with(Plugin("sloppy", kinds=(thing,)))
    assert caught.value.plugin == "sloppy"
    assert ("register_indicator_kinds: register() takes one subclass of "
            "qnkpi.kinds.base.IndicatorKind") in str(caught.value)


def test_registering_a_kind_as_a_source_names_the_plugin() -> None:
    with pytest.raises(PluginError, match=r"plugin 'mixup': register_source_types: register\(\) "
                                          r"takes one subclass of qnkpi.sources.base.Source"):
        plugins_with(Plugin("mixup", sources=(DoubleIndicator,)))


def test_a_kind_without_a_literal_name_is_refused() -> None:
    class Nameless(IndicatorKind):
        kind: str

    with pytest.raises(PluginError, match=r"plugin 'vague': register_indicator_kinds: "
                                          r"Nameless.kind must be Literal\['name'\]"):
        plugins_with(Plugin("vague", kinds=(Nameless,)))


def test_a_reporter_without_write_is_refused() -> None:
    class BadReporter:
        __name__ = "badrep"

        @hookimpl
        def register_reporters(self, register: Callable[..., None]) -> None:
            register("pdf", object())

    with pytest.raises(PluginError, match="plugin 'badrep': register_reporters: reporter 'pdf' "
                                          "has no write"):
        plugins_with(BadReporter())


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


def test_an_unknown_hook_names_the_plugin() -> None:
    class Typo:
        __name__ = "typo"

        @hookimpl
        def register_indicator_kind(self, register: Callable[..., None]) -> None:
            """Misspelt: the hook is register_indicator_kinds."""

    with pytest.raises(PluginError) as caught:
        plugins_with(Typo())
    assert caught.value.plugin == "typo"
    assert "implements a hook qnkpi does not have" in str(caught.value)
    assert "register_indicator_kind" in str(caught.value)


def test_an_unnamed_plugin_object_is_named_by_the_manager() -> None:
    class Anonymous:
        @hookimpl
        def register_indicator_kinds(self, register: Callable[..., None]) -> None:
            register("not a class")

    plugin = Anonymous()
    with pytest.raises(PluginError) as caught:
        plugins_with(plugin)
    assert caught.value.plugin == (
        f"{Anonymous.__module__}.test_an_unnamed_plugin_object_is_named_by_the_manager"
        ".<locals>.Anonymous")


# --- errors while evaluating --------------------------------------------------------------

def test_a_kind_whose_compute_raises_names_the_plugin_and_the_indicator() -> None:
    plugins = plugins_with(Plugin("boomer", kinds=(BoomIndicator,)))
    spec = _double_spec(plugins, kind="boom")
    with pytest.raises(PluginError) as caught:
        qnkpi.evaluate(spec, plugins=plugins)
    assert caught.value.plugin == "boomer"
    assert str(caught.value) == ("plugin 'boomer': indicator 'twice' (kind 'boom') failed: "
                                 "ZeroDivisionError: the kind's own bug")


def test_plugin_errors_name_the_plugin_when_evaluate_is_given_no_registry() -> None:
    # the spec was read with the plugin's registry; evaluate(spec) alone must still say
    # whose kind failed, not "?"
    plugins = plugins_with(Plugin("boomer", kinds=(BoomIndicator,)))
    spec = _double_spec(plugins, kind="boom")
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


# --- environment variables ----------------------------------------------------------------

def test_disable_plugins_blocks_a_plugin_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DISABLE, "someone-else, doubler")
    plugins = plugins_with(Plugin("doubler", kinds=(DoubleIndicator,)))
    assert "double" not in plugins.indicator_kinds
    assert "doubler" not in [name for name, _, _ in plugins.describe()]
    with pytest.raises(qnkpi.SpecError, match="unknown kind 'double'"):
        _double_spec(plugins)


def test_disable_plugins_can_block_a_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DISABLE, "qnkpi.default_plugins.reporters")
    plugins = get_plugins(autoload=False)
    assert plugins.reporters == {}
    assert sorted(plugins.indicator_kinds) == ["ratio", "share_of_units", "sum", "value"]


PLUGIN_FILE = '''
{future}
from typing import Literal

import qnkpi


class Tripled(qnkpi.IndicatorKind):
    kind: Literal["tripled"]
    measure: str

    def inputs(self) -> list[qnkpi.Input]:
        return [qnkpi.Input(("measure",), "measure", self.measure)]

    def compute(self, ctx: qnkpi.KindContext) -> qnkpi.IndicatorPanel:
        return qnkpi.IndicatorPanel(3 * ctx.rolled(self.measure))


@qnkpi.hookimpl
def register_indicator_kinds(register):
    register(Tripled)
'''


@pytest.mark.parametrize("future", ["", "from __future__ import annotations"],
                         ids=["plain", "future-annotations"])
def test_plugins_dir_loads_py_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    future: str) -> None:
    folder = tmp_path / "myplugins"
    folder.mkdir()
    (folder / "triple.py").write_text(textwrap.dedent(PLUGIN_FILE.format(future=future)),
                                      encoding="utf-8")
    (folder / "notes.txt").write_text("not a plugin", encoding="utf-8")
    monkeypatch.setenv(ENV_PLUGINS_DIR, str(folder))
    plugins = plugins_with()
    listed = {name: (origin, regs) for name, origin, regs in plugins.describe()}
    assert listed["myplugins/triple.py"] == (str(folder / "triple.py"),
                                             {"register_indicator_kinds": ["tripled"]})
    spec = _double_spec(plugins, kind="tripled")
    result = qnkpi.evaluate(spec, plugins=plugins)
    assert [c.value for c in result.checks()][:3] == [22.5, 9.0, 13.5]


def test_plugins_dir_file_that_fails_names_it(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "myplugins"
    folder.mkdir()
    (folder / "broken.py").write_text("raise ValueError('half-written plugin')\n",
                                      encoding="utf-8")
    monkeypatch.setenv(ENV_PLUGINS_DIR, str(folder))
    with pytest.raises(PluginError) as caught:
        plugins_with()
    assert caught.value.plugin == "myplugins/broken.py"
    assert "ValueError: half-written plugin" in str(caught.value)


def test_plugins_dir_file_can_be_blocked(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "myplugins"
    folder.mkdir()
    (folder / "broken.py").write_text("raise ValueError('never run')\n", encoding="utf-8")
    monkeypatch.setenv(ENV_PLUGINS_DIR, str(folder))
    monkeypatch.setenv(ENV_DISABLE, "myplugins/broken.py")
    assert sorted(plugins_with().indicator_kinds) == ["ratio", "share_of_units", "sum",
                                                      "value"]


def test_plugins_dir_must_be_a_directory(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_PLUGINS_DIR, str(tmp_path / "missing"))
    with pytest.raises(PluginError, match="QNKPI_PLUGINS_DIR is not a directory"):
        plugins_with()


def test_trace_prints_each_hook_call(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV_TRACE, "1")
    plugins_with(Plugin("doubler", kinds=(DoubleIndicator,)))
    err = capsys.readouterr().err
    assert "qnkpi: register_indicator_kinds() of plugin 'doubler'" in err
    assert "qnkpi: register_source_types() of plugin 'qnkpi.default_plugins.sources'" in err


# --- entry points (simulated) -------------------------------------------------------------

class FakeEntryPoint:
    def __init__(self, name: str, value: str, load: Callable[[], object],
                 dist: object = None) -> None:
        self.name, self.value, self._load, self.dist = name, value, load, dist

    def load(self) -> object:
        return self._load()


def _fake_entry_points(monkeypatch: pytest.MonkeyPatch, *eps: FakeEntryPoint) -> list[str]:
    asked: list[str] = []

    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        asked.append(group)
        return list(eps)

    monkeypatch.setattr(manager, "entry_points", entry_points)
    return asked


def _fail_import() -> object:
    raise ImportError("No module named 'numpyy'")


BROKEN = FakeEntryPoint("broken", "broken_pkg.plugin", _fail_import,
                        SimpleNamespace(name="broken-pkg", version="0.9.1"))


def test_an_entry_point_that_fails_to_import_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _fake_entry_points(monkeypatch, BROKEN)
    with pytest.raises(PluginError) as caught:
        get_plugins(autoload=True, strict=True)
    assert asked == ["qnkpi"]
    assert caught.value.plugin == "broken"
    message = str(caught.value)
    assert message.startswith("plugin 'broken': failed to load from broken-pkg 0.9.1 "
                              "(broken_pkg.plugin): ImportError: No module named 'numpyy'")
    assert "QNKPI_DISABLE_PLUGINS=broken" in message
    assert isinstance(caught.value.__cause__, ImportError)


def test_an_entry_point_that_fails_to_import_is_disabled_with_a_warning(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, BROKEN)
    with pytest.warns(qnkpi.errors.PluginWarning) as warned:
        plugins = get_plugins(autoload=True)
    [warning] = warned
    assert isinstance(warning.message, qnkpi.errors.PluginWarning)
    assert warning.message.plugin == "broken"
    assert str(warning.message).startswith(
        "plugin 'broken' is disabled: failed to load from broken-pkg 0.9.1 "
        "(broken_pkg.plugin): ImportError: No module named 'numpyy'")
    assert list(plugins.failed) == ["broken"]
    assert [(n, o) for n, o, _ in plugins.describe_failed()] == [("broken", "broken-pkg 0.9.1")]
    assert "broken" not in [name for name, _, _ in plugins.describe()]
    assert "value" in plugins.indicator_kinds  # the others work


def test_a_broken_entry_point_can_be_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_entry_points(monkeypatch, BROKEN)
    monkeypatch.setenv(ENV_DISABLE, "broken")
    assert "value" in get_plugins(autoload=True).indicator_kinds


def test_autoload_off_skips_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _fake_entry_points(monkeypatch, BROKEN)
    get_plugins(autoload=False)
    monkeypatch.setenv(ENV_AUTOLOAD, "1")
    get_plugins()
    assert asked == []
    monkeypatch.setenv(ENV_AUTOLOAD, "0")  # "0" does not disable
    with pytest.warns(qnkpi.errors.PluginWarning, match="plugin 'broken' is disabled"):
        get_plugins()
    assert asked == ["qnkpi"]


def test_a_working_entry_point_is_registered_under_its_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    good = FakeEntryPoint("doubling", "doubling_pkg", lambda: Plugin(
        "ignored", kinds=(DoubleIndicator,)), SimpleNamespace(name="doubling-pkg",
                                                              version="2.0"))
    nodist = FakeEntryPoint("orphan", "orphan_mod", lambda: Plugin("x"), None)
    _fake_entry_points(monkeypatch, good, nodist)
    plugins = get_plugins(autoload=True)
    listed = {name: (origin, regs) for name, origin, regs in plugins.describe()}
    assert listed["doubling"] == ("doubling-pkg 2.0", {"register_indicator_kinds": ["double"]})
    assert listed["orphan"] == ("?", {})
    assert plugins.registrations["register_indicator_kinds"]["double"].plugin == "doubling"
    # entry points load before the built-ins
    assert [name for name, _, _ in plugins.describe()][:2] == ["doubling", "orphan"]
