"""Which target is the goal, and where it is assessed: one goal per unit, however many
targets end in the latest year."""

from __future__ import annotations

from typing import Any

import pytest

from qnkpi import evaluate
from qnkpi.engine.assess import goal_of, goals_of
from qnkpi.testing import spec_from_dict, tiny_programme

YEARS = range(2023, 2026)
#: The province reports 10, 12, 14; each district 1, 2, 3: rising everywhere.
DATA = {"x": {"P": {y: 10.0 + 2 * i for i, y in enumerate(YEARS)},
              **{f"D{d}": {y: 1.0 + i for i, y in enumerate(YEARS)} for d in (1, 2, 3)}}}


def _result(targets: list[dict[str, Any]]) -> Any:
    indicator = {"kind": "value", "measure": "x", "direction": "increase", "targets": targets}
    spec = spec_from_dict(tiny_programme(data=DATA, indicators={"v": indicator}))
    return evaluate(spec, year=2025)


def _goals_by_unit(result: Any) -> dict[str, tuple[float, str]]:
    return {r["unit"]: (r["goal"], r["op"]) for r in result.assessment_rows("v")
            if r["method"] == "linear_path"}


def test_a_province_and_a_district_target_for_the_same_year_are_each_assessed() -> None:
    """Both end in 2030, none marked: the province is assessed toward its 30 and every
    district toward its 8, each unit once, the province's goal first (the list's order)."""
    result = _result([{"year": 2030, "op": ">=", "value": 30},
                      {"year": 2030, "op": ">=", "value": 8, "level": "district"}])
    assert _goals_by_unit(result) == {"P": (30.0, ">="), "D1": (8.0, ">="),
                                      "D2": (8.0, ">="), "D3": (8.0, ">=")}
    units = [r["unit"] for r in result.assessment_rows("v")]
    runs = [u for i, u in enumerate(units) if i == 0 or units[i - 1] != u]
    assert runs == ["P", "D1", "D2", "D3"]  # each unit's methods together, goal by goal
    assert [len(g[0].inputs.rows) for g in result.assessment_groups("v")] == [1, 3]
    table = result.to_arrow("assessments")
    assert table.column("goal").to_pylist() == [r["goal"] for r in result.assessment_rows()]
    assert table.column("unit").to_pylist() == [r["unit"] for r in result.assessment_rows()]


@pytest.mark.parametrize(("marked", "assessed"), [(0, {"P"}), (1, {"D1", "D2", "D3"})])
def test_a_marked_goal_is_the_only_one(marked: int, assessed: set[str]) -> None:
    targets: list[dict[str, Any]] = [
        {"year": 2030, "op": ">=", "value": 30},
        {"year": 2030, "op": ">=", "value": 8, "level": "district"}]
    targets[marked]["goal"] = True
    assert set(_goals_by_unit(_result(targets))) == assessed


def test_an_earlier_target_is_not_a_goal() -> None:
    result = _result([{"year": 2030, "op": ">=", "value": 30},
                      {"year": 2026, "op": ">=", "value": 8, "level": "district"}])
    assert set(_goals_by_unit(result)) == {"P"}


def test_goals_of_and_the_goal_a_report_names() -> None:
    targets = [{"year": 2030, "op": ">=", "value": 8, "level": "district"},
               {"year": 2025, "op": ">=", "value": 1},
               {"year": 2030, "op": ">=", "value": 30}]
    indicator = {"kind": "value", "measure": "x", "direction": "increase", "targets": targets}
    spec = spec_from_dict(tiny_programme(data=DATA, indicators={"v": indicator}))
    ind = spec.indicators["v"]
    assert goals_of(ind) == (0, 2)
    assert goal_of(ind) == 2  # the top unit's


def test_reports_show_each_goals_progress() -> None:
    import io

    from qnkpi.reporters.html import HtmlReporter
    from qnkpi.reporters.markdown import MarkdownReporter

    result = _result([{"year": 2030, "op": ">=", "value": 30},
                      {"year": 2030, "op": ">=", "value": 8, "level": "district"}])
    text = io.StringIO()
    MarkdownReporter().write(result, text, lang="en")
    markdown = text.getvalue()
    assert markdown.index("Toward the goal ≥ 30 in 2030**\n\n- Province:") < markdown.index(
        "Toward the goal ≥ 8 in 2030**\n\n- District 1:")
    page = io.StringIO()
    HtmlReporter().write(result, page, lang="en")
    html = page.getvalue()
    assert "10 (2023) → 14 (2025) · ≥ 30 (2030)" in html
    assert html.count("· ≥ 8 (2030)") == 3  # each district's row names its goal
