"""The API reference cannot drift from the code.

Every public name has a real docstring (read from the source, as mkdocstrings reads it:
a class's or function's own, or the string under an assignment), every field of a
public class is described in its `Attributes:` section, every name of `qnkpi.__all__`
is rendered on docs/reference/api.md and every hook on docs/reference/hooks.md, and no
reStructuredText markup is left in docstrings (mkdocstrings renders Markdown).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from functools import cache
from pathlib import Path

import pytest

import qnkpi

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "docs" / "reference" / "api.md"
HOOKS_PAGE = ROOT / "docs" / "reference" / "hooks.md"

#: The modules integrators and plugin authors import from: every name of their
#: `__all__` must be documented (with the modules `qnkpi.__all__` points into).
PUBLIC_MODULES = sorted({
    *qnkpi._WHERE.values(),
    "qnkpi.assess.base",
    "qnkpi.errors",
    "qnkpi.i18n",
    "qnkpi.kinds.base",
    "qnkpi.orgunits",
    "qnkpi.plugin.hooks",
    "qnkpi.plugin.hookspecs",
    "qnkpi.plugin.loading",
    "qnkpi.plugin.markers",
    "qnkpi.plugin.registry",
    "qnkpi.reporters.base",
    "qnkpi.reporters.site",
    "qnkpi.sources.base",
    "qnkpi.sources.sql",
    "qnkpi.spec.base",
    "qnkpi.spec.models",
    "qnkpi.spec.targets",
    "qnkpi.spec.tree",
    "qnkpi.testing",
})

#: Sources whose docstrings are checked for reStructuredText.
SOURCES = sorted([*(ROOT / "src" / "qnkpi").rglob("*.py"),
                  *ROOT.glob("plugins/*/src/**/*.py")])

RST_ROLE = re.compile(r":(?:class|func|meth|data|mod|attr|exc|obj|ref|py:\w+):`")
DOUBLE_BACKTICKS = re.compile(r"(?<!`)``(?!`)")


@cache
def _tree(module: str) -> ast.Module:
    return ast.parse(inspect.getsource(importlib.import_module(module)))


def _definition(module: str, name: str) -> tuple[ast.stmt, str | None]:
    """The top-level statement that defines `name` in `module`, and its docstring; a
    name the module imports from another qnkpi module (a re-export) is looked up there."""
    body = _tree(module).body
    for i, node in enumerate(body):
        if (isinstance(node, ast.ImportFrom) and node.module is not None
                and node.module.startswith("qnkpi.")
                and any(alias.name == name and alias.asname in (None, name)
                        for alias in node.names)):
            return _definition(node.module, name)
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return node, ast.get_docstring(node)
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            after = body[i + 1] if i + 1 < len(body) else None
            doc = (after.value.value if isinstance(after, ast.Expr)
                   and isinstance(after.value, ast.Constant)
                   and isinstance(after.value.value, str) else None)
            return node, inspect.cleandoc(doc) if doc else None
    raise AssertionError(f"{module} does not define {name}")


def _public_names() -> list[tuple[str, str]]:
    names = []
    for module in PUBLIC_MODULES:
        for name in importlib.import_module(module).__all__:
            names.append((module, name))
    return names


def _public_classes() -> list[tuple[str, str]]:
    return [(m, n) for m, n in _public_names()
            if isinstance(_definition(m, n)[0], ast.ClassDef)]


def _described(doc: str) -> set[str]:
    """The names of the `Attributes:` section of a Google-style docstring."""
    found: set[str] = set()
    section = re.search(r"^Attributes:\n((?:[ ]{4}.*\n?|\n)+)", doc, re.M)
    if section:
        found.update(re.findall(r"^[ ]{4}(\w+)(?: \([^)]*\))?:", section.group(1), re.M))
    return found


def _fields(cls: ast.ClassDef) -> list[str]:
    """Public annotated class attributes, and public attributes set on `self` in
    `__init__`."""
    names = [node.target.id for node in cls.body
             if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)]
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            for sub in ast.walk(node):
                targets = (sub.targets if isinstance(sub, ast.Assign)
                           else [sub.target] if isinstance(sub, ast.AnnAssign) else [])
                names += [t.attr for t in targets if isinstance(t, ast.Attribute)
                          and isinstance(t.value, ast.Name) and t.value.id == "self"]
    return [n for n in dict.fromkeys(names) if not n.startswith("_")]


def _blocks(page: Path) -> list[str]:
    return re.findall(r"^::: (\S+)", page.read_text(encoding="utf-8"), re.M)


def _resolve(path: str) -> object:
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for part in parts[i:]:
            obj = getattr(obj, part)
        return obj
    raise AssertionError(f"{path} does not resolve")


@pytest.mark.parametrize("name", [n for n in qnkpi.__all__ if n != "__version__"])
def test_every_public_name_resolves_is_documented_and_rendered(name: str) -> None:
    assert name in qnkpi._WHERE, f"qnkpi.{name} is in __all__ but not in _WHERE"
    module = qnkpi._WHERE[name]
    assert getattr(qnkpi, name) is getattr(importlib.import_module(module), name)
    _, doc = _definition(module, name)
    assert doc and len(doc) > 20, f"{module}.{name} has no real docstring"
    assert f"{module}.{name}" in _blocks(API_PAGE), (
        f"add '::: {module}.{name}' to {API_PAGE.relative_to(ROOT)}")


def test_all_and_where_agree() -> None:
    assert set(qnkpi.__all__) - {"__version__"} == set(qnkpi._WHERE)
    assert qnkpi.__version__


@pytest.mark.parametrize(("module", "name"), _public_names(),
                         ids=[f"{m}.{n}" for m, n in _public_names()])
def test_every_name_of_a_public_module_is_documented(module: str, name: str) -> None:
    _, doc = _definition(module, name)
    assert doc and len(doc) > 20, f"{module}.{name} has no real docstring"


@pytest.mark.parametrize(("module", "name"), _public_classes(),
                         ids=[f"{m}.{n}" for m, n in _public_classes()])
def test_public_methods_properties_and_fields_are_documented(module: str, name: str) -> None:
    cls, doc = _definition(module, name)
    assert isinstance(cls, ast.ClassDef) and doc
    undocumented = [node.name for node in cls.body
                    if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and not ast.get_docstring(node)]
    assert not undocumented, f"{module}.{name}: methods without a docstring: {undocumented}"
    missing = [field for field in _fields(cls) if field not in _described(doc)]
    assert not missing, (f"{module}.{name}: fields missing from the 'Attributes:' section "
                         f"of its docstring: {missing}")


def test_every_hook_is_documented_and_the_hook_page_renders_the_module() -> None:
    from qnkpi.plugin import hookspecs
    from qnkpi.plugin.hooks import HOOKS
    from qnkpi.plugin.markers import PROJECT

    specified = {name for name, obj in vars(hookspecs).items()
                 if hasattr(obj, f"{PROJECT}_spec")}  # what pluggy reads as hookspecs
    assert specified == {hook.name for hook in HOOKS} == set(hookspecs.__all__)
    for hook in hookspecs.__all__:
        doc = getattr(hookspecs, hook).__doc__ or ""
        assert "Args:\n        register:" in doc, f"{hook}: describe 'register' under Args"
        assert re.search(r"Since \d+\.\d+\.", doc), f"{hook}: say since which version"
    assert "qnkpi.plugin.hookspecs" in _blocks(HOOKS_PAGE)


@pytest.mark.parametrize("page", [API_PAGE, HOOKS_PAGE], ids=lambda p: p.name)
def test_every_rendered_object_exists(page: Path) -> None:
    for path in _blocks(page):
        _resolve(path)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_docstrings_are_markdown_not_restructuredtext(source: Path) -> None:
    where = source.relative_to(ROOT).as_posix()
    text = source.read_text(encoding="utf-8")
    roles = RST_ROLE.findall(text)
    assert not roles, (f"{where}: reStructuredText roles {roles}; write Markdown "
                       "cross-references such as [`PluginError`][qnkpi.errors.PluginError]")
    for node in ast.walk(ast.parse(text)):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            assert not DOUBLE_BACKTICKS.search(node.value.value), (
                f"{where}:{node.lineno}: ``double backticks`` in a docstring; use one")
