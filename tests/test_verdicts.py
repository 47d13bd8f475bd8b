"""qnkpi.verdicts: the codes as enums, compare / margin / verdicts on arrays, and the same
verdicts end to end."""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi.verdicts import (
    ASSESSMENT_STATUSES,
    OPS,
    STATUSES,
    VERDICTS,
    AssessmentStatus,
    CheckStatus,
    Op,
    Verdict,
    compare,
    margin,
    op_code,
    verdicts,
)

PLUGINS = plugins_with()


def _cell(value: float, op: str, lo: float, hi: float | None) -> tuple[Any, ...]:
    return (np.array([value], dtype=np.float64), np.array([op_code(op)], dtype=np.int8),
            np.array([lo], dtype=np.float64),
            np.array([lo if hi is None else hi], dtype=np.float64))


def _passes(value: float, op: str, lo: float, hi: float | None = None) -> bool:
    """compare() of a single cell."""
    return bool(compare(*_cell(value, op, lo, hi))[0])


def _one(value: float, op: str, lo: float, hi: float | None = None) -> tuple[bool, float]:
    """compare() and margin() of a single cell."""
    return _passes(value, op, lo, hi), float(margin(*_cell(value, op, lo, hi))[0])


# --- compare() and margin() on arrays ----------------------------------------------------

def test_op_and_status_codes() -> None:
    assert OPS == ("", ">", ">=", "<", "<=", "==", "between")
    # 4 is the verdict `exceeded`, never a check status; 5 `not_due` came in 0.3
    assert STATUSES == ("", "met", "not_met", "no_data", "", "not_due")
    assert [op_code(op) for op in OPS[1:]] == [1, 2, 3, 4, 5, 6]


def test_the_enums_and_the_name_tuples_agree() -> None:
    """The tuples name the codes the enums define, in code order: the JSON's words."""
    assert [op.symbol for op in Op] == list(OPS)
    assert [Op.of(symbol) for symbol in OPS] == list(Op)
    assert {int(s): s.key for s in CheckStatus} == {
        code: key for code, key in enumerate(STATUSES) if key or code == 0}
    assert [v.key for v in Verdict] == list(VERDICTS) == [
        "", "met", "not_met", "no_data", "exceeded", "not_due"]
    assert [a.key for a in AssessmentStatus] == list(ASSESSMENT_STATUSES)
    # a verdict is its check status, except for the one it splits `met` into
    assert all(Verdict(s) == s for s in CheckStatus)
    assert qnkpi.CheckStatus is CheckStatus and qnkpi.Verdict is Verdict
    assert qnkpi.Op is Op and qnkpi.AssessmentStatus is AssessmentStatus
    with pytest.raises(ValueError):
        Op.of("=>")


@pytest.mark.parametrize(("status", "op", "marg", "verdict"), [
    (CheckStatus.MET, ">=", 0.5, Verdict.EXCEEDED),
    (CheckStatus.MET, "<=", 0.5, Verdict.EXCEEDED),
    (CheckStatus.MET, ">=", 0.0, Verdict.MET),       # exactly on the threshold
    (CheckStatus.MET, ">", 0.5, Verdict.MET),        # "more than": met is all it can be
    (CheckStatus.MET, "==", 0.0, Verdict.MET),
    (CheckStatus.MET, "between", 5.0, Verdict.MET),
    (CheckStatus.NOT_MET, ">=", -1.0, Verdict.NOT_MET),
    (CheckStatus.NO_DATA, ">=", math.nan, Verdict.NO_DATA),
    (CheckStatus.NONE, "", math.nan, Verdict.NONE),
])
def test_verdicts(status: CheckStatus, op: str, marg: float, verdict: Verdict) -> None:
    got = verdicts(np.array([[status]], dtype=np.int8),
                   np.array([[op_code(op)]], dtype=np.int8), np.array([[marg]]))
    assert got.dtype == np.int8 and got.tolist() == [[verdict]]


def test_the_result_carries_the_verdict_panel_and_the_indicator() -> None:
    spec = spec_from_dict(tiny_programme(
        data={"x": {"D1": {2023: 50.0}, "D2": {2023: 50.5}, "D3": {2023: 49.0}}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "targets": [{"year": 2023, "op": ">=", "value": 50,
                                       "level": "district"}]}}), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    res = result.indicators["v"]
    col = result.years.tolist().index(2023)
    assert res.verdict[:, col].tolist() == [Verdict.NONE, Verdict.MET, Verdict.EXCEEDED,
                                            Verdict.NOT_MET]
    assert res.verdict is res.verdict  # computed once, then kept
    assert res.indicator is spec.indicators["v"]
    with pytest.warns(DeprecationWarning, match="IndicatorResult.indicator"):
        assert res.spec is res.indicator


@pytest.mark.parametrize(("value", "op", "lo", "hi", "passed", "marg"), [
    (50.0, ">", 50, None, False, 0.0),
    (50.0000001, ">", 50, None, True, 50.0000001 - 50.0),
    (49.9999999, ">", 50, None, False, 49.9999999 - 50.0),
    (50.0, ">=", 50, None, True, 0.0),
    (49.9999999, ">=", 50, None, False, 49.9999999 - 50.0),
    (50.0, "<", 50, None, False, 0.0),
    (49.5, "<", 50, None, True, 0.5),
    (50.0, "<=", 50, None, True, 0.0),
    (50.25, "<=", 50, None, False, -0.25),
    (100.0, "==", 100, None, True, 0.0),
    (99.99, "==", 100, None, False, -(100.0 - 99.99)),
    (100.5, "==", 100, None, False, -0.5),
    (40.0, "between", 40, 60, True, 0.0),
    (60.0, "between", 40, 60, True, 0.0),
    (45.0, "between", 40, 60, True, 5.0),
    (55.0, "between", 40, 60, True, 5.0),
    (39.75, "between", 40, 60, False, -0.25),
    (60.5, "between", 40, 60, False, -0.5),
])
def test_compare_and_margin_at_the_boundary(value: float, op: str, lo: float,
                                            hi: float | None, passed: bool,
                                            marg: float) -> None:
    assert _one(value, op, lo, hi) == (passed, marg)


@pytest.mark.parametrize("op", OPS[1:])
def test_nan_never_passes_and_has_no_margin(op: str) -> None:
    passed, marg = _one(math.nan, op, 50, 60 if op == "between" else None)
    assert passed is False
    assert math.isnan(marg)


def test_op_code_zero_means_no_target() -> None:
    value = np.array([1.0, 50.0, math.inf])
    op = np.zeros(3, np.int8)
    lo = np.zeros(3)
    assert not compare(value, op, lo, lo).any()
    assert np.isnan(margin(value, op, lo, lo)).all()


def test_compare_works_on_whole_panels() -> None:
    value = np.array([[50.0, 51.0, np.nan], [10.0, 20.0, 30.0]])
    op = np.array([[1, 1, 2], [6, 6, 6]], np.int8)
    lo = np.array([[50.0, 50.0, 50.0], [15.0, 15.0, 15.0]])
    hi = np.array([[50.0, 50.0, 50.0], [25.0, 25.0, 25.0]])
    assert compare(value, op, lo, hi).tolist() == [[False, True, False], [False, True, False]]
    np.testing.assert_array_equal(margin(value, op, lo, hi),
                                  [[0.0, 1.0, np.nan], [-5.0, 5.0, -5.0]])


PY_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
          "==": operator.eq}
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
# margin() subtracts; keep magnitudes where a difference cannot overflow
realistic = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)
any_value = st.floats(allow_nan=True, allow_infinity=True, width=64)


@given(value=any_value, lo=finite, hi=finite, op=st.sampled_from(OPS[1:]))
def test_compare_agrees_with_python_operators(value: float, lo: float, hi: float,
                                              op: str) -> None:
    lo, hi = (min(lo, hi), max(lo, hi)) if op == "between" else (lo, lo)
    expected = lo <= value <= hi if op == "between" else PY_OPS[op](value, lo)
    assert _passes(value, op, lo, hi) is expected


@given(values=st.lists(any_value, min_size=1, max_size=20), lo=finite,
       op=st.sampled_from(list(PY_OPS)))
def test_compare_agrees_with_python_operators_elementwise(values: list[float], lo: float,
                                                          op: str) -> None:
    n = len(values)
    got = compare(np.array(values), np.full(n, op_code(op), np.int8), np.full(n, lo),
                  np.full(n, lo))
    assert got.tolist() == [PY_OPS[op](v, lo) for v in values]


@given(value=realistic, lo=realistic, hi=realistic, op=st.sampled_from(OPS[1:]))
def test_margin_sign_matches_the_verdict(value: float, lo: float, hi: float, op: str) -> None:
    lo, hi = (min(lo, hi), max(lo, hi)) if op == "between" else (lo, lo)
    passed, marg = _one(value, op, lo, hi)
    if op in (">", "<"):
        assert passed == (marg > 0)
    elif op == "==":
        assert passed == (marg == 0)
        assert marg <= 0
    else:
        assert passed == (marg >= 0)


# --- the same verdicts through a spec ----------------------------------------------------

def _evaluate_top(value: float | None, target: dict[str, Any], *,
                  year: int = 2023) -> qnkpi.Check:
    """Evaluate a value indicator whose only target is on the province, in ``year``."""
    data = {"x": {"P": {year: value}, "D1": {year: 1.0}}}
    spec = spec_from_dict(tiny_programme(
        data=data, measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "targets": [{"year": year, **target}]}}), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    [check] = result.checks()
    assert (check.unit, check.year) == ("P", year)
    return check


@pytest.mark.parametrize(("value", "target", "status", "marg"), [
    (50.0, {"op": ">", "value": 50}, "not_met", 0.0),
    (50.0000001, {"op": ">", "value": 50}, "met", 50.0000001 - 50.0),
    (50.0, {"op": ">=", "value": 50}, "met", 0.0),
    (49.999, {"op": ">=", "value": 50}, "not_met", 49.999 - 50.0),
    (50.0, {"op": "<", "value": 50}, "not_met", 0.0),
    (49.0, {"op": "<", "value": 50}, "met", 1.0),
    (50.0, {"op": "<=", "value": 50}, "met", 0.0),
    (51.0, {"op": "<=", "value": 50}, "not_met", -1.0),
    (100.0, {"op": "==", "value": 100}, "met", 0.0),
    (99.99, {"op": "==", "value": 100}, "not_met", -(100.0 - 99.99)),
    (40.0, {"op": "between", "min": 40, "max": 60}, "met", 0.0),
    (60.0, {"op": "between", "min": 40, "max": 60}, "met", 0.0),
    (60.5, {"op": "between", "min": 40, "max": 60}, "not_met", -0.5),
    (39.0, {"op": "between", "min": 40, "max": 60}, "not_met", -1.0),
])
def test_verdicts_end_to_end(value: float, target: dict[str, Any], status: str,
                             marg: float) -> None:
    check = _evaluate_top(value, target)
    assert check.value == value
    assert check.op == target["op"]
    assert check.status == status
    assert check.margin == marg
    if target["op"] == "between":
        assert check.threshold == [float(target["min"]), float(target["max"])]
    else:
        assert check.threshold == float(target["value"])


@pytest.mark.parametrize("target", [{"op": ">", "value": 50}, {"op": "<=", "value": 50},
                                    {"op": "==", "value": 0},
                                    {"op": "between", "min": 0, "max": 100}])
def test_missing_value_is_no_data_never_a_verdict(target: dict[str, Any]) -> None:
    check = _evaluate_top(None, target)
    assert check.status == "no_data"
    assert check.value is None
    assert check.margin is None


def test_statuses_in_the_status_panel_and_json() -> None:
    spec = spec_from_dict(tiny_programme(
        data={"x": {"D1": {2023: 50.0}, "D2": {2023: 50.5}}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "targets": [{"year": 2023, "op": ">", "value": 50,
                                       "level": "district"}]}}), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    res = result.indicators["v"]
    col = result.years.tolist().index(2023)
    # rows: P, D1, D2, D3; P has no target here, D3 did not report
    assert res.status[:, col].tolist() == [0, 2, 1, 3]
    checks = result.to_dict()["checks"]
    assert [(c["unit"], c["status"], c["value"], c["margin"]) for c in checks] == [
        ("D1", "not_met", 50.0, 0.0), ("D2", "met", 50.5, 0.5), ("D3", "no_data", None, None)]
    assert result.to_dict()["summary"]["indicators"]["v"] == {"met": 1, "not_met": 1,
                                                               "no_data": 1}


@settings(max_examples=40, deadline=None)
@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
       .map(lambda x: round(x, 6)),  # a source reads 0 or numbers of at least 10^-12
       threshold=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       op=st.sampled_from(list(PY_OPS)))
def test_end_to_end_agrees_with_python_operators(value: float, threshold: float,
                                                 op: str) -> None:
    check = _evaluate_top(value, {"op": op, "value": threshold})
    assert check.status == ("met" if PY_OPS[op](value, threshold) else "not_met")
