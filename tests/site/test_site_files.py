"""The reporting site's files, read as a host serves them: every page where its address
says, every link leading somewhere in the site, the language switch keeping the page,
hostile text staying text, and a national-size build."""

from __future__ import annotations

import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from site_helpers import (
    INDICATORS,
    LANGS,
    UNITS,
    broken_links,
    page_file,
    pages,
    parse,
    prefix,
    resolve,
    text_of,
)

import qnkpi
from qnkpi.reporters.site import MARKER, SiteSummary, build_site
from qnkpi.testing import spec_from_dict, tiny_programme

# --- counts ----------------------------------------------------------------------------------


def test_every_language_has_every_page(site: Path, built: SiteSummary) -> None:
    found = pages(site)
    for lang in LANGS:
        at = prefix(lang)
        mine = [p for p in found if p.startswith(at) and
                (lang != LANGS[0] or not any(p.startswith(f"{o}/") for o in LANGS[1:]))]
        indicators = [p for p in mine if re.fullmatch(rf"{at}indicators/[^/]+/", p)]
        units = [p for p in mine if re.fullmatch(rf"{at}units/[^/]+/", p)]
        assert len(indicators) == INDICATORS, (lang, indicators)
        assert len(units) == UNITS, (lang, units)
        for path in ("", "indicators/", "units/", "search/", "sitemap/"):
            assert f"{at}{path}" in mine, (lang, path)
        assert len(mine) == 5 + INDICATORS + UNITS, lang
    assert built.pages == len(found) == len(LANGS) * (5 + INDICATORS + UNITS) == 174
    assert not (site / "sitemap.xml").exists()
    assert (site / MARKER).is_file()
    for lang in LANGS:
        assert (site / "assets" / f"search-{lang}.js").is_file()
    assert (site / "assets" / "site.css").is_file() and (site / "assets" / "search.js").is_file()
    downloads = sorted(p.name for p in (site / "downloads").iterdir())
    assert len(downloads) == INDICATORS * 4


def test_each_page_says_its_language(site: Path) -> None:
    for path in pages(site):
        lang = path.split("/", 1)[0] if path.split("/", 1)[0] in LANGS[1:] else LANGS[0]
        html = page_file(site, path).read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html, path


def test_sitemap_xml_only_with_a_public_address_and_lists_every_page(
        example: qnkpi.Result, tmp_path: Path) -> None:
    summary = build_site(example, tmp_path / "site", base_url="https://example.org/qn")
    xml = (summary.directory / "sitemap.xml").read_text(encoding="utf-8")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [loc.text or "" for loc in ET.fromstring(xml).findall("s:url/s:loc", ns)]
    assert len(listed) == len(set(listed)) == summary.pages == 174
    assert sorted(listed) == sorted("https://example.org/qn/" + p
                                    for p in pages(summary.directory))


# --- links -----------------------------------------------------------------------------------


def test_every_link_leads_to_a_file_of_the_site(site: Path) -> None:
    broken = broken_links(site)
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(broken)


def test_the_link_checker_finds_what_is_broken(site: Path, tmp_path: Path) -> None:
    """The checker itself: a copy of a page with bad links of every kind."""
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    home = copy / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("</main>", (
        '<a href="indicators/nope/">a</a><a href="units/#nope">b</a>'
        '<a href="https://example.org/">c</a><img src="../../etc/passwd" alt="">'
        '<a href="#main">fine</a><a href="units/">fine</a></main>')), encoding="utf-8")
    broken = broken_links(copy)
    assert len(broken) == 4, broken
    assert all(line.startswith("/ <") for line in broken)


def test_a_web_address_in_the_spec_s_text_is_not_a_link(tmp_path: Path) -> None:
    programme = tiny_programme(data={"n": {"D1": {2023: 1}}}, indicators={"n_total": {
        "kind": "value", "measure": "n", "direction": "increase",
        "title": {"vi": "Xem https://example.org/a", "en": "See https://example.org/a"},
        "description": {"en": "From http://example.com/b"},
        "targets": [{"year": 2023, "op": ">=", "value": 1}]}})
    summary = build_site(qnkpi.evaluate(spec_from_dict(programme)), tmp_path / "site")
    assert broken_links(summary.directory) == []
    page = page_file(summary.directory, "indicators/n_total/").read_text(encoding="utf-8")
    assert "https://example.org/a" in page


# --- the language switch ---------------------------------------------------------------------

SAMPLES = ["", "indicators/", "indicators/youth_online_public_services_pct/", "units/",
           "units/06652/", "search/", "sitemap/"]


@pytest.mark.parametrize("path", SAMPLES)
@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switch_keeps_the_page(site: Path, lang: str, path: str) -> None:
    here = prefix(lang) + path
    parsed = parse(page_file(site, here).read_text(encoding="utf-8"))
    for kind in ("a", "link"):  # the switch, and the alternates in the head
        switch = {attrs["hreflang"]: attrs["href"] for tag, attrs in parsed.elements
                  if tag == kind and "hreflang" in attrs}
        assert sorted(switch) == sorted(LANGS), kind
        for other in LANGS:
            scheme, target, _ = resolve(here, switch[other])
            assert scheme == ""
            assert target == prefix(other) + path, (kind, here, other, switch[other])
            assert page_file(site, target).is_file()
    current = [attrs for tag, attrs in parsed.elements
               if tag == "a" and attrs.get("hreflang") == lang]
    assert current[0].get("aria-current") == "page"


# --- hostile text ----------------------------------------------------------------------------

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "{{7*7}}",
           "</script>", "<!--", "javascript:alert(1)"]
BAD_CODE = '"><b onclick=alert(1)>D9'


def _hostile_spec() -> dict[str, Any]:
    evil = " ".join(HOSTILE)
    programme = tiny_programme(
        data={"reached": {"D1": {2023: 30}, BAD_CODE: {2023: 40}},
              "youth": {"D1": {2023: 50}, BAD_CODE: {2023: 50}}},
        indicators={"reached_pct": {
            "kind": "ratio", "numerator": "reached", "denominator": "youth",
            "factor": 100, "unit": "percent", "direction": "increase",
            "title": {"vi": f"Chỉ tiêu {evil}", "en": f"Indicator {evil}"},
            "description": {"vi": f"Mô tả {evil}", "en": f"About {evil}"},
            "targets": [{"year": 2023, "op": ">=", "value": 50,
                         "note": {"vi": f"Ghi chú {evil}", "en": f"Note {evil}"}}]}})
    programme["programme"]["title"] = {"vi": f"Chương trình {evil}", "en": f"Programme {evil}"}
    units = programme["org_units"]["units"]
    units[1]["name"] = f"Huyện {evil}"
    units.append({"code": BAD_CODE, "name": f"Xã {evil}", "level": "district",
                  "parent": "P"})
    return programme


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = qnkpi.evaluate(spec_from_dict(_hostile_spec()))
    return build_site(result, tmp_path_factory.mktemp("hostile") / "site").directory


def test_hostile_text_makes_no_script_and_no_handler(hostile: Path) -> None:
    for path in pages(hostile):
        parsed = parse(page_file(hostile, path).read_text(encoding="utf-8"))
        assert parsed.handlers == [], (path, parsed.handlers)
        sources = [s.get("src", "") for s in parsed.scripts]
        if path.endswith("search/"):
            lang = "en" if path.startswith("en/") else "vi"
            assert [s.rsplit("/", 1)[-1] for s in sources] == [f"search-{lang}.js",
                                                              "search.js"], path
            assert all(resolve(path, s)[1].startswith("assets/") for s in sources)
        else:
            assert sources == [], path
        images = [attrs for tag, attrs in parsed.elements if tag == "img"]
        assert images == [], (path, images)
        for tag, attribute, link in parsed.links:
            assert not link.lower().startswith("javascript:"), (path, tag, attribute)


def test_hostile_text_is_shown_as_text(hostile: Path) -> None:
    for path in ["", "indicators/reached_pct/", "units/", "search/",
                 "en/indicators/reached_pct/"]:
        html = page_file(hostile, path).read_text(encoding="utf-8")
        text = text_of(parse(html))
        assert "<script>alert(1)</script>" in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
        assert "{{7*7}}" in text, path
        assert '"><img src=x onerror=alert(1)>' in text, path
    units = text_of(parse(page_file(hostile, "units/").read_text(encoding="utf-8")))
    assert "Xã <script>" in units
    indicator = text_of(parse(page_file(hostile, "indicators/reached_pct/").read_text(
        encoding="utf-8")))
    assert "Ghi chú <script>" in indicator and "Mô tả <script>" in indicator
    # the odd code is a folder of its own, its bytes in hex
    slug = "u-" + BAD_CODE.encode("utf-8").hex()
    assert page_file(hostile, f"units/{slug}/").is_file()
    assert broken_links(hostile) == []


def test_the_search_index_keeps_hostile_text_in_its_string(hostile: Path) -> None:
    for lang in LANGS:
        script = (hostile / "assets" / f"search-{lang}.js").read_text(encoding="utf-8")
        assert "</" not in script
        # "<!--" inside a string of a script loaded from a file is only characters
        body = script.removeprefix("window.QNKPI_SEARCH = ").rstrip().removesuffix(";")
        entries = json.loads(body)
        titles = {entry["t"] for entry in entries}
        assert any("<script>alert(1)</script>" in t for t in titles), lang


# --- a national-size site --------------------------------------------------------------------


def test_a_national_size_site(tmp_path: Path) -> None:
    districts = 600
    reached: dict[str, dict[int, float | None]] = {
        f"D{i}": {2023: float(i % 50), 2024: float(i % 70)}
               for i in range(1, districts + 1)}
    youth: dict[str, dict[int, float | None]] = {
        f"D{i}": {2023: 100.0, 2024: 100.0} for i in range(1, districts + 1)}
    indicators = {
        "reached_pct": {"kind": "ratio", "numerator": "reached", "denominator": "youth",
                        "factor": 100, "unit": "percent", "direction": "increase",
                        "targets": [{"year": 2024, "op": ">=", "value": 50,
                                     "level": "district"}]},
        "reached_n": {"kind": "value", "measure": "reached", "direction": "increase",
                      "targets": [{"year": 2024, "op": ">=", "value": 30}]},
    }
    programme = tiny_programme(data={"reached": reached, "youth": youth},
                               indicators=indicators, districts=districts, end=2025)
    result = qnkpi.evaluate(spec_from_dict(programme))
    started = time.perf_counter()
    summary = build_site(result, tmp_path / "site")
    took = time.perf_counter() - started
    units = districts + 1
    assert summary.pages == 2 * (5 + len(indicators) + units) == len(pages(summary.directory))
    assert 0 < summary.seconds <= took
    assert summary.pages_per_second > 0
    assert took < 120, f"{summary.pages} pages took {took:.1f} s"
    assert page_file(summary.directory, "en/units/D600/").is_file()
