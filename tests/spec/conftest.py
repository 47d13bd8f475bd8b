"""What the spec tests share: the `loader` fixture, both of PyYAML's loaders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from qnkpi.spec import _yaml

_LOADERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if hasattr(yaml, "CSafeLoader"):
    _LOADERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=_LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run the test with PyYAML's pure Python loader and with libyaml's (when installed):
    qnkpi picks libyaml when it can, so both must behave the same."""
    monkeypatch.setattr(_yaml, "_Loader", request.param)
    yield request.param
