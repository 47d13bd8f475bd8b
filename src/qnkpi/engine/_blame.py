"""Naming the plugin behind a part that failed: the engine's errors say whose it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qnkpi.errors import PluginError

if TYPE_CHECKING:
    from qnkpi.plugin.manager import Plugins

__all__ = ["plugin_error"]


def plugin_error(plugins: Plugins, hook: str, name: str, message: str) -> PluginError:
    """A [`PluginError`][qnkpi.errors.PluginError] naming the plugin that registered
    `name` (a source type, an indicator kind, an assessment method) through `hook`;
    `?` when the registry does not know it."""
    reg = plugins.registrations.get(hook, {}).get(name)
    return PluginError(reg.plugin if reg is not None else "?", message)
