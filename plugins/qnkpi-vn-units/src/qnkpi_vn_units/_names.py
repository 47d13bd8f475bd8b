"""Vietnamese unit names: the type word, the name without it, an English rendering."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["UnitName", "fold", "split_name", "unaccent"]

#: Type words, in the case they take at the start of an official name, with English.
TYPES: dict[str, str] = {
    "Tỉnh": "Province",
    "Thành phố": "City",
    "Thị xã": "Town",
    "Huyện": "District",
    "Quận": "Urban District",
    "Phường": "Ward",
    "Xã": "Commune",
    "Thị trấn": "Township",
    "Đặc khu": "Special Zone",
}
_BY_LOWER = {word.lower(): word for word in TYPES}
_LEADING_TYPE = re.compile(
    "(" + "|".join(sorted(map(re.escape, _BY_LOWER), key=len, reverse=True)) + ") (.+)",
    re.IGNORECASE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def unaccent(text: str) -> str:
    """`"Đặc khu Vân Đồn"` -> `"Dac khu Van Don"`."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """A key for loose comparison: no accents, no case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", unaccent(nfc(text)).lower())


@dataclass(frozen=True)
class UnitName:
    """An official name split into its type word and the rest (`short`)."""

    type: str  # "Thành phố", in the case it takes at the start of a name
    short: str  # "Hạ Long"

    @property
    def name(self) -> str:
        return f"{self.type} {self.short}"

    @property
    def type_en(self) -> str:
        return TYPES[self.type]

    @property
    def short_en(self) -> str:
        return unaccent(self.short)

    @property
    def name_en(self) -> str:
        """`"Ha Long City"`; numbered units read `"Ward 5"`, `"District 1"`."""
        if self.short.isdigit():
            return f"{self.type_en} {self.short_en}"
        return f"{self.short_en} {self.type_en}"


def split_name(name: str, fallback_type: str | None = None) -> UnitName:
    """Split `name` at its leading type word (any case: the data has "Thành Phố Bắc Kạn").

    The type word in the name wins over `fallback_type` (the data's type column), which
    is only used for a name without one.
    """
    name = " ".join(nfc(name).split())
    match = _LEADING_TYPE.fullmatch(name)
    if match:
        return UnitName(_BY_LOWER[match[1].lower()], match[2])
    if fallback_type is not None and nfc(fallback_type).lower() in _BY_LOWER:
        return UnitName(_BY_LOWER[nfc(fallback_type).lower()], name)
    raise ValueError(f"no type word (tỉnh, huyện, xã, ...) in the unit name {name!r}")
