"""Reports in Vietnamese and English: catalogue messages, number formats, status words."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnkpi
from qnkpi.cli import main
from qnkpi.i18n import _catalogue as catalogue
from qnkpi.i18n import (
    assessment_word,
    format_number,
    format_value,
    gettext,
    status_word,
    verdict,
)

SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"


@pytest.mark.parametrize(("value", "decimals", "vi", "en"), [
    (100839, 0, "100.839", "100,839"),
    (52.3, 1, "52,3", "52.3"),
    (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
    (-0.5, 1, "-0,5", "-0.5"),
    (0, 0, "0", "0"),
])
def test_numbers_in_each_locale(value: float, decimals: int, vi: str, en: str) -> None:
    assert format_number(value, "vi", decimals) == vi
    assert format_number(value, "en", decimals) == en


@pytest.mark.parametrize(("value", "decimals", "shown"), [
    (60.45, 1, "60.5"), (0.125, 2, "0.13"), (2.675, 2, "2.67"), (-1.25, 1, "-1.3"),
    (99.96, 1, "100.0")])
def test_rounding_is_of_the_float_half_away_from_zero(value: float, decimals: int,
                                                      shown: str) -> None:
    # 60.45 is stored as 60.4500000000000028...: it is above the half
    assert format_number(value, "en", decimals) == shown


def test_missing_is_a_dash_never_zero() -> None:
    assert format_number(math.nan, "vi") == "–"


def test_percent_values_vietnamese_style() -> None:
    spec = qnkpi.load_spec(SPEC)
    ind = spec.indicators["children_youth_reached_pct"]
    assert format_value(52.34, ind, "vi") == "52,3%"
    assert format_value(52.34, ind, "en") == "52.3%"
    count = spec.indicators["district_digital_activities"]
    assert format_value(100839.0, count, "vi") == "100.839"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(qnkpi.QnkpiError, match="unknown language 'fr'; choose from vi, en"):
        format_number(1.0, "fr")


@pytest.mark.parametrize(("status", "vi"), [
    ("met", "Đạt"), ("exceeded", "Vượt"), ("not_met", "Chưa đạt"),
    ("no_data", "Chưa có số liệu")])
def test_check_words(status: str, vi: str) -> None:
    assert status_word(status, "vi") == vi
    assert status_word(status, "en") == status.replace("_", " ")


@pytest.mark.parametrize(("status", "vi", "en"), [
    ("achieved", "Đã đạt", "achieved"), ("on_track", "Đúng tiến độ", "on track"),
    ("at_risk", "Cần đẩy nhanh", "at risk"), ("off_track", "Chậm tiến độ", "off track"),
    ("regressing", "Kém hơn năm cơ sở", "regressing"),
    ("insufficient_data", "Chưa đủ số liệu", "too little data")])
def test_assessment_words(status: str, vi: str, en: str) -> None:
    assert (assessment_word(status, "vi"), assessment_word(status, "en")) == (vi, en)


@pytest.mark.parametrize(("status", "op", "margin", "shown"), [
    ("met", ">=", 1.0, "exceeded"), ("met", ">=", 0.0, "met"), ("met", ">", 4.8, "met"),
    ("met", "<=", 2.0, "exceeded"), ("not_met", ">=", -1.0, "not_met"),
    ("met", "between", 3.0, "met")])
def test_exceeded_only_where_an_annex_says_vuot(status: str, op: str, margin: float,
                                                shown: str) -> None:
    assert verdict(status, op, margin) == shown


def test_every_message_of_the_catalogue_keeps_its_placeholders() -> None:
    import re

    for msgid, msgstr in catalogue("vi").items():
        assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", msgstr)), msgid


def test_an_untranslated_message_falls_back_to_english() -> None:
    assert gettext("a message nobody translated", "vi") == "a message nobody translated"


def test_the_table_in_vietnamese(capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["evaluate", str(SPEC), "--lang", "vi", "--detail"]) == 0
    out = capsys.readouterr().out
    assert "số liệu đến năm 2025" in out
    assert "54,8% ✓" in out and "> 55,71% ~" in out and "[53/54]" in out
    assert "Tỉnh Đoàn Quảng Ninh" in out and "Thành Đoàn Hạ Long" in out
    assert "Đúng tiến độ" in out
    assert "✓ Đạt 180   ✗ Chưa đạt 22   · Chưa có số liệu 3" in out
    assert " met " not in out and "on track" not in out


def test_the_goal_table_does_not_round_a_miss_onto_the_goal(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents on the system: 99.98% in 2024 against a goal of 100 (both tables)."""
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["evaluate", str(SPEC), "--year", "2024", "--unit", "22", "--detail"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("documents_on_system_pct"):]
    assert "99.98% ✗" in block and "→ 99.98% (2024)" in block.split("\n\n")[1]


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
       st.sampled_from(["vi", "en"]), st.integers(min_value=0, max_value=4))
def test_numbers_read_as_babel_writes_them(value: float, lang: str, decimals: int) -> None:
    """format_number takes the separators from Babel and writes the digits itself (five
    times faster): the text is the one Babel's pattern engine gives for the same rounding."""
    from decimal import ROUND_HALF_UP, Decimal

    from babel.numbers import format_decimal

    exact = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    locale = {"vi": "vi_VN", "en": "en_US"}[lang]
    assert format_number(value, lang, decimals) == format_decimal(exact, format=pattern,
                                                                  locale=locale)
