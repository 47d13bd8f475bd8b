"""Files that are not files: a spec, org-units file or data file that is a named pipe, a
device, a socket or a folder is refused at once with its own message (exit 2), never
opened, never waited on; run as a real `qnkpi` process with a timeout, so a hang fails."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hardening_helpers import assert_clean_failure, programme, run_qnkpi, write_spec

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

#: A hang shows as a timeout: a refused pipe takes well under this.
TIMEOUT = 60

PIPE = "this is a named pipe (FIFO), not a regular file"
DEVICE = "this is a device, not a regular file"


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return run_qnkpi(*args, cwd=cwd, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"qnkpi {' '.join(map(str, args))} hung on a file that is not a file")


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    yield path


def _spec(folder: Path, source: dict[str, object], org_units: object = None) -> Path:
    spec = programme({"d": source}, {"x": {"source": "d"}})
    if org_units is not None:
        spec["org_units"] = org_units
    return write_spec(folder, spec)


def test_a_spec_that_is_a_pipe_is_refused_not_waited_on(tmp_path: Path, fifo: Path) -> None:
    done = _run("validate", fifo, cwd=tmp_path)
    assert_clean_failure(done, f"{fifo}: {PIPE}", "give the path of a .yaml file")


def test_an_org_units_file_that_is_a_pipe_is_refused(tmp_path: Path, fifo: Path) -> None:
    spec = _spec(tmp_path, {"type": "inline", "data": {"x": {"P": {2023: 1}}}},
                 org_units=fifo.name)
    done = _run("validate", spec, cwd=tmp_path)
    assert_clean_failure(done, "spec.yaml:", f"pipe.yaml: {PIPE}")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "sqlite"])
def test_a_data_file_that_is_a_pipe_is_refused(tmp_path: Path, fifo: Path, kind: str) -> None:
    source: dict[str, object] = {"type": kind, "path": fifo.name, "unit": "unit",
                                 "year": "year"}
    if kind == "sqlite":
        source["table"] = "t"
    done = _run("evaluate", _spec(tmp_path, source), cwd=tmp_path)
    assert_clean_failure(done, "source 'd'", f"pipe.yaml: {PIPE}")
    assert "not found" not in done.stderr


@pytest.mark.parametrize("kind", ["csv", "sqlite"])
def test_a_data_file_that_is_a_device_is_refused(tmp_path: Path, kind: str) -> None:
    source: dict[str, object] = {"type": kind, "path": "/dev/zero", "unit": "unit",
                                 "year": "year"}
    if kind == "sqlite":
        source["table"] = "t"
    done = _run("evaluate", _spec(tmp_path, source), cwd=tmp_path)
    assert_clean_failure(done, f"/dev/zero: {DEVICE}")


def test_a_spec_that_is_a_device_is_refused(tmp_path: Path) -> None:
    assert_clean_failure(_run("validate", "/dev/zero", cwd=tmp_path), f"/dev/zero: {DEVICE}")


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        done = _run("validate", path.name, cwd=tmp_path)
    assert_clean_failure(done, "s.yaml: this is a socket, not a regular file")


@pytest.mark.parametrize("kind", ["spec", "org_units", "csv", "sqlite"])
def test_a_folder_is_a_folder_not_a_missing_file(tmp_path: Path, kind: str) -> None:
    (tmp_path / "folder").mkdir()
    source: dict[str, object] = {"type": "inline", "data": {"x": {"P": {2023: 1}}}}
    if kind in ("csv", "sqlite"):
        source = {"type": kind, "path": "folder", "unit": "unit", "year": "year"}
        if kind == "sqlite":
            source["table"] = "t"
    spec = _spec(tmp_path, source, org_units="folder" if kind == "org_units" else None)
    done = _run("evaluate", "folder" if kind == "spec" else spec, cwd=tmp_path)
    assert_clean_failure(done, "folder: this is a folder; give the path of")
    assert "not found" not in done.stderr and "no such file" not in done.stderr


@pytest.mark.parametrize("kind", ["spec", "org_units", "sqlite"])
def test_a_missing_file_is_still_not_found(tmp_path: Path, kind: str) -> None:
    source: dict[str, object] = {"type": "inline", "data": {"x": {"P": {2023: 1}}}}
    if kind == "sqlite":
        source = {"type": "sqlite", "path": "nope", "table": "t", "unit": "unit",
                  "year": "year"}
    spec = _spec(tmp_path, source, org_units="nope" if kind == "org_units" else None)
    done = _run("evaluate", "nope" if kind == "spec" else spec, cwd=tmp_path)
    assert_clean_failure(done, "nope: ")
    assert "not found" in done.stderr or "no such file" in done.stderr
