"""The command line's last line of defence: an exception nobody expected (a bug) prints
no raw traceback to the official running qnkpi, but a few lines that say whose bug it is
(qnkpi's, or a plugin's when the failing code is the plugin's), where to report it, and
how to see the traceback (`QNKPI_DEBUG=1`); the exit code is 70, not 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hardening_helpers import (
    environment,
    install_package,
    installed,
    programme,
    run_qnkpi,
    write_spec,
)

from qnkpi.cli import EXIT_BUG

#: A source type whose check of its keys has a bug: it raises a TypeError, which
#: pydantic does not turn into a validation error (only ValueError and AssertionError).
BUGGY_SOURCE = '''
from typing import ClassVar, Literal

from pydantic import model_validator

import qnkpi


class Buggy(qnkpi.Source):
    type: Literal["buggy"]
    tabular: ClassVar[bool] = False
    retries: int = 3

    @model_validator(mode="after")
    def _check(self):
        return self.retries + "s"

    def fetch(self, request):
        return {}


@qnkpi.hookimpl
def register_source_types(register):
    register(Buggy)
'''


def _buggy_spec(tmp_path: Path) -> Path:
    return write_spec(tmp_path, programme({"data": {"type": "buggy"}},
                                          {"m": {"source": "data"}}))


def _plugin_file(tmp_path: Path, name: str, source: str) -> Path:
    folder = tmp_path / "plugdir"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def test_a_bug_in_a_plugin_names_the_plugin_and_shows_no_traceback(tmp_path: Path) -> None:
    folder = _plugin_file(tmp_path, "buggy.py", BUGGY_SOURCE)
    done = run_qnkpi("evaluate", _buggy_spec(tmp_path),
                     env=environment(QNKPI_PLUGINS_DIR=str(folder)))
    assert done.returncode == EXIT_BUG == 70
    assert done.stdout == ""
    assert done.stderr == (
        "qnkpi: internal error: TypeError: unsupported operand type(s) for +: 'int' and "
        "'str'\n"
        f"This is a bug in plugin 'plugdir/buggy.py' ({folder / 'buggy.py'}), not in your "
        "spec or data. Report it to the plugin's authors, or set "
        "QNKPI_DISABLE_PLUGINS=plugdir/buggy.py to run without it.\n"
        "To see the traceback (and include it in the report), run the command again with "
        "QNKPI_DEBUG=1.\n")


def test_qnkpi_debug_shows_the_traceback(tmp_path: Path) -> None:
    folder = _plugin_file(tmp_path, "buggy.py", BUGGY_SOURCE)
    done = run_qnkpi("evaluate", _buggy_spec(tmp_path),
                     env=environment(QNKPI_PLUGINS_DIR=str(folder), QNKPI_DEBUG="1"))
    assert done.returncode == 70
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert f'File "{folder / "buggy.py"}", line 16, in _check' in done.stderr
    assert "This is a bug in plugin 'plugdir/buggy.py'" in done.stderr
    assert "QNKPI_DEBUG=1." not in done.stderr  # it is set already
    # QNKPI_DEBUG also shows where an ordinary error came from, and keeps its exit code
    missing = write_spec(tmp_path, programme({"a": {"type": "csv", "path": "nowhere.csv",
                                                    "unit": "u", "year": "y"}},
                                             {"m": {"source": "a"}}), "missing.yaml")
    done = run_qnkpi("evaluate", missing, env=environment(QNKPI_DEBUG="1"))
    assert done.returncode == 2
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert done.stderr.splitlines()[-1].startswith("qnkpi: error: source 'a': ")


def test_a_bug_in_an_installed_plugin_says_where_to_report_it(tmp_path: Path) -> None:
    site = install_package(tmp_path, BUGGY_SOURCE)
    done = run_qnkpi("evaluate", _buggy_spec(tmp_path), env=installed(site))
    assert done.returncode == 70, done.stderr
    assert ("This is a bug in plugin 'flaky' (qnkpi-flaky 0.3.1), not in your spec or data. "
            "Report it to the plugin's authors at https://example.org/qnkpi-flaky/issues, or "
            "set QNKPI_DISABLE_PLUGINS=flaky to run without it.") in done.stderr
    assert "Traceback" not in done.stderr


#: A kind whose `inputs()` returns something that is not an input: the spec checks
#: check what a kind says, so this is the plugin's error, named, not a crash.
ODD_KIND = '''
from typing import Literal

import qnkpi


class Odd(qnkpi.IndicatorKind):
    kind: Literal["odd"]

    def inputs(self):
        return [None]

    def compute(self, ctx):
        raise AssertionError("never reached")


@qnkpi.hookimpl
def register_indicator_kinds(register):
    register(Odd)
'''

#: A stand-in for a bug in qnkpi itself: a plugin that breaks one of qnkpi's own
#: functions, so the exception is raised in qnkpi's code and the blame falls on qnkpi,
#: with the plugins loaded named as suspects.
BREAKS_QNKPI = '''
import qnkpi.spec.checks

qnkpi.spec.checks._deps = None
'''


def _odd_spec(tmp_path: Path, kind: str = "odd") -> Path:
    return write_spec(tmp_path, programme(
        {"data": {"type": "inline", "data": {"m": {"D1": {2023: 1}}}}},
        {"m": {"source": "data"}}, {"x": {"kind": kind, "direction": "increase",
                                          **({} if kind == "odd" else {"measure": "m"})}}))


def test_a_kind_that_says_it_reads_nonsense_is_named(tmp_path: Path) -> None:
    folder = _plugin_file(tmp_path, "odd.py", ODD_KIND)
    done = run_qnkpi("evaluate", _odd_spec(tmp_path),
                     env=environment(QNKPI_PLUGINS_DIR=str(folder)))
    assert done.returncode == 2, done.stderr
    assert ("plugin 'plugdir/odd.py': kind 'odd', indicator 'x': inputs() returned None, "
            "not an Input(key, 'measure' or 'indicator', name)") in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bug_in_qnkpi_says_where_to_report_it(tmp_path: Path) -> None:
    from qnkpi import __version__

    folder = _plugin_file(tmp_path, "breaks.py", BREAKS_QNKPI)
    done = run_qnkpi("evaluate", _odd_spec(tmp_path, "value"),
                     env=environment(QNKPI_PLUGINS_DIR=str(folder)))
    assert done.returncode == 70, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("qnkpi: internal error: TypeError: ")
    assert lines[1] == (f"This is a bug in qnkpi {__version__}, not in your spec or data. "
                        "Please report it at https://github.com/qnkpi/qnkpi/issues, with the "
                        "command you ran.")
    assert lines[2] == ("Plugins were loaded (plugdir/breaks.py): if the error goes away with "
                        "QNKPI_DISABLE_PLUGINS=NAME, report it to that plugin's authors "
                        "instead.")
    assert lines[3].endswith("run the command again with QNKPI_DEBUG=1.")
    assert "Traceback" not in done.stderr


def test_the_exit_codes_are_in_the_help() -> None:
    done = run_qnkpi("--help")
    assert done.returncode == 0
    assert "70 a bug in qnkpi or a plugin" in " ".join(done.stdout.split())
