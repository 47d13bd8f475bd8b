"""Cross-reference checks (qnkpi.spec.checks): what the models alone cannot see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from qnkpi import evaluate
from qnkpi.errors import Problem, SpecError
from qnkpi.spec.checks import check_spec, indicator_order
from qnkpi.testing import spec_from_dict, tiny_programme

#: spec_from_dict's file name (base_dir "." / "<dict>")
DICT_FILE = Path("<dict>")

VALUE = {"kind": "value", "measure": "x", "direction": "increase"}


def _share(of: str, level: Any = "district") -> dict[str, Any]:
    return {"kind": "share_of_units", "of": of, "level": level,
            "rule": {"op": ">=", "value": 1}, "direction": "increase"}


def _programme(**indicators: Any) -> dict[str, Any]:
    return tiny_programme(data={"x": {"P": {2023: 5}}, "y": {"P": {2023: 10}}},
                          indicators=indicators)


def _text(data: dict[str, Any]) -> str:
    """The YAML spec_from_dict parses (the same dump settings)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _line(data: dict[str, Any], fragment: str, after: str | None = None) -> int:
    """The 1-based line of the one line that ends with ``fragment`` (after the first line
    that contains ``after``, if given); fails unless exactly one such line exists."""
    lines = _text(data).splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    found = [i + 1 for i in range(start, len(lines)) if lines[i].rstrip().endswith(fragment)]
    assert len(found) == 1, f"{fragment!r} is on lines {found}"
    return found[0]


def _problems(data: dict[str, Any]) -> tuple[Problem, ...]:
    with pytest.raises(SpecError) as info:
        spec_from_dict(data)
    assert all(p.file == DICT_FILE for p in info.value.problems)
    return info.value.problems


def _only(data: dict[str, Any]) -> Problem:
    problems = _problems(data)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_sound_spec_has_no_problems() -> None:
    spec = spec_from_dict(_programme(
        x_value={**VALUE, "targets": [{"year": 2024, "op": ">=", "value": 1,
                                       "level": "district"}]},
        share=_share("x_value"),
        both={"kind": "sum", "measures": ["x", "y"], "direction": "increase"},
        r={"kind": "ratio", "numerator": "x", "denominator": "y", "direction": "increase",
           "targets": [{"years": [2023, 2030], "op": ">", "value": 0, "units": ["D1", "P"]}]},
    ))
    assert check_spec(spec) == []
    assert spec.warnings == ()


# --- measures and indicators that must exist -------------------------------------------------


def test_an_unknown_measure_in_a_ratio_suggests_the_closest() -> None:
    data = _programme(r={"kind": "ratio", "numerator": "xx", "denominator": "y",
                         "direction": "increase"})
    problem = _only(data)
    assert problem.message == "unknown measure 'xx'; did you mean 'x'?"
    assert (problem.line, problem.column) == (_line(data, "numerator: xx"), 16)


def test_unknown_measures_with_no_close_match_are_all_reported() -> None:
    data = _programme(r={"kind": "ratio", "numerator": "alpha", "denominator": "omega",
                         "direction": "increase"})
    problems = _problems(data)
    assert [(p.line, p.message) for p in problems] == [
        (_line(data, "numerator: alpha"), "unknown measure 'alpha'"),
        (_line(data, "denominator: omega"), "unknown measure 'omega'"),
    ]


def test_an_unknown_measure_in_a_sum_is_located_at_its_item() -> None:
    data = _programme(s={"kind": "sum", "measures": ["x", "q"], "direction": "increase"})
    problem = _only(data)
    assert problem.message == "unknown measure 'q'"
    assert problem.line == _line(data, "- q")


def test_an_unknown_measure_in_a_value_indicator() -> None:
    data = _programme(v={**VALUE, "measure": "yy"})
    problem = _only(data)
    assert problem.message == "unknown measure 'yy'; did you mean 'y'?"
    assert problem.line == _line(data, "measure: yy")


def test_an_indicator_that_refers_to_itself() -> None:
    data = _programme(s=_share("s"))
    problem = _only(data)  # not also reported as a circle
    assert problem.message == "indicator 's' refers to itself; name another indicator"
    assert problem.line == _line(data, "of: s")


def test_indicators_in_a_circle() -> None:
    data = _programme(a=_share("b"), b=_share("a"))
    problem = _only(data)
    assert problem.message == ("indicators depend on each other in a circle: a -> b -> a; "
                               "break the circle")
    # at the body of the first indicator of the circle
    assert (problem.line, problem.column) == (_line(data, "  a:", after="indicators:") + 1, 5)


def test_a_longer_circle_is_named_in_full() -> None:
    data = _programme(v=VALUE, a=_share("b"), b=_share("c"), c=_share("a"), d=_share("a"))
    problem = _only(data)
    assert problem.message == ("indicators depend on each other in a circle: a -> b -> c -> a; "
                               "break the circle")


def test_an_unknown_indicator_in_share_of_units() -> None:
    data = _programme(v=VALUE, s=_share("vv"))
    problem = _only(data)
    assert problem.message == "unknown indicator 'vv'; did you mean 'v'?"
    assert problem.line == _line(data, "of: vv")


def test_an_unknown_level_in_share_of_units() -> None:
    data = _programme(v=VALUE, s=_share("v", level="distrct"))
    problem = _only(data)
    assert problem.message == ("unknown level 'distrct'; did you mean 'district'?; "
                               "levels: province, district")
    assert problem.line == _line(data, "level: distrct")


def test_every_unknown_level_of_a_list_is_reported() -> None:
    data = _programme(v=VALUE, s=_share("v", level=["province", "commune", "ward"]))
    problems = _problems(data)
    assert [p.message for p in problems] == [
        "unknown level 'commune'; levels: province, district",
        "unknown level 'ward'; levels: province, district",
    ]


def test_indicator_order_puts_inputs_first() -> None:
    spec = spec_from_dict(_programme(top=_share("mid", level=["province", "district"]),
                                     mid=_share("v"), v=VALUE, other=VALUE))
    order = indicator_order(spec)
    assert sorted(order) == ["mid", "other", "top", "v"]
    assert order.index("v") < order.index("mid") < order.index("top")


# --- sources ---------------------------------------------------------------------------------


def test_an_unknown_source_in_a_measure() -> None:
    data = _programme(v=VALUE)
    data["measures"]["x"]["source"] = "dat"
    problem = _only(data)
    assert problem.message == "unknown source 'dat'; did you mean 'data'?; sources: data"
    assert (problem.line, problem.column) == (_line(data, "source: dat"), 13)


def test_an_unknown_source_when_there_are_none() -> None:
    data = _programme(v=VALUE)
    data["sources"] = {}
    data["measures"] = {"x": {"source": "data"}}
    problem = _only(data)
    assert problem.message == "unknown source 'data'; sources: none"


def test_aggregate_on_an_inline_source() -> None:
    data = _programme(v=VALUE)
    data["measures"]["x"]["aggregate"] = "sum"
    problem = _only(data)
    assert problem.message == ("source 'data' is of type 'inline', which holds no rows to "
                               "aggregate")
    assert problem.line == _line(data, "aggregate: sum")


def test_aggregate_on_a_table_source_is_fine() -> None:
    data = _programme(v=VALUE)
    data["sources"]["log"] = {"type": "csv", "path": "log.csv", "unit": "u", "year": "y"}
    data["measures"]["events"] = {"source": "log", "column": "id", "aggregate": "count"}
    assert spec_from_dict(data).measures["events"].aggregate == "count"


# --- targets ---------------------------------------------------------------------------------


def test_a_target_year_outside_the_period() -> None:
    data = _programme(v={**VALUE, "targets": [{"year": 2031, "op": ">=", "value": 1}]})
    problem = _only(data)
    assert problem.message == ("year 2031 is outside the programme's period 2023-2030; "
                               "change the target's year or the programme's period")
    assert problem.line == _line(data, "year: 2031")


def test_target_years_outside_the_period() -> None:
    data = _programme(v={**VALUE, "targets": [
        {"years": [2020, 2024], "op": ">=", "value": 1},
        {"years": [2019, 2035], "op": ">=", "value": 1},
        {"years": [2023, 2030], "op": ">=", "value": 1},
    ]})
    problems = _problems(data)
    assert sorted(p.message for p in problems) == [
        f"year {y} is outside the programme's period 2023-2030; change the target's year "
        "or the programme's period" for y in (2019, 2020, 2035)]
    assert {p.line for p in problems if "2020" in p.message} == {_line(data, "- 2020")}


def test_a_baseline_after_the_programme() -> None:
    data = _programme(v={**VALUE, "baseline": {"year": 2031, "value": 1}})
    problem = _only(data)
    assert problem.message == "baseline year 2031 is after the programme ends (2030)"
    assert problem.line == _line(data, "year: 2031")


def test_an_unknown_target_level() -> None:
    data = _programme(v={**VALUE, "targets": [{"year": 2024, "op": ">=", "value": 1,
                                               "level": "distict"}]})
    problem = _only(data)
    assert problem.message == ("unknown level 'distict'; did you mean 'district'?; levels: "
                               "province, district")
    assert problem.line == _line(data, "level: distict")


def test_unknown_target_unit_codes() -> None:
    data = _programme(v={**VALUE, "targets": [{"year": 2024, "op": ">=", "value": 1,
                                               "units": ["D1", "D11", "XYZ"]}]})
    problems = _problems(data)
    assert [(p.line, p.message) for p in problems] == [
        (_line(data, "- D11"), "unknown unit code 'D11'; did you mean 'D1'?"),
        (_line(data, "- XYZ"), "unknown unit code 'XYZ'"),
    ]



@pytest.mark.parametrize("marked", [None, 0, 1])
def test_targets_tied_for_the_goal_are_no_problem(marked: int | None) -> None:
    """Each is the goal at its own units (tests/assess/test_assess_goals.py)."""
    targets: list[dict[str, Any]] = [
        {"year": 2030, "op": ">=", "value": 2},
        {"year": 2030, "op": ">=", "value": 1, "level": "district"}]
    if marked is not None:
        targets[marked]["goal"] = True
    spec = spec_from_dict(_programme(v={**VALUE, "targets": targets}))
    assert check_spec(spec) == []
    assert spec.warnings == ()


def test_targets_ending_in_different_years_need_no_goal_mark() -> None:
    spec = spec_from_dict(_programme(v={**VALUE, "targets": [
        {"year": 2030, "op": ">=", "value": 2}, {"year": 2025, "op": ">=", "value": 1}]}))
    assert check_spec(spec) == []


def test_two_targets_on_the_same_units_in_the_goal_year_are_an_error_already() -> None:
    """Marking one the goal settles the tie, not the overlap: one unit, one threshold."""
    spec = spec_from_dict(_programme(v={**VALUE, "targets": [
        {"year": 2030, "op": ">=", "value": 2},
        {"year": 2030, "op": ">=", "value": 3, "goal": True}]}))
    with pytest.raises(SpecError, match=r"this target and target #1 both apply to unit 'P' "
                       r"in 2030"):
        evaluate(spec)


# --- org units -------------------------------------------------------------------------------


def test_duplicate_unit_codes() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][2]["code"] = "D1"
    problem = _only(data)
    assert problem.message == (
        "unit code 'D1' is used by units #2 and #3, both in force from the start; a code "
        "names one unit at a time: give the records valid_from/valid_to that do not overlap, "
        "or another code")
    lines = [i for i, line in enumerate(_text(data).splitlines(), start=1)
             if line.strip() == "- code: D1"]
    assert problem.line == lines[1]


def test_an_unknown_parent() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][2]["parent"] = "Q"
    problem = _only(data)
    assert problem.message == ("parent 'Q' of unit 'D2' is not a unit; add the parent to "
                               "the org units, or correct the code")
    assert problem.line == _line(data, "parent: Q")


def test_an_unknown_parent_is_never_said_to_be_the_unit_itself() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][2]["parent"] = "D22"  # closest code: D2, the unit itself
    assert _only(data).message == ("parent 'D22' of unit 'D2' is not a unit; add the parent "
                                   "to the org units, or correct the code")


def test_an_unknown_parent_close_to_a_code() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][2]["parent"] = "D3x"
    assert _only(data).message == ("parent 'D3x' of unit 'D2' is not a unit; did you mean "
                                   "'D3'?; add the parent to the org units, or correct the code")


def test_a_parent_that_is_not_above_its_child() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][2]["parent"] = "D1"
    problem = _only(data)
    assert problem.message == ("parent 'D1' (district) is not above unit 'D2' (district) in the "
                               "levels ['province', 'district']")
    assert problem.line == _line(data, "parent: D1")


def test_no_top_unit() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][0]["parent"] = "D1"
    problems = _problems(data)
    assert sorted(p.message for p in problems) == [
        "no top unit: one unit must have no parent",
        "parent 'D1' (district) is not above unit 'P' (province) in the levels "
        "['province', 'district']",
    ]


def test_an_unknown_unit_level() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["units"][3]["level"] = "distric"
    problem = _only(data)
    assert problem.message == ("unknown level 'distric'; did you mean 'district'?; levels: "
                               "province, district")
    assert problem.line == _line(data, "level: distric", after="code: D3")


def test_a_level_listed_twice_is_reported_once_and_only_once() -> None:
    data = _programme(v=VALUE)
    data["org_units"]["levels"] = ["province", "district", "province"]
    problem = _only(data)  # the units' parents are still above them
    assert problem.message == "a level is listed twice"


def test_all_cross_reference_problems_are_reported_together() -> None:
    data = _programme(r={"kind": "ratio", "numerator": "xx", "denominator": "y",
                         "direction": "increase",
                         "targets": [{"year": 2040, "op": ">", "value": 1}]})
    data["org_units"]["units"][1]["parent"] = "Q"
    data["measures"]["y"]["source"] = "nowhere"
    problems = _problems(data)
    assert sorted(p.message.split(";")[0] for p in problems) == [
        "parent 'Q' of unit 'D1' is not a unit",
        "unknown measure 'xx'",
        "unknown source 'nowhere'",
        "year 2040 is outside the programme's period 2023-2030",
    ]
