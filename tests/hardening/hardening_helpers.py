"""What the hardening tests share: running the real `qnkpi` command in a subprocess,
writing specs as YAML files, and fingerprints of files that must not change."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from qnkpi.testing import tiny_programme

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh" / "programme.yaml"

#: Set by the tests' environment, never inherited from the developer's shell.
QNKPI_VARIABLES = ("QNKPI_DISABLE_PLUGIN_AUTOLOAD", "QNKPI_DISABLE_PLUGINS",
                   "QNKPI_PLUGINS_DIR", "QNKPI_TRACE_PLUGINS", "QNKPI_DEBUG")


def environment(*, autoload: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a `qnkpi` subprocess: installed plugins only if `autoload`."""
    env = {k: v for k, v in os.environ.items() if k not in QNKPI_VARIABLES}
    if not autoload:
        env["QNKPI_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.update(extra)
    return env


def run_qnkpi(*args: str | Path, env: Mapping[str, str] | None = None,
              cwd: Path | None = None, preexec_fn: Callable[[], Any] | None = None,
              timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run `python -m qnkpi ARGS` as a user would, and capture what it prints."""
    return subprocess.run([sys.executable, "-m", "qnkpi", *map(str, args)],
                          capture_output=True, text=True, env=dict(env or environment()),
                          cwd=cwd, preexec_fn=preexec_fn, timeout=timeout)


def assert_clean_failure(done: subprocess.CompletedProcess[str], *expected: str,
                         code: int = 2) -> None:
    """Exit `code`, an error on standard error holding each of `expected`, no traceback."""
    assert done.returncode == code, (done.returncode, done.stdout[-2000:], done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    for part in expected:
        assert part in done.stderr, (part, done.stderr)


def write_spec(folder: Path, spec: Mapping[str, Any], name: str = "spec.yaml") -> Path:
    """Write `spec` as a YAML file in `folder`."""
    path = folder / name
    path.write_text(yaml.safe_dump(dict(spec), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def programme(sources: dict[str, Any], measures: dict[str, Any],
              indicators: dict[str, Any] | None = None) -> dict[str, Any]:
    """The tiny programme (a province `P`, districts `D1`-`D3`, 2023-2030) reading
    `measures` from `sources`; by default one `value` indicator per measure, checked
    every year at the districts."""
    spec = tiny_programme(measures=measures, indicators=indicators or {
        f"{name}_value": {"kind": "value", "measure": name, "direction": "increase",
                          "targets": [{"years": [2023, 2030], "op": ">=", "value": 0,
                                       "level": "district"}]}
        for name in measures})
    spec["sources"] = sources
    return spec


def fingerprint(*paths: Path) -> dict[str, str]:
    """Name -> SHA-256 of every file in `paths` (folders: their files), to compare
    before and after a run."""
    out = {}
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            out[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return out


def install_package(root: Path, module: str) -> Path:
    """The plugin package `qnkpi-flaky` (entry point `flaky`, version 0.3.1, an
    `Issues` URL) whose module is `module`, installed by pip into `root/site`, which
    is returned."""
    package = root / "qnkpi-flaky"
    (package / "src" / "qnkpi_flaky").mkdir(parents=True)
    (package / "pyproject.toml").write_text(textwrap.dedent('''\
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "qnkpi-flaky"
        version = "0.3.1"

        [project.urls]
        Issues = "https://example.org/qnkpi-flaky/issues"

        [project.entry-points.qnkpi]
        flaky = "qnkpi_flaky"

        [tool.hatch.build.targets.wheel]
        packages = ["src/qnkpi_flaky"]
        '''), encoding="utf-8")
    (package / "src" / "qnkpi_flaky" / "__init__.py").write_text(
        textwrap.dedent(module), encoding="utf-8")
    site = root / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--no-build-isolation", "--no-index", "--target", str(site),
                           str(package)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def installed(site: Path) -> dict[str, str]:
    """The environment of a `qnkpi` subprocess that sees the packages of `site`."""
    env = environment(autoload=True)
    env["PYTHONPATH"] = str(site)
    return env


# Runs a command as its own child, waits for it (killing it after a timeout) and writes its
# exit code and peak resident memory (KiB) to a file. A child's peak counts the memory of
# the process it was forked from (Linux carries the forking process's pages into the
# child's high-water mark, kept at exec), so a command started from pytest, hundreds of MB
# by the end of a run, would report pytest's size: it is started from this small one.
_LAUNCHER = """
import os, subprocess, sys, time
report, timeout, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
child = subprocess.Popen(command)
start = time.monotonic()
while True:
    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() - start > timeout:
        child.kill()
        pid, status, usage = os.wait4(child.pid, 0)
        break
    time.sleep(0.02)
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(command: list[str], report: Path, *, timeout: float = 600.0,
                 **popen: Any) -> tuple[int, int]:
    """Run `command` from a small launcher process: its exit code (negative: killed by
    that signal, as after `timeout` seconds) and its peak resident memory in bytes.
    `popen` goes to `subprocess.run` of the launcher (cwd, env, stdout, stderr, ...)."""
    subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), str(timeout), *command],
                   check=True, **popen)
    code, peak = report.read_text().split()
    return int(code), int(peak) * 1024  # ru_maxrss is in KiB on Linux
