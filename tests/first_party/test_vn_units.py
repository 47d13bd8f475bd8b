"""The first-party plugin qnkpi-vn-units: Vietnamese provinces' units around the 2025 reform.

Skipped unless the plugin is installed (``pip install -e plugins/qnkpi-vn-units``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

vn_units = pytest.importorskip("qnkpi_vn_units")

import qnkpi  # noqa: E402
from qnkpi.cli import main  # noqa: E402
from qnkpi.orgunits import OrgTree  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "plugins" / "qnkpi-vn-units" / "scripts" / "quang_ninh_youth_union.py"
EXAMPLE_ORG_UNITS = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh" / "org-units.yaml"

QN_DISTRICTS = {"193", "194", "195", "196", "198", "199", "200", "201", "202", "203", "205",
                "206", "207"}


def provide(**options: Any) -> dict[str, Any]:
    return dict(vn_units.VnAdminUnits().provide(options))


def by_code(tree: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {unit["code"]: unit for unit in tree["units"]}


def preds(unit: Mapping[str, Any]) -> dict[str, float]:
    return {p["code"]: p["weight"] for p in unit.get("predecessors", [])}


def given_by_predecessor(tree: Mapping[str, Any]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for unit in tree["units"]:
        for code, weight in preds(unit).items():
            total[code] += weight
    return dict(total)


@pytest.fixture(scope="module")
def quang_ninh() -> dict[str, Any]:
    return provide(province="22")


# --- Quảng Ninh -----------------------------------------------------------------------------


def test_quang_ninh_has_13_districts_before_and_54_communes_after(
        quang_ninh: dict[str, Any]) -> None:
    assert quang_ninh["levels"] == ["province", "district", "commune"]
    units = quang_ninh["units"]
    assert units[0] == {"code": "22", "name": "Tỉnh Quảng Ninh",
                        "name_en": "Quang Ninh Province", "level": "province"}
    districts = [u for u in units if u["level"] == "district"]
    communes = [u for u in units if u["level"] == "commune"]
    assert len(units) == 1 + 13 + 54
    assert {u["code"] for u in districts} == QN_DISTRICTS  # 204 (Hoành Bồ) is long gone
    assert all(u["parent"] == "22" and u["valid_to"] == "2025-06-30" and "valid_from" not in u
               for u in districts)
    assert all(u["parent"] == "22" and u["valid_from"] == "2025-07-01" and "valid_to" not in u
               for u in communes)
    kinds = Counter(u["name"].split(" ")[0] for u in communes)
    assert kinds == {"Phường": 30, "Xã": 22, "Đặc": 2}
    assert [u["code"] for u in communes] == sorted(u["code"] for u in communes)
    assert all(len(u["code"]) == 5 and u["code"].isdigit() for u in communes)


@pytest.mark.parametrize(("code", "name", "name_en", "weights"), [
    ("06994", "Đặc khu Vân Đồn", "Van Don Special Zone", {"203": 1.0}),
    ("07192", "Đặc khu Cô Tô", "Co To Special Zone", {"207": 1.0}),
    # parts of Hải Hòa (Cẩm Phả, 15 communes, split in 2) and Hải Lạng (Tiên Yên, 11, in 3)
    ("06799", "Xã Hải Hòa", "Hai Hoa Commune", {"195": 0.033333, "199": 0.030303}),
    ("06967", "Xã Cái Chiên", "Cai Chien Commune", {"201": 0.090909}),  # 1 of 11, unchanged
    # Thanh Lâm and Đạp Thanh (2 of Ba Chẽ's 7), Kỳ Thượng (1 of Hạ Long's 32)
    ("06979", "Xã Kỳ Thượng", "Ky Thuong Commune", {"202": 0.285714, "193": 0.03125}),
    ("06652", "Phường Hà Tu", "Ha Tu Ward", {"193": 0.0625}),
    ("06709", "Phường Móng Cái 2", "Mong Cai 2 Ward", {"194": 0.1875}),
])
def test_quang_ninh_units_of_the_seed(quang_ninh: dict[str, Any], code: str, name: str,
                                      name_en: str, weights: dict[str, float]) -> None:
    unit = by_code(quang_ninh)[code]
    assert (unit["name"], unit["name_en"], unit["level"]) == (name, name_en, "commune")
    assert preds(unit) == pytest.approx(weights, abs=1e-6)
    # the main former district comes first
    assert next(iter(preds(unit))) == max(weights, key=lambda c: weights[c])


def test_quang_ninh_district_names(quang_ninh: dict[str, Any]) -> None:
    units = by_code(quang_ninh)
    assert (units["193"]["name"], units["193"]["name_en"]) == ("Thành phố Hạ Long",
                                                               "Ha Long City")
    assert units["205"]["name"] == "Thành phố Đông Triều"  # the last state before the reform
    assert (units["206"]["name"], units["206"]["name_en"]) == ("Thị xã Quảng Yên",
                                                               "Quang Yen Town")
    assert (units["198"]["name"], units["198"]["name_en"]) == ("Huyện Bình Liêu",
                                                               "Binh Lieu District")


def test_every_text_is_nfc(quang_ninh: dict[str, Any]) -> None:
    for unit in quang_ninh["units"]:
        for key in ("code", "name", "name_en"):
            assert unicodedata.normalize("NFC", unit[key]) == unit[key]


@pytest.mark.parametrize("province", ["01", "22", "24", "79", "46", 48])
def test_each_former_district_gives_weights_adding_up_to_1(province: str) -> None:
    tree = provide(province=province)
    districts = {u["code"] for u in tree["units"] if u["level"] == "district"}
    given = given_by_predecessor(tree)
    assert set(given) == districts  # every district goes somewhere, nothing else is given
    assert all(abs(total - 1) <= 1e-9 for total in given.values()), given
    for unit in tree["units"]:
        for weight in preds(unit).values():
            assert 0 < weight <= 1 and round(weight, 6) == weight


# --- other provinces, and how a province is named -------------------------------------------


@pytest.mark.parametrize("value", [22, "22", "Quảng Ninh", "Tỉnh Quảng Ninh", "quang ninh",
                                   "QUẢNG NINH", unicodedata.normalize("NFD", "Quảng Ninh"),
                                   " Tinh Quang Ninh "])
def test_a_province_by_code_or_name(value: Any, quang_ninh: dict[str, Any]) -> None:
    assert provide(province=value) == quang_ninh


def test_ha_noi() -> None:
    tree = provide(province=1)  # "01", and what YAML makes of province=01
    assert provide(province="Hà Nội") == tree == provide(province="hn")
    units = by_code(tree)
    assert units["01"]["name"] == "Thành phố Hà Nội"
    assert units["01"]["name_en"] == "Ha Noi City"
    levels = Counter(u["level"] for u in tree["units"])
    assert levels == {"province": 1, "district": 30, "commune": 126}
    assert units["001"]["name"] == "Quận Ba Đình"  # leading zeros kept
    assert units["001"]["name_en"] == "Ba Dinh Urban District"


def test_numbered_units_read_type_first_in_english() -> None:
    units = by_code(provide(province="79"))
    assert (units["760"]["name"], units["760"]["name_en"]) == ("Quận 1", "Urban District 1")


def test_a_merged_province_covers_its_former_provinces_before_the_reform() -> None:
    # Bắc Ninh since 2025 (code 24) = former Bắc Giang (24) + former Bắc Ninh (27)
    tree = provide(province="Bắc Ninh")
    units = by_code(tree)
    assert units["24"]["name"] == "Tỉnh Bắc Ninh"
    districts = [u for u in tree["units"] if u["level"] == "district"]
    assert len(districts) == 10 + 8
    assert all(u["parent"] == "24" for u in districts)
    assert units["213"]["name"] == "Thành phố Bắc Giang"  # of the former Bắc Giang
    assert units["256"]["name"] == "Thành phố Bắc Ninh"  # of the former Bắc Ninh
    assert sum(u["level"] == "commune" for u in tree["units"]) == 99


@pytest.mark.parametrize(("value", "expected"), [
    ("Bắc Giang", "merged with Tỉnh Bắc Ninh (27) into Tỉnh Bắc Ninh, code 24: "
                  "ask for province: \"24\""),
    (27, "code '27' was Tỉnh Bắc Ninh (code 27) until 30 June 2025"),
    ("Hà Nam", "into Tỉnh Ninh Bình, code 37"),
])
def test_a_former_province_merged_into_another_is_refused(value: Any, expected: str) -> None:
    with pytest.raises(qnkpi.QnkpiError, match="merged") as info:
        provide(province=value)
    assert expected in str(info.value)


@pytest.mark.parametrize(("value", "expected"), [
    ("Quang Nin", "unknown province 'Quang Nin'; did you mean 'Quảng Ninh' (22)?"),
    ("Tỉnh Quảng Nnh", "did you mean 'Quảng Ninh' (22)?"),
    ("Atlantis", "the 34 provinces since 1 July 2025 are: 01 Hà Nội, 04 Cao Bằng"),
    ("99", "no province has GSO code '99'"),
    (22.5, "option 'province' is a GSO code or a name"),
    (True, "option 'province' is a GSO code or a name"),
])
def test_an_unknown_province(value: Any, expected: str) -> None:
    with pytest.raises(qnkpi.QnkpiError) as info:
        provide(province=value)
    assert expected in str(info.value)


@pytest.mark.parametrize(("options", "expected"), [
    ({}, "option 'province' is required"),
    ({"province": 22, "provnce": 1}, "unknown option 'provnce'; did you mean 'province'?"),
    ({"province": 22, "reform_day": "1 July"}, "option 'reform_day' is a day"),
    ({"province": 22, "communes_before": "yes"}, "option 'communes_before' is true or false"),
    ({"province": 22, "names": "Đoàn {name}"}, "option 'names' maps levels to templates"),
    ({"province": 22, "names": {"distrct": "x"}}, "no level 'distrct'; did you mean "
                                                   "'district'?"),
    ({"province": 22, "names": {"commune_before": "x"}}, "only with communes_before: true"),
    ({"province": 22, "names": {"district": "{nam}"}}, "unknown placeholder {nam}"),
    ({"province": 22, "names": {"district": "{name.upper}"}}, "unknown placeholder"),
    ({"province": 22, "names": {"district": "{name"}}, "bad template"),
    ({"province": 22, "codes": {"commune": "X"}}, "two units get the code 'X'"),
    ({"province": 22, "top_name": ""}, "option 'top_name' is a non-empty text"),
])
def test_options_it_cannot_serve(options: dict[str, Any], expected: str) -> None:
    with pytest.raises(qnkpi.QnkpiError) as info:
        provide(**options)
    assert expected in str(info.value)


# --- options --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2025-06-15", dt.date(2025, 6, 15),
                                 dt.datetime(2025, 6, 15, 8, 0)])
def test_reform_day(day: Any) -> None:
    units = by_code(provide(province=22, reform_day=day))
    assert units["193"]["valid_to"] == "2025-06-14"
    assert units["06994"]["valid_from"] == "2025-06-15"


def test_communes_before() -> None:
    tree = provide(province="22", communes_before=True)
    assert tree["levels"] == ["province", "district", "commune_before", "commune"]
    units = by_code(tree)
    old = [u for u in tree["units"] if u["level"] == "commune_before"]
    assert len(old) == 171  # the GSO list just before the reform
    assert all(u["code"].endswith("-old") and u["parent"] in QN_DISTRICTS
               and u["valid_to"] == "2025-06-30" for u in old)
    assert units["06649-old"]["name"] == "Phường Hà Khánh"
    assert units["06649-old"]["name_en"] == "Ha Khanh Ward"
    # new communes come from old communes, not from districts
    assert preds(units["06979"]) == {"06976-old": 1.0, "06979-old": 1.0, "07033-old": 1.0}
    assert preds(units["06967"]) == {"06967-old": 1.0}
    assert len(preds(units["06994"])) == 12 and set(preds(units["06994"]).values()) == {1.0}
    # split communes: Hải Hòa (2 new units), Hải Lạng (3); the default unit takes the rounding
    assert preds(units["06799"]) == {"06799-old": 0.5, "06886-old": 0.333333}
    assert preds(units["06886"])["06886-old"] == 0.333334
    given = given_by_predecessor(tree)
    assert set(given) == {u["code"] for u in old}
    assert all(abs(total - 1) <= 1e-9 for total in given.values())


def test_communes_before_with_their_own_codes() -> None:
    tree = provide(province=22, communes_before=True, codes={"commune_before": "cu-{code}"})
    assert "cu-06649" in by_code(tree)
    assert "06976-old" not in by_code(tree)


def test_districts_without_communes_give_themselves_whole() -> None:
    # Côn Đảo (755) had no communes; it became a special zone of Hồ Chí Minh City
    for communes_before in (False, True):
        tree = provide(province=79, communes_before=communes_before)
        zone = next(u for u in tree["units"] if u["name"] == "Đặc khu Côn Đảo")
        assert preds(zone) == {"755": 1.0}


def test_names_templates() -> None:
    tree = provide(province="22", names={"district": "Đoàn {name}",
                                         "commune": "Đoàn {type} {short}"},
                   names_en={"commune": "{name_en} Youth Union"},
                   top_name="Tỉnh Đoàn Quảng Ninh")
    units = by_code(tree)
    assert units["22"] == {"code": "22", "name": "Tỉnh Đoàn Quảng Ninh", "level": "province"}
    assert units["193"]["name"] == "Đoàn Thành phố Hạ Long"
    assert "name_en" not in units["193"]  # a templated name has no default English
    assert (units["06652"]["name"], units["06652"]["name_en"]) == (
        "Đoàn phường Hà Tu", "Ha Tu Ward Youth Union")
    assert units["06994"]["name"] == "Đoàn đặc khu Vân Đồn"


def test_top_names() -> None:
    units = by_code(provide(province=22, top_name="Tỉnh Đoàn Quảng Ninh",
                            top_name_en="Quang Ninh Provincial Youth Union"))
    assert units["22"]["name_en"] == "Quang Ninh Provincial Youth Union"
    units = by_code(provide(province=22, names={"province": "{short} ({Type})"},
                            names_en={"province": "{short_en} {type_en} ({code})"}))
    assert (units["22"]["name"], units["22"]["name_en"]) == ("Quảng Ninh (Tỉnh)",
                                                             "Quang Ninh Province (22)")


# --- through qnkpi --------------------------------------------------------------------------


def test_the_plugin_registers_the_provider() -> None:
    plugins = qnkpi.get_plugins()
    assert "vn-admin-units" in plugins.org_unit_providers
    assert plugins.registrations["register_org_unit_providers"]["vn-admin-units"].plugin == (
        "vn-units")


def test_the_cli_writes_the_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "org-units.yaml"
    assert main(["org-units", "vn-admin-units", "province=22", "-o", str(path)]) == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(data["units"]) == 1 + 13 + 54
    assert by_code(data)["06994"]["predecessors"] == [{"code": "203", "weight": 1.0}]
    assert main(["org-units"]) == 0
    assert "vn-admin-units  (plugin vn-units)" in capsys.readouterr().out


def test_the_cli_reports_an_unknown_province(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org-units", "vn-admin-units", "province=Quang Nin"]) != 0
    assert "did you mean 'Quảng Ninh' (22)?" in capsys.readouterr().err


def test_a_spec_uses_the_provider(tmp_path: Path) -> None:
    spec_file = tmp_path / "programme.yaml"
    spec_file.write_text("""\
qnkpi: 1
programme: {id: t, title: {en: T}, owner: Tỉnh Đoàn, period: {start: 2023, end: 2027}}
org_units: {provider: vn-admin-units, province: "22"}
""", encoding="utf-8")
    spec = qnkpi.load_spec(spec_file)
    units = spec.org_units.units
    assert len(units) == 1 + 13 + 54
    tree = OrgTree.from_spec(spec.org_units, [2024, 2025, 2026])
    district, zone = tree.index["203"], tree.index["06994"]
    assert tree.valid[district].tolist() == [True, False, False]
    assert tree.valid[zone].tolist() == [False, True, True]
    assert tree.level_mask("commune").sum(axis=0).tolist() == [0, 54, 54]


def test_a_spec_reports_a_bad_option_at_its_line(tmp_path: Path) -> None:
    spec_file = tmp_path / "programme.yaml"
    spec_file.write_text("""\
qnkpi: 1
programme: {id: t, title: {en: T}, owner: O, period: {start: 2023, end: 2027}}
org_units: {provider: vn-admin-units, province: "Bắc Giang"}
""", encoding="utf-8")
    with pytest.raises(qnkpi.SpecError) as info:
        qnkpi.load_spec(spec_file)
    message = str(info.value)
    assert "org-unit provider 'vn-admin-units'" in message and "province: \"24\"" in message


def test_the_data_are_read_without_importing_vietnamadminunits() -> None:
    code = ("import sys; from qnkpi_vn_units import VnAdminUnits; "
            "VnAdminUnits().provide({'province': 22}); "
            "bad = [m for m in ('vietnamadminunits', 'shapely', 'geopy') if m in sys.modules]; "
            "sys.exit(bool(bad))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_missing_data_package_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    from qnkpi_vn_units import _data

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(qnkpi.QnkpiError, match="pip install 'vietnamadminunits"):
        _data.data_dir()


# --- the bundled Quảng Ninh example ---------------------------------------------------------


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("quang_ninh_youth_union", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_org_units_are_what_the_script_generates() -> None:
    script = _script()
    expected = script.render(script.youth_union_units())
    assert EXAMPLE_ORG_UNITS.read_text(encoding="utf-8") == expected, (
        "run plugins/qnkpi-vn-units/scripts/quang_ninh_youth_union.py")


def test_the_example_org_units() -> None:
    data = yaml.safe_load(EXAMPLE_ORG_UNITS.read_text(encoding="utf-8"))
    assert [level["code"] for level in data["levels"]] == ["province", "district", "commune"]
    assert data["levels"][1]["title"] == {"vi": "Cấp huyện", "en": "District level"}
    units = data["units"]
    assert units[0] == {"code": "22", "name": "Tỉnh Đoàn Quảng Ninh",
                        "name_en": "Quang Ninh Provincial Youth Union", "level": "province"}
    dong_trieu = [u for u in units if u["code"] == "205"]
    assert [(u["name"], u["name_en"], u.get("valid_from"), u["valid_to"]) for u in dong_trieu] == [
        ("Thị Đoàn Đông Triều", "Dong Trieu Town Youth Union", None, dt.date(2024, 10, 31)),
        ("Thành Đoàn Đông Triều", "Dong Trieu City Youth Union", dt.date(2024, 11, 1),
         dt.date(2025, 6, 30))]
    districts = [u for u in units if u["level"] == "district"]
    assert len(districts) == 14 and {u["code"] for u in districts} == QN_DISTRICTS
    assert by_code(data)["193"]["name"] == "Thành Đoàn Hạ Long"
    assert by_code(data)["201"]["name_en"] == "Hai Ha District Youth Union"
    communes = [u for u in units if u["level"] == "commune"]
    assert len(communes) == 54
    assert by_code(data)["06994"]["name"] == "Đoàn đặc khu Vân Đồn"
    assert by_code(data)["06652"]["name_en"] == "Ha Tu Ward Youth Union"
    assert all(u["valid_from"] == dt.date(2025, 7, 1) for u in communes)


def test_the_docs_excerpt_is_what_the_provider_gives(quang_ninh: dict[str, Any]) -> None:
    page = (ROOT / "docs" / "vn-units.md").read_text(encoding="utf-8")
    block = page.split("## Quảng Ninh", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    excerpt = yaml.safe_load(block)
    assert excerpt["levels"] == quang_ninh["levels"]
    units = by_code(quang_ninh)
    for unit in excerpt["units"]:
        dates = {k: v.isoformat() for k, v in unit.items() if isinstance(v, dt.date)}
        assert {**unit, **dates} == units[unit["code"]]
