"""Fuzzing the spec loader: whatever text it is given, `qnkpi.parse_spec` returns a Spec or
raises a SpecError whose problems have messages and positions inside the text; never
anything else.

Three kinds of input: any text, and text made of YAML's own characters; valid specs with
their data mutated (keys and values deleted, inserted, renamed, replaced by values of
another type) and dumped back to YAML; and valid specs with their text mutated (lines
deleted, duplicated, re-indented, characters inserted). Each crash found is fixed in qnkpi
and kept below as an `@example`.

Deterministic (`derandomize=True`, no example database), so that CI cannot flake.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from qnkpi import Spec, parse_spec
from qnkpi.errors import Problem, SpecError
from qnkpi.testing import plugins_with

ROOT = Path(__file__).resolve().parents[2]
CORPUS_BASE = ROOT / "tests" / "corpus" / "_base"
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh"
PLUGINS = plugins_with()

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _seed(folder: Path) -> dict[str, Any]:
    """A valid spec as data, its org units inline (so the whole tree can be mutated)."""
    data = yaml.safe_load((folder / "programme.yaml").read_text(encoding="utf-8"))
    data["org_units"] = yaml.safe_load((folder / "org-units.yaml").read_text(encoding="utf-8"))
    return data


SEEDS = {"base": _seed(CORPUS_BASE), "quang-ninh": _seed(EXAMPLE)}
FOLDERS = {"base": CORPUS_BASE, "quang-ninh": EXAMPLE}


def check(text: str, folder: Path = CORPUS_BASE) -> Spec | SpecError:
    """Parse `text` as a spec in `folder`; fail the test on anything but a Spec or a
    SpecError with well-formed problems."""
    file = folder / "programme.yaml"
    try:
        spec = parse_spec(text, file=file, base_dir=folder, plugins=PLUGINS)
    except SpecError as exc:
        if currently_in_test_context():
            event("SpecError")
        assert exc.problems
        lines = {file: len(text.splitlines())}
        for problem in exc.problems:
            assert isinstance(problem, Problem) and problem.message.strip()
            assert "\n" not in problem.message, problem
            assert "Traceback" not in problem.message
            if problem.file == file and problem.line is not None:
                assert 1 <= problem.line <= lines[file] + 1, (problem, text)
                assert problem.column is not None and problem.column >= 1
        str(exc)
        return exc
    if currently_in_test_context():
        event("Spec")
    return spec


def test_the_seeds_load() -> None:
    for name, data in SEEDS.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        assert isinstance(check(text, FOLDERS[name]), Spec)


# --- any text --------------------------------------------------------------------------------

YAML_CHARS = st.text(alphabet=list(":-[]{},'\"&*!|>#%@`?<=\\ \t\n\r\ufeff\x00\x85qnkpi1_é"),
                     max_size=80)


@FUZZ
@given(st.text(max_size=300) | YAML_CHARS)
@example("a: 2023-13-45\n")           # an impossible date crashed the YAML layer (ValueError)
@example("qnkpi: 1\nprogramme: {period: {start: 2023-02-30}}\n")
@example("a: !!binary aGVsbG8=\n")    # bytes from a tag
@example("a: =\nb: <<\n")             # scalars PyYAML tags but cannot build
@example("é: ok\nb: \x01\n")          # a control character, located after a multibyte one
@example("\ufeffqnkpi: 1\n")
def test_any_text_gives_a_spec_or_a_spec_error(text: str) -> None:
    check(text)


# --- valid specs, their data mutated ---------------------------------------------------------

KEYS = ["qnkpi", "programme", "id", "title", "vi", "en", "owner", "period", "start", "end",
        "description", "references", "assessment", "methods", "cutoffs", "on_track",
        "at_risk", "off_track", "org_units", "levels", "reference_day", "units", "code",
        "name", "name_en", "level", "parent", "valid_from", "valid_to", "predecessors",
        "weight", "sources", "type", "path", "unit", "year", "layout", "measure_column",
        "value_column", "delimiter", "decimal", "data", "table", "query", "sheet",
        "header_row", "measures", "source", "column", "aggregate", "rollup", "absent",
        "indicators", "kind", "measure", "numerator", "denominator", "factor", "direction",
        "between", "targets", "years", "op", "value", "min", "max", "goal", "aspirational",
        "assumed_year", "note", "of", "rule", "missing", "min_coverage", "decimals",
        "baseline", "validation", "severity", "message", "provider", "<<"]
WORDS = ["", "2023", "2030", "06652", "22", "193", "increase", "decrease", "ratio", "value",
         "sum", "share_of_units", "csv", "inline", "sqlite", "xlsx", ">", ">=", "<", "==",
         "between", "linear", "step", "none", "district", "province", "sum", "count", "mean",
         "min", "max", "not_met", "skip", "zero", "12-31", "02-30", "2025-07-01",
         "2025-13-01", "youth", "reached", "reached_pct", "reports", "linear_path",
         "cagr_ratio", "a <= b", "youth <= reached", "error", "warning", ",", ".", "wide",
         "long", "data/reports.csv", "/dev/null", "..", "nowhere.yaml", "Tỉnh Đoàn"]
SCALARS = (st.none() | st.booleans() | st.integers(-3000, 3000) | st.integers()
           | st.floats() | st.text(max_size=12) | st.sampled_from(WORDS))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6) | st.integers(1990, 2040),
                      inner, max_size=3),
    max_leaves=8)


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every dict and list in `node`."""
    found = [path] if isinstance(node, (dict, list)) else []
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else ())
    for key, child in items:
        found += _places(child, (*path, key))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _retyped(value: Any) -> Any:
    """The same value as another type: a number as text, text in a list, a list as a
    mapping."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, dict):
        return list(value.values())
    return str(value)  # a date


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = copy.deepcopy(SEEDS[name])
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_places(data)))
        node = _at(data, path)
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "retype", "rename",
                                       "word", "word", "nudge", "nudge"]))
        if action == "insert" or not keys:
            if isinstance(node, dict):
                node[draw(st.sampled_from(KEYS) | st.text(max_size=8))] = draw(VALUES)
            else:
                node.insert(draw(st.integers(0, len(node))), draw(VALUES))
            continue
        key = draw(st.sampled_from(keys))
        if action == "delete":
            del node[key]
        elif action == "replace":
            node[key] = draw(VALUES)
        elif action == "retype":
            node[key] = _retyped(node[key])
        elif action == "word":  # often keeps the shape: the references are checked
            node[key] = draw(st.sampled_from(WORDS))
        elif action == "nudge":  # a nearby number, or another word of the seed
            old = node[key]
            node[key] = (old + draw(st.integers(-8, 8)) if isinstance(old, int)
                         and not isinstance(old, bool) else draw(st.sampled_from(WORDS)))
        elif isinstance(node, dict):
            node[draw(st.sampled_from(KEYS))] = node.pop(key)
    return name, data


def test_mutations_reach_every_part_of_the_seeds() -> None:
    """The mutations can touch deep values: targets, units, sources' keys."""
    places = _places(SEEDS["quang-ninh"])
    assert len(places) > 150
    assert any(p[:1] == ("org_units",) and len(p) >= 3 for p in places)
    assert any("targets" in p for p in places)


@FUZZ
@given(mutated())
@example(("base", {**SEEDS["base"], "sources": {"reports": {
    "type": "inline", "data": {"youth": {"193": {2023: float("inf")}}}}}}))
def test_a_mutated_spec_gives_a_spec_or_a_spec_error(case: tuple[str, dict[str, Any]]) -> None:
    name, data = case
    check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), FOLDERS[name])


# --- valid specs, their text mutated ---------------------------------------------------------

TEXTS = {name: (folder / "programme.yaml").read_text(encoding="utf-8")
         for name, folder in FOLDERS.items()}


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(TEXTS)))
    lines = TEXTS[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert",
                                       "tab", "crlf"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        elif action == "dedent":
            lines[i] = lines[i].lstrip(" ")
        elif action == "tab":
            lines[i] = "\t" + lines[i].lstrip(" ")
        elif action == "crlf":
            lines[i] = lines[i].replace("\n", "\r\n")
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(YAML_CHARS.filter(bool)) + lines[i][at:]
    return name, "".join(lines)


@FUZZ
@given(edited())
def test_an_edited_spec_gives_a_spec_or_a_spec_error(case: tuple[str, str]) -> None:
    name, text = case
    check(text, FOLDERS[name])
