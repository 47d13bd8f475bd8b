"""The `vn-admin-units` org-unit provider: a Vietnamese province before and after 2025.

Before the reform of 1 July 2025 a province had district-level units (huyện, thị xã,
thành phố, quận) with commune-level units under them; from that day it has commune-level
units only (phường, xã, đặc khu), directly under the province. The tree this provider
returns holds both: the districts end the day before the reform, the new communes begin
on it, and the lineage between them carries count-based weights (see `_shares`).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from qnkpi.errors import QnkpiError, did_you_mean
from qnkpi_vn_units._data import Dataset, District, OldCommune, Province, dataset
from qnkpi_vn_units._names import UnitName, fold, nfc, unaccent

__all__ = ["DEFAULT_REFORM_DAY", "LEVELS", "VnAdminUnits"]

#: The day the district level was abolished and the new commune-level units began.
DEFAULT_REFORM_DAY = dt.date(2025, 7, 1)
#: Every level the tree may have, top first (`commune_before` with `communes_before`).
LEVELS = ("province", "district", "commune_before", "commune")
#: Codes of the pre-reform communes with `communes_before`: the GSO reused old commune
#: codes for new units (old Hà Phong 06652 is new Hà Tu 06652), so the old ones differ.
DEFAULT_OLD_COMMUNE_CODE = "{code}-old"
#: Decimals kept in weights; one weight per predecessor absorbs the rounding.
DECIMALS = 6

OPTIONS = ("province", "reform_day", "communes_before", "top_name", "top_name_en", "names",
           "names_en", "codes")
NAME_FIELDS = ("name", "short", "type", "Type", "name_en", "short_en", "type_en", "code")
CODE_FIELDS = ("code",)


@dataclass(frozen=True)
class Options:
    province: Province
    reform_day: dt.date = DEFAULT_REFORM_DAY
    communes_before: bool = False
    top_name: str | None = None
    top_name_en: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    names_en: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    @property
    def levels(self) -> list[str]:
        return [lvl for lvl in LEVELS if lvl != "commune_before" or self.communes_before]


class VnAdminUnits:
    """`provide(options)`: the org units of one province; see the plugin's README."""

    def provide(self, options: Mapping[str, Any]) -> dict[str, Any]:
        data = dataset()
        return build_tree(data, parse_options(data, options))


# -- options -----------------------------------------------------------------------------


def parse_options(data: Dataset, options: Mapping[str, Any]) -> Options:
    unknown = [key for key in options if key not in (*OPTIONS, "provider")]
    if unknown:
        key = str(unknown[0])
        raise QnkpiError(f"unknown option '{key}'{did_you_mean(key, OPTIONS)}; the options "
                         f"are: {', '.join(OPTIONS)}")
    if "province" not in options:
        raise QnkpiError("option 'province' is required: a GSO code such as \"22\" or a name "
                         "such as \"Quảng Ninh\"")
    communes_before = options.get("communes_before", False)
    if not isinstance(communes_before, bool):
        raise QnkpiError(f"option 'communes_before' is true or false, not {communes_before!r}")
    levels = [lvl for lvl in LEVELS if lvl != "commune_before" or communes_before]
    codes = _templates(options, "codes", levels, CODE_FIELDS)
    if communes_before:
        codes.setdefault("commune_before", DEFAULT_OLD_COMMUNE_CODE)
    return Options(
        province=find_province(data, options["province"]),
        reform_day=_day(options.get("reform_day", DEFAULT_REFORM_DAY)),
        communes_before=communes_before,
        top_name=_text_option(options, "top_name"),
        top_name_en=_text_option(options, "top_name_en"),
        names=_templates(options, "names", levels, NAME_FIELDS),
        names_en=_templates(options, "names_en", levels, NAME_FIELDS),
        codes=codes,
    )


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise QnkpiError(f"option 'reform_day' is a day written YYYY-MM-DD, not {value!r}")


def _text_option(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise QnkpiError(f"option '{key}' is a non-empty text, not {value!r}")
    return " ".join(value.split())


def _templates(options: Mapping[str, Any], key: str, levels: list[str],
               fields: tuple[str, ...]) -> dict[str, str]:
    raw = options.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise QnkpiError(f"option '{key}' maps levels to templates, e.g. "
                         f"{key}: {{district: \"Đoàn {{name}}\"}}; got {raw!r}")
    out: dict[str, str] = {}
    for level, template in raw.items():
        if level not in levels:
            hint = did_you_mean(str(level), levels)
            extra = (" (only with communes_before: true)"
                     if level == "commune_before" else "")
            raise QnkpiError(f"option '{key}': no level '{level}'{extra}{hint}; the levels "
                             f"are: {', '.join(levels)}")
        if not isinstance(template, str) or not template.strip():
            raise QnkpiError(f"option '{key}.{level}' is a text template, not {template!r}")
        try:
            parts = list(string.Formatter().parse(template))
        except ValueError as exc:
            raise QnkpiError(f"option '{key}.{level}': bad template {template!r} ({exc}); "
                             "write {{ and }} for literal braces") from None
        for _, name, _, _ in parts:
            if name is not None and name not in fields:
                raise QnkpiError(
                    f"option '{key}.{level}': unknown placeholder {{{name}}} in {template!r}"
                    f"{did_you_mean(name, fields)}; the placeholders are "
                    f"{', '.join('{' + f + '}' for f in fields)}")
        try:
            template.format_map(dict.fromkeys(fields, "x"))
        except (ValueError, KeyError, IndexError) as exc:
            raise QnkpiError(f"option '{key}.{level}': bad template {template!r} "
                             f"({exc})") from None
        out[str(level)] = template
    return out


def find_province(data: Dataset, value: Any) -> Province:
    """The 2025 province `value` names: a GSO code (`"22"`, `22`) or a name
    (`"Quảng Ninh"`, `"Tỉnh Quảng Ninh"`; case and diacritics do not matter). A former
    province merged into another in 2025 is refused, with the name of the new one."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise QnkpiError(f"option 'province' is a GSO code or a name, not {value!r}")
    text = str(value).strip()
    if text.isdigit():
        code = text.zfill(2)
        for province in data.provinces.values():
            if province.code == code:
                return province
        for key, old in data.former.items():
            if old.code == code:
                raise QnkpiError(_merged(data, key, f"code '{code}'"))
        raise QnkpiError(f"no province has GSO code '{code}'; the 34 provinces since "
                         f"1 July 2025 are: {_catalogue(data)}")
    key = fold(text)
    for province in data.provinces.values():
        if key in _keys(province):
            return province
    for old_key, old in data.former.items():
        if key in _keys(old):
            raise QnkpiError(_merged(data, old_key, f"'{text}'"))
    hint = _suggest(text, [*data.provinces.values(), *data.former.values()])
    listing = "" if hint else f"; the 34 provinces since 1 July 2025 are: {_catalogue(data)}"
    raise QnkpiError(f"unknown province '{text}'{hint}{listing}")


#: Former names still in use, folded, by GSO code.
FORMER_NAMES = {"thuathienhue": "46", "tinhthuathienhue": "46"}


def _keys(province: Province) -> set[str]:
    name = province.name
    keys = {fold(name.name), fold(name.short), *province.aliases}
    if name.type == "Thành phố":  # "TP Hồ Chí Minh", "TP.HCM"
        keys.update("tp" + key for key in (fold(name.short), *province.aliases))
    keys.update(key for key, code in FORMER_NAMES.items() if code == province.code)
    return keys


def _merged(data: Dataset, old_key: str, what: str) -> str:
    old = data.former[old_key]
    new = next(data.provinces[new] for new, olds in data.merged_from.items() if old_key in olds)
    others = [f"{data.former[k].name.name} ({data.former[k].code})"
              for k in data.merged_from[new.key] if k != old_key]
    return (f"{what} was {old.name.name} (code {old.code}) until 30 June 2025; it merged "
            f"with {' and '.join(others)} into {new.name.name}, code {new.code}: ask for "
            f"province: \"{new.code}\" (its tree covers all of them before the reform)")


def _suggest(text: str, provinces: Iterable[Province]) -> str:
    by_key: dict[str, Province] = {}
    for province in provinces:
        by_key.setdefault(unaccent(province.name.short).lower(), province)
    word = " ".join(unaccent(text).lower().split())
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
        word = word.removeprefix(prefix)
    hint = did_you_mean(word, by_key)
    parts = hint.split("'")
    found = by_key.get(parts[1]) if len(parts) > 2 else None
    if found is None:
        return hint
    return f"; did you mean '{found.name.short}' ({found.code})?"


def _catalogue(data: Dataset) -> str:
    return ", ".join(f"{p.code} {p.name.short}"
                     for p in sorted(data.provinces.values(), key=lambda p: p.code))


# -- the tree ----------------------------------------------------------------------------


def build_tree(data: Dataset, opts: Options) -> dict[str, Any]:
    """The org-units mapping of `opts.province`: levels and units, as an org-units file."""
    province = opts.province
    before = (opts.reform_day - dt.timedelta(days=1)).isoformat()
    since = opts.reform_day.isoformat()
    units_of = data.units(province.key)
    districts, new_communes, goes_to = (units_of.districts, units_of.new_communes,
                                        units_of.goes_to)
    new_code = {c.key: c.code for c in new_communes}

    def code(level: str, gso: str) -> str:
        template = opts.codes.get(level)
        return template.format_map({"code": gso}) if template else gso

    top_code = code("province", province.code)
    units: list[dict[str, Any]] = [
        {"code": top_code, **_names(opts, "province", province.name, province.code, top=True),
         "level": "province"}]
    for district in districts:
        units.append({"code": code("district", district.code),
                      **_names(opts, "district", district.name, district.code),
                      "level": "district", "parent": top_code, "valid_to": before})

    # lineage: predecessor code -> {new commune key: share}, exact, then rounded
    given: dict[str, dict[str, Fraction]] = {}
    prefer: dict[str, str] = {}
    for district in districts:
        communes = units_of.old_communes[district.code]
        for commune in communes:
            parts = goes_to.get(commune.key)
            if not parts or any(key not in new_code for key, _ in parts):
                raise QnkpiError(_gap(district, commune, province))
            if opts.communes_before and commune.code:
                pred = code("commune_before", commune.code)
                units.append({"code": pred,
                              **_names(opts, "commune_before", commune.name, commune.code),
                              "level": "commune_before",
                              "parent": code("district", district.code), "valid_to": before})
                weight = Fraction(1, len(parts))
                prefer[pred] = next(key for key, default in parts if default)
            else:  # the district itself (also for the few districts without communes)
                pred = code("district", district.code)
                weight = Fraction(1, len(parts) * len(communes))
            shares = given.setdefault(pred, {})
            for key, _ in parts:
                shares[key] = shares.get(key, Fraction(0)) + weight

    preds: dict[str, list[tuple[str, float]]] = {}
    for pred, exact in given.items():
        for key, rounded in _shares(exact, prefer.get(pred), new_code).items():
            preds.setdefault(key, []).append((pred, rounded))
    for unit in new_communes:
        lineage = sorted(preds.get(unit.key, []), key=lambda p: (-p[1], p[0]))
        record: dict[str, Any] = {"code": code("commune", unit.code),
                                  **_names(opts, "commune", unit.name, unit.code),
                                  "level": "commune", "parent": top_code,
                                  "valid_from": since}
        if lineage:
            record["predecessors"] = [{"code": p, "weight": w} for p, w in lineage]
        units.append(record)
    _unique_codes(units, opts)
    return {"levels": opts.levels, "units": units}


def _unique_codes(units: list[dict[str, Any]], opts: Options) -> None:
    seen: dict[str, dict[str, Any]] = {}
    for unit in units:
        first = seen.setdefault(unit["code"], unit)
        if first is not unit:
            hint = (f" (check option 'codes': {opts.codes})" if opts.codes else "")
            raise QnkpiError(f"two units get the code '{unit['code']}': {first['name']} "
                             f"({first['level']}) and {unit['name']} ({unit['level']}){hint}")


def _shares(shares: dict[str, Fraction], prefer: str | None,
            new_code: Mapping[str, str]) -> dict[str, float]:
    """Exact shares (adding up to 1) as weights of `DECIMALS` decimals that still add
    up to 1: the largest share (the default new unit of a split commune on a tie, then
    the lowest code) takes the rounding."""
    scale = 10**DECIMALS
    units = {key: max(1, round(share * scale)) for key, share in shares.items()}
    largest = min(shares, key=lambda k: (-shares[k], k != prefer, new_code[k]))
    units[largest] += scale - sum(units.values())
    if units[largest] < 1:  # pragma: no cover - needs over a million tiny shares
        raise QnkpiError("cannot round the lineage weights to 6 decimals")
    return {key: n / scale for key, n in units.items()}


def _names(opts: Options, level: str, name: UnitName | None, gso: str,
           top: bool = False) -> dict[str, str]:
    """`name` and `name_en` of a unit: the official name and its English rendering,
    or the level's templates. A level with a `names` template and no `names_en` one
    gets no English name (the default one would no longer translate it)."""
    assert name is not None
    fields = {"name": name.name, "short": name.short, "type": name.type.lower(),
              "Type": name.type, "name_en": name.name_en, "short_en": name.short_en,
              "type_en": name.type_en, "code": gso}
    template, template_en = opts.names.get(level), opts.names_en.get(level)
    vi = template.format_map(fields) if template else name.name
    en = (template_en.format_map(fields) if template_en
          else None if template else name.name_en)
    if top and opts.top_name is not None:
        vi = opts.top_name
        en = en if template_en else None
    if top and opts.top_name_en is not None:
        en = opts.top_name_en
    out = {"name": _clean(vi)}
    if en and en.strip():
        out["name_en"] = _clean(en)
    return out


def _clean(text: str) -> str:
    return nfc(" ".join(text.split()))


def _gap(district: District, commune: OldCommune, province: Province) -> str:
    what = commune.name.name if commune.name else district.name.name
    return (f"the data of vietnamadminunits give no 2025 unit of {province.name.name} for "
            f"{what} ({commune.code or district.code}, {district.name.name}); the tree "
            "would lose it, so it is not built")
