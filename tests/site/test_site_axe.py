"""The reporting site's accessibility, checked by axe-core (the npm package `axe-core`,
which `.ci/axe` installs) in headless Chromium: sample pages of every kind, in Vietnamese
and English, have no violation of WCAG 2 A or AA whose impact is serious or critical.

axe-core is added to copies of the pages, in a copy of the site: the site itself has no
script but its search's."""

from __future__ import annotations

import html
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from site_helpers import AXE, LANGS, needs_chromium, page_file, prefix, serve, visit

pytestmark = [needs_chromium,
              pytest.mark.skipif(not AXE.is_file(), reason=(
                  f"axe-core is not installed ({AXE.relative_to(AXE.parents[3])} is "
                  "missing): run .ci/axe (npm install axe-core)"))]

#: Runs axe-core once the page has loaded (its stylesheet: contrast needs it) and writes
#: what it found as JSON into the page, for --dump-dom.
RUN = """<script>
window.addEventListener("load", function () {
  function write(data) {
    var out = document.createElement("pre");
    out.id = "axe-result";
    out.textContent = JSON.stringify(data);
    document.body.appendChild(out);
  }
  axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    resultTypes: ["violations"]
  }).then(function (result) {
    write({version: axe.version, passes: result.passes.length,
           violations: result.violations.map(function (v) {
             return {id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.slice(0, 8).map(function (n) {
                       return n.target.join(" ") + " | " + n.html.slice(0, 160) + " | " +
                         (n.failureSummary || "").replace(/\\s+/g, " ");
                     }), count: v.nodes.length};
           })});
  }, function (error) { write({error: String(error)}); });
});
</script>"""

#: Pages of every kind: the home page, an indicator with its chart, a commune, the
#: lists, the search (empty and with results) and the site map.
SAMPLES = ["", "indicators/", "indicators/children_youth_reached_pct/", "units/",
           "units/06652/", "search/", "search/?q=ha%20tu", "sitemap/"]
SERIOUS = {"serious", "critical"}
BROKEN = "axe-broken.html"


@pytest.fixture(scope="module")
def audited(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """axe-core's findings on each sample page in each language."""
    copy = tmp_path_factory.mktemp("axe") / "site"
    shutil.copytree(site, copy)
    shutil.copyfile(AXE, copy / "assets" / "axe.min.js")
    wanted = []
    for lang in LANGS:
        for sample in SAMPLES:
            path, _, query = (prefix(lang) + sample).partition("?")
            page = page_file(copy, path).read_text(encoding="utf-8")
            assert "<svg" in page or sample != SAMPLES[2], "the indicator has no chart"
            depth = path.count("/")
            scripts = f'<script src="{"../" * depth}assets/axe.min.js"></script>\n{RUN}\n'
            (copy / path / "axe.html").write_text(page.replace("</body>", scripts + "</body>"),
                                                  encoding="utf-8")
            wanted.append(f"{path}axe.html" + (f"?{query}" if query else ""))
    # the check itself: a copy of the home page with an image and a field unnamed
    home = (copy / "axe.html").read_text(encoding="utf-8")
    (copy / "axe-broken.html").write_text(home.replace(
        "</main>", '<img src="assets/none.png"><input type="text"></main>'), encoding="utf-8")
    wanted.append("axe-broken.html")
    with serve(copy) as server, ThreadPoolExecutor(max_workers=2) as pool:
        visits = dict(zip(wanted, pool.map(
            lambda page: visit(server.url(page), budget_ms=30_000), wanted), strict=True))
    found = {}
    for page, seen in visits.items():
        match = re.search(r'<pre id="axe-result">(.*?)</pre>', seen.dom, re.S)
        assert match, f"axe-core wrote nothing on {page}: {seen.console}"
        found[page] = json.loads(html.unescape(match.group(1)))
        found[page]["console"] = seen.console
    return found


def test_axe_core_ran_on_every_sample(audited: dict[str, Any]) -> None:
    assert len(audited) == len(LANGS) * len(SAMPLES) + 1
    for page, found in audited.items():
        if page == BROKEN:
            continue
        assert "error" not in found, (page, found)
        assert found["version"].startswith("4."), found["version"]
        assert found["passes"] > 10, page
        assert found["console"] == [], (page, found["console"])


def test_no_serious_or_critical_accessibility_violation(audited: dict[str, Any]) -> None:
    lines = []
    for page, found in audited.items():
        if page == BROKEN:
            continue
        for v in found["violations"]:
            if v["impact"] in SERIOUS:
                lines.append(f"/{page}: {v['id']} ({v['impact']}, {v['count']} elements): "
                             f"{v['help']}")
                lines += [f"    {node}" for node in v["nodes"]]
    assert lines == [], "\n".join(lines)


def test_the_minor_findings_are_known(audited: dict[str, Any]) -> None:
    """Violations of a lower impact are listed here so that a new one is seen."""
    minor = sorted({(v["id"], v["impact"]) for page, found in audited.items()
                    for v in found["violations"] if v["impact"] not in SERIOUS
                    and page != BROKEN})
    assert minor == [], minor


def test_axe_core_sees_a_violation(audited: dict[str, Any]) -> None:
    """The check itself: an image without a text alternative and a field without a label
    on a copy of the home page are critical violations."""
    found = {(v["id"], v["impact"]) for v in audited[BROKEN]["violations"]}
    assert {("image-alt", "critical"), ("label", "critical")} <= found, found
