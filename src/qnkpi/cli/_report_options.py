"""What `evaluate` and `demo` tell reporters besides the result: the language and the
options some report formats take (see the `options` of
[`Reporter`][qnkpi.reporters.base.Reporter])."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qnkpi.spec.spec import Spec


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it YYYY-MM-DD, "
                                         "such as 2026-01-15") from None


def add_report_options(p: argparse.ArgumentParser) -> None:
    """Add the options reporters take: `--detail`, `--report-number`, `--report-date`."""
    p.add_argument("--detail", action="store_true",
                   help="table format: a table per indicator with every unit, not only the "
                   "one-screen summary")
    p.add_argument("--report-number", metavar="NUMBER",
                   help="xlsx annex: the number of the report it is attached to, such as "
                   "125-BC/TĐ (default: the spec's programme.report.number, else dots)")
    p.add_argument("--report-date", metavar="YYYY-MM-DD", type=_date,
                   help="xlsx annex: the date of that report (default: the spec's "
                   "programme.report.date, else dots)")


def report_lang(args: argparse.Namespace, spec: Spec) -> str:
    """`--lang`, else the language the spec declares for its readers, else English."""
    return str(args.lang or spec.programme.language or "en")


def report_options(args: argparse.Namespace, spec: Spec) -> dict[str, Any]:
    """The reporter options given on the command line (a reporter gets those it names).

    The annex's number and date are passed only when given, so that the spec's
    `programme.report` applies otherwise."""
    # per-unit tables when units were asked for by --unit (evaluate) as with --detail
    options: dict[str, Any] = {"detail": bool(args.detail or getattr(args, "unit", None))}
    if args.report_number is not None:
        options["report_number"] = args.report_number
    if args.report_date is not None:
        options["report_date"] = args.report_date
    return options
