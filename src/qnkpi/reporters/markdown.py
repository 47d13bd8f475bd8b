"""`markdown`: a report a person pastes into a document (GitHub, GitLab, Pandoc, Word
through Pandoc).

It opens with the summary (per year, how many of the top unit's targets were met, then
the counts over every unit) and the overview of the top unit in the latest year, a row
per indicator. Then, grouped by the spec's objectives, a section per indicator: its unit
x year grid as a Markdown table (the value, a mark and the verdict in the reader's
language), the row of targets, the goal and how each unit stands toward it, and the
notes on its targets (assumed years, aspirational targets). Text from the spec and the
data is escaped, so a title with `|` or `*` in it stays text.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING, Any

from qnkpi.i18n import assessment_word, format_number, gettext, status_word
from qnkpi.reporters._grid import VERDICT_CSS, grid
from qnkpi.reporters._overview import overview
from qnkpi.reporters._present import MARKS, ratio_text
from qnkpi.reporters._terms import (
    BREAK_LEGEND,
    DUE_LEGEND,
    column_title,
    goal_heading,
    headline_lines,
    method_title,
    period_name,
    rule_label,
    year_title,
)
from qnkpi.reporters._text import printable
from qnkpi.verdicts import AssessmentStatus, CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result
    from qnkpi.spec.models import IndicatorSpec, Target

__all__ = ["MarkdownReporter", "escape"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape(text: str) -> str:
    """`text` as literal Markdown: special characters backslashed, one line, control
    characters written as their escapes (`\\x1b`)."""
    return _SPECIAL.sub(r"\\\1", printable(" ".join(str(text).split())))


class MarkdownReporter:
    """The verdicts as a Markdown document, in `lang`."""

    suffix = ".md"
    binary = False

    def write(self, result: Result, stream: IO[Any], *, lang: str = "en") -> None:
        """Write the report as Markdown."""
        out: list[str] = []
        self._head(out, result, lang)
        self._overview(out, result, lang)
        names = result.tree.latest_names(lang)
        spec = result.spec
        level = "##"
        for key, group in spec.objective_groups():
            shown = [n for n in group if n in result.indicators
                     and (result.indicators[n].status.any() or result.assessments_of(n))]
            if not shown:
                continue
            if spec.objectives:  # the objective a heading, its indicators beneath
                title = (spec.objectives[key].title.get(lang) if key is not None
                         else gettext("Other tasks", lang))
                out += [f"## {escape(title)}", ""]
                level = "###"
            for name in shown:
                res = result.indicators[name]
                title = res.indicator.title.get(lang) if res.indicator.title else name
                out += [f"{level} {escape(title)}", "", f"`{name}`", ""]
                if res.status.any():
                    self._grid(out, res, result, lang)
                self._goal(out, result, name, names, lang)
                self._notes(out, res.indicator, lang)
        stream.write("\n".join(out).rstrip("\n") + "\n")

    @staticmethod
    def _head(out: list[str], result: Result, lang: str) -> None:
        """The title, the programme's line, and the summary: the headline per year,
        then the counts over every unit."""
        prog = result.spec.programme
        s = result.summary()
        out += [f"# {escape(prog.title.get(lang))}", ""]
        as_of = gettext("as of {year}", lang).format(year=result.as_of)
        if result.period is not None:
            as_of = gettext("figures for {period}", lang).format(
                period=period_name(result.period, lang))
        line = f"{escape(prog.id)} · {prog.period.start}-{prog.period.end} · {escape(as_of)}"
        if result.restated_to is not None:
            line += " · " + gettext("years before {year} restated on its tree", lang).format(
                year=result.restated_to)
        out += [line, ""]

        def n(count: int) -> str:
            return format_number(count, lang)

        out += [f"## {gettext('Summary', lang)}", ""]
        out += [f"- **{escape(line)}**" for line in headline_lines(result, lang)]
        checked = [CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA]
        if "not_due" in s:  # part-way through a year
            checked.append(CheckStatus.NOT_DUE)
        counts = ", ".join(f"{MARKS[status]} {status_word(status.key, lang)} "
                           f"{n(s[status.key])}" for status in checked)
        out.append(f"- {gettext('All units:', lang)} {counts} ("
                   + gettext("of {count} checks", lang).format(count=n(s["checks"])) + ")")
        a = s["assessments"]
        if a["total"]:
            statuses = ", ".join(f"{assessment_word(st.key, lang)} {n(a[st.key])}"
                                 for st in AssessmentStatus if st and a[st.key])
            out.append(f"- {gettext('Toward the goals:', lang)} {statuses} ("
                       + gettext("of {count} assessments", lang).format(count=n(a["total"]))
                       + ")")
        out.append("")

    @staticmethod
    def _overview(out: list[str], result: Result, lang: str) -> None:
        """The top unit in the latest year: a row per indicator."""
        view = overview(result, lang)
        if not view.unit or not view.groups:
            return
        heading = gettext("Results of {unit} in {year}", lang).format(unit=view.unit,
                                                                      year=view.year)
        if view.period is not None:
            heading = gettext("Results for {period}: {unit}", lang).format(
                unit=view.unit, period=period_name(view.period, lang))
        out += [f"## {escape(heading)}", ""]
        units = "Units ✓/✗/·" if view.period is None else "Units ✓/✗/·/○"
        heads = [gettext("Indicator", lang), gettext("Target", lang), gettext("Actual", lang),
                 gettext("Result", lang), gettext(units, lang), gettext("Goal", lang),
                 gettext("Progress", lang)]
        out.append("| " + " | ".join(escape(h) for h in heads) + " |")
        out.append("| --- | ---: | ---: | --- | ---: | --- | --- |")
        for title, rows in view.groups:
            if title is not None:
                out.append(f"| **{escape(title)}** |" + " |" * (len(heads) - 1))
            for row in rows:
                verdict = ("" if row.verdict == Verdict.NONE else
                           f"{MARKS[row.verdict]} {status_word(row.verdict.key, lang)}")
                units = "/".join(format_number(c, lang) for c in row.units) if row.units else ""
                progress = " / ".join(dict.fromkeys(assessment_word(p.key, lang)
                                                    for p in row.progress))
                cells = [row.title, row.threshold, row.value, verdict, units, row.goal,
                         progress]
                out.append("| " + " | ".join(escape(c) for c in cells) + " |")
        legend = gettext(
            "~ reference path: a threshold interpolated between two stated targets, not a "
            "figure of the plan; * aspirational target (phấn đấu)", lang) + "; " + gettext(
            "[12/13] units that reported, of those expected", lang)
        period = view.period
        if period is not None:
            legend += "; " + gettext(DUE_LEGEND, lang) + "; " + gettext(
                "{column}: figures for {period}", lang).format(
                column=column_title(period, lang), period=period_name(period, lang))
        out += ["", "*" + escape(legend) + "*", ""]

    @staticmethod
    def _grid(out: list[str], res: IndicatorResult, result: Result, lang: str) -> bool:
        """The units x years grid; whether some value is marked `‖` (not comparable
        with the year before)."""
        view = grid(result, res, lang, result.comparable(res.name) == 0)
        out.append(f"| {gettext('unit', lang)} | "
                   + " | ".join(year_title(result, year, lang) for year in view.years) + " |")
        out.append("| --- |" + " ---: |" * len(view.years))
        out.append(f"| *{gettext('Target', lang)}* | "
                   + " | ".join(escape(h.text) for h in view.heads) + " |")
        for row in view.rows:
            name = row.name + (f" ({row.earlier})" if row.earlier else "")
            cells = []
            for cell in row.cells:
                if cell.css == "none":
                    cells.append("")
                    continue
                mark = MARKS[VERDICT_CSS.index(cell.css)]
                text = ("‖ " if cell.brk else "") + f"{cell.value} {mark} {cell.word}"
                if cell.threshold:
                    text += f" ({cell.threshold})"
                if cell.coverage:
                    text += f" {cell.coverage}"
                cells.append(escape(text))
            out.append(f"| {escape(name)} | " + " | ".join(cells) + " |")
        out.append("")
        if view.breaks:
            out += [f"*{escape(gettext(BREAK_LEGEND, lang))}*", ""]
        return view.breaks

    @staticmethod
    def _goal(out: list[str], result: Result, name: str, names: list[str],
              lang: str) -> None:
        res = result.indicators[name]
        for group in result.assessment_groups(name):  # one per goal
            inputs = group[0].inputs
            trend = group[0].goal_target is None
            out += [f"**{escape(goal_heading(res, group, lang))}**", ""]
            label = gettext("growth/yr" if trend else "progress factor", lang)
            for k, row in enumerate(inputs.rows.tolist()):
                words = [assessment_word(AssessmentStatus(a.status[k]).key, lang)
                         for a in group]
                ratios = [ratio_text(a, k, lang) for a in group]
                if len(set(words)) == 1 and not any(ratios):  # every method says it
                    out.append(f"- {escape(names[row])}: {escape(words[0])}")
                    continue
                parts = [f"{method_title(a.method, lang)}: {word}"
                         + (f" ({label} {ratio})" if ratio else "")
                         for a, word, ratio in zip(group, words, ratios, strict=True)]
                out.append(f"- {escape(names[row])}: " + escape("; ".join(parts)))
            out.append("")

    @staticmethod
    def _notes(out: list[str], ind: IndicatorSpec, lang: str) -> None:
        """Under "Notes", each target with a note or a mark: which target (its rule and
        years), then the marks (aspirational, assumed year) and the note."""
        notes = []
        for target in ind.targets:
            marks = [gettext("aspirational (phấn đấu)", lang)] if target.aspirational else []
            if target.assumed_year:
                marks.append(gettext("assumed year", lang))
            note = target.note.get(lang) if target.note else ""
            if note or marks:
                text = ", ".join(marks) + (": " if marks and note else "") + note
                notes.append(f"- {escape(_which(target, ind, lang))}: {escape(text)}")
        if notes:
            out += [f"*{gettext('Notes', lang)}*", "", *notes, ""]


def _which(target: Target, ind: IndicatorSpec, lang: str) -> str:
    """A target as a note names it: its rule and years, `≥ 2 (2023–2024)`."""
    years = (str(target.first_year) if target.first_year == target.last_year
             else f"{target.first_year}–{target.last_year}")
    return f"{rule_label(target.op, *target.bounds, ind, lang)} ({years})"
