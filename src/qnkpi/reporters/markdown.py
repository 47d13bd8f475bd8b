"""`markdown`: a report a person pastes into a document (GitHub, GitLab, Pandoc, Word
through Pandoc).

A heading per indicator with its unit x year grid as a Markdown table (the value, a mark
and the status word in the reader's language), the row of targets, the goal and how each
unit stands toward it, and where each target comes from (notes, assumed years,
aspirational targets). Text from the spec and the data is escaped, so a title with `|`
or `*` in it stays text.
"""

from __future__ import annotations

import re
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from qnkpi.i18n import assessment_word, format_number, gettext, status_word
from qnkpi.reporters._present import (
    MARKS,
    coverage_mark,
    goal_heading,
    ratio_text,
    shown_value,
    threshold_text,
    verdict_words,
)
from qnkpi.reporters._text import printable
from qnkpi.verdicts import AssessmentStatus, CheckStatus, Verdict

if TYPE_CHECKING:
    from qnkpi.engine.result import IndicatorResult, Result

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
        names = result.tree.latest_names(lang)
        for name, res in result.indicators.items():
            assessed = bool(result.assessments_of(name))
            if not res.status.any() and not assessed:
                continue
            title = res.indicator.title.get(lang) if res.indicator.title else name
            out += [f"## {escape(title)}", "", f"`{name}`", ""]
            if res.status.any():
                self._grid(out, res, result, lang)
            self._goal(out, result, name, names, lang)
            self._provenance(out, res, lang)
        stream.write("\n".join(out).rstrip("\n") + "\n")

    @staticmethod
    def _head(out: list[str], result: Result, lang: str) -> None:
        prog = result.spec.programme
        s = result.summary()
        out += [f"# {escape(prog.title.get(lang))}", ""]
        line = (f"{escape(prog.id)} · {prog.period.start}-{prog.period.end} · "
                + gettext("as of {year}", lang).format(year=result.as_of))
        if result.restated_to is not None:
            line += " · " + gettext("years before {year} restated on its tree", lang).format(
                year=result.restated_to)
        out += [line, ""]
        n = {k: format_number(v, lang) for k, v in s.items() if isinstance(v, int)}
        out.append("".join(
            f"{MARKS[status]} {status_word(status.key, lang)} {n[status.key]} · "
            for status in (CheckStatus.MET, CheckStatus.NOT_MET, CheckStatus.NO_DATA))
            + gettext("of {count} checks", lang).format(count=n["checks"]))
        a = s["assessments"]
        if a["total"]:
            counts = " · ".join(
                f"{assessment_word(st.key, lang)} {format_number(a[st.key], lang)}"
                for st in AssessmentStatus if st and a[st.key])
            out += ["", f"{gettext('Toward the goals:', lang)} {counts} · "
                    + gettext("of {count} assessments", lang).format(
                        count=format_number(a["total"], lang))]
        out.append("")

    @staticmethod
    def _grid(out: list[str], res: IndicatorResult, result: Result, lang: str) -> None:
        cols = np.flatnonzero(res.status.any(axis=0)).tolist()
        rows = np.flatnonzero(res.status.any(axis=1)).tolist()
        shared: list[str | None] = []
        for col in cols:
            heads = {threshold_text(res, r, col, lang) for r in rows if res.status[r, col]}
            shared.append(heads.pop() if len(heads) == 1 else None)
        years = [str(result.years[c]) for c in cols]
        out.append(f"| {gettext('unit', lang)} | " + " | ".join(years) + " |")
        out.append("| --- |" + " ---: |" * len(cols))
        out.append(f"| *{gettext('target', lang)}* | "
                   + " | ".join(escape(h) if h else "" for h in shared) + " |")
        words = verdict_words(lang)
        last = [max(c for c in cols if res.status[row, c]) for row in rows]
        names = result.tree.unit_names(np.array(rows), np.array(last), lang)
        for row, name in zip(rows, names, strict=True):
            cells = []
            for col, head in zip(cols, shared, strict=True):
                code = Verdict(res.verdict[row, col])
                if code == Verdict.NONE:
                    cells.append("")
                    continue
                text = f"{shown_value(res, row, col, lang)} {MARKS[code]} {words[code]}"
                if head is None:
                    text += f" ({threshold_text(res, row, col, lang)})"
                text += coverage_mark(res, row, col)
                cells.append(escape(text))
            out.append(f"| {escape(name)} | " + " | ".join(cells) + " |")
        out.append("")

    @staticmethod
    def _goal(out: list[str], result: Result, name: str, names: list[str],
              lang: str) -> None:
        res = result.indicators[name]
        for group in result.assessment_groups(name):  # one per goal
            inputs = group[0].inputs
            out += [f"**{escape(goal_heading(res, group, lang))}**", ""]
            label = gettext("ratio" if group[0].goal_target is not None else "growth/yr",
                            lang)
            for k, row in enumerate(inputs.rows.tolist()):
                parts = []
                for a in group:
                    status = assessment_word(AssessmentStatus(a.status[k]).key, lang)
                    ratio = ratio_text(a, k, lang)
                    parts.append(f"`{a.method}`: {status}" + (f" ({label} {ratio})" if ratio
                                                              else ""))
                out.append(f"- {escape(names[row])}: " + "; ".join(parts))
            out.append("")

    @staticmethod
    def _provenance(out: list[str], res: IndicatorResult, lang: str) -> None:
        notes = []
        for i, target in enumerate(res.indicator.targets):
            marks = [gettext("aspirational (phấn đấu)", lang)] if target.aspirational else []
            if target.assumed_year:
                marks.append(gettext("assumed year", lang))
            if target.note or marks:
                text = ", ".join(marks) + (": " if marks and target.note else "")
                notes.append(f"{i + 1}. {escape(text + (target.note or ''))}")
        if notes:
            out += [f"*{gettext('Targets', lang)}:*", "", *notes, ""]

