"""SECURITY.md states limits and behaviours: they must be the code's."""

from __future__ import annotations

import re

from hardening_helpers import ROOT

from qnkpi.cli import ENV_DEBUG, EXIT_BAD_INPUT, EXIT_BUG
from qnkpi.plugin.manager import ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR
from qnkpi.sources import _files
from qnkpi.spec import _yaml, loader

POLICY = " ".join((ROOT / "SECURITY.md").read_text(encoding="utf-8").split())


def test_reports_go_to_private_vulnerability_reporting() -> None:
    assert "https://github.com/qnkpi/qnkpi/security/advisories/new" in POLICY
    assert "**Security** tab" in POLICY and "**Report a vulnerability**" in POLICY
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", POLICY), "no e-mail address"


def test_the_limits_stated_are_the_codes() -> None:
    assert f"at most {_yaml.MAX_NODES:,} values in all" in POLICY
    assert f"{_yaml.MAX_DEPTH} levels of nesting" in POLICY
    assert f"read up to {loader.MAX_SPEC_BYTES // 1_000_000} MB" in POLICY
    assert f"(`{_files.ENV}`)" in POLICY


def test_the_names_and_codes_stated_are_the_codes() -> None:
    for name in (ENV_AUTOLOAD, ENV_DISABLE, ENV_PLUGINS_DIR, ENV_DEBUG):
        assert f"`{name}" in POLICY, name
    assert f"(exit code {EXIT_BAD_INPUT})" in POLICY
    assert f"(exit code {EXIT_BUG})" in POLICY
