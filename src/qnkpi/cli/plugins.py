"""`qnkpi plugins`: what is loaded and what each plugin registers."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("plugins", help="list loaded plugins and what each registers, and "
                       "those that failed")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.plugin.hooks import HOOKS

    labels = {hook.name: hook.label for hook in HOOKS}
    plugins = args.registry.get()
    described = list(plugins.describe())
    failed = list(plugins.describe_failed())
    if args.json:
        listed: list[dict[str, Any]] = [
            {"name": name, "origin": origin,
             "registers": {labels[h]: names for h, names in reg.items()}}
            for name, origin, reg in described]
        listed += [{"name": name, "origin": origin, "registers": {}, "failed": reason}
                   for name, origin, reason in failed]
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return 0
    for name, origin, registered in described:
        print(f"{name}  ({origin})")
        for hook, names in registered.items():
            print(f"    {labels[hook]}: {', '.join(names)}")
    for name, origin, reason in failed:
        print(f"{name}  ({origin})  FAILED, disabled")
        print(f"    {reason}")
    return 0
