"""Each year on its own tree: units belong to the tree of the years whose reference day
falls within their validity, and a code with several records reads under the name in
force each year (assessments and JSON under the latest)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()


def _district(code: str, **dates: str) -> dict[str, Any]:
    return {"code": code, "name": f"Huyện {code}", "level": "district", "parent": "P", **dates}


#: Around a reform on 1 July 2025, and the two days either side of 31 December.
REFORM_UNITS = [
    {"code": "P", "name": "Tỉnh", "level": "province"},
    _district("OLD", valid_to="2025-06-30"),
    _district("NEW", valid_from="2025-07-01"),
    _district("LATE", valid_from="2025-12-31"),
    _district("EARLY", valid_to="2025-12-30"),
]


def _reform_spec(reference_day: str | None = None) -> qnkpi.Spec:
    org: dict[str, Any] = {"levels": ["province", "district"], "units": REFORM_UNITS}
    if reference_day is not None:
        org["reference_day"] = reference_day
    doc = tiny_programme(
        data={"x": {"OLD": {2024: 1.0}, "NEW": {2026: 2.0}, "LATE": {2026: 4.0},
                    "EARLY": {2024: 8.0}}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "targets": [{"years": [2023, 2030], "op": ">=", "value": 0,
                                       "level": "district"},
                                      {"years": [2023, 2030], "op": ">=", "value": 0}]}})
    doc["org_units"] = org
    return spec_from_dict(doc, plugins=PLUGINS)


def _members(result: qnkpi.Result, year: int) -> set[str]:
    tree = result.tree
    col = year - int(tree.years[0])
    return {code for code, ok in zip(tree.codes, tree.valid[:, col].tolist(), strict=True)
            if ok}


def _checked(result: qnkpi.Result, year: int) -> set[str]:
    return {c.unit for c in result.checks() if c.year == year and c.level == "district"}


def test_default_reference_day_is_31_december() -> None:
    result = qnkpi.evaluate(_reform_spec(), plugins=PLUGINS)
    assert _members(result, 2024) == {"P", "OLD", "EARLY"}
    # valid_to 30 June: gone from 2025's tree; valid_from 31 Dec: in it; to 30 Dec: not
    assert _members(result, 2025) == {"P", "NEW", "LATE"}
    assert _members(result, 2030) == {"P", "NEW", "LATE"}
    assert _checked(result, 2024) == {"OLD", "EARLY"}
    assert _checked(result, 2025) == {"NEW", "LATE"}


def test_default_reference_day_rolls_up_each_years_tree() -> None:
    result = qnkpi.evaluate(_reform_spec(), plugins=PLUGINS)
    top = {c.year: c.value for c in result.checks() if c.unit == "P"}
    assert top[2024] == 9.0  # OLD 1 + EARLY 8
    assert top[2026] == 6.0  # NEW 2 + LATE 4


def test_reference_day_30_june_moves_the_reform_year() -> None:
    spec = _reform_spec("06-30")
    assert spec.org_units.reference_day == "06-30"
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert _members(result, 2024) == {"P", "OLD", "EARLY"}
    # on 30 June 2025 OLD (to 30 June) and EARLY (to 30 Dec) are in force, NEW not yet
    assert _members(result, 2025) == {"P", "OLD", "EARLY"}
    assert _members(result, 2026) == {"P", "NEW", "LATE"}
    assert _checked(result, 2025) == {"OLD", "EARLY"}


@pytest.mark.parametrize(("reference_day", "member"), [("12-31", True), ("12-30", False)])
def test_a_unit_born_on_the_reference_day_belongs_to_that_year(
        reference_day: str, member: bool) -> None:
    result = qnkpi.evaluate(_reform_spec(reference_day), plugins=PLUGINS)
    assert ("LATE" in _members(result, 2025)) is member
    # and the unit that ends the day before 31 Dec is in 2025's tree only with 12-30
    assert ("EARLY" in _members(result, 2025)) is not member


def test_a_reference_day_that_is_no_day_is_an_error() -> None:
    doc = tiny_programme(data={"x": {"P": {2023: 1.0}}})
    doc["org_units"]["reference_day"] = "02-30"
    with pytest.raises(qnkpi.SpecError, match="'02-30' is not a day of the year"):
        spec_from_dict(doc, plugins=PLUGINS)


# --- one code, several records -------------------------------------------------------------

OLD_NAME, NEW_NAME = "Thị Đoàn X", "Thành Đoàn X"


def _renamed_spec(newest_first: bool = False) -> qnkpi.Spec:
    records = [
        {"code": "X", "name": OLD_NAME, "level": "district", "parent": "P",
         "valid_to": "2024-10-31"},
        {"code": "X", "name": NEW_NAME, "level": "district", "parent": "P",
         "valid_from": "2024-11-01"},
    ]
    if newest_first:
        records.reverse()
    doc = tiny_programme(
        data={"x": {"X": {2023: 1.0, 2024: 2.0, 2025: 3.0}, "Y": {2023: 5.0, 2025: 5.0}}},
        indicators={"v": {
            "kind": "value", "measure": "x", "direction": "increase",
            "targets": [{"years": [2023, 2029], "op": ">=", "value": 0, "level": "district"},
                        {"year": 2030, "op": ">=", "value": 10, "level": "district",
                         "goal": True}],
            "assessment": {"methods": ["linear_path"]}}})
    doc["org_units"] = {"levels": ["province", "district"], "units": [
        {"code": "P", "name": "Tỉnh", "level": "province"},
        *records,
        {"code": "Y", "name": "Huyện Y", "level": "district", "parent": "P"}]}
    return spec_from_dict(doc, plugins=PLUGINS)


@pytest.mark.parametrize("newest_first", [False, True])
def test_one_code_with_two_records_is_one_row(newest_first: bool) -> None:
    result = qnkpi.evaluate(_renamed_spec(newest_first), plugins=PLUGINS)
    assert result.tree.codes.count("X") == 1
    assert result.tree.valid[result.tree.index["X"]].all()
    values = {c.year: c.value for c in result.checks() if c.unit == "X"}
    assert values == {2023: 1.0, 2024: 2.0, 2025: 3.0}


@pytest.mark.parametrize("newest_first", [False, True])
def test_checks_carry_the_name_in_force_that_year(newest_first: bool) -> None:
    result = qnkpi.evaluate(_renamed_spec(newest_first), plugins=PLUGINS)
    names = {c.year: c.unit_name for c in result.checks() if c.unit == "X"}
    # the reference day of 2024 (31 Dec) is after the renaming on 1 Nov 2024
    assert names == {2023: OLD_NAME, 2024: NEW_NAME, 2025: NEW_NAME}
    assert {c.unit_name for c in result.checks() if c.unit == "Y"} == {"Huyện Y"}


@pytest.mark.parametrize("newest_first", [False, True])
def test_assessments_use_the_latest_name(newest_first: bool) -> None:
    result = qnkpi.evaluate(_renamed_spec(newest_first), plugins=PLUGINS)
    rows = [r for r in result.assessment_rows() if r["unit"] == "X"]
    assert rows, "X has a goal, so it is assessed"
    assert {r["unit_name"] for r in rows} == {NEW_NAME}
    assert result.tree.latest_names()[result.tree.index["X"]] == NEW_NAME


def test_json_result_carries_the_names_of_each_year_and_the_latest() -> None:
    result = qnkpi.evaluate(_renamed_spec(), plugins=PLUGINS)
    stream = io.StringIO()
    result.write_json(stream)
    doc = json.loads(stream.getvalue())
    names = {c["year"]: c["unit_name"] for c in doc["checks"] if c["unit"] == "X"}
    assert names == {2023: OLD_NAME, 2024: NEW_NAME, 2025: NEW_NAME}
    assert {a["unit_name"] for a in doc["assessments"] if a["unit"] == "X"} == {NEW_NAME}
    # the JSON is UTF-8 text, not \\u escapes
    assert OLD_NAME in stream.getvalue()
    assert doc == result.to_dict()
