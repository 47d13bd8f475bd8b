"""The installed plugin, found through its entry point: by ``qnkpi`` run as a separate
process, exactly as a user runs it. (The test command installs it with
``pip install -e plugins/qnkpi-example``.)"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points, version
from pathlib import Path

import qnkpi

from qnkpi_example import ChecksMarkdown

EXAMPLE = Path(__file__).resolve().parent.parent / "example"
SPEC = EXAMPLE / "programme.yaml"


# --8<-- [start:installed]
def qnkpi_run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``qnkpi ARGS`` in a fresh process, with no QNKPI_* setting but ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QNKPI_")}
    return subprocess.run([sys.executable, "-m", "qnkpi", *args], capture_output=True,
                          text=True, encoding="utf-8", env={**clean, **env}, timeout=120)


def test_the_entry_point_is_declared() -> None:
    (point,) = [p for p in entry_points(group="qnkpi") if p.name == "example"]
    assert point.value == "qnkpi_example"
    assert point.dist is not None and point.dist.name == "qnkpi-example"


def test_qnkpi_plugins_lists_it_with_what_it_registers() -> None:
    run = qnkpi_run("plugins", "--json")
    assert run.returncode == 0, run.stderr
    (listed,) = [p for p in json.loads(run.stdout) if p["name"] == "example"]
    assert listed == {"name": "example", "origin": f"qnkpi-example {version('qnkpi-example')}",
                      "registers": {"source types": ["jsonl"],
                                    "indicator kinds": ["change", "reporting_rate"],
                                    "assessment methods": ["recent_trend"],
                                    "reporters": ["checks-md"]}}
# --8<-- [end:installed]


def test_the_default_registry_names_it_as_the_owner() -> None:
    registrations = qnkpi.get_plugins().registrations
    owners = {registrations[hook][name].plugin for hook, name in (
        ("register_source_types", "jsonl"), ("register_indicator_kinds", "reporting_rate"),
        ("register_indicator_kinds", "change"), ("register_assessment_methods", "recent_trend"),
        ("register_reporters", "checks-md"))}
    assert owners == {"example"}


def test_qnkpi_evaluate_writes_the_report(result: qnkpi.Result, tmp_path: Path) -> None:
    expected = io.StringIO()
    ChecksMarkdown().write(result, expected)
    run = qnkpi_run("evaluate", str(SPEC), "--format", "checks-md")
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == expected.getvalue()
    # the tutorial shows example/report.md as the command's output: it must be
    assert (EXAMPLE / "report.md").read_text(encoding="utf-8") == run.stdout
    out = tmp_path / "report.md"
    run = qnkpi_run("evaluate", str(SPEC), "--format", "checks-md", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8") == expected.getvalue()


def test_fail_on_sees_the_methods_statuses() -> None:
    run = qnkpi_run("evaluate", str(SPEC), "--fail-on", "overdue")
    assert run.returncode == 1  # four districts missed 2026's level
    assert "overdue" in run.stderr
    assert qnkpi_run("evaluate", str(SPEC), "--fail-on", "no_data").returncode == 0


def test_without_the_plugin_the_spec_is_refused_where_it_needs_it() -> None:
    run = qnkpi_run("validate", str(SPEC), QNKPI_DISABLE_PLUGINS="example")
    assert run.returncode == 2
    for needed in ("unknown type 'jsonl'", "unknown kind 'reporting_rate'",
                   "unknown kind 'change'"):
        assert f"{SPEC}:" in run.stderr and needed in run.stderr
    assert "Traceback" not in run.stderr


def test_the_schema_has_the_plugins_keys() -> None:
    run = qnkpi_run("schema")
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert '"jsonl"' in text and '"reporting_rate"' in text and '"change"' in text
