"""`qnkpi demo`: evaluate the bundled Quảng Ninh example and write its reports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qnkpi.cli._report_options import add_report_options, report_lang, report_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser("demo", help="evaluate the bundled Quảng Ninh example",
                       description="Evaluate the bundled example (the Quảng Ninh Youth "
                       "Union's 2023-2030 programme, with illustrative data), print its "
                       "table and write every report format into a folder.")
    p.add_argument("-o", "--output", metavar="DIR", default="qnkpi-demo",
                   help="folder for the reports (default: ./qnkpi-demo)")
    p.add_argument("--spec", default="quang-ninh", help="which bundled spec (see 'qnkpi "
                   "plugins')")
    p.add_argument("--lang", choices=("vi", "en"), help="report language (default: the "
                   "spec's programme.language, else en)")
    add_report_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qnkpi.cli._inputs import refuse_inputs
    from qnkpi.cli._output import write_report
    from qnkpi.engine.evaluate import evaluate
    from qnkpi.errors import QnkpiError, did_you_mean
    from qnkpi.i18n import gettext
    from qnkpi.spec.loader import load_spec

    plugins = args.registry.get()
    specs = plugins.specs
    if args.spec not in specs:
        raise QnkpiError(f"no bundled spec '{args.spec}'{did_you_mean(args.spec, specs)}; "
                         f"bundled: {', '.join(specs)}{plugins.failure_note()}")
    path = Path(specs[args.spec].obj)
    spec = load_spec(path, plugins=plugins)
    out = Path(args.output)
    targets = {name: out / _file_name(plugins, args.spec, name, getattr(reporter, "suffix", ""))
               for name, reporter in plugins.reporters.items()}
    for target in targets.values():  # before the work: a report never replaces an input
        refuse_inputs(target, spec, what="the reports")
    result = evaluate(spec, plugins=plugins)
    lang, options = report_lang(args, spec), report_options(args, spec)
    write_report(result, plugins, "table", None, lang, options)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise QnkpiError(f"{out} is a file, not a folder; give a folder with -o") from None
    except OSError as exc:
        raise QnkpiError(f"cannot make the folder {out}: {exc.strerror}") from None
    written = []
    for name, target in targets.items():
        write_report(result, plugins, name, str(target), lang, options)
        written.append(target)
    print("\n" + gettext("Spec: {path}", lang).format(path=path))
    print(gettext("Reports in {folder}: {files}", lang).format(
        folder=out, files=", ".join(p.name for p in written)))
    return 0


def _file_name(plugins: Any, spec: str, fmt: str, suffix: object) -> str:
    """`SPEC-FORMAT.SUFFIX`, a plain file name: names a plugin gave (checked when they were
    registered) never lead out of the output folder."""
    from qnkpi.errors import PluginError
    from qnkpi.plugin.hooks import FILE_NAME_PART, REPORTERS, SPECS

    for what, text in (("bundled spec", spec), ("reporter", fmt)):
        if not FILE_NAME_PART.match(text):
            owner = plugins.owner(SPECS if what == "bundled spec" else REPORTERS, text)
            raise PluginError(owner, f"{what} name {text!r} cannot be part of a file name")
    name = f"{spec}-{fmt}{suffix}"
    if not isinstance(suffix, str) or Path(name).name != name or name.startswith("."):
        owner = plugins.owner(REPORTERS, fmt)
        raise PluginError(owner, f"reporter '{fmt}': suffix {suffix!r} cannot end a file "
                          "name")
    return name
