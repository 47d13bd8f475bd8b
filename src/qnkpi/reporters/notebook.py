"""The notebook view of a result: the html report's summary and table of indicators.

What Jupyter shows for a [`Result`][qnkpi.engine.result.Result]: its `_repr_html_`
asks the registry for the `html` reporter and calls its `notebook` method, which
renders this. The engine stands below the reporters, so the view lives here, beside
the page it borrows from: the same [`build_page`][qnkpi.reporters._page.build_page]
(without the cards' charts and grids, which a notebook cell has no room for), the same
`_summary.html.j2` template, autoescaped, and a stylesheet scoped to the view so that it
restyles nothing else in the notebook.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from qnkpi.i18n import gettext
from qnkpi.reporters._page import build_page
from qnkpi.reporters._templates import environment

if TYPE_CHECKING:
    from qnkpi.engine.result import Result

__all__ = ["notebook_html"]


def notebook_html(result: Result, lang: str = "en") -> str:
    """The summary of `result` as an HTML fragment: the programme, the counts of checks
    and assessments by status, and one row per indicator.

    Args:
        result: The evaluation's result.
        lang: `"en"` or `"vi"`.

    Returns:
        A `<div>` with its own scoped `<style>`; every text from the spec and the data
            is escaped.
    """
    page = build_page(result, lang, detail=False)
    template = environment().get_template("notebook.html.j2")
    return template.render(page=page, notebook=True, _=functools.partial(gettext, lang=lang))
