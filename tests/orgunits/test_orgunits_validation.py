"""Validation of org units that change: every problem is a SpecError with a message that
says what is wrong, located at the key at fault; lineage oddities that may be right are
warnings; targets at a level that ends are warned about and give no checks there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import qnkpi
from qnkpi.cli import main
from qnkpi.errors import Problem
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

PLUGINS = plugins_with()
DICT_FILE = Path("<dict>")  # spec_from_dict's file name
LEVELS = ["province", "district", "commune"]
TOP: dict[str, Any] = {"code": "P", "name": "Tỉnh", "level": "province"}


def _unit(code: str, level: str = "district", parent: str | None = "P",
          **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "name": f"Unit {code}", "level": level}
    if parent is not None:
        out["parent"] = parent
    return {**out, **more}


def _doc(*units: dict[str, Any], indicators: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = tiny_programme(data={"x": {"P": {2023: 1.0}}}, indicators=indicators)
    doc["org_units"] = {"levels": LEVELS, "units": [TOP, *units]}
    return doc


def _where(doc: dict[str, Any], path: tuple[str | int, ...]) -> tuple[int, int]:
    """(line, column), 1-based, of the YAML node at ``path`` in the text spec_from_dict
    parses: worked out with PyYAML alone."""
    node = yaml.compose(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    for key in path:
        if isinstance(node, yaml.SequenceNode):
            assert isinstance(key, int)
            node = node.value[key]
        else:
            assert isinstance(node, yaml.MappingNode)
            node = next(v for k, v in node.value if k.value == key)
    assert node is not None
    return node.start_mark.line + 1, node.start_mark.column + 1


def _errors(doc: dict[str, Any]) -> tuple[Problem, ...]:
    with pytest.raises(qnkpi.SpecError) as info:
        spec_from_dict(doc, plugins=PLUGINS)
    problems = info.value.problems
    assert all(p.file == DICT_FILE and p.severity == "error" for p in problems), problems
    return problems


def _one(doc: dict[str, Any]) -> Problem:
    problems = _errors(doc)
    assert len(problems) == 1, problems
    return problems[0]


def _at(problem: Problem, doc: dict[str, Any], path: tuple[str | int, ...]) -> None:
    assert (problem.line, problem.column) == _where(doc, ("org_units", *path)), problem


# --- records of one code ------------------------------------------------------------------

def test_overlapping_records_of_one_code() -> None:
    doc = _doc(_unit("A", valid_to="2025-06-30"), _unit("A", valid_from="2025-06-01"))
    problem = _one(doc)
    assert "unit code 'A' is used by units #2 and #3, both in force on 2025-06-01" in (
        problem.message)
    _at(problem, doc, ("units", 2, "code"))


def test_records_that_touch_do_not_overlap() -> None:
    doc = _doc(_unit("A", valid_to="2025-06-30"), _unit("A", valid_from="2025-07-01"))
    spec = spec_from_dict(doc, plugins=PLUGINS)
    assert [u.code for u in spec.org_units.units].count("A") == 2


def test_two_open_records_overlap_from_the_start() -> None:
    doc = _doc(_unit("A"), _unit("A"))
    problem = _one(doc)
    assert "both in force from the start" in problem.message


def test_one_code_at_two_levels() -> None:
    doc = _doc(_unit("A", valid_to="2025-06-30"),
               _unit("A", level="commune", valid_from="2025-07-01"))
    problem = _one(doc)
    assert "unit code 'A' is at level 'commune' here and 'district' in unit #2" in (
        problem.message)
    assert "a unit keeps its level" in problem.message
    _at(problem, doc, ("units", 2, "level"))


# --- parents ------------------------------------------------------------------------------

def test_parent_that_ends_before_its_child() -> None:
    doc = _doc(_unit("A", valid_to="2024-12-31"), _unit("C", level="commune", parent="A"))
    problem = _one(doc)
    assert "parent 'A' of unit 'C' does not exist on 2025-01-01, while the unit does" in (
        problem.message)
    _at(problem, doc, ("units", 2, "parent"))


def test_parent_that_begins_after_its_child() -> None:
    doc = _doc(_unit("A", valid_from="2024-01-01"),
               _unit("C", level="commune", parent="A", valid_from="2023-07-01"))
    problem = _one(doc)
    assert "parent 'A' of unit 'C' does not exist on 2023-07-01" in problem.message


def test_parent_with_two_records_covering_the_child() -> None:
    doc = _doc(_unit("A", valid_to="2024-10-31"), _unit("A", valid_from="2024-11-01"),
               _unit("C", level="commune", parent="A"))
    spec = spec_from_dict(doc, plugins=PLUGINS)
    assert spec.warnings == ()


def test_parent_with_two_records_and_a_gap_between_them() -> None:
    doc = _doc(_unit("A", valid_to="2024-10-30"), _unit("A", valid_from="2024-11-01"),
               _unit("C", level="commune", parent="A"))
    problem = _one(doc)
    assert "parent 'A' of unit 'C' does not exist on 2024-10-31, while the unit does" in (
        problem.message)
    _at(problem, doc, ("units", 3, "parent"))


def test_parent_that_is_not_a_unit() -> None:
    doc = _doc(_unit("ALPHA"), _unit("C", level="commune", parent="ALPHX"))
    problem = _one(doc)
    assert problem.message == ("parent 'ALPHX' of unit 'C' is not a unit; "
                               "did you mean 'ALPHA'?; add the parent to the org units, or "
                               "correct the code")
    _at(problem, doc, ("units", 2, "parent"))


def test_parent_not_above_its_child() -> None:
    doc = _doc(_unit("A"), _unit("B", parent="A"))
    problem = _one(doc)
    assert "parent 'A' (district) is not above unit 'B' (district)" in problem.message
    _at(problem, doc, ("units", 2, "parent"))


# --- lineage ------------------------------------------------------------------------------

def test_predecessor_that_never_existed() -> None:
    doc = _doc(_unit("ALPHA"), _unit("B", predecessors=["ALPHX"]))
    problem = _one(doc)
    assert problem.message.startswith(
        "predecessor 'ALPHX' of unit 'B' never existed: it is not a unit; "
        "did you mean 'ALPHA'?")
    _at(problem, doc, ("units", 2, "predecessors", 0))


def test_predecessor_far_from_any_code_has_no_suggestion() -> None:
    doc = _doc(_unit("ALPHA"), _unit("B", predecessors=[{"code": "ZZZZZZ", "weight": 0.5}]))
    problem = _one(doc)
    assert "predecessor 'ZZZZZZ' of unit 'B' never existed" in problem.message
    assert "did you mean" not in problem.message
    _at(problem, doc, ("units", 2, "predecessors", 0))


def test_own_predecessor() -> None:
    doc = _doc(_unit("A", predecessors=["A"]))
    problem = _one(doc)
    assert problem.message == "unit 'A' is its own predecessor"
    _at(problem, doc, ("units", 1, "predecessors", 0))


def test_lineage_cycle() -> None:
    doc = _doc(_unit("A", predecessors=["B"]), _unit("B", predecessors=["A"]))
    problem = _one(doc)
    assert "units are their own predecessors: A -> B -> A" in problem.message
    _at(problem, doc, ("units", 1, "predecessors"))


def test_longer_lineage_cycle() -> None:
    doc = _doc(_unit("A", predecessors=["C"]), _unit("B", predecessors=["A"]),
               _unit("C", predecessors=["B"]))
    problem = _one(doc)
    assert "units are their own predecessors: A -> C -> B -> A" in problem.message


def test_weights_of_a_predecessor_add_up_to_more_than_1() -> None:
    doc = _doc(_unit("A", valid_to="2024-12-31"),
               _unit("B", valid_from="2025-01-01", predecessors=[{"code": "A", "weight": 0.7}]),
               _unit("C", valid_from="2025-01-01", predecessors=[{"code": "A", "weight": 0.5}]))
    problem = _one(doc)
    assert "the weights of unit 'A' in its successors (B, C) add up to 1.2" in (
        problem.message)
    _at(problem, doc, ("units", 1))


def test_weights_adding_up_to_1_in_floats_are_fine() -> None:
    weights = (0.05, 0.55, 0.3, 0.1)  # 1.0000000000000002 added in this order
    assert sum(weights) > 1
    doc = _doc(_unit("A", valid_to="2024-12-31"),
               *[_unit(c, valid_from="2025-01-01", predecessors=[{"code": "A", "weight": w}])
                 for c, w in zip("BCDE", weights, strict=True)])
    spec = spec_from_dict(doc, plugins=PLUGINS)
    assert spec.warnings == ()


@pytest.mark.parametrize("weight", [0, -0.5, 1.5])
def test_a_weight_is_a_share(weight: float) -> None:
    doc = _doc(_unit("A"), _unit("B", predecessors=[{"code": "A", "weight": weight}]))
    problems = _errors(doc)
    assert any("weight" in (p.message + str(p)) for p in problems), problems


def test_predecessor_that_begins_after_its_successor_is_a_warning() -> None:
    doc = _doc(_unit("A", valid_from="2025-01-01"),
               _unit("B", valid_from="2024-01-01", predecessors=["A"]))
    spec = spec_from_dict(doc, plugins=PLUGINS)
    assert len(spec.warnings) == 1
    warning = spec.warnings[0]
    assert warning.severity == "warning"
    assert "predecessor 'A' of unit 'B' begins on or after it (2025-01-01 >= 2024-01-01)" in (
        warning.message)
    assert (warning.line, warning.column) == _where(
        doc, ("org_units", "units", 2, "predecessors", 0))


def test_every_problem_is_reported_at_once() -> None:
    doc = _doc(_unit("A", predecessors=["A"]), _unit("B", parent="Q"),
               _unit("B2", predecessors=["NOPE"]))
    messages = [p.message for p in _errors(doc)]
    assert len(messages) == 3, messages
    assert any("own predecessor" in m for m in messages)
    assert any("parent 'Q'" in m for m in messages)
    assert any("'NOPE'" in m for m in messages)


# --- a level that ends -------------------------------------------------------------------

def _reform_doc() -> dict[str, Any]:
    """Districts until 30 June 2025, then one commune made of both."""
    doc = _doc(_unit("D1", valid_to="2025-06-30"), _unit("D2", valid_to="2025-06-30"),
               _unit("C1", level="commune", valid_from="2025-07-01",
                     predecessors=["D1", "D2"]),
               indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                                 "targets": [{"years": [2023, 2030], "op": ">=", "value": 1,
                                              "level": "district"}]}})
    doc["sources"]["data"]["data"] = {"x": {"D1": {2023: 1.0, 2024: 2.0},
                                            "D2": {2023: 3.0, 2024: 4.0},
                                            "C1": {2025: 5.0, 2026: 6.0}}}
    return doc


UNREACHABLE = ("target #1 is unreachable in 2025-2030: no unit of level 'district' exists "
               "on the reference day (12-31) of those years, so it gives no checks there")


def test_target_at_a_level_that_ends_is_warned_about() -> None:
    doc = _reform_doc()
    spec = spec_from_dict(doc, plugins=PLUGINS)
    assert [w.message for w in spec.warnings] == [UNREACHABLE]
    warning = spec.warnings[0]
    assert warning.severity == "warning"
    assert (warning.line, warning.column) == _where(doc, ("indicators", "v", "targets", 0))


def test_target_at_a_level_that_ends_is_checked_only_while_it_exists() -> None:
    spec = spec_from_dict(_reform_doc(), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert result.as_of == 2026
    checks = [(c.unit, c.year, c.value) for c in result.checks()]
    assert checks == [("D1", 2023, 1.0), ("D2", 2023, 3.0), ("D1", 2024, 2.0),
                      ("D2", 2024, 4.0)]


def test_target_at_a_level_that_begins_is_warned_about_earlier_years() -> None:
    doc = _reform_doc()
    doc["indicators"]["v"]["targets"] = [{"years": [2024, 2026], "op": ">=", "value": 1,
                                          "level": "commune"}]
    spec = spec_from_dict(doc, plugins=PLUGINS)
    assert [w.message for w in spec.warnings] == [
        UNREACHABLE.replace("2025-2030", "2024").replace("'district'", "'commune'")]
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert [(c.unit, c.year) for c in result.checks()] == [("C1", 2025), ("C1", 2026)]


def test_validate_prints_the_warning_and_exits_0(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(_reform_doc(), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "valid" in out and "4 checks" in out
    assert f"warning: {UNREACHABLE}" in err
    assert str(path) in err


def test_validate_exits_2_on_a_lineage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(_doc(_unit("A", predecessors=["B"]),
                                        _unit("B", predecessors=["A"])), sort_keys=False),
                    encoding="utf-8")
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "units are their own predecessors" in err
    assert "valid." not in out
