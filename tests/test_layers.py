"""The house has floors: no module imports one of a floor above it.

Each floor may import its own and those below. Imports inside functions count (they
are still dependencies, only later ones); imports under `if TYPE_CHECKING:` do not, as
they name types for annotations and run nothing. docs/architecture.md draws the same
floors: this test is what keeps the drawing true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

#: The floors, from the ground up: module name prefixes (a package's prefix covers its
#: modules, unless one of them is listed on its own floor).
FLOORS: tuple[tuple[str, ...], ...] = (
    ("qnkpi.errors", "qnkpi.verdicts", "qnkpi._arrow_build", "qnkpi.periods"),
    ("qnkpi.spec.rule_syntax", "qnkpi.spec._yaml", "qnkpi.spec.base", "qnkpi.spec.targets",
     "qnkpi.spec.models", "qnkpi.spec.tree",
     "qnkpi.spec.spec", "qnkpi.i18n"),
    ("qnkpi.orgunits", "qnkpi.spec.checks", "qnkpi.spec.tree_checks"),
    ("qnkpi.kinds", "qnkpi.sources", "qnkpi.assess"),
    ("qnkpi.plugin",),
    ("qnkpi.spec.loader", "qnkpi.spec._model_errors", "qnkpi.spec.schema", "qnkpi.spec"),
    ("qnkpi.engine", "qnkpi.testing"),
    ("qnkpi.reporters",),
    ("qnkpi.default_plugins",),
    ("qnkpi.cli", "qnkpi.__main__", "qnkpi"),
)


def _floor(module: str) -> int:
    """The floor of `module`: that of the longest prefix listed."""
    best, floor = -1, -1
    for level, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, floor = len(prefix), level
    assert floor >= 0, f"{module} is on no floor: add it to FLOORS"
    return floor


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every qnkpi import that runs: not those under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(node) for branch in ast.walk(tree) if isinstance(branch, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(branch.test)
                   for node in ast.walk(branch)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name) for line, name in found
            if name == "qnkpi" or name.startswith("qnkpi.")]


MODULES = sorted((SRC / "qnkpi").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_a_floor_above_its_own(path: Path) -> None:
    module = _module(path)
    here = _floor(module)
    above = [f"line {line}: {name} (floor {_floor(name)})" for line, name in _imports(path)
             if _floor(name) > here]
    assert not above, f"{module} (floor {here}) imports upward:\n  " + "\n  ".join(above)


def test_the_floors_catch_an_upward_import() -> None:
    """The test above can fail: a kind importing the engine is upward."""
    assert _floor("qnkpi.kinds.share_of_units") < _floor("qnkpi.engine.evaluate")
    assert _floor("qnkpi.spec.models") < _floor("qnkpi.plugin.registry") < _floor(
        "qnkpi.spec.loader")
    assert _floor("qnkpi.verdicts") == 0
    assert _floor("qnkpi") == len(FLOORS) - 1


def test_every_module_is_on_a_floor() -> None:
    for path in MODULES:
        _floor(_module(path))
