"""The project's own promises: the README's commands, CI, typing and lint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = [line for line in ci.splitlines() if line and not line.startswith(("#", "set ",
                                                                               "cd "))]
    assert command, ".ci/run runs no command"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in command:
        assert line in readme, f"the README does not show the CI command: {line}"
    assert "pytest" in command[-1]


def test_readme_demo_command_is_the_one_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^python3 -m venv \.venv && .*qnkpi demo$", readme, re.M)


def test_bundled_example_is_the_specs_folder() -> None:
    bundled = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh"
    assert (ROOT / "specs" / "quang-ninh").resolve() == bundled.resolve()
    assert (bundled / "programme.yaml").is_file()


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    found = str(exe) if exe.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (it is in the 'test' extra)")
    return found


def test_mypy_strict_passes_on_src() -> None:
    run = subprocess.run([_tool("mypy"), "--no-error-summary"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_passes() -> None:
    run = subprocess.run([_tool("ruff"), "check", "src", "tests"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_public_name_resolves_and_is_documented() -> None:
    import qnkpi

    for name in qnkpi.__all__:
        value = getattr(qnkpi, name)
        if name != "__version__":
            assert getattr(value, "__doc__", None), f"qnkpi.{name} has no docstring"


def test_import_loads_nothing_heavy() -> None:
    code = ("import sys, qnkpi; heavy = {'numpy', 'pydantic', 'yaml', 'rich', 'pluggy'}; "
            "print(sorted(heavy & set(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"
