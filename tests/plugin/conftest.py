"""Every test of the plugin machinery starts from an environment that names no plugin
setting, and leaves no module of a plugins folder behind."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from qnkpi.plugin.loading import ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR, ENV_TRACE


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR, ENV_TRACE):
        monkeypatch.delenv(name, raising=False)
    yield
    for name in [m for m in sys.modules if m.startswith("qnkpi_plugins_dir.")]:
        del sys.modules[name]
