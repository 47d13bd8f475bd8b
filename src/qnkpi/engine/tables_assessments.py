"""The assessments and violations tables of a result, as Arrow arrays.

[`parts_of`][qnkpi.engine.tables.parts_of] asks for them: an indicator's assessments
are built from its [`Assessment`][qnkpi.engine.assess.Assessment]s' arrays, a goal at a
time, and the violations from their rows (only rules of severity `warning` can be
broken in a result, so they are few). The columns are listed in `qnkpi.engine.tables`;
the checks table is built there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

import qnkpi._arrow_build as build
from qnkpi.engine.baselines import BASELINE_BASES
from qnkpi.engine.tables_columns import Texts, finite_column, int_column, string_column
from qnkpi.verdicts import ASSESSMENT_STATUSES

if TYPE_CHECKING:
    import pyarrow as pa

    from qnkpi.engine.assess import Assessment
    from qnkpi.spec.models import Target

__all__ = ["assessment_arrays", "violations_table"]


def assessment_arrays(name: str, groups: list[list[Assessment]], targets: Sequence[Target],
                      restated_to: int | None, texts: Texts) -> list[pa.Array]:
    """One indicator's assessments as Arrow arrays: by goal, unit, then method, as
    `Result.assessment_rows` orders them.

    Args:
        name: The indicator's name.
        groups: Its assessments, a list per goal (`Result.assessment_groups`).
        targets: Its targets, which the goals are indices of.
        restated_to: The result's `restated_to`.
        texts: The tree's texts.
    """
    import pyarrow as pa

    parts = [_goal_assessments(name, group, targets, restated_to, texts) for group in groups]
    if len(parts) < 2:
        return parts[0] if parts else []
    return [pa.concat_arrays(list(column)) for column in zip(*parts, strict=True)]


def _goal_assessments(name: str, group: list[Assessment], targets: Sequence[Target],
                      restated_to: int | None, texts: Texts) -> list[pa.Array]:
    """The arrays of one goal's assessments (one per method): by unit, then method."""
    import pyarrow as pa

    tree = texts.tree
    index = group[0].goal_target  # None: the trend of an indicator without a target
    target = targets[index] if index is not None else None
    rows = np.repeat(group[0].inputs.rows.astype(np.int64), len(group))
    n = len(rows)

    def each(values: Any) -> npt.NDArray[Any]:
        """One array per method, interleaved: unit 0's methods, then unit 1's..."""
        return np.stack([np.asarray(v) for v in values], axis=1).ravel()

    units = len(group[0].inputs.rows)
    baseline_year = each(a.inputs.baseline_year for a in group)
    if restated_to is None:
        restated = np.zeros(n, dtype=bool)
    else:
        with np.errstate(invalid="ignore"):
            restated = baseline_year < restated_to
    goal = (build.floats(each(np.full(units, a.inputs.goal, dtype=np.float64) for a in group))
            if target is not None else pa.nulls(n, pa.float64()))
    methods = string_column([a.method for a in group])
    return [
        build.repeat(name, n),
        texts.codes.take(build.ints(rows)),
        texts.latest_names(rows),
        texts.levels.take(build.ints(tree.level_of[rows])),
        build.ints(each(np.full(units, a.inputs.goal_year, dtype=np.int64) for a in group)),
        goal,
        pa.nulls(n, pa.string()) if target is None else build.repeat(target.op, n),
        build.bools(np.full(n, target is not None and target.aspirational)),
        methods.take(build.ints(np.tile(np.arange(len(group)), units))),
        string_column(ASSESSMENT_STATUSES).take(build.ints(each(a.status for a in group))),
        finite_column(each(a.ratio for a in group)),
        int_column(baseline_year, n),
        finite_column(each(a.inputs.baseline for a in group)),
        int_column(each(a.inputs.current_year for a in group), n),
        finite_column(each(a.inputs.current for a in group)),
        finite_column(each(a.projected for a in group)),
        finite_column(each(a.required_annual_change for a in group)),
        build.strings(each(a.reason for a in group).tolist()),
        string_column(("as_reported", "restated")).take(build.ints(restated)),
        string_column(BASELINE_BASES).take(build.ints(each(
            np.zeros(units, np.int8) if a.baseline_basis is None else a.baseline_basis
            for a in group))),
        *_record(group, each, n),
    ]


def _record(group: list[Assessment], each: Any, n: int) -> list[pa.Array]:
    """The `record_met`, `record_of` and `record_no_data` columns: null where the goal
    is not judged as a record, or its record has not started."""
    import pyarrow as pa

    record = group[0].record
    if record is None:
        return [pa.nulls(n, pa.int64()) for _ in range(3)]
    missing = each(record.of == 0 for _ in group)
    return [build.ints(each(getattr(record, part) for _ in group), missing)
            for part in ("met", "of", "no_data")]


def violations_table(violations: Iterable[dict[str, Any]], target: pa.Schema) -> pa.Table:
    """The violations table, from the rows of `Result.violation_rows`: `message` made
    `message_vi` and `message_en`, and numbers that are not finite made null."""
    import pyarrow as pa

    rows = []
    for row in violations:
        message = row.pop("message") or {}
        rows.append({**row, "left": _finite(row["left"]), "right": _finite(row["right"]),
                     "values": {k: _finite(v) for k, v in row["values"].items()},
                     "message_vi": message.get("vi"), "message_en": message.get("en")})
    return pa.Table.from_pylist(rows, schema=target)


def _finite(value: Any) -> float | None:
    return None if value is None or value != value else float(value)
