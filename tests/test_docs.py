"""The documentation cannot drift: its specs load, its examples evaluate, its links exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import qnkpi
from qnkpi.spec.spec import Spec

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FOLDERS = [ROOT / "specs" / "quang-ninh", *sorted((ROOT / "docs" / "examples").iterdir())]


def _blocks(kind: str) -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for block in re.findall(rf"```{kind}\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            found.append((f"{page.relative_to(ROOT)}:{block.splitlines()[0][:40]}", block))
    return found


def _is_complete_spec(text: str) -> bool:
    data = yaml.safe_load(text)
    return isinstance(data, dict) and data.get("qnkpi") == 1


SPECS = [(name, text) for name, text in _blocks("yaml") if _is_complete_spec(text)
         and "needs the" not in text.splitlines()[0]]  # specs for a docs-only plugin
FRAGMENTS = [(name, text) for name, text in _blocks("yaml") if not _is_complete_spec(text)]


def test_the_docs_have_examples() -> None:
    assert len(SPECS) >= 3 and len(FRAGMENTS) >= 5


@pytest.mark.parametrize(("name", "text"), SPECS, ids=[n for n, _ in SPECS])
def test_every_complete_spec_in_the_docs_loads(name: str, text: str) -> None:
    errors = []
    for folder in FOLDERS:  # the spec's relative paths point into one of the examples
        try:
            qnkpi.parse_spec(text, file=folder / "doc.yaml")
            return
        except qnkpi.SpecError as exc:
            errors.append(f"{folder.name}: {exc}")
    pytest.fail(f"{name} loads in no example folder:\n" + "\n".join(errors))


@pytest.mark.parametrize(("name", "text"), FRAGMENTS, ids=[n for n, _ in FRAGMENTS])
def test_every_fragment_is_yaml_of_known_sections(name: str, text: str) -> None:
    data = yaml.safe_load(text)
    assert isinstance(data, dict), name
    if "levels" in data:  # an org-units file
        assert set(data) <= {"levels", "units", "reference_day"}
    else:
        assert set(data) <= set(Spec.model_fields), f"{name}: {set(data) - set(Spec.model_fields)}"


@pytest.mark.parametrize("folder", FOLDERS[1:], ids=[f.name for f in FOLDERS[1:]])
def test_example_folders_evaluate(folder: Path) -> None:
    result = qnkpi.evaluate(qnkpi.load_spec(folder / "programme.yaml"))
    assert result.summary()["checks"] > 0


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_point_at_files(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
