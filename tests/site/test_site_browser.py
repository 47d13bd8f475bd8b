"""The reporting site in a real browser: headless Chromium opens every page of the
Quảng Ninh example's site, served over HTTP as a host would, and sees no console message
and asks for nothing outside the site; its search finds indicators and communes with or
without diacritics, and lists everything with scripts off."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
from site_helpers import (
    INDICATORS,
    LANGS,
    UNITS,
    Served,
    Tour,
    needs_chromium,
    pages,
    parse,
    prefix,
    serve,
    tour,
    visit,
)

pytestmark = needs_chromium

@pytest.fixture(scope="module")
def tours(site: Path, served: Served) -> dict[str, Tour]:
    """Every page of the site (174), one Chromium per language, both at once."""
    every = pages(site)
    batches = {lang: [p for p in every if _lang_of(p) == lang] for lang in LANGS}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        done = dict(zip(batches, pool.map(lambda lang: tour(served, batches[lang], name=lang),
                                          batches), strict=True))
    print(f"\n{len(every)} pages in Chromium in {time.perf_counter() - started:.1f} s")
    return done


def _lang_of(path: str) -> str:
    first = path.split("/", 1)[0]
    return first if first in LANGS[1:] else LANGS[0]


def test_every_page_loads_whole(site: Path, tours: dict[str, Tour], served: Served) -> None:
    every = pages(site)
    assert len(every) == len(LANGS) * (5 + INDICATORS + UNITS)
    for lang, seen in tours.items():
        assert sorted(seen.seen) == [p for p in every if _lang_of(p) == lang]
        for path, page in seen.seen.items():
            assert page["main"] == 1 and page["sheets"] == 1, (path, page)
            assert page["title"], path
            assert served.url(path) in seen.requests, path
        assert served.url("assets/site.css") in seen.requests
        assert served.url(f"assets/search-{lang}.js") in seen.requests


def test_no_page_writes_to_the_console(tours: dict[str, Tour]) -> None:
    messages = [line for seen in tours.values() for line in seen.console]
    assert messages == [], "\n".join(messages)


def test_no_page_asks_for_anything_outside_the_site(tours: dict[str, Tour],
                                                    served: Served) -> None:
    outside = sorted({url for seen in tours.values() for url in seen.requests
                      if not url.startswith(served.origin + "/")})
    assert outside == [], "\n".join(outside)


def test_the_checks_see_a_console_message_and_a_request_outside(tmp_path: Path) -> None:
    """The checks themselves: a page that loads an image from elsewhere and writes to the
    console, opened in a tour after a page that does neither, is caught on both counts,
    and so is a page opened on its own."""
    (tmp_path / "quiet.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>q</title></head><body><main></main>'
        "</body></html>", encoding="utf-8")
    (tmp_path / "loud").mkdir()
    (tmp_path / "loud" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="https://images.example.org/x.png" alt="x"></main>'
        '<script>console.log("hello")</script></body></html>', encoding="utf-8")
    with serve(tmp_path) as server:
        seen = tour(server, ["quiet.html", "loud/"])
        alone = visit(server.url("loud/"))
    assert sorted(seen.seen) == ["loud/", "quiet.html"]
    for run in (seen, alone):
        assert "https://images.example.org/x.png" in run.requests
        assert any("hello" in line and "/loud/" in line for line in run.console), run.console


# --- search ----------------------------------------------------------------------------------


def _results(served: Served, lang: str, query: str) -> list[str]:
    """The addresses (from the site's root) the search page lists for `query`."""
    page = f"{prefix(lang)}search/"
    seen = visit(served.url(f"{page}?q={quote(query)}"))
    assert seen.console == [], seen.console
    match = re.search(r'<div id="results"[^>]*>(.*?)</div>', seen.dom, re.S)
    assert match, f"no results box on /{page}"
    base = served.url(page)
    hrefs = [attrs["href"] for tag, attrs in parse(match.group(1)).elements if tag == "a"]
    return [urljoin(base, href).removeprefix(served.origin + "/") for href in hrefs]


INDICATOR = "indicators/youth_online_public_services_pct/"  # Tỷ lệ thanh niên sử dụng ...


@pytest.mark.parametrize("query", ["thanh niên dịch vụ công", "thanh nien dich vu cong",
                                   "THANH NIEN  Dịch Vu"])
def test_search_finds_an_indicator_with_or_without_diacritics(served: Served,
                                                              query: str) -> None:
    assert INDICATOR in _results(served, "vi", query)


@pytest.mark.parametrize("query", ["online public services", "ONLINE public"])
def test_english_search_finds_an_indicator_by_its_english_title(served: Served,
                                                                query: str) -> None:
    assert "en/" + INDICATOR in _results(served, "en", query)


@pytest.mark.parametrize("query", ["Hà Tu", "ha tu", "HA TU", "06652"])
@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_a_commune_with_or_without_diacritics(served: Served, lang: str,
                                                           query: str) -> None:
    assert f"{prefix(lang)}units/06652/" in _results(served, lang, query)


#: Refuses every script of the page: what a reader with scripts off gets. (Chromium's
#: --blink-settings=scriptEnabled=false also stops --dump-dom from reading the page.)
NO_SCRIPT = """<meta http-equiv="Content-Security-Policy" content="script-src 'none'">"""


@pytest.mark.parametrize("lang", LANGS)
def test_search_without_scripts_lists_everything(site: Path, served: Served,
                                                 lang: str) -> None:
    page = f"{prefix(lang)}search/"
    html = (site / page / "index.html").read_text(encoding="utf-8")
    served.extra[f"/{page}no-script.html"] = html.replace("<head>", "<head>" + NO_SCRIPT, 1)
    seen = visit(served.url(f"{page}no-script.html?q=ha%20tu"))
    refused = [line for line in seen.console if "Content Security Policy" in line]
    assert len(refused) == 2 and refused == seen.console, seen.console
    everything = seen.dom[seen.dom.index('<section id="everything"'):]
    everything = everything[:everything.index("</section>")]
    assert "hidden" not in everything[:everything.index(">")]
    base = served.url(page)
    hrefs = {urljoin(base, attrs["href"]).removeprefix(served.origin + "/")
             for tag, attrs in parse(everything).elements if tag == "a"}
    assert len({h for h in hrefs if h.startswith(f"{prefix(lang)}indicators/")}) == INDICATORS
    assert len({h for h in hrefs if h.startswith(f"{prefix(lang)}units/")}) == UNITS
    results = re.search(r'<div id="results"[^>]*>(.*?)</div>', seen.dom, re.S)
    assert results and results.group(1).strip() == ""


@pytest.mark.parametrize("lang", LANGS)
def test_search_with_scripts_hides_the_full_list(served: Served, lang: str) -> None:
    seen = visit(served.url(f"{prefix(lang)}search/?q=ha%20tu"))
    assert re.search(r'<section id="everything"[^>]*\bhidden', seen.dom)
    assert seen.console == []
