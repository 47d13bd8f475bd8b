"""The result as tables: `to_arrow`, `to_pandas` and `to_polars` give the JSON result's
rows in flat columns, with nulls (never NaN) for missing values."""

from __future__ import annotations

import io
import json
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import qnkpi
from qnkpi.engine.tables import TABLES, schema
from qnkpi.testing import spec_from_dict, tiny_programme

SPEC = "specs/quang-ninh/programme.yaml"


@cache
def _result(restate_to: int | None = None) -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC), restate_to=restate_to)


def _flat_check(check: dict[str, Any]) -> dict[str, Any]:
    row = dict(check)
    threshold = row["threshold"]
    pair = isinstance(threshold, list)
    row["threshold"] = threshold[0] if pair else threshold
    row["threshold_max"] = threshold[1] if pair else None
    return row


def _flat_assessment(assessment: dict[str, Any]) -> dict[str, Any]:
    row = dict(assessment)
    baseline, current = row.pop("baseline"), row.pop("current")
    row.update(baseline_year=baseline["year"], baseline_value=baseline["value"],
               current_year=current["year"], current_value=current["value"])
    if "record" in row:  # the record of a goal that repeats every year (issue 17)
        record = row.pop("record") or {}
        row.update(record_met=record.get("met"), record_of=record.get("of"),
                   record_no_data=record.get("no_data"))
    return row


def _flat_violation(violation: dict[str, Any]) -> dict[str, Any]:
    row = dict(violation)
    message = row.pop("message") or {}
    row["message_vi"], row["message_en"] = message.get("vi"), message.get("en")
    row["values"] = sorted(row["values"].items())
    return row


def _expected(result: qnkpi.Result, table: str) -> list[dict[str, Any]]:
    flat = {"checks": _flat_check, "assessments": _flat_assessment,
            "violations": _flat_violation}[table]
    return [flat(row) for row in result.to_dict()[table]]


def _plain(value: Any) -> Any:
    """A frame's cell as the JSON has it: pd.NA as None, numpy scalars as Python."""
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        raise AssertionError("a NaN in a table")
    return value.item() if hasattr(value, "item") else value


def _arrow_rows(table: pa.Table) -> list[dict[str, Any]]:
    rows = table.to_pylist()
    for row in rows:
        if "values" in row:
            row["values"] = sorted(row["values"])
    return rows


@pytest.fixture(params=[None, 2025], ids=["as_reported", "restated"])
def result(request: pytest.FixtureRequest) -> qnkpi.Result:
    return _result(request.param)


@pytest.mark.parametrize("table", ["checks", "assessments"])
def test_arrow_rows_are_the_json_rows(result: qnkpi.Result, table: str) -> None:
    expected = _expected(result, table)
    got = _arrow_rows(result.to_arrow(table))  # type: ignore[arg-type]
    assert expected, "the example has rows"
    assert got == expected


def test_the_restated_result_is_restated() -> None:
    bases = set(_result(2025).to_arrow("checks").column("basis").to_pylist())
    assert bases == {"as_reported", "restated"}


@pytest.mark.parametrize("table", ["checks", "assessments"])
def test_pandas_rows_are_the_json_rows(result: qnkpi.Result, table: str) -> None:
    frame = result.to_pandas(table)  # type: ignore[arg-type]
    got = [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    assert got == _expected(result, table)


@pytest.mark.parametrize("table", ["checks", "assessments"])
def test_polars_rows_are_the_json_rows(result: qnkpi.Result, table: str) -> None:
    frame = result.to_polars(table)  # type: ignore[arg-type]
    assert isinstance(frame, pl.DataFrame)
    assert frame.to_dicts() == _expected(result, table)


def test_columns_and_types() -> None:
    checks = _result().to_arrow("checks")
    assert checks.schema == schema("checks")
    types = {f.name: f.type for f in checks.schema}
    assert types["year"] == pa.int64() and types["target"] == pa.int64()
    assert types["value"] == pa.float64() and types["threshold_max"] == pa.float64()
    assert types["interpolated"] == pa.bool_() and types["unit"] == pa.string()
    assessments = _result().to_arrow("assessments")
    assert assessments.schema == schema("assessments")
    assert assessments.column_names[11:15] == [
        "baseline_year", "baseline_value", "current_year", "current_value"]
    assert "baseline" not in assessments.column_names


def test_missing_values_are_null_never_nan() -> None:
    checks = _result().to_arrow("checks")
    for name in ("value", "margin", "threshold", "threshold_max", "coverage"):
        column = checks.column(name)
        assert not any(v is not None and math.isnan(v) for v in column.to_pylist()), name
    assert checks.column("value").null_count == 3  # the three no_data checks
    assert checks.column("threshold_max").null_count == checks.num_rows  # no between
    pandas = _result().to_pandas("checks")
    assert pandas["value"].isna().sum() == 3
    assert str(pandas["value"].dtype) == "Float64" and str(pandas["year"].dtype) == "Int64"


def test_an_infinite_ratio_is_null_as_in_the_json_result() -> None:
    # fallen from 18 to 14 where the goal is to rise to 9: the method's ratio is -inf,
    # which the JSON result writes as null; the tables must say the same
    spec = tiny_programme(indicators={"reached": {
        "kind": "value", "measure": "reached", "direction": "increase",
        "targets": [{"year": 2030, "op": ">=", "value": 9, "goal": True}]}},
        data={"reached": {"D1": {2023: 18, 2024: 14}, "D2": {2023: 6, 2024: 7}}})
    result = qnkpi.evaluate(spec_from_dict(spec))
    methods = [m for m in result.assessments_of("reached") if not np.isfinite(m.ratio).all()]
    assert methods, "no method gave a non-finite ratio: the case is not exercised"
    table = result.to_arrow("assessments")
    for name in ("ratio", "baseline_value", "current_value", "projected",
                 "required_annual_change"):
        values = table.column(name).to_pylist()
        assert all(v is None or math.isfinite(v) for v in values), (name, values)
    assert _arrow_rows(table) == _expected(result, "assessments")
    out = io.StringIO()
    result.write_json(out)
    assert json.loads(out.getvalue())["assessments"] == list(result.assessment_rows())


def test_leading_zero_codes_stay_text() -> None:
    codes = _result().to_arrow("checks").column("unit").to_pylist()
    assert all(isinstance(code, str) for code in codes)
    json_codes = [c["unit"] for c in _result().to_dict()["checks"]]
    assert codes == json_codes


def test_between_splits_the_threshold() -> None:
    data = {"x": {"P": {2023: 5.0, 2024: 9.0}, "D1": {2023: 1.0}}}
    spec = spec_from_dict(tiny_programme(data=data, end=2024, indicators={
        "x_level": {"kind": "value", "measure": "x", "direction": "increase", "targets": [
            {"years": [2023, 2024], "op": "between", "min": 2, "max": 8}]}}))
    result = qnkpi.evaluate(spec)
    rows = result.to_arrow("checks").to_pylist()
    assert rows == [_flat_check(c) for c in result.to_dict()["checks"]]
    assert {(r["threshold"], r["threshold_max"]) for r in rows} == {(2.0, 8.0)}


def _violating_result() -> qnkpi.Result:
    data = {"part": {"P": {2023: 9.0}, "D1": {2023: 5.0}},
            "whole": {"P": {2023: 10.0}, "D1": {2023: 4.0}}}
    programme = tiny_programme(data=data, end=2024, indicators={
        "share": {"kind": "ratio", "numerator": "part", "denominator": "whole",
                  "direction": "increase", "targets": [{"year": 2023, "op": ">=", "value": 0.5}]}})
    programme["validation"] = [{"rule": "part <= whole", "severity": "warning",
                                "message": {"en": "More part than whole"}}]
    return qnkpi.evaluate(spec_from_dict(programme))


def test_violations() -> None:
    result = _violating_result()
    table = result.to_arrow("violations")
    assert table.schema == schema("violations")
    assert table.num_rows >= 1
    assert _arrow_rows(table) == _expected(result, "violations")
    assert table.column("message_en").to_pylist()[0] == "More part than whole"
    assert table.column("message_vi").to_pylist()[0] is None
    assert result.to_pandas("violations").shape[0] == table.num_rows
    assert result.to_polars("violations").height == table.num_rows


def test_empty_results_keep_their_columns() -> None:
    spec = spec_from_dict(tiny_programme(data={"x": {"P": {2023: 1.0}}}))
    result = qnkpi.evaluate(spec)  # no indicators: no checks, no assessments
    for table in TABLES:
        arrow = result.to_arrow(table)
        assert arrow.num_rows == 0
        assert arrow.schema == schema(table)
        assert list(result.to_pandas(table).columns) == arrow.column_names
        assert result.to_polars(table).columns == arrow.column_names


def test_an_unknown_table_names_the_tables() -> None:
    with pytest.raises(ValueError, match="tables: checks, assessments, violations"):
        _result().to_arrow("check")  # type: ignore[arg-type]


def test_the_result_module_imports_no_frame_library() -> None:
    import subprocess
    import sys

    code = ("import sys, qnkpi, qnkpi.engine.result, qnkpi.engine.tables; "
            "print(sorted({'pyarrow', 'pandas', 'polars'} & set(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"
