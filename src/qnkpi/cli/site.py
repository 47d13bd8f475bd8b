"""`qnkpi site`: publish a programme as a static site, per indicator and per unit, in
several languages."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("site", help="write the programme's reporting site (static pages)",
                       description="Evaluate SPEC and write a static site into a folder: a "
                       "home page, a page per indicator and per unit, in each language, "
                       "with search that works offline. A web server or GitHub Pages can "
                       "host the folder as it is.")
    p.add_argument("spec", metavar="SPEC", help="the programme spec (YAML)")
    p.add_argument("-o", "--output", metavar="DIR", required=True,
                   help="the site's folder: new, empty, or a site qnkpi wrote before "
                   "(replaced)")
    p.add_argument("--lang", default="vi,en", metavar="LANGS",
                   help="languages, separated by commas, the first at the site's root "
                   "(default: vi,en)")
    p.add_argument("--as-of", metavar="PERIOD",
                   help="judge at this point, as for 'qnkpi evaluate --as-of'")
    p.add_argument("--base-url", metavar="URL",
                   help="the site's public address (https://example.org/programme/), "
                   "for sitemap.xml; without it no sitemap.xml is written")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.cli._inputs import refuse_inputs
    from qnkpi.cli._progress import progress_bar
    from qnkpi.engine.evaluate import evaluate
    from qnkpi.reporters.site import build_site
    from qnkpi.spec.loader import load_spec

    plugins = args.registry.get()
    langs = [lang.strip() for lang in args.lang.split(",") if lang.strip()]
    spec = load_spec(args.spec, plugins=plugins)
    refuse_inputs(args.output, spec, what="the site")  # a site never replaces an input
    for warning in spec.warnings:
        print(warning, file=sys.stderr)
    with progress_bar(args.quiet) as progress:
        result = evaluate(spec, as_of=args.as_of, plugins=plugins, progress=progress)
        summary = build_site(result, args.output, langs=langs, base_url=args.base_url,
                             progress=progress)
    for note in result.warnings:
        print(f"qnkpi: warning: {note}", file=sys.stderr)
    print(f"{summary.pages} pages, {summary.files} files, "
          f"{summary.bytes / 1e6:.1f} MB in {summary.directory} "
          f"({summary.seconds:.1f} s)")
    return 0
