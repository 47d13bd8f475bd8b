"""The cells of an `xlsx` source's sheet, one at a time, as openpyxl gives them: as text,
as a unit code, as a year, as a number (with the errors Excel users' habits bring: a
decimal comma, a thousands dot, a date where a number belongs), and a column's letters."""

from __future__ import annotations

import math
import re
from typing import Any

from qnkpi.sources._numbers import LARGEST, SMALLEST, out_of_range, quote

_THOUSANDS_DOT = re.compile(r"[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+")


def cell_text(cell: Any) -> str:
    """A cell as trimmed text ("" when empty)."""
    return "" if cell is None else str(cell).strip()


def unit_code(cell: Any) -> str:
    """A unit code: text as it is; a whole number without its `.0`."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell_text(cell)


def cell_year(cell: Any) -> int | None:
    """A four-digit year from a number or text cell; None if the cell holds none."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip() if isinstance(cell, int | str) else ""
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


def cell_number(cell: Any) -> float:
    """A cell that is not text as a number, NaN when empty; `ValueError` saying why it is
    not one (a date), or is out of the range every source reads."""
    if cell is None:
        return math.nan
    if isinstance(cell, int | float):  # bool too: TRUE is 1
        try:
            value = float(cell)
        except OverflowError:  # a whole number too large for a float
            value = math.inf
        if value != 0 and not SMALLEST <= abs(value) <= LARGEST:
            raise ValueError(f"{quote(str(cell))} is {out_of_range(value)}")
        return value
    raise ValueError(f"{quote(cell_text(cell))} is a date or time, not a number; format the cell "
                     "as Number")


def check_wording(text: str) -> None:
    """`ValueError` for a text cell that Excel users write by habit: a decimal comma or a
    thousands dot (the rest of the rule is `parse_numbers`')."""
    if "," in text:
        raise ValueError(f"{quote(text)} is text, not a number: use '.' as the decimal point "
                         "(52.3, not 52,3) and no thousands separator, or type the number "
                         "into a cell formatted as Number (Excel then shows your computer's "
                         "decimal separator)")
    if _THOUSANDS_DOT.fullmatch(text):
        raise ValueError(f"{quote(text)} is text that may mean {float(text):g} or, with a "
                         f"Vietnamese thousands dot, {text.replace('.', '')}; type the number "
                         "without thousands separators")


def column_letter(index: int) -> str:
    """A column's letters from its 0-based index: A, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters
