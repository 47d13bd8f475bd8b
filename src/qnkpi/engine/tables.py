"""The result as Arrow tables: checks, assessments and violations in flat columns.

[`Result.to_arrow`][qnkpi.engine.result.Result.to_arrow] (and `to_pandas`, `to_polars`)
are made here. The columns are built straight from the result's numpy panels: numbers
as Arrow arrays with a null mask (missing is null, never NaN), and texts such as unit
codes by taking from a small Arrow array of the distinct texts with the rows' indices,
so no Python object is made per check. pyarrow is imported only when a table is asked
for: `import qnkpi` does not load it.

The columns are those of the JSON result (`Result.to_dict()`), flattened:

- `checks`: the fields of a [`Check`][qnkpi.engine.rows.Check], with `threshold` split
  as the `csv` report splits it: `threshold` is the threshold (for `between`, the lower
  bound) and `threshold_max` the upper bound of `between` (null for every other
  comparison).
- `assessments`: the fields of an assessment, with `baseline` and `current` made
  `baseline_year`, `baseline_value`, `current_year` and `current_value`.
- `violations`: the fields of a violation, with `message` made `message_vi` and
  `message_en`; `values` is a map (measure -> value) and `sources` a list of
  `{source, file}`, as in the JSON.

The checks table is built here; the assessments and violations tables in
`qnkpi.engine.tables_assessments`, with the columns both share
(`qnkpi.engine.tables_columns`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

import qnkpi._arrow_build as build
from qnkpi.engine.tables_assessments import assessment_arrays, violations_table
from qnkpi.engine.tables_columns import Texts, int_column, string_column
from qnkpi.verdicts import OPS, STATUSES, Op

if TYPE_CHECKING:
    import pyarrow as pa

    from qnkpi.engine.result import Result

__all__ = ["TABLES", "TableName", "parts_of", "schema", "to_arrow"]

TableName = Literal["checks", "assessments", "violations"]
"""The tables of a result: `"checks"`, `"assessments"` or `"violations"`."""

TABLES: tuple[TableName, ...] = ("checks", "assessments", "violations")
"""The names of the tables [`to_arrow`][qnkpi.engine.tables.to_arrow] gives."""

#: Column name -> Arrow type name, per table, in order.
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "checks": (
        ("indicator", "string"), ("unit", "string"), ("unit_name", "string"),
        ("level", "string"), ("year", "int64"), ("value", "float64"), ("op", "string"),
        ("threshold", "float64"), ("threshold_max", "float64"), ("margin", "float64"),
        ("numerator", "float64"), ("denominator", "float64"), ("status", "string"),
        ("target", "int64"), ("interpolated", "bool"), ("goal", "bool"),
        ("aspirational", "bool"), ("assumed_year", "bool"), ("note", "string"),
        ("basis", "string"), ("expected_units", "int64"), ("reported_units", "int64"),
        ("coverage", "float64"), ("comparable_with_previous", "bool")),
    "assessments": (
        ("indicator", "string"), ("unit", "string"), ("unit_name", "string"),
        ("level", "string"), ("goal_year", "int64"), ("goal", "float64"),
        ("op", "string"), ("aspirational", "bool"), ("method", "string"),
        ("status", "string"), ("ratio", "float64"), ("baseline_year", "int64"),
        ("baseline_value", "float64"), ("current_year", "int64"),
        ("current_value", "float64"), ("projected", "float64"),
        ("required_annual_change", "float64"), ("reason", "string"), ("basis", "string"),
        ("baseline_basis", "string"), ("record_met", "int64"), ("record_of", "int64"),
        ("record_no_data", "int64")),
    "violations": (
        ("rule", "string"), ("index", "int64"), ("severity", "string"), ("unit", "string"),
        ("unit_name", "string"), ("level", "string"), ("year", "int64"),
        ("left", "float64"), ("op", "string"), ("right", "float64"),
        ("values", "map<string, float64>"),
        ("sources", "list<struct<source: string, file: string>>"),
        ("message_vi", "string"), ("message_en", "string")),
}


#: The checks' columns of a result part-way through a year (`Result.period`), after
#: the others: see [`Check`][qnkpi.engine.rows.Check].
_PERIOD_COLUMNS = (("period", "string"), ("partial", "string"),
                   ("year_threshold", "float64"), ("year_threshold_max", "float64"))


def schema(table: TableName, *, period: bool = False) -> pa.Schema:
    """The Arrow schema of one table (the same for every result of a whole year).

    Args:
        table: Which table.
        period: For a result part-way through a year (`Result.period`): the `checks`
            table then ends with `period`, `partial`, `year_threshold` and
            `year_threshold_max` (the upper bound of a `between` target's year).

    Raises:
        ValueError: `table` is not one of [`TABLES`][qnkpi.engine.tables.TABLES].
    """
    import pyarrow as pa

    if table not in _COLUMNS:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
    simple = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(),
              "bool": pa.bool_(),
              "map<string, float64>": pa.map_(pa.string(), pa.float64()),
              "list<struct<source: string, file: string>>": pa.list_(pa.struct(
                  [("source", pa.string()), ("file", pa.string())]))}
    columns = _COLUMNS[table] + (_PERIOD_COLUMNS if period and table == "checks" else ())
    return pa.schema([(name, simple[kind]) for name, kind in columns])


def to_arrow(result: Result, table: TableName = "checks") -> pa.Table:
    """One table of `result`: see [`Result.to_arrow`][qnkpi.engine.result.Result.to_arrow].

    Raises:
        ValueError: `table` is not one of [`TABLES`][qnkpi.engine.tables.TABLES].
    """
    import pyarrow as pa

    parts = list(parts_of(result, table))
    return (pa.concat_tables(parts) if parts
            else schema(table, period=result.period is not None).empty_table())


def parts_of(result: Result, table: TableName = "checks", *,
             lang: str = "vi") -> Iterator[pa.Table]:
    """One table of `result` in parts, each built when asked for: one per indicator
    (with rows) for `"checks"` and `"assessments"`, one in all for `"violations"`.

    What a writer that streams uses (the `parquet` report writes a row group per part,
    the `csv` reports and the JSON result a batch of lines), so that a large result is
    never held twice in memory.

    Args:
        result: The result.
        table: Which table.
        lang: The language of the units' names and the targets' notes: `"vi"` (the
            official names, as in the JSON) or `"en"` (`name_en` where a unit has one).

    Raises:
        ValueError: `table` is not one of [`TABLES`][qnkpi.engine.tables.TABLES].
    """
    import pyarrow as pa

    target = schema(table, period=result.period is not None)
    if table == "violations":
        yield violations_table(result.violation_rows(), target)
        return
    build = _checks if table == "checks" else _assessments
    texts = Texts(result.tree, lang)  # made once, taken from by every indicator
    for name in result.indicators:
        arrays = build(result, name, texts)
        if arrays:
            yield pa.Table.from_arrays(arrays, schema=target)


def _assessments(result: Result, name: str, texts: Texts) -> list[pa.Array]:
    """One indicator's assessments as Arrow arrays (`qnkpi.engine.tables_assessments`)."""
    return assessment_arrays(name, result.assessment_groups(name),
                             result.indicators[name].indicator.targets, result.restated_to,
                             texts)


# --- checks ---------------------------------------------------------------------------

def _checks(result: Result, name: str, texts: Texts) -> list[pa.Array]:
    """One indicator's checks as Arrow arrays, in the order of `Result.checks`."""

    res, tree = result.indicators[name], result.tree
    t, p = res.thresholds, res.panel
    cols, rows = np.nonzero(res.status.T)  # by year, then unit
    n = len(rows)
    if not n:
        return []
    op = t.op[rows, cols]
    between = op == Op.BETWEEN
    target = t.target[rows, cols].astype(np.int64)
    targets = res.indicator.targets

    def flag(attr: str) -> pa.Array:
        return build.bools(np.array([getattr(x, attr) for x in targets], dtype=bool)[target])

    return [
        build.repeat(name, n),
        texts.codes.take(build.ints(rows)),
        texts.unit_names(rows, cols),
        texts.levels.take(build.ints(tree.level_of[rows])),
        build.ints(tree.years[cols]),
        build.floats(p.value[rows, cols]),
        string_column(OPS).take(build.ints(op)),
        build.floats(t.lo[rows, cols]),
        build.floats(np.where(between, t.hi[rows, cols], np.nan)),
        build.floats(res.margin[rows, cols]),
        _optional(p.numerator, rows, cols),
        _optional(p.denominator, rows, cols),
        string_column(STATUSES).take(build.ints(res.status[rows, cols])),
        build.ints(target),
        build.bools(t.interpolated[rows, cols]),
        flag("goal"),
        flag("aspirational"),
        flag("assumed_year"),
        build.strings([None if x.note is None else x.note.get(texts.lang)
                       for x in targets]).take(build.ints(target)),
        string_column(("as_reported", "restated")).take(build.ints(result.restated[cols])),
        int_column(None if p.expected is None else p.expected[rows, cols], n),
        int_column(None if p.reported is None else p.reported[rows, cols], n),
        _coverage(p.reported, p.expected, rows, cols),
        _flags(result.comparable(name)[rows, cols]),
        *(_partial(result, name, rows, cols, between) if result.period is not None else ()),
    ]


def _partial(result: Result, name: str, rows: npt.NDArray[np.intp],
             cols: npt.NDArray[np.intp], between: npt.NDArray[np.bool_]) -> list[pa.Array]:
    """`period`, `partial`, `year_threshold` and `year_threshold_max` of one
    indicator's checks, in a result part-way through a year."""
    import pyarrow as pa

    from qnkpi.engine.partial import PARTIAL

    assert result.period is not None
    part = result.indicators[name].partial
    n = len(rows)
    if part is None:
        return [string_column(tuple(map(str, result.tree.years))).take(build.ints(cols)),
                *(pa.nulls(n, kind) for kind in (pa.string(), pa.float64(), pa.float64()))]
    at = cols == part.column
    labels = (*map(str, result.tree.years), result.period.label)
    period = string_column(labels).take(build.ints(np.where(at, len(labels) - 1, cols)))
    how = np.where(at, part.how[rows], 0)
    lo = np.where(at, part.year_lo[rows], np.nan)
    hi = np.where(at & between, part.year_hi[rows], np.nan)
    return [period, build.strings([None, *PARTIAL[1:]]).take(build.ints(how)),
            build.floats(lo), build.floats(hi)]


def _optional(panel: npt.NDArray[np.float64] | None, rows: npt.NDArray[np.intp],
              cols: npt.NDArray[np.intp]) -> pa.Array:
    import pyarrow as pa

    return pa.nulls(len(rows), pa.float64()) if panel is None else build.floats(panel[rows, cols])


def _flags(values: npt.NDArray[np.float64]) -> pa.Array:
    """Booleans from 1.0/0.0, null where NaN."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.if_else(build.bools(~np.isnan(values)), build.bools(values == 1.0),
                      pa.scalar(None, pa.bool_()))


def _coverage(part: npt.NDArray[np.float64] | None, whole: npt.NDArray[np.float64] | None,
              rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> pa.Array:
    import pyarrow as pa

    if part is None or whole is None:
        return pa.nulls(len(rows), pa.float64())
    with np.errstate(invalid="ignore", divide="ignore"):
        return build.floats(part[rows, cols] / whole[rows, cols])

