"""Properties of verdicts: monotone in the value, and no_data exactly where data is missing."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
N = 4

# Data values to 6 decimals: a source reads 0 or numbers of at least 10^-12 in size, and
# a sum or difference of two such values is 0 or at least about 10^-6 in size.
value = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 6))
threshold = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
delta = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 6))


def _statuses(values: list[float | None], op: str, limit: float, direction: str,
              rollup: str = "sum") -> dict[str, tuple[float | None, str]]:
    data = {"x": {f"D{i}": {2023: v} for i, v in enumerate(values, start=1)}}
    ind: dict[str, Any] = {
        "kind": "value", "measure": "x", "direction": direction,
        "targets": [{"year": 2023, "op": op, "value": limit, "level": "district"},
                    {"year": 2023, "op": op, "value": limit}]}
    spec = spec_from_dict(tiny_programme(
        data=data, districts=len(values), measures={"x": {"source": "data", "rollup": rollup}},
        indicators={"v": ind}), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS, year=2023)
    return {c.unit: (c.value, c.status) for c in result.checks()}


@settings(max_examples=60, deadline=None)
@given(values=st.lists(value, min_size=N, max_size=N), limit=threshold,
       op=st.sampled_from([">", ">="]), unit=st.integers(0, N - 1), up=delta,
       rollup=st.sampled_from(["sum", "mean", "min", "max"]))
def test_raising_a_value_never_breaks_an_increasing_target(
        values: list[float], limit: float, op: str, unit: int, up: float,
        rollup: str) -> None:
    before = _statuses(list(values), op, limit, "increase", rollup)
    raised: list[float | None] = list(values)
    raised[unit] = values[unit] + up
    after = _statuses(raised, op, limit, "increase", rollup)
    assert before.keys() == after.keys() == {"P", "D1", "D2", "D3", "D4"}
    for code, (_, status) in before.items():
        if status == "met":
            assert after[code][1] == "met", code


@settings(max_examples=60, deadline=None)
@given(values=st.lists(value, min_size=N, max_size=N), limit=threshold,
       op=st.sampled_from(["<", "<="]), unit=st.integers(0, N - 1), down=delta,
       rollup=st.sampled_from(["sum", "mean", "min", "max"]))
def test_lowering_a_value_never_breaks_a_decreasing_target(
        values: list[float], limit: float, op: str, unit: int, down: float,
        rollup: str) -> None:
    before = _statuses(list(values), op, limit, "decrease", rollup)
    lowered: list[float | None] = list(values)
    lowered[unit] = values[unit] - down
    after = _statuses(lowered, op, limit, "decrease", rollup)
    for code, (_, status) in before.items():
        if status == "met":
            assert after[code][1] == "met", code


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), value), min_size=N, max_size=N),
       limit=threshold, op=st.sampled_from([">", ">=", "<", "<=", "=="]))
def test_no_data_if_and_only_if_the_value_is_missing(values: list[float | None], limit: float,
                                                     op: str) -> None:
    statuses = _statuses(values, op, limit, "increase")
    for i, v in enumerate(values, start=1):
        got_value, status = statuses[f"D{i}"]
        assert got_value == v
        assert (status == "no_data") == (v is None)
    province_value, province_status = statuses["P"]
    reported = [v for v in values if v is not None]
    assert (province_status == "no_data") == (not reported)
    assert (province_value is None) == (not reported)
