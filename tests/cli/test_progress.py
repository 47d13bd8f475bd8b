"""Progress on long work: the engine reports each stage; the command draws a bar only on a
terminal and never with --quiet."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import qnkpi
from qnkpi.cli import main
from qnkpi.cli._progress import progress_bar

SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"


def test_the_engine_reports_every_stage_to_the_end() -> None:
    calls: list[tuple[str, int, int]] = []
    spec = qnkpi.load_spec(SPEC)
    qnkpi.evaluate(spec, progress=lambda *call: calls.append(call))
    stages = [c[0] for c in calls]
    assert stages.index("sources") < stages.index("indicators") < stages.index("assessments")
    ends = {stage: (done, total) for stage, done, total in calls}
    assert ends == {"sources": (2, 2), "indicators": (14, 14), "assessments": (14, 14)}
    done = [d for stage, d, _ in calls if stage == "indicators"]
    assert done == sorted(done) and done[0] == 0  # it moves forward, from the start


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_none_with_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(quiet=True) as progress:
        assert progress is None
    with progress_bar(quiet=False) as progress:
        assert progress is not None
        progress("sources", 0, 2)
        progress("sources", 2, 2)
    assert "reading sources" in terminal.getvalue()


def test_no_bar_when_standard_error_is_not_a_terminal(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SPEC), "--format", "json"]) == 0
    assert capsys.readouterr().err == ""
