"""`qnkpi validate SPEC`: check the spec and its data, report every problem."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("validate", help="check a spec and its data without reporting results",
                       description="Load SPEC, check every key and reference, read every "
                       "source, judge every data validation rule and resolve every target. "
                       "Prints every problem found; exits 2 if there is one (broken rules of "
                       "severity warning are printed and do not change the exit code).")
    p.add_argument("spec", metavar="SPEC", help="the programme spec (YAML)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.cli.evaluate import rule_warnings
    from qnkpi.engine.evaluate import evaluate
    from qnkpi.spec.loader import load_spec

    plugins = args.registry.get()
    spec = load_spec(args.spec, plugins=plugins)
    for warning in spec.warnings:
        print(warning, file=sys.stderr)
    with rule_warnings():
        result = evaluate(spec, plugins=plugins)
    for note in result.warnings:
        print(f"qnkpi: warning: {note}", file=sys.stderr)
    s = result.summary()
    units = len({unit.code for unit in spec.org_units.units})  # a code may have several records
    print(f"{args.spec}: valid. {len(spec.indicators)} indicators, {len(spec.measures)} "
          f"measures, {len(spec.sources)} sources, {units} units; "
          f"{s['checks']} checks through {result.as_of}.")
    return 0
