"""Building the plugin manager: finding, loading and blocking plugins.

Order, as pytest and tox do it: a fresh manager with the hookspecs; block what
`QNKPI_DISABLE_PLUGINS` names; load entry points of group `qnkpi` (unless
`QNKPI_DISABLE_PLUGIN_AUTOLOAD` is set); load `*.py` files from
`QNKPI_PLUGINS_DIR`; register the built-ins; `check_pending()`.
Nothing here runs at `import qnkpi`, and nothing is kept between calls: each call of
[`get_plugin_manager`][qnkpi.plugin.loading.get_plugin_manager] builds a new manager.
What the plugins register is read by the registry,
[`qnkpi.plugin.registry`][qnkpi.plugin.registry].

A plugin that fails to load or to register is disabled, with a
[`PluginWarning`][qnkpi.errors.PluginWarning], and the others keep working (unless
`strict`, when it is a [`PluginError`][qnkpi.errors.PluginError]).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import warnings
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from qnkpi.errors import PluginError, PluginWarning
from qnkpi.plugin import hookspecs
from qnkpi.plugin.markers import PROJECT

__all__ = [
    "BUILTIN_PLUGINS",
    "ENV_AUTOLOAD",
    "ENV_DISABLE",
    "ENV_PLUGINS_DIR",
    "ENV_TRACE",
    "PluginManager",
    "get_plugin_manager",
]

ENV_AUTOLOAD = "QNKPI_DISABLE_PLUGIN_AUTOLOAD"
"""Set (to anything but `0`, `false` or `no`), installed plugins are not loaded."""
ENV_DISABLE = "QNKPI_DISABLE_PLUGINS"
"""Comma-separated names of plugins not to load (built-ins included)."""
ENV_PLUGINS_DIR = "QNKPI_PLUGINS_DIR"
"""A folder whose `*.py` files are loaded as plugins, in name order."""
ENV_TRACE = "QNKPI_TRACE_PLUGINS"
"""Set, each hook call is printed to standard error as it happens."""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "qnkpi.default_plugins.sources",
    "qnkpi.default_plugins.kinds",
    "qnkpi.default_plugins.assessment",
    "qnkpi.default_plugins.reporters",
    "qnkpi.default_plugins.specs",
)
"""The modules of the built-in parts, registered exactly as a third party's plugin."""


def env_flag(name: str) -> bool:
    """Whether environment variable `name` is set to anything but `0`, `false` or `no`."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


class PluginManager(pluggy.PluginManager):
    """pluggy's plugin manager for project `qnkpi`, remembering where each plugin came
    from.

    Attributes:
        origins: Plugin name -> where it came from: `"distribution version"` for an
            installed plugin, the file for one of the plugins folder (`qnkpi plugins`
            shows it).
        failed: Plugin name -> why it was disabled while loading: it failed to import,
            could not be registered, or implements a hook qnkpi does not have.
    """

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.origins: dict[str, str] = {}
        self.failed: dict[str, str] = {}


def get_plugin_manager(*, autoload: bool | None = None,
                       plugins: tuple[object, ...] = (),
                       strict: bool = False) -> PluginManager:
    """Build a fresh pluggy plugin manager with qnkpi's hooks and plugins.

    In order: add the hook specifications; block the names in `QNKPI_DISABLE_PLUGINS`;
    load the installed plugins (entry points of group `qnkpi`) if `autoload`; load the
    `*.py` files of `QNKPI_PLUGINS_DIR`; register the built-ins, then `plugins`; and
    check that every hook implementation names a qnkpi hook. Wrap the manager in
    [`Plugins`][qnkpi.plugin.registry.Plugins] to call the hooks and read what they
    registered, or use [`get_plugins`][qnkpi.plugin.registry.get_plugins].

    A plugin that fails to import, cannot be registered or implements a hook qnkpi does
    not have is disabled: it is recorded in the manager's `failed`, a
    [`PluginWarning`][qnkpi.errors.PluginWarning] says so, and the other plugins are
    loaded as usual.

    Args:
        autoload: Whether to load installed plugins. Default (`None`): yes, unless
            `QNKPI_DISABLE_PLUGIN_AUTOLOAD` is set.
        plugins: Extra plugin objects (modules, or objects with `@hookimpl` methods) to
            register, each named after its `__name__` (or its class).
        strict: Raise a [`PluginError`][qnkpi.errors.PluginError] for a plugin that
            fails, instead of disabling it.

    Returns:
        The manager, with nothing called yet.

    Raises:
        PluginError: The plugins folder is not a folder; with `strict`, a plugin failed
            to import or register, or implements a hook qnkpi does not have.
    """
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    for name in filter(None, (n.strip() for n in os.environ.get(ENV_DISABLE, "").split(","))):
        pm.set_blocked(name)
    if autoload is None:
        autoload = not env_flag(ENV_AUTOLOAD)
    if autoload:
        _load_entry_points(pm, strict)
    plugins_dir = os.environ.get(ENV_PLUGINS_DIR)
    if plugins_dir:
        _load_directory(pm, Path(plugins_dir), strict)
    for module_name in BUILTIN_PLUGINS:
        if not pm.is_blocked(module_name):
            pm.register(importlib.import_module(module_name), name=module_name)
    for plugin in plugins:
        _register(pm, plugin, _name_of(pm, plugin), strict)
    while True:  # one plugin at a time: each one with an unknown hook is disabled
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin) or repr(exc.plugin)
            _disable(pm, name, f"implements a hook qnkpi does not have: {exc}", strict)
            continue
        break
    return pm


def _disable(pm: PluginManager, name: str, reason: str, strict: bool,
             cause: BaseException | None = None) -> None:
    """Disable plugin `name` for `reason` (raise it instead if `strict`)."""
    reason = one_line(reason)
    if strict:
        raise PluginError(name, reason) from cause
    pm.failed[name] = reason
    pm.set_blocked(name)  # unregisters it, if it was registered
    warnings.warn(PluginWarning(name, reason), stacklevel=3)


def one_line(text: str) -> str:
    """A message on one line (pluggy's span several): its lines joined by `; `."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def _load_entry_points(pm: PluginManager, strict: bool) -> None:
    for ep in entry_points(group=PROJECT):
        if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
            continue
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "?"
        pm.origins[ep.name] = dist
        try:
            plugin = ep.load()
        except Exception as exc:  # a third party's import error, whatever it is
            _disable(pm, ep.name, f"failed to load from {dist} ({ep.value}): "
                     f"{type(exc).__name__}: {exc}. Fix or uninstall it, or set "
                     f"{ENV_DISABLE}={ep.name} to skip it", strict, exc)
            continue
        _register(pm, plugin, ep.name, strict)


def _load_directory(pm: PluginManager, folder: Path, strict: bool) -> None:
    if not folder.is_dir():
        raise PluginError(str(folder), f"{ENV_PLUGINS_DIR} is not a directory")
    for file in sorted(folder.glob("*.py")):
        name = f"{folder.name}/{file.name}"
        if pm.is_blocked(name):
            continue
        pm.origins[name] = str(file)
        spec = importlib.util.spec_from_file_location(f"qnkpi_plugins_dir.{file.stem}", file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # pydantic resolves annotations through it
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(spec.name, None)
            _disable(pm, name, f"failed to load {file}: {type(exc).__name__}: {exc}. Fix "
                     f"it, or set {ENV_DISABLE}={name} to skip it", strict, exc)
            continue
        _register(pm, module, name, strict)


def _name_of(pm: PluginManager, plugin: object) -> str:
    """A readable name for a plugin object passed from Python (pluggy would use its id)."""
    name = getattr(plugin, "__name__", None)
    if not isinstance(name, str):
        cls = type(plugin)
        name = f"{cls.__module__}.{cls.__qualname__}"
    base, n = name, 1
    while pm.has_plugin(name):
        n += 1
        name = f"{base}#{n}"
    return name


def _register(pm: PluginManager, plugin: object, name: str, strict: bool) -> None:
    try:
        pm.register(plugin, name=name)
    except (ValueError, pluggy.PluginValidationError) as exc:
        _disable(pm, name, f"cannot be registered: {exc}", strict)
