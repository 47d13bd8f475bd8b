"""Where each page of the site lives, and links between them.

Every page is a folder with an `index.html`, so its address ends in `/` and reads well:
`indicators/<name>/`, `units/<code>/`. The site's first language is at the root and
each other one under its code (`en/indicators/<name>/`), so a page keeps its address in
the language it was first published in. Links are relative (`../../units/193/`): the
site works from any folder of a web server (a GitHub Pages project site is one) and
from the disk.
"""

from __future__ import annotations

import posixpath
import re

__all__ = ["Urls", "slug"]

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def slug(code: str) -> str:
    """A unit code as a path segment: the code itself when it is letters, digits, `.`,
    `_` and `-` (GSO codes such as `06652` are), else `u-` and its UTF-8 bytes in hex,
    so that no code can make a path that leaves its folder or clashes with another."""
    return code if _SAFE.match(code) else "u-" + code.encode("utf-8").hex()


class Urls:
    """The site's paths (from its root, without the trailing `index.html`) for one
    language, and relative links between them."""

    def __init__(self, lang: str, first: str) -> None:
        self.lang = lang
        self.prefix = "" if lang == first else f"{lang}/"

    def home(self) -> str:
        return self.prefix

    def indicators(self) -> str:
        return f"{self.prefix}indicators/"

    def indicator(self, name: str) -> str:
        return f"{self.prefix}indicators/{name}/"

    def units(self) -> str:
        return f"{self.prefix}units/"

    def unit(self, code: str) -> str:
        return f"{self.prefix}units/{slug(code)}/"

    def search(self) -> str:
        return f"{self.prefix}search/"

    def sitemap(self) -> str:
        return f"{self.prefix}sitemap/"

    def other(self, path: str, lang: str, first: str) -> str:
        """The same page in `lang`."""
        return Urls(lang, first).prefix + path.removeprefix(self.prefix)


def relative(here: str, there: str) -> str:
    """The link from the page at `here` to `there` (both paths from the site's root; a
    folder path ends in `/`, a file path does not)."""
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    link = posixpath.relpath("/" + there, "/" + base) if there != base else "."
    if there.endswith("/") and not link.endswith("/"):
        link += "/"
    return "./" if link == "./" or link == "." else link
