"""``qnkpi evaluate SPEC``: evaluate and report."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("evaluate", help="evaluate a spec and report the verdicts",
                       description="Evaluate every indicator of SPEC at every unit and year "
                       "and write a report (a table on the terminal by default).")
    p.add_argument("spec", metavar="SPEC", help="the programme spec (YAML)")
    p.add_argument("--year", type=int, help="check only this year (default: every year "
                   "from the programme's start to the latest year with data)")
    p.add_argument("--unit", action="append", metavar="CODE",
                   help="check only this unit (repeat for more)")
    p.add_argument("--format", "-f", default="table", metavar="FORMAT",
                   help="report format: table (default), json, or one a plugin adds")
    p.add_argument("-o", "--output", metavar="PATH", help="write the report here "
                   "(default: standard output)")
    p.add_argument("--lang", choices=("vi", "en"), default="en", help="report language")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.cli._output import reporter_for, write_report
    from qnkpi.engine.evaluate import evaluate
    from qnkpi.plugin.manager import default_plugins
    from qnkpi.spec.loader import load_spec

    plugins = default_plugins()
    reporter_for(plugins, args.format)  # fail on a bad format before the work
    spec = load_spec(args.spec, plugins=plugins)
    for warning in spec.warnings:
        print(warning, file=sys.stderr)
    result = evaluate(spec, year=args.year, units=args.unit, plugins=plugins)
    write_report(result, plugins, args.format, args.output, args.lang)
    return 0
