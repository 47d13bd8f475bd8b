"""The xlsx annex as a provincial office attaches it, read back with openpyxl: the title
block, `PHỤ LỤC 01`, the `Kèm theo Báo cáo số ...` line with and without a number and
date, the columns of year Y, the objectives' rows, Times New Roman, A4; and a Vietnamese
workbook that holds no English sentence of the catalogues or the spec."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from english_phrases import english_phrases
from openpyxl import load_workbook

import qnkpi
from qnkpi.reporters.xlsx import XlsxReporter
from qnkpi.testing import spec_from_dict, tiny_programme

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
CATALOGUES = ROOT / "src" / "qnkpi" / "i18n" / "vi"
HEADERS = ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm 2025", "Thực hiện năm 2025",
           "Tỷ lệ % TH/KH", "Cùng kỳ năm 2024", "Đánh giá", "Mục tiêu đến năm 2030"]


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


def _book(result: qnkpi.Result, path: Path, lang: str = "vi", **options: Any) -> Any:
    with path.open("wb") as f:
        XlsxReporter().write(result, f, lang=lang, **options)
    return load_workbook(path)


@pytest.fixture(scope="module")
def vi(result: qnkpi.Result, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _book(result, tmp_path_factory.mktemp("annex") / "vi.xlsx")


def _texts(ws: Any, rows: int = 12) -> list[str]:
    return [str(c.value) for row in ws.iter_rows(max_row=rows) for c in row
            if c.value is not None]


def _header_row(ws: Any) -> int:
    return next(r[0].row for r in ws.iter_rows(max_col=1) if r[0].value == "STT")


# --- the frame ------------------------------------------------------------------------

def test_title_block(vi: Any) -> None:
    ws = vi["Phụ lục"]
    assert ws["A1"].value == "TỈNH ĐOÀN QUẢNG NINH" and ws["A1"].font.b
    assert ws["A2"].value == "***"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:C1", "A2:C2", "F2:L2"} <= merged  # issuing body left, place-date right
    assert ws["F2"].value == "Quảng Ninh, ngày ...... tháng ...... năm ......"
    assert ws["F1"].value == "ĐOÀN TNCS HỒ CHÍ MINH" and ws["F1"].font.b  # programme.report
    assert ws["F2"].font.i
    texts = _texts(ws)
    assert "PHỤ LỤC 01" in texts
    assert "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025" in texts
    assert ("Đề án “Nâng cao năng lực số cho thanh niên Quảng Ninh, giai đoạn 2023-2030”"
            in texts)
    annex = next(c for row in ws.iter_rows(max_row=8) for c in row if c.value == "PHỤ LỤC 01")
    assert annex.font.b and annex.font.sz == 14


def test_attached_line_without_number_or_date(vi: Any) -> None:
    texts = _texts(vi["Phụ lục"])
    assert "(Kèm theo Báo cáo số ...... ngày ...... tháng ...... năm ......)" in texts


def test_attached_line_from_the_command_line(result: qnkpi.Result, tmp_path: Path) -> None:
    book = _book(result, tmp_path / "n.xlsx", report_number="125-BC/TĐ",
                 report_date=dt.date(2026, 1, 5))
    ws = book["Phụ lục"]
    # a day below 10 and the months 1 and 2 with a leading zero, as documents write them
    assert "(Kèm theo Báo cáo số 125-BC/TĐ ngày 05 tháng 01 năm 2026)" in _texts(ws)
    assert ws["F2"].value == "Quảng Ninh, ngày 05 tháng 01 năm 2026"
    en = _book(result, tmp_path / "e.xlsx", "en", report_number="125-BC/TĐ",
               report_date=dt.date(2026, 12, 15))["Annex"]
    assert "(Attached to report No. 125-BC/TĐ of December 15, 2026)" in _texts(en)
    assert en["A1"].value == "QUẢNG NINH PROVINCIAL YOUTH UNION"


def _tiny_spec(report: dict[str, Any]) -> qnkpi.Result:
    data = tiny_programme(
        indicators={"reach": {"kind": "value", "measure": "m", "unit": "count",
                              "direction": "increase",
                              "targets": [{"years": [2023, 2030], "op": ">=", "value": 5}]}},
        data={"m": {"D1": {2023: 6, 2024: 7}, "D2": {2023: 3, 2024: 9}}})
    data["programme"]["owner"] = "Tỉnh Đoàn Thử"
    data["programme"]["report"] = report
    return qnkpi.evaluate(spec_from_dict(data))


def test_attached_line_from_the_spec_and_the_option_wins(tmp_path: Path) -> None:
    res = _tiny_spec({"number": "-BC/TĐ", "date": "2025-02-03", "place": "Hạ Long"})
    ws = _book(res, tmp_path / "s.xlsx")["Phụ lục"]
    assert "(Kèm theo Báo cáo số ......-BC/TĐ ngày 03 tháng 02 năm 2025)" in _texts(ws)
    assert ws["A1"].value == "TỈNH ĐOÀN THỬ"  # the owner where the spec names no issuer
    assert ws["F2"].value == "Hạ Long, ngày 03 tháng 02 năm 2025"
    ws = _book(res, tmp_path / "o.xlsx", report_number="7-BC/TĐ")["Phụ lục"]
    assert "(Kèm theo Báo cáo số 7-BC/TĐ ngày 03 tháng 02 năm 2025)" in _texts(ws)


def test_page_setup_a4(vi: Any) -> None:
    ws = vi["Phụ lục"]
    head = _header_row(ws)
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == f"${head}:${head + 1}"


def test_times_new_roman_everywhere(vi: Any) -> None:
    for ws in vi.worksheets:
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"Times New Roman"}, ws.title


# --- the table ------------------------------------------------------------------------

def test_columns_of_year_y(vi: Any) -> None:
    ws = vi["Phụ lục"]
    head = _header_row(ws)
    assert [c.value for c in ws[head]][:9] == HEADERS
    assert ws.cell(row=head + 1, column=6).value == "(6) = (5)/(4)"


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    head = _header_row(ws)
    out = []
    for row in ws.iter_rows(min_row=head + 2):
        if row[0].value is None:
            break
        out.append(row)
    return out


def test_grouped_by_objective(vi: Any, result: qnkpi.Result) -> None:
    rows = _rows(vi["Phụ lục"])
    groups = [r for r in rows if isinstance(r[0].value, str)]
    spec = result.spec
    assert [r[0].value for r in groups] == ["I", "II", "III", "IV", "V", "VI"]
    assert [r[1].value for r in groups] == [o.title.get("vi") for o in spec.objectives.values()]
    assert all(r[1].font.b for r in groups)
    merged = {str(m) for m in vi["Phụ lục"].merged_cells.ranges}
    assert all(f"B{r[0].row}:L{r[0].row}" in merged for r in groups)
    # each indicator under its objective, numbered 1.. across the groups
    order: list[str | None] = []
    for r in rows:
        if isinstance(r[0].value, str):
            order.append(r[1].value)
    titles = {ind.title.get("vi"): ind.objective for ind in spec.indicators.values()}
    current = None
    numbers = []
    for r in rows:
        if isinstance(r[0].value, str):
            current = next(k for k, o in spec.objectives.items() if o.title.get("vi") == r[1].value)
        else:
            assert titles[r[1].value] == current
            numbers.append(r[0].value)
    assert numbers == list(range(1, len(spec.indicators) + 1))


def test_interpolated_threshold_is_a_reference_path(vi: Any, result: qnkpi.Result) -> None:
    ws = vi["Phụ lục"]
    title = result.indicators["children_youth_reached_pct"].indicator.title.get("vi")
    row = next(r for r in _rows(ws) if r[1].value == title)
    assert row[3].value == "(**)" and row[5].value is None  # no plan, no share of it
    assert "lộ trình tham chiếu > 61,43%" in row[11].value
    notes = [str(c.value) for c in ws["A"] if c.value]
    assert any(t.startswith("- (**) Năm 2025 không có chỉ tiêu kế hoạch") for t in notes)


def test_previous_year_marked_across_the_reform(vi: Any, result: qnkpi.Result) -> None:
    ws = vi["Phụ lục"]
    rows = {r[1].value: r for r in _rows(ws)}
    ratio = rows[result.indicators["children_youth_reached_pct"].indicator.title.get("vi")]
    top, col = 0, result.years.tolist().index(2024)
    value = float(result.indicators["children_youth_reached_pct"].panel.value[top, col])
    assert ratio[6].value == pytest.approx(value) and ratio[6].data_type == "n"
    assert ratio[6].number_format.endswith('" (*)"')  # 13 districts then 54 communes
    per_unit = rows[result.indicators["district_digital_activities"].indicator.title.get("vi")]
    assert re.fullmatch(r"\d+/13 đơn vị đạt \(\*\)", per_unit[6].value)
    assert re.fullmatch(r"\d+/54 đơn vị đạt", per_unit[7].value)
    notes = [str(c.value) for c in ws["A"] if c.value]
    assert any(t.startswith("- (*) Không so sánh được với năm 2024") for t in notes)
    assert any(re.search(r"Năm 2025: \d+/\d+ chỉ tiêu đạt và vượt", t) for t in notes)


def test_no_mark_without_a_change_of_tree(tmp_path: Path) -> None:
    res = _tiny_spec({})
    ws = _book(res, tmp_path / "t.xlsx")["Phụ lục"]
    head = _header_row(ws)
    assert ws.cell(row=head, column=7).value == "Cùng kỳ năm 2023"
    row = _rows(ws)[0]
    assert row[4].value == 16 and row[6].value == 9  # D1 + D2 in 2024, in 2023
    assert "(*)" not in row[6].number_format
    assert not any("(*)" in str(c.value) for c in ws["A"] if c.value)


# --- Vietnamese throughout ------------------------------------------------------------

def test_no_english_in_the_vietnamese_workbook(vi: Any, result: qnkpi.Result) -> None:
    english = english_phrases(result.spec, min_words=3)
    assert len(english) > 100
    found = []
    for ws in vi.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and any(e in c.value for e in english):
                    hit = next(e for e in english if e in c.value)
                    found.append(f"{ws.title}!{c.coordinate}: {hit!r} in {c.value!r}")
    assert not found, "\n".join(found[:20])
    words = {str(c.value) for ws in vi.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert not {"linear_path", "cagr_ratio", "cagr_trend", "school"} & words
    assert {t for ws in vi.worksheets for t in ws.tables} == {"KetQua", "TienDo"}


def test_margins_of_percentages_in_points(vi: Any) -> None:
    ws = vi["Kết quả"]
    heads = [c.value for c in ws[1]]
    margin = heads.index("Chênh lệch so với mức chỉ tiêu") + 1
    unit = heads.index("Mã chỉ tiêu") + 1
    formats = {ws.cell(row=r, column=margin).number_format for r in range(2, ws.max_row + 1)
               if str(ws.cell(row=r, column=unit).value).endswith("_pct")}
    assert formats == {'+#,##0.00" điểm %";-#,##0.00" điểm %";#,##0.00" điểm %"'}


def test_a_level_the_catalogue_does_not_know(tmp_path: Path) -> None:
    data = tiny_programme(
        indicators={"reach": {"kind": "value", "measure": "m", "direction": "increase",
                              "targets": [{"years": [2023, 2030], "op": ">=", "value": 5,
                                           "level": "school"}]}},
        data={"m": {"D1": {2023: 6}, "D2": {2023: 3}}})
    data["org_units"]["levels"] = ["province", "school"]
    for unit in data["org_units"]["units"][1:]:
        unit["level"] = "school"
    plain = _book(qnkpi.evaluate(spec_from_dict(data)), tmp_path / "a.xlsx")
    assert "School" in plain.sheetnames  # not the raw code "school"
    data["org_units"]["levels"] = ["province",
                                   {"code": "school", "title": {"vi": "Cấp trường",
                                                                "en": "School level"}}]
    titled = _book(qnkpi.evaluate(spec_from_dict(data)), tmp_path / "b.xlsx")
    assert "Cấp trường" in titled.sheetnames
    assert titled["Cấp trường"]["A1"].value == "Kết quả cấp trường"


def test_a_unit_is_named_as_it_was_in_each_year(vi: Any) -> None:
    """Đông Triều was a town (Thị Đoàn) in 2023 and a city (Thành Đoàn) from November
    2024: its row of the district sheet says both, so its 2023 figure is not read as the
    city's."""
    names = [c.value for c in vi["Cấp huyện"]["B"] if c.value and "Đông Triều" in str(c.value)]
    assert names and set(names) == {"Thành Đoàn Đông Triều (2023: Thị Đoàn Đông Triều)"}


def test_the_progress_sheet_says_how_each_baseline_was_taken(vi: Any) -> None:
    ws = vi["Tiến độ"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    taken, code, unit = (head.index(h) for h in ("Cách lấy năm cơ sở", "Mã chỉ tiêu",
                                                 "Mã đơn vị"))
    province = {r[taken] for r in rows[1:]
                if r[code] == "children_youth_reached_pct" and r[unit] == "22"}
    assert province == {"năm cơ sở quy đổi"}  # the 2023 figure carried onto 2025's tree
    shares = {r[taken] for r in rows[1:] if r[code] == "districts_meeting_activities_pct"}
    assert shares == {"năm cơ sở theo đơn vị hiện nay"}  # activities cannot be carried
