"""Text from a spec, its org units and its data, made hostile in every place a report
shows it: the HTML report escapes it (checked in the file, with a real HTML parser, and in
the page as headless Chromium builds it: no script runs, no element is injected), the
Markdown report escapes it (checked by rendering it with Python-Markdown, which passes raw
HTML through), and the xlsx report stores it as text, never as a formula."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hardening_helpers import run_qnkpi, write_spec

#: Each payload, if it were not escaped, would mark the page's root element
#: (`data-pwned`), inject an element, end the style sheet, make a link, or be evaluated
#: by a template engine.
PWN = "document.documentElement.setAttribute('data-pwned', '{}')"
PAYLOADS = {
    "script": f"<script>{PWN.format('script')}</script>",
    "img": f'"><img src=x onerror="{PWN.format("img")}">',
    "svg": f"<svg onload=\"{PWN.format('svg')}\"></svg>",
    "style": "</style><style>body { display: none }</style>",
    "link": f"javascript:{PWN.format('link')}",
    "attribute": f"' onmouseover='{PWN.format('attribute')}' x='",
    "jinja": "{{ 7*7 }}{% for x in range(3) %}{{ x }}{% endfor %}",
    "markdown": "[click](javascript:alert(1)) ![i](x) <b>bold</b> `code` | pipe",
    "formula": "=HYPERLINK(\"http://x\",\"y\")",
}
EVIL = " ".join(PAYLOADS.values())
#: The unit codes: hostile too (they appear in the grids, the warnings and the sheets).
CODES = {"P": "P<script>1</script>", "D1": 'D1"><img src=x>', "D2": "=D2+1", "D3": "D3"}
#: The HTML tags and attributes the report itself uses; anything else was injected.
TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "h1",
        "h2", "h3", "p", "b", "small", "span", "code", "section", "details", "summary",
        "table", "thead", "tbody", "tr", "th", "td", "caption", "ol", "ul", "li", "a", "br",
        "svg", "line", "text", "polyline", "circle", "path", "g", "figure", "div", "nav",
        "abbr", "em", "strong", "colgroup", "col", "figcaption", "aside"}
ATTRIBUTES = {"lang", "charset", "name", "content", "class", "id", "href", "scope",
              "title", "viewbox", "width", "height", "role", "aria-label", "x", "y", "x1",
              "x2", "y1", "y2", "dy", "text-anchor", "stroke", "stroke-width", "fill",
              "points", "cx", "cy", "r", "d", "stroke-linecap", "stroke-linejoin",
              "stroke-dasharray", "open", "colspan", "rowspan", "style", "xmlns",
              "aria-hidden", "font-size", "dominant-baseline", "transform", "opacity"}


def _text(label: str) -> str:
    return f"{label} {EVIL}"


def _spec(folder: Path) -> Path:
    """A spec whose every free text holds every payload, with hostile unit codes, level
    names and measure units, data read from a CSV file, and a data warning (a unit with
    data after it closed) that quotes a code."""
    top, low = _text("top level"), _text("low level")
    units = [{"code": CODES["P"], "name": _text("Province"), "name_en": _text("Province en"),
              "level": top}]
    units += [{"code": CODES[d], "name": _text(f"District {d}"), "level": low,
               "parent": CODES["P"]} for d in ("D1", "D2", "D3")]
    units[-1]["valid_to"] = "2023-12-31"  # D3 reports in 2024 too: a warning
    with (folder / "data.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit_code", "year", "reached", "youth"])
        for d, values in {"D1": (6, 7, 9), "D2": (3, 9, 4), "D3": (2, 2, 2)}.items():
            for year, value in zip((2023, 2024, 2025), values, strict=True):
                writer.writerow([CODES[d], year, value, 10])
    spec = {
        "qnkpi": 1,
        "programme": {"id": "hostile", "title": {"vi": _text("Tiêu đề"), "en": _text("Title")},
                      "description": {"vi": _text("Mô tả"), "en": _text("Description")},
                      "owner": _text("Owner"), "references": [_text("Reference")],
                      "period": {"start": 2023, "end": 2030}},
        "org_units": {"levels": [top, low], "units": units},
        "sources": {"reports": {"type": "csv", "path": "data.csv", "unit": "unit_code",
                                "year": "year"}},
        "measures": {
            "reached": {"source": "reports", "title": {"en": _text("Measure")},
                        "unit": _text("people")},
            "youth": {"source": "reports"}},
        "indicators": {
            "reached_pct": {
                "kind": "ratio", "numerator": "reached", "denominator": "youth",
                "factor": 100, "unit": "percent", "direction": "increase",
                "title": {"vi": _text("Chỉ tiêu"), "en": _text("Indicator")},
                "description": {"en": _text("Indicator description")},
                "targets": [
                    {"years": [2023, 2025], "op": ">=", "value": 50, "level": low,
                     "note": _text("Note")},
                    {"year": 2030, "op": ">=", "value": 90, "goal": True,
                     "note": _text("Goal note")}]},
            "reached_count": {
                "kind": "value", "measure": "reached", "unit": _text("unit of measure"),
                "direction": "increase", "title": {"en": _text("Count")},
                "targets": [{"years": [2023, 2025], "op": ">=", "value": 5,
                             "units": [CODES["D1"], CODES["D2"]], "note": _text("N2")},
                            {"year": 2030, "op": "between", "min": 1, "max": 100,
                             "goal": True}]}},
    }
    return write_spec(folder, spec)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The hostile spec's reports, written by the real command: html and markdown in
    both languages, xlsx."""
    folder = tmp_path_factory.mktemp("hostile")
    spec = _spec(folder)
    out = {}
    for fmt, suffix in (("html", "html"), ("markdown", "md"), ("xlsx", "xlsx")):
        for lang in ("vi", "en"):
            path = folder / f"report-{lang}.{suffix}"
            done = run_qnkpi("evaluate", spec, "-f", fmt, "-o", path, "--lang", lang)
            assert done.returncode == 0, done.stderr
            assert "has data for 2024, 2025, when it was not in the org units" in done.stderr
            out[f"{fmt}-{lang}"] = path
    return out


class _Elements(HTMLParser):
    """Every start tag with its attributes, every text, as a browser's tokenizer reads
    them (script and style content is text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _assert_nothing_injected(html: str) -> _Elements:
    parsed = _parse(html)
    tags = [tag for tag, _ in parsed.tags]
    assert set(tags) <= TAGS, set(tags) - TAGS
    assert "script" not in tags and "img" not in tags
    assert tags.count("style") == 1  # the report's own
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert name in ATTRIBUTES, (tag, name, value)
            assert not name.startswith("on"), (tag, name)
            if name == "href":  # the only attribute that holds a URL: a link to a card
                assert re.fullmatch(r"#ind-\w+", value or ""), value
    return parsed


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_escapes_every_payload(reports: dict[str, Path], lang: str) -> None:
    html = reports[f"html-{lang}"].read_text(encoding="utf-8")
    parsed = _assert_nothing_injected(html)
    text = "".join(parsed.text)
    # every payload is there, as text: the title, description, owner, references,
    # indicators, notes, units, levels and codes were shown, not dropped
    for payload in PAYLOADS.values():
        assert payload in text, payload
    for label in ("Title" if lang == "en" else "Tiêu đề", "Owner", "Reference",
                  "Indicator" if lang == "en" else "Chỉ tiêu", "Note", "District D1"):
        assert f"{label} {EVIL}" in text, label
    for code in ("D1", "D2"):
        assert CODES[code] in text, code
    assert "{{ 7*7 }}" in text and "49" not in text.replace("2049", "")  # not a template
    # the style sheet is the report's own: no payload inside it
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None and "display: none" not in style.group(1)


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not installed: apt-get install -y chromium")
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_in_chromium_runs_no_script_and_gains_no_element(reports: dict[str, Path],
                                                              lang: str) -> None:
    from hardening_helpers import ROOT

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--virtual-time-budget=2000"]
    assert (ROOT / "scripts" / "screenshot_html.py").is_file()  # the same flags as there
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [str(shutil.which("chromium")), *flags, f"--user-data-dir={profile}",
             "--dump-dom", reports[f"html-{lang}"].resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True)
    dom = done.stdout
    assert f'<html lang="{lang}">' in dom
    parsed = _assert_nothing_injected(dom)
    root = next(attrs for tag, attrs in parsed.tags if tag == "html")
    assert "data-pwned" not in dict(root), dict(root)  # no payload's script ran
    text = "".join(parsed.text)
    assert PAYLOADS["script"] in text and PAYLOADS["img"] in text  # shown as text


def test_markdown_escapes_every_payload(reports: dict[str, Path]) -> None:
    import markdown

    for lang in ("vi", "en"):
        source = reports[f"markdown-{lang}"].read_text(encoding="utf-8")
        html = markdown.markdown(source, extensions=["tables"])
        parsed = _parse(html)
        tags = {tag for tag, _ in parsed.tags}
        assert tags <= {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td",
                        "em", "strong", "code", "ul", "li", "br", "hr", "ol"}, tags
        assert "a" not in tags and "img" not in tags and "script" not in tags
        assert not any(attrs for _, attrs in parsed.tags if any(
            n not in ("align", "style") for n, _ in attrs)), parsed.tags
        text = "".join(parsed.text)
        assert "<script>" in text and "javascript:" in text  # shown as text
        # the tables kept their shape: a '|' in a name does not add a column
        for block in source.split("\n\n"):
            rows = [r for r in block.splitlines() if r.startswith("| ")]
            if rows:
                assert len({r.replace("\\|", "").count("|") for r in rows}) == 1, block


def test_xlsx_stores_text_never_a_formula(reports: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    for lang in ("vi", "en"):
        book = load_workbook(reports[f"xlsx-{lang}"])
        texts: list[str] = []
        for ws in book.worksheets:
            assert not ws._hyperlinks, ws.title  # no link from a spec's text
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
        assert not book.defined_names
        joined = "\n".join(texts)
        assert PAYLOADS["formula"] in joined and CODES["D2"] in joined
        assert any(t.startswith("=") for t in texts)  # stored as text, not evaluated
