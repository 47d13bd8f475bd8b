"""The spec format, version 1, as frozen pydantic models.

These models are the contract integrators write against: a loaded
[`Spec`][qnkpi.spec.spec.Spec] is made of them, and the JSON Schema printed by
`qnkpi schema` is generated from them (with the source types and indicator kinds that
plugins register; see `qnkpi.spec.spec.build_spec_model`). Every model is frozen, and an
unknown key is an error.

Plugin authors subclass [`SourceSpec`][qnkpi.spec.models.SourceSpec] and
[`IndicatorSpec`][qnkpi.spec.models.IndicatorSpec] (through
[`Source`][qnkpi.sources.base.Source] and
[`IndicatorKind`][qnkpi.kinds.base.IndicatorKind]), and type their keys with
[`Name`][qnkpi.spec.models.Name], [`RelPath`][qnkpi.spec.models.RelPath],
[`Code`][qnkpi.spec.models.Code] and [`Text`][qnkpi.spec.models.Text].

The models live in three rooms, all importable from here: the base class and key types
in `qnkpi.spec.base`, targets (rules, milestones, baselines) in `qnkpi.spec.targets`, and
the programme, measures, sources, indicators and validation rules in this module.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from qnkpi.spec.base import Code, Model, Name, NfcText, Op, RelPath, Text
from qnkpi.spec.targets import Baseline, Milestone, Rule, Target

if TYPE_CHECKING:
    from qnkpi.spec.rule_syntax import Comparison

__all__ = [
    "DEFAULT_METHODS",
    "TREND_METHOD",
    "AssessmentSpec",
    "Baseline",
    "Code",
    "Cutoffs",
    "IndicatorSpec",
    "MeasureSpec",
    "Milestone",
    "Model",
    "Name",
    "NfcText",
    "Objective",
    "Op",
    "Period",
    "Programme",
    "RelPath",
    "ReportHeader",
    "Rule",
    "SourceSpec",
    "Target",
    "Text",
    "ValidationRule",
]

class Period(Model):
    """The programme's years, both included.

    Attributes:
        start: The first year (1900-2200).
        end: The last year (1900-2200), not before `start`.
    """

    start: int = Field(ge=1900, le=2200)
    end: int = Field(ge=1900, le=2200)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise ValueError(f"period start {self.start} is after its end {self.end}")
        return self


class Cutoffs(Model):
    """Where an assessment's ratio turns from one status to the next.

    A ratio of at least `on_track` is on track, at least `at_risk` at risk, at least
    `off_track` off track, and below it regressing. They must satisfy
    `on_track >= at_risk >= off_track`.

    Attributes:
        on_track: The least ratio that is on track (default 0.95).
        at_risk: The least ratio that is at risk (default 0.6).
        off_track: The least ratio that is off track (default 0); below it, regressing.
    """

    on_track: float = 0.95
    at_risk: float = 0.6
    off_track: float = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> Cutoffs:
        if not self.on_track >= self.at_risk >= self.off_track:
            raise ValueError("cut-offs must satisfy on_track >= at_risk >= off_track")
        return self


DEFAULT_METHODS: tuple[str, ...] = ("linear_path", "cagr_ratio")
"""The assessment methods run when a spec names none."""

TREND_METHOD = "cagr_trend"
"""The method an indicator without a target is assessed by, its trend: never listed in
`methods`, which are for goals."""


class AssessmentSpec(Model):
    """How progress toward the goal is judged: which methods, the cut-offs, where the
    measurement starts, and (for a trend) the indicator's natural limit.

    On the programme it applies to every indicator; on an indicator, each key it sets
    replaces the programme's.

    Attributes:
        methods: The names of the assessment methods to run, in order (an empty tuple
            turns assessment off), or `None` to inherit (in the end,
            [`DEFAULT_METHODS`][qnkpi.spec.models.DEFAULT_METHODS]). An indicator
            without a target is assessed by its trend (`cagr_trend`) unless this is
            empty.
        cutoffs: The cut-offs between statuses, or `None` to inherit (in the end, the
            defaults of [`Cutoffs`][qnkpi.spec.models.Cutoffs]).
        base_year: Measure progress from this year (2015 for the SDGs), or from the
            first later year with a value where a unit has none that year; `None` (the
            default): from a unit's first year with a value, or the declared
            `baseline`.
        limit: A trend's natural limit (100 for a percentage that cannot exceed it): the
            growth a trend needs to count as progress shrinks as the baseline nears it.
            Only on an indicator without a target (one with a target is judged against
            the target), never on the programme (a limit belongs to one indicator).
    """

    methods: tuple[str, ...] | None = None
    cutoffs: Cutoffs | None = None
    base_year: int | None = None
    limit: float | None = Field(default=None, allow_inf_nan=False)


class Programme(Model):
    """What the programme is: identity, titles, owner, period and source documents.

    Attributes:
        id: Lowercase letters, digits and `-`, starting with a letter or digit; it
            appears in reports and the JSON result.
        title: The programme's title.
        owner: Who runs the programme, or `None`.
        period: The programme's years.
        description: A longer description, or `None`.
        references: Source documents (resolutions, plans).
        assessment: How progress is assessed, for every indicator that does not set its
            own.
        language: The language its readers use (`vi` or `en`), or `None`: the default
            of every command's `--lang` (which still overrides it).
        report: What a report attached to an official document carries in its header
            (the issuing body, the document's number and date), or `None`.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    owner: str | None = None
    period: Period
    description: Text | None = None
    references: tuple[str, ...] = ()
    assessment: AssessmentSpec = AssessmentSpec()
    language: Literal["vi", "en"] | None = None
    report: ReportHeader | None = None


class ReportHeader(Model):
    """The header of a report attached to an official document (the annex's title
    block): who issues it and the document it goes with. Each key may be given on the
    command line instead (`--report-number`, `--report-date`), which wins.

    Attributes:
        issuer: The issuing body as the title block names it (the programme's `owner`
            when `None`), such as `Tỉnh Đoàn Quảng Ninh`.
        organisation: The organisation named on the title block's right, above the place
            and date (`ĐOÀN TNCS HỒ CHÍ MINH`), or `None`.
        place: The place written before the date (`Quảng Ninh, ngày ...`), or `None`.
        number: The number of the report the annex goes with (`125-BC/TĐ`), or `None`
            (left as dots to fill in by hand).
        date: The date of that report, or `None` (dots).
    """

    issuer: Text | None = None
    organisation: Text | None = None
    place: str | None = None
    number: str | None = None
    date: dt.date | None = None


class Objective(Model):
    """One of the programme's objectives, which reports group indicators by.

    Attributes:
        title: The objective's title (`Mục tiêu 1: ...`).
        description: A longer text, such as the source document's wording, or `None`.
    """

    title: Text
    description: Text | None = None


class MeasureSpec(Model):
    """A raw quantity a source provides per unit and year.

    Attributes:
        source: The name of the source to read it from.
        column: The column (or key) holding its values, or `None`: the measure's name,
            or no column for `aggregate: count` (count the rows).
        aggregate: How to aggregate record-level rows per unit and year (`sum`,
            `count`, `mean`, `min`, `max`), or `None` for a table with one row per unit
            and year.
        rollup: How a unit that did not report gets a value from its children: `sum`,
            `mean`, `min`, `max`, or `none` (never).
        absent: For record-level data, what a lowest-level unit with no rows means in a
            year when other units have rows: `missing` (the default) or `zero` (the
            records are complete, such as an activity log, so no rows means none
            happened).
        restate: How the restated view (`--restate-to`) carries the measure onto a later
            tree: `split` (by the lineage's weights; for quantities that add up), `whole`
            (only where a unit comes whole from one earlier unit) or `none` (never:
            missing in restated years, for counts that cannot be apportioned by
            territory, such as events a unit held). Default: `split` for `rollup: sum`,
            else `whole`.
        title: A label, or `None`.
        unit: The unit of measurement, for readers, or `None`.
        over_time: For a source that reports by half, quarter or month: how a year's
            periods make the year's value: `sum` (a flow: activities held, people
            reached), `last` (a stock or a state: members recorded, a unit using
            software: the latest period with a value), `max` or `mean`. Default: `sum`
            for record-level data (`aggregate`); a measure of one value per unit and
            period must say. Ratios stay ratios of the added-up parts.
    """

    source: Name
    column: str | None = None
    aggregate: Literal["sum", "count", "mean", "min", "max"] | None = None
    rollup: Literal["sum", "mean", "min", "max", "none"] = "sum"
    absent: Literal["missing", "zero"] = "missing"
    restate: Literal["split", "whole", "none"] = "split"
    title: Text | None = None
    unit: str | None = None
    over_time: Literal["sum", "last", "max", "mean"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _restate_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and "restate" not in data:
            return {**data, "restate": "split" if data.get("rollup", "sum") == "sum"
                    else "whole"}
        return data

    @model_validator(mode="after")
    def _restate(self) -> MeasureSpec:
        if self.restate == "split" and self.rollup != "sum":
            raise ValueError(f"restate: split needs a quantity that adds up (rollup: sum); "
                             f"one rolled up by {self.rollup} can only be carried whole "
                             "(restate: whole) or not at all (restate: none)")
        return self


class SourceSpec(Model):
    """Base of every source type: the keys every source has.

    Plugins do not subclass it directly but [`Source`][qnkpi.sources.base.Source], which
    adds the `fetch` method that reads the measures asked of it.

    Attributes:
        type: The source type's name; a subclass narrows it to `Literal["name"]`.
        tabular: A class variable, not a key: `True` (the default) for sources of rows,
            whose measures may use `aggregate`; a subclass that is not tabular sets it to
            `False`, and `aggregate` on its measures is then refused when the spec is
            loaded.
    """

    type: str
    tabular: ClassVar[bool] = True


class IndicatorSpec(Model):
    """Base of every indicator kind: the keys every indicator has.

    Plugins do not subclass it directly but
    [`IndicatorKind`][qnkpi.kinds.base.IndicatorKind], which adds the methods that
    compute it. A subclass may change the defaults of these keys (`unit: str = "percent"`).

    Attributes:
        kind: The kind's name; a subclass narrows it to `Literal["name"]`.
        title: Shown in reports (the indicator's name when `None`).
        description: A longer text, such as the source document's wording, or `None`.
        unit: The unit of the values; `percent` is shown with `%` and one decimal.
        unit_title: What the values count, as the annex's unit column (ĐVT) names it
            (`{vi: hoạt động, en: activities}`), or `None` for a word from `unit`.
        direction: Which way is better: `increase` or `decrease`.
        between: The thresholds of the years between two stated targets: `none`, `step`
            (the earlier target's) or `linear` (on the straight line between them).
        baseline: The starting point assessments measure progress from, for the whole
            programme area, or `None` (each unit's first year with a value).
        assessment: This indicator's assessment methods and cut-offs, or `None` for the
            programme's.
        decimals: Decimals shown in reports (0-6), or `None` for a default by `unit`.
            Never affects comparisons.
        missing: What a unit that did not report means: `skip` (aggregates add up those
            that did; its checks are `no_data`), `not_met` (its checks are `not_met`)
            or `no_data` (an aggregate with any of its units missing is itself missing).
        min_coverage: The least share (above 0, at most 1) of the expected units that
            must have reported for an aggregate to count; below it the aggregate is
            missing. `None`: no minimum.
        targets: The targets the indicator is checked against.
        objective: The name of the spec's objective (`objectives`) it belongs to, or
            `None`: reports list it after the objectives' indicators.
    """

    kind: str
    title: Text | None = None
    description: Text | None = None
    unit: str = "count"
    unit_title: Text | None = None
    direction: Literal["increase", "decrease"]
    between: Literal["none", "step", "linear"] = "none"
    baseline: Baseline | None = None
    assessment: AssessmentSpec | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    missing: Literal["skip", "not_met", "no_data"] = "skip"
    min_coverage: float | None = Field(default=None, gt=0, le=1)
    targets: tuple[Target, ...] = ()
    objective: Name | None = None


class ValidationRule(Model):
    """A check on the data as the sources report them: one item of the spec's
    `validation` list.

    The rule compares two sides with `<`, `<=`, `>`, `>=`, `==` or `!=`; each side is a
    number, a measure's name, or `+ - * /` on them with parentheses
    (`youth_reached <= youth_population`, `a + b <= 0.5 * c`). It is judged at every
    unit and year where every measure it names has a value, on the values the sources
    returned, before any roll-up. Its syntax and names are checked when the spec is
    loaded. See [Data validation rules](../validation.md).

    Attributes:
        rule: The comparison, as text.
        severity: `error` (the default): data that break the rule are refused, and
            evaluation stops with a
            [`RuleViolationError`][qnkpi.engine.rules.RuleViolationError]; `warning`:
            they are reported and evaluation goes on.
        message: What to do about a broken rule, shown under its rows, or `None`.
    """

    rule: str = Field(min_length=1, max_length=500)
    severity: Literal["error", "warning"] = "error"
    message: Text | None = None

    @property
    def comparison(self) -> Comparison:
        """The rule, parsed.

        Raises:
            RuleSyntaxError: The rule cannot be read (a spec built without the loader,
                which checks every rule).
        """
        from qnkpi.spec.rule_syntax import parse_rule

        return parse_rule(self.rule)
