"""The ``html`` report as an official would attach it: it leads with the year's headline,
groups indicators by objective, never draws a trend across a reorganisation, labels
interpolated thresholds as a reference path, and in Vietnamese shows no English from the
spec or the catalogues."""

from __future__ import annotations

import html as html_lib
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from english_phrases import english_phrases

import qnkpi
from qnkpi.i18n import _catalogue, assessment_word
from qnkpi.reporters.html import HtmlReporter, build_page
from qnkpi.testing import spec_from_dict, tiny_programme
from qnkpi.verdicts import AssessmentStatus

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
REPORTERS = ROOT / "src" / "qnkpi" / "reporters"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def _html(result: qnkpi.Result, lang: str) -> str:
    stream = io.StringIO()
    HtmlReporter().write(result, stream, lang=lang)
    return stream.getvalue()


def _text(page: str) -> str:
    """What a reader sees: the page without its markup and style, unescaped, one
    space between words."""
    body = re.sub(r"<style>.*?</style>", " ", page, flags=re.DOTALL)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html_lib.unescape(body))


def _activities(*, reform: bool, methods: list[str] | None = None) -> dict[str, Any]:
    """A province whose activities are the sum of its units': two districts 2023-2024,
    then (with `reform`) three communes from 2025, as Quảng Ninh's in July 2025."""
    data = tiny_programme(
        indicators={"acts": {
            "title": {"en": "Activities", "vi": "Hoạt động"}, "kind": "value",
            "measure": "m", "unit": "count", "direction": "increase",
            "targets": [{"years": [2023, 2025], "op": ">=", "value": 10},
                        {"year": 2030, "op": ">=", "value": 40, "goal": True}]}},
        data={"m": {"D1": {2023: 6, 2024: 7, 2025: 8}, "D2": {2023: 5, 2024: 6, 2025: 9},
                    "C1": {2025: 8}, "C2": {2025: 9}, "C3": {2025: 12}}},
        districts=2)
    units = data["org_units"]["units"]
    if reform:
        data["org_units"]["levels"] = ["province", "district", "commune"]
        for unit in units[1:]:
            unit["valid_to"] = "2024-12-31"
        units += [{"code": f"C{i}", "name": f"Commune {i}", "level": "commune",
                   "parent": "P", "valid_from": "2025-01-01"} for i in (1, 2, 3)]
    else:
        for measure in data["sources"]["data"]["data"].values():
            for code in ("C1", "C2", "C3"):
                measure.pop(code)
    if methods is not None:
        data["programme"]["assessment"] = {"methods": methods}
    return data


# --- the headline of the year ------------------------------------------------------

def test_summary_leads_with_the_headline_per_year(result: qnkpi.Result) -> None:
    page = build_page(result, "vi")
    counts = result.headline()
    assert [line.split(":")[0] for line in page.headline] == [f"Năm {c.year}"
                                                              for c in counts]
    assert "Năm 2025: 3/9 chỉ tiêu đạt và vượt" in page.headline[-1]
    html = _html(result, "vi")
    # before the counts of checks and the table of indicators
    assert html.index("Năm 2025: 3/9") < html.index("Đánh giá theo chỉ tiêu từng năm")
    assert "Year 2025: 3/9 targets met or exceeded" in _html(result, "en")


def test_headline_counts_years_without_data() -> None:
    data = _activities(reform=False)
    # a second target of the province, due in 2025, whose measure has no 2025 figure
    data["sources"]["data"]["data"]["n"] = {"P": {2023: 1, 2025: None}}
    data["measures"]["n"] = {"source": "data"}
    data["indicators"]["own"] = {
        "kind": "value", "measure": "n", "unit": "count", "direction": "increase",
        "targets": [{"year": 2025, "op": ">=", "value": 1}]}
    result = qnkpi.evaluate(spec_from_dict(data))
    (year,) = [c for c in result.headline() if c.year == 2025]
    assert year.no_data == 1
    lines = build_page(result, "vi").headline
    assert "Năm 2025: 1/1 chỉ tiêu đạt và vượt (1 chưa có số liệu)" in lines


# --- honest across a change of tree ----------------------------------------------------

def test_chart_line_stops_at_a_reorganisation() -> None:
    result = qnkpi.evaluate(spec_from_dict(_activities(reform=True)))
    assert result.comparable("acts")[0, 2] == 0.0  # the province, 2025
    (card,) = build_page(result, "vi").cards
    chart = card.chart
    assert chart is not None
    d2023, d2024, d2025 = chart.dots
    # one line 2023-2024; 2025 a dot on its own, no segment across the change
    assert chart.lines == [f"{d2023.x},{d2023.y} {d2024.x},{d2024.y}"]
    (mark,) = chart.breaks
    assert mark.year == 2025 and d2024.x < mark.x < d2025.x
    assert mark.label == "không so sánh được qua đợt sắp xếp tổ chức năm 2025"
    html = _html(result, "vi")
    assert html.count('<line class="break"') == 1
    assert "không so sánh được qua đợt sắp xếp tổ chức năm 2025" in html
    assert html.count('<polyline class="actual"') == 1
    # the grid marks the cell that cannot be compared with the year before
    assert card.grid is not None
    (row,) = card.grid.rows
    assert [c.brk for c in row.cells] == [False, False, True]
    assert html.count('class="brk-mark"') == 1
    assert "‖ không so sánh được với năm trước" in html  # the footer's legend


def test_without_a_reorganisation_the_line_runs_on_to_the_projection() -> None:
    result = qnkpi.evaluate(spec_from_dict(_activities(reform=False)))
    assert not (result.comparable("acts") == 0.0).any()
    (card,) = build_page(result, "en").cards
    chart = card.chart
    assert chart is not None and chart.breaks == [] and len(chart.lines) == 1
    assert chart.lines[0].count(",") == 3  # 2023, 2024 and 2025 in one line
    assert card.grid is not None and not card.grid.breaks
    # the projection starts at the current value and ends at the goal year, on the right
    projection = chart.projection
    assert projection is not None and projection.label.startswith("projected 2030: ")
    assert (projection.x1, projection.y1) == (chart.dots[-1].x, chart.dots[-1].y)
    assert projection.x2 == chart.width - chart.right
    html = _html(result, "en")
    assert '<line class="break"' not in html and 'class="brk-mark"' not in html


def test_names_in_force_that_year(result: qnkpi.Result) -> None:
    """Đông Triều was a town (Thị Đoàn) in 2023 and a city (Thành Đoàn) from 2024: its
    2023 figure is not labelled with the later name alone."""
    html = _html(result, "vi")
    assert "Thành Đoàn Đông Triều <small class=\"muted\">(2023: Thị Đoàn Đông Triều)" in html


# --- reference paths, thresholds, methods ---------------------------------------------

def test_interpolated_thresholds_are_a_reference_path(result: qnkpi.Result) -> None:
    page = build_page(result, "vi")
    card = next(c for c in page.cards if c.name == "children_youth_reached_pct")
    assert card.grid is not None and card.chart is not None
    heads = {h.text: h.reference for h in card.grid.heads}
    assert heads["> 50%"] is False  # 2023: stated in the plan
    assert heads["> 55,71% ~"] is True  # 2024: interpolated
    labels = [s.label for s in card.chart.thresholds]
    assert "chỉ tiêu 2023: > 50%" in labels
    assert "lộ trình tham chiếu 2024: > 55,71% ~" in labels
    html = _html(result, "vi")
    assert "Kế hoạch &gt; 55" not in html and "lộ trình tham chiếu" in html


def test_thresholds_read_as_written_in_vietnamese(result: qnkpi.Result) -> None:
    text = _text(_html(result, "vi"))
    assert "≥ 100%" in text and "≥ 2 (2030)" in text
    assert ">= " not in text and "<= " not in text


# --- grouped by objective --------------------------------------------------------------

def test_cards_and_table_are_grouped_by_objective(result: qnkpi.Result) -> None:
    spec = result.spec
    page = build_page(result, "vi")
    expected = spec.objective_groups()
    assert [g.key or None for g in page.groups] == [key for key, _ in expected]
    assert [[c.name for c in g.cards] for g in page.groups] == [list(names)
                                                                 for _, names in expected]
    assert page.grouped
    for group in page.groups:
        if group.key:
            assert group.title == spec.objectives[group.key].title.get("vi")
    html = _html(result, "vi")
    # one body of the table per objective, its title on top; a section per objective
    assert html.count('<tr class="objective">') == len(expected)
    assert html.count('<section class="objective"') == len(expected)
    titles = [g.title for g in page.groups]
    positions = [html.index(f'<h2 class="objective-title">{html_lib.escape(t)}</h2>')
                 for t in titles]
    assert positions == sorted(positions)
    # cards under an objective's heading are one level below it
    assert '<h3 class="card-title"' in html and '<h2 class="card-title"' not in html


def test_indicators_of_no_objective_come_last() -> None:
    data = tiny_programme(
        indicators={name: {"kind": "value", "measure": "m", "unit": "count",
                           "direction": "increase", **extra}
                    for name, extra in (("a", {}), ("b", {"objective": "one"}),
                                        ("c", {"objective": "one"}))},
        data={"m": {"D1": {2023: 1}}})
    data["objectives"] = {"one": {"title": {"en": "Objective 1", "vi": "Mục tiêu 1"}}}
    page = build_page(qnkpi.evaluate(spec_from_dict(data)), "vi")
    assert [(g.title, [c.name for c in g.cards]) for g in page.groups] == [
        ("Mục tiêu 1", ["b", "c"]), ("Các chỉ tiêu khác", ["a"])]


def test_without_objectives_one_untitled_group() -> None:
    result = qnkpi.evaluate(spec_from_dict(_activities(reform=False)))
    page = build_page(result, "en")
    assert [g.title for g in page.groups] == [""] and not page.grouped
    html = _html(result, "en")
    assert '<tr class="objective">' not in html and '<section class="objective"' not in html
    assert '<h2 class="card-title" title="acts">Activities</h2>' in html


# --- Vietnamese throughout -------------------------------------------------------------

def test_vietnamese_page_holds_no_english(result: qnkpi.Result) -> None:
    english = english_phrases(result.spec, min_words=3)
    assert len(english) > 50
    text = _text(_html(result, "vi"))
    found = sorted(e for e in english if e in text)
    assert not found
    # nor method names as the spec writes them, nor indicator names
    for name in ("linear_path", "cagr_ratio", "linear path", *result.indicators):
        assert name not in text
    # every status the page shows is in Vietnamese
    shown = {AssessmentStatus(code).key for a in result.assessments
             for code in np.unique(a.status).tolist() if code}
    assert shown
    untranslated = sorted(key for key in shown
                          if assessment_word(key, "vi") == assessment_word(key, "en"))
    assert not untranslated


def test_every_message_of_the_page_is_translated() -> None:
    messages: set[str] = set()
    for path in (REPORTERS / "templates").glob("*.j2"):
        messages |= set(re.findall(r"_\('([^']*)'\)", path.read_text(encoding="utf-8")))
    for name in ("_page.py", "_card.py", "_chart.py", "_grid.py", "html.py"):
        source = (REPORTERS / name).read_text(encoding="utf-8")
        messages |= set(re.findall(r'gettext\(\s*"([^"]*)"', source))
    assert "Year {year}: {met}/{of} targets met or exceeded" in messages
    assert "not comparable across the {year} reorganisation" in messages
    missing = sorted(m for m in messages if m not in _catalogue("vi"))
    assert not missing
