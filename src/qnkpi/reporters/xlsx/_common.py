"""What the sheets share: the names of sheets, levels and units of measure, the as-of
column and the top unit, and a check's plan as a cell holds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from qnkpi.i18n import gettext
from qnkpi.reporters._present import rule_text
from qnkpi.reporters.xlsx._cells import bound_format, clean
from qnkpi.verdicts import Op

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result

#: Units of measure (the spec's `unit`) and the word the ĐVT column shows.
_MEASURE_WORDS = {"count": "number", "number": "number", "units": "units",
                  "people": "people", "persons": "people"}


#: Levels of the Vietnamese administrative tree and the name of their sheet.
_LEVEL_SHEETS = {"province": "Province", "district": "District level",
                 "commune": "Commune level"}


_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def measure_word(unit: str, lang: str) -> str:
    """The ĐVT column: `%` for percentages, a word for known units, else the spec's
    unit as written."""
    if unit == "percent":
        return "%"
    word = _MEASURE_WORDS.get(unit.strip().lower())
    return gettext(word, lang) if word else unit


def level_word(level: str, lang: str) -> str:
    """A level's name as its sheet is named (`Cấp xã`); the raw name if unknown."""
    known = _LEVEL_SHEETS.get(level)
    return gettext(known, lang) if known else level


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
