"""The loader: models, messages, line numbers, relative paths, org-units files; and that it
never raises anything but SpecError, whatever it is given."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from qnkpi import evaluate, load_spec, parse_spec
from qnkpi.errors import Problem, SpecError
from qnkpi.spec import loader as loader_module
from qnkpi.spec.spec import Spec
from qnkpi.testing import plugins_with, tiny_org_units

PLUGINS = plugins_with()
FILE = Path("/specs/tiny/spec.yaml")
EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "qnkpi" / "examples" / "quang-ninh"

BASE = """\
qnkpi: 1
programme:
  id: tiny
  title: {en: Tiny programme}
  period: {start: 2023, end: 2030}
org_units:
  levels: [province, district]
  units:
    - {code: "P", name: Province, level: province}
    - {code: "D1", name: District 1, level: district, parent: "P"}
    - {code: "D2", name: District 2, level: district, parent: "P"}
sources:
  data:
    type: inline
    data:
      x: {P: {2023: 5}, D1: {2023: 2}}
      y: {P: {2023: 10}}
measures:
  x: {source: data}
  y: {source: data}
indicators:
  share:
    kind: ratio
    numerator: x
    denominator: y
    direction: increase
    targets:
      - {year: 2023, op: ">=", value: 40}
"""


def _line(text: str, fragment: str) -> int:
    """The 1-based line of the one line of ``text`` that contains ``fragment``."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(found) == 1, f"{fragment!r} is on lines {found}"
    return found[0]


def _edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _problems(text: str, file: Path = FILE, **kwargs: Any) -> tuple[Problem, ...]:
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=file, plugins=PLUGINS, **kwargs)
    return info.value.problems


def _only(text: str, **kwargs: Any) -> Problem:
    problems = _problems(text, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_base_spec_loads() -> None:
    spec = parse_spec(BASE, file=FILE, plugins=PLUGINS)
    assert isinstance(spec, Spec)
    assert spec.file == FILE
    assert spec.warnings == ()
    assert spec.indicators["share"].kind == "ratio"
    assert [u.code for u in spec.org_units.units] == ["P", "D1", "D2"]
    assert spec.programme.period.start == 2023 and spec.programme.period.end == 2030


def test_the_bundled_example_loads() -> None:
    spec = load_spec(EXAMPLE / "programme.yaml", plugins=PLUGINS)
    assert (len(spec.indicators), len(spec.measures), len(spec.sources),
            len(spec.org_units.units)) == (14, 16, 2, 69)
    assert spec.org_units.units[0].code == "22"
    assert spec.sources["reports"].path == EXAMPLE / "data" / "unit-reports.csv"  # type: ignore[attr-defined]


# --- unknown and missing keys ----------------------------------------------------------------


def test_a_misspelt_key_suggests_the_right_one_and_is_not_also_missing() -> None:
    text = _edit("    direction: increase", "    directon: increase")
    problem = _only(text)
    assert problem.message == "unknown key 'directon'; did you mean 'direction'?"
    assert (problem.file, problem.line, problem.column) == (FILE, _line(text, "directon"), 5)
    assert str(problem) == (f"{FILE}:{problem.line}:5: unknown key 'directon'; "
                            "did you mean 'direction'?")


def test_a_misspelt_required_key_of_the_programme() -> None:
    text = _edit("  period:", "  perod:")
    problem = _only(text)
    assert problem.message == "unknown key 'perod'; did you mean 'period'?"
    assert problem.line == _line(text, "perod")
    assert problem.column == 3


def test_a_misspelt_key_in_an_org_unit() -> None:
    text = _edit('level: district, parent: "P"}\n    - {code: "D2"',
                 'levle: district, parent: "P"}\n    - {code: "D2"')
    problem = _only(text)
    assert problem.message == "unknown key 'levle'; did you mean 'level'?"
    assert problem.line == _line(text, "levle")


def test_an_unknown_key_with_no_close_match_lists_the_allowed_ones() -> None:
    text = _edit("  id: tiny\n", "  id: tiny\n  zzz: 1\n")
    problem = _only(text)
    assert problem.message == ("unknown key 'zzz'; allowed here: assessment, description, id, "
                               "language, owner, period, references, report, title")
    assert (problem.line, problem.column) == (_line(text, "zzz"), 3)


def test_an_unknown_top_level_key() -> None:
    text = BASE + "indicator: {}\n"
    problem = _only(text)
    assert problem.message == "unknown key 'indicator'; did you mean 'indicators'?"
    assert (problem.line, problem.column) == (_line(text, "indicator: {}"), 1)


def test_an_unknown_key_in_a_kind_suggests_from_that_kind() -> None:
    text = _edit("    numerator: x", "    numerater: x")
    problem = _only(text)
    assert problem.message == "unknown key 'numerater'; did you mean 'numerator'?"
    assert problem.line == _line(text, "numerater")


def test_an_unknown_indicator_kind_suggests_the_closest() -> None:
    text = _edit("kind: ratio", "kind: ratoi")
    problem = _only(text)
    assert problem.message == ("unknown kind 'ratoi'; did you mean 'ratio'?; known: value, "
                               "ratio, share_of_units, sum (plugins add more: see 'qnkpi "
                               "plugins')")
    assert (problem.line, problem.column) == (_line(text, "ratoi"), 11)


def test_an_unknown_source_type() -> None:
    text = _edit("type: inline", "type: cvs")
    problem = _only(text)
    assert problem.message.startswith("unknown type 'cvs'; did you mean 'csv'?; known: "
                                      "inline, csv, sqlite")
    assert (problem.line, problem.column) == (_line(text, "type: cvs"), 11)


def test_an_unknown_source_type_with_no_close_match() -> None:
    text = _edit("type: inline", "type: postgres")
    problem = _only(text)
    assert problem.message.startswith("unknown type 'postgres'; known: inline, csv, sqlite")


@pytest.mark.parametrize(("old", "new", "key", "at"), [
    ("    direction: increase\n", "", "direction", "    kind: ratio"),
    ("    kind: ratio\n", "", "kind", "    numerator: x"),
    ("  period: {start: 2023, end: 2030}\n", "", "period", "  id: tiny"),
    ("    type: inline\n", "", "type", "    data:"),
    ("  x: {source: data}", "  x: {column: x}", "source", "  x: {column: x}"),
])
def test_a_missing_required_key(old: str, new: str, key: str, at: str) -> None:
    text = _edit(old, new)
    problem = _only(text)
    assert problem.message == f"missing required key '{key}'"
    # located at the mapping that lacks it
    assert problem.line == _line(text, at)


def test_missing_top_level_keys_are_all_reported() -> None:
    problems = _problems("qnkpi: 1\n")
    assert sorted(p.message for p in problems) == ["missing required key 'org_units'",
                                                   "missing required key 'programme'"]
    assert all(p.line == 1 for p in problems)


@pytest.mark.parametrize("code", ["06652", "193"])
def test_an_unquoted_unit_code_gets_the_quoting_hint(code: str) -> None:
    text = _edit('{code: "D2"', f"{{code: {code}")
    problem = _only(text)
    assert problem.message.endswith("must be text: put it in quotes (YAML reads unquoted codes "
                                    "such as 06652 as numbers)")
    assert problem.line == _line(text, f"code: {code}")


def test_an_unquoted_octal_looking_code_is_named_as_written() -> None:
    # YAML 1.1 reads 06652 as the octal number 3498; the user wrote 06652, and a message
    # about '3498' names a value that is nowhere in their file
    text = _edit('{code: "D2"', "{code: 06652")
    problem = _only(text)
    assert "'06652'" in problem.message
    assert "3498" not in problem.message


def test_an_unquoted_parent_code_gets_the_quoting_hint() -> None:
    text = BASE.replace('{code: "P"', "{code: '22'").replace('parent: "P"', "parent: 22")
    problems = _problems(text)
    assert len(problems) == 2
    assert all(p.message == "'22' must be text: put it in quotes (YAML reads unquoted codes "
               "such as 06652 as numbers)" for p in problems)
    assert sorted(p.line or 0 for p in problems) == [10, 11]


# --- the format version ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2", "0", "'1'", "1.5", "x"])
def test_a_format_version_other_than_1(version: str) -> None:
    text = _edit("qnkpi: 1", f"qnkpi: {version}")
    problem = _only(text)
    assert problem.message == "this qnkpi reads spec format 1: write 'qnkpi: 1'"
    assert (problem.line, problem.column) == (1, 8)


def test_a_missing_format_version() -> None:
    problem = _only(_edit("qnkpi: 1\n", ""))
    assert problem.message == "missing required key 'qnkpi'"


def test_qnkpi_must_be_the_first_key() -> None:
    text = _edit("qnkpi: 1\n", "") + "qnkpi: 1\n"
    problem = _only(text)
    assert problem.message == "'qnkpi: 1' must be the first key"
    assert (problem.line, problem.column) == (_line(text, "qnkpi: 1"), 1)


# --- targets, rules and other model checks ---------------------------------------------------

_TARGET = '      - {year: 2023, op: ">=", value: 40}'


@pytest.mark.parametrize(("target", "message"), [
    ('{year: 2023, years: [2023, 2024], op: ">=", value: 40}',
     "a target needs exactly one of 'year' or 'years: [first, last]'"),
    ('{op: ">=", value: 40}',
     "a target needs exactly one of 'year' or 'years: [first, last]'"),
    ("{year: 2023, op: between, min: 1}", "op 'between' needs both 'min' and 'max'"),
    ("{year: 2023, op: between, max: 1}", "op 'between' needs both 'min' and 'max'"),
    ("{year: 2023, op: between, min: 5, max: 1}",
     "'min' (5) is greater than 'max' (1); swap them"),
    ("{year: 2023, op: between, min: 1, max: 5, value: 3}",
     "op 'between' takes 'min' and 'max', not 'value'"),
    ('{year: 2023, op: ">="}', "op '>=' needs a 'value'"),
    ('{year: 2023, op: ">=", value: 1, min: 0}',
     "'min' and 'max' belong to op 'between'; use 'value'"),
    ('{year: 2023, op: ">=", value: 40, level: district, units: ["D1"]}',
     "a target applies to a 'level' or to 'units', not both"),
    ('{years: [2025, 2023], op: ">=", value: 40}',
     "'years' [2025, 2023]: the first year is after the last"),
])
def test_a_target_that_contradicts_itself(target: str, message: str) -> None:
    text = _edit(_TARGET, f"      - {target}")
    problem = _only(text)
    assert problem.message == message
    assert (problem.line, problem.column) == (_line(text, target), 9)


def test_a_period_that_ends_before_it_starts() -> None:
    text = _edit("{start: 2023, end: 2030}", "{start: 2031, end: 2023}")
    problems = _problems(text)
    assert "period start 2031 is after its end 2023" in [p.message for p in problems]
    assert all(p.line == _line(text, "period:") for p in problems
               if p.message.startswith("period start"))


def test_a_reference_day_that_is_not_a_day() -> None:
    text = _edit("  levels: [province, district]\n",
                 "  levels: [province, district]\n  reference_day: 02-30\n")
    problem = _only(text)
    assert "'02-30' is not a day of the year (MM-DD)" in problem.message
    assert problem.line == _line(text, "reference_day")


def test_a_programme_id_with_capitals_is_refused_naming_the_key() -> None:
    text = _edit("id: tiny", "id: Tiny Programme")
    problem = _only(text)
    assert problem.message.startswith("'id': string should match pattern")
    assert problem.line == _line(text, "Tiny Programme")


# --- several problems at once ----------------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    text = BASE.replace("qnkpi: 1", "qnkpi: 2").replace("  period:", "  perod:")
    text = text.replace("    direction: increase", "    directon: increase")
    text += ("  other:\n    kind: ratoi\n    numerator: x\n    denominator: y\n"
             "    direction: increase\n")
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=FILE, plugins=PLUGINS)
    problems = info.value.problems
    assert sorted((p.line, p.message.split(";")[0]) for p in problems) == [
        (1, "this qnkpi reads spec format 1: write 'qnkpi: 1'"),
        (_line(text, "perod"), "unknown key 'perod'"),
        (_line(text, "directon"), "unknown key 'directon'"),
        (_line(text, "ratoi"), "unknown kind 'ratoi'"),
    ]
    assert str(info.value).startswith("4 problems:\n  ")
    assert all(p.file == FILE for p in problems)


# --- files and relative paths ----------------------------------------------------------------


def _project(root: Path, *, org: dict[str, Any] | str | None = None) -> Path:
    """A spec in ``root/proj`` with a CSV source and its org units in ``units/org.yaml``."""
    proj = root / "proj"
    (proj / "data").mkdir(parents=True)
    (proj / "units").mkdir()
    (proj / "data" / "x.csv").write_text("unit,year,x\nD1,2023,3\nD2,2023,4\n",
                                         encoding="utf-8")
    if isinstance(org, str):
        (proj / "units" / "org.yaml").write_text(org, encoding="utf-8")
    else:
        (proj / "units" / "org.yaml").write_text(yaml.safe_dump(org or tiny_org_units(2)),
                                                 encoding="utf-8")
    spec = {
        "qnkpi": 1,
        "programme": {"id": "proj", "title": "Project", "period": {"start": 2023, "end": 2025}},
        "org_units": "units/org.yaml",
        "sources": {"table": {"type": "csv", "path": "data/x.csv", "unit": "unit",
                              "year": "year"}},
        "measures": {"x": {"source": "table"}},
        "indicators": {"x_value": {"kind": "value", "measure": "x", "direction": "increase",
                                   "targets": [{"year": 2023, "op": ">=", "value": 1,
                                                "level": "district"}]}},
    }
    path = proj / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_relative_paths_resolve_against_the_spec_folder_not_the_cwd(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    spec = load_spec(path, plugins=PLUGINS)
    assert spec.sources["table"].path == tmp_path / "proj" / "data" / "x.csv"  # type: ignore[attr-defined]
    assert [u.code for u in spec.org_units.units] == ["P", "D1", "D2"]
    result = evaluate(spec, plugins=PLUGINS)
    values = {(c.unit, c.year): c.value for c in result.checks("x_value")}
    assert values == {("D1", 2023): 3.0, ("D2", 2023): 4.0}


def test_a_relative_spec_path_resolves_from_the_cwd(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    spec = load_spec(Path("proj") / "spec.yaml", plugins=PLUGINS)
    source_path = spec.sources["table"].path  # type: ignore[attr-defined]
    assert source_path.resolve() == (tmp_path / "proj" / "data" / "x.csv").resolve()
    assert len(spec.org_units.units) == 3


def test_parse_spec_base_dir_anchors_relative_paths(tmp_path: Path) -> None:
    path = _project(tmp_path)
    text = path.read_text(encoding="utf-8")
    spec = parse_spec(text, file="<memory>", base_dir=path.parent, plugins=PLUGINS)
    assert spec.sources["table"].path == path.parent / "data" / "x.csv"  # type: ignore[attr-defined]
    assert len(spec.org_units.units) == 3


def test_an_absolute_source_path_is_kept(tmp_path: Path) -> None:
    path = _project(tmp_path)
    absolute = tmp_path / "somewhere" / "else.csv"
    text = path.read_text(encoding="utf-8").replace("path: data/x.csv", f"path: {absolute}")
    spec = parse_spec(text, file=path, plugins=PLUGINS)
    assert spec.sources["table"].path == absolute  # type: ignore[attr-defined]


def test_a_missing_org_units_file_is_reported_at_the_org_units_key(tmp_path: Path) -> None:
    path = _project(tmp_path)
    text = path.read_text(encoding="utf-8").replace("units/org.yaml", "units/nope.yaml")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.file == path
    assert problem.line == _line(text, "org_units:")
    assert problem.message.startswith(f"{path.parent / 'units' / 'nope.yaml'}: no such file")


def test_an_org_units_path_that_is_a_folder(tmp_path: Path) -> None:
    path = _project(tmp_path)
    text = path.read_text(encoding="utf-8").replace("units/org.yaml", "units")
    with pytest.raises(SpecError) as info:
        parse_spec(text, file=path, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.file == path and problem.line == _line(text, "org_units:")
    assert problem.message.endswith("this is a folder; give the path of a .yaml file")


def test_an_org_units_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = _project(tmp_path)
    (path.parent / "units" / "org.yaml").write_bytes(b"levels: [tinh]\n# \xff\xfe\n")
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    [problem] = info.value.problems  # reported in the org-units file, where the byte is
    assert (problem.file, problem.line, problem.column) == (path.parent / "units" / "org.yaml",
                                                            2, 3)
    assert problem.message == ("not UTF-8 text: byte 0xff here cannot be read; save the file "
                               "as UTF-8")


def test_problems_in_the_org_units_file_name_that_file_and_line(tmp_path: Path) -> None:
    org = tiny_org_units(2)
    org["units"][1]["levle"] = org["units"][1].pop("level")
    path = _project(tmp_path, org=org)
    # and a problem in the spec itself, reported with it
    text = path.read_text(encoding="utf-8").replace("  id: proj", "  idd: proj")
    path.write_text(text, encoding="utf-8")
    org_file = path.parent / "units" / "org.yaml"
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    problems = sorted(info.value.problems, key=lambda p: str(p.file))
    assert [(p.file, p.message) for p in problems] == [
        (path, "unknown key 'idd'; did you mean 'id'?"),
        (org_file, "unknown key 'levle'; did you mean 'level'?"),
    ]
    assert problems[1].line == _line(org_file.read_text(encoding="utf-8"), "levle")
    assert str(problems[1]).startswith(f"{org_file}:{problems[1].line}:")


def test_an_unquoted_code_in_the_org_units_file(tmp_path: Path) -> None:
    org = ('levels: [province, district]\nunits:\n  - {code: "P", name: P, level: province}\n'
           "  - {code: 06652, name: D, level: district, parent: \"P\"}\n")
    path = _project(tmp_path, org=org)
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.file == path.parent / "units" / "org.yaml"
    assert problem.line == 4
    assert "must be text: put it in quotes" in problem.message


def test_invalid_yaml_in_the_org_units_file_names_that_file(tmp_path: Path) -> None:
    path = _project(tmp_path, org="levels: [province\nunits: []\n")
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.file == path.parent / "units" / "org.yaml"
    assert problem.line == 2
    assert problem.message.startswith("not valid YAML: ")


@pytest.mark.parametrize("content", ["", "- a list\n", "just words\n"])
def test_an_org_units_file_that_is_not_a_mapping_names_that_file(tmp_path: Path,
                                                                 content: str) -> None:
    path = _project(tmp_path, org=content)
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    assert [p.file for p in info.value.problems] == [path.parent / "units" / "org.yaml"]
    assert info.value.problems[0].message != "invalid spec"


def test_cross_reference_problems_in_the_org_units_file_name_that_file(tmp_path: Path) -> None:
    org = tiny_org_units(2)
    org["units"][2]["parent"] = "Q"
    path = _project(tmp_path, org=org)
    org_file = path.parent / "units" / "org.yaml"
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    [problem] = info.value.problems
    assert problem.message == ("parent 'Q' of unit 'D2' is not a unit; add the parent to "
                               "the org units, or correct the code")
    assert problem.file == org_file
    assert problem.line == _line(org_file.read_text(encoding="utf-8"), "parent: Q")


def test_a_missing_spec_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    assert str(info.value) == f"{path}: no such file; check the path"


def test_a_missing_spec_file_named_relative_to_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as info:
        load_spec(Path("specs") / "nope.yaml", plugins=PLUGINS)
    assert str(info.value) == (f"{Path('specs', 'nope.yaml')}: no such file; check the path "
                               f"(a relative path starts at the working directory, "
                               f"{Path.cwd()})")


def test_a_missing_org_units_file_is_relative_to_the_spec_folder(tmp_path: Path) -> None:
    spec = tmp_path / "programme.yaml"
    spec.write_text("qnkpi: 1\norg_units: units.yaml\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(spec, plugins=PLUGINS)
    [problem] = [p for p in info.value.problems if "no such file" in p.message]
    assert problem.message == (f"{tmp_path / 'units.yaml'}: no such file; check the path "
                               "(relative paths start at the spec's folder)")
    assert (problem.file, problem.line) == (spec, 2)


def test_a_spec_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path, plugins=PLUGINS)
    assert str(info.value) == f"{tmp_path}: this is a folder; give the path of a .yaml file"


def test_a_spec_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes("qnkpi: 1\nowner: Tỉnh\n".encode("utf-16"))
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    assert str(info.value) == f"{path}:1:1: the file is UTF-16 text; save it as UTF-8"


def test_a_spec_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode("utf-8"))
    assert load_spec(path, plugins=PLUGINS).programme.id == "tiny"


def test_a_spec_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_module, "MAX_SPEC_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text(BASE, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path, plugins=PLUGINS)
    size = len(BASE.encode("utf-8"))
    assert str(info.value) == (f"{path}: the file is {size:,} bytes, over the 100-byte limit "
                               "for spec files; put data in a source, not in the spec")


def test_a_nul_byte_in_the_org_units_path_is_a_spec_error() -> None:
    head, rest = BASE.split("org_units:\n")
    text = head + 'org_units: "units\\0.yaml"\nsources:' + rest.split("sources:", 1)[1]
    assert "\\0" in text and "levels:" not in text
    with pytest.raises(SpecError):
        parse_spec(text, file=FILE, plugins=PLUGINS)


# --- whatever the input, only SpecError ------------------------------------------------------


def _load_or_spec_error(text: str, **kwargs: Any) -> None:
    try:
        spec = parse_spec(text, plugins=PLUGINS, **kwargs)
    except SpecError as exc:
        assert exc.problems
        assert all(isinstance(p, Problem) and p.message for p in exc.problems)
        str(exc)  # renders
        if currently_in_test_context():
            event("SpecError")
    else:
        assert isinstance(spec, Spec)
        if currently_in_test_context():
            event("loaded")


_FAST = settings(max_examples=200, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.text())
def test_any_text_gives_a_spec_or_a_spec_error(text: str) -> None:
    _load_or_spec_error(text, file=FILE)


_KEYS = st.sampled_from(["qnkpi", "programme", "org_units", "sources", "measures",
                         "indicators", "id", "title", "period", "start", "end", "levels",
                         "units", "code", "name", "level", "parent", "type", "data", "source",
                         "kind", "measure", "direction", "targets", "year", "years", "op",
                         "value", "min", "max"]) | st.text(max_size=8)
_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats()
            | st.text(max_size=12) | st.sampled_from(["increase", "ratio", "value", ">=",
                                                      "between", "inline", "csv", "P"]))
_TREES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(_KEYS | st.integers(), children, max_size=5),
    max_leaves=30,
)


@_FAST
@given(_TREES, st.booleans())
def test_any_yaml_structure_gives_a_spec_or_a_spec_error(tree: Any, versioned: bool) -> None:
    if versioned and isinstance(tree, dict):
        tree = {"qnkpi": 1, **tree}
    _load_or_spec_error(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), file=FILE)


def _example_data(inline_org_units: bool) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLE / "programme.yaml").read_text(encoding="utf-8"))
    if inline_org_units:
        data["org_units"] = yaml.safe_load((EXAMPLE / "org-units.yaml").read_text(
            encoding="utf-8"))
    assert isinstance(data, dict)
    return data


_EXAMPLES = {inline: _example_data(inline) for inline in (False, True)}


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (dict keys and list indices)."""
    found = []
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else ())
    for key, child in items:
        found.append((*path, key))
        found += _paths(child, (*path, key))
    return found


_PATHS = {inline: _paths(data) for inline, data in _EXAMPLES.items()}


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def _mutated_example(draw: st.DrawFn) -> dict[str, Any]:
    inline = draw(st.booleans())
    data = copy.deepcopy(_EXAMPLES[inline])
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        action = draw(st.sampled_from(["delete", "rename", "replace"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            new = draw(_KEYS | st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
            parent[new] = parent.pop(path[-1])
        else:
            parent[path[-1]] = draw(_SCALARS)
    return data


def test_the_unmutated_example_loads_through_parse_spec() -> None:
    for data in _EXAMPLES.values():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        spec = parse_spec(text, file=EXAMPLE / "programme.yaml", base_dir=EXAMPLE,
                          plugins=PLUGINS)
        assert len(spec.indicators) == 14
    assert len(_PATHS[True]) > len(_PATHS[False]) > 100


@_FAST
@given(_mutated_example())
def test_a_mutated_example_gives_a_spec_or_a_spec_error(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _load_or_spec_error(text, file=EXAMPLE / "programme.yaml", base_dir=EXAMPLE)


@_FAST
@given(_mutated_example())
def test_problems_of_a_mutated_example_have_real_positions(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        parse_spec(text, file=EXAMPLE / "programme.yaml", base_dir=EXAMPLE, plugins=PLUGINS)
    except SpecError as exc:
        n_lines = {EXAMPLE / "programme.yaml": len(text.splitlines())}
        n_lines[EXAMPLE / "org-units.yaml"] = len(
            (EXAMPLE / "org-units.yaml").read_text(encoding="utf-8").splitlines())
        for problem in exc.problems:
            assert problem.file in n_lines, problem
            if problem.line is not None:
                assert 1 <= problem.line <= n_lines[problem.file] + 1, problem
                assert problem.column is not None and problem.column >= 1

