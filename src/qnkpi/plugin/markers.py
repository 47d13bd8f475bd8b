"""The pluggy markers of project `qnkpi`. Plugin authors write `from qnkpi import hookimpl`
(or `@qnkpi.hookimpl`)."""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "qnkpi"
"""The pluggy project name, and the entry point group installed plugins declare."""

hookspec = pluggy.HookspecMarker(PROJECT)
"""The decorator that marks qnkpi's hook specifications
(in [`qnkpi.plugin.hookspecs`][qnkpi.plugin.hookspecs]). Plugins do not need it."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""The decorator that marks a plugin's implementation of a qnkpi hook.

Decorate a function (or method) named after the hook, taking the hook's arguments:

```python
import qnkpi


@qnkpi.hookimpl
def register_reporters(register):
    register("checks-md", ChecksMarkdown())
```

pluggy's options apply: `@qnkpi.hookimpl(tryfirst=True)` is called before the others.
A function marked with it whose name is not a qnkpi hook is a
[`PluginError`][qnkpi.errors.PluginError] naming the plugin.
"""
