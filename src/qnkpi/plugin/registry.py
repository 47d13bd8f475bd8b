"""The registry: what every plugin registered, attributed to the plugin that did.

[`Plugins`][qnkpi.plugin.registry.Plugins] calls every hook of the table
[`HOOKS`][qnkpi.plugin.hooks.HOOKS] on a manager from
[`qnkpi.plugin.loading`][qnkpi.plugin.loading], one plugin at a time, hands each
implementation a `register` callable that checks every call with the hook's check, and
keeps what was registered. Nothing is kept between calls: each
[`get_plugins`][qnkpi.plugin.registry.get_plugins] builds a new registry, and whoever
needs one for a while (the command line, for one run; a spec, for its evaluation) holds
it.

A plugin whose hook raises or registers something invalid is disabled, with a
[`PluginWarning`][qnkpi.errors.PluginWarning], and the others keep working (unless
`strict`, when it is a [`PluginError`][qnkpi.errors.PluginError]); two working plugins
that register one name are always an error.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from qnkpi.errors import PluginError, PluginWarning
from qnkpi.plugin.hooks import (
    ASSESSMENT_METHODS,
    HOOKS,
    INDICATOR_KINDS,
    ORG_UNIT_PROVIDERS,
    REPORTERS,
    SOURCE_TYPES,
    SPECS,
    Hook,
    InvalidRegistration,
)
from qnkpi.plugin.loading import (
    BUILTIN_PLUGINS,
    ENV_TRACE,
    PluginManager,
    env_flag,
    get_plugin_manager,
    one_line,
)

__all__ = ["Plugins", "Registration", "get_plugins"]


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
            [`get_plugin_manager`][qnkpi.plugin.loading.get_plugin_manager]. Leave
            `registrations` and `failed` out: they are filled when the registry is
            created.

    Attributes:
        pm: The plugin manager.
        registrations: Hook name -> registered name -> its
            [`Registration`][qnkpi.plugin.registry.Registration], recording which plugin
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
        trace = env_flag(ENV_TRACE)
        made: dict[tuple[str, str], list[Registration]] = {}  # (hook, plugin) -> its calls
        order: dict[str, list[str]] = {}
        for hook in HOOKS:
            order[hook.name] = []
            caller = getattr(self.pm.hook, hook.name)
            for impl in reversed(caller.get_hookimpls()):  # pluggy's call order
                plugin = impl.plugin_name
                if plugin in self.failed:
                    continue
                if trace:
                    print(f"qnkpi: {hook.name}() of plugin '{plugin}'", file=sys.stderr)
                register = _Registrar(hook, plugin)
                try:
                    impl.function(**{"register": register} if impl.argnames else {})
                except PluginError as exc:
                    self._disable(plugin, str(exc).removeprefix(f"plugin '{plugin}': "),
                                  exc)
                    continue
                except Exception as exc:
                    self._disable(plugin, f"raised in {hook.name}: {type(exc).__name__}: "
                                  f"{exc}", exc)
                    continue
                order[hook.name].append(plugin)
                made[hook.name, plugin] = register.made
        for hook in HOOKS:  # only now: a plugin that failed later leaves nothing behind
            found: dict[str, Registration] = {}
            self.registrations[hook.name] = found
            for plugin in order[hook.name]:
                if plugin in self.failed:
                    continue
                for reg in made[hook.name, plugin]:
                    if reg.name in found:
                        blamed, first = plugin, found[reg.name].plugin
                        if blamed in BUILTIN_PLUGINS:  # the built-in was there first
                            blamed, first = first, blamed
                        raise PluginError(blamed, f"registers '{reg.name}' in {hook.name}, "
                                          f"which plugin '{first}' already registered; "
                                          "disable one of them")
                    found[reg.name] = reg

    def _disable(self, plugin: str, reason: str, cause: Exception) -> None:
        reason = one_line(reason)
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

    def owner(self, hook: Hook, name: str) -> str:
        """Which plugin registered `name` through `hook`: what an error about a part
        that failed names.

        Args:
            hook: A row of the hooks table, such as `qnkpi.plugin.hooks.REPORTERS`.
            name: The name registered (a source type, a kind, a report format...).

        Returns:
            The plugin's name; `"?"` when nothing registered `name` there.
        """
        reg = self.registrations.get(hook.name, {}).get(name)
        return reg.plugin if reg is not None else "?"

    # typed views ---------------------------------------------------------------------
    def _objects(self, hook: Hook) -> dict[str, Any]:
        return {name: reg.obj for name, reg in self.registrations[hook.name].items()}

    @property
    def source_types(self) -> dict[str, type[Any]]:
        """Source type name -> its [`Source`][qnkpi.sources.base.Source] subclass."""
        return self._objects(SOURCE_TYPES)

    @property
    def indicator_kinds(self) -> dict[str, type[Any]]:
        """Indicator kind name -> its [`IndicatorKind`][qnkpi.kinds.base.IndicatorKind]
        subclass."""
        return self._objects(INDICATOR_KINDS)

    @property
    def assessment_methods(self) -> dict[str, Any]:
        """Assessment method name -> the
        [`AssessmentMethod`][qnkpi.assess.base.AssessmentMethod]."""
        return self._objects(ASSESSMENT_METHODS)

    @property
    def reporters(self) -> dict[str, Any]:
        """Report format name -> its [`Reporter`][qnkpi.reporters.base.Reporter]."""
        return self._objects(REPORTERS)

    @property
    def org_unit_providers(self) -> dict[str, Any]:
        """Org-unit provider name -> the provider (an object with
        `provide(options) -> mapping`)."""
        return self._objects(ORG_UNIT_PROVIDERS)

    @property
    def specs(self) -> dict[str, Registration]:
        """Bundled spec name -> its [`Registration`][qnkpi.plugin.registry.Registration],
        whose `obj` is the spec file's path and `extra` holds its description."""
        return dict(self.registrations[SPECS.name])

    def describe(self) -> Iterator[tuple[str, str, dict[str, list[str]]]]:
        """Describe every working plugin: what `qnkpi plugins` prints.

        Yields:
            `(plugin name, where it comes from, {hook name: [registered names]})` for
                every plugin, in registration order; hooks it registered nothing for are
                left out. Where it comes from is the distribution and version, the file, or
                `"built in"`. Disabled plugins are left out: see
                [`describe_failed`][qnkpi.plugin.registry.Plugins.describe_failed].
        """
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None or name in self.failed:
                continue
            by_hook = {hook.name: sorted(n for n, r in self.registrations[hook.name].items()
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
    """The `register` callable handed to one plugin's implementation of one hook: it
    checks each call with the hook's check and records what was registered."""

    def __init__(self, hook: Hook, plugin: str) -> None:
        self.hook, self.plugin = hook, plugin
        self.made: list[Registration] = []

    def __call__(self, *args: Any) -> None:
        try:
            name, obj, extra = self.hook.check(args)
        except InvalidRegistration as exc:
            raise self._fail(str(exc)) from None
        if any(reg.name == name for reg in self.made):
            raise self._fail(f"registers '{name}' twice")
        self.made.append(Registration(self.hook.name, name, obj, self.plugin, extra))

    def _fail(self, message: str) -> PluginError:
        return PluginError(self.plugin, f"{self.hook.name}: {message}")


def get_plugins(*, autoload: bool | None = None, plugins: tuple[object, ...] = (),
                strict: bool = False) -> Plugins:
    """Build a fresh registry: the built-ins and the plugins found or given.

    Nothing is cached: every call loads the plugins and calls their hooks again (a few
    milliseconds once the modules are imported), and warns again about a plugin that
    fails. Build one and pass it on (`load_spec(..., plugins=...)`,
    `evaluate(..., plugins=...)`) to use the same plugins throughout; the API functions
    given none build their own, and a spec keeps the registry it was loaded with.

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
            [`get_plugin_manager`][qnkpi.plugin.loading.get_plugin_manager] for the order
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
