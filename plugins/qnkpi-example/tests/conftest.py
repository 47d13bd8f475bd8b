"""The example programme, evaluated with exactly this plugin, and its data read back by
plain Python, so that the tests check qnkpi's numbers against an independent count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import qnkpi
from qnkpi.testing import plugins_with

import qnkpi_example

EXAMPLE = Path(__file__).resolve().parent.parent / "example"
SPEC = EXAMPLE / "programme.yaml"


# --8<-- [start:fixtures]
@pytest.fixture(autouse=True)
def _no_plugins_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """plugins_with() leaves out installed plugins, but a plugins folder would still load."""
    monkeypatch.delenv("QNKPI_PLUGINS_DIR", raising=False)


@pytest.fixture
def plugins() -> qnkpi.Plugins:
    return plugins_with(qnkpi_example)


@pytest.fixture
def result(plugins: qnkpi.Plugins) -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC, plugins=plugins), plugins=plugins)
# --8<-- [end:fixtures]


@pytest.fixture
def lines() -> dict[tuple[str, int], dict[str, Any]]:
    """The example's reports.jsonl: (unit, year) -> the line's object."""
    out = {}
    for text in (EXAMPLE / "reports.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(text)
        out[record["unit"], record["year"]] = record
    return out
