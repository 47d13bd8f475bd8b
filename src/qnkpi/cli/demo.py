"""`qnkpi demo`: evaluate the bundled Quảng Ninh example and write its reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("demo", help="evaluate the bundled Quảng Ninh example",
                       description="Evaluate the bundled example (the Quảng Ninh Youth "
                       "Union's 2023-2030 programme, with illustrative data), print its "
                       "table and write every report format into a folder.")
    p.add_argument("-o", "--output", metavar="DIR", default="qnkpi-demo",
                   help="folder for the reports (default: ./qnkpi-demo)")
    p.add_argument("--spec", default="quang-ninh", help="which bundled spec (see 'qnkpi "
                   "plugins')")
    p.add_argument("--lang", choices=("vi", "en"), default="en", help="report language")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.cli._output import write_report
    from qnkpi.engine.evaluate import evaluate
    from qnkpi.errors import QnkpiError, did_you_mean
    from qnkpi.plugin.manager import default_plugins
    from qnkpi.spec.loader import load_spec

    plugins = default_plugins()
    specs = plugins.specs
    if args.spec not in specs:
        raise QnkpiError(f"no bundled spec '{args.spec}'{did_you_mean(args.spec, specs)}; "
                         f"bundled: {', '.join(specs)}")
    path = Path(specs[args.spec].obj)
    spec = load_spec(path, plugins=plugins)
    result = evaluate(spec, plugins=plugins)
    plugins.reporters["table"].write(result, sys.stdout, lang=args.lang)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, reporter in plugins.reporters.items():
        target = out / f"{args.spec}-{name}{reporter.suffix}"
        write_report(result, plugins, name, str(target), args.lang)
        written.append(target)
    print(f"\nSpec: {path}")
    print(f"Reports in {out}: " + ", ".join(p.name for p in written))
    return 0
