"""`html`: one self-contained page a reader opens in a browser, offline.

A summary of the programme (per year, how many of the top unit's targets were met; counts
of checks and assessments by status; an overview of every indicator), then a card per
indicator, grouped by the spec's objectives: a trend chart drawn as inline SVG (the top
unit's values, never joined across a reorganisation; the yearly thresholds, stated or a
reference path; the goal and the projection to the goal year), the unit x year grid of
verdicts, how each unit stands toward the goal, and where each target comes from. No
script, no external stylesheet or font, no network fetch: the file can be sent by e-mail
and opened anywhere, on a phone too (the tables reflow or scroll in their own box, the
charts scale).

Part-way through a year (`qnkpi evaluate --as-of 2025-06`), the page is that period's
review: the title and headings name it (`6 tháng đầu năm 2025`), the checks judged only at
the year's end are counted apart and marked ○ with their words, and each chart draws the
as-of year's figure as a hollow point apart from the yearly line (a stock at its month, a
flow at its year, "so far"), as its text alternative says. A whole year's page is as it
always was.

The markup lives in Jinja2 templates (`templates/`) rendered with autoescaping, so every
text from the spec and the data is escaped. What the templates show (strings in the reader's
language and chart coordinates, plain numbers) is prepared in `qnkpi.reporters._page`.
"""

from __future__ import annotations

import functools
from typing import IO, TYPE_CHECKING, Any

from qnkpi.i18n import gettext
from qnkpi.reporters._page import ACTUAL_COLOUR, Card, Chart, Page, Status, build_page
from qnkpi.reporters._templates import environment

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["ACTUAL_COLOUR", "Card", "Chart", "HtmlReporter", "Page", "Status", "build_page"]


class HtmlReporter:
    """The verdicts as one self-contained HTML page (inline CSS and SVG, no script), in
    `lang`."""

    suffix = ".html"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the page of `result` to the text `stream`."""
        template = environment().get_template("report.html.j2")
        page = build_page(result, lang)
        stream.write(template.render(page=page, _=functools.partial(gettext, lang=lang)))

    def notebook(self, result: Result, lang: str = "en") -> str:
        """The notebook view of `result`: what `Result._repr_html_` shows (see
        `qnkpi.reporters.notebook`)."""
        from qnkpi.reporters.notebook import notebook_html

        return notebook_html(result, lang)
