"""The table of hooks: one row per hookspec, each with a label and a check, read by the
hookspecs module, the registry and `qnkpi plugins`; and what each row's check refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from plugin_helpers import ConstantSource, DoubleIndicator, Plugin

from qnkpi import IndicatorKind, hookimpl
from qnkpi.cli import main
from qnkpi.errors import PluginError
from qnkpi.plugin import hookspecs
from qnkpi.plugin.hooks import HOOKS, InvalidRegistration
from qnkpi.plugin.loading import get_plugin_manager
from qnkpi.plugin.markers import PROJECT
from qnkpi.testing import plugins_with

# --- the table --------------------------------------------------------------------------


def test_every_hookspec_has_a_row_and_every_row_a_hookspec() -> None:
    specified = [name for name, obj in vars(hookspecs).items()
                 if hasattr(obj, f"{PROJECT}_spec")]  # what pluggy adds as hookspecs
    rows = [hook.name for hook in HOOKS]
    assert sorted(specified) == sorted(rows), (
        "declare each hook in qnkpi/plugin/hookspecs.py and in one row of HOOKS in "
        "qnkpi/plugin/hooks.py")
    assert len(set(rows)) == len(rows)
    assert hookspecs.__all__ == rows
    pm = get_plugin_manager(autoload=False)
    assert all(hasattr(pm.hook, name) for name in rows)


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook.name)
def test_every_row_has_a_label_and_a_check(hook: Any) -> None:
    assert hook.name.startswith("register_")
    assert isinstance(hook.label, str) and hook.label.strip() == hook.label != ""
    assert callable(hook.check)
    with pytest.raises(InvalidRegistration):  # a check that checks: no arguments is wrong
        hook.check(())


def test_labels_are_unique() -> None:
    labels = [hook.label for hook in HOOKS]
    assert len(set(labels)) == len(labels)


def test_the_registry_keeps_every_hook_of_the_table_in_its_order() -> None:
    plugins = plugins_with()
    assert list(plugins.registrations) == [hook.name for hook in HOOKS]
    views = {"register_source_types": plugins.source_types,
             "register_indicator_kinds": plugins.indicator_kinds,
             "register_assessment_methods": plugins.assessment_methods,
             "register_reporters": plugins.reporters,
             "register_org_unit_providers": plugins.org_unit_providers}
    for name, view in views.items():
        assert view == {n: reg.obj for n, reg in plugins.registrations[name].items()}
    assert plugins.specs == plugins.registrations["register_specs"]


class Everything:
    """A plugin that registers one thing through every hook."""

    __name__ = "everything"

    @hookimpl
    def register_source_types(self, register: Callable[..., None]) -> None:
        register(ConstantSource)

    @hookimpl
    def register_indicator_kinds(self, register: Callable[..., None]) -> None:
        register(DoubleIndicator)

    @hookimpl
    def register_assessment_methods(self, register: Callable[..., None]) -> None:
        register("flat", SimpleNamespace(assess=lambda inputs: None))

    @hookimpl
    def register_reporters(self, register: Callable[..., None]) -> None:
        register("nothing", SimpleNamespace(suffix=".txt", write=lambda *a, **k: None))

    @hookimpl
    def register_specs(self, register: Callable[..., None]) -> None:
        register("tiny", Path(__file__), "not a spec, but a file")

    @hookimpl
    def register_org_unit_providers(self, register: Callable[..., None]) -> None:
        register("none", SimpleNamespace(provide=lambda options: {}))


def test_qnkpi_plugins_prints_the_label_of_every_row(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert {f"register_{n}" for n in ("source_types", "indicator_kinds",
                                      "assessment_methods", "reporters", "specs",
                                      "org_unit_providers")} == {h.name for h in HOOKS}
    registry = plugins_with(Everything())
    assert main(["plugins"], plugins=registry) == 0
    out = capsys.readouterr().out
    listed = out[out.index("everything  (everything)\n"):].splitlines()[1:len(HOOKS) + 1]
    assert listed == ["    source types: constant", "    indicator kinds: double",
                      "    assessment methods: flat", "    reporters: nothing",
                      "    specs: tiny", "    org-unit providers: none"]
    assert main(["plugins", "--json"], plugins=registry) == 0
    [described] = [p for p in json.loads(capsys.readouterr().out)
                   if p["name"] == "everything"]
    assert list(described["registers"]) == [hook.label for hook in HOOKS]


# --- what the checks refuse ---------------------------------------------------------------

def _registers(hook: str, *args: Any) -> ModuleType:
    """A plugin, `sloppy`, whose implementation of `hook` calls `register(*args)` once."""

    def implementation(register: Callable[..., None]) -> None:
        register(*args)

    plugin = ModuleType("sloppy")
    setattr(plugin, hook, hookimpl(implementation))
    return plugin


@pytest.mark.parametrize(("hook", "args", "message"), [
    ("register_assessment_methods", ("", object()),
     "register(name, ...) takes a name first, got ('', <object"),
    ("register_assessment_methods", ("flat",), "register(name, ...) takes a name first"),
    ("register_assessment_methods", ("flat", object()),
     "method 'flat' has no assess(inputs) method"),
    ("register_reporters", ("pdf", SimpleNamespace(write=print, suffix="pdf")),
     "reporter 'pdf': suffix 'pdf' is not a file suffix such as '.md' ('qnkpi demo' "
     "names files with it)"),
    ("register_reporters", ("../pdf", SimpleNamespace(write=print, suffix=".pdf")),
     "name '../pdf': use letters, digits, '_', '.' and '-', not starting with '.' or "
     "'-', at most 64 characters ('qnkpi demo' names files with it)"),
    ("register_specs", (".hidden", __file__, "a spec"), "name '.hidden': use letters"),
    ("register_specs", ("gone", "/no/such/spec.yaml", "a spec"),
     "spec 'gone': no file at /no/such/spec.yaml"),
    ("register_org_unit_providers", ("staff", object()),
     "provider 'staff' has no provide(options) method"),
], ids=["empty-name", "no-object", "no-assess", "bad-suffix", "reporter-path",
        "spec-dot", "spec-missing", "no-provide"])
def test_each_check_names_the_plugin_and_the_hook(hook: str, args: tuple[Any, ...],
                                                  message: str) -> None:
    with pytest.raises(PluginError) as caught:
        plugins_with(_registers(hook, *args))
    assert caught.value.plugin == "sloppy"
    assert str(caught.value).startswith(f"plugin 'sloppy': {hook}: {message}")


def test_a_name_registered_twice_by_one_plugin_is_refused() -> None:
    reporter = SimpleNamespace(write=print, suffix=".txt")

    class Twice:
        __name__ = "twice"

        @hookimpl
        def register_reporters(self, register: Callable[..., None]) -> None:
            register("same", reporter)
            register("same", reporter)

    with pytest.raises(PluginError, match=r"^plugin 'twice': register_reporters: "
                                          r"registers 'same' twice$"):
        plugins_with(Twice())


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
