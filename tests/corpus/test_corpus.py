"""The corpus of bad inputs: every folder here is a case, run through the real command line.

A case is the folder `_base` (a small valid programme: spec, org units, a CSV file) with
the case's own files laid over it, and an `expect.yaml` saying what `qnkpi` must do with
it. Each case runs in-process through `qnkpi.cli.main`, in a copy of those files, and
must:

- never print a traceback, nor report an internal error;
- exit with the expected code (2 for bad input; 0 where the data are usable);
- for an error or a warning, say where (`where`: the file and its line, or its row),
  what is wrong (`problem`) and what to do (`fix`), each a substring of standard error;
- for an input that must work (`same_as_base`), print exactly what the base prints.

docs/errors.md shows one message of every case; `test_the_errors_page_shows_the_case`
checks that it is the message the case prints.

expect.yaml keys:

```yaml
about: One line: what is wrong with the input.       # required
run: validate programme.yaml                          # required: the arguments of qnkpi
exit: 2                                               # required
where: "programme.yaml:5:9"                           # required unless same_as_base
problem: "not valid YAML"                             # required unless same_as_base
fix: "..."                                            # required unless same_as_base
severity: error                                       # or warning (then exit is 0)
stderr: ["more substrings of standard error"]
not_in_stderr: ["substrings it must not hold"]
same_as_base: false                                   # stdout equals the base's
env: {QNKPI_MAX_FILE_BYTES: "1000"}                   # environment variables set
max_seconds: 5                                        # it must end this fast
never_created: [pwned]                                # files that must not appear
pending: "why the product does not do this yet"       # an expected failure (strict)
```
"""

from __future__ import annotations

import re
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from qnkpi.cli import main

CORPUS = Path(__file__).resolve().parent
BASE = CORPUS / "_base"
ERRORS_PAGE = CORPUS.parent.parent / "docs" / "errors.md"

KEYS = {"about", "run", "exit", "where", "problem", "fix", "severity", "stderr",
        "not_in_stderr", "same_as_base", "env", "max_seconds", "never_created", "pending"}


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    expect: dict[str, Any]

    @property
    def says_something(self) -> bool:
        """Whether the case prints an error or a warning (else it must just work)."""
        return not self.expect.get("same_as_base", False)


def _cases() -> list[Case]:
    found = []
    for folder in sorted(CORPUS.iterdir()):
        if (folder / "expect.yaml").is_file():
            expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
            found.append(Case(folder.name, folder, expect))
    return found


CASES = _cases()


def _params() -> list[Any]:
    out = []
    for case in CASES:
        pending = case.expect.get("pending")
        marks = [pytest.mark.xfail(strict=True, reason=pending)] if pending else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float
    folder: Path


def _run(folder: Path, files: Path | None, case: Case, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Run:
    """`qnkpi RUN` in `folder`: a copy of the base with `files` laid over it."""
    shutil.copytree(BASE, folder)
    if files is not None:
        shutil.copytree(files, folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("expect.yaml"))
    with monkeypatch.context() as patch:
        patch.chdir(folder)
        for name, value in (case.expect.get("env") or {}).items():
            patch.setenv(name, str(value))
        capsys.readouterr()
        start = time.perf_counter()
        code = main(shlex.split(case.expect["run"]))
        seconds = time.perf_counter() - start
        out, err = capsys.readouterr()
    return Run(code, out, err, seconds, folder)


def test_the_corpus_has_its_cases() -> None:
    names = {case.name for case in CASES}
    assert len(names) >= 30
    # every folder but the base is a case: a folder without expect.yaml is a mistake
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and p.name not in
               ("_base", "__pycache__")}
    assert folders == names


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_expectation_is_complete(case: Case) -> None:
    """An expectation that leaves out the fix, or misspells a key, would test nothing."""
    expect = case.expect
    assert set(expect) <= KEYS, set(expect) - KEYS
    assert {"about", "run", "exit"} <= set(expect)
    if case.says_something:
        for key in ("where", "problem", "fix"):
            assert isinstance(expect.get(key), str) and expect[key].strip(), key
        assert expect.get("severity", "error") in ("error", "warning")
        assert expect["exit"] == (2 if expect.get("severity", "error") == "error" else 0)
    else:
        assert expect["exit"] == 0
    assert [p.name for p in case.folder.iterdir()] != ["expect.yaml"] or "env" in expect, \
        "a case that changes no file must change the environment"


@pytest.mark.parametrize("case", _params())
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> None:
    expect = case.expect
    run = _run(tmp_path / "case", case.folder, case, monkeypatch, capsys)
    both = run.out + run.err
    assert "Traceback" not in both
    assert "internal error" not in both
    assert run.code == expect["exit"], run.err
    if case.says_something:
        kind = expect.get("severity", "error")
        assert f"qnkpi: {kind}: " in run.err, run.err
        for key in ("where", "problem", "fix"):
            assert expect[key] in run.err, f"{key}: {expect[key]!r} not in:\n{run.err}"
    else:
        base = _run(tmp_path / "base", None, case, monkeypatch, capsys)
        assert base.code == 0 and base.out
        assert run.out == base.out
        assert run.err == base.err == ""
    for text in expect.get("stderr", []):
        assert text in run.err, f"{text!r} not in:\n{run.err}"
    for text in expect.get("not_in_stderr", []):
        assert text not in run.err
    for name in expect.get("never_created", []):
        assert not (run.folder / name).exists()
    if "max_seconds" in expect:
        assert run.seconds < expect["max_seconds"]


def _page_examples() -> dict[str, str]:
    """Case name -> its example on the errors page: the console block right after a
    mention of `tests/corpus/NAME` that ends a paragraph."""
    text = ERRORS_PAGE.read_text(encoding="utf-8")
    found = re.finditer(r"`tests/corpus/([a-z0-9-]+)`\)?[.:]?\n\n```console\n(.*?)\n```", text,
                        re.S)
    return {match.group(1): match.group(2) for match in found}


def _shown() -> list[Any]:
    """The cases the page must show: every case that prints a message, except a pending
    one (its message is still to change) unless the page shows it as it is."""
    examples = _page_examples()
    return [pytest.param(case, id=case.name) for case in CASES if case.says_something
            and (not case.expect.get("pending") or case.name in examples)]


@pytest.mark.parametrize("case", _shown())
def test_the_errors_page_shows_the_case(case: Case, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """docs/errors.md shows the command and the message the case prints, exactly."""
    examples = _page_examples()
    assert case.name in examples, f"docs/errors.md does not show tests/corpus/{case.name}"
    run = _run(tmp_path / "case", case.folder, case, monkeypatch, capsys)
    env = " ".join(f"{k}={v}" for k, v in (case.expect.get("env") or {}).items())
    command = f"$ {env + ' ' if env else ''}qnkpi {case.expect['run']}"
    assert examples[case.name] == f"{command}\n{run.err.rstrip()}"


def test_the_errors_page_names_every_case_and_only_cases() -> None:
    text = ERRORS_PAGE.read_text(encoding="utf-8")
    named = set(re.findall(r"`tests/corpus/([a-z0-9-]+)`", text))
    assert named == {case.name for case in CASES}
