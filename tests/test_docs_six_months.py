"""The six-month review pages (docs/six-month-review.md and its Vietnamese copy) show what
the commands and the Python example print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from qnkpi.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["docs/six-month-review.md", "docs/vi/so-ket-6-thang.md"]


def _sessions(page: str) -> list[tuple[list[str], list[str]]]:
    """Each console block that shows output: the command's arguments and the lines shown."""
    text = (ROOT / page).read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        command, *shown = block.rstrip("\n").split("\n")
        if shown:
            args = command.removeprefix("$ COLUMNS=100 qnkpi ").split()
            found.append((args, [line.rstrip() for line in shown]))
    return found


@pytest.mark.parametrize("page", PAGES)
def test_every_line_shown_is_printed_in_that_order(page: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    sessions = _sessions(page)
    assert sessions, f"{page} shows no output"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    for args, shown in sessions:
        assert main(args) == 0
        printed = [line.rstrip() for line in capsys.readouterr().out.split("\n")]
        assert len(shown) >= 8
        at = 0
        for line in shown:  # a subsequence: the page leaves lines out, never changes one
            assert line in printed[at:], f"{page}: not printed (in this order): {line!r}"
            at = printed.index(line, at) + 1


def test_the_python_example_prints_what_its_comments_say(monkeypatch: pytest.MonkeyPatch,
                                                         ) -> None:
    text = (ROOT / PAGES[0]).read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    said = re.findall(r"# (.+)$", code.group(1), re.M)
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), PAGES[0], "exec"), {})  # the page's own example
    assert out.getvalue().split("\n")[:-1] == said
