"""The plugins directory lists every first-party plugin with exactly what it registers.

Its rows are checked against the installed plugins (the test command installs every
package in plugins/), so a plugin added to plugins/ without a row, or a part added to a
plugin without updating its row, fails here.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import tomllib

from qnkpi.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "plugins-directory.md"
PACKAGES = sorted(p.parent for p in (ROOT / "plugins").glob("*/pyproject.toml"))


def rows(text: str) -> dict[str, str]:
    """First cell (a `name` in backticks) -> second cell, for every table row."""
    found = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and (name := re.fullmatch(r"`([\w.-]+)`", cells[0])):
            found[name.group(1)] = cells[1]
    return found


def parse_registers(cell: str) -> dict[str, list[str]]:
    """'source types: `a`, `b`; reporters: `c`' -> {'source types': ['a', 'b'], ...}."""
    out = {}
    for part in cell.split(";"):
        hook, _, names = part.partition(":")
        out[hook.strip()] = sorted(re.findall(r"`([^`]+)`", names))
    return out


def registered() -> dict[str, dict[str, list[str]]]:
    """Distribution name (or built-in plugin name) -> what `qnkpi plugins --json` says
    it registers."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["plugins", "--json"]) == 0
    return {p["name"] if p["origin"] == "built in" else p["origin"].split()[0]: p["registers"]
            for p in json.loads(out.getvalue())}


ROWS = rows(PAGE.read_text(encoding="utf-8"))
REGISTERED = registered()


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_first_party_plugin_is_listed_with_what_it_registers(package: Path) -> None:
    dist = tomllib.loads((package / "pyproject.toml").read_text())["project"]["name"]
    assert dist in ROWS, f"docs/plugins-directory.md has no row for {dist}"
    assert dist in REGISTERED, f"{dist} is not installed: install it (see the README)"
    assert parse_registers(ROWS[dist]) == REGISTERED[dist]


def test_the_built_in_plugins_are_listed_with_what_they_register() -> None:
    built_in = {name: regs for name, regs in REGISTERED.items()
                if name.startswith("qnkpi.default_plugins.")}
    assert built_in
    assert {name: parse_registers(ROWS.get(name, "")) for name in built_in} == built_in


def test_the_row_parser_reads_several_hooks() -> None:
    cell = "indicator kinds: `change`, `reporting_rate`; source types: `jsonl`"
    assert parse_registers(cell) == {"indicator kinds": ["change", "reporting_rate"],
                                     "source types": ["jsonl"]}
    assert rows("| `qnkpi-x` | reporters: `y` | z |") == {"qnkpi-x": "reporters: `y`"}
