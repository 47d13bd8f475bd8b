"""The YAML layer: safe, located parsing (qnkpi.spec._yaml.load_yaml and through the loader)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from qnkpi import load_spec, parse_spec
from qnkpi.errors import Problem, SpecError
from qnkpi.spec import _yaml
from qnkpi.spec._yaml import MAX_NODES, load_yaml
from qnkpi.testing import plugins_with

FILE = Path("specs") / "spec.yaml"
PLUGINS = plugins_with()

def _only_problem(text: str, file: Path = FILE) -> Problem:
    with pytest.raises(SpecError) as info:
        load_yaml(text, file)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def _bomb(levels: int) -> str:
    """A "billion laughs" document: ``levels`` lists, each of 10 aliases of the one before."""
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    previous = "a"
    for name in "bcdefghijk"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
        previous = name
    return "\n".join(lines) + "\n"


# --- syntax errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "column"), [
    ("a: [1, 2\nb: 3\n", 2, 2),              # unclosed flow sequence
    ("a: b: c\n", 1, 5),                     # a mapping value where none may be
    ("qnkpi: 1\nprogramme: {id: x\n", 3, 1),  # unclosed flow mapping, found at the end
])
def test_invalid_yaml_is_a_spec_error_with_file_line_and_column(
        loader: Any, text: str, line: int, column: int) -> None:
    problem = _only_problem(text)
    assert problem.message.startswith("not valid YAML: ")
    assert (problem.file, problem.line, problem.column) == (FILE, line, column)
    assert str(problem).startswith(f"{FILE}:{line}:{column}: not valid YAML: ")


def test_invalid_yaml_through_load_spec_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text("qnkpi: 1\nprogramme:\n  id: [x\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.file == path
    assert problem.line == 4 and problem.column == 1
    assert str(info.value).startswith(f"{path}:4:1: not valid YAML: ")


def test_control_characters_are_a_spec_error_not_a_crash() -> None:
    problem = _only_problem("a: \x00\n")
    assert problem.message.startswith("not valid YAML: unacceptable character #x0000")
    assert problem.file == FILE


@pytest.mark.parametrize(("text", "line"), [
    ("qnkpi: 1\nprogramme:\n\tid: x\n", 3),                   # a tab as the whole indent
    ("qnkpi: 1\nprogramme:\n  id: x\n\ttitle: t\n", 4),       # a tab after a sibling
    ("a:\n  b: 1\n  c:\n\t  d: 2\n", 4),                      # a tab before spaces
])
def test_a_tab_in_the_indentation_gets_the_tab_message(loader: Any, text: str,
                                                        line: int) -> None:
    problem = _only_problem(text)
    assert problem.message == ("a tab character here: YAML indents with spaces only; "
                               "replace tabs with spaces")
    assert problem.line == line
    assert problem.column == 1


def test_a_tab_inside_a_quoted_value_is_fine(loader: Any) -> None:
    assert load_yaml('a: "x\ty"\n', FILE).data == {"a": "x\ty"}


# --- duplicate keys --------------------------------------------------------------------------


def test_a_duplicate_key_is_rejected_naming_both_lines(loader: Any) -> None:
    text = "qnkpi: 1\nprogramme:\n  id: first\n  owner: me\n  id: second\n"
    problem = _only_problem(text)
    assert problem.message == ("duplicate key 'id' (first at line 3); YAML would silently "
                               "keep only the last one: remove or rename one")
    assert (problem.line, problem.column) == (5, 3)


def test_every_duplicate_key_is_reported(loader: Any) -> None:
    text = "a: 1\nb:\n  - {x: 1, y: 2, x: 3}\na: 4\n"
    with pytest.raises(SpecError) as info:
        load_yaml(text, FILE)
    found = sorted((p.line, p.column, p.message) for p in info.value.problems)
    assert [(line, column) for line, column, _ in found] == [(3, 18), (4, 1)]
    assert found[0][2].startswith("duplicate key 'x' (first at line 3)")
    assert found[1][2].startswith("duplicate key 'a' (first at line 1)")


def test_a_duplicate_key_in_a_spec_fails_the_spec() -> None:
    text = "qnkpi: 1\nqnkpi: 1\n"
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.line == 2
    assert "duplicate key 'qnkpi' (first at line 1)" in problem.message


def test_equal_keys_in_different_mappings_are_fine(loader: Any) -> None:
    data = load_yaml("a: {x: 1}\nb: {x: 2}\nc: [{x: 3}, {x: 4}]\n", FILE).data
    assert data == {"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 3}, {"x": 4}]}


def test_a_list_as_a_mapping_key_is_refused(loader: Any) -> None:
    problem = _only_problem("? [1, 2]\n: 3\n")
    assert problem.message == "a mapping key must be a plain value"
    assert (problem.line, problem.column) == (1, 3)


# --- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system x\n",
    "a: !!python/name:os.system ''\n",
    "a: !!python/object:os.system {}\n",
    "a: !!python/object/new:builtins.dict [[]]\n",
    "a: !!python/object/apply:os.system ['echo pwned']\n",
    "a: !custom {x: 1}\n",
    "a: !custom [1, 2]\n",
])
def test_tags_that_build_objects_are_refused(loader: Any, text: str) -> None:
    problem = _only_problem(text)
    assert "only plain YAML is accepted" in problem.message
    assert (problem.line, problem.column) == (1, 4)


def test_a_python_tag_is_never_executed(loader: Any, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.mkdir ['{marker}']\n"
    with pytest.raises(SpecError):
        load_yaml(text, FILE)
    assert not marker.exists()


def test_a_python_tag_in_a_spec_fails_the_spec() -> None:
    text = "qnkpi: 1\nprogramme: !!python/object:collections.OrderedDict {}\n"
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    assert any("only plain YAML is accepted" in p.message and p.line == 2
               for p in info.value.problems), info.value.problems


def test_standard_scalar_types_are_still_read(loader: Any) -> None:
    data = load_yaml("a: 1\nb: 1.5\nc: true\nd: null\ne: '06652'\nf: 2024-01-31\n", FILE).data
    assert data["a"] == 1 and data["b"] == 1.5 and data["c"] is True and data["d"] is None
    assert data["e"] == "06652"
    assert str(data["f"]) == "2024-01-31"


# --- aliases ---------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_quickly(loader: Any) -> None:
    text = _bomb(9)  # 10**9 leaves if expanded
    started = time.perf_counter()
    problem = _only_problem(text)
    assert time.perf_counter() - started < 10
    assert problem.message == (f"the document expands to more than {MAX_NODES:,} values "
                               "(aliases that repeat each other?); simplify it")
    assert problem.file == FILE and problem.line is not None


def test_an_alias_bomb_in_a_spec_is_refused() -> None:
    text = "qnkpi: 1\n" + _bomb(9)
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    [problem] = info.value.problems
    assert f"more than {MAX_NODES:,} values" in problem.message


def test_the_node_limit_counts_expanded_values(loader: Any) -> None:
    # 5 levels expand to about 123,000 values: under the limit; 6 to 1.2 million: over it
    data = load_yaml(_bomb(5), FILE).data
    assert len(data["e"]) == 10 and data["e"][9][9][9][9] == ["lol"] * 10
    with pytest.raises(SpecError, match="expands to more than"):
        load_yaml(_bomb(6), FILE)


def test_ordinary_aliases_are_expanded(loader: Any) -> None:
    data = load_yaml("a: &x {v: 1}\nb: *x\nc: [*x, *x]\n", FILE).data
    assert data == {"a": {"v": 1}, "b": {"v": 1}, "c": [{"v": 1}, {"v": 1}]}


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n", "&a [1, *a]\n"])
def test_an_alias_inside_its_own_anchor_is_a_spec_error(loader: Any, text: str) -> None:
    with pytest.raises(SpecError):
        load_yaml(text, FILE)


@pytest.mark.parametrize("depth", [500, 900])
def test_deep_nesting_is_a_spec_error_not_a_recursion_error(loader: Any, depth: int) -> None:
    with pytest.raises(SpecError):
        load_yaml("[" * depth + "]" * depth, FILE)


def test_aliases_cannot_multiply_nesting_past_the_limits(loader: Any) -> None:
    # each document is 400 deep; through the alias the value is 800 deep
    text = "a: &a " + "[" * 400 + "]" * 400 + "\nb: " + "[" * 400 + "*a" + "]" * 400 + "\n"
    with pytest.raises(SpecError):
        load_yaml(text, FILE)


# --- merge keys ------------------------------------------------------------------------------


def test_merge_keys_merge(loader: Any) -> None:
    data = load_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  z: 3\n", FILE).data
    assert data["c"] == {"x": 1, "y": 2, "z": 3}


def test_merge_keys_from_a_list_of_mappings(loader: Any) -> None:
    text = "p: &p {x: 1}\nq: &q {y: 2}\nc:\n  <<: [*p, *q]\n  z: 3\n"
    assert load_yaml(text, FILE).data["c"] == {"x": 1, "y": 2, "z": 3}


def test_a_key_written_beside_a_merge_overrides_the_merged_one(loader: Any) -> None:
    # YAML's merge key: keys of the mapping itself win over merged ones; not a duplicate
    data = load_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n", FILE).data
    assert data["c"] == {"x": 1, "y": 3}


def test_a_merge_of_a_scalar_is_a_spec_error(loader: Any) -> None:
    problem = _only_problem("c:\n  <<: 3\n")
    assert "'<<' merges mappings only" in problem.message
    assert problem.line == 2


def test_merge_keys_work_in_a_spec() -> None:
    text = """\
qnkpi: 1
programme: {id: tiny, title: Tiny, period: {start: 2023, end: 2030}}
org_units:
  levels: [province]
  units: [{code: "P", name: Province, level: province}]
sources:
  data: {type: inline, data: {x: {P: {2023: 1}}, y: {P: {2023: 2}}}}
measures:
  x: &measure {source: data, rollup: max}
  y: {<<: *measure}
indicators:
  x_value: &indicator
    kind: value
    measure: x
    direction: increase
  y_value:
    <<: *indicator
    title: y
"""
    spec = parse_spec(text, file=FILE, plugins=PLUGINS)
    assert spec.measures["y"].rollup == "max" and spec.measures["y"].source == "data"
    assert spec.indicators["y_value"].measure == "x"  # type: ignore[attr-defined]
    assert spec.indicators["y_value"].title.get() == "y"  # type: ignore[union-attr]


# --- empty documents -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_an_empty_document_has_no_data(loader: Any, text: str) -> None:
    assert load_yaml(text, FILE).data is None


@pytest.mark.parametrize("text", ["", "# nothing yet\n"])
def test_an_empty_spec_is_a_clear_error(text: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.message == "a spec is a mapping that starts with 'qnkpi: 1'"
    assert problem.file == FILE


def test_an_empty_spec_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    assert str(info.value) == f"{path}: a spec is a mapping that starts with 'qnkpi: 1'"


@pytest.mark.parametrize(("text", "line"), [("- qnkpi: 1\n", 1), ("just words\n", 1),
                                            ("\n\n42\n", 3)])
def test_a_spec_that_is_not_a_mapping_is_a_clear_error(text: str, line: int) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.message == "a spec is a mapping that starts with 'qnkpi: 1'"
    assert problem.line == line


# --- positions -------------------------------------------------------------------------------


def test_positions_of_keys_and_values(loader: Any) -> None:
    located = load_yaml("a:\n  b: [1, 2]\n  c: {d: x}\n", FILE)
    assert located.keys[("a", "b")] == (2, 3)
    assert located.values[("a", "b")] == (2, 6)
    assert located.values[("a", "b", 1)] == (2, 10)
    assert located.keys[("a", "c", "d")] == (3, 7)
    assert located.position(("a", "b", 0)) == (2, 7)
    assert located.position(("a", "b"), key=True) == (2, 3)
    # a path that is not in the file falls back to the closest enclosing value
    assert located.position(("a", "c", "missing", 3)) == (3, 6)
    problem = located.problem(("a", "c", "d"), "bad", key=True)
    assert (problem.file, problem.line, problem.column, problem.message) == (FILE, 3, 7, "bad")


@pytest.mark.parametrize(("text", "cut"), [
    ("t: {en: Deaths per 100,000 births, vi: x}\n", "Deaths per 100,000 births"),
    ("t: {en: a,b}\n", "a,b"),
    ("t: {vi: Tử vong trên 100,000 ca sinh}\n", "Tử vong trên 100,000 ca sinh"),
])
def test_a_text_cut_by_a_comma_in_braces_is_remembered(loader: Any, text: str,
                                                        cut: str) -> None:
    located = load_yaml(text, FILE)
    ((path, found),) = located.cut_texts.items()
    assert found == cut
    assert path == ("t", cut.split(",")[-1].strip())


@pytest.mark.parametrize("text", [
    "t: {en: 'a', b}\n",           # after quoted text: the author chose where it ends
    "t: {a: 1, b: 2}\n",           # a key with its value
    "t: {en: a}\nb:\n",            # a key without a value outside braces
    "t:\n  en: a\n  b:\n",         # a block mapping
    "t: {en: a,\n  b}\n",          # the piece on another line
])
def test_no_cut_text_where_there_is_none(loader: Any, text: str) -> None:
    assert load_yaml(text, FILE).cut_texts == {}


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    assert issubclass(_yaml._Loader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_repeated_scalars_give_what_pyyaml_gives(loader: Any) -> None:
    text = ("a: [1, 1, 2024-01-02, 2024-01-02, yes, 'yes', yes, 1.5, 1.5, ~, null, '1', 06652,"
            " 06652, .nan, .nan, x, x]\n"
            "b: {x: 1, y: '1', z: !!str 1}\n"
            "c: {x: 1, y: '1', z: !!str 1}\n")
    data = load_yaml(text, FILE).data
    expected = yaml.load(text, Loader=yaml.SafeLoader)
    assert repr(data) == repr(expected)  # nan compares by its text
    assert [type(v) for v in data["a"]] == [type(v) for v in expected["a"]]
