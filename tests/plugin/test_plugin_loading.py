"""Loading plugins: environment variables, the plugins folder, entry points (simulated),
blocking, and a plugin that fails to load or names a hook qnkpi does not have."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from plugin_helpers import DoubleIndicator, Plugin, double_spec

import qnkpi
from qnkpi import hookimpl
from qnkpi.errors import PluginError
from qnkpi.plugin import loading
from qnkpi.plugin.loading import ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR
from qnkpi.plugin.registry import get_plugins
from qnkpi.testing import plugins_with

# --- plugins given in Python -------------------------------------------------------------

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


# --- environment variables ----------------------------------------------------------------

def test_disable_plugins_blocks_a_plugin_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DISABLE, "someone-else, doubler")
    plugins = plugins_with(Plugin("doubler", kinds=(DoubleIndicator,)))
    assert "double" not in plugins.indicator_kinds
    assert "doubler" not in [name for name, _, _ in plugins.describe()]
    with pytest.raises(qnkpi.SpecError, match="unknown kind 'double'"):
        double_spec(plugins)


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
    spec = double_spec(plugins, kind="tripled")
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

    monkeypatch.setattr(loading, "entry_points", entry_points)
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
