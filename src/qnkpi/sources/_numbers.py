"""Numbers written as text, as data files hold them: the `decimal` rule of the `csv` source.

With `decimal: "."` (the default) a number is written `1234.5`: digits, at most one `.`
for decimals, an optional sign and exponent, and no thousands separator. With
`decimal: ","` it is written the Vietnamese way, `1.234,5`: `,` for decimals and `.`
between groups of three digits (or no separator: `1234,5`).

Whole columns are converted at once with numpy; the slow path runs only to find and
explain a bad cell.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Decimal = Literal[".", ","]

_EXP = r"(?:[eE][+-]?[0-9]+)?"
_POINT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)" + _EXP)
_COMMA = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]*)?|,[0-9]+)" + _EXP)
#: A number with one group of three digits after a '.', as a thousands dot writes 100.839.
_ONE_GROUP = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")
_DOT_GROUPS = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]*)?")
_COMMA_GROUPS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
#: The largest and smallest sizes of a value (0 aside): far from float overflow, even for
#: sums of a billion rows times a factor, and from ratios that overflow.
LARGEST = 1e18
SMALLEST = 1e-12


class BadNumber(ValueError):
    """Cell `index` is not a number; the message says why and what to write."""

    def __init__(self, index: int, message: str) -> None:
        self.index = index
        super().__init__(message)


def parse_numbers(text: npt.NDArray[np.str_], decimal: Decimal) -> FloatArray:
    """Trimmed cells as numbers, NaN where empty.

    Raises:
        BadNumber: For the first cell that is not a number written by the rule.
    """
    if not text.size:  # np.char.replace fails on an empty array (numpy 2)
        return np.empty(0, dtype=np.float64)
    empty = text == ""
    plain = text
    if decimal == ",":
        dotted = np.flatnonzero(np.char.find(text, ".") >= 0)
        wrong = next((int(i) for i in dotted if not _COMMA.fullmatch(str(text[i]))), None)
        if wrong is not None:
            _first_bad(text[:wrong], decimal)  # an earlier cell may be bad in another way
            raise BadNumber(wrong, explain(str(text[wrong]), decimal))
        plain = np.char.replace(np.char.replace(text, ".", ""), ",", ".")
    # numpy reads every number the rule allows, and a few it does not: non-ASCII digits,
    # "1_000", "nan" and "inf"; those are looked for only when they may be there
    if _unusual(plain):
        _first_bad(text, decimal)
    try:
        values = (np.where(empty, "nan", plain) if empty.any() else plain).astype(np.float64)
    except ValueError:  # a cell numpy cannot read, such as "52,3" or "1-2"
        _first_bad(text, decimal)
        values = np.array([float(cell) if cell else np.nan for cell in plain.tolist()])
    if not np.isfinite(values[~empty]).all():
        _first_bad(text, decimal)  # "nan" and "inf" are not numbers; "1e999" is too large
    size = np.abs(values)
    with np.errstate(invalid="ignore"):
        odd = ~empty & ~((size == 0) | ((size >= SMALLEST) & (size <= LARGEST)))
    if odd.any():
        index = int(np.flatnonzero(odd)[0])
        raise BadNumber(index, f"{quote(str(text[index]))} is "
                               f"{out_of_range(float(values[index]))}")
    return values


def out_of_range(value: float) -> str:
    """Why a value is refused: too large, too small or not finite; what qnkpi reads."""
    what = "too large" if not abs(value) < LARGEST else "too small"
    return (f"{what} a number for qnkpi, which reads 0 and numbers between 10^-12 and 10^18 "
            "in size (so that sums and ratios of them stay exact enough and finite); check "
            "the cell")


def _unusual(text: npt.NDArray[np.str_]) -> bool:
    """Whether any cell holds a character other than ASCII, or a '_'."""
    if not text.size or not text.dtype.itemsize:
        return False
    codes = text.view(np.uint32)  # the cells' characters, as code points
    return bool(codes.max() >= 128 or (np.char.find(text, "_") >= 0).any())


def _first_bad(text: npt.NDArray[np.str_], decimal: Decimal) -> None:
    """Raise BadNumber for the first cell of `text` that breaks the rule, if one does."""
    grammar = _POINT if decimal == "." else _COMMA
    for index, cell in enumerate(text.tolist()):
        if cell and not grammar.fullmatch(cell):
            raise BadNumber(index, explain(cell, decimal))


def explain(cell: str, decimal: Decimal) -> str:
    """Why `cell` is not a number under the rule, and what to write instead."""
    head = f"{quote(cell)} is not a number"
    compact = cell.replace(" ", "").replace("\u00a0", "")
    if compact != cell and (_POINT.fullmatch(compact) or _COMMA.fullmatch(compact)):
        return f"{head}: write it without spaces ({compact})"
    if cell.endswith("%") and len(cell) > 1:
        return f"{head}: write it without '%' ({cell[:-1].strip()})"
    if decimal == ".":
        if _DOT_GROUPS.fullmatch(cell):
            return (f"{head}: its '.' separate thousands; write it without separators "
                    f"({_vietnamese(cell)}), or set decimal: ',' on the source if the file "
                    "writes numbers the Vietnamese way (1.234.567,5)")
        if _COMMA_GROUPS.fullmatch(cell):
            return (f"{head}: write it without thousands separators "
                    f"({cell.replace(',', '')}); if ',' is a decimal comma there, write "
                    f"{cell.replace(',', '.')} or set decimal: ',' on the source")
        if _COMMA.fullmatch(cell):
            return (f"{head}: the decimal point is '.'; write {_vietnamese(cell)}, or set "
                    "decimal: ',' on the source if the file writes decimals with a comma "
                    "(the Vietnamese way)")
        return f"{head}; write numbers with '.' for decimals and no thousands separator"
    if _POINT.fullmatch(cell):
        return (f"{head} as the source reads numbers (decimal: ','): ',' marks decimals "
                "and '.' separates thousands in groups of three; write it the Vietnamese "
                f"way ({cell.replace('.', ',')}), or remove decimal: ',' from the source if "
                "the file writes decimals with '.'")
    return (f"{head}; with decimal: ',' write numbers the Vietnamese way: ',' for decimals "
            "and '.' between thousands (1.234.567,5) or no separator (1234567,5)")


def quote(cell: str) -> str:
    """A cell as a message shows it: in quotes, shortened if long."""
    return f"'{cell}'" if len(cell) <= 40 else f"'{cell[:37]}...'"


def _vietnamese(cell: str) -> str:
    """A Vietnamese-style number (1.234,5) written the default way (1234.5)."""
    return cell.replace(".", "").replace(",", ".")


def thousands_dots(text: npt.NDArray[np.str_]) -> list[int]:
    """The cells that look like a number with a thousands dot (100.839), when every other
    value of the column is a whole number; else none.

    Such a column probably holds counts, and `100.839` the count 100839 written with a
    Vietnamese thousands separator: read as 100.839, it is usable but suspicious.
    """
    dotted = np.flatnonzero(np.char.find(text, ".") >= 0)
    if not dotted.size:
        return []
    exponent = (np.char.find(text, "e") >= 0) | (np.char.find(text, "E") >= 0)
    if exponent.any():
        return []
    for index in dotted:  # stops at the first real decimal
        if not _ONE_GROUP.fullmatch(str(text[index])):
            return []
    return [int(i) for i in dotted]
