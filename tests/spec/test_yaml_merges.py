"""Merge keys and aliases in the YAML layer: two `<<` in one mapping are a duplicate key, a
problem inside a merged mapping points at the `<<` that merged it, and the alias bomb
guard counts what aliases repeat, not the values of a large document."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from qnkpi import load_spec, parse_spec
from qnkpi.errors import SpecError
from qnkpi.spec._yaml import MAX_NODES, load_yaml
from qnkpi.testing import plugins_with

FILE = Path("spec.yaml")
PLUGINS = plugins_with()

# --- two merge keys ---------------------------------------------------------------------------


def test_two_merge_keys_in_one_mapping_are_a_duplicate_key(loader: Any) -> None:
    text = "a: &a {x: 1}\nb: &b {x: 2}\nc:\n  <<: *a\n  <<: *b\n"
    with pytest.raises(SpecError) as info:
        load_yaml(text, FILE)
    [problem] = info.value.problems
    assert (problem.line, problem.column) == (5, 3)
    assert problem.message == ("duplicate key '<<' (first at line 4); YAML would silently "
                               "keep only the last one: merge several mappings with one key, "
                               "<<: [*first, *second]")


def test_one_merge_key_with_a_list_is_fine(loader: Any) -> None:
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n"
    assert load_yaml(text, FILE).data["c"] == {"x": 1, "y": 2}  # the earlier one wins


def test_merge_keys_in_different_mappings_are_fine(loader: Any) -> None:
    text = "a: &a {x: 1}\nc: {<<: *a}\nd: {<<: *a, y: 2}\n"
    assert load_yaml(text, FILE).data == {"a": {"x": 1}, "c": {"x": 1}, "d": {"x": 1, "y": 2}}


# --- where a merged value is --------------------------------------------------------------------


def test_a_merged_value_is_located_at_its_merge_key(loader: Any) -> None:
    located = load_yaml("a: &a {x: 1, y: {z: 2}}\nc:\n  w: 0\n  <<: *a\n", FILE)
    for path in (("c", "x"), ("c", "y", "z")):
        problem = located.problem(path, "wrong")
        assert (problem.line, problem.column) == (4, 3), path
        assert problem.message == "wrong (written at line 1, merged here by '<<')"
    assert located.problem(("c", "w"), "wrong").message == "wrong"  # the mapping's own key
    assert located.problem(("a", "x"), "wrong").line == 1  # the anchor itself


def test_a_key_that_overrides_a_merged_one_is_located_where_it_is_written(
        loader: Any) -> None:
    # before: the merged position was kept for the overriding key, when `<<` came first
    located = load_yaml("a: &a {x: 1, y: 2}\nc:\n  <<: *a\n  y: 3\n", FILE)
    assert located.data["c"] == {"x": 1, "y": 3}
    problem = located.problem(("c", "y"), "wrong")
    assert (problem.line, problem.column, problem.message) == (4, 6, "wrong")


def test_a_merge_inside_a_merged_mapping_points_at_the_outer_merge(loader: Any) -> None:
    text = "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc:\n  <<: *b\n"
    located = load_yaml(text, FILE)
    assert located.data["c"] == {"x": 1, "y": 2}
    assert located.problem(("c", "x"), "wrong").line == 4


def test_a_problem_in_a_merged_target_is_reported_at_the_merge_key() -> None:
    text = """\
qnkpi: 1
programme: {id: tiny, title: Tiny, period: {start: 2023, end: 2030}}
org_units:
  levels: [province]
  units: [{code: "P", name: Province, level: province}]
sources:
  data: {type: inline, data: {x: {P: {2023: 1}}}}
measures:
  x: {source: data}
indicators:
  v:
    kind: value
    measure: x
    direction: increase
    targets:
      - &first {year: 2024, op: ">=", value: .nan}
      - <<: *first
        year: 2025
"""
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    found = [(p.line, p.column, p.message) for p in info.value.problems]
    message = "'value' must be a finite number, not '.nan'; write a number, such as 12.5"
    assert found == [(16, 46, message),
                     (17, 9, f"{message} (written at line 16, merged here by '<<')")]


def test_a_problem_inside_an_anchor_merged_twice_is_reported_once_there(loader: Any) -> None:
    text = "a: &a {x: 1, x: 2}\nb: {<<: *a}\nc: {<<: *a}\n"
    with pytest.raises(SpecError) as info:
        load_yaml(text, FILE)
    assert [(p.line, p.column) for p in info.value.problems] == [(1, 14)]


# --- the alias bomb guard counts aliases ----------------------------------------------------------


def _units(count: int) -> str:
    lines = ["levels: [province, district]", "units:",
             '  - {code: "P", name: Province, level: province}']
    lines += [f'  - {{code: "D{i}", name: District {i}, name_en: District {i}, level: '
              'district, parent: "P"}' for i in range(count)]
    return "\n".join(lines) + "\n"


def test_a_large_document_without_aliases_is_not_an_alias_bomb() -> None:
    # 22,000 units of 5 keys are 242,000 keys and values: over MAX_NODES, and no alias
    data = load_yaml(_units(22_000), FILE).data
    assert len(data["units"]) == 22_001
    assert MAX_NODES < 11 * 22_000


def test_an_org_units_file_of_22000_units_loads(tmp_path: Path) -> None:
    (tmp_path / "units.yaml").write_text(_units(22_000), encoding="utf-8")
    (tmp_path / "spec.yaml").write_text("""\
qnkpi: 1
programme: {id: big, title: Big, period: {start: 2023, end: 2030}}
org_units: units.yaml
sources:
  data: {type: inline, data: {x: {P: {2023: 1}}}}
measures:
  x: {source: data}
indicators: {}
""", encoding="utf-8")
    started = time.perf_counter()
    spec = load_spec(tmp_path / "spec.yaml", plugins=PLUGINS)
    assert len(spec.org_units.units) == 22_001
    assert time.perf_counter() - started < 60


def test_aliases_that_repeat_many_values_are_still_refused() -> None:
    # two aliases of a list of 110,000 values: the bound counts what aliases repeat
    big = "a: &a [" + ", ".join(["1"] * 110_000) + "]\n"
    load_yaml(big + "b: *a\n", FILE)  # 110,000 repeated: under the bound
    with pytest.raises(SpecError, match=f"expands to more than {MAX_NODES:,} values"):
        load_yaml(big + "b: [*a, *a]\n", FILE)


def test_a_bomb_made_of_merge_keys_is_refused(loader: Any) -> None:
    lines = ["a: &a {" + ", ".join(f"k{i}: {i}" for i in range(10)) + "}"]
    previous = "a"
    for level in range(1, 8):
        name = f"m{level}"
        keys = ", ".join(f"x{i}: *{previous}" for i in range(10))
        lines.append(f"{name}: &{name} {{<<: *{previous}, {keys}}}")
        previous = name
    started = time.perf_counter()
    with pytest.raises(SpecError, match="expands to more than"):
        load_yaml("\n".join(lines) + "\n", FILE)
    assert time.perf_counter() - started < 10
