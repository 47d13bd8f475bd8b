"""Rules judged with numpy over whole panels agree, cell by cell, with a plain-Python
recomputation of every (unit, year)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qnkpi.engine.rules import judge_rules
from qnkpi.orgunits import OrgTree
from qnkpi.testing import spec_from_dict, tiny_programme

NAMES = ("a", "b", "c")
YEARS = [2023, 2024, 2025, 2026]
DISTRICTS = 4
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne}

# A rule as a tree: ("num", x), ("name", n), ("neg", e) or (op, left, right).
Tree = tuple[Any, ...]

numbers = st.sampled_from([0, 1, 2, 0.5, 3, 10, 100, 1.25])
leaves = st.one_of(numbers.map(lambda x: ("num", x)),
                   st.sampled_from(NAMES).map(lambda n: ("name", n)))
expressions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(lambda e: ("neg", e)),
        st.tuples(st.sampled_from("+-*/"), inner, inner)),
    max_leaves=6)
cells = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.0, -1.0, 0.5, 7.0, 100.0, 1e6]))
panels = st.lists(st.lists(cells, min_size=len(YEARS), max_size=len(YEARS)),
                  min_size=DISTRICTS + 1, max_size=DISTRICTS + 1)


def _text(tree: Tree) -> str:
    kind = tree[0]
    if kind == "num":
        return str(tree[1])
    if kind == "name":
        return str(tree[1])
    if kind == "neg":
        return f"-({_text(tree[1])})"
    return f"({_text(tree[1])} {kind} {_text(tree[2])})"


def _python(tree: Tree, cell: dict[str, float | None]) -> float | None:
    """The value at one cell, in plain Python; None where missing or dividing by 0."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "name":
        return cell[tree[1]]
    if kind == "neg":
        inner = _python(tree[1], cell)
        return None if inner is None else -inner
    left, right = _python(tree[1], cell), _python(tree[2], cell)
    if left is None or right is None:
        return None
    if kind == "/":
        return None if right == 0 else left / right
    return float({"+": operator.add, "-": operator.sub, "*": operator.mul}[kind](left, right))


def _expected(left: Tree, op: str, right: Tree,
              data: dict[str, list[list[float | None]]]) -> set[tuple[int, int]]:
    broken = set()
    for u in range(DISTRICTS + 1):
        for y in range(len(YEARS)):
            cell = {name: data[name][u][y] for name in NAMES}
            lhs, rhs = _python(left, cell), _python(right, cell)
            if lhs is None or rhs is None or not (math.isfinite(lhs) and math.isfinite(rhs)):
                continue
            if not COMPARE[op](lhs, rhs):
                broken.add((u, y))
    return broken


@settings(max_examples=300, deadline=None)
@given(left=expressions, op=st.sampled_from(list(COMPARE)), right=expressions,
       a=panels, b=panels, c=panels)
def test_numpy_over_panels_agrees_with_python_cell_by_cell(
        left: Tree, op: str, right: Tree, a: list[list[float | None]],
        b: list[list[float | None]], c: list[list[float | None]]) -> None:
    rule = f"{_text(left)} {op} {_text(right)}"
    assume(any(name in rule for name in NAMES))  # a rule names a measure
    data = {"a": a, "b": b, "c": c}
    programme = tiny_programme(measures={n: {"source": "data"} for n in NAMES},
                               data={n: {} for n in NAMES}, districts=DISTRICTS,
                               start=YEARS[0], end=YEARS[-1])
    programme["validation"] = [{"rule": rule}]
    spec = spec_from_dict(programme)
    tree = OrgTree.from_spec(spec.org_units, YEARS)
    measures = {n: np.array([[np.nan if v is None else v for v in row] for row in data[n]])
                for n in NAMES}
    [judged] = judge_rules(spec, tree, measures).rules
    got = {(int(u), int(y)) for u, y in zip(*np.nonzero(judged.broken), strict=True)}
    assert got == _expected(left, op, right, data), rule
    assert not (judged.broken & ~judged.judged).any()
    assert np.isfinite(judged.left[judged.judged]).all()


def test_a_division_by_zero_stays_unjudged_whatever_follows() -> None:
    programme = tiny_programme(measures={"b": {"source": "data"}}, data={"b": {}},
                               districts=1, start=2023, end=2024)
    programme["validation"] = [{"rule": "1 / (1 / b) > 5"}, {"rule": "0 * (1 / b) > 5"}]
    spec = spec_from_dict(programme)
    tree = OrgTree.from_spec(spec.org_units, [2023, 2024])
    panel = np.array([[0.0, 1.0], [np.nan, 2.0]])
    first, second = judge_rules(spec, tree, {"b": panel}).rules
    assert first.judged.tolist() == [[False, True], [False, True]]
    assert first.broken.tolist() == [[False, True], [False, True]]
    assert second.judged.tolist() == [[False, True], [False, True]]
