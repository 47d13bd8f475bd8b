"""`qnkpi evaluate SPEC`: evaluate and report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qnkpi.cli._report_options import add_report_options, report_lang, report_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser("evaluate", help="evaluate a spec and report the verdicts",
                       description="Evaluate every indicator of SPEC at every unit and year "
                       "and write a report (a table on the terminal by default).")
    p.add_argument("spec", metavar="SPEC", help="the programme spec (YAML)")
    p.add_argument("--year", type=int, help="check only this year (default: every year "
                   "from the programme's start to the latest year with data)")
    p.add_argument("--as-of", metavar="PERIOD",
                   help="judge at this point: a year (2025), or a month (2025-06), quarter "
                   "(2025-Q2) or half (2025-H1) of one, whose year is then judged on its "
                   "data so far as its targets' partial and milestones say (default: the "
                   "latest year with data)")
    p.add_argument("--unit", action="append", metavar="CODE",
                   help="check only this unit (repeat for more)")
    p.add_argument("--restate-to", type=int, metavar="YEAR",
                   help="evaluate earlier years on YEAR's org tree, their data carried there "
                   "through the units' predecessors (results say basis: restated)")
    p.add_argument("--format", "-f", default="table", metavar="FORMAT",
                   help="report format: table (default), json, or one a plugin adds")
    p.add_argument("-o", "--output", metavar="PATH", help="write the report here "
                   "(default: standard output)")
    p.add_argument("--lang", choices=("vi", "en"), help="report language (default: the "
                   "spec's programme.language, else en)")
    add_report_options(p)
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar (it is drawn only on a terminal anyway)")
    p.add_argument("--explain", action="store_true",
                   help="print what each source would run (its SQL, the files it reads) "
                   "and stop, without reading any data")
    p.add_argument("--fail-on", action="append", metavar="STATUS", default=[],
                   help="exit 1 if a check or assessment has this status: not_met, no_data, "
                   "insufficient_data, or at_risk / off_track / regressing (each meaning that "
                   "status or worse), or for a trend without a target limited_progress / "
                   "deterioration (the same); repeat or separate with commas")
    p.set_defaults(run=run)


#: `--fail-on X` fails on any of these statuses.
FAIL_ON: dict[str, tuple[str, ...]] = {
    "not_met": ("not_met",),
    "no_data": ("no_data",),
    "insufficient_data": ("insufficient_data",),
    "at_risk": ("at_risk", "off_track", "overdue", "regressing"),
    "off_track": ("off_track", "overdue", "regressing"),
    "overdue": ("overdue",),
    "regressing": ("regressing",),
    "limited_progress": ("limited_progress", "deterioration"),
    "deterioration": ("deterioration",),
}


#: Statuses that pass, which `--fail-on` does not take.
PASSING = ("met", "achieved", "on_track", "met_every_year", "met_this_year",
           "substantial_progress", "moderate_progress")


def fail_on_statuses(values: list[str]) -> set[str]:
    """The statuses `--fail-on` values stand for; unknown ones are a QnkpiError.

    A misspelt status gets a did-you-mean only when the closest of all statuses is one
    that fails: `met` is never answered with `not_met`, the opposite meaning."""
    import difflib

    from qnkpi.errors import QnkpiError

    out: set[str] = set()
    for value in (v.strip() for item in values for v in item.split(",")):
        if value not in FAIL_ON:
            choose = f"choose from {', '.join(FAIL_ON)}"
            if value in PASSING:
                raise QnkpiError(f"--fail-on: '{value}' is a status that passes, so it "
                                 f"cannot fail a run; {choose}")
            close = difflib.get_close_matches(value, [*FAIL_ON, *PASSING], n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close and close[0] in FAIL_ON else ""
            raise QnkpiError(f"--fail-on: unknown status '{value}'; {choose}{hint}")
        out.update(FAIL_ON[value])
    return out


@contextmanager
def rule_warnings() -> Iterator[None]:
    """When the data break validation rules of severity error, print the warnings about
    the data too (on standard error), broken rules of severity warning among them, before
    the error is reported."""
    from qnkpi.engine.rules import RuleViolationError

    try:
        yield
    except RuleViolationError as exc:
        checked = exc.validation
        notes = [*exc.notes, *("\n  ".join(checked.describe(rule))
                               for rule in checked.broken("warning"))]
        for note in notes:
            print(f"qnkpi: warning: {note}", file=sys.stderr)
        raise


def run(args: argparse.Namespace) -> int:
    from qnkpi.cli._inputs import refuse_inputs
    from qnkpi.cli._output import reporter_for, write_report
    from qnkpi.cli._progress import progress_bar
    from qnkpi.engine.evaluate import evaluate
    from qnkpi.spec.loader import load_spec

    plugins = args.registry.get()
    reporter_for(plugins, args.format)  # fail on bad arguments before the work
    failing = fail_on_statuses(args.fail_on)
    spec = load_spec(args.spec, plugins=plugins)
    if not args.explain:
        refuse_inputs(args.output, spec)  # before the work: a report never replaces an input
    for warning in spec.warnings:
        print(warning, file=sys.stderr)
    if args.explain:
        from qnkpi.engine.evaluate import explain
        from qnkpi.reporters._text import printable

        for name, plan in explain(spec, plugins=plugins).items():  # names come from the spec
            print(printable(f"-- source '{name}' ({spec.sources[name].type})\n{plan}\n",
                            lines=True))
        return 0
    with rule_warnings(), progress_bar(args.quiet) as progress:
        result = evaluate(spec, year=args.year, units=args.unit, as_of=args.as_of,
                          restate_to=args.restate_to, plugins=plugins, progress=progress)
    for note in result.warnings:
        print(f"qnkpi: warning: {note}", file=sys.stderr)
    write_report(result, plugins, args.format, args.output, report_lang(args, spec),
                 report_options(args, spec))
    found = result.count(failing) if failing else 0
    if found:
        noun = "result" if found == 1 else "results"
        print(f"qnkpi: {found} {noun} with status {', '.join(sorted(failing))} "
              f"(--fail-on {','.join(args.fail_on)})", file=sys.stderr)
        return 1
    return 0
