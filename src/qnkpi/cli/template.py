"""`qnkpi template SPEC --year Y -o FORM`: the data-collection form of a year.

One row per unit that reports in year Y (the leaves of Y's tree), one column per measure
a `csv` or `xlsx` source reads as one number per unit and year, after the unit code,
name and year. The `.xlsx` form has the measures' titles in row 1 and the column names
the source reads in row 2, so the filled forms read back with an `xlsx` source
(`path: forms/*.xlsx`); the `.csv` form has the column names only.

Where a measure has `rollup: none` (each unit's own report, never added up from the
units under it), every unit of Y's tree gets a row, not only the leaves.

The form asks for the figures of the year as they stand at its end. A source that places
its rows in time by `date` or `period_column` (not `year`) gets that column, filled in with
the end of Y: 31 December (`2025-12-31`), or its last half, quarter or month (`2025-H2`,
`2025-Q4`, `2025-12`).

What a cell takes follows the measure: a flag (a unit such as `flag`, or `rollup: min`
or `max` with no unit) takes 0 or 1; a count (`rollup: sum`, no unit or a unit such as
`count` or `people`) a whole number, 0 or more; any other measure a number, 0 or more.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

# the form is written to its file by `_template_files`; its names stay importable here
from qnkpi.cli._template_files import FIRST_ROW as FIRST_ROW
from qnkpi.cli._template_files import INSTRUCTIONS as INSTRUCTIONS
from qnkpi.cli._template_files import WHAT_TO_ENTER as WHAT_TO_ENTER
from qnkpi.cli._template_files import write_csv, write_xlsx

if TYPE_CHECKING:
    from qnkpi.spec.models import MeasureSpec
    from qnkpi.spec.spec import Spec

__all__ = ["Column", "Form", "add_parser", "plan", "run"]

#: The source types a form is written for: their column names are the form's.
FORM_TYPES = ("csv", "xlsx")
FLAG_UNITS = frozenset({"flag", "bool", "boolean", "yes/no", "0/1"})
COUNT_UNITS = frozenset({"count", "number", "people", "persons", "units"})
Kind = Literal["whole", "flag", "decimal"]
#: The last period of a year, written as a period column of each kind holds it.
YEAR_END_PERIOD = {"half": "{year}-H2", "quarter": "{year}-Q4", "month": "{year}-12"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "template", help="write the data-collection form of a year (xlsx or csv)",
        description="Write the form units fill in for a year: one row per unit that reports "
        "that year, one column per measure of the spec's csv and xlsx sources. Read the "
        "filled .xlsx forms back with a source of type xlsx (path: forms/*.xlsx).")
    p.add_argument("spec", metavar="SPEC", help="the programme spec (YAML)")
    p.add_argument("--year", type=int, required=True, help="the year the form collects")
    p.add_argument("-o", "--output", required=True, metavar="FORM",
                   help="the form to write: FILE.xlsx or FILE.csv")
    p.add_argument("--lang", choices=("vi", "en"),
                   help="the language of the titles and instructions (default: the spec's "
                   "programme.language, else en)")
    p.add_argument("--source", metavar="NAME",
                   help="only this source's measures (default: every csv and xlsx source)")
    p.set_defaults(run=run)


@dataclass(frozen=True)
class Column:
    """A measure's column of the form."""

    name: str  # the column name the source reads
    measure: str  # the measure's name in the spec
    title: str  # the measure's title in the form's language
    unit: str | None
    kind: Kind


@dataclass(frozen=True)
class Form:
    """What a form holds: its units (code and name), year and columns."""

    year: int
    unit_column: str
    year_column: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    columns: tuple[Column, ...]
    notes: tuple[str, ...]  # measures and sources left out, and why
    #: how the sources place a row in time, by `year_column`: "year", "date" or
    #: "period_column"; and their `period` (for "date" and "period_column")
    time_key: str = "year"
    period: str = "year"

    @property
    def time_cell(self) -> int | str:
        """What each row holds in `year_column`: the year, or the end of the year as a
        date (`2025-12-31`) or as the last period (`2025-H2`)."""
        if self.time_key == "date":
            return f"{self.year}-12-31"
        if self.time_key == "period_column":
            return YEAR_END_PERIOD[self.period].format(year=self.year)
        return self.year

    @property
    def source_keys(self) -> tuple[str, ...]:
        """The keys a source reading the filled forms gives for the time column."""
        if self.time_key == "year":
            return (f"year: {self.year_column}",)
        return (f"period: {self.period}", f"{self.time_key}: {self.year_column}")


def run(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from qnkpi.cli._inputs import refuse_inputs
    from qnkpi.errors import QnkpiError
    from qnkpi.spec.loader import load_spec

    target = Path(args.output)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise QnkpiError(f"-o {args.output}: a form is an .xlsx or a .csv file; name it "
                         "FILE.xlsx or FILE.csv")
    spec = load_spec(args.spec, plugins=args.registry.get())
    refuse_inputs(args.output, spec, what="the form")  # never an empty form over filled data
    for warning in spec.warnings:
        print(warning, file=sys.stderr)
    lang = args.lang or spec.programme.language or "en"
    form = plan(spec, args.year, args.source, lang)
    for note in form.notes:
        print(f"qnkpi: note: {note}", file=sys.stderr)
    if suffix == ".xlsx":
        write_xlsx(form, spec, target, lang)
    else:
        write_csv(form, target)
    print(f"qnkpi: wrote {target}: {len(form.codes)} units x {len(form.columns)} measures "
          f"for {form.year}", file=sys.stderr)
    return 0


def plan(spec: Spec, year: int, source: str | None, lang: str) -> Form:
    """The form of `year`: the reporting units and the measures of the chosen sources.
    Raises [`QnkpiError`][qnkpi.errors.QnkpiError] for a year, source or spec with no form."""
    import numpy as np

    from qnkpi.engine.evaluate import year_axis
    from qnkpi.errors import QnkpiError
    from qnkpi.orgunits import OrgTree

    years = year_axis(spec)
    if year not in years:
        raise QnkpiError(f"--year {year} is outside the programme's years "
                         f"{years[0]}-{years[-1]}")
    tree = OrgTree.from_spec(spec.org_units, years)
    col = years.index(year)
    names, notes = _sources(spec, source)
    columns = _columns(spec, names, lang, notes)
    if not columns:
        raise QnkpiError("no measure to collect: the forms hold the measures of csv and "
                         "xlsx sources without 'aggregate'" + "".join(f"\n  {n}" for n in notes))
    # A measure never rolled up (`rollup: none`) is each unit's own report, so every unit
    # of the year's tree gets a row; otherwise only the leaves report.
    own = any(spec.measures[c.measure].rollup == "none" for c in columns)
    rows = np.flatnonzero((tree.valid if own else tree.leaf_mask())[:, col])
    if not rows.size:
        raise QnkpiError(f"no unit of the org units belongs to {year}'s tree")
    # only the sources that have a column on the form must agree on their key columns
    # (a record-level source, such as an activity log read by date, adds none)
    unit_column, year_column, time_key, period = _keys(spec, [n for n in names if any(
        spec.measures[c.measure].source == n for c in columns)])
    return Form(year, unit_column, year_column, tuple(tree.codes[r] for r in rows),
                tuple(tree.unit_names(rows, np.full(len(rows), col), lang)),
                tuple(columns), tuple(notes), time_key, period)


def _sources(spec: Spec, only: str | None) -> tuple[list[str], list[str]]:
    """The sources whose measures the form holds, and notes on those left out."""
    from qnkpi.errors import QnkpiError, did_you_mean

    if only is not None:
        if only not in spec.sources:
            raise QnkpiError(f"--source {only}: no such source{did_you_mean(only, spec.sources)}"
                             f"; the spec has: {', '.join(spec.sources)}")
        kind = spec.sources[only].type
        if kind not in FORM_TYPES:
            raise QnkpiError(f"--source {only}: a {kind} source; forms are written for csv "
                             "and xlsx sources")
    names, notes = [], []
    for name, source in spec.sources.items():
        if only is not None and name != only:
            continue
        if source.type not in FORM_TYPES:
            notes.append(f"source '{name}' ({source.type}) is left out: forms are written "
                         "for csv and xlsx sources")
            continue
        if getattr(source, "layout", "wide") == "long":
            notes.append(f"source '{name}' has layout: long, and the form is wide: read the "
                         "filled forms with an xlsx source")
        names.append(name)
    return names, notes


def _keys(spec: Spec, sources: list[str]) -> tuple[str, str, str, str]:
    """The unit and time column names, which the chosen sources must share, how the time
    column places a row in time (`year`, `date` or `period_column`), and the period."""
    from qnkpi.errors import QnkpiError

    keys = {(getattr(spec.sources[s], "unit", ""), *_time(spec.sources[s])) for s in sources}
    if len(keys) > 1:
        raise QnkpiError(f"sources {', '.join(sources)} name their unit and year columns "
                         "differently; write one form per source with --source NAME")
    unit, column, key, period = keys.pop()
    return str(unit), str(column), key, period


def _time(source: Any) -> tuple[str, str, str]:
    """A source's time column, which key names it (`year`, `date`, `period_column`), and
    its period."""
    period = str(getattr(source, "period", "year"))
    for key in ("year", "date", "period_column"):
        column = getattr(source, key, None)
        if column:
            return str(column), key, period
    return "", "year", period


def _columns(spec: Spec, sources: list[str], lang: str, notes: list[str]) -> list[Column]:
    """One column per measure of `sources` kept one number per unit and year."""
    out: dict[str, Column] = {}
    for name, m in spec.measures.items():
        if m.source not in sources:
            continue
        if m.aggregate is not None:
            notes.append(f"measure '{name}' (source '{m.source}', aggregate: {m.aggregate}) "
                         "is left out: it is computed from records, not collected as one "
                         "number per unit")
            continue
        column = m.column or name
        title = m.title.get(lang) if m.title is not None else ""
        out.setdefault(column, Column(column, name, title or name, m.unit, kind_of(m)))
    return list(out.values())


def kind_of(m: MeasureSpec) -> Kind:
    """What a measure's cells take: `flag` (0/1), `whole` (a count) or `decimal`."""
    unit = (m.unit or "").strip().lower()
    if unit in FLAG_UNITS or (m.rollup in ("min", "max") and not unit):
        return "flag"
    if m.rollup == "sum" and (not unit or unit in COUNT_UNITS):
        return "whole"
    return "decimal"
