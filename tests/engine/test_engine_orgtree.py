"""OrgTree on numpy arrays: the tree per year, roll-up by rule, and subtree counts.

The tree has three levels and a commune ("CX") placed directly under the province,
skipping the district level::

    P ─┬─ D1 ─┬─ C11
       │      └─ C12
       ├─ D2 ─── C21
       └─ CX            (valid from 2024 only)
"""

from __future__ import annotations

import numpy as np
import pytest

from qnkpi.orgunits import OrgTree
from qnkpi.spec.tree import OrgUnitsSpec

NAN = np.nan
CODES = ("P", "D1", "D2", "C11", "C12", "C21", "CX")


def _tree() -> OrgTree:
    spec = OrgUnitsSpec.model_validate({
        "levels": ["province", "district", "commune"],
        "units": [
            {"code": "P", "name": "Province", "level": "province"},
            {"code": "D1", "name": "District 1", "level": "district", "parent": "P"},
            {"code": "D2", "name": "District 2", "level": "district", "parent": "P"},
            {"code": "C11", "name": "Commune 11", "level": "commune", "parent": "D1"},
            {"code": "C12", "name": "Commune 12", "level": "commune", "parent": "D1"},
            {"code": "C21", "name": "Commune 21", "level": "commune", "parent": "D2"},
            {"code": "CX", "name": "Commune X", "level": "commune", "parent": "P",
             "valid_from": "2024-01-01"},
        ]})
    return OrgTree.from_spec(spec, [2023, 2024])


def _panel(**values: tuple[float, float]) -> np.ndarray:
    """A 7 x 2 panel, NaN except for the units given (code -> (2023, 2024))."""
    out = np.full((len(CODES), 2), NAN)
    for code, pair in values.items():
        out[CODES.index(code)] = pair
    return out


def _col(panel: np.ndarray, year: int) -> dict[str, float]:
    return dict(zip(CODES, panel[:, year - 2023].tolist(), strict=True))


def test_structure() -> None:
    tree = _tree()
    assert tree.codes == CODES
    assert tree.shape == (7, 2)
    assert tree.levels == ("province", "district", "commune")
    assert tree.level_of.tolist() == [0, 1, 1, 2, 2, 2, 2]
    assert tree.years.tolist() == [2023, 2024]
    # CX is not in 2023's tree (valid from 1 Jan 2024; the reference day is 31 Dec)
    assert tree.valid[:, 0].tolist() == [True] * 6 + [False]
    assert tree.valid[:, 1].all()
    assert tree.parent[:, 0].tolist() == [-1, 0, 0, 1, 1, 2, -1]
    assert tree.parent[:, 1].tolist() == [-1, 0, 0, 1, 1, 2, 0]


def test_masks() -> None:
    tree = _tree()
    assert tree.top_mask()[:, 1].tolist() == [True] + [False] * 6
    # in 2023 CX has no parent but is outside the tree, so it is not a top unit
    assert tree.top_mask()[:, 0].tolist() == [True] + [False] * 6
    assert tree.leaf_mask()[:, 1].tolist() == [False, False, False, True, True, True, True]
    assert tree.leaf_mask()[:, 0].tolist() == [False, False, False, True, True, True, False]
    assert tree.level_mask("commune")[:, 0].tolist() == [False] * 3 + [True] * 3 + [False]
    assert tree.level_mask(["province", "district"])[:, 1].tolist() == [True] * 3 + [False] * 4
    assert np.isnan(tree.empty()).all() and tree.empty().shape == (7, 2)


# C11=1, C12=2, C21=4, CX=8, and D2 reports 10 itself (its own value wins over C21's 4)
VALUES = _panel(C11=(1, 1), C12=(2, 2), C21=(4, 4), CX=(8, 8), D2=(10, 10))


@pytest.mark.parametrize(("how", "d1", "p_2023", "p_2024"), [
    ("sum", 3.0, 13.0, 21.0),            # P = D1 + D2 (+ CX in 2024)
    ("mean", 1.5, 5.75, 6.5),            # P = mean(1.5, 10) ; mean(1.5, 10, 8)
    ("min", 1.0, 1.0, 1.0),
    ("max", 2.0, 10.0, 10.0),
])
def test_rollup_rules_with_a_skipped_level(how: str, d1: float, p_2023: float,
                                           p_2024: float) -> None:
    tree = _tree()
    out = tree.rollup(VALUES, how)  # type: ignore[arg-type]
    y2023, y2024 = _col(out, 2023), _col(out, 2024)
    assert y2024 == {"P": p_2024, "D1": d1, "D2": 10.0, "C11": 1.0, "C12": 2.0, "C21": 4.0,
                     "CX": 8.0}
    assert y2023["P"] == p_2023 and y2023["D1"] == d1 and y2023["D2"] == 10.0
    # outside its year's tree a unit is missing, whatever it reported
    assert np.isnan(y2023["CX"])


def test_rollup_none_keeps_only_reported_values() -> None:
    out = _tree().rollup(VALUES, "none")
    y2024 = _col(out, 2024)
    assert np.isnan(y2024["P"]) and np.isnan(y2024["D1"])
    assert y2024["D2"] == 10.0 and y2024["CX"] == 8.0
    assert np.isnan(_col(out, 2023)["CX"])


def test_rollup_own_value_takes_precedence_at_every_level() -> None:
    values = VALUES.copy()
    values[CODES.index("P")] = (100.0, NAN)
    out = _tree().rollup(values, "sum")
    assert out[0].tolist() == [100.0, 21.0]


def test_rollup_missing_where_no_child_has_a_value() -> None:
    out = _tree().rollup(_panel(C21=(NAN, 5.0)), "sum")
    assert np.isnan(out[CODES.index("D1")]).all()
    assert np.isnan(_col(out, 2023)["P"]) and np.isnan(_col(out, 2023)["D2"])
    assert _col(out, 2024)["D2"] == 5.0 and _col(out, 2024)["P"] == 5.0


def test_rollup_does_not_modify_its_input() -> None:
    values = VALUES.copy()
    _tree().rollup(values, "sum")
    np.testing.assert_array_equal(values, VALUES)


def test_subtree_count_includes_the_unit_itself() -> None:
    tree = _tree()
    leaves = tree.leaf_mask()
    counts = tree.subtree_count(leaves)
    assert _col(counts, 2024) == {"P": 4.0, "D1": 2.0, "D2": 1.0, "C11": 1.0, "C12": 1.0,
                                  "C21": 1.0, "CX": 1.0}
    assert _col(counts, 2023)["P"] == 3.0 and _col(counts, 2023)["CX"] == 0.0
    everything = tree.subtree_count(np.ones((7, 2), bool))
    assert _col(everything, 2024) == {"P": 7.0, "D1": 3.0, "D2": 2.0, "C11": 1.0,
                                      "C12": 1.0, "C21": 1.0, "CX": 1.0}
    assert _col(everything, 2023)["P"] == 6.0  # CX not in 2023's tree


def test_subtree_count_of_a_few_flags() -> None:
    flags = np.zeros((7, 2), bool)
    flags[CODES.index("D2")] = True
    flags[CODES.index("C12")] = (True, False)
    flags[CODES.index("CX")] = True
    counts = _tree().subtree_count(flags)
    assert _col(counts, 2023) == {"P": 2.0, "D1": 1.0, "D2": 1.0, "C11": 0.0, "C12": 1.0,
                                  "C21": 0.0, "CX": 0.0}
    assert _col(counts, 2024) == {"P": 2.0, "D1": 0.0, "D2": 1.0, "C11": 0.0, "C12": 0.0,
                                  "C21": 0.0, "CX": 1.0}
