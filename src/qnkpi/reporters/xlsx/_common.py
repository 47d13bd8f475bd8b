"""What the sheets share: the names of sheets, levels and units of measure, the as-of
column and the top unit, and a check's plan as a cell holds it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from qnkpi.i18n import gettext, level_title
from qnkpi.reporters._present import rule_text
from qnkpi.reporters.xlsx._cells import bound_format, clean
from qnkpi.verdicts import Op

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.spec.models import IndicatorSpec

#: Units of measure (the spec's `unit`) and the word the ĐVT column shows.
_MEASURE_WORDS = {"count": "number", "number": "number", "units": "units",
                  "people": "people", "persons": "people"}


#: Assessment methods as a reader names them that the shared words
#: ([`method_title`][qnkpi.reporters._terms.method_title]) do not name.
_METHOD_WORDS = {"cagr_trend": "trend (compound annual growth rate)"}


#: The engine's reasons for an assessment without a ratio that carry a year, as
#: patterns, and the message each is translated by (the others are messages as they are).
_REASON_PATTERNS = (
    (re.compile(r"no value in or after the base year (?P<year>\d+)"),
     "no value in or after the base year {year}"),
    (re.compile(r"the declared baseline year (?P<year>\d+) is after the evaluation year "
                r"(?P<as_of>\d+)"),
     "the declared baseline year {year} is after the evaluation year {as_of}"),
)


_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def measure_word(ind: IndicatorSpec, lang: str) -> str:
    """The ĐVT column: `%` for percentages; the counted thing where the indicator names
    it (its `unit_title`, such as `hoạt động`); a word for known units; else the spec's
    unit as written."""
    if ind.unit == "percent":
        return "%"
    named = getattr(ind, "unit_title", None)  # a Text, once the spec declares it
    if named is not None:
        return str(named.get(lang))
    word = _MEASURE_WORDS.get(ind.unit.strip().lower())
    return gettext(word, lang) if word else ind.unit


def level_word(result: Result, level: str, lang: str) -> str:
    """A level as reports name it (`Cấp xã`): the spec's title, else qnkpi's word, else
    the name with a capital (see [`level_title`][qnkpi.i18n.level_title])."""
    return level_title(result.spec.org_units, level, lang)


def method_word(method: str, lang: str) -> str:
    """An assessment method as a reader names it (`đường thẳng tiến độ`); a method a
    plugin adds keeps its name."""
    from qnkpi.reporters._terms import method_title

    word = _METHOD_WORDS.get(method)
    return gettext(word, lang) if word else method_title(method, lang)


def reason_text(reason: str | None, lang: str) -> str | None:
    """An assessment's reason in `lang`: the engine and the built-in methods give it in
    English, as a message of the catalogue (some with a year in it)."""
    if not reason or lang == "en":
        return reason
    for pattern, message in _REASON_PATTERNS:
        found = pattern.fullmatch(reason)
        if found:
            return gettext(message, lang).format(**found.groupdict())
    return gettext(reason, lang)


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name from `text`: no `[]:*?/\\` and no control character
    (XML cannot hold them), at most 31 characters, no quote at either end, unique
    (case-insensitive) among `taken`, which it joins."""
    text = clean(text.translate(_BAD_SHEET_CHARS))
    base = " ".join(text.split()).strip("'") or "Sheet"
    name, k = base[:31], 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({k})"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(name)
    return name


def title_of(res: IndicatorResult, name: str, lang: str) -> str:
    return res.indicator.title.get(lang) if res.indicator.title else name


def yes(flag: bool, lang: str) -> str:
    return gettext("yes" if flag else "no", lang)


def as_of_column(result: Result) -> int:
    years = result.years.tolist()
    return years.index(result.as_of) if result.as_of in years else len(years) - 1


def top_row(result: Result, col: int) -> int:
    """The unit with no parent in the as-of year (else in any year)."""
    top = result.tree.top_mask()
    here = np.flatnonzero(top[:, col])
    anywhere = np.flatnonzero(top.any(axis=1))
    return int(here[0] if len(here) else anywhere[0] if len(anywhere) else 0)


def plan(res: IndicatorResult, row: int, col: int, lang: str) -> tuple[float | str, str]:
    """The threshold of a check and its number format: a number with its comparison in
    the format, or `min–max` text for a range."""
    t = res.thresholds
    op = Op(t.op[row, col])
    lo = float(t.lo[row, col])
    if op == Op.BETWEEN:
        return rule_text(op.symbol, lo, float(t.hi[row, col]), lang), ""
    return lo, bound_format(lo, op.symbol, res.indicator.unit == "percent")
