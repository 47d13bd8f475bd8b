"""Properties: the top-level total does not depend on how the leaves are grouped, and
restating with weights that add up to 1 keeps it; a restated total with a missing part
never says it is complete."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
TOP: dict[str, Any] = {"code": "P", "name": "P", "level": "province"}
TOP_TARGET = {"year": 2023, "op": ">=", "value": -1e12}

Data = dict[str, dict[int, float | None]]
Lineage = tuple[list[dict[str, Any]], Data]

amount = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
maybe_amount = st.one_of(st.none(), amount)


def _evaluate(units: list[dict[str, Any]], data: Data, *,
              restate_to: int | None = None) -> qnkpi.Check:
    """The top unit's 2023 check."""
    doc = tiny_programme(data={"x": data}, indicators={"v": {
        "kind": "value", "measure": "x", "direction": "increase", "targets": [TOP_TARGET]}})
    doc["org_units"] = {"levels": ["province", "district", "commune"], "units": units}
    spec = spec_from_dict(doc, plugins=PLUGINS)
    result = qnkpi.evaluate(spec, year=2023, restate_to=restate_to, plugins=PLUGINS)
    (top,) = [c for c in result.checks() if c.unit == "P"]
    return top


def _grouped(groups: list[int]) -> list[dict[str, Any]]:
    """Leaves L0, L1, ... under districts: leaf i under district groups[i]; district -1
    puts the leaf directly under the province."""
    units = [TOP]
    units += [{"code": f"G{g}", "name": f"G{g}", "level": "district", "parent": "P"}
              for g in sorted(set(groups) - {-1})]
    units += [{"code": f"L{i}", "name": f"L{i}", "level": "commune",
               "parent": "P" if g == -1 else f"G{g}"} for i, g in enumerate(groups)]
    return units


@st.composite
def leaves_and_groupings(draw: st.DrawFn) -> tuple[list[float | None], list[list[int]]]:
    values = draw(st.lists(maybe_amount, min_size=1, max_size=10))
    n = len(values)
    grouping = st.lists(st.integers(-1, 3), min_size=n, max_size=n)
    return values, [draw(grouping) for _ in range(3)]


@settings(max_examples=40, deadline=None)
@given(case=leaves_and_groupings())
def test_the_top_total_does_not_depend_on_the_grouping(
        case: tuple[list[float | None], list[list[int]]]) -> None:
    values, groupings = case
    data = {f"L{i}": {2023: v} for i, v in enumerate(values)}
    known = [v for v in values if v is not None]
    for groups in groupings:
        top = _evaluate(_grouped(groups), data)
        if not known:
            assert top.value is None
            continue
        assert top.value == pytest.approx(sum(known), rel=1e-9, abs=1e-6)
        assert (top.expected_units, top.reported_units) == (len(values), len(known))


@st.composite
def lineages(draw: st.DrawFn) -> Lineage:
    """Districts D0.. that end on 30 June 2024, communes C0.. from 1 July 2024, each
    district split among communes with weights that add up to 1 (or, with one successor,
    perhaps no weight)."""
    n_old = draw(st.integers(1, 5))
    n_new = draw(st.integers(1, 5))
    preds: dict[int, list[dict[str, Any]]] = {j: [] for j in range(n_new)}
    for i in range(n_old):
        succ = draw(st.lists(st.integers(0, n_new - 1), min_size=1, max_size=n_new,
                             unique=True))
        if len(succ) == 1 and draw(st.booleans()):
            preds[succ[0]].append({"code": f"D{i}"})  # the only successor: weight 1
            continue
        raw = draw(st.lists(st.integers(1, 20), min_size=len(succ), max_size=len(succ)))
        for j, r in zip(succ, raw, strict=True):
            preds[j].append({"code": f"D{i}", "weight": r / sum(raw)})
    units = [TOP]
    units += [{"code": f"D{i}", "name": f"D{i}", "level": "district", "parent": "P",
               "valid_to": "2024-06-30"} for i in range(n_old)]
    units += [{"code": f"C{j}", "name": f"C{j}", "level": "commune", "parent": "P",
               "valid_from": "2024-07-01", "predecessors": preds[j]} for j in range(n_new)]
    values = draw(st.lists(amount, min_size=n_old, max_size=n_old))
    data: Data = {f"D{i}": {2023: v} for i, v in enumerate(values)}
    return units, data


@settings(max_examples=40, deadline=None)
@given(case=lineages())
def test_restating_with_weights_that_add_up_to_1_keeps_the_total(
        case: Lineage) -> None:
    units, data = case
    reported = _evaluate(units, data)
    restated = _evaluate(units, data, restate_to=2024)
    assert reported.value is not None and restated.value is not None
    assert restated.basis == "restated" and reported.basis == "as_reported"
    assert restated.value == pytest.approx(reported.value, rel=1e-9, abs=1e-6)
    # every commune got something whole: the restated total is complete
    receivers = sum(bool(u.get("predecessors")) for u in units)
    assert restated.reported_units == receivers
    assert restated.expected_units == sum(u["level"] == "commune" for u in units)


@settings(max_examples=40, deadline=None)
@given(case=lineages(), silent=st.integers(0, 4))
def test_a_missing_predecessor_is_never_passed_off_as_complete(
        case: Lineage, silent: int) -> None:
    units, data = case
    code = f"D{silent % len(data)}"
    data = {**data, code: {2023: None}}
    restated = _evaluate(units, data, restate_to=2024)
    if restated.value is not None:
        assert restated.expected_units is not None and restated.reported_units is not None
        assert restated.reported_units < restated.expected_units
        assert restated.coverage is not None and restated.coverage < 1


@st.composite
def generations(draw: st.DrawFn) -> Lineage:
    """Three generations of districts: G0 until 30 June 2024, G1 from 1 July 2024 to
    30 June 2025, G2 from 1 July 2025; each unit splits among the next generation with
    weights that add up to 1, or, with one successor, no weight."""
    sizes = [draw(st.integers(1, 4)) for _ in range(3)]
    spans = [(None, "2024-06-30"), ("2024-07-01", "2025-06-30"), ("2025-07-01", None)]
    preds: list[dict[int, list[dict[str, Any]]]] = [{j: [] for j in range(n)} for n in sizes]
    for g in range(2):
        for i in range(sizes[g]):
            succ = draw(st.lists(st.integers(0, sizes[g + 1] - 1), min_size=1,
                                 max_size=sizes[g + 1], unique=True))
            if len(succ) == 1 and draw(st.booleans()):
                preds[g + 1][succ[0]].append({"code": f"G{g}U{i}"})
                continue
            raw = draw(st.lists(st.integers(1, 20), min_size=len(succ), max_size=len(succ)))
            for j, r in zip(succ, raw, strict=True):
                preds[g + 1][j].append({"code": f"G{g}U{i}", "weight": r / sum(raw)})
    units = [TOP]
    for g, (start, end) in enumerate(spans):
        for i in range(sizes[g]):
            unit: dict[str, Any] = {"code": f"G{g}U{i}", "name": f"G{g}U{i}",
                                    "level": "district", "parent": "P"}
            if start:
                unit["valid_from"] = start
            if end:
                unit["valid_to"] = end
            if preds[g][i]:
                unit["predecessors"] = preds[g][i]
            units.append(unit)
    values = draw(st.lists(amount, min_size=sizes[0], max_size=sizes[0]))
    return units, {f"G0U{i}": {2023: v} for i, v in enumerate(values)}


@settings(max_examples=40, deadline=None)
@given(case=generations())
def test_restating_across_two_changes_keeps_the_total(case: Lineage) -> None:
    units, data = case
    reported = _evaluate(units, data)
    assert reported.value is not None
    for to in (2024, 2025, 2026):  # one change crossed, then two
        restated = _evaluate(units, data, restate_to=to)
        assert restated.value == pytest.approx(reported.value, rel=1e-9, abs=1e-6), to
