"""The `qnkpi` command: one module per subcommand, argparse for a fast start."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from qnkpi.cli import (
    demo,
    evaluate,
    new_plugin,
    org_units,
    plugins,
    schema,
    template,
    validate,
)

__all__ = ["main"]

COMMANDS = (evaluate, validate, template, plugins, schema, org_units, demo, new_plugin)

EXIT_OK, EXIT_FAIL_ON, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qnkpi",
        description="Evaluate a programme's targets, declared in YAML, against its data.",
        epilog="Exit codes: 0 done; 1 a status named by --fail-on was found; 2 bad input "
        "(spec, data or arguments).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    from qnkpi.errors import QnkpiError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad arguments, 0 on --help
        return int(exc.code or 0)
    if args.version:
        from qnkpi import __version__

        print(f"qnkpi {__version__}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.run(args))
    except QnkpiError as exc:
        print(f"qnkpi: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("qnkpi: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:  # pragma: no cover - the console script
    sys.exit(main())
