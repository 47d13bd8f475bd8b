"""Reports in the reader's language: message catalogues and number formats.

Messages are written in English in the code and translated through gettext catalogues,
one folder per language (``vi/*.po``), one file per part of qnkpi, so a translator edits
text files and never code. Numbers are formatted by Babel with the locale's separators:
``100.839`` and ``52,3%`` in Vietnamese, ``100,839`` and ``52.3%`` in English.

Babel is imported on first use, so ``import qnkpi`` stays light.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qnkpi.spec.models import IndicatorSpec

__all__ = ["LANGS", "assessment_word", "decimals_for", "format_number", "format_value",
           "gettext", "status_word", "verdict"]

#: The report languages: Vietnamese and English.
LANGS = ("vi", "en")
_LOCALES = {"vi": "vi_VN", "en": "en_US"}
_HERE = Path(__file__).parent


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``: all ``.po`` files in its folder."""
    folder = _HERE / lang
    if not folder.is_dir():
        return {}
    from babel.messages.pofile import read_po

    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as f:
            for message in read_po(f, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    out[str(message.id)] = str(message.string)
    return out


def gettext(message: str, lang: str) -> str:
    """``message`` (English) in ``lang``; the English text where there is no translation."""
    if lang == "en":
        return message
    return _catalogue(lang).get(message, message)


def _check_langs(lang: str) -> str:
    if lang not in LANGS:
        from qnkpi.errors import QnkpiError

        raise QnkpiError(f"unknown language '{lang}'; choose from {', '.join(LANGS)}")
    return lang


@functools.cache
def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """``value`` with ``decimals`` decimals and the separators of ``lang``'s locale
    (``1.234,5`` in Vietnamese); ``–`` for a missing value."""
    if value is None or math.isnan(value):
        return "–"
    from babel.numbers import format_decimal

    # round the float itself, half away from zero, as people round: 60.45 (stored as
    # 60.4500000000000028...) reads 60.5; Babel alone would round its shortest decimal
    # text half to even, 60.4
    exact = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return str(format_decimal(exact, format=_pattern(decimals),
                              locale=_LOCALES[_check_langs(lang)]))


def decimals_for(value: float, ind: IndicatorSpec) -> int:
    """How many decimals a value of ``ind`` is read with: the indicator's ``decimals``,
    else 1 for percentages, 0 for whole numbers, 2 otherwise."""
    if ind.decimals is not None:
        return ind.decimals
    if ind.unit == "percent":
        return 1
    return 0 if float(value).is_integer() else 2


def format_value(value: float, ind: IndicatorSpec, lang: str,
                 decimals: int | None = None) -> str:
    """A value of ``ind`` rounded for reading (comparisons are never rounded), in
    ``lang``'s number format, with ``%`` for percentages: ``52,3%``."""
    if value is None or math.isnan(value):
        return "–"
    if decimals is None:
        decimals = decimals_for(value, ind)
    return format_number(value, lang, decimals) + ("%" if ind.unit == "percent" else "")


#: Check statuses in the words of a report (translated by the catalogue).
_STATUS_WORDS = {"met": "met", "exceeded": "exceeded", "not_met": "not met",
                 "no_data": "no data"}
_ASSESSMENT_WORDS = {"achieved": "achieved", "on_track": "on track", "at_risk": "at risk",
                     "off_track": "off track", "regressing": "regressing",
                     "insufficient_data": "too little data"}


def verdict(status: str, op: str, margin: float) -> str:
    """The status a report shows for a check: ``exceeded`` for a ``met`` check of an
    at-least or at-most target (``>=``, ``<=``) passed with room to spare, where a
    Vietnamese annex writes "Vượt"; otherwise the status itself."""
    if status == "met" and op in (">=", "<=") and margin > 0:
        return "exceeded"
    return status


def status_word(status: str, lang: str) -> str:
    """A check status as a reader says it: ``Đạt``, ``Chưa đạt``, ``Chưa có số liệu``
    (``exceeded``, ``Vượt``, for a met target passed with room to spare)."""
    return gettext(_STATUS_WORDS[status], lang)


def assessment_word(status: str, lang: str) -> str:
    """An assessment status as a reader says it: ``Đúng tiến độ``, ``Chậm tiến độ`` ..."""
    return gettext(_ASSESSMENT_WORDS[status], lang)
