"""The output shown on docs/validation.md (and its copy on docs/cli.md) is what the commands
and the Python example print."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from qnkpi.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh"
PAGE = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")

# the figures the page says were changed in its copy of the example
HA_LONG = ("193,2023,87450,141670,86422,", "193,2023,87450,141670,141700,")
CAM_PHA = ("195,2024,50120,81190,51969,27570,32575,23557,13169,13129,",
           "195,2024,50120,81190,51969,27570,32575,23557,13169,13196,")
HA_TU = ("06652,2025,5564,9014,", "06652,2025,9100,9014,")


def _copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *changes: tuple[str, str]) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "qn")
    data = tmp_path / "qn" / "data" / "unit-reports.csv"
    text = data.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1
        text = text.replace(old, new)
    data.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)


def _sessions(page: str) -> list[tuple[str, str, str]]:
    """Each console block's commands: (command, what it printed, exit code shown or '')."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", page, re.S):
        parts = re.split(r"^\$ (.*)\n", block, flags=re.M)[1:]
        for command, output in zip(parts[::2], parts[1::2], strict=True):
            found.append((command, output, ""))
    out = []
    for i, (command, output, _) in enumerate(found):
        if command == "echo $?":
            continue
        code = found[i + 1][1].strip() if i + 1 < len(found) and \
            found[i + 1][0] == "echo $?" else ""
        out.append((command, output, code))
    return out


def _run(capsys: pytest.CaptureFixture[str], command: str) -> tuple[int, str]:
    args = command.split()
    assert args[0] == "qnkpi"
    code = main(args[1:])
    out, err = capsys.readouterr()
    return code, err + out


def _session(page: str, command: str, nth: int = 0) -> tuple[str, str]:
    matches = [(output, code) for c, output, code in _sessions(page) if c == command]
    return matches[nth]


def test_the_page_shows_validate_with_errors_and_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _copy(tmp_path, monkeypatch, HA_LONG, CAM_PHA, HA_TU)
    shown, code = _session(PAGE, "qnkpi validate qn/programme.yaml", 0)
    assert _run(capsys, "qnkpi validate qn/programme.yaml") == (int(code), shown)


def test_the_page_shows_validate_with_a_warning_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _copy(tmp_path, monkeypatch, HA_TU)
    shown, code = _session(PAGE, "qnkpi validate qn/programme.yaml", 1)
    assert _run(capsys, "qnkpi validate qn/programme.yaml") == (int(code), shown)
    command = "qnkpi evaluate qn/programme.yaml -f json -o result.json"
    shown, _ = _session(PAGE, command)
    assert _run(capsys, command) == (0, shown)
    [line] = [row for row in (tmp_path / "result.json").read_text(encoding="utf-8")
              .splitlines() if '"rule": ' in row]
    assert f"```json\n{line.strip()}\n```" in PAGE


def test_the_command_line_page_shows_the_same_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _copy(tmp_path, monkeypatch, HA_LONG, CAM_PHA)
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    shown, _ = _session(cli, "qnkpi validate qn/programme.yaml")
    assert _run(capsys, "qnkpi validate qn/programme.yaml") == (2, shown)


def test_the_python_example_prints_what_the_page_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy(tmp_path, monkeypatch, HA_LONG, HA_TU)
    section = PAGE.split("## In Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    shown = re.search(r"```text\n(.*?)```", section, re.S)
    assert code and shown
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.group(1), "validation.md", "exec"), {})  # the page's own example
    assert printed.getvalue() == shown.group(1)


def test_the_syntax_errors_shown_are_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "docs" / "examples" / "first-programme", tmp_path / "tutorial")
    spec = tmp_path / "tutorial" / "programme.yaml"
    with spec.open("a", encoding="utf-8") as f:
        f.write("validation:\n  - rule: youth_trained <= yuoth\n  - rule: youth = 2\n")
    monkeypatch.chdir(spec.parent)
    shown, _ = _session(PAGE, "qnkpi validate programme.yaml")
    assert _run(capsys, "qnkpi validate programme.yaml") == (2, shown)


def test_the_spec_format_page_shows_a_real_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "docs" / "examples" / "first-programme", tmp_path / "tutorial")
    spec = tmp_path / "tutorial" / "programme.yaml"
    with spec.open("a", encoding="utf-8") as f:
        f.write("validation:\n  - rule: youth_traned <= youth\n")
    monkeypatch.chdir(spec.parent)
    page = (ROOT / "docs" / "spec-format.md").read_text(encoding="utf-8")
    section = page.split("## Validation rules", 1)[1].split("\n## ", 1)[0]
    shown, _ = _session(section, "qnkpi validate programme.yaml")
    assert _run(capsys, "qnkpi validate programme.yaml") == (2, shown)
