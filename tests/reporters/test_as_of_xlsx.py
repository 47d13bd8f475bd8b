"""The xlsx annex part-way through a year (`--as-of 2025-06`): a six-month review as a
Vietnamese office makes it, read back with openpyxl.

A small spec whose three districts report by month (as tests/engine/test_as_of.py
builds one) gives every way a check of the as-of year is judged, at the province:

| indicator      | judged      | 2025 plan | so far (June)   | judged against   | 2024 |
| -------------- | ----------- | --------- | --------------- | ---------------- | ---- |
| held_prorated  | prorate     | ≥ 36      | 6 + 4 + 0 = 10  | 36 x 6/12 = 18   | 46   |
| held_milestone | milestone   | ≥ 36      | 10              | H1 milestone 8   | 46   |
| held           | year_end    | ≥ 36      | 10              | (not yet)        | 46   |
| members        | as_is       | ≥ 280     | 96+100+92 = 288 | 280              | 306  |
| reached_pct    | as_is       | > 40%     | 210/500 = 42%   | 40%              | 88%  |
| coverage_pct   | as_is       | ≥ 100%    | 500/500 = 100%  | 100%             | 100% |
| none_planned   | as_is       | ≥ 0       | 288             | 0                | 306  |

and `held_district`, a target of 12 for each district, judged at the year's end. The
share of the year's plan is hand-worked: 10/36, 288/280, 42/40, 100/100, none for a plan
of 0.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from english_phrases import english_phrases
from openpyxl import load_workbook

import qnkpi
from qnkpi.reporters.xlsx import XlsxReporter
from qnkpi.testing import spec_from_dict, tiny_programme

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "src" / "qnkpi" / "examples" / "quang-ninh" / "programme.yaml"
CATALOGUES = ROOT / "src" / "qnkpi" / "i18n" / "vi"

HEADERS_VI = ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm 2025", "Thực hiện 6 tháng",
              "Tỷ lệ % so với kế hoạch năm", "Mức chỉ tiêu 6 tháng", "Thực hiện năm 2024",
              "Đánh giá 6 tháng"]
HEADERS_EN = ["No.", "Indicator", "Unit of measure", "Plan for 2025", "Actual, 6 months",
              "% of the year's plan", "Threshold, 6 months", "Actual in 2024",
              "Verdict, 6 months"]


# --- a small spec with monthly data ------------------------------------------------------

def _month_rows() -> list[dict[str, Any]]:
    rows = []
    for year in (2024, 2025):
        for m in range(1, 13):
            period = f"{year}-{m:02d}"
            rows += [
                {"unit_code": "D1", "period": period, "held": 1, "members": 90 + m,
                 "reached": 10 * m, "population": 200},
                {"unit_code": "D2", "period": period,
                 "held": 1 if m <= 4 else 2 if m >= 7 else 0, "members": 100,
                 "reached": 25 * m, "population": 300},
                {"unit_code": "D3", "period": period, "held": 3 if m >= 7 else 0,
                 "members": 80 + 2 * m, "reached": 20 * m if m >= 7 else None,
                 "population": 250},
            ]
    return rows


def as_of_spec(folder: Path) -> qnkpi.Spec:
    """The spec of this module's docstring, its data written into `folder`."""
    with (folder / "month.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["unit_code", "period", "held", "members", "reached",
                                    "population"])
        writer.writeheader()
        writer.writerows(_month_rows())
    years = {"years": [2024, 2025]}
    held = {**years, "op": ">=", "value": 36}
    indicators = {
        "held_prorated": {
            "kind": "value", "measure": "held", "direction": "increase",
            "title": {"en": "Meetings held", "vi": "Số buổi sinh hoạt"},
            "targets": [{**held, "partial": "prorate"},
                        {"year": 2030, "op": ">=", "value": 50}]},
        "held_milestone": {"kind": "value", "measure": "held", "direction": "increase",
                           "targets": [{**held, "milestones": [{"by": "H1", "value": 8}]}]},
        "held": {"kind": "value", "measure": "held", "direction": "increase",
                 "targets": [held]},
        "members": {"kind": "value", "measure": "members", "direction": "increase",
                    "targets": [{**years, "op": ">=", "value": 280}]},
        "reached_pct": {"kind": "ratio", "numerator": "reached", "denominator": "population",
                        "factor": 100, "unit": "percent", "direction": "increase",
                        "targets": [{**years, "op": ">", "value": 40}]},
        "coverage_pct": {"kind": "ratio", "numerator": "population",
                         "denominator": "population", "factor": 100, "unit": "percent",
                         "direction": "increase",
                         "targets": [{**years, "op": ">=", "value": 100}]},
        "none_planned": {"kind": "value", "measure": "members", "direction": "increase",
                         "targets": [{**years, "op": ">=", "value": 0}]},
        "held_district": {"kind": "value", "measure": "held", "direction": "increase",
                          "targets": [{**years, "op": ">=", "value": 12,
                                       "level": "district"}]},
    }
    data = tiny_programme(indicators=indicators, start=2024, end=2030)
    data["sources"] = {"log": {"type": "csv", "path": "month.csv", "unit": "unit_code",
                               "period": "month", "period_column": "period"}}
    data["measures"] = {"held": {"source": "log", "over_time": "sum"},
                        **{m: {"source": "log", "over_time": "last"}
                           for m in ("members", "reached", "population")}}
    return spec_from_dict(data, base_dir=folder)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> qnkpi.Result:
    return qnkpi.evaluate(as_of_spec(tmp_path_factory.mktemp("as-of")), as_of="2025-06")


def _book(result: qnkpi.Result, path: Path, lang: str) -> Any:
    with path.open("wb") as f:
        XlsxReporter().write(result, f, lang=lang)
    return load_workbook(path)


@pytest.fixture(scope="module")
def small_vi(small: qnkpi.Result, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _book(small, tmp_path_factory.mktemp("small") / "vi.xlsx", "vi")


@pytest.fixture(scope="module")
def small_en(small: qnkpi.Result, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _book(small, tmp_path_factory.mktemp("small") / "en.xlsx", "en")


def _header_row(ws: Any, first: str) -> int:
    return next(r[0].row for r in ws.iter_rows(max_col=1) if r[0].value == first)


def _rows(ws: Any, first: str = "STT") -> dict[str, dict[str, Any]]:
    """The annex's rows by indicator title: header -> cell."""
    head = _header_row(ws, first)
    names = [c.value for c in ws[head]]
    out = {}
    for row in ws.iter_rows(min_row=head + 2):
        if isinstance(row[0].value, int):
            out[str(row[1].value)] = dict(zip(names, row, strict=False))
    return out


def _lines(ws: Any) -> list[str]:
    return [str(r[0].value) for r in ws.iter_rows(max_col=1) if isinstance(r[0].value, str)]


# --- the annex -------------------------------------------------------------------------

def test_the_title_names_the_period(small_vi: Any, small_en: Any) -> None:
    assert "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU 6 THÁNG ĐẦU NĂM 2025" in _lines(small_vi["Phụ lục"])
    assert "RESULTS OF THE TARGETS: FIRST HALF OF 2025" in _lines(small_en["Annex"])


def test_the_columns_of_a_six_month_review(small_vi: Any, small_en: Any) -> None:
    for ws, first, expected in ((small_vi["Phụ lục"], "STT", HEADERS_VI),
                                (small_en["Annex"], "No.", HEADERS_EN)):
        head = _header_row(ws, first)
        assert [c.value for c in ws[head]][:9] == expected
        assert ws.cell(row=head + 1, column=6).value == "(6) = (5)/(4)"
        assert ws.max_column == 13


def test_shares_of_the_year_s_plan_hand_checked(small_vi: Any) -> None:
    rows = _rows(small_vi["Phụ lục"])
    share = "Tỷ lệ % so với kế hoạch năm"
    expected = {"Số buổi sinh hoạt": (36, 10, 10 / 36), "held": (36, 10, 10 / 36),
                "held_milestone": (36, 10, 10 / 36), "members": (280, 288, 288 / 280),
                # a rate: the share is still value / plan (42% of a plan of 40%)
                "reached_pct": (40, 42, 42 / 40),
                # a share target of 100%: reached in full, 100% of the plan
                "coverage_pct": (100, 100, 1.0),
                # a plan of 0: no share
                "none_planned": (0, 288, None)}
    for title, (plan, actual, ratio) in expected.items():
        row = rows[title]
        assert row["Kế hoạch năm 2025"].value == plan, title
        assert row["Thực hiện 6 tháng"].value == pytest.approx(actual), title
        assert row[share].value == (None if ratio is None else pytest.approx(ratio)), title
        if ratio is not None:
            assert row[share].number_format == "0.0%"


def test_the_threshold_judged_and_the_verdict(small_vi: Any) -> None:
    rows = _rows(small_vi["Phụ lục"])
    judged, verdict, notes = "Mức chỉ tiêu 6 tháng", "Đánh giá 6 tháng", "Ghi chú"
    prorated = rows["Số buổi sinh hoạt"]
    assert prorated[judged].value == 18  # 36 x 6/12
    assert prorated[verdict].value == "Chưa đạt"
    assert "theo tiến độ 6/12" in prorated[notes].value
    milestone = rows["held_milestone"]
    assert milestone[judged].value == 8 and milestone[verdict].value == "Vượt"
    assert "mốc 6 tháng" in milestone[notes].value
    assert rows["members"][judged].value == 280
    assert rows["members"][judged].number_format.startswith('"≥ "')
    # a target judged at the year's end: its figure so far, no threshold, its own colour
    held = rows["held"]
    assert held[judged].value is None
    assert held[verdict].value == "Đánh giá cuối năm"
    assert held[verdict].fill.fgColor.rgb.endswith("DDEBF7")
    district = rows["held_district"]
    assert district["Kế hoạch năm 2025"].value == 12
    assert district[verdict].value == "Đánh giá cuối năm"


def test_the_year_before_is_named_as_a_whole_year(small_vi: Any) -> None:
    ws = small_vi["Phụ lục"]
    rows = _rows(ws)
    assert rows["Số buổi sinh hoạt"]["Thực hiện năm 2024"].value == 46  # 12 + 16 + 18
    head = [c.value for c in ws[_header_row(ws, "STT")]]
    assert not any("Cùng kỳ" in str(h) for h in head)
    lines = _lines(ws)
    assert any(line.startswith("- (8): số liệu cả năm 2024, không phải cùng kỳ 6 tháng")
               for line in lines)
    assert any("Đánh giá cuối năm 4" in line for line in lines)  # held + 3 districts
    record = next(line for line in lines if line.startswith("- Kết quả của"))
    # of the province's six targets judged in June, all met but the prorated one; held
    # waits for the year's end
    assert record.endswith("; 6 tháng đầu năm 2025: 5/6 chỉ tiêu đạt và vượt, 1 chỉ tiêu "
                           "đánh giá cuối năm")


def test_level_sheets_head_the_as_of_year_with_the_period(small_vi: Any) -> None:
    ws = small_vi["Cấp huyện"]
    head = [c.value for c in ws[4]]
    assert head[4:] == [2024, "6 tháng đầu năm 2025", "Kế hoạch năm 2025",
                        "Mức chỉ tiêu 6 tháng", "Đánh giá 6 tháng"]
    assert "Đánh giá cuối năm" in [c.value for c in ws[2]]  # the legend
    values = [(r[5].value, r[6].value, r[8].value) for r in ws.iter_rows(min_row=5)]
    assert values == [(6, 12, "Đánh giá cuối năm"), (4, 12, "Đánh giá cuối năm"),
                      (0, 12, "Đánh giá cuối năm")]
    assert ws.cell(row=5, column=6).fill.fgColor.rgb.endswith("DDEBF7")


def test_the_checks_sheet_says_when_and_how(small_vi: Any) -> None:
    ws = small_vi["Kết quả"]
    head = [c.value for c in ws[1]]
    assert head[-4:] == ["Kỳ báo cáo", "Cách đánh giá", "Mức chỉ tiêu cả năm",
                         "Mức chỉ tiêu trên cả năm"]
    at = {name: head.index(name) for name in head}
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    prorated = next(r for r in rows if r[0] == "held_prorated" and r[at["Năm"]] == 2025)
    assert prorated[at["Kỳ báo cáo"]] == "6 tháng đầu năm 2025"
    assert prorated[at["Mức chỉ tiêu"]] == 18 and prorated[at["Mức chỉ tiêu cả năm"]] == 36
    assert "tiến độ thời gian" in prorated[at["Cách đánh giá"]]
    earlier = next(r for r in rows if r[0] == "held_prorated" and r[at["Năm"]] == 2024)
    assert earlier[at["Kỳ báo cáo"]] == "2024" and earlier[at["Cách đánh giá"]] is None


def test_a_whole_year_keeps_its_annex(small: qnkpi.Result, tmp_path: Path) -> None:
    """`--as-of 2025` is the year: none of the period's columns or words."""
    whole = qnkpi.evaluate(small.spec, as_of=2025)
    assert whole.period is None
    book = _book(whole, tmp_path / "year.xlsx", "vi")
    ws = book["Phụ lục"]
    head = [c.value for c in ws[_header_row(ws, "STT")]]
    assert head[3:7] == ["Kế hoạch năm 2025", "Thực hiện năm 2025", "Tỷ lệ % TH/KH",
                         "Cùng kỳ năm 2024"]
    assert ws.max_column == 12
    assert "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025" in _lines(ws)
    assert [c.value for c in book["Cấp huyện"][4]][4:6] == [2024, 2025]
    assert "Kỳ báo cáo" not in [c.value for c in book["Kết quả"][1]]


# --- the Quảng Ninh example at 2025-06 -------------------------------------------------

@pytest.fixture(scope="module")
def example() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(EXAMPLE), as_of="2025-06")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_quang_ninh_at_june(example: qnkpi.Result, lang: str, tmp_path: Path) -> None:
    book = _book(example, tmp_path / f"{lang}.xlsx", lang)
    ws = book.worksheets[0]
    title = ("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU 6 THÁNG ĐẦU NĂM 2025" if lang == "vi"
             else "RESULTS OF THE TARGETS: FIRST HALF OF 2025")
    assert title in _lines(ws)
    first, headers = ("STT", HEADERS_VI) if lang == "vi" else ("No.", HEADERS_EN)
    assert [c.value for c in ws[_header_row(ws, first)]][:9] == headers
    # the unit reports have a six-month report, so their indicators are judged on it; only
    # the share of unions with 2 activities in the year waits for the year's end
    due = "Đánh giá cuối năm" if lang == "vi" else "due at year end"
    verdicts = [row[headers[8]] for row in _rows(ws, first).values()]
    assert sum(c.value == due for c in verdicts) == 1
    texts = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for c in row if isinstance(c.value, str)]
    if lang == "vi":
        english = english_phrases(qnkpi.load_spec(EXAMPLE), min_words=3)
        found = sorted({e for e in english for t in texts if e in t})
        assert found == [], found[:10]
    else:
        with (CATALOGUES / "xlsx.po").open("rb") as f:
            vietnamese = {str(m.string) for m in read_po(f, locale="vi")
                          if m.id and m.string and len(str(m.string).split()) >= 3
                          and "{" not in str(m.string)}
        assert not {v for v in vietnamese for t in texts if v in t}
