"""A result in other shapes: its Arrow tables as pandas or polars DataFrames, the head
of the JSON result, and the view a notebook shows.

[`Result`][qnkpi.engine.result.Result]'s `to_pandas`, `to_polars`, `to_dict`,
`write_json` and `_repr_html_` are made here from what they are given (an Arrow table
from `qnkpi.engine.tables`, the spec), so this module needs no result of its own.
pandas, polars and pyarrow are imported only when a frame is asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from qnkpi.periods import AsOf
    from qnkpi.plugin.registry import Plugins
    from qnkpi.spec.spec import Spec

__all__ = ["json_head", "notebook_view", "pandas_frame", "polars_frame"]


def pandas_frame(table: pa.Table) -> pd.DataFrame:
    """`table` as a pandas DataFrame with pandas' nullable dtypes (`Int64`, `Float64`,
    `boolean`, `string`), so that a missing value is `pd.NA`, never NaN."""
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
               pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype()}
    return table.to_pandas(types_mapper=mapping.get)


def polars_frame(table: pa.Table) -> pl.DataFrame:
    """`table` as a polars DataFrame (nulls for missing values)."""
    import polars as pl

    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def json_head(spec: Spec, as_of: int, period: AsOf | None,
              restated_to: int | None) -> dict[str, Any]:
    """The keys of the JSON result after its format (`"qnkpi"`) and before its
    `checks`: the programme, `as_of`, `period` (only part-way through a year) and
    `restated_to`."""
    prog = spec.programme
    return {
        "programme": {
            "id": prog.id,
            "title": prog.title.model_dump(),
            "owner": prog.owner,
            "period": prog.period.model_dump(),
        },
        "as_of": as_of,
        **({"period": period.label} if period is not None else {}),
        "restated_to": restated_to,
    }


def notebook_view(result: object, plugins: Plugins | None) -> str | None:
    """The html of `result` a notebook shows: the `notebook` method of the reporter
    registered as `html` in `plugins` (else in a fresh registry); `None` without one."""
    from qnkpi.plugin.registry import get_plugins

    view = getattr((plugins or get_plugins()).reporters.get("html"), "notebook", None)
    return str(view(result)) if callable(view) else None
