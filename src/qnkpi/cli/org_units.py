"""`qnkpi org-units`: an organisation's tree from a provider plugin, as YAML to keep."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "org-units", help="write the org-units tree a provider plugin gives, as YAML",
        description="Ask an org-unit provider (a plugin, such as qnkpi-vn-units) for a tree "
        "and write it as an org-units file, checked as a spec's would be. Without a "
        "provider, list the installed ones.")
    p.add_argument("provider", nargs="?", help="the provider's name (see 'qnkpi plugins')")
    p.add_argument("options", nargs="*", metavar="KEY=VALUE",
                   help="the provider's options, e.g. province=22")
    p.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    p.set_defaults(run=run)


def parse_options(items: list[str]) -> dict[str, Any]:
    """`KEY=VALUE` items as a mapping; values are read as YAML scalars (`true`, `3`),
    so `province=22` is the number 22 and `province='"22"'` the text."""
    import yaml

    from qnkpi.errors import QnkpiError

    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise QnkpiError(f"option {item!r}: write options as KEY=VALUE")
        try:
            out[key] = yaml.safe_load(value) if value else ""
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or type(exc).__name__
            raise QnkpiError(f"option {item!r}: the value is not valid YAML ({problem}); "
                             f"write a text in quotes, as {key}='\"...\"'") from None
    return out


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    import yaml

    from qnkpi.cli._output import write_text
    from qnkpi.errors import SpecError
    from qnkpi.spec._model_errors import validate
    from qnkpi.spec.checks import check_org_units
    from qnkpi.spec.loader import provided_org_units
    from qnkpi.spec.tree import OrgUnitsSpec

    plugins = args.registry.get()
    if args.provider is None:
        providers = plugins.registrations["register_org_unit_providers"]
        for name, reg in sorted(providers.items()):
            print(f"{name}  (plugin {reg.plugin})")
        if not providers:
            print("no org-unit provider is installed (pip install ./plugins/qnkpi-vn-units)")
        return 0
    options = {"provider": args.provider, **parse_options(args.options)}
    located = provided_org_units(options, plugins)
    problems: list[Any] = []
    org = validate(OrgUnitsSpec, located, problems, Path.cwd())
    if org is not None:
        assert isinstance(org, OrgUnitsSpec)
        problems.extend(check_org_units(org, located))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SpecError(errors)
    for warning in problems:
        print(warning, file=sys.stderr)
    header = (f"# Org units from provider '{args.provider}' "
              f"({' '.join(args.options) or 'no options'}); written by qnkpi org-units.\n")
    body = yaml.safe_dump(located.data, allow_unicode=True, sort_keys=False, width=100)
    write_text(header + body, args.output)
    return 0
