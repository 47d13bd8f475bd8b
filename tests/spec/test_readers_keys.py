"""The spec keys for a report's readers: notes in both languages, level titles, objectives,
the readers' language (every command's `--lang` default) and the annex's report header."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qnkpi import evaluate, parse_spec
from qnkpi.cli import main
from qnkpi.errors import SpecError
from qnkpi.i18n import level_title
from qnkpi.testing import plugins_with

PLUGINS = plugins_with()
FILE = Path("/specs/tiny/spec.yaml")

BASE = """\
qnkpi: 1
programme:
  id: tiny
  title: {vi: Chương trình nhỏ, en: Tiny programme}
  period: {start: 2023, end: 2030}
org_units:
  levels: [province, {code: school, title: {vi: Cấp trường, en: School level}}]
  units:
    - {code: "P", name: Tỉnh, level: province}
    - {code: "S1", name: Trường 1, level: school, parent: "P"}
sources:
  data:
    type: inline
    data:
      x: {P: {2023: 5, 2024: 6}, S1: {2023: 2, 2024: 3}}
measures:
  x: {source: data}
objectives:
  first: {title: {vi: "Mục tiêu 1", en: "Objective 1"}}
  second: {title: {vi: "Mục tiêu 2", en: "Objective 2"}}
indicators:
  loose:
    kind: value
    measure: x
    direction: increase
    targets: [{year: 2024, op: ">=", value: 1}]
  b:
    objective: second
    kind: value
    measure: x
    direction: increase
    targets:
      - {years: [2023, 2024], op: ">=", value: 2,
         note: {vi: Ghi chú tiếng Việt, en: An English note}}
  a:
    objective: first
    kind: value
    measure: x
    direction: increase
    targets: [{year: 2024, op: ">=", value: 1, note: same in both}]
"""


def _parse(text: str = BASE) -> object:
    return parse_spec(text, file=FILE, plugins=PLUGINS)


def test_objectives_group_the_indicators_in_declared_order_then_the_rest() -> None:
    spec = _parse()
    assert spec.objective_groups() == [  # type: ignore[attr-defined]
        ("first", ("a",)), ("second", ("b",)), (None, ("loose",))]
    assert spec.objectives["second"].title.get("vi") == "Mục tiêu 2"  # type: ignore[attr-defined]


def test_without_objectives_one_group_in_spec_order() -> None:
    text = BASE.replace("    objective: second\n", "").replace("    objective: first\n", "")
    text = text.replace('objectives:\n  first: {title: {vi: "Mục tiêu 1", en: "Objective 1"}}\n'
                        '  second: {title: {vi: "Mục tiêu 2", en: "Objective 2"}}\n', "")
    assert _parse(text).objective_groups() == [  # type: ignore[attr-defined]
        (None, ("loose", "b", "a"))]


def test_an_unknown_objective_is_an_error_at_its_line() -> None:
    text = BASE.replace("objective: second", "objective: secnd")
    with pytest.raises(SpecError) as info:
        _parse(text)
    [problem] = info.value.problems
    assert problem.message.startswith("unknown objective 'secnd'; did you mean 'second'?")
    assert text.splitlines()[problem.line - 1].strip() == "objective: secnd"


def test_a_note_in_both_languages_and_a_plain_one() -> None:
    spec = _parse()
    b = spec.indicators["b"].targets[0].note  # type: ignore[attr-defined]
    a = spec.indicators["a"].targets[0].note  # type: ignore[attr-defined]
    assert (b.get("vi"), b.get("en")) == ("Ghi chú tiếng Việt", "An English note")
    assert (a.get("vi"), a.get("en")) == ("same in both", "same in both")


def test_notes_in_the_result_tables_follow_the_language() -> None:
    import pyarrow as pa

    from qnkpi.engine.tables import parts_of

    result = evaluate(_parse())
    vi = pa.concat_tables(parts_of(result, "checks", lang="vi")).to_pydict()
    en = pa.concat_tables(parts_of(result, "checks", lang="en")).to_pydict()
    row = vi["indicator"].index("b")
    assert (vi["note"][row], en["note"][row]) == ("Ghi chú tiếng Việt", "An English note")
    # the JSON rows carry the official text
    [check] = [c for c in result.checks("b") if c.year == 2023]
    assert check.to_dict()["note"] == "Ghi chú tiếng Việt"


def test_level_titles_from_the_spec_then_qnkpi_words_then_the_name() -> None:
    org = _parse().org_units  # type: ignore[attr-defined]
    assert org.levels == ("province", "school")
    assert level_title(org, "school", "vi") == "Cấp trường"
    assert level_title(org, "school", "en") == "School level"
    assert level_title(org, "province", "vi") == "Cấp tỉnh"
    assert level_title(org, "province", "en") == "Province level"
    assert level_title(org, "ward", "en") == "Ward"


def test_a_title_for_a_level_that_does_not_exist_is_an_error() -> None:
    text = BASE.replace("  levels: [province, {code: school, title: {vi: Cấp trường, en: "
                        "School level}}]\n", "  levels: [province, school]\n  level_titles: "
                        "{shool: Trường}\n")
    with pytest.raises(SpecError) as info:
        _parse(text)
    assert any("a title for 'shool', which is not a level; did you mean 'school'?"
               in p.message for p in info.value.problems)


def test_a_malformed_level_is_an_error_not_a_crash() -> None:
    text = BASE.replace("{code: school, title:", "{cod: school, title:")
    with pytest.raises(SpecError):
        _parse(text)


@pytest.mark.parametrize("language", ["vi", "en", "fr"])
def test_programme_language_is_vi_or_en(language: str) -> None:
    text = BASE.replace("  period:", f"  language: {language}\n  period:")
    if language == "fr":
        with pytest.raises(SpecError, match="language"):
            _parse(text)
    else:
        assert _parse(text).programme.language == language  # type: ignore[attr-defined]


def test_report_header_keys() -> None:
    text = BASE.replace("  period:", "  report: {issuer: Tỉnh Đoàn, place: Quảng Ninh, "
                        "number: 12-BC/TĐ, date: 2026-01-15}\n  period:")
    report = _parse(text).programme.report  # type: ignore[attr-defined]
    assert (report.issuer.get("vi"), report.place, report.number, report.date) == (
        "Tỉnh Đoàn", "Quảng Ninh", "12-BC/TĐ", dt.date(2026, 1, 15))


# --- the command line: --lang defaults to the spec's language ----------------------------


def _spec_file(tmp_path: Path, language: str | None) -> Path:
    """The spec with its data in a CSV file (forms are written for csv sources)."""
    text = BASE if language is None else BASE.replace(
        "  period:", f"  language: {language}\n  period:")
    (tmp_path / "x.csv").write_text("unit,year,x\nP,2023,5\nS1,2023,2\nP,2024,6\nS1,2024,3\n",
                                    encoding="utf-8")
    text = text.replace("""    type: inline
    data:
      x: {P: {2023: 5, 2024: 6}, S1: {2023: 2, 2024: 3}}""", """    type: csv
    path: x.csv
    unit: unit
    year: year""")
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_template_defaults_to_the_spec_language(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for language, sheets in ((None, ["Data", "Instructions"]), ("vi", ["Số liệu", "Hướng dẫn"])):
        form = tmp_path / f"form-{language}.xlsx"
        assert main(["template", str(_spec_file(tmp_path, language)), "--year", "2024",
                     "-o", str(form)]) == 0
        assert load_workbook(form).sheetnames == sheets
    form = tmp_path / "form-en.xlsx"  # --lang still wins
    assert main(["template", str(_spec_file(tmp_path, "vi")), "--year", "2024", "-o",
                 str(form), "--lang", "en"]) == 0
    assert load_workbook(form).sheetnames == ["Data", "Instructions"]
    capsys.readouterr()


def test_evaluate_defaults_to_the_spec_language(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(_spec_file(tmp_path, "vi"))
    assert main(["evaluate", spec, "-f", "csv"]) == 0
    vi = capsys.readouterr().out
    assert main(["evaluate", spec, "-f", "csv", "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Ghi chú tiếng Việt" in vi and "An English note" not in vi
    assert "An English note" in en and "Ghi chú tiếng Việt" not in en


def test_a_report_date_that_is_not_a_date_is_exit_2(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(_spec_file(tmp_path, None))
    assert main(["evaluate", spec, "--report-date", "15/01/2026"]) == 2
    assert "'15/01/2026' is not a date; write it YYYY-MM-DD" in capsys.readouterr().err


def test_reporters_get_only_the_options_they_name(tmp_path: Path) -> None:
    """A reporter without `options` is called as before; one that names an option gets it."""
    from qnkpi.cli._output import write_report

    seen: dict[str, object] = {}

    class Plain:
        suffix, binary = ".txt", False

        def write(self, result: object, stream: object, *, lang: str = "en") -> None:
            seen["plain"] = lang

    class Taking(Plain):
        options = ("report_number",)

        def write(self, result: object, stream: object, *, lang: str = "en",
                  report_number: str | None = None) -> None:
            seen["taking"] = (lang, report_number)

    class Registry:
        reporters = {"plain": Plain(), "taking": Taking()}

        def owner(self, hook: str, name: str) -> str:
            return "qnkpi.default_plugins.reporters"

    options = {"detail": True, "report_number": "7-BC/TĐ"}
    for fmt in ("plain", "taking"):
        write_report(object(), Registry(), fmt, str(tmp_path / fmt),  # type: ignore[arg-type]
                     "vi", options)
    assert seen == {"plain": "vi", "taking": ("vi", "7-BC/TĐ")}
    assert json.dumps(seen)  # plain data only
