"""Writing reports when the OS says no, and where reports may go.

A disk that fills while a report is written, with real OS limits rather than mocks: a
file size limit (`RLIMIT_FSIZE`, so the write fails with EFBIG), a tiny tmpfs mounted
in a private mount namespace (ENOSPC), and `/dev/full`. Each is an error naming the
report and the file, exit code 2, no traceback; no partial file and no temporary file
are left, and a report already at the path is unchanged.

Names a plugin gives (a reporter's name and suffix, a bundled spec's name) build the
file names of `qnkpi demo -o DIR`: they cannot lead out of `DIR`.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hardening_helpers import (
    EXAMPLE,
    assert_clean_failure,
    environment,
    fingerprint,
    programme,
    run_qnkpi,
    write_spec,
)

PREVIOUS = b"<!DOCTYPE html><title>last month's report</title>\n"
LIMIT = 48 * 1024  # far less than the example's html (about 140 KB) or xlsx report


def _small_files() -> None:
    """In the child before `exec`: files may grow to `LIMIT` bytes at most, and a write
    past it fails with EFBIG instead of killing the process with SIGXFSZ."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.mark.parametrize(("fmt", "previous"), [
    ("html", True), ("html", False), ("xlsx", True), ("json", True)])
def test_a_file_size_limit_while_writing_is_a_clean_error(tmp_path: Path, fmt: str,
                                                          previous: bool) -> None:
    out = tmp_path / "out"
    out.mkdir()
    report = out / f"report.{fmt}"
    if previous:
        report.write_bytes(PREVIOUS)
    done = run_qnkpi("evaluate", EXAMPLE, "-f", fmt, "-o", report, preexec_fn=_small_files)
    assert_clean_failure(done, f"qnkpi: error: cannot write the {fmt} report to {report}: "
                         "File too large")
    if previous:
        assert "the file that was there is unchanged" in done.stderr
        assert report.read_bytes() == PREVIOUS
        assert [p.name for p in out.iterdir()] == [report.name]
    else:
        assert "no file was left there" in done.stderr
        assert list(out.iterdir()) == []
    # the same command without the limit writes the whole report
    assert run_qnkpi("evaluate", EXAMPLE, "-f", fmt, "-o", report).returncode == 0
    assert report.stat().st_size > LIMIT


def test_a_full_disk_is_a_clean_error(tmp_path: Path) -> None:
    """A tmpfs of 32 KB, mounted over a folder in a mount namespace of the command's own
    (`unshare`), so nothing outside the command sees it and no privilege is needed where
    user namespaces are allowed. Inside, last month's report is written there, then
    `qnkpi evaluate -o` into it, which fills it; then what is left is copied out."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs unshare (util-linux) to mount a tmpfs in a private mount namespace")
    disk, seen = tmp_path / "disk", tmp_path / "seen"
    disk.mkdir()
    seen.mkdir()
    script = textwrap.dedent('''\
        mount -t tmpfs -o size=32k,mode=0755 qnkpi-full "$1" || exit 97
        printf '%s' "$2" > "$1/report.html" || exit 98
        "$3" -m qnkpi evaluate "$4" -f html -o "$1/report.html" 2> "$5/stderr"
        echo $? > "$5/code"
        ls -A "$1" > "$5/listing"
        cp "$1/report.html" "$5/report.html"
        df -k "$1" > "$5/df"
        ''')
    done = subprocess.run(
        [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh",
         str(disk), PREVIOUS.decode(), sys.executable, str(EXAMPLE), str(seen)],
        capture_output=True, text=True, env=environment(), timeout=180)
    if done.returncode != 0 and not (seen / "code").exists():
        pytest.skip("cannot mount a tmpfs in a private mount namespace: needs unprivileged "
                    "user namespaces (kernel.unprivileged_userns_clone, "
                    f"user.max_user_namespaces) or CAP_SYS_ADMIN; unshare said: "
                    f"{done.stderr.strip()} (exit {done.returncode})")
    assert done.returncode == 0, done.stderr
    assert (seen / "code").read_text().strip() == "2"
    stderr = (seen / "stderr").read_text()
    assert "Traceback" not in stderr
    assert stderr == (f"qnkpi: error: cannot write the html report to {disk}/report.html: "
                      "No space left on device (the disk is full); nothing was written, the "
                      "file that was there is unchanged\n")
    assert (seen / "listing").read_text().split() == ["report.html"]  # no temporary file
    assert (seen / "report.html").read_bytes() == PREVIOUS
    assert list(disk.iterdir()) == []  # the tmpfs was the command's own


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full")
def test_writing_to_a_full_device_is_a_clean_error() -> None:
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "json", "-o", "/dev/full")
    assert_clean_failure(done, "cannot write the json report to /dev/full: No space left "
                         "on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # written to, never replaced


# --- where reports go ---------------------------------------------------------------------

def test_dev_stdout_is_written_to_not_replaced(tmp_path: Path) -> None:
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "csv", "-o", "/dev/stdout")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("indicator,title,unit,")
    assert Path("/dev/stdout").is_symlink() or stat.S_ISCHR(os.lstat("/dev/stdout").st_mode)
    # stdout redirected to a file: /dev/stdout leads to a regular file, which gets the report
    target = tmp_path / "redirected.csv"
    with target.open("w") as handle:
        done = subprocess.run([sys.executable, "-m", "qnkpi", "evaluate", str(EXAMPLE), "-f",
                               "csv", "-o", "/dev/stdout"], stdout=handle, stderr=subprocess.PIPE,
                              text=True, env=environment(), timeout=180)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("indicator,title,unit,")
    assert Path("/dev/stdout").is_symlink() or stat.S_ISCHR(os.lstat("/dev/stdout").st_mode)


def test_a_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "archive" / "report.json"
    real.parent.mkdir()
    real.write_bytes(PREVIOUS)
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert run_qnkpi("evaluate", EXAMPLE, "-f", "json", "-o", link).returncode == 0
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8").lstrip().startswith("{")
    assert sorted(p.name for p in real.parent.iterdir()) == ["report.json"]


@pytest.mark.parametrize("where", ["a-folder", "a-long-name", "a-missing-folder"])
def test_an_unusable_output_path_is_a_clean_error(tmp_path: Path, where: str) -> None:
    target = {"a-folder": tmp_path, "a-long-name": tmp_path / ("r" * 300 + ".json"),
              "a-missing-folder": tmp_path / "missing" / "report.json"}[where]
    before = fingerprint(tmp_path)
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "json", "-o", target)
    expected = {"a-folder": "it is a folder; give a file name",
                "a-long-name": "File name too long",
                "a-missing-folder": "does not exist"}[where]
    assert_clean_failure(done, expected)
    assert fingerprint(tmp_path) == before
    assert sorted(tmp_path.iterdir()) == sorted(Path(p) for p in before)


def test_a_long_report_name_still_gets_its_temporary_file(tmp_path: Path) -> None:
    # 250 characters are a legal name; the temporary file beside it must be too
    report = tmp_path / ("r" * 245 + ".json")
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "json", "-o", report)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [report.name]


def test_paths_in_a_spec_only_say_what_to_read(tmp_path: Path) -> None:
    """A spec names files to read, anywhere; the report goes where -o says, and nothing
    else is written."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "data.csv").write_text(
        "unit_code,year,m\nD1,2023,4\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    spec = write_spec(work, programme(
        {"a": {"type": "csv", "path": "../elsewhere/data.csv", "unit": "unit_code",
               "year": "year"}}, {"m": {"source": "a"}}))
    before = fingerprint(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert run_qnkpi("evaluate", spec, "-f", "html", "-o", out / "r.html").returncode == 0
    assert fingerprint(tmp_path) == before | fingerprint(out / "r.html")


# --- file names built from plugins' names -------------------------------------------------

ESCAPING_PLUGIN = '''
import qnkpi
from pathlib import Path


class Report:
    suffix = {suffix!r}
    binary = False

    def write(self, result, stream, *, lang="en"):
        stream.write("escaped\\n")


@qnkpi.hookimpl
def register_reporters(register):
    register({name!r}, Report())


@qnkpi.hookimpl
def register_specs(register):
    register({spec!r}, Path(qnkpi.__file__).parent / "examples" / "quang-ninh" /
             "programme.yaml", "the example, under another name")
'''


@pytest.mark.parametrize(("name", "suffix", "spec", "refused"), [
    ("../../escaped", ".txt", "fine", "name '../../escaped'"),
    ("/tmp/escaped", ".txt", "fine", "name '/tmp/escaped'"),
    (".hidden", ".txt", "fine", "name '.hidden'"),
    ("fine", "/../../escaped.txt", "other", "suffix '/../../escaped.txt' is not a file suffix"),
    ("fine", ".txt/..", "other", "suffix '.txt/..' is not a file suffix"),
    ("fine", ".txt", "../../escaped", "name '../../escaped'"),
    ("fine", ".txt", "a\\b", "name 'a\\\\b'"),
], ids=["reporter-up", "reporter-absolute", "reporter-hidden", "suffix-up", "suffix-dots",
        "spec-up", "spec-backslash"])
def test_plugin_names_cannot_lead_out_of_the_demo_folder(tmp_path: Path, name: str,
                                                         suffix: str, spec: str,
                                                         refused: str) -> None:
    plugins = tmp_path / "plugdir"
    plugins.mkdir()
    (plugins / "escape.py").write_text(textwrap.dedent(ESCAPING_PLUGIN.format(
        name=name, suffix=suffix, spec=spec)), encoding="utf-8")
    env = environment(QNKPI_PLUGINS_DIR=str(plugins))
    # the plugin is disabled, with a warning naming it and the name
    listed = run_qnkpi("plugins", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr.startswith("qnkpi: warning: plugin 'plugdir/escape.py' is disabled: ")
    assert refused in listed.stderr, listed.stderr
    if name != "../../escaped" and spec != "../../escaped":
        return
    # and the demo runs on, writing only into its folder
    work = tmp_path / "work"
    (work / "demo").mkdir(parents=True)
    done = run_qnkpi("demo", "-o", work / "demo", env=env, cwd=work)
    assert done.returncode == 0, done.stderr
    assert refused in done.stderr
    written = sorted(p.name for p in (work / "demo").iterdir())
    assert "quang-ninh-html.html" in written
    assert all(n.startswith("quang-ninh-") for n in written)
    assert sorted(p.name for p in work.iterdir()) == ["demo"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plugdir", "work"]
    assert not Path("/tmp/escaped").exists() and not Path("/tmp/escaped.txt").exists()


@pytest.mark.parametrize(("spec", "fmt", "suffix", "message"), [
    ("quang-ninh", "../up", ".txt", "reporter name '../up' cannot be part of a file name"),
    ("../up", "json", ".json", "bundled spec name '../up' cannot be part of a file name"),
    ("quang-ninh", "json", "/../../x", "reporter 'json': suffix '/../../x' cannot end a "
     "file name"),
    ("quang-ninh", "json", 7, "reporter 'json': suffix 7 cannot end a file name"),
])
def test_demo_checks_the_names_again(spec: str, fmt: str, suffix: object,
                                     message: str) -> None:
    """Names are checked when registered; `qnkpi demo` checks what it builds again, for
    a registry changed after it was made (its registrations are a public dict)."""
    from qnkpi.cli.demo import _file_name
    from qnkpi.errors import PluginError
    from qnkpi.plugin.manager import Registration
    from qnkpi.testing import plugins_with

    plugins = plugins_with()
    assert _file_name(plugins, "quang-ninh", "json", ".json") == "quang-ninh-json.json"
    for hook, name in (("register_reporters", fmt), ("register_specs", spec)):
        plugins.registrations[hook].setdefault(name, Registration(hook, name, None, "odd"))
    with pytest.raises(PluginError, match=re.escape(message)):
        _file_name(plugins, spec, fmt, suffix)
