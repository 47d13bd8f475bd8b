"""The html page part-way through a year (`--as-of 2025-06`): the period in its title and
headings; the checks judged only at the year's end marked ○ and named, not by colour
alone; the as-of year's figure drawn as a hollow point apart from the yearly line (a
stock where the months gone put it, a flow at its year, labelled "so far"), which the
chart's text alternative says; and the page as a reader opens it, in headless Chromium:
no console error, no horizontal overflow at a phone's width, no English in Vietnamese.

The small spec with monthly data is that of test_as_of_xlsx.py; the yearly page is
unchanged byte for byte (tests/reporters/test_html*.py hold it)."""

from __future__ import annotations

import html
import importlib.util
import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from english_phrases import english_phrases

import qnkpi
from qnkpi.i18n import _catalogue
from qnkpi.reporters._page import build_page
from qnkpi.reporters.html import HtmlReporter
from repo_scripts import script as repo_script

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh" / "programme.yaml"
PHONE = (390, 844)

chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                              reason="chromium is not installed: apt-get install -y chromium")


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _html(result: qnkpi.Result, lang: str) -> str:
    stream = io.StringIO()
    HtmlReporter().write(result, stream, lang=lang)
    return stream.getvalue()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> qnkpi.Result:
    builder = _load(HERE / "test_as_of_xlsx.py", "as_of_xlsx")
    spec = builder.as_of_spec(tmp_path_factory.mktemp("as-of"))
    return qnkpi.evaluate(spec, as_of="2025-06")


@pytest.fixture(scope="module")
def example() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(EXAMPLE), as_of="2025-06")


# --- the page's words ------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "heading", "meta"), [
    ("vi", "Kết quả thực hiện 6 tháng đầu năm 2025", "số liệu 6 tháng đầu năm 2025"),
    ("en", "Results, first half of 2025", "figures of the first half of 2025")])
def test_the_title_and_headings_name_the_period(small: qnkpi.Result, lang: str,
                                                heading: str, meta: str) -> None:
    page = _html(small, lang)
    assert re.search(r"<title>Tiny programme · " + re.escape(heading) + "</title>", page)
    assert f'<span class="period-title">{heading}</span></h1>' in page
    assert f"<b>{meta}</b>" in page
    head = "6 tháng đầu năm 2025" if lang == "vi" else "First half of 2025"
    assert f'<th scope="col" class="num"><span class="period-head">{head}</span></th>' in page


def test_the_headline_counts_apart_what_waits_for_the_year_end(small: qnkpi.Result) -> None:
    page = build_page(small, "vi")
    # the province's targets in June: 6 judged (all met but the prorated one), one
    # judged only when the year ends
    assert page.headline == ["Năm 2024: 7/7 chỉ tiêu đạt và vượt",
                             "6 tháng đầu năm 2025: 5/6 chỉ tiêu đạt và vượt; 1 chỉ tiêu "
                             "đánh giá cuối năm"]
    assert page.checks[-1].word == "Đánh giá cuối năm"
    assert page.checks[-1].count == "4" and page.checks[-1].css == "not-due"
    assert page.checks_title == "Đánh giá các chỉ tiêu 6 tháng đầu năm 2025"


def test_not_due_cells_carry_the_mark_and_the_words(small: qnkpi.Result) -> None:
    page = _html(small, "vi")
    cells = re.findall(r'<td class="not-due">(.*?)</td>', page)
    assert len(cells) == 4  # held at the province, held_district at three districts
    assert all("○ Đánh giá cuối năm" in c for c in cells), cells
    assert '<td class="not-due"><b>10</b> ○ Đánh giá cuối năm</td>' in page  # so far
    assert ".not-due { background:" in page  # styled


def test_each_card_says_how_its_year_was_judged(small: qnkpi.Result) -> None:
    cards = {c.name: c for c in build_page(small, "vi").cards}
    assert cards["held_prorated"].partial_note == (
        "6 tháng đầu năm 2025: đánh giá so với chỉ tiêu năm tính theo tiến độ thời gian "
        "(6/12).")
    assert "mốc tiến độ" in cards["held_milestone"].partial_note
    assert "đánh giá cuối năm" in cards["held"].partial_note
    assert "số liệu hiện có" in cards["members"].partial_note


def _x(chart: Any, year: float) -> float:
    """Where `year` stands on a chart's axis, from its ticks."""
    ticks = {int(t.label): t.x for t in chart.x_ticks}
    lo = int(year)
    return ticks[lo] + (year - lo) * (ticks[lo + 1] - ticks[lo])


def test_a_stock_stands_at_its_month_hollow_and_apart(small: qnkpi.Result) -> None:
    chart = next(c for c in build_page(small, "vi").cards if c.name == "members").chart
    assert chart is not None and chart.so_far is not None
    point = chart.so_far
    assert point.stock and point.text == "T6/2025"
    assert point.x == pytest.approx(_x(chart, 2024.5), abs=0.1)  # June 2025
    assert point.label == "6 tháng đầu năm 2025, số liệu hiện có: 288"
    # a dashed line from 2024 only; the line of years and its dots hold 2024 alone
    assert point.join is not None and point.join.x1 == pytest.approx(_x(chart, 2024), abs=0.1)
    assert [d.label for d in chart.dots] == ["2024: 306"]
    assert not any(f"{point.x}," in line for line in chart.lines)
    assert chart.so_far_key == "điểm rỗng: số liệu 6 tháng đầu năm 2025, chưa phải cả năm"


@pytest.mark.parametrize("name", ["held", "held_prorated", "held_milestone"])
def test_a_flow_is_the_year_so_far_at_its_year_joined_to_nothing(small: qnkpi.Result,
                                                                 name: str) -> None:
    chart = next(c for c in build_page(small, "en").cards if c.name == name).chart
    assert chart is not None and chart.so_far is not None
    point = chart.so_far
    assert not point.stock and point.join is None
    assert point.x == pytest.approx(_x(chart, 2025), abs=0.1)
    assert point.text == "6 months so far"
    assert point.label == "First half of 2025, the year so far: 10"
    assert all(str(point.x) not in line for line in chart.lines)
    assert [d.label for d in chart.dots] == ["2024: 46"]


def test_the_chart_s_text_alternative_says_so(small: qnkpi.Result) -> None:
    page = _html(small, "en")
    svg = page[page.index('<section class="card" id="ind-members"'):]
    svg = svg[svg.index("<svg"):svg.index("</svg>")]
    assert ('aria-label="Trend at Province; hollow point: first half of 2025, not a whole '
            'year"') in svg
    assert '<circle class="so-far"' in svg and 'fill="#ffffff"' in svg
    assert '<line class="so-far-join"' in svg and 'stroke-dasharray="3 4"' in svg
    assert ">Jun 2025</text>" in svg


def test_a_prorated_threshold_is_the_period_s_a_year_end_one_the_year_s(
        small: qnkpi.Result) -> None:
    cards = {c.name: c for c in build_page(small, "vi").cards}
    prorated = cards["held_prorated"].chart
    held = cards["held"].chart
    assert prorated is not None and held is not None
    assert "chỉ tiêu 6 tháng đầu năm 2025: ≥ 18" in {s.label for s in prorated.thresholds}
    assert "chỉ tiêu 2025: ≥ 36" in {s.label for s in held.thresholds}


def test_a_whole_year_shows_none_of_it(small: qnkpi.Result) -> None:
    whole = qnkpi.evaluate(small.spec, as_of=2025)
    page = _html(whole, "vi")
    for mark in ("period-title", "so-far", "not-due", "○", "6 tháng", "điểm rỗng"):
        assert mark not in page, mark
    assert "<b>số liệu đến năm 2025</b>" in page


def test_the_notebook_view_names_the_period(small: qnkpi.Result) -> None:
    view = small._repr_html_()
    assert "figures of the first half of 2025" in view
    assert "not-due" in view


# --- the Quảng Ninh example at 2025-06 -------------------------------------------------

def _visible(page: str) -> str:
    """What a reader sees and hears of a page, as tests/reporters/test_vietnamese_only.py
    reads it."""
    module = _load(HERE / "test_vietnamese_only.py", "vietnamese_only")
    parser = module._Visible()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def test_the_vietnamese_page_holds_no_english(example: qnkpi.Result) -> None:
    phrases = english_phrases(example.spec, min_chars=10, cut=60)
    text = _visible(_html(example, "vi"))
    assert "6 tháng đầu năm 2025" in text
    found = sorted(p for p in phrases if " ".join(p.split()) in text)
    assert found == [], found[:10]


def test_the_english_page_holds_no_vietnamese_message(example: qnkpi.Result) -> None:
    text = _visible(_html(example, "en"))
    assert "first half of 2025" in text
    found = sorted(s for s in set(_catalogue("vi").values())
                   if len(s.split()) >= 3 and "{" not in s and s in text)
    assert found == [], found[:10]


def _chromium(args: list[str], page: Path) -> subprocess.CompletedProcess[str]:
    shots = repo_script("screenshot_html")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [shots.chromium(), *shots.FLAGS, f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", *args,
             page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True)


@chromium
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chromium_opens_the_page_without_a_console_error(example: qnkpi.Result, lang: str,
                                                         tmp_path: Path) -> None:
    path = tmp_path / f"{lang}.html"
    path.write_text(_html(example, lang), encoding="utf-8")
    run = _chromium(["--dump-dom"], path)
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    dom = run.stdout
    period = "6 tháng đầu năm 2025" if lang == "vi" else "first half of 2025"
    assert period in dom[dom.index("<title>"):dom.index("</title>")]
    due = "○ Đánh giá cuối năm" if lang == "vi" else "○ due at year end"
    cells = re.findall(r'<td class="not-due[^"]*">(.*?)</td>', dom)
    # the unit reports have a six-month report: only the share of unions with 2
    # activities in the year waits for the year's end (its cell also marks the break)
    assert len(cells) == 1
    assert all(due in cell for cell in cells)
    assert dom.count('<circle class="so-far"') >= 1


#: Measures the laid-out page: how wide the document is, and which elements outside a
#: scrolling box stand past the window's right edge (added to a copy for the test only).
MEASURE = """<script>
window.addEventListener("load", () => {
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".scroll") || (el.closest("svg") && el.tagName !== "svg")) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 0.5)
      wide.push(el.tagName + "." + el.className + " right=" + Math.round(r.right));
  }
  const out = document.createElement("pre");
  out.id = "qnkpi-measure";
  out.textContent = JSON.stringify({innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 20)});
  window.parent.document.body.appendChild(out);
});
</script>"""


@chromium
def test_nothing_overflows_a_phone(example: qnkpi.Result, tmp_path: Path) -> None:
    """At 390 CSS pixels, in a frame of a phone's size (headless Chromium's window is
    wider), as tests/reporters/test_html_phone.py measures the yearly page."""
    report = _html(example, "vi").replace("</body>", MEASURE + "</body>")
    frame = tmp_path / "phone.html"
    frame.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}'
        f'iframe{{border:0;width:{PHONE[0]}px;height:{PHONE[1]}px}}</style></head><body>'
        f'<iframe srcdoc="{html.escape(report, quote=True)}"></iframe></body></html>',
        encoding="utf-8")
    dom = _chromium(["--window-size=800,1000", "--dump-dom"], frame).stdout
    found = re.search(r'<pre id="qnkpi-measure">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the measuring script did not run"
    measured = json.loads(html.unescape(found.group(1)))
    assert measured["innerWidth"] == PHONE[0]
    assert measured["scrollWidth"] <= measured["innerWidth"], measured["wide"]
    assert measured["wide"] == []
