"""Plugins found through real entry points (a distribution on sys.path), not mocks."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import qnkpi
from qnkpi.errors import PluginError
from qnkpi.plugin.manager import ENV_AUTOLOAD, ENV_DISABLE, get_plugins

PLUGIN = '''
from typing import Literal

import qnkpi


class Doubled(qnkpi.IndicatorKind):
    """Twice a measure."""

    kind: Literal["doubled"]
    measure: str

    def inputs(self):
        return [qnkpi.Input(("measure",), "measure", self.measure)]

    def compute(self, ctx):
        return qnkpi.IndicatorPanel(2 * ctx.rolled(self.measure))


@qnkpi.hookimpl
def register_indicator_kinds(register):
    register(Doubled)
'''


def _distribution(root: Path, name: str, module_source: str) -> None:
    (root / f"{name}.py").write_text(module_source, encoding="utf-8")
    info = root / f"{name}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[qnkpi]\n{name} = {name}\n", encoding="utf-8")


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(ENV_AUTOLOAD, raising=False)
    monkeypatch.delenv(ENV_DISABLE, raising=False)
    yield tmp_path
    for name in ("qnkpi_doubled", "qnkpi_broken"):
        sys.modules.pop(name, None)


def _spec(plugins: qnkpi.Plugins) -> qnkpi.Spec:
    from qnkpi.testing import spec_from_dict, tiny_programme

    data = tiny_programme(
        data={"m": {"D1": {2023: 3}, "D2": {2023: 4}}},
        indicators={"twice": {"kind": "doubled", "measure": "m", "direction": "increase",
                              "targets": [{"year": 2023, "op": ">=", "value": 14}]}})
    return spec_from_dict(data, plugins=plugins)


def test_an_installed_plugin_is_discovered_and_used(on_path: Path) -> None:
    _distribution(on_path, "qnkpi_doubled", textwrap.dedent(PLUGIN))
    plugins = get_plugins()
    assert "doubled" in plugins.indicator_kinds
    listed = {name: (origin, reg) for name, origin, reg in plugins.describe()}
    assert listed["qnkpi_doubled"] == ("qnkpi_doubled 1.2.3",
                                       {"register_indicator_kinds": ["doubled"]})
    [check] = qnkpi.evaluate(_spec(plugins), plugins=plugins).checks()
    assert (check.unit, check.value, check.status) == ("P", 14.0, "met")


def test_autoload_can_be_turned_off(on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _distribution(on_path, "qnkpi_doubled", textwrap.dedent(PLUGIN))
    monkeypatch.setenv(ENV_AUTOLOAD, "1")
    plugins = get_plugins()
    assert "doubled" not in plugins.indicator_kinds
    with pytest.raises(qnkpi.SpecError, match="unknown kind 'doubled'"):
        _spec(plugins)


def test_a_plugin_can_be_blocked_by_name(on_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _distribution(on_path, "qnkpi_doubled", textwrap.dedent(PLUGIN))
    monkeypatch.setenv(ENV_DISABLE, "qnkpi_doubled")
    assert "doubled" not in get_plugins().indicator_kinds


def test_a_plugin_that_fails_to_import_is_named(on_path: Path) -> None:
    _distribution(on_path, "qnkpi_broken", "import a_module_that_does_not_exist\n")
    with pytest.raises(PluginError) as caught:
        get_plugins(strict=True)
    message = str(caught.value)
    assert caught.value.plugin == "qnkpi_broken"
    assert "qnkpi_broken 1.2.3" in message
    assert "ModuleNotFoundError" in message
    assert f"{ENV_DISABLE}=qnkpi_broken" in message


def test_a_plugin_that_fails_to_import_is_disabled_and_the_others_work(on_path: Path) -> None:
    _distribution(on_path, "qnkpi_broken", "import a_module_that_does_not_exist\n")
    _distribution(on_path, "qnkpi_doubled", textwrap.dedent(PLUGIN))
    with pytest.warns(qnkpi.errors.PluginWarning, match="plugin 'qnkpi_broken' is disabled: "
                      "failed to load from qnkpi_broken 1.2.3"):
        plugins = get_plugins()
    assert "ModuleNotFoundError" in plugins.failed["qnkpi_broken"]
    [check] = qnkpi.evaluate(_spec(plugins), plugins=plugins).checks()
    assert check.value == 14.0
