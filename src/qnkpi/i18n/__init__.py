"""Reports in the reader's language: message catalogues and number formats.

Messages are written in English in the code and translated through gettext catalogues,
one folder per language (`vi/*.po`), one file per part of qnkpi, so a translator edits
text files and never code. Numbers are formatted by Babel with the locale's separators:
`100.839` and `52,3%` in Vietnamese, `100,839` and `52.3%` in English.

Babel is imported on first use, so `import qnkpi` stays light.
"""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import numpy.typing as npt

    from qnkpi.periods import AsOf
    from qnkpi.spec.models import IndicatorSpec
    from qnkpi.spec.tree import OrgUnitsSpec

__all__ = ["LANGS", "assessment_word", "decimals_for", "elapsed_title", "format_number",
           "format_value", "gettext", "level_title", "period_title", "status_word",
           "verdict"]

LANGS = ("vi", "en")
"""The report languages: Vietnamese and English."""
_LOCALES = {"vi": "vi_VN", "en": "en_US"}
_HERE = Path(__file__).parent


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    """Every translated message of `lang`: all `.po` files in its folder."""
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
    """Translate a message of qnkpi's reports.

    Args:
        message: The message, in English, exactly as in the catalogues.
        lang: `"vi"` or `"en"`.

    Returns:
        `message` in `lang`; the English text where there is no translation.
    """
    if lang == "en":
        return message
    return _catalogue(lang).get(message, message)


def _check_langs(lang: str) -> str:
    if lang not in LANGS:
        from qnkpi.errors import QnkpiError

        raise QnkpiError(f"unknown language '{lang}'; choose from {', '.join(LANGS)}")
    return lang


def format_number(value: float, lang: str, decimals: int = 0) -> str:
    """Format a number with the separators of a language's locale.

    The value is rounded half away from zero, as people round (60.45 reads 60.5).

    Args:
        value: The number; `None`, NaN or an infinity is missing (as in the JSON
            result, where they are `null`).
        lang: `"vi"` (`1.234,5`) or `"en"` (`1,234.5`).
        decimals: How many decimals to show.

    Returns:
        The formatted number, or `–` for a missing value.

    Raises:
        qnkpi.errors.QnkpiError: `lang` is not a report language.
    """
    if value is None or not math.isfinite(value):  # infinite: no number to show either
        return "–"
    # round the float itself, half away from zero, as people round: 60.45 (stored as
    # 60.4500000000000028...) reads 60.5; Babel alone would round its shortest decimal
    # text half to even, 60.4
    exact = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # the locale's separators come from Babel (CLDR); the digits, grouped in threes as
    # both locales' patterns ("#,##0.0") group them, from Python's own formatting, which
    # is five times faster than Babel's pattern engine: a national site formats millions
    # of numbers (tests compare the two on thousands of values)
    group, point = _symbols(_check_langs(lang))
    return f"{exact:,f}".translate({ord(","): group, ord("."): point})


@functools.cache
def _symbols(lang: str) -> tuple[str, str]:
    """The group and decimal separators of `lang`'s locale, from Babel."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = _LOCALES[lang]
    return get_group_symbol(locale), get_decimal_symbol(locale)


def decimals_for(value: float | Sequence[float] | npt.NDArray[np.float64],
                 ind: IndicatorSpec) -> int:
    """How many decimals a value of an indicator is shown with: the one rule every
    report follows.

    Args:
        value: The value, or the values shown with one format (a column of a
            workbook); NaN and infinities among them are ignored.
        ind: The indicator.

    Returns:
        The indicator's `decimals` if it sets them; else 1 for percentages, 0 for whole
            numbers (when every value is whole), 2 otherwise.
    """
    if ind.decimals is not None:
        return ind.decimals
    if ind.unit == "percent":
        return 1
    if isinstance(value, int | float):
        return 0 if float(value).is_integer() else 2
    import numpy as np

    values = np.asarray(value, dtype=np.float64)
    values = values[np.isfinite(values)]
    return 0 if bool(np.all(values == np.round(values))) else 2


def format_value(value: float, ind: IndicatorSpec, lang: str,
                 decimals: int | None = None) -> str:
    """Format a value of an indicator for reading, such as `52,3%`.

    Only what readers see is rounded; comparisons never are.

    Args:
        value: The value; `None` or NaN is missing.
        ind: The indicator, whose `unit` and `decimals` apply.
        lang: `"vi"` or `"en"`, for the number format.
        decimals: How many decimals to show. Default: as
            [`decimals_for`][qnkpi.i18n.decimals_for] says.

    Returns:
        The value in `lang`'s number format, with `%` for percentages; `–` for a
            missing value.
    """
    if value is None or math.isnan(value):
        return "–"
    if decimals is None:
        decimals = decimals_for(value, ind)
    return format_number(value, lang, decimals) + ("%" if ind.unit == "percent" else "")


#: Verdicts in the words of a report (translated by the catalogue).
_STATUS_WORDS = {"met": "met", "exceeded": "exceeded", "not_met": "not met",
                 "no_data": "no data", "not_due": "due at year end"}
_ASSESSMENT_WORDS = {"achieved": "achieved", "on_track": "on track", "at_risk": "at risk",
                     "off_track": "off track", "regressing": "regressing",
                     "insufficient_data": "too little data",
                     "substantial_progress": "substantial progress",
                     "moderate_progress": "moderate progress",
                     "limited_progress": "limited progress", "deterioration": "deterioration",
                     "overdue": "overdue", "met_every_year": "met every year",
                     "met_this_year": "met this year"}


def verdict(status: str, op: str, margin: float) -> str:
    """The verdict a report shows for a check.

    The rule is [`qnkpi.verdicts.verdicts`][qnkpi.verdicts.verdicts], which a result
    has applied to every check already
    ([`IndicatorResult.verdict`][qnkpi.engine.result.IndicatorResult]); this is it for
    one check given by name.

    Args:
        status: The check's status: `met`, `not_met` or `no_data`.
        op: The check's comparison operator.
        margin: The check's margin.

    Returns:
        `exceeded` for a `met` check of an at-least or at-most target (`>=`, `<=`)
            passed with room to spare, where a Vietnamese annex writes "Vượt"; otherwise
            `status` itself.

    Raises:
        ValueError: `status` is not a check status or `op` not an operator.
    """
    import numpy as np

    from qnkpi.verdicts import STATUSES, Op, Verdict, verdicts

    code = verdicts(np.array(STATUSES.index(status), dtype=np.int8),
                    np.array(Op.of(op), dtype=np.int8), np.array(margin, dtype=np.float64))
    return Verdict(int(code)).key


def status_word(status: str, lang: str) -> str:
    """A verdict as a reader says it.

    Args:
        status: A [`Verdict`][qnkpi.verdicts.Verdict] key: `met`, `exceeded` (see
            [`verdict`][qnkpi.i18n.verdict]), `not_met`, `no_data` or `not_due`.
        lang: `"vi"` or `"en"`.

    Returns:
        The words: in Vietnamese `Đạt`, `Vượt`, `Chưa đạt`, `Chưa có số liệu`,
            `Đánh giá cuối năm`.

    Raises:
        KeyError: `status` is not a verdict.
    """
    return gettext(_STATUS_WORDS[status], lang)


def assessment_word(status: str, lang: str) -> str:
    """An assessment status as a reader says it.

    Args:
        status: An assessment status (see
            [`ASSESSMENT_STATUSES`][qnkpi.verdicts.ASSESSMENT_STATUSES]), such as
            `on_track` or, for a trend, `moderate_progress`.
        lang: `"vi"` or `"en"`.

    Returns:
        The words, such as `Đúng tiến độ` (on track) in Vietnamese.

    Raises:
        KeyError: `status` is not an assessment status.
    """
    return gettext(_ASSESSMENT_WORDS[status], lang)


#: qnkpi's own words for the usual levels of a Vietnamese organisation tree, for a spec
#: that gives its levels no title.
_LEVEL_TITLES = {"province": "Province level", "district": "District level",
                 "commune": "Commune level", "grassroots": "Grassroots level"}


def level_title(org_units: OrgUnitsSpec, level: str, lang: str) -> str:
    """How reports name a level of the organisation: `Cấp huyện`, `District level`.

    Args:
        org_units: The spec's org units, whose `levels` may give titles.
        level: The level's name (`district`).
        lang: `"vi"` or `"en"`.

    Returns:
        The spec's title for the level in `lang`, else qnkpi's word for the usual
            levels (`province`, `district`, `commune`, `grassroots`), else the name with
            a capital first letter.
    """
    title = org_units.level_titles.get(level)
    if title is not None:
        return title.get(lang)
    known = _LEVEL_TITLES.get(level)
    return gettext(known, lang) if known else level[:1].upper() + level[1:]


#: Roman numerals of the quarters, as Vietnamese documents write them ("Quý II/2025").
_ROMAN = ("I", "II", "III", "IV")


def period_title(as_of: AsOf, lang: str) -> str:
    """The point a report is made at, as its title says it.

    Args:
        as_of: The result's as-of (`Result.period`, or a whole year).
        lang: `"vi"` or `"en"`.

    Returns:
        In Vietnamese `6 tháng đầu năm 2025` (a half or a month: the months so far),
            `Quý II/2025`, `tháng 1/2025`, `năm 2025`; in English `first half of 2025`
            (a half or June), `January to September 2025`, `Q2 2025`, `January 2025`,
            `2025`.
    """
    _check_langs(lang)
    year, months = as_of.year, as_of.months
    if not as_of.partial:
        return f"năm {year}" if lang == "vi" else str(year)
    if as_of.kind == "quarter":
        return (f"Quý {_ROMAN[as_of.index]}/{year}" if lang == "vi"
                else f"Q{as_of.index + 1} {year}")
    if lang == "vi":
        return f"tháng 1/{year}" if months == 1 else f"{months} tháng đầu năm {year}"
    if months == 6:  # a half, or its last month: as the Vietnamese "6 tháng đầu năm"
        return f"first half of {year}"
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=_LOCALES["en"])
    return f"{names[1]} {year}" if months == 1 else f"{names[1]} to {names[months]} {year}"


def elapsed_title(as_of: AsOf, lang: str) -> str:
    """The part of the year a partial as-of's values cover, for a column heading
    ("Thực hiện 6 tháng"): `6 tháng` / `6 months`, `1 tháng` / `1 month`."""
    _check_langs(lang)
    months = as_of.months
    if lang == "vi":
        return f"{months} tháng"
    return f"{months} month" + ("" if months == 1 else "s")
