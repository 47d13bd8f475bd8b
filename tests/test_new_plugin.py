"""``qnkpi new-plugin``: the package it writes installs, is found through its entry point
and passes its own tests; bad names and existing folders are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from qnkpi.cli import main
from qnkpi.cli.new_plugin import plugin_names

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "src" / "qnkpi" / "cli" / "plugin_template"


def environment(site: Path) -> dict[str, str]:
    """The environment with ``site`` on the path and no QNKPI_* setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QNKPI_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return env


def install(package: Path, site: Path) -> None:
    """``pip install`` the package into the folder ``site`` (not into this environment)."""
    run = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                          "--no-build-isolation", "--no-index", "--target", str(site),
                          str(package)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_the_package_installs_and_passes_its_own_tests(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-plugin", "youth-survey", "-o", str(tmp_path / "work")]) == 0
    package = tmp_path / "work" / "qnkpi-youth-survey"
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"Wrote {package}, a qnkpi plugin registering the indicator kind "
                          "'youth_survey':\n")
    written = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    assert written == ["README.md", "pyproject.toml", "src/qnkpi_youth_survey/__init__.py",
                       "src/qnkpi_youth_survey/kinds.py", "src/qnkpi_youth_survey/py.typed",
                       "tests/test_qnkpi_youth_survey.py"]
    for name in written:
        assert f"  {package / name}\n" in out

    site = tmp_path / "site"
    install(package, site)
    tests = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
                           cwd=package, env=environment(site), capture_output=True,
                           text=True, timeout=300)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "6 passed" in tests.stdout

    listed = subprocess.run([sys.executable, "-m", "qnkpi", "plugins", "--json"],
                            env=environment(site), capture_output=True, text=True,
                            timeout=120)
    assert listed.returncode == 0, listed.stderr
    plugin = [p for p in json.loads(listed.stdout) if p["name"] == "youth-survey"]
    assert plugin == [{"name": "youth-survey", "origin": "qnkpi-youth-survey 0.1.0",
                       "registers": {"indicator kinds": ["youth_survey"]}}]


def test_the_generated_tests_fail_when_the_kind_is_wrong(tmp_path: Path) -> None:
    assert main(["new-plugin", "health", "-o", str(tmp_path)]) == 0
    package = tmp_path / "qnkpi-health"
    kinds = package / "src" / "qnkpi_health" / "kinds.py"
    text = kinds.read_text(encoding="utf-8")
    kinds.write_text(text.replace("change * 100.0 / previous", "change * 10.0 / previous"),
                     encoding="utf-8")
    site = tmp_path / "site"
    install(package, site)
    tests = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
                           cwd=package, env=environment(site), capture_output=True,
                           text=True, timeout=300)
    assert tests.returncode == 1
    assert "4 failed, 2 passed" in tests.stdout


def test_the_longest_name_gives_code_that_passes_ruff_and_mypy(tmp_path: Path) -> None:
    name = "abcdefghij-klmnopqrst-uvwxyz-a"  # 30 characters, the most allowed
    assert main(["new-plugin", name, "-o", str(tmp_path)]) == 0
    package = tmp_path / f"qnkpi-{name}"
    for command in ([tool("ruff"), "check", "--no-cache", "."], [tool("mypy")]):
        run = subprocess.run(command, cwd=package, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr


def test_nothing_is_left_unfilled(tmp_path: Path) -> None:
    assert main(["new-plugin", "x", "-o", str(tmp_path)]) == 0
    for path in (tmp_path / "qnkpi-x").rglob("*"):
        assert "__package__" not in path.name and not path.name.endswith(".tmpl")
        if path.is_file():
            assert "$" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize(("name", "entry", "dist", "package", "kind", "cls"), [
    ("x", "x", "qnkpi-x", "qnkpi_x", "x", "XIndicator"),
    ("growth", "growth", "qnkpi-growth", "qnkpi_growth", "growth", "GrowthIndicator"),
    ("youth_survey", "youth-survey", "qnkpi-youth-survey", "qnkpi_youth_survey",
     "youth_survey", "YouthSurveyIndicator"),
    ("vn2-units", "vn2-units", "qnkpi-vn2-units", "qnkpi_vn2_units", "vn2_units",
     "Vn2UnitsIndicator"),
])
def test_names(name: str, entry: str, dist: str, package: str, kind: str, cls: str) -> None:
    names = plugin_names(name)
    assert (names.entry, names.dist, names.package, names.kind, names.cls) == (
        entry, dist, package, kind, cls)


BAD = [
    ("Health", "use lowercase letters and digits"),
    ("1health", "use lowercase letters and digits"),
    ("youth--survey", "use lowercase letters and digits"),
    ("youth-", "use lowercase letters and digits"),
    ("youth survey", "use lowercase letters and digits"),
    ("youth.survey", "use lowercase letters and digits"),
    ("sức-khỏe", "use lowercase letters and digits"),
    ("", "use lowercase letters and digits"),
    ("a" * 31, "at most 30 characters, not 31"),
    ("qnkpi", "leave out the 'qnkpi' prefix"),
    ("qnkpi-health", "leave out the 'qnkpi' prefix: 'qnkpi new-plugin health' writes "
     "qnkpi-health"),
    ("ratio", "its indicator kind would be 'ratio', which is built in (value, ratio, "
     "share_of_units, sum); choose another name"),
    ("share-of-units", "its indicator kind would be 'share_of_units', which is built in"),
]


@pytest.mark.parametrize(("name", "message"), BAD, ids=[n or "empty" for n, _ in BAD])
def test_a_bad_name_is_refused_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str) -> None:
    assert main(["new-plugin", name, "-o", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"qnkpi: error: plugin name '{name}': {message}")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_not_touched(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "qnkpi-health"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new-plugin", "health", "-o", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"qnkpi: error: {existing} already exists; choose another "
                              "name or folder (nothing was written)\n")
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]
    assert (existing / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_an_output_that_is_a_file_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["new-plugin", "health", "-o", str(blocker)]) == 2
    assert capsys.readouterr().err == (f"qnkpi: error: {blocker} is a file, not a folder "
                                       "(nothing was written)\n")
    assert main(["new-plugin", "health", "-o", str(blocker / "below")]) == 2
    assert capsys.readouterr().err.startswith(
        f"qnkpi: error: cannot create the folder {blocker / 'below' / 'qnkpi-health'}: ")


def test_missing_folders_of_the_output_are_made(tmp_path: Path) -> None:
    assert main(["new-plugin", "health", "-o", str(tmp_path / "a" / "b")]) == 0
    assert (tmp_path / "a" / "b" / "qnkpi-health" / "pyproject.toml").is_file()


def test_the_templates_are_in_the_wheel(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                          "--no-build-isolation", "--no-index", "-w", str(tmp_path),
                          str(ROOT)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    (wheel,) = tmp_path.glob("qnkpi-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"qnkpi/{p.relative_to(ROOT / 'src' / 'qnkpi').as_posix()}"
                 for p in TEMPLATE.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert len(templates) == 6
    assert templates <= inside


def test_the_built_in_kinds_refused_as_names_are_the_registered_ones() -> None:
    from qnkpi.cli.new_plugin import BUILT_IN_KINDS
    from qnkpi.testing import plugins_with

    assert set(BUILT_IN_KINDS) == set(plugins_with().indicator_kinds)
