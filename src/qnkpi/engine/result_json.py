"""The JSON result written from the result's Arrow tables, a batch of rows at a time.

What [`Result.write_json`][qnkpi.engine.result.Result.write_json] does. The layout is
that of `json.dumps` on each object of [`Result.to_dict`][qnkpi.engine.result.Result.to_dict]
(one check or assessment per line, `", "` and `": "` between items), and the bytes are
the same as that gives (tests compare the two): only the way there changed, from a dict
per check to Arrow columns made text (`qnkpi.engine.text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from qnkpi.engine import text
from qnkpi.engine.tables import parts_of

if TYPE_CHECKING:
    import pyarrow as pa

    from qnkpi.engine.result import Result

__all__ = ["write_json"]

#: Between two objects of a list: what `write_json` has always put there.
_NEXT = ",\n    "


def write_json(result: Result, stream: IO[str], head: dict[str, Any],
               summary: dict[str, Any]) -> None:
    """Write the JSON result of `result`: `head` (programme, as of, restated to), the
    checks, assessments and violations, and `summary`."""
    stream.write("{\n")
    for key, value in head.items():
        stream.write(f"  {_dump(key)}: {_dump(value)},\n")
    _write_list(stream, "checks", _lines(parts_of(result, "checks"), _check_objects))
    _write_list(stream, "assessments",
                _lines(parts_of(result, "assessments"), _assessment_objects))
    _write_list(stream, "violations",
                ((_NEXT + _dump(row)).encode() for row in result.violation_rows()))
    stream.write(f'  "summary": {_dump(summary)}\n}}\n')


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _write_list(stream: IO[str], key: str, items: Iterable[bytes]) -> None:
    """`"key": [...]`, each item UTF-8 text that starts with `_NEXT`."""
    stream.write(f'  "{key}": [')
    first = True
    for item in items:
        text.write_utf8(stream, item[1:] if first else item)  # the first without its comma
        first = False
    stream.write("\n  ],\n" if not first else "],\n")


def _lines(tables: Iterable[pa.Table],
           objects: Callable[[pa.RecordBatch, str], pa.Array]) -> Iterator[bytes]:
    """The objects of every row of `tables`, each after `_NEXT`, a batch at a time."""
    return text.in_order(lambda batch: text.data(objects(batch, _NEXT)), tables)


def _texts(batch: pa.RecordBatch, name: str) -> pa.Array:
    return text.json_texts(batch.column(name))


def _check_objects(batch: pa.RecordBatch, before: str) -> pa.Array:
    """Each check as `Check.to_dict()` dumped: the `checks` table's columns, with
    `threshold` and `threshold_max` one `threshold` again (`[min, max]` for `between`),
    and so `year_threshold` and `year_threshold_max` in a result part-way through a
    year."""
    import pyarrow.compute as pc

    def bounds(name: str) -> pa.Array:
        upper = batch.column(f"{name}_max")
        low = _texts(batch, name)
        return pc.if_else(pc.is_valid(upper),
                          text.join(["[", low, ", ", text.json_texts(upper), "]"]), low)

    fields = [(name, bounds(name) if f"{name}_max" in batch.schema.names
               else _texts(batch, name))
              for name in batch.schema.names if not name.endswith("_max")]
    return text.json_object(fields, before)


def _assessment_objects(batch: pa.RecordBatch, before: str) -> pa.Array:
    """Each assessment as `Result.assessment_rows` gives it, dumped: `baseline` and
    `current` made objects of a year and a value again, and `record_met`, `record_of`,
    `record_no_data` the object `record` (`null` for a goal that is not a record)."""
    import pyarrow.compute as pc

    nested = {"baseline": ("baseline_year", "baseline_value"),
              "current": ("current_year", "current_value"),
              "record": ("record_met", "record_of", "record_no_data")}
    parts = {name: key for key, names in nested.items() for name in names}
    fields = []
    for name in batch.schema.names:
        if name not in parts:
            fields.append((name, _texts(batch, name)))
            continue
        key = parts[name]
        if name != nested[key][0]:
            continue
        inner = text.json_object([(part.removeprefix(f"{key}_"), _texts(batch, part))
                                  for part in nested[key]])
        if key == "record":
            inner = pc.if_else(pc.is_valid(batch.column("record_of")), inner, "null")
        fields.append((key, inner))
    return text.json_object(fields, before)
