"""Building the plugin manager, and the typed registry over its hooks.

Order, as pytest and tox do it: a fresh manager with the hookspecs; block what
`QNKPI_DISABLE_PLUGINS` names; load entry points of group `qnkpi` (unless
`QNKPI_DISABLE_PLUGIN_AUTOLOAD` is set); load `*.py` files from
`QNKPI_PLUGINS_DIR`; register the built-ins; `check_pending()`.
Nothing here runs at `import qnkpi`.

A plugin that fails to load or to register is disabled, with a
[`PluginWarning`][qnkpi.errors.PluginWarning], and the others keep working (unless
`strict`, when it is a [`PluginError`][qnkpi.errors.PluginError]); two working plugins
that register one name are always an error.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

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
    "FILE_NAME_PART",
    "PluginManager",
    "Plugins",
    "Registration",
    "get_plugin_manager",
    "get_plugins",
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

HOOKS: tuple[str, ...] = (
    "register_source_types",
    "register_indicator_kinds",
    "register_assessment_methods",
    "register_reporters",
    "register_specs",
    "register_org_unit_providers",
)


FILE_NAME_PART = re.compile(r"^\w[\w.-]{0,63}$")
"""What the name of a reporter or a bundled spec must match: a letter, digit or `_`,
then up to 63 letters, digits, `_`, `.` or `-`. `qnkpi demo` builds file names from
them, so they hold no path separator and cannot start with a dot."""

_SUFFIX = re.compile(r"^(?:\.[\w-]{1,16}){0,3}$")


def _flag(name: str) -> bool:
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
    [`Plugins`][qnkpi.plugin.manager.Plugins] to call the hooks and read what they
    registered, or use [`get_plugins`][qnkpi.plugin.manager.get_plugins].

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
        autoload = not _flag(ENV_AUTOLOAD)
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
    reason = _one_line(reason)
    if strict:
        raise PluginError(name, reason) from cause
    pm.failed[name] = reason
    pm.set_blocked(name)  # unregisters it, if it was registered
    warnings.warn(PluginWarning(name, reason), stacklevel=3)


def _one_line(text: str) -> str:
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


@dataclass(frozen=True)
class Registration:
    """One thing a plugin registered: one call of a hook's `register`.

    Attributes:
        hook: The hook's name, such as `register_reporters`.
        name: The name it was registered under (a source type's `type`, a kind's `kind`,
            or the name given to `register`).
        obj: What was registered: a class, a reporter, a method, a provider, or a spec's
            path.
        plugin: The name of the plugin that registered it.
        extra: Further arguments given to `register` (a bundled spec's description).
    """

    hook: str
    name: str
    obj: Any
    plugin: str
    extra: tuple[Any, ...] = ()


@dataclass
class Plugins:
    """A typed registry over a plugin manager: what every plugin registered.

    Creating it calls every hook, each plugin's implementation on its own, so that every
    registration (and every error) is attributed to its plugin. Implementations are
    called in pluggy's order: the last registered first (so plugins given in Python, then
    the built-ins, then the plugins folder, then installed plugins), `tryfirst` and
    `trylast` respected.

    A plugin whose hook raises, or registers something invalid, is disabled: none of what
    it registered is kept, it is recorded in `failed`, a
    [`PluginWarning`][qnkpi.errors.PluginWarning] says so, and the other plugins work as
    usual (with `strict`, it is a [`PluginError`][qnkpi.errors.PluginError] instead). A
    name registered for one hook by two plugins that work is an error naming both;
    when one of them is a built-in, the error is the other's.

    Args:
        pm: The plugin manager, from
            [`get_plugin_manager`][qnkpi.plugin.manager.get_plugin_manager]. Leave
            `registrations` and `failed` out: they are filled when the registry is
            created.

    Attributes:
        pm: The plugin manager.
        registrations: Hook name -> registered name -> its
            [`Registration`][qnkpi.plugin.manager.Registration], recording which plugin
            registered what.
        strict: Whether a plugin that fails in a hook raises a `PluginError` instead of
            being disabled.
        failed: Plugin name -> why it was disabled: the manager's failures while
            loading, then those of the hooks (`"raised in register_reporters: ..."`).

    Raises:
        PluginError: Two working plugins registered the same name for one hook; with
            `strict`, a hook implementation raised or registered something invalid. It
            names the plugin.
    """

    pm: PluginManager
    registrations: dict[str, dict[str, Registration]] = field(default_factory=dict)
    strict: bool = False
    failed: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.failed.update(self.pm.failed)
        trace = _flag(ENV_TRACE)
        made: dict[tuple[str, str], list[Registration]] = {}  # (hook, plugin) -> its calls
        order: dict[str, list[str]] = {}
        for hook in HOOKS:
            order[hook] = []
            caller = getattr(self.pm.hook, hook)
            for impl in reversed(caller.get_hookimpls()):  # pluggy's call order
                plugin = impl.plugin_name
                if plugin in self.failed:
                    continue
                if trace:
                    print(f"qnkpi: {hook}() of plugin '{plugin}'", file=sys.stderr)
                register = _Registrar(hook, plugin)
                try:
                    impl.function(**{"register": register} if impl.argnames else {})
                except PluginError as exc:
                    self._disable(plugin, str(exc).removeprefix(f"plugin '{plugin}': "),
                                  exc)
                    continue
                except Exception as exc:
                    self._disable(plugin, f"raised in {hook}: {type(exc).__name__}: {exc}",
                                  exc)
                    continue
                order[hook].append(plugin)
                made[hook, plugin] = register.made
        for hook in HOOKS:  # only now: a plugin that failed later leaves nothing behind
            found: dict[str, Registration] = {}
            self.registrations[hook] = found
            for plugin in order[hook]:
                if plugin in self.failed:
                    continue
                for reg in made[hook, plugin]:
                    if reg.name in found:
                        blamed, first = plugin, found[reg.name].plugin
                        if blamed in BUILTIN_PLUGINS:  # the built-in was there first
                            blamed, first = first, blamed
                        raise PluginError(blamed, f"registers '{reg.name}' in {hook}, which "
                                          f"plugin '{first}' already registered; disable "
                                          "one of them")
                    found[reg.name] = reg

    def _disable(self, plugin: str, reason: str, cause: Exception) -> None:
        reason = _one_line(reason)
        if self.strict:
            if isinstance(cause, PluginError):
                raise cause
            raise PluginError(plugin, reason) from cause
        self.failed[plugin] = reason
        warnings.warn(PluginWarning(plugin, reason), stacklevel=4)

    def failure_note(self) -> str:
        """What ends a message about something unknown that plugins provide (a source
        type, a kind, an assessment method, a report format, a bundled spec, an org-unit
        provider) when plugins were disabled: one line per failed plugin, or `""`.

        Returns:
            Lines such as `"  plugin 'x' is disabled (failed to load from ...), so
                what it provides is missing"`, each after a newline.
        """
        return "".join(f"\n  plugin '{name}' is disabled ({reason}), so what it provides "
                       "is missing" for name, reason in self.failed.items())

    # typed views ---------------------------------------------------------------------
    def _objects(self, hook: str) -> dict[str, Any]:
        return {name: reg.obj for name, reg in self.registrations[hook].items()}

    @property
    def source_types(self) -> dict[str, type[Any]]:
        """Source type name -> its [`Source`][qnkpi.sources.base.Source] subclass."""
        return self._objects("register_source_types")

    @property
    def indicator_kinds(self) -> dict[str, type[Any]]:
        """Indicator kind name -> its [`IndicatorKind`][qnkpi.kinds.base.IndicatorKind]
        subclass."""
        return self._objects("register_indicator_kinds")

    @property
    def assessment_methods(self) -> dict[str, Any]:
        """Assessment method name -> the
        [`AssessmentMethod`][qnkpi.assess.base.AssessmentMethod]."""
        return self._objects("register_assessment_methods")

    @property
    def reporters(self) -> dict[str, Any]:
        """Report format name -> its [`Reporter`][qnkpi.reporters.base.Reporter]."""
        return self._objects("register_reporters")

    @property
    def org_unit_providers(self) -> dict[str, Any]:
        """Org-unit provider name -> the provider (an object with
        `provide(options) -> mapping`)."""
        return self._objects("register_org_unit_providers")

    @property
    def specs(self) -> dict[str, Registration]:
        """Bundled spec name -> its [`Registration`][qnkpi.plugin.manager.Registration],
        whose `obj` is the spec file's path and `extra` holds its description."""
        return dict(self.registrations["register_specs"])

    def describe(self) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
        """Describe every working plugin: what `qnkpi plugins` prints.

        Yields:
            `(plugin name, where it comes from, {hook name: [registered names]})` for
                every plugin, in registration order; hooks it registered nothing for are
                left out. Where it comes from is the distribution and version, the file, or
                `"built in"`. Disabled plugins are left out: see
                [`describe_failed`][qnkpi.plugin.manager.Plugins.describe_failed].
        """
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None or name in self.failed:
                continue
            by_hook = {hook: sorted(n for n, r in self.registrations[hook].items()
                                    if r.plugin == name) for hook in HOOKS}
            yield name, self._origin(name, plugin), {h: n for h, n in by_hook.items() if n}

    def describe_failed(self) -> Iterator[tuple[str, str, str]]:
        """Describe every plugin that was disabled because it failed.

        Yields:
            `(plugin name, where it comes from, why it was disabled)`, in the order
                they failed.
        """
        for name, reason in self.failed.items():
            plugin = self.pm.get_plugin(name)
            yield name, self._origin(name, plugin) if plugin is not None else \
                self.pm.origins.get(name, "?"), reason

    def _origin(self, name: str, plugin: object) -> str:
        return self.pm.origins.get(name) or ("built in" if name in BUILTIN_PLUGINS else
                                             str(getattr(plugin, "__name__",
                                                         type(plugin).__name__)))


class _Registrar:
    """The `register` callable handed to one plugin's implementation of one hook."""

    def __init__(self, hook: str, plugin: str) -> None:
        self.hook, self.plugin = hook, plugin
        self.made: list[Registration] = []

    def __call__(self, *args: Any) -> None:
        name, obj, extra = self._check(*args)
        if any(reg.name == name for reg in self.made):
            raise self._fail(f"registers '{name}' twice")
        self.made.append(Registration(self.hook, name, obj, self.plugin, extra))

    def _fail(self, message: str) -> PluginError:
        return PluginError(self.plugin, f"{self.hook}: {message}")

    def _check(self, *args: Any) -> tuple[str, Any, tuple[Any, ...]]:
        if self.hook in ("register_source_types", "register_indicator_kinds"):
            return self._check_class(*args)
        if len(args) < 2 or not isinstance(args[0], str) or not args[0]:
            raise self._fail(f"register(name, ...) takes a name first, got {args!r}")
        name, obj, *extra = args
        if self.hook == "register_assessment_methods" and not callable(
                getattr(obj, "assess", None)):
            raise self._fail(f"method '{name}' has no assess(inputs) method")
        if self.hook == "register_reporters":
            if not callable(getattr(obj, "write", None)):
                raise self._fail(f"reporter '{name}' has no write(result, stream, lang) "
                                 "method")
            suffix = getattr(obj, "suffix", "")
            if not isinstance(suffix, str) or not _SUFFIX.match(suffix):
                raise self._fail(f"reporter '{name}': suffix {suffix!r} is not a file "
                                 "suffix such as '.md' ('qnkpi demo' names files with it)")
        if self.hook in ("register_reporters", "register_specs") and not \
                FILE_NAME_PART.match(name):
            raise self._fail(f"name {name!r}: use letters, digits, '_', '.' and '-', not "
                             "starting with '.' or '-', at most 64 characters ('qnkpi "
                             "demo' names files with it)")
        if self.hook == "register_org_unit_providers" and not callable(
                getattr(obj, "provide", None)):
            raise self._fail(f"provider '{name}' has no provide(options) method")
        if self.hook == "register_specs" and not Path(obj).is_file():
            raise self._fail(f"spec '{name}': no file at {obj}")
        return name, obj, tuple(extra)

    def _check_class(self, *args: Any) -> tuple[str, Any, tuple[Any, ...]]:
        from qnkpi.kinds.base import IndicatorKind
        from qnkpi.sources.base import Source

        base, key = ((Source, "type") if self.hook == "register_source_types"
                     else (IndicatorKind, "kind"))
        if len(args) != 1 or not isinstance(args[0], type) or not issubclass(args[0], base):
            raise self._fail(f"register() takes one subclass of {base.__module__}."
                             f"{base.__name__}, got {args!r}")
        cls = args[0]
        annotation = cls.model_fields[key].annotation
        names = get_args(annotation) if get_origin(annotation) is Literal else ()
        if len(names) != 1 or not isinstance(names[0], str):
            raise self._fail(f"{cls.__name__}.{key} must be Literal['name'] with one name")
        return names[0], cls, ()


def get_plugins(*, autoload: bool | None = None, plugins: tuple[object, ...] = (),
                strict: bool = False) -> Plugins:
    """Build a fresh registry: the built-ins and the plugins found or given.

    Args:
        autoload: Whether to load installed plugins. Default (`None`): yes, unless
            `QNKPI_DISABLE_PLUGIN_AUTOLOAD` is set. The files of `QNKPI_PLUGINS_DIR` are
            loaded either way.
        plugins: Extra plugin objects (modules, or objects with `@hookimpl` methods) to
            register.
        strict: Raise a [`PluginError`][qnkpi.errors.PluginError] for a plugin that
            fails to load or register, instead of disabling it with a
            [`PluginWarning`][qnkpi.errors.PluginWarning] (the registry's `failed`
            lists what was disabled).

    Returns:
        The registry, every hook already called. See
            [`get_plugin_manager`][qnkpi.plugin.manager.get_plugin_manager] for the order
            plugins are loaded in.

    Raises:
        PluginError: Two working plugins registered one name, or the plugins folder is not
            a folder; with `strict`, a plugin failed to load or registered something
            invalid. It names the plugin.

    Example:
        ```python
        import qnkpi

        plugins = qnkpi.get_plugins(autoload=False)  # built-ins, no installed plugin
        print(sorted(plugins.source_types))
        spec = qnkpi.load_spec("specs/quang-ninh/programme.yaml", plugins=plugins)
        ```
    """
    return Plugins(get_plugin_manager(autoload=autoload, plugins=plugins, strict=strict),
                   strict=strict)


def default_plugins() -> Plugins:
    """The registry used when an API call is given none: the built-ins and every
    installed plugin, built on first use and kept for the process (plugins that fail
    are disabled, with a [`PluginWarning`][qnkpi.errors.PluginWarning])."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = get_plugins()
    return _DEFAULT


def built_default() -> Plugins | None:
    """The registry of [`default_plugins`][qnkpi.plugin.manager.default_plugins] if it
    was built in this process, else `None` (the command line reads which plugins
    failed from it)."""
    return _DEFAULT


_DEFAULT: Plugins | None = None
