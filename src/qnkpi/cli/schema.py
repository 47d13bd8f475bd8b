"""`qnkpi schema`: the JSON Schema of the spec format, for editors."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the spec format",
                       description="Print the JSON Schema of spec files, generated from the "
                       "models with the source types and indicator kinds of every loaded "
                       "plugin.")
    p.add_argument("--org-units", action="store_true",
                   help="the schema of an org-units file instead")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.spec.schema import org_units_schema, spec_schema

    schema = (org_units_schema() if args.org_units
              else spec_schema(args.registry.get()))
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0
