"""Tables as text (`qnkpi.engine.text`): Arrow columns made CSV cells and JSON values
give exactly what Python's `repr`, `json` and `csv` modules give, and the JSON result
written from them is byte for byte the layout of `json.dumps` on `Result.to_dict()`."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.engine import text

ROOT = Path(__file__).resolve().parents[2]
SPECS = ["specs/quang-ninh/programme.yaml", "docs/examples/first-programme/programme.yaml",
         "docs/examples/record-level/programme.yaml", "docs/examples/on-track/programme.yaml"]

floats = st.floats(allow_nan=False, allow_infinity=False)
#: Arrow's compute functions are slow on their first call: no deadline per example.
_SETTINGS = settings(max_examples=200, deadline=None)
texts = st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t\\é\x00\x1fĐạt/')), max_size=8)


@_SETTINGS
@given(st.lists(st.one_of(st.none(), floats), max_size=40))
def test_floats_are_written_as_repr_writes_them(values: list[float | None]) -> None:
    got = text.float_texts(pa.array(values, pa.float64())).to_pylist()
    assert got == [None if v is None else repr(v) for v in values]


def test_floats_where_arrow_and_repr_disagree() -> None:
    values = [0.0, -0.0, 1.0, 100.0, 1e15, 1e16, 9999999999999998.0, 1.5e16, 1e-4,
              9.9e-5, 1e-05, 7.7e-07, 5e-324, 1.7976931348623157e308, 0.1, 52.3, -3.0]
    rng = np.random.default_rng(1)
    values += (rng.random(5_000) * 100).tolist() + np.round(rng.random(5_000) * 1e4, 1).tolist()
    bits = rng.integers(0, 2**63, 5_000, dtype=np.uint64).view(np.float64)
    values += bits[np.isfinite(bits)].tolist()
    assert text.float_texts(pa.array(values)).to_pylist() == [repr(v) for v in values]


@_SETTINGS
@given(st.lists(st.one_of(st.none(), texts), max_size=20))
def test_texts_are_json_dumps(values: list[str | None]) -> None:
    got = text.json_texts(pa.array(values, pa.string())).to_pylist()
    assert got == [json.dumps(v, ensure_ascii=False) for v in values]


@_SETTINGS
@given(st.lists(st.tuples(st.one_of(st.none(), texts), st.one_of(st.none(), floats),
                          st.one_of(st.none(), st.integers(-2**40, 2**40)),
                          st.one_of(st.none(), st.booleans())), min_size=1, max_size=20))
def test_csv_lines_are_what_the_csv_module_writes(rows: list[tuple[Any, ...]]) -> None:
    columns = [pa.array(list(c), kind) for c, kind in
               zip(zip(*rows, strict=True),
                   (pa.string(), pa.float64(), pa.int64(), pa.bool_()), strict=True)]
    got = text.data(text.join([text.join([text.csv_texts(c) for c in columns], ","),
                               "\r\n"])).decode("utf-8")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        ["" if v is None else ("true" if v else "false") if isinstance(v, bool) else v
         for v in row] for row in rows)
    assert got == out.getvalue()


def test_infinite_values_are_not_json() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        text.json_texts(pa.array([1.0, math.inf]))


def test_data_of_a_sliced_array_is_only_its_values() -> None:
    lines = pa.array(["ab", "c", "dé", "f"]).slice(1, 2)
    assert text.data(lines) == "cdé".encode()


def _json_by_dicts(result: qnkpi.Result) -> str:
    """The JSON result as 0.1 wrote it: `json.dumps` on each object of `to_dict()`."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    whole = result.to_dict()
    out = ["{\n"]
    for key in ("qnkpi", "programme", "as_of", "restated_to"):
        out.append(f"  {dump(key)}: {dump(whole[key])},\n")
    for key in ("checks", "assessments", "violations"):
        rows = whole[key]
        out.append(f'  "{key}": [' + ",".join("\n    " + dump(r) for r in rows)
                   + ("\n  ],\n" if rows else "],\n"))
    out.append(f'  "summary": {dump(whole["summary"])}\n}}\n')
    return "".join(out)


@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("restate", [False, True])
def test_json_result_is_byte_for_byte_json_dumps_of_to_dict(spec: str, restate: bool,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    loaded = qnkpi.load_spec(ROOT / spec)
    restate_to = loaded.programme.period.end if restate else None
    if restate and not loaded.org_units:
        pytest.skip("restating needs an org-units history")  # not an optional dependency
    monkeypatch.setattr(text, "BATCH", 7)  # many batches, so their joins are tested too
    result = qnkpi.evaluate(loaded, restate_to=restate_to)
    out = io.StringIO()
    result.write_json(out)
    assert out.getvalue() == _json_by_dicts(result)
    assert json.loads(out.getvalue()) == result.to_dict()


def test_json_result_of_awkward_texts_and_shapes_is_json_dumps_of_to_dict() -> None:
    """Notes with quotes, commas and line breaks, a `between` goal, an integer goal, a
    trend without a target (null goal and op) and missing values."""
    from qnkpi.testing import spec_from_dict, tiny_programme

    series = {"P": {2023: 10.0, 2024: None, 2025: 12.5}, "D1": {2023: 1.0, 2025: 3.0},
              "D2": {2024: 1e-05}}
    spec = spec_from_dict(tiny_programme(
        data={"x": series, "y": series},
        indicators={
            "within": {"kind": "value", "measure": "x", "direction": "increase", "targets": [
                {"year": 2024, "op": "between", "min": 5, "max": 20,
                 "note": 'say "hi", then\nnew line'},
                {"year": 2030, "op": "between", "min": 8, "max": 30, "goal": True}]},
            "whole": {"kind": "value", "measure": "x", "direction": "increase",
                      "targets": [{"year": 2030, "op": ">=", "value": 40}]},
            "trend": {"kind": "value", "measure": "y", "direction": "increase"},
        }))
    result = qnkpi.evaluate(spec)
    out = io.StringIO()
    result.write_json(out)
    assert out.getvalue() == _json_by_dicts(result)
    document = json.loads(out.getvalue())
    assert {a["indicator"] for a in document["assessments"]} >= {"whole", "trend"}
    assert any(isinstance(c["threshold"], list) for c in document["checks"])
