"""The ``html`` report on a phone: officials open it from a chat app, so at 390 CSS pixels
wide (an iPhone's viewport) nothing may overflow the page, the table of indicators must
not squeeze its titles to one word per line, the grids scroll inside their own box with
the unit column kept, and the charts scale. Measured by headless Chromium on the Quảng
Ninh example in Vietnamese (the words are longer than English's)."""

from __future__ import annotations

import html
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import qnkpi
from qnkpi.reporters.html import ACTUAL_COLOUR, HtmlReporter
from repo_scripts import script as repo_script

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
DOCS_IMAGE = ROOT / "docs" / "img" / "report-phone.png"
PHONE = (390, 844)  # CSS pixels: an iPhone 12-15's viewport
SHOT_HEIGHT = 4200  # the summary and the first indicators

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium is not installed: apt-get install -y chromium")

#: Measures the laid-out page and writes the numbers as JSON into the top document, for
#: --dump-dom. It is added to a copy of the report for the test only: the report itself
#: has no script.
MEASURE = """<script>
window.addEventListener("load", () => {
  const px = (el) => el.getBoundingClientRect();
  const inScroll = (el) => el.closest(".scroll") !== null;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (inScroll(el) || el.closest("svg") && el.tagName !== "svg") continue;
    const r = px(el);
    if (r.width > 0 && r.right > window.innerWidth + 0.5)
      wide.push(el.tagName + "." + el.className + " right=" + Math.round(r.right));
  }
  const titles = [...document.querySelectorAll("table.overview tbody tr:not(.objective) th")]
    .map((th) => {
      const style = getComputedStyle(th);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      return {text: th.textContent.trim(), width: px(th).width,
              lines: Math.round(px(th).height / line)};
    });
  const scrolls = [...document.querySelectorAll(".scroll")].map((box) => {
    const first = box.querySelector("tbody th");
    let kept = null;
    if (first && box.scrollWidth > box.clientWidth) {
      const before = px(first).left;
      box.scrollLeft = box.scrollWidth;
      kept = Math.abs(px(first).left - before) < 1;
      box.scrollLeft = 0;
    }
    return {width: px(box).width, scrolls: box.scrollWidth > box.clientWidth, kept,
            unitColumn: first ? px(first).width : null};
  });
  const charts = [...document.querySelectorAll("svg.chart")].map((svg) => ({
    viewBox: svg.getAttribute("viewBox"), width: px(svg).width,
    box: px(svg.closest(".card")).width}));
  const out = document.createElement("pre");
  out.id = "qnkpi-measure";
  out.textContent = JSON.stringify({
    innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
    wide: wide.slice(0, 20), titles, scrolls, charts});
  window.parent.document.body.appendChild(out);
});
</script>"""


def _decode_png() -> Any:
    spec = importlib.util.spec_from_file_location("test_html", Path(__file__).parent
                                                  / "test_html.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.decode_png


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Quảng Ninh example's report in Vietnamese, as `qnkpi demo --lang vi` writes
    it."""
    result = qnkpi.evaluate(qnkpi.load_spec(SPEC))
    stream = io.StringIO()
    HtmlReporter().write(result, stream, lang="vi")
    path = tmp_path_factory.mktemp("phone") / "report.html"
    path.write_text(stream.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def measured(page: Path) -> dict[str, Any]:
    """The page laid out by Chromium in a phone-wide viewport, measured.

    Headless Chromium's window is at least 500 pixels wide, so the page is laid out in a
    frame of the phone's size (its own viewport: media queries and `innerWidth` are the
    frame's), as a phone's browser would."""
    script = repo_script("screenshot_html")
    report = page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>")
    frame = page.with_name("phone.html")
    frame.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}'
        f'iframe{{border:0;width:{PHONE[0]}px;height:{PHONE[1]}px}}</style></head><body>'
        f'<iframe srcdoc="{html.escape(report, quote=True)}"></iframe></body></html>',
        encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [script.chromium(), *script.FLAGS, f"--user-data-dir={profile}",
             "--window-size=800,1000", "--virtual-time-budget=10000",
             "--dump-dom", frame.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True).stdout
    found = re.search(r'<pre id="qnkpi-measure">(.*?)</pre>', dom, re.DOTALL)
    assert found, "the measuring script did not run"
    data: dict[str, Any] = json.loads(found.group(1).replace("&amp;", "&")
                                      .replace("&lt;", "<").replace("&gt;", ">"))
    return data


def test_the_window_is_phone_wide(measured: dict[str, Any]) -> None:
    assert measured["innerWidth"] == PHONE[0]


def test_nothing_overflows_the_page(measured: dict[str, Any]) -> None:
    assert measured["scrollWidth"] <= measured["innerWidth"], measured["wide"]
    assert measured["wide"] == []


def test_indicator_titles_are_not_one_word_per_line(measured: dict[str, Any]) -> None:
    titles = measured["titles"]
    assert len(titles) >= 10
    for title in titles:
        words = len(title["text"].split())
        # the title takes the row's whole width, and holds several words a line
        assert title["width"] >= 300, title
        assert title["lines"] <= max(1, words // 3), title


def test_grids_scroll_in_their_own_box_with_the_unit_column_kept(
        measured: dict[str, Any]) -> None:
    scrolls = measured["scrolls"]
    assert scrolls
    assert all(box["width"] <= measured["innerWidth"] for box in scrolls)
    scrolling = [box for box in scrolls if box["scrolls"]]
    assert scrolling  # a grid of three years is wider than a phone ...
    assert all(box["kept"] for box in scrolling)  # ... and its unit column stays
    # the unit column leaves room for the years
    assert all(box["unitColumn"] <= 0.5 * measured["innerWidth"] for box in scrolling)


def test_charts_scale_to_the_card(measured: dict[str, Any]) -> None:
    charts = measured["charts"]
    assert charts
    for chart in charts:
        assert chart["viewBox"] == "0 0 600 250"
        assert chart["width"] <= chart["box"]
        assert chart["width"] >= 0.8 * chart["box"]  # filling the card, not a stamp


def test_phone_screenshot(page: Path, tmp_path: Path) -> None:
    """A phone-wide screenshot: the charts' lines are drawn within the 390 pixels. With
    QNKPI_DOCS_IMAGES=1 (or when it is missing) it is also the docs' image."""
    script = repo_script("screenshot_html")
    png = script.screenshot(page, tmp_path / "report-phone.png", (PHONE[0], SHOT_HEIGHT))
    pixels = _decode_png()(png.read_bytes())
    assert pixels.shape == (SHOT_HEIGHT, PHONE[0], 3)
    # the headline of the year leads the summary: the page is not blank up there
    assert (pixels[:600] < 100).all(axis=2).sum() > 2000
    colour = np.array([int(ACTUAL_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    line = np.abs(pixels.astype(np.int64) - colour).max(axis=2) <= 8
    assert line.any()
    if os.environ.get("QNKPI_DOCS_IMAGES") or not DOCS_IMAGE.exists():
        shutil.copyfile(png, DOCS_IMAGE)
