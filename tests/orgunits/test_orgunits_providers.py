"""Org-unit providers: a plugin's tree in a spec (``org_units: {provider: NAME, ...}``),
every way a provider can fail, and the ``qnkpi org-units`` command."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

import qnkpi
from qnkpi import hookimpl
from qnkpi.cli import main
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

Provide = Callable[[Mapping[str, Any]], Any]


class Provider:
    """A provider object: ``provide(options)`` calls ``fn`` and records the options."""

    def __init__(self, fn: Provide) -> None:
        self.fn = fn
        self.calls: list[dict[str, Any]] = []

    def provide(self, options: Mapping[str, Any]) -> Any:
        self.calls.append(dict(options))
        return self.fn(options)


class ProviderPlugin:
    """A plugin named ``name`` registering ``providers`` (name -> provider)."""

    def __init__(self, name: str, providers: dict[str, Provider]) -> None:
        self.__name__ = name
        self.providers = providers

    @hookimpl
    def register_org_unit_providers(self, register: Callable[..., None]) -> None:
        for name, provider in self.providers.items():
            register(name, provider)


def _grid(options: Mapping[str, Any]) -> dict[str, Any]:
    """A province with ``size`` districts D1, D2, ..."""
    size = options["size"]
    if not isinstance(size, int) or size < 1:
        raise qnkpi.QnkpiError(f"size must be a positive whole number, got {size!r}")
    units = [{"code": "P", "name": "Tỉnh", "level": "province"}]
    units += [{"code": f"D{i}", "name": f"Huyện {i}", "level": "district", "parent": "P"}
              for i in range(1, size + 1)]
    return {"levels": ["province", "district"], "units": units}


def _value_error(options: Mapping[str, Any]) -> Any:
    raise ValueError("the register is down")


def _bad_level(options: Mapping[str, Any]) -> Any:
    tree = _grid({"size": 2})
    tree["units"][2]["level"] = "commune"
    return tree


def _not_a_mapping(options: Mapping[str, Any]) -> Any:
    return ["P", "D1"]


PLUGIN = "acme-units"


@pytest.fixture
def grid() -> Provider:
    return Provider(_grid)


@pytest.fixture
def plugins(grid: Provider) -> qnkpi.Plugins:
    return plugins_with(ProviderPlugin(PLUGIN, {
        "grid": grid, "flaky": Provider(_value_error), "bad-level": Provider(_bad_level),
        "listing": Provider(_not_a_mapping)}))


def _doc(org_units: dict[str, Any]) -> dict[str, Any]:
    doc = tiny_programme(data={"x": {"D1": {2023: 1.0}, "D2": {2023: 2.0}, "D3": {2023: 4.0}}},
                         indicators={"v": {"kind": "value", "measure": "x",
                                           "direction": "increase",
                                           "targets": [{"year": 2023, "op": ">=", "value": 7},
                                                       {"year": 2023, "op": ">=", "value": 2,
                                                        "level": "district"}]}})
    doc["org_units"] = org_units
    return doc


def test_a_provided_tree_loads_and_evaluates(plugins: qnkpi.Plugins, grid: Provider) -> None:
    spec = spec_from_dict(_doc({"provider": "grid", "size": 3}), plugins=plugins)
    assert grid.calls == [{"size": 3}]  # the options, without 'provider'
    assert [u.code for u in spec.org_units.units] == ["P", "D1", "D2", "D3"]
    result = qnkpi.evaluate(spec, plugins=plugins)
    assert [(c.unit, c.value, c.status) for c in result.checks()] == [
        ("P", 7.0, "met"), ("D1", 1.0, "not_met"), ("D2", 2.0, "met"), ("D3", 4.0, "met")]
    assert next(result.checks()).unit_name == "Tỉnh"


def test_the_provided_tree_is_the_one_the_options_ask_for(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.DataError, match="'x': unit code 'D3' is not in the org units"):
        qnkpi.evaluate(spec_from_dict(_doc({"provider": "grid", "size": 2}),
                                      plugins=plugins), plugins=plugins)


def test_an_unknown_provider_names_the_installed_ones(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.SpecError) as info:
        spec_from_dict(_doc({"provider": "gird", "size": 3}), plugins=plugins)
    (problem,) = info.value.problems
    assert "unknown org-unit provider 'gird'; did you mean 'grid'?" in problem.message
    assert "installed: bad-level, flaky, grid, listing" in problem.message
    assert problem.file == Path("<dict>") and problem.line is not None


def test_no_provider_installed_says_none() -> None:
    with pytest.raises(qnkpi.SpecError, match="installed: none"):
        spec_from_dict(_doc({"provider": "grid", "size": 3}), plugins=plugins_with())


def test_a_provider_refusing_its_options_is_a_spec_error(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.SpecError) as info:
        spec_from_dict(_doc({"provider": "grid", "size": "three"}), plugins=plugins)
    (problem,) = info.value.problems
    assert problem.message == ("org-unit provider 'grid': size must be a positive whole "
                               "number, got 'three'")
    assert problem.file == Path("<dict>") and problem.line is not None


def test_a_provider_that_crashes_is_a_plugin_error(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.PluginError) as info:
        spec_from_dict(_doc({"provider": "flaky"}), plugins=plugins)
    assert info.value.plugin == PLUGIN
    assert str(info.value) == (f"plugin '{PLUGIN}': org-unit provider 'flaky' failed: "
                               "ValueError: the register is down")


def test_a_provider_returning_no_mapping_is_a_plugin_error(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.PluginError, match="must return a mapping") as info:
        spec_from_dict(_doc({"provider": "listing"}), plugins=plugins)
    assert info.value.plugin == PLUGIN


def test_a_bad_provided_tree_points_into_the_provider(plugins: qnkpi.Plugins) -> None:
    with pytest.raises(qnkpi.SpecError) as info:
        spec_from_dict(_doc({"provider": "bad-level"}), plugins=plugins)
    (problem,) = info.value.problems
    assert problem.file == Path("<org-unit provider bad-level>")
    assert "unknown level 'commune'" in problem.message
    assert problem.line is not None
    # the line is the unit's level in the YAML the provider's tree is written as
    text = yaml.safe_dump(_bad_level({}), allow_unicode=True, sort_keys=False, width=100)
    assert text.splitlines()[problem.line - 1].strip() == "level: commune"


def test_cross_checks_of_a_provided_tree_point_into_the_provider() -> None:
    def orphan(options: Mapping[str, Any]) -> Any:
        tree = _grid({"size": 2})
        tree["units"][2]["parent"] = "Q"
        return tree

    plugins = plugins_with(ProviderPlugin(PLUGIN, {"orphan": Provider(orphan)}))
    with pytest.raises(qnkpi.SpecError) as info:
        spec_from_dict(_doc({"provider": "orphan"}), plugins=plugins)
    (problem,) = info.value.problems
    assert problem.file == Path("<org-unit provider orphan>")
    assert problem.message == ("parent 'Q' of unit 'D2' is not a unit; add the parent to "
                               "the org units, or correct the code")


def test_a_provider_without_provide_cannot_register() -> None:
    class Broken:
        __name__ = "broken"

        @hookimpl
        def register_org_unit_providers(self, register: Callable[..., None]) -> None:
            register("nothing", object())

    with pytest.raises(qnkpi.PluginError, match="has no provide") as info:
        plugins_with(Broken())
    assert info.value.plugin == "broken"


# --- qnkpi org-units ----------------------------------------------------------------------

def _run(capsys: pytest.CaptureFixture[str], *argv: str,
         plugins: qnkpi.Plugins | None = None) -> tuple[int, str, str]:
    """`qnkpi org-units ARGV` with registry `plugins` (default: what is installed)."""
    code = main(["org-units", *argv], plugins=plugins)
    out, err = capsys.readouterr()
    return code, out, err


def test_org_units_without_a_provider_lists_or_says_none(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys)
    assert code == 0
    assert "no org-unit provider is installed" in out or "(plugin " in out
    assert err == ""


def test_org_units_with_nothing_installed_says_so(
        capsys: pytest.CaptureFixture[str], fresh_plugins: qnkpi.Plugins) -> None:
    code, out, _ = _run(capsys, plugins=fresh_plugins)
    assert code == 0
    assert "no org-unit provider is installed" in out


def test_org_units_lists_the_installed_providers(
        capsys: pytest.CaptureFixture[str],
        plugins: qnkpi.Plugins) -> None:
    code, out, _ = _run(capsys, plugins=plugins)
    assert code == 0
    assert out.splitlines() == [f"{name}  (plugin {PLUGIN})"
                                for name in ("bad-level", "flaky", "grid", "listing")]


def test_org_units_unknown_provider_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "no-such-provider", "province=22")
    assert code == 2
    assert out == ""
    assert "qnkpi: error: unknown org-unit provider 'no-such-provider'" in err
    assert "installed:" in err


@pytest.mark.parametrize("option", ["province", "=22", "province:22"])
def test_org_units_bad_option_syntax_exits_2(
        capsys: pytest.CaptureFixture[str], option: str) -> None:
    code, out, err = _run(capsys, "no-such-provider", option)
    assert code == 2
    assert out == ""
    assert f"qnkpi: error: option {option!r}: write options as KEY=VALUE" in err


def test_org_units_writes_a_tree_that_loads_back(
        capsys: pytest.CaptureFixture[str],
        plugins: qnkpi.Plugins, grid: Provider, tmp_path: Path) -> None:
    path = tmp_path / "org-units.yaml"
    code, _, err = _run(capsys, "grid", "size=3", "-o", str(path), plugins=plugins)
    assert code == 0, err
    assert grid.calls == [{"size": 3}]  # read as YAML: the number 3
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Org units from provider 'grid' (size=3)")
    assert "Huyện 1" in text  # UTF-8, not escapes
    assert yaml.safe_load(text) == _grid({"size": 3})
    doc = _doc("org-units.yaml")  # type: ignore[arg-type]
    spec = spec_from_dict(doc, base_dir=tmp_path, plugins=plugins)
    assert [u.code for u in spec.org_units.units] == ["P", "D1", "D2", "D3"]


def _numeric(options: Mapping[str, Any]) -> dict[str, Any]:
    """Codes that look like numbers (GSO codes, leading zeros) and dates."""
    return {"levels": ["province", "commune"], "units": [
        {"code": "22", "name": "Tỉnh", "level": "province"},
        {"code": "06652", "name": "Phường Hà Tu", "level": "commune", "parent": "22",
         "valid_from": "2025-07-01"},
        {"code": "1e3", "name": "Xã lạ", "level": "commune", "parent": "22"}]}


def test_org_units_quotes_codes_that_look_like_numbers(
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    registry = plugins_with(ProviderPlugin(PLUGIN, {"numeric": Provider(_numeric)}))
    path = tmp_path / "org-units.yaml"
    code, _, err = _run(capsys, "numeric", "-o", str(path), plugins=registry)
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert "code: '06652'" in text and "parent: '22'" in text
    units = yaml.safe_load(text)["units"]
    assert [u["code"] for u in units] == ["22", "06652", "1e3"]  # strings, zeros kept
    assert units[1]["valid_from"] == "2025-07-01"


def test_org_units_refused_options_exit_2(
        capsys: pytest.CaptureFixture[str],
        plugins: qnkpi.Plugins) -> None:
    code, out, err = _run(capsys, "grid", "size=0", plugins=plugins)
    assert code == 2
    assert out == ""
    assert "org-unit provider 'grid': size must be a positive whole number, got 0" in err


def _orphan(options: Mapping[str, Any]) -> Any:
    tree = _grid({"size": 2})
    tree["units"][1]["parent"] = "Q"
    tree["units"][2]["predecessors"] = ["NOPE"]
    return tree


@pytest.mark.parametrize(("provider", "message"), [
    ("bad-level", "unknown level 'commune'"),
    ("orphan", "parent 'Q' of unit 'D1' is not a unit"),
], ids=["unknown-level", "unknown-parent"])
def test_org_units_bad_tree_exits_2_pointing_into_the_provider(
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path, provider: str, message: str) -> None:
    registry = plugins_with(ProviderPlugin(PLUGIN, {"bad-level": Provider(_bad_level),
                                                    "orphan": Provider(_orphan)}))
    path = tmp_path / "org-units.yaml"
    code, _, err = _run(capsys, provider, "-o", str(path), plugins=registry)
    assert code == 2
    assert f"<org-unit provider {provider}>:" in err
    assert message in err
    assert not path.exists()


def test_the_bad_trees_fail_as_a_specs_org_units() -> None:
    """What the command should check: the same trees in a spec are errors."""
    registry = plugins_with(ProviderPlugin(PLUGIN, {"orphan": Provider(_orphan)}))
    with pytest.raises(qnkpi.SpecError) as info:
        spec_from_dict(_doc({"provider": "orphan"}), plugins=registry)
    messages = [p.message for p in info.value.problems]
    assert ("parent 'Q' of unit 'D1' is not a unit; add the parent to the org units, or "
            "correct the code") in messages
    assert any("predecessor 'NOPE' of unit 'D2' never existed" in m for m in messages)


def test_org_units_crashing_provider_exits_2_naming_the_plugin(
        capsys: pytest.CaptureFixture[str],
        plugins: qnkpi.Plugins) -> None:
    code, _, err = _run(capsys, "flaky", plugins=plugins)
    assert code == 2
    assert f"plugin '{PLUGIN}': org-unit provider 'flaky' failed: ValueError" in err
    assert "Traceback" not in err
