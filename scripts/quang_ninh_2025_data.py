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

Each report row carries the date it gives the figures at, ``reported_on`` (the spec reads
the reports by half): a year-end report is dated 31 December of its year. For 2025 every
commune-level union that reports, and the province, also send a six-month report dated
30 June 2025, written right before the unit's year-end row:

- populations and members a little below the year-end figures, the same grassroots unions;
- the stocks (youth using online public services, e-payment and digital services, members
  in the software and using digital services, grassroots unions with a core person) at a
  rate between the unit's 2024 rate (its predecessors', weighted as above) and its 2025
  year-end rate, seeded by the unit's code;
- children and youth reached so far, and documents so far, about half of the year's (they
  count what happened in the year to date); the documents on the system at a share between
  the 2024 one and the year-end one;
- the yes/no flags as at 30 June: the units of ``SOFTWARE_IN_H2`` take up the management
  software only in the second half;
- a cell left empty at the year's end is empty at mid-year too.

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
#: The year-end reports' date (month-day), and the six-month reports' date of 2025.
YEAR_END = "12-31"
MID_YEAR = f"{YEAR}-06-30"
#: Units that take up the management software only in the second half of 2025 (0 on 30 June).
SOFTWARE_IN_H2 = {"06967", "06970"}  # Cái Chiên, Ba Chẽ

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
    """The 2025 rows of the commune-level unions: each unit's six-month report, then its
    year-end report."""
    base = {r["unit_code"]: r for r in rows if int(r["year"]) == YEAR - 1
            and r.get("reported_on", f"{YEAR - 1}-{YEAR_END}").endswith(YEAR_END)}
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
        row["reported_on"] = f"{YEAR}-{YEAR_END}"
        before = {num: sum(w * int(base[d]["youth_population"]) * int(base[d][num])
                           / int(base[d][den]) for d, w in preds) / weight
                  for num, den in RATES.items()}
        out.extend([six_month_row(row, before), row])
    return out


def six_month_row(year_end: dict[str, object],
                  before: dict[str, float]) -> dict[str, object]:
    """A unit's report as at 30 June 2025, from its year-end report and its 2024 rates
    (`before`), seeded by its code."""
    def whole(row: dict[str, object], column: str) -> int:
        return int(str(row[column]))

    code = str(year_end["unit_code"])
    rng = random.Random(f"six-months-{code}")
    youth = round(whole(year_end, "youth_population") * (1 - rng.uniform(0.002, 0.006)))
    row: dict[str, object] = {
        "unit_code": code, "year": YEAR,
        "youth_population": youth,
        "children_youth_population": round(youth * 1.62),
        "members_total": round(whole(year_end, "members_total")
                               * (1 - rng.uniform(0.005, 0.015))),
        "grassroots_unions": year_end["grassroots_unions"],
    }
    way = rng.uniform(0.35, 0.85)  # how far from the 2024 rate towards the year-end one
    for num, den in RATES.items():
        if year_end[num] == "":
            row[num] = ""
            continue
        end = whole(year_end, num) / whole(year_end, den)
        if num == "children_youth_reached":  # reached so far this year: a flow
            rate = end * rng.uniform(0.42, 0.62)
        else:  # a stock, between 2024 and the year's end (never above the year's end)
            rate = min(before[num] + way * (end - before[num]), end)
        row[num] = min(round(rate * whole(row, den)), whole(row, den))
    if year_end["documents_total"] == "":
        row["documents_total"] = row["documents_on_system"] = ""
    else:
        total = round(whole(year_end, "documents_total") * rng.uniform(0.44, 0.54))
        off = whole(year_end, "documents_total") - whole(year_end, "documents_on_system")
        row["documents_total"] = total
        row["documents_on_system"] = total - (off + 1) // 2
    row["uses_management_software"] = (0 if code in SOFTWARE_IN_H2
                                       else year_end["uses_management_software"])
    row["applies_it_member_evaluation"] = year_end["applies_it_member_evaluation"]
    row["reported_on"] = MID_YEAR
    return row


def province_rows() -> list[dict[str, object]]:
    """The Provincial Youth Union's own report of each year, and of the first half of 2025:
    its two flags (its office uses the software, 1), the other cells empty (its totals are
    added up from its units)."""
    dates = [f"{year}-{YEAR_END}" for year in range(2023, YEAR)] + [MID_YEAR, f"{YEAR}-{YEAR_END}"]
    return [{"unit_code": PROVINCE, "year": int(day[:4]), "uses_management_software": 1,
             "applies_it_member_evaluation": 1, "reported_on": day} for day in dates]


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
    if "reported_on" not in fields:  # the year-end reports are dated 31 December
        fields.append("reported_on")
        for row in rows:
            row["reported_on"] = f"{row['year']}-{YEAR_END}"
    keep = [r for r in rows if int(r["year"]) != YEAR and r["unit_code"] != PROVINCE]
    _write(REPORTS, fields, keep, [*commune_rows(units, rows), *province_rows()])
    fields, acts = _read(ACTIVITIES)
    _write(ACTIVITIES, fields, [r for r in acts if int(r["year"]) != YEAR], activity_rows(units))


if __name__ == "__main__":
    main()
