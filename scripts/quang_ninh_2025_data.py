"""Write the bundled example's illustrative 2025 data: one report row and a few activity
rows per commune-level Youth Union of the 2025 tree.

NOT OFFICIAL STATISTICS. The figures are invented, like the 2023-2024 ones (see
``src/qnkpi/examples/quang-ninh/data/README.md``). Each commune-level union's population
and membership are its predecessor districts' 2024 figures times the lineage weights of
``org-units.yaml``; its rates are the predecessors' 2024 rates plus a year's progress,
with a small per-unit jitter, seeded by the unit's code, so the output is the same on
every run. The cases listed under "cases built in on purpose" are then applied.

Each activity gets a date, ``held_on`` (the source reads the log by month): a weekend day,
outside the Tết holiday, in a month its title fits (the "Bình dân học vụ số" classes from
April, the young informatics contest in May-August, the youth digital transformation day
in September-October), seeded by the unit's code. Every commune-level union that held an
activity held at least one by 30 June 2025, except the four of ``LATE_START``, whose
activities all fall from 1 July: with Lương Minh and Quảng Tân, which held none in the
year, they are the six-month cases of the data README. The 2023-2024 rows were dated once,
by hand and a one-off script (not shipped); this script leaves them as they are.

It also writes the Provincial Youth Union's own rows (every year, only its two yes/no
flags: the measures are ``rollup: none``, each unit's own report), after the communes'.

Run it from the repository root after editing; it rewrites the 2025 rows of
``unit-reports.csv`` and ``activities.csv`` and the province's rows, and leaves the other
rows as they are::

    python scripts/quang_ninh_2025_data.py
"""

from __future__ import annotations

import calendar
import csv
import io
import random
from datetime import date
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "qnkpi" / "examples" / "quang-ninh" / "data"
ORG_UNITS = DATA.parent / "org-units.yaml"
REPORTS = DATA / "unit-reports.csv"
ACTIVITIES = DATA / "activities.csv"
YEAR = 2025

#: (numerator, denominator) of the rates carried from the districts to the communes
RATES = {
    "children_youth_reached": "children_youth_population",
    "youth_using_online_services": "youth_population",
    "youth_with_epayment": "youth_population",
    "youth_using_digital_services": "youth_population",
    "members_in_software": "members_total",
    "members_using_digital_services": "members_total",
    "grassroots_with_core_person": "grassroots_unions",
}
#: What a year of progress adds to a district's 2024 rate.
PROGRESS = 0.08

#: The cases built in on purpose (documented in data/README.md).
PROVINCE = "22"                   # the Provincial Youth Union: its own flags only
NOT_REPORTING = "06913"          # Quảng Tân (from Đầm Hà): no 2025 row, no activities
EXACTLY_60 = "06877"             # Đông Ngũ: online public services exactly 60.0%
EMPTY_CELLS = {"06685": ["documents_total", "documents_on_system"],  # Hồng Gai
               "06841": ["applies_it_member_evaluation"],            # Hoành Mô
               "07030": ["youth_with_epayment"]}                     # Hoành Bồ
FLAGS_AT_0 = {"06985": ["uses_management_software", "applies_it_member_evaluation"],
              "06856": ["applies_it_member_evaluation"]}            # Lương Minh, Lục Hồn
DOCUMENTS_OFF_SYSTEM = {"06724": 3, "07192": 1}                      # Hải Sơn, Cô Tô
ACTIVITIES_HELD = {"06979": 1, "06946": 1, "06985": 0}  # Kỳ Thượng, Đường Hoa, Lương Minh
#: No activity by 30 June 2025: all of these units' activities are dated from 1 July.
LATE_START = {"06757", "06967", "07054", "07135"}  # Vĩnh Thực, Cái Chiên, Quảng La, Đông Mai
ANY_MONTH = range(1, 13)

#: Each activity's title, and the months of 2025 it may be held in (the others: any month).
TITLES = {
    "Lớp “Bình dân học vụ số” cho đoàn viên, thanh niên": range(4, 13),  # launched late March
    "Tập huấn ứng dụng trí tuệ nhân tạo trong học tập và công việc cho đoàn viên": ANY_MONTH,
    "Hướng dẫn thanh niên sử dụng dịch vụ công trực tuyến toàn trình": ANY_MONTH,
    "Hội thi tin học trẻ": range(5, 9),                                  # May-August
    "Ra quân hướng dẫn người dân cài đặt, kích hoạt tài khoản định danh điện tử VNeID": ANY_MONTH,
    "Tập huấn an toàn thông tin, phòng chống lừa đảo trên không gian mạng": ANY_MONTH,
    "Ngày hội chuyển đổi số tuổi trẻ": range(9, 11),  # near Digital Transformation Day, 10/10
}
#: 2025's Tết holiday: no activity is dated in it.
TET = (date(2025, 1, 25), date(2025, 2, 2))


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def district_rates(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """Per district, each rate in 2025: its 2024 rate plus a year's progress."""
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        if int(row["year"]) == YEAR - 1 and row["unit_code"] != PROVINCE:
            out[row["unit_code"]] = {num: min(int(row[num]) / int(row[den]) + PROGRESS, 0.99)
                                     for num, den in RATES.items()}
    return out


def commune_rows(units: list[dict], rows: list[dict[str, str]]) -> list[dict[str, object]]:
    base = {r["unit_code"]: r for r in rows if int(r["year"]) == YEAR - 1}
    rates = district_rates(rows)
    out = []
    for unit in units:
        if unit.get("level") != "commune" or unit["code"] == NOT_REPORTING:
            continue
        code = unit["code"]
        rng = random.Random(code)
        preds = [(p["code"], p["weight"]) for p in unit["predecessors"]]

        def share(column: str, preds: list[tuple[str, float]] = preds) -> float:
            return sum(w * int(base[d][column]) for d, w in preds)

        youth = round(share("youth_population") * 1.01)
        if code == EXACTLY_60:
            youth -= youth % 5
        row: dict[str, object] = {
            "unit_code": code, "year": YEAR,
            "youth_population": youth,
            "children_youth_population": round(youth * 1.62),
            "members_total": round(share("members_total") * 1.01),
            "grassroots_unions": max(1, round(share("grassroots_unions"))),
        }
        weight = sum(w * int(base[d]["youth_population"]) for d, w in preds)
        for num, den in RATES.items():
            mean = sum(w * int(base[d]["youth_population"]) * rates[d][num]
                       for d, w in preds) / weight
            jittered = min(max(mean + rng.uniform(-0.04, 0.04), 0.05), 1.0)
            if num == "members_in_software":
                jittered = 1.0 if rng.random() < 0.8 else min(mean, 0.995)
            row[num] = min(round(jittered * int(row[den])), int(row[den]))  # type: ignore[call-overload]
        if code == EXACTLY_60:
            row["youth_using_online_services"] = youth * 3 // 5
        documents = rng.randint(60, 160)
        row["documents_total"] = documents
        row["documents_on_system"] = documents - DOCUMENTS_OFF_SYSTEM.get(code, 0)
        row["uses_management_software"] = 1
        row["applies_it_member_evaluation"] = 1
        for column in FLAGS_AT_0.get(code, []):
            row[column] = 0
        for column in EMPTY_CELLS.get(code, []):
            row[column] = ""
        out.append(row)
    return out


def province_rows() -> list[dict[str, object]]:
    """The Provincial Youth Union's own report of each year: its two flags (its office uses
    the software, 1), the other cells empty (its totals are added up from its units)."""
    return [{"unit_code": PROVINCE, "year": year, "uses_management_software": 1,
             "applies_it_member_evaluation": 1} for year in range(2023, YEAR + 1)]


def held_on(code: str, titles: list[str]) -> list[str]:
    """The dates of a unit's 2025 activities, one per title, seeded by the unit's code: a
    weekend day (outside Tết) in a month the title fits, no two on the same day. At least
    one falls on or before 30 June, except for the units of `LATE_START`, whose activities
    all fall from 1 July."""
    rng = random.Random(f"held-on-{code}")
    late = code in LATE_START
    months = [rng.choice([m for m in TITLES[t] if m >= 7 or not late]) for t in titles]
    if titles and not late and min(months) >= 7:
        # the first activity whose title fits the first half is moved into it
        i = next(i for i, t in enumerate(titles) if min(TITLES[t]) <= 6)
        months[i] = rng.choice([m for m in TITLES[titles[i]] if m <= 6])
    used: set[date] = set()
    out = []
    for month in months:
        days = [day for day in (date(YEAR, month, d)
                                for d in range(1, calendar.monthrange(YEAR, month)[1] + 1))
                if day.weekday() >= 5 and not TET[0] <= day <= TET[1] and day not in used]
        day = rng.choice(days)
        used.add(day)
        out.append(day.isoformat())
    return out


def activity_rows(units: list[dict]) -> list[dict[str, object]]:
    out = []
    for unit in units:
        code = unit["code"]
        if unit.get("level") != "commune" or code == NOT_REPORTING:
            continue
        rng = random.Random(f"activities-{code}")
        held = ACTIVITIES_HELD.get(code, rng.choice([2, 2, 3, 3, 4]))
        titles = rng.sample(list(TITLES), held)
        dates = held_on(code, titles)
        for n, (title, day) in enumerate(zip(titles, dates, strict=True), start=1):
            out.append({"unit_code": code, "year": YEAR, "held_on": day,
                        "activity_id": f"{code}-{YEAR}-{n:02d}",
                        "title_vi": title, "participants": rng.randint(25, 180)})
    return out


def _write(path: Path, fields: list[str], keep: list[dict[str, str]],
           new: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(keep)
    writer.writerows(new)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def main() -> None:
    units = yaml.safe_load(ORG_UNITS.read_text(encoding="utf-8"))["units"]
    fields, rows = _read(REPORTS)
    keep = [r for r in rows if int(r["year"]) != YEAR and r["unit_code"] != PROVINCE]
    _write(REPORTS, fields, keep, [*commune_rows(units, rows), *province_rows()])
    fields, acts = _read(ACTIVITIES)
    _write(ACTIVITIES, fields, [r for r in acts if int(r["year"]) != YEAR], activity_rows(units))


if __name__ == "__main__":
    main()
