"""Periods within the year: parsing them (columnar), and a year's value from its periods
by each measure's `over_time`, against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qnkpi import parse_spec
from qnkpi.engine.over_time import fold, fold_measures
from qnkpi.errors import SpecError
from qnkpi.periods import label, parse_column, slots_of_dates
from qnkpi.sources.base import FetchRequest, MeasureRequest
from qnkpi.testing import plugins_with

NAN = np.nan


@pytest.mark.parametrize(("kind", "texts", "slots"), [
    ("month", ["2025-06", "2025-1", " 2024-12 ", None],
     [2025 * 12 + 5, 2025 * 12, 2024 * 12 + 11, -1]),
    ("quarter", ["2025-Q2", "2025-q4"], [2025 * 4 + 1, 2025 * 4 + 3]),
    ("half", ["2025-H1", "2025-H2"], [2025 * 2, 2025 * 2 + 1]),
    ("year", ["2025", "2024"], [2025, 2024]),
])
def test_period_texts_become_slots(kind: str, texts: list[str | None], slots: list[int]) -> None:
    got, bad, problem = parse_column(texts, kind)
    assert (got.tolist(), bad, problem) == (slots, -1, "")


@pytest.mark.parametrize(("kind", "texts", "at", "message"), [
    ("month", ["2025-06", "2025-13"], 1,
     "'2025-13' is not a month: write YYYY-MM, such as 2025-06, with a month 01-12"),
    ("month", ["2025-Q2"], 0, "'2025-Q2' is a quarter, but the source reports by month "
     "(period: month): write YYYY-MM, such as 2025-06, or change the source's 'period'"),
    ("quarter", ["2025-Q5"], 0,
     "'2025-Q5' is not a quarter: write YYYY-Qn, such as 2025-Q2, with a quarter Q1-Q4"),
    ("half", ["June 2025"], 0, "'June 2025' is not a half: write YYYY-Hn, such as 2025-H1"),
])
def test_a_bad_period_is_named_with_what_to_write(kind: str, texts: list[str], at: int,
                                                  message: str) -> None:
    _, bad, problem = parse_column(texts, kind)
    assert (bad, problem) == (at, message)


def test_labels() -> None:
    assert [label(2025 * 12 + 5, "month"), label(2025 * 4 + 1, "quarter"),
            label(2025 * 2 + 1, "half"), label(2025, "year")] == [
        "2025-06", "2025-Q2", "2025-H2", "2025"]


def test_dates_fall_in_their_month_quarter_half_and_year() -> None:
    days = np.array(["2025-01-01", "2025-03-31", "2025-04-01", "2025-07-01", "2025-12-31",
                     "NaT"], dtype="datetime64[D]")
    assert (slots_of_dates(days, "month") - 2025 * 12).tolist()[:5] == [0, 2, 3, 6, 11]
    assert (slots_of_dates(days, "quarter") - 2025 * 4).tolist()[:5] == [0, 0, 1, 2, 3]
    assert (slots_of_dates(days, "half") - 2025 * 2).tolist()[:5] == [0, 0, 0, 1, 1]
    assert slots_of_dates(days, "year").tolist() == [2025] * 5 + [-1]


# --- a year's value from its periods ---------------------------------------------------------

PANEL = np.array([
    # 2024: Q1..Q4                2025: Q1..Q4
    [1.0, 2.0, NAN, 4.0,          NAN, NAN, NAN, NAN],
    [NAN, NAN, NAN, NAN,          5.0, NAN, 7.0, NAN],
])


@pytest.mark.parametrize(("how", "expected"), [
    ("sum", [[7.0, NAN], [NAN, 12.0]]),
    ("last", [[4.0, NAN], [NAN, 7.0]]),
    ("max", [[4.0, NAN], [NAN, 7.0]]),
    ("mean", [[7.0 / 3, NAN], [NAN, 6.0]]),
])
def test_fold_by_hand(how: str, expected: list[list[float]]) -> None:
    np.testing.assert_allclose(fold(PANEL, 4, how), np.array(expected), equal_nan=True)


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e6)), min_size=12, max_size=12))
def test_a_year_of_months_sums_like_the_months(months: list[float | None]) -> None:
    panel = np.array([[NAN if v is None else v for v in months]])
    got = fold(panel, 12, "sum")[0, 0]
    given_values = [v for v in months if v is not None]
    if not given_values:
        assert np.isnan(got)  # never 0 for a year without a value
    else:
        assert got == pytest.approx(sum(given_values))


def _request(per_year: int, period: str) -> FetchRequest:
    return FetchRequest("log", (MeasureRequest("held", "id", "count"),
                                MeasureRequest("members", None, None)),
                        {"A": 0, "B": 1}, np.array([2024, 2025]), per_year=per_year,
                        period=period)


def test_a_year_the_data_stop_inside_is_left_out_of_flows_only() -> None:
    request = _request(4, "quarter")
    assert request.shape == (2, 8) and request.slots[0] == 2024 * 4
    yearly, notes = fold_measures(request, {"held": PANEL.copy(), "members": PANEL.copy()},
                                  {"held": "sum", "members": "last"})
    # the data stop at 2025-Q3: 2025's activities so far are not the year's
    np.testing.assert_allclose(yearly["held"], [[7.0, NAN], [NAN, NAN]], equal_nan=True)
    np.testing.assert_allclose(yearly["members"], [[4.0, NAN], [NAN, 7.0]], equal_nan=True)
    assert notes == ["source 'log' has data up to 2025-Q3, before the end of 2025: that year "
                     "is left out of held (added up over the year, its periods so far are "
                     "not the year's value)"]


def test_a_yearly_request_is_left_as_it_is() -> None:
    request = _request(1, "year")
    panel = np.array([[1.0, 2.0], [3.0, NAN]])
    yearly, notes = fold_measures(request, {"held": panel}, {"held": "sum"})
    assert yearly["held"] is panel and notes == []


# --- the spec: over_time where it is needed ----------------------------------------------------

SPEC = """\
qnkpi: 1
programme: {{id: tiny, title: Tiny, period: {{start: 2024, end: 2026}}}}
org_units:
  levels: [province]
  units: [{{code: "P", name: Province, level: province}}]
sources:
  log: {{type: csv, path: log.csv, unit: unit, {keys}}}
measures:
  members: {{source: log{measure}}}
indicators:
  m: {{kind: value, measure: members, direction: increase}}
"""


def _problems(keys: str, measure: str = "") -> list[str]:
    try:
        parse_spec(SPEC.format(keys=keys, measure=measure), plugins=plugins_with())
    except SpecError as exc:
        return [p.message for p in exc.problems]
    return []


def test_a_table_measure_of_a_source_by_period_must_say_over_time() -> None:
    [message] = _problems("period: month, period_column: month")
    assert message.startswith("source 'log' reports by month: say how a year's periods make "
                              "the year's value with 'over_time'")
    assert _problems("period: month, period_column: month", ", over_time: last") == []


@pytest.mark.parametrize(("keys", "fragment"), [
    ("period: month", "exactly one of 'period_column'"),
    ("period: month, period_column: m, date: d", "exactly one of 'period_column'"),
    ("period: month, date: d, year: y", "remove 'year'"),
    ("period_column: m, year: y", "'period_column' is for a source that reports by half"),
    ("year: y, date: d", "give 'year' or 'date', not both"),
])
def test_the_time_columns_of_a_source(keys: str, fragment: str) -> None:
    assert any(fragment in m for m in _problems(keys, ", over_time: last"))


def test_the_first_bad_time_of_a_databases_distinct_texts() -> None:
    from qnkpi.periods import first_bad_time

    assert first_bad_time([("2025-06", "D1"), ("2025-07", "D2")], "month", date=False) is None
    assert first_bad_time([("2025-06", "D1"), ("2025-13", "D2")], "month", date=False) == (
        ("2025-13", "D2"), "'2025-13' is not a month: write YYYY-MM, such as 2025-06, with a "
        "month 01-12")
    assert first_bad_time([(None, "D3"), ("2025-Q1", "D1")], "quarter", date=False) == (
        (None, "D3"), "the period is empty; fill it in, or delete the row")
    rows = [("2025-06-14", "D1", "2025-06-14", ""), ("2025-02-30", "D2", "2025-02-30", "")]
    assert first_bad_time(rows, "month", date=True) == (
        rows[1], "'2025-02-30' is not a date: write dates as YYYY-MM-DD, such as 2025-06-14")
