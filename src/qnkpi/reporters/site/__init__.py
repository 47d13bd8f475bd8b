"""A reporting site: the programme published as static pages, per indicator and per unit,
in several languages (`qnkpi site SPEC -o DIR`).

The pages come from the same result and the same pieces as the `html` report: its page
data (`qnkpi.reporters._page`: cards, charts, grids, verdicts), its templates (a card on
an indicator's page is the report's card) and its escaping (Jinja2 with autoescaping).
What the site adds:

- a home page (the programme, the headline per year, the counts, every indicator with
  its verdicts and its goal), a page per indicator (definition, targets with where they
  come from, the chart, the unit x year grid, each unit's progress, downloads of its
  checks and assessments as CSV and JSON) and a page per unit of every level (its
  indicators year by year, its parent and children, the units it came from and those it
  became);
- every page in each language, with a switch to the same page in the others, Vietnamese
  number formats in `vi`;
- search across indicators and units that works offline (a prebuilt index and a small
  script; with scripts off, the search page lists everything);
- permanent, readable addresses (`indicators/<name>/`, `units/<code>/`; see
  `qnkpi.reporters.site._urls`), a site map page, and `sitemap.xml` when the site's
  public address is known (`base_url`).

No page asks for anything outside the site: no font, stylesheet, script or image from
elsewhere, so it can be hosted as it is (any web server, GitHub Pages; for a look on one's
own computer, `python3 -m http.server` in its folder: a browser opening the files from
disk shows a folder's listing where a link ends in `/`).
"""

from __future__ import annotations

import functools
import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qnkpi.errors import QnkpiError
from qnkpi.i18n import LANGS, gettext
from qnkpi.reporters._page import Page, build_page
from qnkpi.reporters.site._definition import definition
from qnkpi.reporters.site._units import UnitPage, unit_pages
from qnkpi.reporters.site._urls import Urls, relative

if TYPE_CHECKING:
    import jinja2

    from qnkpi.engine.result import Result

__all__ = ["SiteSummary", "build_site"]

#: The file that marks a folder as a site qnkpi wrote, which a new build may replace.
MARKER = ".qnkpi-site"
_HERE = Path(__file__).parent
_LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}


@dataclass(frozen=True)
class SiteSummary:
    """What [`build_site`][qnkpi.reporters.site.build_site] wrote.

    Attributes:
        directory: The site's folder.
        pages: How many HTML pages.
        files: How many files in all (pages, downloads, assets).
        bytes: Their total size.
        seconds: How long the build took.
    """

    directory: Path
    pages: int
    files: int
    bytes: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        """Pages written per second of the build."""
        return self.pages / self.seconds if self.seconds > 0 else float("inf")


def build_site(result: Result, directory: str | Path, *, langs: Sequence[str] = ("vi", "en"),
               base_url: str | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> SiteSummary:
    """Write the site of `result` into `directory`.

    Args:
        result: What [`evaluate`][qnkpi.engine.evaluate.evaluate] returned.
        directory: An empty or missing folder, or a site qnkpi wrote before (it is
            replaced whole).
        langs: The languages, the first at the site's root, each other one under its
            code (`en/`).
        base_url: The site's public address (`https://example.org/qn/`), for
            `sitemap.xml`; without it no `sitemap.xml` is written (a sitemap lists full
            addresses), only the site map page.
        progress: Called as `progress("pages", done, total)` as pages are written.

    Returns:
        What was written.

    Raises:
        QnkpiError: `directory` holds files qnkpi did not write, or a language is not
            one of `vi`, `en`.
    """
    started = time.perf_counter()
    langs = list(dict.fromkeys(langs))
    bad = [lang for lang in langs if lang not in LANGS]
    if bad or not langs:
        raise QnkpiError(f"site languages: {', '.join(bad) or 'none given'}; choose among "
                         f"{', '.join(LANGS)}")
    out = _fresh(Path(directory))
    writer = _Writer(out)
    names = list(result.indicators)
    units = len(result.tree.codes)
    total = len(langs) * (5 + len(names) + units)
    tick = progress or (lambda stage, done, of: None)
    for lang in langs:
        page = build_page(result, lang)
        _Pages(result, page, lang, langs, writer, unit_pages(result, lang)).write_all(tick, total)
    _downloads(result, writer)
    _assets(result, writer, langs)
    if base_url:
        writer.text("sitemap.xml", _sitemap_xml(writer.pages, base_url))
    writer.text(MARKER, "qnkpi site\n")
    tick("pages", total, total)
    return SiteSummary(out, len(writer.pages), writer.files, writer.bytes,
                       time.perf_counter() - started)


def _fresh(out: Path) -> Path:
    """`out`, empty: made if missing, emptied if it holds a site qnkpi wrote; a folder
    of anything else is refused (never deleted)."""
    if out.exists() and not out.is_dir():
        raise QnkpiError(f"{out} is a file; give a folder for the site")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise QnkpiError(f"{out} is not empty and is not a site qnkpi wrote; choose an "
                             "empty or new folder")
        for child in out.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    return out


class _Writer:
    """Writes the site's files and counts them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pages: list[str] = []
        self.files = 0
        self.bytes = 0

    def text(self, path: str, content: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8")
        target.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def page(self, path: str, content: str) -> None:
        """A page at `path` (a folder path, `indicators/x/`): its `index.html`."""
        self.text(f"{path}index.html", content)
        self.pages.append(path)

    def binary(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files += 1
        self.bytes += len(data)


@functools.cache
def _environment() -> jinja2.Environment:
    """The site's templates, with the html report's beside them (a card is the same)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([_HERE / "templates",
                                        _HERE.parent / "templates"]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)


class _Pages:
    """The pages of one language."""

    def __init__(self, result: Result, page: Page, lang: str, langs: list[str],
                 writer: _Writer, units: list[UnitPage]) -> None:
        self.result, self.page, self.lang, self.langs = result, page, lang, langs
        self.writer, self.units = writer, units
        self.urls = Urls(lang, langs[0])
        self.env = _environment()
        self.done = 0

    def write_all(self, tick: Callable[[str, int, int], None], total: int) -> None:
        urls, page = self.urls, self.page
        objective = {card.name: group.title for group in page.groups for card in group.cards}
        self._render("home.html.j2", urls.home(), title=page.title,
                     latest=_latest(self.result, self.lang))
        self._render("indicators.html.j2", urls.indicators(),
                     title=gettext("Indicators", self.lang))
        for card in page.cards:
            self._render("indicator.html.j2", urls.indicator(card.name), title=card.title,
                         card=card, heading="h1", objective=objective.get(card.name, ""),
                         definition=definition(self.result.spec, card.name, self.lang),
                         downloads=_download_names(card.name))
            self._tick(tick, total)
        by_level: dict[str, list[UnitPage]] = {}
        for unit in self.units:
            by_level.setdefault(unit.level, []).append(unit)
        self._render("units.html.j2", urls.units(), title=gettext("Units", self.lang),
                     by_level=by_level)
        for unit in self.units:
            self._render("unit.html.j2", urls.unit(unit.code), title=unit.name, unit=unit)
            self._tick(tick, total)
        self._render("search.html.j2", urls.search(), title=gettext("Search", self.lang),
                     by_level=by_level)
        self._render("sitemap.html.j2", urls.sitemap(), title=gettext("Site map", self.lang),
                     by_level=by_level)

    def _tick(self, tick: Callable[[str, int, int], None], total: int) -> None:
        self.done += 1
        if self.done % 50 == 0:
            tick("pages", len(self.writer.pages), total)

    def _render(self, template: str, path: str, **context: Any) -> None:
        lang, urls = self.lang, self.urls
        alternates = [{"lang": other, "name": _LANG_NAMES[other], "current": other == lang,
                       "href": relative(path, urls.other(path, other, self.langs[0]))}
                      for other in self.langs]
        html = self.env.get_template(template).render(
            page=self.page, lang=lang, urls=urls, here=path, alternates=alternates,
            link=functools.partial(relative, path),
            ind_href=lambda name: relative(path, urls.indicator(name)),
            unit_href=lambda code: relative(path, urls.unit(code)),
            _=functools.partial(gettext, lang=lang), **context)
        self.writer.page(path, html)


def _latest(result: Result, lang: str) -> dict[str, Any]:
    """The home page's table: where each indicator stands at the top unit in the as-of
    year (its threshold, value and verdict, as the terminal's overview has them) and
    toward its goal, by objective."""
    from qnkpi.i18n import assessment_word, period_title, status_word
    from qnkpi.reporters._card import ASSESS_CSS
    from qnkpi.reporters._grid import VERDICT_CSS
    from qnkpi.reporters._overview import overview
    from qnkpi.reporters._present import MARKS

    view = overview(result, lang)
    groups = []
    for title, rows in view.groups:
        groups.append({"title": title or "", "rows": [{
            "name": row.name, "title": row.title, "threshold": row.threshold,
            "value": row.value, "css": VERDICT_CSS[row.verdict], "mark": MARKS[row.verdict],
            "word": status_word(row.verdict.key, lang) if row.verdict else "",
            "goal": row.goal,
            "progress": assessment_word(row.progress[0].key, lang) if row.progress else "",
            "progress_css": ASSESS_CSS.get(row.progress[0].key, "grey") if row.progress else "",
        } for row in rows]})
    when = (period_title(view.period, lang) if view.period is not None
            else str(view.year))
    return {"unit": view.unit, "when": when, "groups": groups}


def _download_names(name: str) -> dict[str, str]:
    """An indicator's downloads, from the site's root."""
    return {kind: f"downloads/{name}-{kind.replace(' ', '-')}"
            for kind in ("checks.csv", "checks.json", "assessments.csv", "assessments.json")}


def _downloads(result: Result, writer: _Writer) -> None:
    """Each indicator's checks and assessments as CSV (the Arrow tables' columns) and
    JSON (the JSON result's objects), in the site's `downloads/`."""
    import io

    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    from qnkpi.engine.rows import check_dicts

    for table in ("checks", "assessments"):
        whole = result.to_arrow(table)
        for name in result.indicators:
            part = whole.filter(pc.equal(whole["indicator"], name))
            sink = io.BytesIO()
            pcsv.write_csv(part, sink)
            writer.binary(f"downloads/{name}-{table}.csv", sink.getvalue())
            objects = (list(check_dicts(result, name)) if table == "checks"
                       else list(result.assessment_rows(name)))
            writer.text(f"downloads/{name}-{table}.json",
                        json.dumps(objects, ensure_ascii=False, allow_nan=False))


def _assets(result: Result, writer: _Writer, langs: list[str]) -> None:
    """The stylesheet (the html report's, and the site's own), the search script and
    each language's search index."""
    from qnkpi.reporters._templates import environment
    from qnkpi.reporters.site._search import index_script

    page = build_page(result, langs[0], detail=False)
    report_css = environment().get_template("_style.css.j2").render(page=page)
    site_css = (_HERE / "assets" / "site.css").read_text(encoding="utf-8")
    writer.text("assets/site.css", report_css + "\n" + site_css)
    writer.text("assets/search.js", (_HERE / "assets" / "search.js").read_text(encoding="utf-8"))
    for lang in langs:
        writer.text(f"assets/search-{lang}.js", index_script(result, lang, Urls(lang, langs[0])))


def _sitemap_xml(pages: list[str], base_url: str) -> str:
    """`sitemap.xml`: every page's full address."""
    from xml.sax.saxutils import escape

    base = base_url if base_url.endswith("/") else base_url + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(base + path)}</loc></url>" for path in pages]
    return "\n".join([*lines, "</urlset>", ""])
