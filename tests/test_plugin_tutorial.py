"""The plugin tutorial shows the code of plugins/qnkpi-example, included with snippet
markers: every inclusion in the docs names a file and section that exist, and every
section marked in the plugin is shown somewhere. (mkdocs build --strict also fails on a
missing one; this says which, without building the site.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").rglob("*.md"))
PLUGIN = ROOT / "plugins" / "qnkpi-example"
INCLUDE = re.compile(r'^--8<-- "([^":]+)(?::([a-z][-_0-9a-z]*))?"$', re.M)
MARKER = re.compile(r"--8<-- \[(start|end):([a-z][-_0-9a-z]*)\]")


def includes() -> list[tuple[str, str, str | None]]:
    """(page, file, section or None) for every snippet inclusion in the docs."""
    found = []
    for page in PAGES:
        for file, section in INCLUDE.findall(page.read_text(encoding="utf-8")):
            found.append((page.relative_to(ROOT).as_posix(), file, section or None))
    return found


def sections(path: Path) -> dict[str, tuple[int, int]]:
    """section name -> (start line, end line) of the markers in ``path``."""
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for kind, name in MARKER.findall(line):
            table = starts if kind == "start" else ends
            assert name not in table, f"{path}:{number}: a second '{kind}:{name}'"
            table[name] = number
    assert set(starts) == set(ends), f"{path}: unpaired markers {set(starts) ^ set(ends)}"
    return {name: (starts[name], ends[name]) for name in starts}


INCLUDES = includes()


def test_the_tutorial_includes_its_code() -> None:
    tutorial = [i for i in INCLUDES if i[0] == "docs/plugin-tutorial.md"]
    assert len(tutorial) >= 15
    assert {file for _, file, _ in tutorial} >= {
        f"plugins/qnkpi-example/src/qnkpi_example/{name}.py"
        for name in ("__init__", "kinds", "source", "method", "reporter")}


@pytest.mark.parametrize(("page", "file", "section"), INCLUDES,
                         ids=[f"{p}:{f}:{s}" for p, f, s in INCLUDES])
def test_every_inclusion_exists(page: str, file: str, section: str | None) -> None:
    path = ROOT / file
    assert path.is_file(), f"{page} includes {file}, which does not exist"
    if section is not None:
        marked = sections(path)
        assert section in marked, f"{page} includes section '{section}' of {file}: no markers"
        start, end = marked[section]
        assert start < end, f"{file}: section '{section}' ends before it starts"


def test_every_marked_section_is_shown() -> None:
    shown = {(file, section) for _, file, section in INCLUDES}
    for path in sorted(PLUGIN.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".yaml"}:
            file = path.relative_to(ROOT).as_posix()
            for name in sections(path):
                assert (file, name) in shown, f"{file}: section '{name}' is in no page"
