"""Reading the data files shipped in the `vietnamadminunits` wheel.

Only the data files are read (`data/dataset.db`, SQLite, and
`data/converter_2025.json`): the package's own modules import shapely and geopy,
which a tree of units does not need. The package is located without importing it. The
files are read once per process (about 60 ms); a province's units are built the first
time they are asked for, and kept.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qnkpi.errors import QnkpiError
from qnkpi_vn_units._names import UnitName, fold, split_name

__all__ = ["Dataset", "District", "NewCommune", "OldCommune", "Province", "Units", "dataset"]

PACKAGE = "vietnamadminunits"
INSTALL_HINT = "pip install 'vietnamadminunits>=1.0.4,<2'"


@dataclass(frozen=True)
class Province:
    key: str  # the data's key, "tinhquangninh"
    code: str  # GSO code, "22"
    name: UnitName
    aliases: tuple[str, ...] = ()  # folded: "hn", "hcm"


@dataclass(frozen=True)
class District:
    """A district-level unit just before the reform."""

    code: str  # "193"
    name: UnitName
    province: str  # former province key


@dataclass(frozen=True)
class OldCommune:
    """A commune-level unit just before the reform. Five island districts had none: they
    are listed as one commune with an empty `code`, standing for the district itself."""

    key: str  # "tinhquangninh_thanhphohalong_phuonghakhanh", the converter's key
    code: str  # "06649", or "" for a district without communes
    name: UnitName | None
    district: str  # district code


@dataclass(frozen=True)
class NewCommune:
    """A commune-level unit from 1 July 2025."""

    key: str  # "phuonghatu", unique within its province
    code: str  # "06652"
    name: UnitName
    province: str  # new province key


@dataclass(frozen=True)
class Units:
    """One 2025 province's units: before the reform (of every former province that formed
    it) and after, with the converter's lineage between their communes."""

    districts: list[District]  # by code
    old_communes: dict[str, list[OldCommune]]  # by district code
    new_communes: list[NewCommune]  # by code
    #: old commune key -> [(new commune key, is the default one of a split commune)]
    goes_to: dict[str, list[tuple[str, bool]]]


@dataclass
class Dataset:
    """The provinces, and each province's units on demand (built once, on first use)."""

    provinces: dict[str, Province] = field(default_factory=dict)  # the 34 of 2025, by key
    former: dict[str, Province] = field(default_factory=dict)  # the 63 before, by key
    merged_from: dict[str, tuple[str, ...]] = field(default_factory=dict)  # new -> former
    _legacy: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict, repr=False)
    _current: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict, repr=False)
    _converter: dict[str, Any] = field(default_factory=dict, repr=False)
    _units: dict[str, Units] = field(default_factory=dict, repr=False)

    def units(self, key: str) -> Units:
        """The units of the 2025 province `key`."""
        if key not in self._units:
            self._units[key] = self._build(key)
        return self._units[key]

    def _build(self, key: str) -> Units:
        districts: list[District] = []
        old_communes: dict[str, list[OldCommune]] = {}
        for old_key in self.merged_from[key]:
            for dcode, dname, dtype, dkey, wcode, wname, wtype, wkey in self._legacy[old_key]:
                if dcode not in old_communes:
                    districts.append(District(dcode, split_name(dname, dtype), old_key))
                    old_communes[dcode] = []
                old_communes[dcode].append(OldCommune(
                    f"{old_key}_{dkey}_{wkey or ''}", wcode or "",
                    split_name(wname, wtype) if wname else None, dcode))
        new_communes = [NewCommune(wkey, wcode, split_name(wname, wtype), key)
                        for wcode, wname, wtype, wkey in self._current[key]]
        goes_to: dict[str, list[tuple[str, bool]]] = {}
        for new_key, old_keys in self._converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(
                key, {}).items():
            for old_key in old_keys:
                goes_to[old_key] = [(new_key, True)]
        for old_key, parts in self._converter["DICT_PROVINCE_WARD_DIVIDED"].get(
                key, {}).items():
            goes_to[old_key] = [(part["newWardKey"], bool(part["isDefaultNewWard"]))
                                for part in parts]
        return Units(sorted(districts, key=lambda d: d.code), old_communes,
                     sorted(new_communes, key=lambda c: c.code), goes_to)


def data_dir() -> Path:
    """The `data` folder of the installed `vietnamadminunits`, found without importing it."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    for location in locations:
        folder = Path(location) / "data"
        if (folder / "dataset.db").is_file() and (folder / "converter_2025.json").is_file():
            return folder
    if not locations:
        raise QnkpiError(f"the package '{PACKAGE}', whose data the provider reads, is not "
                         f"installed: {INSTALL_HINT}")
    raise QnkpiError(f"the installed '{PACKAGE}' has no data/dataset.db and "
                     f"data/converter_2025.json; reinstall it: {INSTALL_HINT}")


@cache
def dataset() -> Dataset:
    """Every province's units before and after the reform, read once per process."""
    folder = data_dir()
    try:
        return _read(folder)
    except (sqlite3.Error, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise QnkpiError(f"cannot read the data of '{PACKAGE}' in {folder} "
                         f"({type(exc).__name__}: {exc}); this plugin reads the layout of "
                         f"version 1.0.x: {INSTALL_HINT}") from None


def _read(folder: Path) -> Dataset:
    uri = (folder / "dataset.db").resolve().as_uri() + "?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        legacy = db.execute(
            "SELECT provinceKey, provinceCode, province, provinceAlias, districtCode, district,"
            " districtType, districtKey, wardCode, ward, wardType, wardKey"
            " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode").fetchall()
        current = db.execute(
            "SELECT provinceKey, provinceCode, province, provinceAlias, wardCode, ward,"
            " wardType, wardKey FROM admin_units ORDER BY provinceCode, wardCode").fetchall()
    converter: dict[str, Any] = json.loads(
        (folder / "converter_2025.json").read_text(encoding="utf-8"))

    data = Dataset(_converter=converter)
    for pkey, pcode, pname, palias, *rest in legacy:
        if pkey not in data.former:
            data.former[pkey] = Province(pkey, pcode, split_name(pname), _aliases(palias))
            data._legacy[pkey] = []
        data._legacy[pkey].append(tuple(rest))
    for pkey, pcode, pname, palias, *rest in current:
        if pkey not in data.provinces:
            data.provinces[pkey] = Province(pkey, pcode, split_name(pname), _aliases(palias))
            data._current[pkey] = []
        data._current[pkey].append(tuple(rest))
    data.merged_from = {new: tuple(sorted(olds, key=lambda k: data.former[k].code))
                        for new, olds in converter["DICT_PROVINCE"].items()}
    return data


def _aliases(raw: str | None) -> tuple[str, ...]:
    return tuple(fold(alias) for alias in json.loads(raw)) if raw else ()
