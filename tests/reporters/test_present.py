"""reporters/_present: the display rules every reporter shares, and that the reporters
follow them (one rule, not a copy each)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.i18n import decimals_for, status_word
from qnkpi.reporters._present import (
    HEADLINE_METHOD,
    MARKS,
    apart,
    bound,
    bound_decimals,
    coverage_mark,
    headline,
    rule_text,
    shown_value,
    span,
    threshold_text,
    verdict_words,
)
from qnkpi.reporters.html import HtmlReporter
from qnkpi.reporters.table import TableReporter
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme
from qnkpi.verdicts import VERDICTS, Verdict

PLUGINS = plugins_with()
SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"


def _result(values: dict[str, float | None], target: dict[str, Any], *,
            unit: str | None = None, decimals: int | None = None) -> qnkpi.Result:
    """A value indicator of measure `x` (given at P in 2023), one target in 2023."""
    indicator: dict[str, Any] = {"kind": "value", "measure": "x", "direction": "increase",
                                 "targets": [{"year": 2023, **target}]}
    if unit is not None:
        indicator["unit"] = unit
    if decimals is not None:
        indicator["decimals"] = decimals
    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: values["P"]}, "D1": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": indicator}), plugins=PLUGINS)
    return qnkpi.evaluate(spec, plugins=PLUGINS)


def _shown(value: float, target: dict[str, Any], **kwargs: Any) -> str:
    res = _result({"P": value}, target, **kwargs).indicators["v"]
    return shown_value(res, 0, 0, "en")


# --- the headline method ------------------------------------------------------------------

def _assessment(method: str) -> Any:
    return SimpleNamespace(method=method)


def test_the_headline_is_linear_path_else_the_first() -> None:
    cagr, linear = _assessment("cagr_ratio"), _assessment(HEADLINE_METHOD)
    assert HEADLINE_METHOD == "linear_path"
    assert headline([cagr, linear]) is linear
    assert headline([cagr]) is cagr
    assert headline([]) is None
    # without fallback: linear_path's or none (the chart draws a straight line)
    assert headline([cagr], fallback=False) is None
    assert headline([cagr, linear], fallback=False) is linear


# --- verdict words and marks ----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_word_and_a_mark_per_verdict(lang: str) -> None:
    words = verdict_words(lang)
    assert len(words) == len(MARKS) == len(Verdict) == len(VERDICTS)
    assert words[Verdict.NONE] == MARKS[Verdict.NONE] == ""
    for code in list(Verdict)[1:]:
        assert words[code] == status_word(code.key, lang)
    assert MARKS[Verdict.EXCEEDED] == MARKS[Verdict.MET] == "✓"
    assert (MARKS[Verdict.NOT_MET], MARKS[Verdict.NO_DATA]) == ("✗", "·")
    assert verdict_words("vi")[Verdict.EXCEEDED] == "Vượt"


# --- thresholds -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "en", "vi"), [
    (100.0, "100", "100"), (55.71, "55.71", "55,71"), (60.5, "60.5", "60,5"),
    (1234.5, "1,234.5", "1.234,5"), (0.996, "1", "1"), (2.0 / 3, "0.67", "0,67")])
def test_a_bound_has_up_to_two_decimals_without_trailing_zeros(value: float, en: str,
                                                               vi: str) -> None:
    assert (bound(value, "en"), bound(value, "vi")) == (en, vi)
    shown = bound(value, "en").replace(",", "")
    assert len(shown.partition(".")[2]) == bound_decimals(value)  # one rule for text and xlsx


def test_rule_text() -> None:
    assert rule_text(">=", 100.0, 100.0) == ">= 100"
    assert rule_text("between", 50.0, 80.0, "vi") == "50–80"
    assert rule_text("<", 2.5, 2.5, "vi") == "< 2,5"


def test_threshold_text_marks_interpolated_and_aspirational() -> None:
    res = _result({"P": 70.0}, {"op": ">=", "value": 60.5, "aspirational": True}
                  ).indicators["v"]
    assert threshold_text(res, 0, 0, "vi") == ">= 60,5 *"


# --- values ------------------------------------------------------------------------------------

def test_a_failed_check_never_looks_like_its_threshold() -> None:
    # more decimals where rounding would show the threshold itself
    assert _shown(99.96, {"op": ">=", "value": 100}, unit="percent") == "99.96%"
    assert _shown(99.5, {"op": ">=", "value": 100}, decimals=0) == "99.5"
    # the decimals of every other value (decimals_for: 2 for a fraction), never fewer:
    # this value read "99.5" in the grids and "99.50" elsewhere
    assert _shown(99.5, {"op": ">=", "value": 100}) == "99.50"
    # a value on its threshold that fails (`> 100`) is shown as it is, not as 100.000000
    assert _shown(100.0, {"op": ">", "value": 100}) == "100"
    # above a range: compared with its upper bound, not its lower one
    assert _shown(80.04, {"op": "between", "min": 50, "max": 80}, unit="percent") == "80.04%"
    # a passed check keeps the usual decimals
    assert _shown(99.96, {"op": ">=", "value": 99}, unit="percent") == "100.0%"


def test_apart_from_a_goal() -> None:
    ind = _result({"P": 1.0}, {"op": ">=", "value": 1}, unit="percent").indicators["v"].indicator
    assert apart(99.98, 100.0, ind) == "99.98%"
    assert apart(100.0, 100.0, ind) == "100.0%"
    assert apart(72.34, 100.0, ind, "vi") == "72,3%"


def test_decimals_for_one_value_or_the_values_shown_together() -> None:
    ind = _result({"P": 1.0}, {"op": ">=", "value": 1}).indicators["v"].indicator
    assert decimals_for(5.0, ind) == 0 and decimals_for(5.25, ind) == 2
    assert decimals_for(np.array([5.0, np.nan, 7.0]), ind) == 0
    assert decimals_for(np.array([5.0, 5.25]), ind) == 2
    assert decimals_for([], ind) == 0


# --- baseline → current ----------------------------------------------------------------------

def _inputs(baseline: tuple[float, float], current: tuple[float, float]) -> Any:
    return SimpleNamespace(baseline_year=np.array([baseline[0]]),
                           baseline=np.array([baseline[1]]),
                           current_year=np.array([current[0]]),
                           current=np.array([current[1]]))


def test_the_span_from_baseline_to_current() -> None:
    def fmt(value: float) -> str:
        return f"{value:g}"

    assert span(_inputs((2020, 1.0), (2025, 3.0)), 0, fmt, "en") == "1 (2020) → 3 (2025)"
    # a baseline of the current year is no starting point: the value alone
    assert span(_inputs((2025, 2.0), (2025, 2.0)), 0, fmt, "en") == "2 (2025)"
    assert span(_inputs((np.nan, np.nan), (2025, 2.0)), 0, fmt, "en") == "2 (2025)"
    assert span(_inputs((np.nan, np.nan), (np.nan, np.nan)), 0, fmt, "vi") == "Chưa có số liệu"


def test_no_report_shows_a_baseline_of_the_current_year() -> None:
    """The table showed `2 (2025) → 2 (2025)` where the html showed `2 (2025)`."""
    result = qnkpi.evaluate(qnkpi.load_spec(SPEC))
    inputs = [a.inputs for name in result.indicators for a in result.assessments_of(name)]
    assert any((i.baseline_year == i.current_year).any() for i in inputs)  # the case exists
    same_year = re.compile(r"\((\d{4})\) → [^()\n]*\(\1\)")
    for reporter in (TableReporter(), HtmlReporter()):
        stream = io.StringIO()
        reporter.write(result, stream, lang="en", **_detail(reporter))
        # baselines of earlier years are shown (the province's restated onto the 2025
        # tree, and said so); the terminal's narrow column wraps it after "(2023,"
        text = stream.getvalue()
        assert "(2023, restated) → " in text or (
            "(2023," in text and "restated) → " in text), reporter
        assert not same_year.search(stream.getvalue()), reporter


def test_coverage_mark() -> None:
    res = _result({"P": 1.0}, {"op": ">=", "value": 1}).indicators["v"]
    assert coverage_mark(res, 0, 0) == ""


def test_a_range_goal_reads_as_a_range_in_every_report() -> None:
    """The table and markdown wrote a `between` goal as `between 40`; html as `40–60`."""
    from qnkpi.reporters.markdown import MarkdownReporter

    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: 30.0, 2024: 35.0}, "D1": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase",
                          "targets": [{"year": 2026, "op": "between", "min": 40,
                                       "max": 60, "goal": True}]}}), plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    assert result.assessments_of("v")  # the goal is assessed, so every report shows it
    for reporter in (TableReporter(), MarkdownReporter(), HtmlReporter()):
        stream = io.StringIO()
        reporter.write(result, stream, lang="en", **_detail(reporter))
        assert "40–60 in 2026" in stream.getvalue(), reporter
        assert "between 40" not in stream.getvalue(), reporter


@pytest.mark.parametrize(("lang", "heading", "word"), [
    ("en", "Trend without a target (should increase)", "moderate progress"),
    ("vi", "Xu hướng, chưa có chỉ tiêu (cần tăng)", "Có tiến bộ, cần đẩy nhanh"),
])
def test_a_trend_without_a_target_in_every_report(lang: str, heading: str, word: str) -> None:
    from qnkpi.reporters.markdown import MarkdownReporter

    spec = spec_from_dict(tiny_programme(
        data={"x": {"P": {2023: 91.3, 2025: 92.3}, "D1": {2023: 1.0}}},
        measures={"x": {"source": "data", "rollup": "none"}},
        indicators={"v": {"kind": "value", "measure": "x", "direction": "increase"}}),
        plugins=PLUGINS)
    result = qnkpi.evaluate(spec, plugins=PLUGINS)
    for reporter in (TableReporter(), MarkdownReporter(), HtmlReporter()):
        stream = io.StringIO()
        reporter.write(result, stream, lang=lang, **_detail(reporter))
        text = stream.getvalue()
        assert heading in text and word in text, reporter
        assert "0.55%" in text or "0,55%" in text or reporter.__class__ is HtmlReporter


def _detail(reporter: object) -> dict[str, bool]:
    """The table's option to show every unit's progress (its default is one screen)."""
    return {"detail": True} if isinstance(reporter, TableReporter) else {}
