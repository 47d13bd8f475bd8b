"""The spec format, version 1, as frozen pydantic models.

These models are the contract integrators write against; the JSON Schema printed by
``qnkpi schema`` is generated from them (see :func:`qnkpi.spec.schema.build_spec_model`,
which adds the source types and indicator kinds that plugins register).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "DEFAULT_METHODS",
    "AssessmentSpec",
    "Baseline",
    "Code",
    "Cutoffs",
    "Model",
    "OrgUnitsSpec",
    "Period",
    "Predecessor",
    "Programme",
    "RelPath",
    "Rule",
    "Target",
    "Text",
    "UnitSpec",
]

def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


Op = Literal[">", ">=", "<", "<=", "==", "between"]
Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
#: Text compared after Unicode NFC normalisation ("Hạ Long" typed either way is one name).
NfcText = Annotated[str, AfterValidator(_nfc)]
#: Unit codes are text (``06652`` unquoted would be a number to YAML), NFC-normalised.
Code = Annotated[str, Strict(), Field(min_length=1), AfterValidator(_nfc)]


class Model(BaseModel):
    """Base of every spec model: frozen, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _resolve(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    if base is not None and not path.is_absolute():
        return Path(base) / path
    return path


#: A path in a spec; relative paths resolve against the spec file's directory. Nothing is
#: checked here, so it may be a glob pattern (``forms/*.xlsx``) a source expands itself.
RelPath = Annotated[Path, AfterValidator(_resolve)]


class Text(Model):
    """Text in Vietnamese and English; either may be missing and falls back to the other."""

    vi: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"vi": data, "en": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        return {"anyOf": [{"type": "string", "description": "the same text in every "
                           "language"}, schema]}

    def get(self, lang: str = "en") -> str:
        """The text in ``lang``, falling back to the other language, else ``""``."""
        first, second = (self.vi, self.en) if lang == "vi" else (self.en, self.vi)
        return first or second or ""


class Period(Model):
    """The programme's years, both included."""

    start: int = Field(ge=1900, le=2200)
    end: int = Field(ge=1900, le=2200)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise ValueError(f"period start {self.start} is after its end {self.end}")
        return self


class Cutoffs(Model):
    """Where an assessment's ratio turns from one status to the next: a ratio of at least
    ``on_track`` is on track, at least ``at_risk`` at risk, at least ``off_track`` off
    track, and below it regressing."""

    on_track: float = 0.95
    at_risk: float = 0.6
    off_track: float = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> Cutoffs:
        if not self.on_track >= self.at_risk >= self.off_track:
            raise ValueError("cut-offs must satisfy on_track >= at_risk >= off_track")
        return self


#: Assessment methods run when a spec names none.
DEFAULT_METHODS: tuple[str, ...] = ("linear_path", "cagr_ratio")


class AssessmentSpec(Model):
    """How progress toward the goal is judged: which methods, in order, and the cut-offs
    between statuses. On an indicator, what it sets overrides the programme's."""

    methods: tuple[str, ...] | None = None
    cutoffs: Cutoffs | None = None


class Programme(Model):
    """What the programme is: identity, titles, owner, period and source documents."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    owner: str | None = None
    period: Period
    description: Text | None = None
    references: tuple[str, ...] = ()
    assessment: AssessmentSpec = AssessmentSpec()


class Rule(Model):
    """A comparison: ``op`` with ``value``, or ``between`` with ``min`` and ``max`` included."""

    op: Op
    value: float | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Rule:
        if self.op == "between":
            if self.min is None or self.max is None:
                raise ValueError("op 'between' needs both 'min' and 'max'")
            if self.value is not None:
                raise ValueError("op 'between' takes 'min' and 'max', not 'value'")
            if self.min > self.max:
                raise ValueError(f"'min' ({self.min:g}) is greater than 'max' ({self.max:g})")
        else:
            if self.value is None:
                raise ValueError(f"op '{self.op}' needs a 'value'")
            if self.min is not None or self.max is not None:
                raise ValueError("'min' and 'max' belong to op 'between'; use 'value'")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high): the value twice, or min and max for ``between``."""
        if self.op == "between":
            assert self.min is not None and self.max is not None
            return self.min, self.max
        assert self.value is not None
        return self.value, self.value


class Target(Rule):
    """A threshold an indicator must meet, where and when it applies."""

    year: int | None = None
    years: tuple[int, int] | None = None
    level: str | None = None
    units: tuple[Code, ...] | None = None
    goal: bool = False
    aspirational: bool = False
    assumed_year: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _when_where(self) -> Target:
        if (self.year is None) == (self.years is None):
            raise ValueError("a target needs exactly one of 'year' or 'years: [first, last]'")
        if self.years is not None and self.years[0] > self.years[1]:
            raise ValueError(f"'years' {list(self.years)}: the first year is after the last")
        if self.level is not None and self.units is not None:
            raise ValueError("a target applies to a 'level' or to 'units', not both")
        return self

    @property
    def first_year(self) -> int:
        return self.year if self.year is not None else self.years[0]  # type: ignore[index]

    @property
    def last_year(self) -> int:
        return self.year if self.year is not None else self.years[1]  # type: ignore[index]

    @property
    def scope(self) -> tuple[str, ...] | str | None:
        """Where the target applies: a level name, a tuple of codes, or None (top unit)."""
        if self.level is not None:
            return self.level
        return tuple(sorted(self.units)) if self.units is not None else None


class Baseline(Model):
    """The starting point that assessments measure progress from."""

    year: int
    value: float


class Predecessor(Model):
    """A unit this one was formed from, with an optional share (weight) of it."""

    code: Code
    weight: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _from_code(cls, data: Any) -> Any:
        return {"code": data} if isinstance(data, str) else data


class UnitSpec(Model):
    """One organisational unit. Names are compared after NFC normalisation."""

    code: Code
    name: NfcText
    name_en: NfcText | None = None
    level: str
    parent: Code | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    predecessors: tuple[Predecessor, ...] = ()

    @model_validator(mode="after")
    def _dates(self) -> UnitSpec:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        return self


class OrgUnitsSpec(Model):
    """The organisation: its levels, top to bottom, and its units."""

    levels: tuple[str, ...] = Field(min_length=1)
    reference_day: str = Field(default="12-31", pattern=r"^\d\d-\d\d$")
    units: tuple[UnitSpec, ...] = Field(min_length=1)

    @field_validator("reference_day")
    @classmethod
    def _real_day(cls, value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        try:
            dt.date(2001, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a day of the year (MM-DD)") from None
        return value


class MeasureSpec(Model):
    """A raw quantity a source provides per unit and year."""

    source: Name
    column: str | None = None
    aggregate: Literal["sum", "count", "mean", "min", "max"] | None = None
    rollup: Literal["sum", "mean", "min", "max", "none"] = "sum"
    #: For record-level data: what a lowest-level unit with no rows in a year that has
    #: rows means. ``missing`` (default) or ``zero`` (the records are complete, e.g. an
    #: activity log, so no rows means none happened).
    absent: Literal["missing", "zero"] = "missing"
    #: How the restated view (``--restate-to``) carries it onto a later tree: ``split``
    #: (by the lineage's weights; quantities that add up), ``whole`` (only where a unit
    #: comes whole from one earlier unit) or ``none`` (never: missing in restated years,
    #: for counts that cannot be apportioned by territory, such as events a unit held).
    #: Default: ``split`` for ``rollup: sum``, else ``whole``.
    restate: Literal["split", "whole", "none"] = "split"
    title: Text | None = None
    unit: str | None = None

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
    """Base of every source type. Subclasses set ``type: Literal["..."]``.

    A source type is registered by a plugin; its model declares its own keys and its
    :meth:`fetch` reads the measures asked of it (see :mod:`qnkpi.sources`).
    """

    type: str
    #: Set by subclasses that read tables: they need ``unit`` and ``year`` columns.
    tabular: ClassVar[bool] = True


class IndicatorSpec(Model):
    """Keys common to every indicator kind. Subclasses set ``kind: Literal["..."]``."""

    kind: str
    title: Text | None = None
    description: Text | None = None
    unit: str = "count"
    direction: Literal["increase", "decrease"]
    between: Literal["none", "step", "linear"] = "none"
    baseline: Baseline | None = None
    assessment: AssessmentSpec | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    #: Units that did not report: ``skip`` (aggregates add up those that did; their
    #: checks are ``no_data``), ``not_met`` (their checks are ``not_met``), ``no_data``
    #: (an aggregate with any of them missing is itself missing).
    missing: Literal["skip", "not_met", "no_data"] = "skip"
    #: The least share (0-1] of the expected units that must have reported for an
    #: aggregate to count; below it the aggregate is missing (``no_data``).
    min_coverage: float | None = Field(default=None, gt=0, le=1)
    targets: tuple[Target, ...] = ()
