"""Faults while reading and writing, with real files and a real OS: a source that fails
halfway (an SQLite file cut short or overwritten, a CSV file that cannot be decoded or
read, a plugin's source that raises after reading some rows), and a reporter that fails
halfway through a report. Each is a clear error and exit code 2, no traceback; no report
is written, and a report already at the `-o` path is left as it was, with no temporary
file beside it."""

from __future__ import annotations

import os
import sqlite3
import textwrap
from pathlib import Path

import pytest
from hardening_helpers import (
    assert_clean_failure,
    environment,
    fingerprint,
    programme,
    run_qnkpi,
    write_spec,
)

PREVIOUS = "<!DOCTYPE html><title>last month's report</title>\n"


def _folder_with_report(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder holding last month's report."""
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.html"
    report.write_text(PREVIOUS, encoding="utf-8")
    return out, report


def _assert_untouched(out: Path, report: Path) -> None:
    assert report.read_text(encoding="utf-8") == PREVIOUS
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]  # no temporary file


# --- SQLite ----------------------------------------------------------------------------

def _sqlite(path: Path, rows: int = 3000) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE t (unit_code TEXT, year INTEGER, m REAL, note TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)",
                         [(f"D{i % 3 + 1}", 2023 + i % 8, float(i), "x" * 200)
                          for i in range(rows)])
        conn.commit()
    finally:
        conn.close()
    return path


def _sqlite_spec(tmp_path: Path) -> Path:
    return write_spec(tmp_path, programme(
        {"db": {"type": "sqlite", "path": "data.db", "table": "t", "unit": "unit_code",
                "year": "year"}},
        {"m": {"source": "db", "aggregate": "sum"}}))


@pytest.mark.parametrize("damage", ["truncated", "overwritten-middle", "overwritten-header"])
def test_a_damaged_sqlite_file_is_an_error_and_writes_no_report(tmp_path: Path,
                                                                damage: str) -> None:
    db = _sqlite(tmp_path / "data.db")
    spec = _sqlite_spec(tmp_path)
    out, report = _folder_with_report(tmp_path)
    assert run_qnkpi("evaluate", spec, "-f", "json").returncode == 0  # sound at first
    data = bytearray(db.read_bytes())
    assert len(data) > 100_000
    if damage == "truncated":  # a copy cut short: the table's later pages are missing
        db.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "overwritten-middle":  # pages of the table's tree turned to noise
        data[len(data) // 3: len(data) // 3 + 20_000] = os.urandom(20_000)
        db.write_bytes(bytes(data))
    else:
        data[:100] = b"not a database" * 7 + b"xx"
        db.write_bytes(bytes(data))
    done = run_qnkpi("evaluate", spec, "-f", "html", "-o", report)
    assert_clean_failure(done, "source 'db'", "data.db", "SQLite:")
    _assert_untouched(out, report)


# --- CSV -------------------------------------------------------------------------------

def _csv_spec(tmp_path: Path, path: str = "data.csv") -> Path:
    return write_spec(tmp_path, programme(
        {"reports": {"type": "csv", "path": path, "unit": "unit_code", "year": "year"}},
        {"m": {"source": "reports", "aggregate": "sum"}}))


def _rows(n: int) -> bytes:
    return ("unit_code,year,m\n" + "".join(f"D{i % 3 + 1},{2023 + i % 8},{i}\n"
                                           for i in range(n))).encode()


@pytest.mark.parametrize("fault", [
    "not-utf8-at-the-end", "a-folder", "a-dangling-link", "cut-inside-a-quote",
])
def test_an_unreadable_csv_file_is_an_error_and_writes_no_report(tmp_path: Path,
                                                                 fault: str) -> None:
    csv = tmp_path / "data.csv"
    spec = _csv_spec(tmp_path)
    out, report = _folder_with_report(tmp_path)
    expected = ["source 'reports'", "data.csv"]
    if fault == "not-utf8-at-the-end":  # Latin-1 text after 5,000 good rows
        csv.write_bytes(_rows(5000) + "D1,2024,café\n".encode("latin-1"))
        expected.append("UTF-8")
    elif fault == "a-folder":
        csv.mkdir()
    elif fault == "a-dangling-link":  # the share it pointed to is gone
        csv.symlink_to(tmp_path / "unmounted-share" / "data.csv")
    else:  # the copy stopped inside a quoted cell
        csv.write_bytes(_rows(100) + b'D1,2024,"12')
    done = run_qnkpi("evaluate", spec, "-f", "html", "-o", report)
    assert_clean_failure(done, *expected)
    _assert_untouched(out, report)


# --- a plugin's source that fails after reading some rows ---------------------------------

STREAMING_SOURCE = '''
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np

import qnkpi
from qnkpi.errors import DataError


class Streaming(qnkpi.Source):
    """Reads `path` line by line, as from a network; the connection drops at line
    `drop_at` (with `data_error`, it reports bad data there instead)."""

    type: Literal["streaming"]
    path: qnkpi.RelPath
    drop_at: int
    data_error: bool = False
    tabular: ClassVar[bool] = False

    def fetch(self, request):
        panels = {m.name: np.full(request.shape, np.nan) for m in request.measures}
        with Path(self.path).open(encoding="utf-8") as lines:
            next(lines)
            for number, line in enumerate(lines, start=2):
                if number == self.drop_at:
                    if self.data_error:
                        raise DataError("the service sent a truncated record",
                                        file=self.path, row=number, source=request.source)
                    raise ConnectionResetError(f"connection reset after {number - 1} rows")
                code, year, value = line.strip().split(",")
                row, col = request.units[code], int(year) - int(request.years[0])
                for panel in panels.values():
                    panel[row, col] = float(value)
        return panels


@qnkpi.hookimpl
def register_source_types(register):
    register(Streaming)
'''


@pytest.mark.parametrize("data_error", [False, True], ids=["raises", "data-error"])
def test_a_plugin_source_that_fails_halfway_writes_no_report(tmp_path: Path,
                                                             data_error: bool) -> None:
    plugins = tmp_path / "plugdir"
    plugins.mkdir()
    (plugins / "streaming.py").write_text(textwrap.dedent(STREAMING_SOURCE), encoding="utf-8")
    (tmp_path / "data.csv").write_bytes(_rows(30).replace(b"unit_code", b"code"))
    spec = write_spec(tmp_path, programme(
        {"feed": {"type": "streaming", "path": "data.csv", "drop_at": 20,
                  "data_error": data_error}}, {"m": {"source": "feed"}}))
    out, report = _folder_with_report(tmp_path)
    before = fingerprint(tmp_path / "data.csv")
    done = run_qnkpi("evaluate", spec, "-f", "html", "-o", report,
                     env=environment(QNKPI_PLUGINS_DIR=str(plugins)))
    if data_error:
        assert_clean_failure(done, "source 'feed': ", "data.csv, row 20: the service sent a "
                             "truncated record")
    else:
        assert_clean_failure(done, "plugin 'plugdir/streaming.py': source 'feed' (type "
                             "'streaming') failed: ConnectionResetError: connection reset "
                             "after 19 rows")
    _assert_untouched(out, report)
    assert fingerprint(tmp_path / "data.csv") == before


# --- a reporter that fails halfway --------------------------------------------------------

HALFWAY_REPORTER = '''
import qnkpi


class Halfway:
    suffix = ".html"
    binary = {binary}

    def write(self, result, stream, *, lang="en"):
        chunk = {chunk!r}
        for _ in range(2000):  # well past any buffer: some of it reaches the disk
            stream.write(chunk)
        raise RuntimeError("template missing for indicator 'x'")


@qnkpi.hookimpl
def register_reporters(register):
    register("halfway", Halfway())
'''


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_a_plugin_reporter_that_fails_halfway_leaves_the_old_report(tmp_path: Path,
                                                                    binary: bool) -> None:
    plugins = tmp_path / "plugdir"
    plugins.mkdir()
    chunk = b"<p>partial</p>\n" * 10 if binary else "<p>partial</p>\n" * 10
    (plugins / "halfway.py").write_text(
        textwrap.dedent(HALFWAY_REPORTER.format(binary=binary, chunk=chunk)), encoding="utf-8")
    out, report = _folder_with_report(tmp_path)
    from hardening_helpers import EXAMPLE

    done = run_qnkpi("evaluate", EXAMPLE, "-f", "halfway", "-o", report,
                     env=environment(QNKPI_PLUGINS_DIR=str(plugins)))
    assert_clean_failure(done, "plugin 'plugdir/halfway.py': reporter 'halfway' failed "
                         f"writing to {report}: RuntimeError: template missing for "
                         "indicator 'x'")
    _assert_untouched(out, report)
    # and without a report before it, no file is left at all
    report.unlink()
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "halfway", "-o", report,
                     env=environment(QNKPI_PLUGINS_DIR=str(plugins)))
    assert done.returncode == 2
    assert list(out.iterdir()) == []
