"""`parquet` and `parquet-assessments`: the checks, and the assessments, as Parquet files.

For DuckDB, pandas, polars, Spark and every other tool that reads columns. Two formats,
as `csv` and `csv-assessments` are: each writes one file, so `qnkpi evaluate -o FILE`
writes it atomically and `qnkpi demo` names it like every other report. The columns
and their types are those of
[`Result.to_arrow`][qnkpi.engine.result.Result.to_arrow] (`"checks"` and
`"assessments"`): the fields of the JSON result, flat, with typed columns (int64 years
and counts, float64 values, booleans, text) and nulls for missing values. The texts
are the JSON's, in every language (`--lang` changes nothing), so a script reads every
file alike. The file's metadata holds the JSON result's head under the key `qnkpi`:
the format version, the programme's id, `as_of` and `restated_to`. Part-way through a
year (`--as-of 2025-06`), the checks end with `period`, `partial`, `year_threshold` and
`year_threshold_max`, and the head has the `period` (`2025-06`) after `as_of`.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from qnkpi.engine.result import RESULT_FORMAT
from qnkpi.engine.tables import TableName, parts_of, schema

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["ParquetAssessmentsReporter", "ParquetReporter"]


class ParquetReporter:
    """One row per check, as `Result.to_arrow("checks")` gives them, in a Parquet file
    (zstd-compressed, a row group per indicator)."""

    suffix = ".parquet"
    binary = True
    table: TableName = "checks"

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the table to the bytes `stream`; `lang` changes nothing."""
        import pyarrow.parquet as pq

        head: dict[str, Any] = {"qnkpi": RESULT_FORMAT, "programme": result.spec.programme.id,
                                "as_of": result.as_of}
        if result.period is not None:  # after as_of, as in the JSON result
            head["period"] = result.period.label
        head |= {"restated_to": result.restated_to, "table": self.table}
        target = schema(self.table, period=result.period is not None).with_metadata(
            {"qnkpi": json.dumps(head)})
        # a row group per indicator, each built when written: the whole table is never
        # in memory at once
        with pq.ParquetWriter(stream, target, compression="zstd") as writer:
            for part in parts_of(result, self.table):
                writer.write_table(part.replace_schema_metadata(target.metadata))


class ParquetAssessmentsReporter(ParquetReporter):
    """One row per assessment, as `Result.to_arrow("assessments")` gives them: the
    second file beside `parquet`."""

    table: TableName = "assessments"
