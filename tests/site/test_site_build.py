"""The reporting site's builder: addresses, the folder it writes into, the downloads and
what a unit's page says of the organisation (the browser tests are beside this file)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import qnkpi
from qnkpi.cli import main
from qnkpi.errors import QnkpiError
from qnkpi.reporters.site import MARKER, build_site
from qnkpi.reporters.site._search import fold
from qnkpi.reporters.site._urls import Urls, relative, slug

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


@pytest.fixture(scope="module")
def site(result: qnkpi.Result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "qn"
    build_site(result, out, langs=("vi", "en"), base_url="https://example.org/qn/")
    return out


def test_addresses_are_readable_and_relative() -> None:
    vi, en = Urls("vi", "vi"), Urls("en", "vi")
    assert vi.indicator("a_b") == "indicators/a_b/"
    assert en.unit("06652") == "en/units/06652/"
    assert vi.other("indicators/x/", "en", "vi") == "en/indicators/x/"
    assert en.other("en/units/193/", "vi", "vi") == "units/193/"
    assert relative("indicators/x/", "units/193/") == "../../units/193/"
    assert relative("", "assets/site.css") == "assets/site.css"
    assert relative("en/units/193/", "units/193/") == "../../../units/193/"
    assert relative("search/", "search/") == "./"


@pytest.mark.parametrize(("code", "expected"), [
    ("06652", "06652"), ("D-1.a_b", "D-1.a_b"), ("a/b", "u-612f62"), ("..", "u-2e2e"),
    ("Hạ", "u-48e1baa1"), ("<x>", "u-3c783e")])
def test_a_code_never_leaves_its_folder(code: str, expected: str) -> None:
    assert slug(code) == expected


@pytest.mark.parametrize(("text", "folded"), [
    ("Hạ Long", "ha long"), ("Đông  Triều", "dong trieu"), ("Thanh Niên", "thanh nien"),
    ("Đoàn phường Hà Tu", "doan phuong ha tu")])
def test_search_keys_fold_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_every_indicator_and_unit_has_a_page_in_each_language(
        site: Path, result: qnkpi.Result) -> None:
    for prefix in ("", "en/"):
        for name in result.indicators:
            assert (site / f"{prefix}indicators/{name}/index.html").is_file()
        for code in result.tree.codes:
            assert (site / f"{prefix}units/{code}/index.html").is_file()
    assert len(result.indicators) == 14 and len(result.tree.codes) == 68
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) == 2 * (5 + 14 + 68)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>") == len(pages)
    assert "<loc>https://example.org/qn/en/units/06652/</loc>" in sitemap


def test_pages_are_in_their_language(site: Path) -> None:
    vi = (site / "units" / "06652" / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "units" / "06652" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi and '<html lang="en">' in en
    assert "Hình thành từ" in vi and "Formed from" in en
    assert 'href="../../en/units/06652/" hreflang="en"' in vi
    assert 'href="../../../units/06652/" hreflang="vi"' in en


def test_a_unit_page_names_its_place_and_history(site: Path) -> None:
    commune = (site / "units" / "06652" / "index.html").read_text(encoding="utf-8")
    assert '<dt>Trực thuộc</dt><dd><a href="../22/">Tỉnh Đoàn Quảng Ninh</a>' in commune
    assert '<dt>Hình thành từ</dt><dd><a href="../193/">Thành Đoàn Hạ Long</a>' in commune
    district = (site / "units" / "193" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Sắp xếp thành</dt>" in district and 'href="../06652/"' in district
    province = (site / "units" / "22" / "index.html").read_text(encoding="utf-8")
    kids = province.split("<dt>Đơn vị trực thuộc</dt>")[1].split("</dd>")[0]
    assert kids.startswith("<dd>67: ")  # every unit it ever had: 13 districts, 54 communes


def test_downloads_hold_the_indicators_checks(site: Path, result: qnkpi.Result) -> None:
    name = "children_youth_reached_pct"
    checks = [c.to_dict() for c in result.checks(name)]
    assert json.loads((site / "downloads" / f"{name}-checks.json").read_text("utf-8")) == checks
    rows = list(csv.DictReader(io.StringIO(
        (site / "downloads" / f"{name}-checks.csv").read_text("utf-8"))))
    assert len(rows) == len(checks) > 0 and {r["indicator"] for r in rows} == {name}
    assessments = json.loads((site / "downloads" / f"{name}-assessments.json").read_text("utf-8"))
    assert assessments == list(result.assessment_rows(name))


def test_a_folder_of_other_files_is_refused_never_emptied(result: qnkpi.Result,
                                                          tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(QnkpiError, match="not empty and is not a site qnkpi wrote"):
        build_site(result, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_site_qnkpi_wrote_is_replaced_whole(result: qnkpi.Result, tmp_path: Path) -> None:
    build_site(result, tmp_path / "s", langs=("en",))
    (tmp_path / "s" / "stale.html").write_text("old", encoding="utf-8")
    summary = build_site(result, tmp_path / "s", langs=("vi",))
    assert not (tmp_path / "s" / "stale.html").exists()
    assert (tmp_path / "s" / MARKER).is_file() and summary.pages == 5 + 14 + 68
    assert not (tmp_path / "s" / "en").exists()  # the first language is at the root


def test_a_language_that_is_not_one(result: qnkpi.Result, tmp_path: Path) -> None:
    with pytest.raises(QnkpiError, match="site languages: fr"):
        build_site(result, tmp_path / "s", langs=("vi", "fr"))


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["site", str(SPEC), "-o", str(tmp_path / "s"), "--lang", "en", "-q"]) == 0
    assert "87 pages" in capsys.readouterr().out
    assert main(["site", str(SPEC), "-o", str(SPEC.parent), "-q"]) == 2
    assert "not a site qnkpi wrote" in capsys.readouterr().err


def test_an_indicator_page_says_what_it_is(site: Path) -> None:
    page = (site / "indicators" / "children_youth_reached_pct" / "index.html").read_text("utf-8")
    assert "<dt>Tử số</dt><dd>Số thanh thiếu nhi được tiếp cận" in page
    assert "<dt>Cách tính</dt><dd>tỷ lệ giữa hai tổng</dd>" in page
    assert 'download>CSV</a>' in page
    assert "../../downloads/children_youth_reached_pct-checks.csv" in page


def test_the_vietnamese_pages_hold_no_english(site: Path, result: qnkpi.Result) -> None:
    """No translated catalogue message in English, and none of the spec's English texts,
    on any Vietnamese page (what a reader sees: the text between tags)."""
    import importlib.util
    import re

    path = ROOT / "tests" / "reporters" / "english_phrases.py"
    loaded = importlib.util.spec_from_file_location("english_phrases_site", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    phrases = module.english_phrases(result.spec, min_chars=10, cut=60)
    assert len(phrases) > 100
    found = set()
    for page in site.rglob("index.html"):
        if page.relative_to(site).parts[0] == "en":
            continue
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        text = " ".join(text.split())
        found |= {(page.relative_to(site).as_posix(), p) for p in phrases if p in text}
    assert sorted(found)[:10] == []


def test_a_vietnamese_name_finds_an_indicator_in_every_language(result: qnkpi.Result) -> None:
    from qnkpi.reporters.site._search import index_entries

    for lang in ("vi", "en"):
        keys = {e["u"].removeprefix("en/"): e["k"] for e in index_entries(result, lang,
                                                                           Urls(lang, "vi"))}
        assert "thanh nien" in keys["indicators/youth_online_public_services_pct/"]
        assert "online public services" in keys["indicators/youth_online_public_services_pct/"]
        assert "ha tu" in keys["units/06652/"]
