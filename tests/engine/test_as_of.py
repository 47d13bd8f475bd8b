"""Judging part of a year: `evaluate(as_of="2025-06")` against hand-worked oracles.

Three districts report by month (a CSV with a `month` column) in 2024 and 2025:

| unit | held (a flow): per month             | members (a stock) | reached / population |
| ---- | ------------------------------------ | ----------------- | -------------------- |
| D1   | 1 each month (June: 6, year: 12)     | 90 + month        | 10 x month / 200     |
| D2   | 1 a month Jan-Apr, then 2 from July  | 100 flat          | 25 x month / 300     |
|      | (June: 4, year: 16)                  |                   |                      |
| D3   | none until July, then 3 a month      | 80 + 2 x month    | none until July      |
|      | (June: 0, year: 18)                  |                   | (then 20 x month)    |

The same rows are written by quarter and by half as well; each must give the same
checks as the months at the same point of the year.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

import qnkpi
from qnkpi.errors import QnkpiError
from qnkpi.testing import spec_from_dict, tiny_programme

MONTHS = range(1, 13)


def _month_rows() -> list[dict[str, Any]]:
    rows = []
    for year in (2024, 2025):
        for m in MONTHS:
            rows += [
                {"unit": "D1", "month": m, "held": 1, "members": 90 + m,
                 "reached": 10 * m, "population": 200},
                {"unit": "D2", "month": m, "held": 1 if m <= 4 else 2 if m >= 7 else 0,
                 "members": 100, "reached": 25 * m, "population": 300},
                {"unit": "D3", "month": m, "held": 3 if m >= 7 else 0, "members": 80 + 2 * m,
                 "reached": 20 * m if m >= 7 else None, "population": 250},
            ]
            for row in rows[-3:]:
                row["year"] = year
    return rows


def _write(path: Path, kind: str) -> None:
    """The month rows grouped into `kind` periods: flows added up, stocks as they
    stand at the period's last month."""
    per = {"month": 1, "quarter": 3, "half": 6}[kind]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _month_rows():
        index = (row["month"] - 1) // per + 1
        label = {"month": f"{row['year']}-{row['month']:02d}",
                 "quarter": f"{row['year']}-Q{index}", "half": f"{row['year']}-H{index}"}[kind]
        cell = out.setdefault((row["unit"], label), {"unit_code": row["unit"], "period": label,
                                                     "held": 0})
        cell["held"] += row["held"]
        for stock in ("members", "reached", "population"):
            cell[stock] = row[stock]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["unit_code", "period", "held", "members", "reached",
                                    "population"])
        writer.writeheader()
        writer.writerows(out.values())


HELD = {"years": [2024, 2025], "op": ">=", "value": 12, "level": "district"}
INDICATORS = {
    "held_prorated": {"kind": "value", "measure": "held", "direction": "increase",
                      "targets": [{**HELD, "partial": "prorate"}]},
    "held_milestone": {"kind": "value", "measure": "held", "direction": "increase",
                       "targets": [{**HELD, "milestones": [{"by": "H1", "value": 4}]}]},
    "held": {"kind": "value", "measure": "held", "direction": "increase",
             "targets": [HELD]},
    "members": {"kind": "value", "measure": "members", "direction": "increase",
                "targets": [{"years": [2024, 2025], "op": ">=", "value": 95,
                             "level": "district"}]},
    "reached_pct": {"kind": "ratio", "numerator": "reached", "denominator": "population",
                    "factor": 100, "direction": "increase",
                    "targets": [{"years": [2024, 2025], "op": ">", "value": 40}]},
}


def _spec(tmp_path: Path, kind: str = "month") -> qnkpi.Spec:
    _write(tmp_path / f"{kind}.csv", kind)
    data = tiny_programme(indicators=INDICATORS, start=2024, end=2030)
    data["sources"] = {"log": {"type": "csv", "path": f"{kind}.csv", "unit": "unit_code",
                               "period": kind, "period_column": "period"}}
    data["measures"] = {"held": {"source": "log", "over_time": "sum"},
                        **{m: {"source": "log", "over_time": "last"}
                           for m in ("members", "reached", "population")}}
    return spec_from_dict(data, base_dir=tmp_path)


def _checks(result: qnkpi.Result, year: int = 2025) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c.indicator, c.unit): c.to_dict() for c in result.checks() if c.year == year}


def test_six_months_against_hand_worked_oracles(tmp_path: Path) -> None:
    result = qnkpi.evaluate(_spec(tmp_path), as_of="2025-06")
    assert result.as_of == 2025 and result.period is not None
    assert result.period.label == "2025-06"
    got = _checks(result)
    # a flow prorated: 12 x 6/12 = 6 by June
    assert [(got["held_prorated", u]["value"], got["held_prorated", u]["threshold"],
             got["held_prorated", u]["status"]) for u in ("D1", "D2", "D3")] == [
        (6.0, 6.0, "met"), (4.0, 6.0, "not_met"), (0.0, 6.0, "not_met")]
    assert got["held_prorated", "D1"]["partial"] == "prorate"
    assert got["held_prorated", "D1"]["year_threshold"] == 12.0
    # a milestone of 4 by the first half
    assert [got["held_milestone", u]["status"] for u in ("D1", "D2", "D3")] == [
        "met", "met", "not_met"]
    assert got["held_milestone", "D2"]["threshold"] == 4.0
    assert got["held_milestone", "D2"]["partial"] == "milestone"
    # a flow that says nothing is judged at the year's end; its value so far is shown
    assert [(got["held", u]["value"], got["held", u]["status"], got["held", u]["partial"])
            for u in ("D1", "D2", "D3")] == [
        (6.0, "not_due", "year_end"), (4.0, "not_due", "year_end"),
        (0.0, "not_due", "year_end")]
    # a stock as it stands at June against the year's threshold
    assert [(got["members", u]["value"], got["members", u]["status"])
            for u in ("D1", "D2", "D3")] == [(96.0, "met"), (100.0, "met"), (92.0, "not_met")]
    assert got["members", "D3"]["partial"] == "as_is"
    # a ratio of the parts as they stand at June, never a mean of the units' ratios:
    # D3 has no reached figure yet, so the province adds up D1 and D2 over their own
    # populations (60 + 150) / (200 + 300) = 42%
    province = got["reached_pct", "P"]
    assert (province["numerator"], province["denominator"]) == (210.0, 500.0)
    assert province["value"] == pytest.approx(42.0)
    assert province["status"] == "met"
    # a whole year before the as-of is judged as a year, and says so
    earlier = _checks(result, 2024)
    assert earlier["held", "D2"]["period"] == "2024"
    assert earlier["held", "D2"]["partial"] is None
    assert earlier["held", "D2"]["status"] == "met"  # 16 >= 12
    assert result.summary()["not_due"] == 3


def test_before_a_milestone_the_target_waits_for_the_year_end(tmp_path: Path) -> None:
    got = _checks(qnkpi.evaluate(_spec(tmp_path), as_of="2025-03"))
    assert {got["held_milestone", u]["status"] for u in ("D1", "D2", "D3")} == {"not_due"}
    # prorated: 12 x 3/12 = 3; D1 held 3, D2 3, D3 0
    assert [got["held_prorated", u]["status"] for u in ("D1", "D2", "D3")] == [
        "met", "met", "not_met"]
    assert got["members", "D1"]["value"] == 93.0


@pytest.mark.parametrize(("kind", "as_of"), [("quarter", "2025-Q2"), ("half", "2025-H1"),
                                             ("month", "2025-Q2"), ("month", "2025-H1")])
def test_every_kind_of_period_gives_the_months_checks(tmp_path: Path, kind: str,
                                                      as_of: str) -> None:
    months = qnkpi.evaluate(_spec(tmp_path, "month"),
                            as_of="2025-06")
    other = qnkpi.evaluate(_spec(tmp_path, kind), as_of=as_of)

    def rows(result: qnkpi.Result) -> list[tuple[Any, ...]]:
        return [(c.indicator, c.unit, c.year, c.value, c.threshold, c.status, c.partial)
                for c in result.checks()]

    assert rows(other) == rows(months)
    assert other.period is not None and other.period.label == as_of


def test_a_source_by_half_has_nothing_before_its_first_half_ends(tmp_path: Path) -> None:
    got = _checks(qnkpi.evaluate(_spec(tmp_path, "half"), as_of="2025-05"))
    assert got["members", "D1"]["value"] is None
    assert got["members", "D1"]["status"] == "no_data"


def test_a_whole_year_as_of_is_the_yearly_result(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    yearly = qnkpi.evaluate(spec)
    for as_of in (2025, "2025", "2025-12", "2025-Q4", "2025-H2"):
        same = qnkpi.evaluate(spec, as_of=as_of)
        assert same.period is None
        assert json.dumps(same.to_dict()) == json.dumps(yearly.to_dict())
    assert "period" not in yearly.to_dict() and "not_due" not in yearly.summary()
    assert "period" not in yearly.to_dict()["checks"][0]


def test_the_json_carries_the_period(tmp_path: Path) -> None:
    result = qnkpi.evaluate(_spec(tmp_path), as_of="2025-06")
    doc = result.to_dict()
    assert doc["as_of"] == 2025 and doc["period"] == "2025-06"
    assert list(doc)[:5] == ["qnkpi", "programme", "as_of", "period", "restated_to"]
    import io

    stream = io.StringIO()
    result.write_json(stream)
    assert json.loads(stream.getvalue()) == json.loads(json.dumps(doc))
    table = result.to_arrow()
    assert table.schema.names[-4:] == ["period", "partial", "year_threshold",
                                       "year_threshold_max"]


def test_a_yearly_source_waits_for_the_year_end(tmp_path: Path) -> None:
    data = tiny_programme(
        data={"members": {"D1": {2024: 90, 2025: 120}, "D2": {2024: 80, 2025: 99}}},
        indicators={"members": INDICATORS["members"]}, start=2024)
    result = qnkpi.evaluate(spec_from_dict(data), as_of="2025-06")
    got = _checks(result)
    assert (got["members", "D1"]["value"], got["members", "D1"]["status"]) == (None, "not_due")
    assert any("reports by year" in w and "2025-06" in w for w in result.warnings)


@pytest.mark.parametrize(("as_of", "message"), [
    ("2025-13", "a year has 12 months"), ("June", "is not a period"),
    ("2031-06", "outside the programme's period")])
def test_a_bad_as_of_says_what_to_write(tmp_path: Path, as_of: str, message: str) -> None:
    with pytest.raises(QnkpiError, match=message):
        qnkpi.evaluate(_spec(tmp_path), as_of=as_of)


def test_year_and_as_of_in_different_years(tmp_path: Path) -> None:
    with pytest.raises(QnkpiError, match="different years"):
        qnkpi.evaluate(_spec(tmp_path), year=2024, as_of="2025-06")
    only = qnkpi.evaluate(_spec(tmp_path), year=2025, as_of="2025-06")
    assert {c.year for c in only.checks()} == {2025}


def test_a_stock_is_assessed_at_its_month_and_a_flow_on_whole_years(tmp_path: Path) -> None:
    data = tiny_programme(start=2024, end=2026)
    _write(tmp_path / "month.csv", "month")
    data["sources"] = {"log": {"type": "csv", "path": "month.csv", "unit": "unit_code",
                               "period": "month", "period_column": "period"}}
    data["measures"] = {"held": {"source": "log", "over_time": "sum"},
                        "members": {"source": "log", "over_time": "last"}}
    data["indicators"] = {
        "members": {"kind": "value", "measure": "members", "direction": "increase",
                    "targets": [{"year": 2026, "op": ">=", "value": 120, "level": "district"}]},
        "held": {"kind": "value", "measure": "held", "direction": "increase",
                 "targets": [{"year": 2026, "op": ">=", "value": 30, "level": "district"}]}}
    data["programme"]["assessment"] = {"methods": ["linear_path"]}
    result = qnkpi.evaluate(spec_from_dict(data, base_dir=tmp_path), as_of="2025-06")
    rows = {(a["indicator"], a["unit"]): a for a in result.assessment_rows()}
    # D1's members: 102 at the end of 2024, 96 at June 2025 (as the data say), the year
    # so far of a stock: its current point is June 2025, measured there
    d1 = rows["members", "D1"]
    assert d1["current"] == {"year": 2025, "value": 96.0}
    assert d1["reason"] is not None and "as-of month" in d1["reason"]
    # linear path from 2024 (102) to 2026 (120): June 2025 is half a year after the end
    # of 2024, so the path expects 18 x 0.5 / 2 = 4.5 of progress (a whole year would
    # expect 9); the change made is 96 - 102 = -6: ratio -6 / 4.5
    assert d1["ratio"] == pytest.approx(-6 / 4.5)
    assert d1["status"] == "regressing"
    # a flow's six months are not a year's value: assessed on 2024, the last whole year
    assert rows["held", "D2"]["current"] == {"year": 2024, "value": 16.0}


def test_a_level_of_a_year_not_over_is_never_overdue(tmp_path: Path) -> None:
    data = tiny_programme(start=2024, end=2026)
    _write(tmp_path / "month.csv", "month")
    data["sources"] = {"log": {"type": "csv", "path": "month.csv", "unit": "unit_code",
                               "period": "month", "period_column": "period"}}
    data["measures"] = {"members": {"source": "log", "over_time": "last"}}
    data["indicators"] = {"members": {
        "kind": "value", "measure": "members", "direction": "increase",
        "targets": [{"year": 2025, "op": ">=", "value": 100, "level": "district"},
                    {"year": 2026, "op": ">=", "value": 120, "level": "district",
                     "goal": True}]}}
    data["programme"]["assessment"] = {"methods": ["linear_path"]}
    spec = spec_from_dict(data, base_dir=tmp_path)
    june = qnkpi.evaluate(spec, as_of="2025-06")
    # D3 has 92 members in June 2025, below the 2025 level of 100: not met so far...
    assert _checks(june)["members", "D3"]["status"] == "not_met"
    # ...but the level is due at the end of 2025: not overdue in June
    d3 = {a["unit"]: a for a in june.assessment_rows()}["D3"]
    assert d3["status"] != "overdue"
    # at the year's end (104 in December) it is judged as a whole year
    assert _checks(qnkpi.evaluate(spec, as_of=2025))["members", "D3"]["status"] == "met"
