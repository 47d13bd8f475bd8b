"""The ``html`` reporter: the Quảng Ninh example in both languages, escaping of spec and
data text, and the page as a real browser (headless Chromium) draws it."""

from __future__ import annotations

import io
import re
import shutil
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import qnkpi
from qnkpi.i18n import _catalogue
from qnkpi.reporters.base import Reporter
from qnkpi.reporters.html import ACTUAL_COLOUR, HtmlReporter, build_page
from qnkpi.testing import spec_from_dict, tiny_programme
from repo_scripts import script as repo_script

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
TEMPLATES = ROOT / "src" / "qnkpi" / "reporters" / "templates"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def _html(result: qnkpi.Result, lang: str) -> str:
    stream = io.StringIO()
    HtmlReporter().write(result, stream, lang=lang)
    return stream.getvalue()


def _cards(html: str) -> dict[str, str]:
    """Each indicator card's HTML by indicator name."""
    parts = re.split(r'<section class="card" id="ind-', html)[1:]
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0] for part in parts}


# --- the Quảng Ninh example -----------------------------------------------------------

def test_is_a_reporter() -> None:
    reporter = HtmlReporter()
    assert isinstance(reporter, Reporter)
    assert (reporter.suffix, reporter.binary) == (".html", False)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_quang_ninh_page_is_self_contained(result: qnkpi.Result, lang: str) -> None:
    html = _html(result, lang)
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html
    assert '<meta charset="utf-8">' in html
    # nothing is fetched: no script, no stylesheet link, no remote image, font or URL
    for pattern in (r"<script", r"<link\b", r"<img\b", r"<iframe", r"@import", r"url\(",
                    r"https?://", r"(?:src|href)\s*=\s*[\"']?//"):
        assert not re.search(pattern, html, re.IGNORECASE), pattern
    assert html.count("<style>") == 1


def test_quang_ninh_in_vietnamese(result: qnkpi.Result) -> None:
    html = _html(result, "vi")
    assert "<title>Nâng cao năng lực số cho thanh niên Quảng Ninh, giai đoạn 2023-2030" in html
    for word in ("Đạt", "Chưa đạt", "Vượt", "Năm 2025: 3/9 chỉ tiêu đạt và vượt",
                 "số liệu đến năm 2025", "Kết quả theo đơn vị và năm", "phấn đấu",
                 "năm giả định", "Căn cứ", "Nghị quyết số 09-NQ/TU", "lộ trình tham chiếu"):
        assert word in html, word
    # Vietnamese numbers: decimal comma, thousands dot
    card = _cards(html)["children_youth_reached_pct"]
    assert "<b>54,8%</b> Đạt" in card and "54.8%" not in html
    # an interpolated threshold in the column head, labelled as a reference path
    assert "&gt; 55,71% ~<br><small>lộ trình tham chiếu</small>" in card
    assert "[53/54]" in card  # coverage of an aggregate short of one report
    assert "Tỉnh Đoàn Quảng Ninh" in card
    # district units' names as reported in 2023, not English
    assert "Thành Đoàn Hạ Long" in _cards(html)["district_digital_activities"]


def test_quang_ninh_in_english(result: qnkpi.Result) -> None:
    html = _html(result, "en")
    assert "<title>Raising the digital capacity of Quảng Ninh youth, 2023-2030" in html
    card = _cards(html)["children_youth_reached_pct"]
    assert "<b>54.8%</b> met" in card and "54,8%" not in html
    assert "Toward the goal &gt; 90% in 2030" in card
    assert "not met" in html and "as of 2025" in html


def test_summary_counts_match_the_result(result: qnkpi.Result) -> None:
    html = _html(result, "en")
    s = result.summary()
    assert f"met <b>{s['met']}</b>" in html
    assert f"not met <b>{s['not_met']}</b>" in html
    assert f"no data <b>{s['no_data']}</b>" in html
    assert f"of {s['checks']} checks" in html
    for key in ("achieved", "on_track", "overdue"):  # those that occur are counted
        count = s["assessments"][key]
        assert (f"{key.replace('_', ' ')} <b>{count}</b>" in html) == bool(count), key
    assert f"of {s['assessments']['total']} assessments" in html
    assert "restated on its tree" not in html


def test_every_indicator_has_a_card_and_a_chart(result: qnkpi.Result) -> None:
    cards = _cards(_html(result, "en"))
    assert list(cards) == list(result.indicators)
    for name, res in result.indicators.items():
        card = cards[name]
        assert card.count('<svg class="chart"') == 1, name
        assert f'stroke="{ACTUAL_COLOUR}"' in card or not res.status.any(), name
        assert ('<table class="grid sticky">' in card) == bool(res.status.any()), name


def test_chart_shows_thresholds_goal_and_the_reorganisation(result: qnkpi.Result) -> None:
    page = build_page(result, "en")
    chart = next(c for c in page.cards if c.name == "children_youth_reached_pct").chart
    assert chart is not None
    # 2023-2025, the line stops at the 2025 reorganisation: 2025's province is made of
    # other units than 2024's (the projection across it is in test_html_honest.py)
    assert len(chart.dots) == 3 and chart.lines == [
        f"{chart.dots[0].x},{chart.dots[0].y} {chart.dots[1].x},{chart.dots[1].y}"]
    assert [b.year for b in chart.breaks] == [2025]
    assert chart.dots[1].x < chart.breaks[0].x < chart.dots[2].x
    assert len(chart.thresholds) == 8  # a threshold every year 2023-2030 (interpolated)
    assert chart.reference and chart.stated
    assert chart.goal is not None and chart.goal.label == "2030: > 90%"
    # the projection starts at 2025's value on the current tree: its pace comes from the
    # 2023 baseline restated onto that tree, never from the 2023 figure as reported
    assert chart.projection is not None
    assert (chart.projection.x1, chart.projection.y1) == (chart.dots[2].x, chart.dots[2].y)
    [a] = [a for a in result.assessments_of("children_youth_reached_pct")
           if a.method == "linear_path"]
    assert a.baseline_basis is not None and int(a.baseline_basis[0]) == 1  # restated
    # higher values are higher up
    ys = [d.y for d in chart.dots]
    assert ys == sorted(ys, reverse=True)


def test_indicator_without_checks_shows_its_targets(result: qnkpi.Result) -> None:
    card = _cards(_html(result, "vi"))["members_using_digital_services_pct"]
    assert "Chưa có lượt đánh giá: năm đầu tiên có chỉ tiêu là 2030." in card
    assert '<table class="grid">' not in card
    assert "≥ 100%" in card and "phấn đấu" in card and "năm giả định" in card
    assert "Tiến độ tới mục tiêu ≥ 100% năm 2030 *" in card  # the province's, toward 2030


def test_target_provenance_is_shown(result: qnkpi.Result) -> None:
    card = _cards(_html(result, "en"))["district_digital_activities"]
    assert "2023–2024" in card and "District level: every unit" in card
    assert "Commune level: every unit" in card and "The district level was abolished" in card


def test_restated_result_says_so(result: qnkpi.Result) -> None:
    restated = qnkpi.evaluate(result.spec, restate_to=2025)
    html = _html(restated, "en")
    assert "years before 2025 restated on its tree" in html


def test_renders_fast(result: qnkpi.Result) -> None:
    _html(result, "vi")  # templates compiled once
    start = time.perf_counter()
    html = _html(result, "vi")
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert len(html) < 400_000  # 54 communes x 3 years stay compact


def test_every_message_is_translated() -> None:
    messages: set[str] = set()
    for path in TEMPLATES.glob("*.j2"):
        messages |= set(re.findall(r"_\('([^']*)'\)", path.read_text(encoding="utf-8")))
    source = (ROOT / "src" / "qnkpi" / "reporters" / "html.py").read_text(encoding="utf-8")
    messages |= set(re.findall(r'gettext\(\s*"([^"]*)"', source))
    assert len(messages) > 30
    missing = sorted(m for m in messages if m not in _catalogue("vi"))
    assert not missing


# --- escaping -------------------------------------------------------------------------

EVIL = "<script>alert(1)</script> & <b>x</b>"


def _evil_result(methods: list[str] | None = None) -> qnkpi.Result:
    data = tiny_programme(
        indicators={"reach": {
            "title": {"en": EVIL, "vi": EVIL}, "description": {"en": EVIL},
            "kind": "value", "measure": "m", "unit": "count", "direction": "increase",
            "targets": [
                {"years": [2023, 2024], "op": ">=", "value": 5, "level": "district",
                 "note": EVIL},
                {"year": 2030, "op": ">=", "value": 20, "goal": True}]}},
        data={"m": {"D1": {2023: 6, 2024: 7}, "D2": {2023: 3, 2024: 9}}})
    data["programme"]["title"] = {"en": EVIL}
    data["programme"]["references"] = [EVIL]
    data["programme"]["owner"] = EVIL
    if methods is not None:
        data["programme"]["assessment"] = {"methods": methods}
    data["org_units"]["units"][1]["name"] = "<b>x</b> District 1"
    return qnkpi.evaluate(spec_from_dict(data))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_spec_and_data_text_is_escaped(lang: str) -> None:
    html = _html(_evil_result(), lang)
    assert "<script" not in html.lower()
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt; District 1" in html  # the unit's name, in the grid
    # the title, card, description, note, reference, owner and <title> all escaped
    assert html.count("&lt;script&gt;alert(1)") >= 6


def test_no_projection_without_linear_path() -> None:
    result = _evil_result(methods=["cagr_ratio"])
    page = build_page(result, "en")
    (card,) = page.cards
    assert card.chart is not None and card.chart.projection is None
    assert card.chart.goal is not None  # the goal is the top unit's: still drawn
    html = _html(result, "en")
    assert 'class="projection"' not in html
    # the method as a reader calls it, not its name in the spec
    assert "compound annual growth rate (CAGR)" in html and "cagr_ratio" not in html


# --- in a real browser ----------------------------------------------------------------

def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _unfilter(kind: int, line: bytes, prev: npt.NDArray[np.uint8],
              bpp: int) -> npt.NDArray[np.uint8]:
    """One scanline with PNG filter ``kind`` (0-4) undone, given the previous one."""
    cur = np.frombuffer(line, dtype=np.uint8)
    if kind == 0:
        return cur.copy()
    if kind == 1:  # Sub: a running sum along the row, per channel
        total = np.cumsum(cur.reshape(-1, bpp).astype(np.int64), axis=0) % 256
        return total.astype(np.uint8).ravel()
    if kind == 2:  # Up
        return cur + prev
    out = bytearray(line)
    up = prev.tobytes()
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        if kind == 3:  # Average
            out[i] = (out[i] + ((left + up[i]) >> 1)) & 0xFF
        else:  # Paeth
            out[i] = (out[i] + _paeth(left, up[i], up[i - bpp] if i >= bpp else 0)) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8)


def decode_png(data: bytes) -> npt.NDArray[np.uint8]:
    """[height, width, 3] RGB pixels of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, [], (0, 0, 0, 0, 0)
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            head = (width, height, depth, colour, interlace)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, colour, interlace = head
    assert depth == 8 and colour in (2, 6) and interlace == 0, head
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows = np.empty((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for r in range(height):
        start = r * (stride + 1)
        prev = rows[r] = _unfilter(raw[start], raw[start + 1:start + 1 + stride], prev, bpp)
    return rows.reshape(height, width, bpp)[:, :, :3]


def test_png_decoder_handles_every_filter() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(5, 4, 3), dtype=np.uint8)
    raw = b""
    previous = np.zeros(12, dtype=np.int64)
    for kind, row in enumerate(image.reshape(5, 12).astype(np.int64)):
        left = np.concatenate([[0, 0, 0], row[:-3]])
        up_left = np.concatenate([[0, 0, 0], previous[:-3]])
        predictor = [np.zeros(12, np.int64), left, previous, (left + previous) // 2,
                     np.array([_paeth(*t) for t in zip(left, previous, up_left,
                                                       strict=True)])][kind]
        raw += bytes([kind]) + ((row - predictor) % 256).astype(np.uint8).tobytes()
        previous = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 5, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    assert np.array_equal(decode_png(png), image)


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not installed: apt-get install -y chromium")
def test_chromium_draws_the_charts(result: qnkpi.Result, tmp_path: Path) -> None:
    script = repo_script("screenshot_html")
    html = tmp_path / "report.html"
    html.write_text(_html(result, "vi"), encoding="utf-8")

    dom = script.dump_dom(html)
    assert '<html lang="vi">' in dom
    assert dom.count('<svg class="chart"') == len(result.indicators)
    assert dom.count('<polyline class="actual"') >= sum(
        1 for res in result.indicators.values() if res.status.any())
    assert "Nâng cao năng lực số cho thanh niên Quảng Ninh" in dom

    png = script.screenshot(html, tmp_path / "report.png", (1280, 2600))
    pixels = decode_png(png.read_bytes())
    assert pixels.shape == (2600, 1280, 3)
    colour = np.array([int(ACTUAL_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    line = np.abs(pixels.astype(np.int64) - colour).max(axis=2) <= 8
    # the window holds the summary and the first card: its chart's line of actual values
    # is drawn (2023-2024: it stops at the 2025 reorganisation) with its dots, pixels of
    # its colour spread over more width than the legend's swatch
    assert line.sum() > 150, int(line.sum())
    columns = np.flatnonzero(line.any(axis=0))
    assert columns.max() - columns.min() > 120
    # and the page is not blank: the status colours are there too (met green #dcfce7)
    met = np.all(pixels == np.array([0xDC, 0xFC, 0xE7]), axis=2)
    assert met.sum() > 500
