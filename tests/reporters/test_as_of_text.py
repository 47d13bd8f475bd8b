"""The text reports part-way through a year (`--as-of 2025-06`): the terminal, Markdown,
csv, Parquet and JSON name the period, show the checks judged at the year's end as such
(the value so far, `○ Đánh giá cuối năm`), and say how a prorated or milestone
threshold came about; a yearly run writes what it always wrote.

Run through the command line, as a user runs it, on the Quảng Ninh example and on a
small spec whose districts report every month (a flow prorated, a flow with a
milestone, a flow judged at the year's end, a stock judged as it stands).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from english_phrases import english_phrases

import qnkpi
from qnkpi.cli import main
from qnkpi.i18n import _catalogue
from qnkpi.reporters.csv import CHECK_COLUMNS, PERIOD_COLUMNS
from qnkpi.testing import tiny_programme

SPEC = Path(__file__).resolve().parents[2] / "specs" / "quang-ninh" / "programme.yaml"
TEXT = ("table", "detail", "markdown")


def _run(args: list[str]) -> str:
    """What `qnkpi ARGS` prints (standard output); it must succeed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0, args
    return out.getvalue()


def _reports(spec: Path, folder: Path, lang: str, *extra: str) -> dict[str, Any]:
    """Every text report of `spec` (the terminal's at 200 columns) and the JSON, csv and
    Parquet files, written by `qnkpi evaluate`."""
    base = ["evaluate", str(spec), "--lang", lang, "-q", *extra]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "200")
        out: dict[str, Any] = {"table": _run(base), "detail": _run([*base, "--detail"])}
    for fmt, suffix in (("markdown", "md"), ("csv", "csv"), ("parquet", "parquet"),
                        ("json", "json")):
        path = folder / f"{lang}{'-'.join(extra)}.{suffix}"
        _run([*base, "-f", fmt, "-o", str(path)])
        out[fmt] = path.read_bytes() if fmt == "parquet" else path.read_text(encoding="utf-8")
        out[fmt + "_path"] = path
    return out


@functools.cache
def _example(lang: str, folder: str, *extra: str) -> dict[str, Any]:
    return _reports(SPEC, Path(folder), lang, *extra)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("as-of"))


@pytest.fixture(scope="module")
def june() -> qnkpi.Result:
    return qnkpi.evaluate(qnkpi.load_spec(SPEC), as_of="2025-06")


def _line(text: str, start: str) -> str:
    """The line of `text` that starts with `start`."""
    return next(line for line in text.splitlines() if line.lstrip("- *").startswith(start))


# --- the Quảng Ninh example at the end of June 2025 -----------------------------------------


@pytest.mark.parametrize("report", TEXT)
def test_the_vietnamese_reports_name_the_six_months(folder: str, june: qnkpi.Result,
                                                    report: str) -> None:
    text = _example("vi", folder, "--as-of", "2025-06")[report]
    assert "số liệu 6 tháng đầu năm 2025" in text
    assert "số liệu đến năm 2025" not in text and "Năm 2025:" not in text
    if report != "detail":
        assert "Kết quả 6 tháng đầu năm 2025 của Tỉnh Đoàn Quảng Ninh" in text
        assert "Kết quả năm 2025" not in text
    if report == "markdown":
        assert "| Đơn vị ✓/✗/·/○ |" in text
    # the headline names the period and counts apart what waits for the year's end
    headline = _line(text, "6 tháng đầu năm 2025:")
    assert "chỉ tiêu đánh giá cuối năm" in headline
    assert _line(text, "Năm 2024:").startswith(("Năm 2024: ", "- **Năm 2024: "))
    # every status counted, not_due too
    s = june.summary()
    counts = _line(text, "Tất cả đơn vị:")
    assert f"○ Đánh giá cuối năm {s['not_due']}" in counts
    assert f"✓ Đạt {s['met']}" in counts
    # a check judged at the year's end: the mark, the words, the year's threshold
    assert "○ Đánh giá cuối năm" in text and "(cả năm)" in text


@pytest.mark.parametrize("report", TEXT)
def test_the_english_reports_name_the_first_half(folder: str, report: str) -> None:
    text = _example("en", folder, "--as-of", "2025-06")[report]
    assert "figures for the first half of 2025" in text and "as of 2025" not in text
    if report != "detail":
        assert "Results for the first half of 2025: Quang Ninh Provincial Youth Union" in text
    assert "due at year end" in _line(text, "First half of 2025:")
    assert "○ due at year end" in text and "(full year)" in text


def test_the_columns_of_the_year_so_far(folder: str) -> None:
    vi, en = (_example(lang, folder, "--as-of", "2025-06") for lang in ("vi", "en"))
    assert "| đơn vị | 2023 | 2024 | 6T/2025 |" in vi["markdown"]
    assert "| unit | 2023 | 2024 | 6M 2025 |" in en["markdown"]
    assert "6T/2025" in vi["detail"] and "6M 2025" in en["detail"]
    # the legend spells the column out
    assert "6T/2025: số liệu 6 tháng đầu năm 2025" in vi["markdown"]
    assert "6M 2025: figures for the first half of 2025" in " ".join(en["detail"].split())


def test_the_csv_ends_with_the_period_columns(folder: str, june: qnkpi.Result) -> None:
    for lang in ("vi", "en"):
        rows = list(csv.DictReader(io.StringIO(
            _example(lang, folder, "--as-of", "2025-06")["csv"])))
        assert list(rows[0]) == [*CHECK_COLUMNS, *PERIOD_COLUMNS]
        checks = [c.to_dict() for c in june.checks()]
        assert len(rows) == len(checks)
        for row, check in zip(rows, checks, strict=True):
            assert row["period"] == check["period"]
            assert row["partial"] == (check["partial"] or "")
            assert row["year_threshold"] == ("" if check.get("year_threshold") is None
                                             else repr(check["year_threshold"]))
        assert {r["period"] for r in rows if r["year"] == "2025"} == {"2025-06"}
        assert {r["period"] for r in rows if r["year"] == "2024"} == {"2024"}
        assert {r["partial"] for r in rows if r["year"] == "2024"} == {""}
        due = {r["status_text"] for r in rows if r["status"] == "not_due"}
        assert due == {"Đánh giá cuối năm" if lang == "vi" else "due at year end"}


def test_the_parquet_file_reads_back_with_the_period(folder: str, june: qnkpi.Result) -> None:
    for lang in ("vi", "en"):
        path = _example(lang, folder, "--as-of", "2025-06")["parquet_path"]
        table = pq.read_table(path)
        assert table.schema.names[-4:] == list(PERIOD_COLUMNS)
        assert table.schema.equals(june.to_arrow().schema)
        head = json.loads(table.schema.metadata[b"qnkpi"])
        assert list(head)[:4] == ["qnkpi", "programme", "as_of", "period"]
        assert (head["as_of"], head["period"]) == (2025, "2025-06")
        assert table.to_pylist() == june.to_arrow().to_pylist()


def test_the_json_names_the_period(folder: str, june: qnkpi.Result) -> None:
    doc = json.loads(_example("vi", folder, "--as-of", "2025-06")["json"])
    assert (doc["as_of"], doc["period"]) == (2025, "2025-06")
    assert doc["summary"]["not_due"] == june.summary()["not_due"] > 0
    assert {c["period"] for c in doc["checks"] if c["year"] == 2025} == {"2025-06"}


@pytest.mark.parametrize("report", TEXT)
def test_the_vietnamese_reports_hold_no_english(folder: str, report: str) -> None:
    text = " ".join(_example("vi", folder, "--as-of", "2025-06")[report].split())
    phrases = english_phrases(qnkpi.load_spec(SPEC), min_chars=10, cut=60)
    assert {"due at year end", "figures for"} <= phrases
    assert sorted(p for p in phrases if p in text) == []
    for word in ("full year", "prorated", "milestone", "6M 2025", "due at"):
        assert word not in text


@pytest.mark.parametrize("report", TEXT)
def test_the_english_reports_hold_no_vietnamese_message(folder: str, report: str) -> None:
    text = " ".join(_example("en", folder, "--as-of", "2025-06")[report].split())
    found = sorted(s for s in set(_catalogue("vi").values())  # not "(phấn đấu)"
                   if len(s.split()) >= 3 and "{" not in s and s in text)
    assert found == []
    assert "cả năm" not in text and "6T/" not in text


# --- a small spec reported by month: every way a partial year is judged -----------------------


def _monthly(folder: Path) -> Path:
    """A spec of three districts reporting every month of 2024 and 2025: activities held
    (a flow: D1 one a month, D2 one a month to April, D3 none before July) and members
    (a stock), with a target of 12 activities a year judged three ways, and the
    province's targets of both."""
    rows = []
    for year in (2024, 2025):
        for month in range(1, 13):
            done = {"D1": 1, "D2": 1 if month <= 4 else 2 if month >= 7 else 0,
                    "D3": 3 if month >= 7 else 0}
            members = {"D1": 90 + month, "D2": 100, "D3": 80 + 2 * month}
            rows += [{"unit_code": u, "period": f"{year}-{month:02d}", "held": done[u],
                      "members": members[u]} for u in ("D1", "D2", "D3")]
    with (folder / "log.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    held: dict[str, Any] = {"years": [2024, 2025], "op": ">=", "value": 12,
                            "level": "district"}
    data = tiny_programme(start=2024, end=2026, indicators={
        "held_prorated": {"kind": "value", "measure": "held", "direction": "increase",
                          "title": {"en": "Held, prorated", "vi": "Số hoạt động (theo tiến độ)"},
                          "targets": [{**held, "partial": "prorate"}]},
        "held_milestone": {"kind": "value", "measure": "held", "direction": "increase",
                           "title": {"en": "Held, milestone", "vi": "Số hoạt động (mốc)"},
                           "targets": [{**held, "milestones": [{"by": "H1", "value": 4}]}]},
        "held": {"kind": "value", "measure": "held", "direction": "increase",
                 "title": {"en": "Held", "vi": "Số hoạt động"}, "targets": [held]},
        "members": {"kind": "value", "measure": "members", "direction": "increase",
                    "title": {"en": "Members", "vi": "Số đoàn viên"},
                    "targets": [{"years": [2024, 2025], "op": ">=", "value": 95,
                                 "level": "district"}]},
        "members_total": {"kind": "value", "measure": "members", "direction": "increase",
                          "title": {"en": "Members in the province",
                                    "vi": "Số đoàn viên toàn tỉnh"},
                          "targets": [{"years": [2024, 2025], "op": ">=", "value": 250}]},
        "held_total": {"kind": "value", "measure": "held", "direction": "increase",
                       "title": {"en": "Held in the province", "vi": "Số hoạt động toàn tỉnh"},
                       "targets": [{"years": [2024, 2025], "op": ">=", "value": 30}]}})
    data["programme"]["title"] = {"en": "Small programme", "vi": "Chương trình nhỏ"}
    data["sources"] = {"log": {"type": "csv", "path": "log.csv", "unit": "unit_code",
                               "period": "month", "period_column": "period"}}
    data["measures"] = {"held": {"source": "log", "over_time": "sum"},
                        "members": {"source": "log", "over_time": "last"}}
    path = folder / "small.yaml"
    text = yaml.safe_dump(json.loads(json.dumps(data)), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _monthly(tmp_path_factory.mktemp("small"))


@pytest.mark.parametrize(("lang", "prorated", "milestone", "year_end"), [
    ("vi", "≥ 6 (theo tiến độ 6/12)", "≥ 4 (mốc 6 tháng)", "≥ 12 (cả năm)"),
    ("en", "≥ 6 (prorated 6/12)", "≥ 4 (6-month milestone)", "≥ 12 (full year)")])
def test_a_threshold_says_how_it_was_judged(small: Path, lang: str, prorated: str,
                                            milestone: str, year_end: str) -> None:
    out = _reports(small, small.parent, lang, "--as-of", "2025-06")
    for report in ("detail", "markdown"):
        text = out[report]
        for threshold in (prorated, milestone, year_end):
            assert threshold in text, (report, threshold)
        # the stock is judged as it stands, against the year's own threshold
        assert "≥ 95 (" not in text and "≥ 95" in text
    # the year's own threshold beside the one judged against, in the csv
    rows = {(r["indicator"], r["unit"]): r
            for r in csv.DictReader(io.StringIO(out["csv"])) if r["year"] == "2025"}
    assert [(rows[n, "D2"]["threshold"], rows[n, "D2"]["partial"],
             rows[n, "D2"]["year_threshold"], rows[n, "D2"]["status"])
            for n in ("held_prorated", "held_milestone", "held", "members")] == [
        ("6.0", "prorate", "12.0", "not_met"), ("4.0", "milestone", "12.0", "met"),
        ("12.0", "year_end", "12.0", "not_due"), ("95.0", "as_is", "95.0", "met")]
    # the top unit: its stock judged (288 members >= 250), its flow judged at the
    # year's end, counted apart in the headline
    headline = _line(out["table"], "6 tháng đầu năm 2025:" if lang == "vi"
                     else "First half of 2025:")
    assert headline == ("6 tháng đầu năm 2025: 1/1 chỉ tiêu đạt và vượt; 1 chỉ tiêu đánh "
                        "giá cuối năm" if lang == "vi" else
                        "First half of 2025: 1 of 1 targets met or exceeded; 1 due at year end")
    # the units below the top: met, not met, no data, due at the year's end
    row = out["markdown"].split("| Held |" if lang == "en" else "| Số hoạt động |")[1]
    assert row.split("|")[3].strip() == "0/0/0/3"


def test_a_quarter_is_named_as_a_quarter(small: Path) -> None:
    vi = _reports(small, small.parent, "vi", "--as-of", "2025-Q3")
    en = _reports(small, small.parent, "en", "--as-of", "2025-Q3")
    assert "Kết quả Quý III/2025 của Province" in vi["table"]
    assert "Results for Q3 2025: Province" in en["table"]
    assert "| 9T/2025 |" in vi["markdown"] and "| 9M 2025 |" in en["markdown"]
    assert "≥ 9 (theo tiến độ 9/12)" in vi["detail"]
    # the H1 milestone still holds in September
    assert "≥ 4 (6-month milestone)" in en["detail"]


# --- a whole year: nothing changes ------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2025", "2025-12"])
def test_a_whole_year_writes_what_it_always_wrote(folder: str, small: Path,
                                                  as_of: str) -> None:
    """An as-of at a year's end is that year: every report byte for byte as without
    `--as-of` (checked once against the reports of the commit before these changes)."""
    for lang in ("vi", "en"):
        yearly = _example(lang, folder)
        same = _example(lang, folder, "--as-of", as_of)
        for fmt in (*TEXT, "csv", "json", "parquet"):
            assert same[fmt] == yearly[fmt], (lang, fmt)
        assert yearly["csv"].splitlines()[0] == ",".join(CHECK_COLUMNS)
        for word in ("6T/", "cả năm)", "Đánh giá cuối năm", "due at year end", "○"):
            assert word not in yearly["table"] + yearly["markdown"] + yearly["detail"]
        head = json.loads(pq.read_table(yearly["parquet_path"]).schema.metadata[b"qnkpi"])
        assert "period" not in head
