"""The plugin machinery's public names, where 0.1 defined them.

Until 0.2 this module held all of it: building the manager, the registry, the checks of
`register` and a registry cached for the whole process. Each concept now has its own
module:

- [`qnkpi.plugin.loading`][qnkpi.plugin.loading]: building the pluggy manager
  (environment variables, blocking, entry points, the plugins folder, the built-ins);
- [`qnkpi.plugin.registry`][qnkpi.plugin.registry]: the registry of what every plugin
  registered, and [`get_plugins`][qnkpi.plugin.registry.get_plugins];
- [`qnkpi.plugin.hooks`][qnkpi.plugin.hooks]: the table of hooks, each with its label
  and the check of its `register`.

The names stay importable from here, so that plugins and code written against 0.1
(`from qnkpi.plugin.manager import Plugins`) keep working; the documentation points at
the modules that define them, and new code should import from those (or from `qnkpi`
itself). There is no process-wide registry any more: see
[`get_plugins`][qnkpi.plugin.registry.get_plugins].
"""

from __future__ import annotations

from qnkpi.plugin.hooks import FILE_NAME_PART
from qnkpi.plugin.loading import (
    BUILTIN_PLUGINS,
    ENV_AUTOLOAD,
    ENV_DISABLE,
    ENV_PLUGINS_DIR,
    ENV_TRACE,
    PluginManager,
    get_plugin_manager,
)
from qnkpi.plugin.registry import Plugins, Registration, get_plugins

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
