"""`parquet` and `parquet-assessments`: the tables of `Result.to_arrow` in Parquet
files, read back by DuckDB and pandas."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import qnkpi
from qnkpi.cli import main
from qnkpi.reporters.base import Reporter
from qnkpi.reporters.parquet import ParquetAssessmentsReporter, ParquetReporter
from qnkpi.testing import plugins_with

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def _write(result: qnkpi.Result, reporter: ParquetReporter, path: Path) -> Path:
    stream = io.BytesIO()
    reporter.write(result, stream)
    path.write_bytes(stream.getvalue())
    return path


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return "NaN"  # a NaN must never be there: fails the comparison
    return value.item() if hasattr(value, "item") else value


def test_are_binary_reporters() -> None:
    for reporter in (ParquetReporter(), ParquetAssessmentsReporter()):
        assert isinstance(reporter, Reporter)
        assert reporter.binary is True and reporter.suffix == ".parquet"


@pytest.mark.parametrize(("reporter", "table"), [
    (ParquetReporter(), "checks"), (ParquetAssessmentsReporter(), "assessments")])
def test_duckdb_reads_the_tables(result: qnkpi.Result, tmp_path: Path,
                                 reporter: ParquetReporter, table: str) -> None:
    path = _write(result, reporter, tmp_path / f"{table}.parquet")
    expected = result.to_arrow(table)  # type: ignore[arg-type]
    con = duckdb.connect()
    relation = con.sql(f"select * from read_parquet('{path}')")
    assert relation.columns == expected.column_names
    rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    assert rows == expected.to_pylist()
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert types["unit"] == "VARCHAR" and types["status"] == "VARCHAR"
    if table == "checks":
        assert types["year"] == "BIGINT" and types["value"] == "DOUBLE"
        assert types["interpolated"] == "BOOLEAN"
        counts = dict(con.sql(f"select status, count(*) from '{path}' group by status")
                      .fetchall())
        assert counts == {"met": 180, "not_met": 22, "no_data": 3}
        assert con.sql(f"select count(*) from '{path}' where isnan(value)").fetchall() == [(0,)]
    else:
        assert types["baseline_year"] == "BIGINT" and types["baseline_value"] == "DOUBLE"


def test_pandas_reads_the_json_values(result: qnkpi.Result, tmp_path: Path) -> None:
    path = _write(result, ParquetReporter(), tmp_path / "checks.parquet")
    frame = pd.read_parquet(path, dtype_backend="numpy_nullable")
    rows = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    expected = []
    for check in result.to_dict()["checks"]:
        threshold = check["threshold"]
        pair = isinstance(threshold, list)
        expected.append({**check, "threshold": threshold[0] if pair else threshold,
                         "threshold_max": threshold[1] if pair else None})
    assert rows == expected
    assessments = pd.read_parquet(_write(result, ParquetAssessmentsReporter(),
                                         tmp_path / "assessments.parquet"))
    assert len(assessments) == len(result.to_dict()["assessments"])


def test_the_metadata_holds_the_head(result: qnkpi.Result, tmp_path: Path) -> None:
    path = _write(result, ParquetAssessmentsReporter(), tmp_path / "a.parquet")
    meta = pq.read_schema(path).metadata
    assert json.loads(meta[b"qnkpi"]) == {
        "qnkpi": "result/1", "programme": "qn-youth-digital-2023-2030", "as_of": 2025,
        "restated_to": None, "table": "assessments"}


def test_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "checks.parquet"
    plugins = plugins_with()
    assert main(["evaluate", str(SPEC), "--format", "parquet", "-o", str(out)],
                plugins=plugins) == 0
    assert duckdb.sql(f"select count(*) from '{out}'").fetchall() == [(205,)]
    assert main(["evaluate", str(SPEC), "--format", "parquet"], plugins=plugins) != 0
    assert "binary" in capsys.readouterr().err


def test_an_empty_result_writes_a_file_with_every_column(tmp_path: Path) -> None:
    from qnkpi.engine.tables import schema
    from qnkpi.testing import spec_from_dict, tiny_programme

    empty = qnkpi.evaluate(spec_from_dict(tiny_programme(data={"m": {"P": {2023: 1.0}}})))
    path = _write(empty, ParquetReporter(), tmp_path / "empty.parquet")
    relation = duckdb.sql(f"select * from '{path}'")
    assert relation.columns == schema("checks").names
    assert relation.fetchall() == []
    assert pd.read_parquet(path).empty
