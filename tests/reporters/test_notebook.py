"""A result in a notebook: a short `repr`, and `_repr_html_` (the html report's summary
and table of indicators, escaped) found through the registry's `html` reporter."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import qnkpi
from qnkpi.reporters.notebook import notebook_html
from qnkpi.testing import spec_from_dict, tiny_programme

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
EVIL = "<script>alert(1)</script> & <b>x</b>"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def test_repr_is_short_and_says_what_the_result_holds(result: qnkpi.Result) -> None:
    text = repr(result)
    assert len(text) < 200
    assert text == ("<Result 'qn-youth-digital-2023-2030' as of 2025: 205 checks (180 met, "
                    "22 not_met, 3 no_data), 346 assessments, 14 indicators>")


def test_repr_says_restated() -> None:
    result = qnkpi.evaluate(qnkpi.load_spec(SPEC), restate_to=2025)
    assert ", restated to 2025: " in repr(result)


def test_repr_html_is_the_summary_of_the_html_report(result: qnkpi.Result) -> None:
    html = result._repr_html_()
    assert html is not None
    assert html.startswith('<div class="qnkpi-result">') and html.rstrip().endswith("</div>")
    assert '<table class="overview">' in html
    assert "of 205 checks" in html and "of 346 assessments" in html
    assert html.count('<tr><th scope="row">') == len(result.indicators)
    assert '<section class="card"' not in html and "<svg" not in html  # no cards
    assert 'href="#ind-' not in html  # no cards to link to
    assert "<html" not in html and "<body" not in html  # a fragment


def test_repr_html_in_vietnamese(result: qnkpi.Result) -> None:
    assert "Đạt" in notebook_html(result, "vi")


def _evil_result() -> qnkpi.Result:
    data = tiny_programme(
        indicators={"reach": {
            "title": {"en": EVIL, "vi": EVIL}, "kind": "value", "measure": "m",
            "unit": "count", "direction": "increase",
            "targets": [{"year": 2024, "op": ">=", "value": 5, "note": EVIL}]}},
        data={"m": {"P": {2023: 6, 2024: 7}}})
    data["programme"]["title"] = {"en": EVIL}
    data["programme"]["owner"] = EVIL
    data["programme"]["references"] = [EVIL]
    return qnkpi.evaluate(spec_from_dict(data))


def test_repr_html_escapes_spec_text() -> None:
    html = _evil_result()._repr_html_()
    assert html is not None
    assert "<script" not in html.lower() and "<b>x</b>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;") >= 3


def test_without_an_html_reporter_jupyter_falls_back_to_repr() -> None:
    result = qnkpi.evaluate(spec_from_dict(tiny_programme(data={"m": {"P": {2023: 1.0}}})))
    result.spec._plugins = SimpleNamespace(reporters={})  # a registry without `html`
    assert result._repr_html_() is None
    result.spec._plugins = SimpleNamespace(reporters={"html": object()})  # no `notebook`
    assert result._repr_html_() is None
