"""The ``xlsx`` reporter: the Quảng Ninh example written to real files in Vietnamese and
English and read back with openpyxl; numbers stored as numbers; text never a formula."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

import qnkpi
from qnkpi.i18n import _catalogue, assessment_word
from qnkpi.reporters import xlsx as xlsx_module
from qnkpi.reporters.base import Reporter
from qnkpi.reporters.xlsx import XlsxReporter, sheet_name
from qnkpi.testing import spec_from_dict, tiny_programme
from qnkpi.verdicts import ASSESSMENT_STATUSES

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "quang-ninh" / "programme.yaml"
CATALOGUES = ROOT / "src" / "qnkpi" / "i18n" / "vi"
# the level sheets take the spec's level titles (issue 17)
SHEETS = {"vi": ["Phụ lục", "Cấp tỉnh", "Cấp huyện", "Cấp xã", "Kết quả", "Tiến độ"],
          "en": ["Annex", "Provincial level", "District level", "Commune level", "Checks",
                 "Progress"]}
ANNEX_HEADERS = {
    "vi": ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm 2025", "Thực hiện năm 2025",
           "Tỷ lệ % TH/KH", "Cùng kỳ năm 2024", "Đánh giá"],
    "en": ["No.", "Indicator", "Unit of measure", "Plan for 2025", "Actual in 2025",
           "% actual/plan", "Same period of 2024", "Verdict"]}
#: Columns whose text is a code, which must stay text even when it reads as a number.
CODE_HEADERS = {"Mã đơn vị", "Unit code", "Mã chỉ tiêu", "Indicator code"}
GREEN, RED = "C6EFCE", "FFC7CE"


@pytest.fixture(scope="module")
def result() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC))


@pytest.fixture(scope="module")
def books(result: qnkpi.Result, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example's workbook in each language, written to a file and loaded back."""
    folder = tmp_path_factory.mktemp("xlsx")
    out = {}
    for lang in ("vi", "en"):
        path = folder / f"quang-ninh-{lang}.xlsx"
        with path.open("wb") as f:
            XlsxReporter().write(result, f, lang=lang)
        out[lang] = load_workbook(path)
    return out


def _write(result: qnkpi.Result, path: Path, lang: str) -> Any:
    with path.open("wb") as f:
        XlsxReporter().write(result, f, lang=lang)
    return load_workbook(path)


def _header_row(ws: Any, first: str) -> int:
    """The row whose first cell is ``first``."""
    return next(row[0].row for row in ws.iter_rows(max_col=1) if row[0].value == first)


def _records(ws: Any, header: int) -> list[dict[Any, Any]]:
    """The rows under ``header`` as dicts of cells by header value."""
    heads = [c.value for c in ws[header]]
    return [dict(zip(heads, row, strict=False))
            for row in ws.iter_rows(min_row=header + 1) if row[0].value is not None]


def _annex(book: Any, lang: str) -> dict[str, dict[Any, Any]]:
    """The annex rows by indicator title (not the objectives' rows, numbered I, II ...)."""
    ws = book.worksheets[0]
    key = ANNEX_HEADERS[lang][1]
    rows = _records(ws, _header_row(ws, ANNEX_HEADERS[lang][0]))
    number = ANNEX_HEADERS[lang][0]
    return {r[key].value: r for r in rows if isinstance(r[key].value, str)
            and not r[key].value.startswith("(") and isinstance(r[number].value, int)}


def _top_and_col(result: qnkpi.Result, year: int) -> tuple[int, int]:
    col = result.years.tolist().index(year)
    return int(np.flatnonzero(result.tree.top_mask()[:, col])[0]), col


def _fill(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:]


# --- the reporter and its sheets ------------------------------------------------------

def test_is_a_reporter() -> None:
    reporter = XlsxReporter()
    assert isinstance(reporter, Reporter)
    assert (reporter.suffix, reporter.binary) == (".xlsx", True)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sheet_names(books: dict[str, Any], lang: str) -> None:
    assert books[lang].sheetnames == SHEETS[lang]


def test_workbook_properties(books: dict[str, Any]) -> None:
    props = books["vi"].properties
    assert props.creator == "qnkpi"
    assert props.title == "Nâng cao năng lực số cho thanh niên Quảng Ninh, giai đoạn 2023-2030"
    assert books["en"].properties.title.startswith("Raising the digital capacity")


# --- the annex ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["vi", "en"])
def test_annex_header(books: dict[str, Any], lang: str) -> None:
    ws = books[lang].worksheets[0]
    row = _header_row(ws, ANNEX_HEADERS[lang][0])
    assert [c.value for c in ws[row]][:8] == ANNEX_HEADERS[lang]
    assert all(c.font.b for c in ws[row])
    assert ws.freeze_panes == f"C{row + 2}"  # below the header and the numbering row
    assert ws.cell(row=row + 1, column=6).value == "(6) = (5)/(4)"


def test_annex_heading_like_a_real_annex(books: dict[str, Any]) -> None:
    # the title block of issue 17 (tests/reporters/test_xlsx_annex.py reads it in full);
    # the references moved under the notes
    ws = books["vi"].worksheets[0]
    texts = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert texts[:5] == ["TỈNH ĐOÀN QUẢNG NINH", "***", None, "PHỤ LỤC 01",
                         "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM 2025"]
    assert "Căn cứ:" in texts
    assert any(isinstance(t, str) and t.startswith("- Nghị quyết số 09-NQ/TU")
               for t in texts)
    assert "A4:L4" in {str(r) for r in ws.merged_cells.ranges}


def test_annex_row_of_a_ratio(books: dict[str, Any], result: qnkpi.Result) -> None:
    res = result.indicators["children_youth_reached_pct"]
    top, col = _top_and_col(result, 2025)
    row = _annex(books["vi"], "vi")[res.indicator.title.get("vi")]
    actual, plan = row["Thực hiện năm 2025"], row["Kế hoạch năm 2025"]
    assert actual.data_type == "n" and isinstance(actual.value, float)
    assert actual.value == pytest.approx(float(res.panel.value[top, col]))
    assert actual.value == pytest.approx(69.8977, abs=1e-4)
    assert "0.0" in actual.number_format and '"%"' in actual.number_format
    # 2025's threshold is interpolated: a reference path, not a plan figure (issue 17)
    assert plan.value == "(**)" and row["Tỷ lệ % TH/KH"].value is None
    assert "lộ trình tham chiếu > 61,43%" in row["Ghi chú"].value
    assert row["Đánh giá"].value == "Đạt"
    assert _fill(row["Đánh giá"]) == GREEN
    assert row["Mục tiêu đến năm 2030"].value == 90
    assert row["Mục tiêu đến năm 2030"].number_format.startswith('"> "')  # in the format
    online = _annex(books["vi"], "vi")[
        result.indicators["youth_online_public_services_pct"].indicator.title.get("vi")]
    share = online["Tỷ lệ % TH/KH"]
    assert share.value == pytest.approx(online["Thực hiện năm 2025"].value
                                        / online["Kế hoạch năm 2025"].value)
    assert share.number_format == "0.0%"
    assert row["Số đơn vị đã báo cáo"].value == "53/54"
    # the engine's status of the top unit by the headline method, in words
    main = next(a for a in result.assessments_of("children_youth_reached_pct")
                if a.method == "linear_path")
    status = ASSESSMENT_STATUSES[main.status[main.inputs.rows.tolist().index(top)]]
    assert row["Tiến độ tới mục tiêu"].value == assessment_word(status, "vi")


def test_annex_exceeded_and_not_met(books: dict[str, Any], result: qnkpi.Result) -> None:
    rows = _annex(books["vi"], "vi")

    def verdict(name: str) -> str:
        return str(rows[result.indicators[name].indicator.title.get("vi")]["Đánh giá"].value)

    assert verdict("youth_online_public_services_pct") == "Vượt"  # 60.8% against >= 60
    assert verdict("documents_on_system_pct") == "Chưa đạt"  # 99.9% against >= 100
    en = _annex(books["en"], "en")
    title = result.indicators["youth_online_public_services_pct"].indicator.title.get("en")
    assert en[title]["Verdict"].value == "exceeded"


def test_annex_targets_for_each_unit_and_goal_only(books: dict[str, Any],
                                                    result: qnkpi.Result) -> None:
    rows = _annex(books["vi"], "vi")
    per_unit = rows[result.indicators["district_digital_activities"].indicator.title.get("vi")]
    assert per_unit["Kế hoạch năm 2025"].value == 2
    assert per_unit["ĐVT"].value in {"số lượng", "hoạt động"}
    assert per_unit["Thực hiện năm 2025"].value is None
    assert re.fullmatch(r"\d+/54 đơn vị đạt", per_unit["Đánh giá"].value)
    assert "xem trang “Cấp xã”" in per_unit["Ghi chú"].value
    services = result.indicators["members_using_digital_services_pct"].indicator
    goal_only = rows[services.title.get("vi")]
    assert goal_only["Kế hoạch năm 2025"].value is None
    assert goal_only["Đánh giá"].value is None
    assert isinstance(goal_only["Thực hiện năm 2025"].value, float)
    assert "không có chỉ tiêu năm 2025" in goal_only["Ghi chú"].value
    assert "phấn đấu" in goal_only["Ghi chú"].value
    assert len(rows) == len(result.indicators)
    assert [r["STT"].value for r in rows.values()] == list(range(1, len(rows) + 1))


# --- the level sheets -----------------------------------------------------------------

def _level(book: Any, sheet: str, title: str) -> list[dict[Any, Any]]:
    ws = book[sheet]
    return [r for r in _records(ws, _header_row(ws, "Mã đơn vị"))
            if r["Chỉ tiêu"].value == title]


def test_level_sheets_hold_every_unit(books: dict[str, Any], result: qnkpi.Result) -> None:
    title = result.indicators["district_digital_activities"].indicator.title.get("vi")
    communes = _level(books["vi"], "Cấp xã", title)
    assert len(communes) == 54 == len({r["Mã đơn vị"].value for r in communes})
    assert all(r[2025].data_type == "n" and r[2025].value is not None for r in communes)
    assert "06652" in {r["Mã đơn vị"].value for r in communes}  # the code keeps its zero
    districts = _level(books["vi"], "Cấp huyện", title)
    assert len(districts) == 13
    heads = [c.value for c in books["vi"]["Cấp huyện"][4]]
    assert 2023 in heads and 2024 in heads and 2025 not in heads
    assert all(isinstance(r[2023].value, int | float) for r in districts)
    assert books["vi"]["Cấp xã"].auto_filter.ref.startswith("A4:")


def test_level_sheet_colours_and_exceeded(books: dict[str, Any], result: qnkpi.Result) -> None:
    res = result.indicators["district_digital_activities"]
    col = result.years.tolist().index(2025)
    rows = _level(books["vi"], "Cấp xã", res.indicator.title.get("vi"))
    exceeded = [r for r in rows if r[2025].value >= 3]
    assert exceeded and all(r["Đánh giá 2025"].value == "Vượt" for r in exceeded)
    assert all(_fill(r[2025]).startswith(("C6", "A9")) for r in exceeded)  # greens
    failed = [r for r in rows if r[2025].value < 2]
    assert all(r["Đánh giá 2025"].value == "Chưa đạt" and _fill(r[2025]) == RED
               for r in failed)
    expected = {result.tree.codes[i] for i in np.flatnonzero(res.status[:, col] == 2)}
    assert {r["Mã đơn vị"].value for r in failed} == expected


# --- the tables -----------------------------------------------------------------------

def test_every_check_and_assessment_is_a_table_row(books: dict[str, Any],
                                                   result: qnkpi.Result) -> None:
    book = books["en"]
    checks, progress = book["Checks"], book["Progress"]
    assert checks.tables["Checks"].ref == f"A1:X{result.summary()['checks'] + 1}"
    assert progress.tables["Progress"].ref.endswith(
        str(len(list(result.assessment_rows())) + 1))
    rows = _records(checks, 1)
    first = next(result.checks())
    assert rows[0]["Indicator code"].value == first.indicator
    assert rows[0]["Value"].value == pytest.approx(first.value)
    assert rows[0]["Year"].value == first.year and rows[0]["Year"].data_type == "n"
    assert {r["Verdict"].value for r in rows} == {"met", "exceeded", "not met", "no data"}
    assert all(r["Coverage"].value is None or r["Coverage"].number_format == "0.0%"
               for r in rows)


# --- what Excel reads -----------------------------------------------------------------

def _looks_numeric(text: str) -> bool:
    """Whether text reads as a number in either locale (``52,3``, ``100.839``, ``5%``)."""
    t = text.strip().rstrip("%").strip()
    for candidate in (t, t.replace(",", ""), t.replace(".", "").replace(",", ".")):
        try:
            float(candidate)
        except ValueError:
            continue
        return bool(t)
    return False


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_number_is_stored_as_text(books: dict[str, Any], lang: str) -> None:
    codes = 0
    for ws in books[lang].worksheets:
        header = {c.column: c.value for row in ws.iter_rows() for c in row
                  if c.value in CODE_HEADERS}
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if not isinstance(cell.value, str) or not _looks_numeric(cell.value):
                    continue
                assert cell.column in header, f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                assert cell.number_format == "@"
                codes += 1
    assert codes > 100  # the unit codes are text


def test_writes_fast(result: qnkpi.Result, tmp_path: Path) -> None:
    start = time.perf_counter()
    with (tmp_path / "r.xlsx").open("wb") as f:
        XlsxReporter().write(result, f, lang="vi")
    assert time.perf_counter() - start < 2.0


# --- a tiny programme: formulas, ranges ----------------------------------------------

EVIL = "=HYPERLINK(\"http://x\",\"click\")"


def _tiny(tmp_path: Path, lang: str = "en") -> Any:
    data = tiny_programme(
        indicators={
            "reach": {"title": {"en": EVIL, "vi": EVIL}, "kind": "value", "measure": "m",
                      "unit": "count", "direction": "increase",
                      "targets": [{"years": [2023, 2024], "op": ">=", "value": 5,
                                   "note": "=1+1"},
                                  {"year": 2030, "op": ">=", "value": 20, "goal": True}]},
            "band": {"title": {"en": "Band"}, "kind": "value", "measure": "m",
                     "unit": "people", "direction": "increase",
                     "targets": [{"years": [2023, 2030], "op": "between", "min": 50,
                                  "max": 80}]},
            "each": {"kind": "value", "measure": "m", "direction": "increase",
                     "targets": [{"years": [2023, 2030], "op": ">=", "value": 5,
                                  "level": "district"}]}},
        data={"m": {"D1": {2023: 6, 2024: 70}, "D2": {2023: 3, 2024: 9}}})
    data["programme"]["owner"] = "=2*3"
    data["programme"]["references"] = ["=SUM(A1:A9)"]
    data["org_units"]["units"][1]["name"] = "=D1"
    return _write(qnkpi.evaluate(spec_from_dict(data)), tmp_path / "tiny.xlsx", lang)


def test_text_is_never_a_formula(tmp_path: Path) -> None:
    book = _tiny(tmp_path)
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value.lstrip("- ").startswith("="):
                    assert cell.data_type == "s"
                    seen.add(cell.value.lstrip("- "))
    assert {EVIL, "=2*3", "=SUM(A1:A9)", "=D1"} <= seen
    assert any("=1+1" in str(c.value) for row in book["Checks"].iter_rows() for c in row)


def test_a_range_is_text_and_has_no_share(tmp_path: Path) -> None:
    rows = _annex(_tiny(tmp_path), "en")
    band = rows["Band"]
    assert band["Plan for 2024"].value == "50–80" and band["Actual in 2024"].value == 79  # 70+9
    assert band["% actual/plan"].value is None and band["Verdict"].value == "met"
    assert band["Unit of measure"].value == "people"
    assert rows[EVIL]["Plan for 2024"].value == 5 and rows[EVIL]["Verdict"].value == "exceeded"


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("a/b:c*d?[e]\\f", taken) == "a b c d e f"
    long = sheet_name("x" * 40, taken)
    assert long == "x" * 31
    assert sheet_name("X" * 40, taken) == "X" * 27 + " (2)"
    assert sheet_name("'quoted'", taken) == "quoted"
    assert all(len(name) <= 31 for name in taken)


# --- the catalogue --------------------------------------------------------------------

def test_every_message_is_translated(result: qnkpi.Result, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    used: set[str] = set()
    real = xlsx_module.gettext

    def spy(message: str, lang: str) -> str:
        used.add(message)
        return real(message, lang)

    # every module of the package that translates (one per sheet, and the shared ones)
    modules = [xlsx_module, *(importlib.import_module(f"{xlsx_module.__name__}.{m.name}")
                              for m in pkgutil.iter_modules(xlsx_module.__path__))]
    translating = [m for m in modules if getattr(m, "gettext", None) is real]
    assert len(translating) >= 4
    for module in translating:
        monkeypatch.setattr(module, "gettext", spy)
    restated = qnkpi.evaluate(qnkpi.load_spec(SPEC), restate_to=2025)
    for res in (result, restated):
        _write(res, tmp_path / "r.xlsx", "vi")
    missing = sorted(m for m in used if m not in _catalogue("vi"))
    assert not missing
    assert "restated" in used and "between" not in used  # the example has no range


def test_shared_messages_agree_with_the_other_catalogues() -> None:
    from babel.messages.pofile import read_po

    def messages(path: Path) -> dict[str, str]:
        with path.open("rb") as f:
            return {str(m.id): str(m.string) for m in read_po(f, locale="vi") if m.id}

    ours = messages(CATALOGUES / "xlsx.po")
    for path in CATALOGUES.glob("*.po"):
        if path.name != "xlsx.po":
            theirs = messages(path)
            assert {k: v for k, v in ours.items() if k in theirs} == \
                {k: theirs[k] for k in ours if k in theirs}, path.name
