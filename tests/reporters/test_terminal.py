"""The ``table`` reporter: one screen by default, every unit with ``detail``; the words of
the terminal and the Markdown report in Vietnamese."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from english_phrases import catalogue_english

import qnkpi
from qnkpi.cli import main
from qnkpi.reporters._overview import overview
from qnkpi.reporters.markdown import MarkdownReporter
from qnkpi.reporters.table import TableReporter
from qnkpi.verdicts import Verdict

SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def _table(result: qnkpi.Result, lang: str, *, detail: bool = False,
           width: int = 80) -> str:
    stream = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", str(width))
        TableReporter().write(result, stream, lang=lang, detail=detail)
    return stream.getvalue()


def _markdown(result: qnkpi.Result, lang: str) -> str:
    stream = io.StringIO()
    MarkdownReporter().write(result, stream, lang=lang)
    return stream.getvalue()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_demo_fits_a_screen(lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`qnkpi demo` printed 1,081 lines, mostly per-commune goal tables."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["demo", "-o", str(tmp_path), "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) <= 85, len(out.splitlines())
    assert "Thành Đoàn Hạ Long" not in out and "Ha Long City" not in out  # no unit's grid


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_one_row_per_indicator_for_the_top_unit(result: qnkpi.Result, lang: str) -> None:
    view = overview(result, lang)
    assert view.year == 2025
    assert view.unit == ("Tỉnh Đoàn Quảng Ninh" if lang == "vi"
                         else "Quang Ninh Provincial Youth Union")
    rows = {row.name: row for _, group in view.groups for row in group}
    assert list(rows) == [n for _, names in result.spec.objective_groups() for n in names]
    assert [title for title, _ in view.groups] == [
        o.title.get(lang) for o in result.spec.objectives.values()]
    children = rows["children_youth_reached_pct"]
    assert (children.verdict, children.units) == (Verdict.MET, None)
    assert children.threshold.endswith(" ~")  # interpolated: a reference path
    # a count per unit: its provincial sum is not a figure of the province
    activities = rows["district_digital_activities"]
    assert (activities.value, activities.verdict) == ("", Verdict.NONE)
    assert activities.units is not None and sum(activities.units) == 54


def test_the_verdict_is_the_result_s(result: qnkpi.Result) -> None:
    """The overview reads `IndicatorResult.verdict`, never recomputes it from op and
    margin: a result whose verdict says otherwise is shown as it says."""
    res = result.indicators["members_in_software_pct"]
    col = int(np.flatnonzero(result.years == 2025)[0])
    assert res.verdict[0, col] == Verdict.NOT_MET
    forced = res.verdict.copy()
    forced[0, col] = Verdict.EXCEEDED
    res.__dict__["verdict"] = forced  # the cached panel
    try:
        rows = {r.name: r for _, g in overview(result, "vi").groups for r in g}
        assert rows["members_in_software_pct"].verdict == Verdict.EXCEEDED
        assert "✓ Vượt" in _table(result, "vi", width=200).split("phần mềm quản lý đoàn viên "
                                                                  "của Trung ương Đoàn")[1]
    finally:
        res.__dict__.pop("verdict")  # computed again on next use


@pytest.mark.parametrize(("lang", "line"), [
    ("vi", "Năm 2025: 3/9 chỉ tiêu đạt và vượt"),
    ("en", "2025: 3 of 9 targets met or exceeded"),
])
def test_the_summary_leads_with_the_headline(result: qnkpi.Result, lang: str,
                                             line: str) -> None:
    counts = {c.year: c for c in result.headline()}
    assert (counts[2025].met, counts[2025].of) == (3, 9)
    table = _table(result, lang)
    assert line in table
    summary = table[table.index(line.split(":")[0] if lang == "en" else "Năm 2023"):]
    assert summary.index(line) < summary.index("205")  # before the per-unit counts
    markdown = _markdown(result, lang)
    assert f"- **{line}**" in markdown
    assert markdown.index(line) < markdown.index("205")


def test_every_unit_with_detail(result: qnkpi.Result) -> None:
    table = _table(result, "vi", detail=True, width=160)
    assert "Thành Đoàn Hạ Long" in table and "Đoàn xã Cái Chiên" in table
    assert len(table.splitlines()) > 500


def test_the_terminal_in_the_words_of_a_provincial_office(result: qnkpi.Result) -> None:
    table = _table(result, "vi", detail=True, width=200)
    for term in ("năm cơ sở", "hệ số tiến độ", "mức tăng cần đạt/năm", "Dự báo 2030",
                 "điểm %", "≥ 100%", "lộ trình tham chiếu", "Đường thẳng", "Tăng trưởng kép"):
        assert term in table, term
    for old in ("năm gốc", "tỷ số", "cần/năm", "linear_path", "cagr_ratio", ">= ",
                "Đi lùi"):
        assert old not in table, old


@pytest.mark.parametrize("detail", [False, True])
def test_no_english_in_the_vietnamese_reports(result: qnkpi.Result, detail: bool) -> None:
    notes = {t.note.get("en") for ind in result.spec.indicators.values()
             for t in ind.targets if t.note is not None and t.note.get("en") != t.note.get("vi")}
    assert notes  # the example has notes in both languages
    english = catalogue_english() | notes
    for text in (_table(result, "vi", detail=detail, width=200), _markdown(result, "vi")):
        assert not [e for e in english if e in text]
    for word in ("met", "on track", "Spec:", "Reports in", "needed/yr", "ratio"):
        assert word not in _table(result, "vi", width=200), word


def test_the_markdown_report_in_vietnamese(result: qnkpi.Result) -> None:
    md = _markdown(result, "vi")
    assert "· ·" not in md  # the no-data mark after a separator
    assert "## Mục tiêu 1" in md
    assert md.index("## Mục tiêu 1") < md.index("### Số hoạt động nâng cao năng lực số")
    assert "*Ghi chú*" in md
    # notes in the reader's language
    note = result.spec.indicators["district_digital_activities"].targets[1].note
    assert note is not None and note.get("vi") != note.get("en")
    assert note.get("vi").split()[0] in md and note.get("en") not in md
    for old in ("năm gốc", "linear_path", "cagr_ratio", "\\>= "):
        assert old not in md, old
    assert "Đường thẳng tới mục tiêu" in _markdown_of_a_ratio("vi")
    # a unit renamed mid-programme reads under the name it had for its earlier figures
    assert "Thành Đoàn Đông Triều (2023: Thị Đoàn Đông Triều)" in md


def test_a_break_of_the_tree_is_marked_in_the_grids(result: qnkpi.Result) -> None:
    """The province's activities add up 13 district unions in 2024, 54 commune unions in
    2025: the 2025 figure is marked as not comparable with 2024."""
    md = _markdown(result, "vi")
    assert "| ‖ 92,6% ✗ Chưa đạt |" in md and "không so sánh được với năm trước" in md
    table = " ".join(_table(result, "vi", detail=True, width=200).split())
    assert "│ ‖ 92,6% ✗" in table and "không so sánh được với năm trước" in table


def _markdown_of_a_ratio(lang: str) -> str:
    """The Markdown report of a goal two methods judge apart from a baseline."""
    from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

    plugins = plugins_with()
    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: 20.0, 2025: 60.0}, "D1": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "unit": "percent",
                          "targets": [{"year": 2030, "op": ">=", "value": 90,
                                       "goal": True}]}}), plugins=plugins)
    return _markdown(qnkpi.evaluate(spec, plugins=plugins), lang)


def test_a_goal_judged_by_two_methods(result: qnkpi.Result) -> None:
    md = _markdown_of_a_ratio("vi")
    assert "**Tiến độ tới mục tiêu ≥ 90% năm 2030**" in md
    assert re.search(r"Đường thẳng tới mục tiêu: [^;]+ \(hệ số tiến độ \d+,\d\d\); "
                     r"Tốc độ tăng trưởng bình quân năm \(CAGR\): ", md), md
