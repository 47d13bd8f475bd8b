"""The repository's scripts (`scripts/`) as modules, for tests that share their code: the
browser tests open pages with the same headless Chromium flags as the docs' screenshots
(`scripts/screenshot_html.py`)."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@functools.cache
def script(name: str) -> ModuleType:
    """`scripts/<name>.py`, imported once."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
