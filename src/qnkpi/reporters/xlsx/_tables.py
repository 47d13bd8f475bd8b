"""The sheets of every check (`Kết quả`) and every assessment (`Tiến độ`), as Excel
tables, ready to filter, sort and pivot."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, gettext, period_title
from qnkpi.reporters._present import verdict_words
from qnkpi.reporters.xlsx._cells import (
    CHANGE_FORMAT,
    COUNT_FORMAT,
    RATIO_FORMAT,
    SIGNS,
    Col,
    Styles,
    add_table,
    bound_format,
    table_name,
    value_format,
    write_columns,
)
from qnkpi.reporters.xlsx._common import level_word, method_word, reason_text, title_of, yes

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.periods import AsOf

def checks_sheet(ws: Any, result: Result, lang: str, st: Styles) -> None:
    """Every check, one row each, as an Excel table."""
    tree = result.tree
    c: dict[str, list[Any]] = {key: [] for key in (
        "indicator", "title", "unit", "unit_name", "level", "year", "value", "op", "lo",
        "hi", "margin", "numerator", "denominator", "verdict", "fill", "target",
        "interpolated", "goal", "aspirational", "assumed_year", "note", "basis",
        "expected_units", "reported_units", "coverage", "format", "margin_format",
        "period", "partial", "year_lo", "year_hi")}
    period = result.period
    words = np.array(verdict_words(lang), dtype=object)
    for name, res in result.indicators.items():
        columns = result.check_columns(name)
        n = len(columns["year"])
        if not n:
            continue
        years, units = np.nonzero(res.status.T)  # the order of check_columns
        codes = res.verdict[units, years]
        lo = [th[0] if isinstance(th, list) else th for th in columns["threshold"]]
        hi = [th[1] if isinstance(th, list) else None for th in columns["threshold"]]
        c["indicator"] += columns["indicator"]
        c["title"] += [title_of(res, name, lang)] * n
        c["unit"] += columns["unit"]
        c["unit_name"] += tree.unit_names(units, years, lang)
        c["level"] += [level_word(result, level, lang) for level in columns["level"]]
        for key in ("year", "value", "margin", "numerator", "denominator",
                    "expected_units", "reported_units", "coverage"):
            c[key] += columns[key]
        notes = [None if t.note is None else t.note.get(lang) for t in res.indicator.targets]
        c["note"] += [notes[t] for t in columns["target"]]  # in the report's language
        c["op"] += [_op_text(op, lang) for op in columns["op"]]
        c["lo"] += lo
        c["hi"] += hi
        c["verdict"] += words[codes].tolist()
        c["fill"] += codes.tolist()
        c["target"] += [t + 1 for t in columns["target"]]
        for key in ("interpolated", "goal", "aspirational", "assumed_year"):
            c[key] += [yes(flag, lang) for flag in columns[key]]
        c["basis"] += [gettext(b.replace("_", " "), lang) for b in columns["basis"]]
        c["format"] += [value_format(res)] * n
        c["margin_format"] += [_margin_format(res, lang)] * n
        if period is not None:  # part-way through a year: when and how it was judged
            c["period"] += [_period_text(text, period, lang) for text in columns["period"]]
            c["partial"] += [gettext(_HOW_WORDS[how], lang) if how else None
                             for how in columns["partial"]]
            year = columns["year_threshold"]
            c["year_lo"] += [th[0] if isinstance(th, list) else th for th in year]
            c["year_hi"] += [th[1] if isinstance(th, list) else None for th in year]
    fmt = c["format"]
    g = functools.partial(gettext, lang=lang)
    cols = [
        Col(g("Indicator code"), 24, c["indicator"], text=True),
        Col(g("Indicator"), 50, c["title"]),
        Col(g("Unit code"), 10, c["unit"], text=True),
        Col(g("Unit name"), 28, c["unit_name"]),
        Col(g("Level"), 12, c["level"]),
        Col(g("Year"), 8, c["year"]),
        Col(g("Value"), 12, c["value"], fmt),
        Col(g("Comparison"), 12, c["op"]),
        Col(g("Threshold"), 12, c["lo"], fmt),
        Col(g("Upper threshold"), 12, c["hi"], fmt),
        Col(g("Margin"), 14, c["margin"], c["margin_format"]),
        Col(g("Numerator"), 13, c["numerator"], COUNT_FORMAT),
        Col(g("Denominator"), 13, c["denominator"], COUNT_FORMAT),
        Col(g("Verdict"), 16, c["verdict"], fills=c["fill"]),
        Col(g("Target no."), 10, c["target"]),
        Col(g("Interpolated"), 11, c["interpolated"]),
        Col(g("Goal target"), 11, c["goal"]),
        Col(g("Aspirational"), 11, c["aspirational"]),
        Col(g("Assumed year"), 11, c["assumed_year"]),
        Col(g("Notes"), 40, c["note"]),
        Col(g("Basis"), 16, c["basis"]),
        Col(g("Units expected"), 11, c["expected_units"], COUNT_FORMAT),
        Col(g("Units reported"), 11, c["reported_units"], COUNT_FORMAT),
        Col(g("Coverage"), 11, c["coverage"], RATIO_FORMAT),
    ]
    if period is not None:
        cols += [
            Col(g("Period"), 18, c["period"]),
            Col(g("Judged"), 24, c["partial"]),
            Col(g("Year's threshold"), 12, c["year_lo"], fmt),
            Col(g("Year's upper threshold"), 12, c["year_hi"], fmt),
        ]
    add_table(ws, table_name(ws.title), cols, write_columns(ws, cols, 1, 2, st,
                                                            borders=False))


#: How a check of the as-of year was judged (`partial` of a check), in a reader's words.
_HOW_WORDS = {"as_is": "as it stands, against the year's threshold",
              "prorate": "against the year's threshold prorated",
              "milestone": "against a milestone of the target",
              "year_end": "at the year's end"}


def _period_text(text: str, period: AsOf, lang: str) -> str:
    """A check's period as read: the year (`2024`), or for the as-of year the period
    (`6 tháng đầu năm 2025`)."""
    if text != period.label:
        return text
    name = period_title(period, lang)
    return name[:1].upper() + name[1:]


def _margin_format(res: IndicatorResult, lang: str) -> str:
    """A margin's format, signed: as the values for a count; for a percentage, which it
    is the difference of, in percentage points (`điểm %`) with two decimals."""
    if res.indicator.unit != "percent":
        body = value_format(res)
        return f"+{body};-{body};{body}"
    unit = gettext("pp", lang).replace('"', "")
    body = f'#,##0.00" {unit}"'
    return f"+{body};-{body};{body}"


def _op_text(op: str, lang: str) -> str:
    """A comparison as read: `≥`, `<`; a range in words."""
    return gettext("between", lang) if op == "between" else SIGNS.get(op, op)


#: How an assessment's baseline was taken (its `baseline_basis`), in the reader's words.
_BASELINE_WORDS = {"as_reported": "as reported", "restated": "restated baseline",
                   "current_tree": "baseline on the current units"}


def assessments_sheet(ws: Any, result: Result, lang: str, st: Styles) -> None:
    """Every assessment, one row each, as an Excel table."""
    tree = result.tree
    names = tree.latest_names(lang)
    rows = list(result.assessment_rows())
    res = [result.indicators[r["indicator"]] for r in rows]
    fmt = [value_format(ind_res) for ind_res in res]
    goal_fmt = [bound_format(r["goal"], r["op"], ind_res.indicator.unit == "percent")
                if r["goal"] is not None else "General"  # a trend has no goal
                for r, ind_res in zip(rows, res, strict=True)]
    g = functools.partial(gettext, lang=lang)
    cols = [
        Col(g("Indicator code"), 24, [r["indicator"] for r in rows], text=True),
        Col(g("Indicator"), 50, [title_of(ind_res, r["indicator"], lang)
                                for r, ind_res in zip(rows, res, strict=True)]),
        Col(g("Unit code"), 10, [r["unit"] for r in rows], text=True),
        Col(g("Unit name"), 28, [names[tree.index[r["unit"]]] for r in rows]),
        Col(g("Level"), 12, [level_word(result, r["level"], lang) for r in rows]),
        Col(g("Goal"), 12, [r["goal"] for r in rows], goal_fmt),
        Col(g("Goal year"), 9, [r["goal_year"] for r in rows]),
        Col(g("Aspirational"), 11, [yes(r["aspirational"], lang) for r in rows]),
        Col(g("Method"), 16, [method_word(r["method"], lang) for r in rows]),
        Col(g("Progress toward the goal"), 18,
            [assessment_word(r["status"], lang) for r in rows]),
        Col(g("Ratio"), 9, [r["ratio"] for r in rows], "0.00"),
        Col(g("Baseline year"), 9, [r["baseline"]["year"] for r in rows]),
        Col(g("Baseline"), 12, [r["baseline"]["value"] for r in rows], fmt),
        Col(g("Baseline taken"), 22, [g(_BASELINE_WORDS[r["baseline_basis"]])
                                      for r in rows]),
        Col(g("Current year"), 9, [r["current"]["year"] for r in rows]),
        Col(g("Current value"), 12, [r["current"]["value"] for r in rows], fmt),
        Col(g("Projected"), 12, [r["projected"] for r in rows], fmt),
        Col(g("Needed per year"), 13, [r["required_annual_change"] for r in rows],
            [CHANGE_FORMAT if ind_res.indicator.unit != "percent"
             else _margin_format(ind_res, lang) for ind_res in res]),
        Col(g("Reason"), 40, [reason_text(r["reason"], lang) for r in rows]),
        Col(g("Basis"), 16, [g(r["basis"].replace("_", " ")) for r in rows]),
    ]
    add_table(ws, table_name(ws.title), cols, write_columns(ws, cols, 1, 2, st,
                                                            borders=False))
