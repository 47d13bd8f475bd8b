"""Helpers for the reporting site's tests: building a site, serving it over real HTTP,
reading its pages with Python's `html.parser`, and opening them in headless Chromium
(Debian's `chromium`) with its console and its network log recorded.

The module has a unique name because the tests' folders are on `sys.path`.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from repo_scripts import script as repo_script

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
#: Where `.ci/axe` installs axe-core.
AXE = ROOT / ".ci" / "node_modules-axe" / "node_modules" / "axe-core" / "axe.min.js"
#: The Quảng Ninh example's counts.
INDICATORS = 14
UNITS = 68
LANGS = ("vi", "en")

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="chromium is not installed: apt-get install -y chromium (.ci/browser does)")


# --- the site's files ---------------------------------------------------------------------

def prefix(lang: str) -> str:
    """Where a language's pages are, from the site's root: the first at the root."""
    return "" if lang == LANGS[0] else f"{lang}/"


def pages(root: Path) -> list[str]:
    """Every page of the site at `root`, as its path from the root (`indicators/x/`, the
    home page `""`), sorted."""
    return sorted("" if p.parent == root else p.parent.relative_to(root).as_posix() + "/"
                  for p in root.rglob("index.html"))


def page_file(root: Path, path: str) -> Path:
    """The file of the page at `path` (a folder path, or a file's)."""
    return root / path / "index.html" if path == "" or path.endswith("/") else root / path


@dataclass
class Parsed:
    """What a page holds, as `html.parser` reads it."""

    ids: list[str] = field(default_factory=list)
    #: (tag, attribute, value) of every href, src and form action.
    links: list[tuple[str, str, str]] = field(default_factory=list)
    #: The attributes of every script element.
    scripts: list[dict[str, str]] = field(default_factory=list)
    #: (tag, attribute) of every attribute whose name starts with "on".
    handlers: list[tuple[str, str]] = field(default_factory=list)
    #: Attributes of every element, in order: (tag, attributes).
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.out.elements.append((tag, values))
        if "id" in values:
            self.out.ids.append(values["id"])
        for name in ("href", "src", "action", "srcset", "poster", "data"):
            if name in values:
                self.out.links.append((tag, name, values[name]))
        if tag == "script":
            self.out.scripts.append(values)
        self.out.handlers += [(tag, name) for name in values if name.startswith("on")]

    def handle_data(self, data: str) -> None:
        self.out.text.append(data)


def parse(html: str) -> Parsed:
    """Read a page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.out


def text_of(parsed: Parsed) -> str:
    """The page's text, in one string (the text of script elements included)."""
    return "".join(parsed.text)


def resolve(page: str, link: str) -> tuple[str, str, str]:
    """Where `link` on the page at `page` leads: (scheme, path from the site's root,
    fragment); the scheme is empty for a link inside the site. A path that leaves the
    site starts with `../`."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return parts.scheme or "//", link, parts.fragment
    base = "http://site.invalid/root/" + page
    target = urlsplit(urljoin(base, link))
    path = unquote(target.path)
    if not path.startswith("/root/"):
        return "", "../" + path, target.fragment
    return "", path.removeprefix("/root/"), target.fragment


def broken_links(root: Path) -> list[str]:
    """Every link of every page of the site at `root` that does not lead to a file of
    the site (a folder to its `index.html`), or to an element of its target page (a
    fragment), or that leads outside the site: one line per link."""
    parsed = {path: parse(page_file(root, path).read_text(encoding="utf-8"))
              for path in pages(root)}
    by_file = {page_file(root, path): page for path, page in parsed.items()}
    broken = []
    for path, page in parsed.items():
        for tag, attribute, link in page.links:
            where = f"/{path} <{tag} {attribute}={link!r}>"
            scheme, target, fragment = resolve(path, link)
            if scheme:
                broken.append(f"{where}: a link outside the site")
                continue
            if target.startswith("../"):
                broken.append(f"{where}: leaves the site's folder")
                continue
            file = page_file(root, target)
            if not file.is_file() or not file.resolve().is_relative_to(root.resolve()):
                broken.append(f"{where}: no file {file.relative_to(root)}")
                continue
            if fragment:
                if file.suffix != ".html":
                    broken.append(f"{where}: a fragment of a file that is not a page")
                    continue
                known = by_file.get(file)
                ids = known.ids if known else parse(file.read_text(encoding="utf-8")).ids
                if fragment not in ids:
                    broken.append(f"{where}: no element id={fragment!r} on /{target}")
    return broken


# --- serving ----------------------------------------------------------------------------

class _Handler(SimpleHTTPRequestHandler):
    """Serves a folder, and the pages of `extra` (path -> HTML) from memory."""

    def __init__(self, *args: Any, extra: dict[str, str], **kwargs: Any) -> None:
        self.extra = extra
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        body = self.extra.get(urlsplit(self.path).path)
        if body is None:
            super().do_GET()
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class Served:
    """A folder served over HTTP on 127.0.0.1, and pages of the tests' own (`extra`,
    path -> HTML) that are not in the folder."""

    root: Path
    port: int
    extra: dict[str, str]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The address of `path` (from the site's root, may hold a query)."""
        return f"{self.origin}/{path}"


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Served]:
    """Serve `root` with Python's `http.server` on 127.0.0.1 (a free port), from a
    thread, as a static host would; shut down on leaving."""
    extra: dict[str, str] = {}
    handler = functools.partial(_Handler, directory=str(root), extra=extra)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Served(root, server.server_address[1], extra)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- headless Chromium --------------------------------------------------------------------

#: Nothing but 127.0.0.1 resolves: the browser's own calls home fail at once, and a page
#: that asks for anything elsewhere still shows in the network log (and fails).
RESOLVE_ONLY_LOCAL = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@dataclass
class Visit:
    """What Chromium did with one address."""

    url: str
    dom: str
    #: The stderr lines of console messages.
    console: list[str]
    #: Every URL the page asked for (its initiator is the page's site), and the page
    #: itself.
    requests: list[str]
    #: Every other URL requested: the browser's own (Chromium asks Google for the time
    #: and the like whatever the page is).
    browser_requests: list[str]


def _net_log(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        data: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError:  # a log cut short: close its list of events
        data = json.loads(text.rstrip().rstrip(",") + "]}")
    return data


def _requests(log: dict[str, Any], site: str) -> tuple[list[str], list[str]]:
    """The URLs of the log's requests: (the page's, the browser's own)."""
    types = log["constants"]["logEventTypes"]
    start = types["URL_REQUEST_START_JOB"]
    ours: list[str] = []
    theirs: list[str] = []
    host = urlsplit(site).hostname or ""
    for event in log["events"]:
        params = event.get("params") or {}
        if event.get("type") != start or "url" not in params:
            continue
        key = str(params.get("network_isolation_key", ""))
        initiator = str(params.get("initiator", ""))
        frame = params.get("request_type") in ("main frame", "sub frame")
        # what the page asks for names it as its initiator; the browser's own requests
        # (the time, accounts, form autofill) are "not an origin"
        mine = initiator.startswith(site) or (frame and host in key)
        (ours if mine else theirs).append(params["url"])
    return ours, theirs


def visit(url: str, *, scripts: bool = True, budget_ms: int = 5000,
          timeout: float = 120) -> Visit:
    """Open `url` in headless Chromium, as a reader would: its DOM once loaded and the
    scripts have run (`--virtual-time-budget`), its console and the requests it made
    (`--log-net-log`, Chromium's NetLog)."""
    script = repo_script("screenshot_html")
    with tempfile.TemporaryDirectory(prefix="qnkpi-chromium-") as tmp:
        log = Path(tmp) / "net.json"
        args = [script.chromium(), *script.FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                "--enable-logging=stderr", "--v=0", f"--virtual-time-budget={budget_ms}",
                f"--log-net-log={log}", RESOLVE_ONLY_LOCAL,
                "--disable-features=AutofillServerCommunication"]
        if not scripts:
            args.append("--blink-settings=scriptEnabled=false")
        run = subprocess.run([*args, "--dump-dom", url], capture_output=True, text=True,
                             timeout=timeout, check=False)
        if run.returncode != 0:
            raise AssertionError(f"chromium failed on {url}: {run.stderr[-2000:]}")
        site = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
        ours, theirs = _requests(_net_log(log), site) if log.is_file() else ([], [])
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return Visit(url, run.stdout, console, ours, theirs)


#: Opens the pages of `PAGES` one after the other in a frame of its own, waiting for each
#: to load (its stylesheet, scripts and images), and writes what it saw into its DOM.
_TOUR = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tour</title></head><body>
<script>
"use strict";
const PAGES = %s;
const seen = [];
let next = 0;
const frame = document.createElement("iframe");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  seen.push({path: PAGES[next - 1], title: doc ? doc.title : null,
             main: doc ? doc.querySelectorAll("main").length : 0,
             sheets: doc ? doc.styleSheets.length : 0});
  if (next < PAGES.length) {
    frame.src = PAGES[next++];
  } else {
    const out = document.createElement("pre");
    out.id = "tour";
    out.textContent = JSON.stringify(seen);
    document.body.appendChild(out);
  }
});
frame.src = PAGES[next++];
document.body.appendChild(frame);
</script>
</body></html>
"""


@dataclass
class Tour:
    """What Chromium did with a batch of pages."""

    #: Per page (its path from the site's root): its title, how many `main` elements and
    #: stylesheets it has once loaded.
    seen: dict[str, dict[str, Any]]
    #: The console messages, each with the address of the page that wrote it.
    console: list[str]
    requests: list[str]
    browser_requests: list[str]


def tour(served: Served, paths: list[str], *, name: str = "tour",
         budget_ms: int = 120_000, timeout: float = 600) -> Tour:
    """Open the pages at `paths` (from the site's root) in one headless Chromium, one
    after the other in a frame of a page of the tests' own served beside the site (a
    Chromium process opens one address; a process per page costs a second each)."""
    tour_path = f"/__qnkpi-test-{name}.html"
    served.extra[tour_path] = _TOUR % json.dumps(["/" + p for p in paths])
    seen = visit(served.url(tour_path.lstrip("/")), budget_ms=budget_ms, timeout=timeout)
    match = re.search(r'<pre id="tour">(.*?)</pre>', seen.dom, re.S)
    if match is None:
        raise AssertionError(f"the tour {name} did not finish: {seen.dom[-500:]}")
    pages = {entry["path"].lstrip("/"): entry for entry in json.loads(html.unescape(
        match.group(1)))}
    requests = [url for url in seen.requests if url != served.url(tour_path.lstrip("/"))]
    return Tour(pages, seen.console, requests, seen.browser_requests)
