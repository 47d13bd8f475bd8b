"""A failing plugin does not take the others down, and every plugin failure is a clear
message naming the plugin and the part: run with the real `qnkpi` command in a
subprocess, with real plugins (files of `QNKPI_PLUGINS_DIR`, and a package installed
with pip into a folder on `PYTHONPATH`).

A plugin that fails to import, whose registration hook raises, or that registers
something invalid is disabled with a warning (`qnkpi: warning: plugin 'NAME' is
disabled: ...`), listed as failed by `qnkpi plugins`, and named in the error of a spec
that needs what it would have provided. Two working plugins that register one name are
still an error. A part that fails at run time (a source's fetch, a kind's compute, an
assessment method, a reporter, an org-unit provider) is an error naming the plugin and
the part, exit code 2, never a traceback."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hardening_helpers import (
    EXAMPLE,
    assert_clean_failure,
    environment,
    install_package,
    installed,
    programme,
    run_qnkpi,
    write_spec,
)

GOOD = '''
import qnkpi


class Plain:
    suffix = ".txt"
    binary = False

    def write(self, result, stream, *, lang="en"):
        stream.write(f"{sum(1 for _ in result.checks())} checks\\n")


@qnkpi.hookimpl
def register_reporters(register):
    register("plain", Plain())
'''

#: A plugin that fails, by hook: what it does, and the reason its warning gives.
FAILING = {
    "register_source_types": ("raise KeyError('no config')",
                              "raised in register_source_types: KeyError: 'no config'"),
    "register_indicator_kinds": ("raise RuntimeError('licence expired')",
                                 "raised in register_indicator_kinds: RuntimeError: "
                                 "licence expired"),
    "register_assessment_methods": ("register('sloppy', object())",
                                    "register_assessment_methods: method 'sloppy' has no "
                                    "assess(inputs) method"),
    "register_reporters": ("register('pdf', object())",
                           "register_reporters: reporter 'pdf' has no write(result, "
                           "stream, lang) method"),
    "register_specs": ("register('missing', '/nowhere/spec.yaml', 'x')",
                       "register_specs: spec 'missing': no file at /nowhere/spec.yaml"),
    "register_org_unit_providers": ("1 / 0", "raised in register_org_unit_providers: "
                                    "ZeroDivisionError: division by zero"),
}


def _plugins(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "plugdir"
    folder.mkdir(exist_ok=True)
    for name, source in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def _with(folder: Path, **extra: str) -> dict[str, str]:
    return environment(QNKPI_PLUGINS_DIR=str(folder), **extra)


@pytest.mark.parametrize("hook", list(FAILING))
def test_a_plugin_failing_in_a_registration_hook_is_disabled(tmp_path: Path,
                                                             hook: str) -> None:
    body, reason = FAILING[hook]
    # it registers a reporter before it fails: that is dropped with it
    half = '''
        class Half:
            suffix = ".txt"
            binary = False

            def write(self, result, stream, *, lang="en"):
                stream.write("half\\n")
        '''
    if hook == "register_reporters":
        failing = f'''
            @qnkpi.hookimpl
            def register_reporters(register):
                register("half", Half())
                {body}
            '''
    else:
        failing = f'''
            @qnkpi.hookimpl
            def {hook}(register):
                {body}


            @qnkpi.hookimpl(tryfirst=True)
            def register_reporters(register):
                register("half", Half())
            '''
    source = "import qnkpi\n" + textwrap.dedent(half) + textwrap.dedent(failing)
    folder = _plugins(tmp_path, good=GOOD, failing=source)
    warning = f"qnkpi: warning: plugin 'plugdir/failing.py' is disabled: {reason}\n"
    listed = run_qnkpi("plugins", env=_with(folder))
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr == warning
    assert f"plugdir/failing.py  ({folder / 'failing.py'})  FAILED, disabled\n    {reason}\n" \
        in listed.stdout
    assert "plugdir/good.py" in listed.stdout and "reporters: plain" in listed.stdout
    assert "half" not in listed.stdout
    as_json = run_qnkpi("plugins", "--json", env=_with(folder))
    entries = {e["name"]: e for e in json.loads(as_json.stdout)}
    assert entries["plugdir/failing.py"] == {"name": "plugdir/failing.py",
                                             "origin": str(folder / "failing.py"),
                                             "registers": {}, "failed": reason}
    assert entries["plugdir/good.py"] == {  # as before plugins could fail: no new key
        "name": "plugdir/good.py", "origin": str(folder / "good.py"),
        "registers": {"reporters": ["plain"]}}
    # the others work: the built-ins and the good plugin's reporter
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "plain", env=_with(folder))
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(" checks\n") and done.stderr == warning


@pytest.mark.parametrize(("source", "reason"), [
    ("import numpyy\n", "failed to load {file}: ModuleNotFoundError: No module named "
     "'numpyy'. Fix it, or set QNKPI_DISABLE_PLUGINS=plugdir/broken.py to skip it"),
    ("def half_written(:\n", "failed to load {file}: SyntaxError:"),
    ('''
     import qnkpi

     @qnkpi.hookimpl
     def register_reporter(register):  # misspelt: the hook is register_reporters
         pass
     ''', "implements a hook qnkpi does not have: unknown hook 'register_reporter'"),
    ('''
     import qnkpi

     @qnkpi.hookimpl
     def register_reporters(reg):  # the argument is 'register'
         pass
     ''', "cannot be registered: Plugin 'plugdir/broken.py' for hook 'register_reporters'"),
], ids=["import-error", "syntax-error", "unknown-hook", "wrong-argument"])
def test_a_plugin_that_cannot_load_is_disabled(tmp_path: Path, source: str,
                                               reason: str) -> None:
    folder = _plugins(tmp_path, good=GOOD, broken=source)
    reason = reason.format(file=folder / "broken.py")
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "plain", env=_with(folder))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"qnkpi: warning: plugin 'plugdir/broken.py' is disabled: "
                                  f"{reason}"), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    listed = run_qnkpi("plugins", env=_with(folder))
    assert "plugdir/broken.py" in listed.stdout and "FAILED, disabled" in listed.stdout


FEED = '''
import nonexistent_driver  # the plugin's dependency is not installed

import qnkpi
'''


def test_a_spec_needing_a_disabled_plugin_names_it(tmp_path: Path) -> None:
    folder = _plugins(tmp_path, feed=FEED)
    spec = write_spec(tmp_path, programme({"live": {"type": "feed", "url": "x"}},
                                          {"m": {"source": "live"}}))
    done = run_qnkpi("evaluate", spec, env=_with(folder))
    assert_clean_failure(done, "unknown type 'feed'",
                         "plugin 'plugdir/feed.py' is disabled (failed to load ",
                         "ModuleNotFoundError: No module named 'nonexistent_driver'",
                         "so what it provides is missing")
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "feed-report", env=_with(folder))
    assert_clean_failure(done, "unknown format 'feed-report'",
                         "plugin 'plugdir/feed.py' is disabled")
    # an error that has nothing to do with something unknown gets no such note
    bad = write_spec(tmp_path, programme({"a": {"type": "csv", "path": "missing.csv",
                                                "unit": "u", "year": "y"}},
                                         {"m": {"source": "a"}}), "bad.yaml")
    done = run_qnkpi("evaluate", bad, env=_with(folder))
    assert done.returncode == 2 and "is disabled (" not in done.stderr
    # nor does an unknown measure, which no plugin provides
    typo = write_spec(tmp_path, programme(
        {"a": {"type": "inline", "data": {"m": {"D1": {2023: 1}}}}}, {"m": {"source": "a"}},
        {"v": {"kind": "value", "measure": "mm", "direction": "increase"}}), "typo.yaml")
    done = run_qnkpi("evaluate", typo, env=_with(folder))
    assert done.returncode == 2 and "unknown measure 'mm'" in done.stderr
    assert "is disabled (" not in done.stderr


def test_two_working_plugins_with_one_name_are_still_an_error(tmp_path: Path) -> None:
    folder = _plugins(tmp_path, good=GOOD, again=GOOD)
    done = run_qnkpi("plugins", env=_with(folder))
    assert_clean_failure(done, "plugin 'plugdir/again.py': registers 'plain' in "
                         "register_reporters, which plugin 'plugdir/good.py' already "
                         "registered; disable one of them")


# --- an installed package ------------------------------------------------------------

def test_an_installed_plugin_that_fails_to_import_is_disabled(tmp_path: Path) -> None:
    env = installed(install_package(tmp_path, FEED))
    done = run_qnkpi("evaluate", EXAMPLE, "-f", "json", "-o", tmp_path / "r.json", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "qnkpi: warning: plugin 'flaky' is disabled: failed to load from qnkpi-flaky 0.3.1 "
        "(qnkpi_flaky): ModuleNotFoundError: No module named 'nonexistent_driver'. Fix or "
        "uninstall it, or set QNKPI_DISABLE_PLUGINS=flaky to skip it\n")
    entries = {e["name"]: e for e in json.loads(run_qnkpi("plugins", "--json",
                                                          env=env).stdout)}
    assert entries["flaky"]["origin"] == "qnkpi-flaky 0.3.1"
    assert entries["flaky"]["failed"].startswith("failed to load from qnkpi-flaky 0.3.1")
    assert "failed" not in entries["sql"]  # the other installed plugins still load
    # disabling it by name silences it
    env["QNKPI_DISABLE_PLUGINS"] = "flaky"
    done = run_qnkpi("plugins", env=env)
    assert done.returncode == 0 and done.stderr == "" and "flaky" not in done.stdout


# --- parts that fail at run time ----------------------------------------------------------

RUNTIME = '''
from typing import ClassVar, Literal

import numpy as np

import qnkpi


class Source(qnkpi.Source):
    type: Literal["flaky_source"]
    tabular: ClassVar[bool] = False

    def fetch(self, request):
        raise TimeoutError("the registry did not answer in 30 s")


class Kind(qnkpi.IndicatorKind):
    kind: Literal["flaky_kind"]
    measure: str

    def inputs(self):
        return [qnkpi.Input(("measure",), "measure", self.measure)]

    def compute(self, ctx):
        return qnkpi.IndicatorPanel(np.log(ctx.rolled(self.measure)) / {}["base"])


class Method:
    def assess(self, inputs):
        raise FloatingPointError("overflow in the trend")


class Provider:
    def provide(self, options):
        raise ConnectionError("the ministry's service is down")


@qnkpi.hookimpl
def register_source_types(register):
    register(Source)


@qnkpi.hookimpl
def register_indicator_kinds(register):
    register(Kind)


@qnkpi.hookimpl
def register_assessment_methods(register):
    register("flaky_method", Method())


@qnkpi.hookimpl
def register_org_unit_providers(register):
    register("flaky_provider", Provider())
'''


def _runtime_spec(tmp_path: Path, part: str) -> Path:
    value = {"kind": "value", "measure": "m", "direction": "increase",
             "targets": [{"year": 2030, "op": ">=", "value": 5, "goal": True}]}
    spec = programme({"data": {"type": "inline", "data": {"m": {"D1": {2023: 1, 2024: 2}}}}},
                     {"m": {"source": "data"}}, {"v": value})
    if part == "source":
        spec["sources"] = {"data": {"type": "flaky_source"}}
    elif part == "kind":
        spec["indicators"]["v"] = {**value, "kind": "flaky_kind"}
    elif part == "method":
        spec["indicators"]["v"]["assessment"] = {"methods": ["flaky_method"]}
    else:
        spec["org_units"] = {"provider": "flaky_provider"}
    return write_spec(tmp_path, spec)


@pytest.mark.parametrize(("part", "message"), [
    ("source", "source 'data' (type 'flaky_source') failed: TimeoutError: the registry did "
     "not answer in 30 s"),
    ("kind", "indicator 'v' (kind 'flaky_kind') failed: KeyError: 'base'"),
    ("method", "assessment method 'flaky_method' failed on indicator 'v': "
     "FloatingPointError: overflow in the trend"),
    ("provider", "org-unit provider 'flaky_provider' failed: ConnectionError: the "
     "ministry's service is down"),
])
def test_a_part_that_fails_at_run_time_names_the_plugin(tmp_path: Path, part: str,
                                                        message: str) -> None:
    folder = _plugins(tmp_path, runtime=RUNTIME)
    out = tmp_path / "report.json"
    done = run_qnkpi("evaluate", _runtime_spec(tmp_path, part), "-f", "json", "-o", out,
                     env=_with(folder))
    assert_clean_failure(done, f"qnkpi: error: plugin 'plugdir/runtime.py': {message}")
    assert not out.exists()
