"""Fixtures for every test under `tests/`."""

from __future__ import annotations

import pytest

from qnkpi.plugin.loading import ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR, ENV_TRACE
from qnkpi.plugin.registry import Plugins, get_plugins


@pytest.fixture
def fresh_plugins() -> Plugins:
    """A registry of the test's own, with the built-ins only: no installed plugin, no
    plugins folder, nothing disabled, whatever the environment says (it is left as it
    is for the test). Strict: a built-in that fails raises. Pass it on explicitly
    (`main(argv, plugins=fresh_plugins)`, `load_spec(path, plugins=fresh_plugins)`)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in (ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR, ENV_TRACE):
            patch.delenv(name, raising=False)
        return get_plugins(autoload=False, strict=True)
