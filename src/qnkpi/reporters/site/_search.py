"""The site's search index: every indicator and unit of one language, with a key folded
so that a reader finds "Hạ Long" typing `ha long`, `Ha Long` or `hạ long`.

The index is a small script (`assets/search-<lang>.js`) that sets `QNKPI_SEARCH`, rather
than a JSON file fetched at run time: a browser may refuse to fetch a file from a page
opened from disk, and a script it loads. `assets/search.js` folds what the reader types
the same way and lists the entries whose key holds every word.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING

from qnkpi.i18n import level_title

if TYPE_CHECKING:
    from qnkpi.engine.result import Result
    from qnkpi.reporters.site._urls import Urls

__all__ = ["fold", "index_entries", "index_script"]


def fold(text: str) -> str:
    """`text` lower-case, without diacritics (`đ` is `d`), spaces collapsed: what a
    reader types without Vietnamese input is matched against. The script's `fold` does
    the same."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")
    return " ".join(bare.lower().split())


def index_entries(result: Result, lang: str, urls: Urls) -> list[dict[str, str]]:
    """One entry per indicator and per unit: `t` the title, `d` what it is (the
    indicator's name, the unit's level and code), `u` its address from the site's root,
    `k` the folded key: an indicator's titles in both languages and its name, a unit's
    names (every one it had) and its code."""
    spec, tree = result.spec, result.tree
    out = []
    for name, res in result.indicators.items():
        text = res.indicator.title
        title = text.get(lang) if text else name
        # both languages' titles: a Vietnamese name finds the indicator on every page
        both = " ".join(dict.fromkeys([title, *((text.vi or "", text.en or "") if text else ())]))
        out.append({"t": title, "d": name, "u": urls.indicator(name),
                    "k": fold(f"{both} {name}")})
    names = tree.latest_names(lang)
    every: dict[str, set[str]] = {}
    for unit in spec.org_units.units:  # a unit's earlier names find it too
        every.setdefault(unit.code, set()).add(unit.name)
    for row, code in enumerate(tree.codes):
        level = level_title(spec.org_units, tree.levels[tree.level_of[row]], lang)
        others = every.get(code, set()) - {names[row]}
        out.append({"t": names[row], "d": f"{level} · {code}", "u": urls.unit(code),
                    "k": fold(" ".join([names[row], code, *sorted(others)]))})
    return out


def index_script(result: Result, lang: str, urls: Urls) -> str:
    """`assets/search-<lang>.js`: the entries as a script."""
    data = json.dumps(index_entries(result, lang, urls), ensure_ascii=False,
                      separators=(",", ":"))
    # "</" in a text cannot end a script element that loads this file; escaped anyway
    return "window.QNKPI_SEARCH = " + data.replace("</", "<\\/") + ";\n"
