"""The plugin registry of one run of the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qnkpi.plugin.registry import Plugins


class RunPlugins:
    """The registry every part of one command uses, built on first use.

    `qnkpi.cli.main` makes one per run and puts it on the parsed arguments as
    `args.registry`; a command calls [`get`][qnkpi.cli._registry.RunPlugins.get] and
    passes the registry on (`load_spec(..., plugins=...)`). Nothing is loaded until a
    command asks, so `qnkpi --help` and `qnkpi --version` load no plugin, and a crash
    report can tell whether plugins were loaded at all from
    [`built`][qnkpi.cli._registry.RunPlugins.built].

    Args:
        given: A registry to use instead of building one (`main(..., plugins=...)`).
    """

    def __init__(self, given: Plugins | None = None) -> None:
        self._plugins = given

    def get(self) -> Plugins:
        """The registry: the one given, or the built-ins and every installed plugin,
        built by the first call (plugins that fail are disabled, with a warning)."""
        if self._plugins is None:
            from qnkpi.plugin.registry import get_plugins

            self._plugins = get_plugins()
        return self._plugins

    @property
    def built(self) -> Plugins | None:
        """The registry if it was given or built in this run, else `None`."""
        return self._plugins
