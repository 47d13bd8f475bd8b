"""The command-line reference cannot drift from the parser.

Every command of `qnkpi` has a section in docs/cli.md and a row in its command table,
and every option the parser accepts is written in the command's section: an option added
without documentation, or a command documented under a stale name, fails here.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from qnkpi.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:  # argparse has no public accessor for subparsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("qnkpi has no subcommands")


COMMANDS = subcommands()


def section(page: str, name: str) -> str:
    """The text of `## \\`qnkpi NAME\\`` up to the next `## ` heading."""
    match = re.search(rf"^## `qnkpi {re.escape(name)}`\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    assert match, f"docs/cli.md has no section '## `qnkpi {name}`'"
    return match.group(1)


def documented_forms(parser: argparse.ArgumentParser) -> list[str]:
    """Each option string (`--year`, `-o`) and positional (`SPEC`) the parser accepts."""
    forms = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if action.option_strings:
            forms += action.option_strings
        else:
            forms.append(str(action.metavar or action.dest.upper()))
    return forms


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_section_and_a_row(name: str) -> None:
    section(PAGE, name)
    assert f"[`{name}`](#qnkpi-{name})" in PAGE, f"docs/cli.md's table has no row for {name}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_documented_in_its_section(name: str) -> None:
    text = section(PAGE, name)
    missing = [form for form in documented_forms(COMMANDS[name])
               if not re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text)]
    assert not missing, f"`qnkpi {name}`: options not in docs/cli.md: {missing}"


def test_the_top_level_options_are_documented() -> None:
    top = build_parser()
    for action in top._actions:
        for form in action.option_strings:
            assert form in PAGE.split("## ")[0], f"'{form}' is not in docs/cli.md's opening"


def test_every_built_in_format_is_named_in_the_format_option() -> None:
    from qnkpi.testing import plugins_with

    row = next(line for line in section(PAGE, "evaluate").splitlines()
               if line.startswith("| `--format FORMAT`"))
    named = set(re.findall(r"`([a-z-]+)`", row.split(" built in")[0]))
    assert named >= set(plugins_with().reporters), "docs/cli.md: --format misses a format"


def test_an_undocumented_option_is_found() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--brand-new")
    parser.add_argument("SPEC")
    text = "`SPEC` is the spec; `--brand-newer` is something else."
    forms = documented_forms(parser)
    assert forms == ["--brand-new", "SPEC"]
    assert not re.search(r"(?<![\w-])--brand-new(?![\w-])", text)
