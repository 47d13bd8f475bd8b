"""Targets in the spec: comparisons, with when and where they apply.

A [`Rule`][qnkpi.spec.models.Rule] is a comparison (the `rule` of `share_of_units` is
one); a [`Target`][qnkpi.spec.models.Target] is a rule with its years and units, its
[`Milestone`][qnkpi.spec.models.Milestone]s part-way through a year, and flags; a
[`Baseline`][qnkpi.spec.models.Baseline] is where assessments start. All are importable
from `qnkpi.spec.models`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from qnkpi.spec.base import Code, Model, Op, Text

__all__ = ["Baseline", "Milestone", "Rule", "Target"]


class Rule(Model):
    """A comparison: `op` with `value`, or `between` with `min` and `max`.

    The `rule` of the `share_of_units` kind is a `Rule`; a
    [`Target`][qnkpi.spec.models.Target] is a rule with a when and a where.

    Attributes:
        op: The comparison: `>`, `>=`, `<`, `<=`, `==` or `between`.
        value: The threshold, for every `op` but `between`.
        min: The lower bound (included), for `between` only.
        max: The upper bound (included), for `between` only; not below `min`.
    """

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
                raise ValueError(f"'min' ({self.min:g}) is greater than 'max' "
                                 f"({self.max:g}); swap them")
        else:
            if self.value is None:
                raise ValueError(f"op '{self.op}' needs a 'value'")
            if self.min is not None or self.max is not None:
                raise ValueError("'min' and 'max' belong to op 'between'; use 'value'")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """The bounds as `(low, high)`: `(value, value)`, or `(min, max)` for `between`."""
        if self.op == "between":
            assert self.min is not None and self.max is not None
            return self.min, self.max
        assert self.value is not None
        return self.value, self.value


class Milestone(Model):
    """A level a target must reach part-way through its year, judged when the
    evaluation's as-of falls at or after it (`--as-of 2025-06`).

    Attributes:
        by: When: a period of one year (`2025-06`, `2025-Q2`, `2025-H1`), or of every
            year of the target, written without the year (`H1`, `Q1`, `Q2`, `Q3`).
            It ends before its year does: the year's end is the target itself.
        value: The level, compared with the target's `op`; for `between`, `min` and
            `max` instead.
        min: The lower bound, for a `between` target.
        max: The upper bound, for a `between` target.
    """

    by: str
    value: float | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _when(self) -> Milestone:
        from qnkpi.periods import parse_as_of

        text = self.by.strip()
        every_year = text[:1].upper() in ("H", "Q")
        try:
            at = parse_as_of(f"2000-{text}" if every_year else text)
        except ValueError:
            at = None
        if at is None or not at.partial:
            raise ValueError(f"milestone 'by: {self.by}' is not a period before the "
                             "year's end (the year's end is the target itself); write one "
                             "of one year (2025-06, 2025-Q2, 2025-H1) or of every year of "
                             "the target (H1, Q1, Q2, Q3)")
        if (self.value is None) == (self.min is None and self.max is None):
            raise ValueError("a milestone needs 'value' (or 'min' and 'max' for a "
                             "'between' target)")
        return self

    @property
    def year(self) -> int | None:
        """The year it applies to, or `None` for every year of its target."""
        text = self.by.strip()
        return None if text[:1].upper() in ("H", "Q") else int(text[:4])

    @property
    def months(self) -> int:
        """How many months of its year have passed at the milestone: 1-11."""
        from qnkpi.periods import parse_as_of

        text = self.by.strip()
        return parse_as_of(f"2000-{text}" if self.year is None else text).months

    @property
    def bounds(self) -> tuple[float, float]:
        """The level as `(low, high)`, as [`Rule.bounds`][qnkpi.spec.models.Rule.bounds]."""
        if self.value is not None:
            return self.value, self.value
        assert self.min is not None and self.max is not None
        return self.min, self.max


class Target(Rule):
    """A threshold an indicator must meet, with when and where it applies.

    Exactly one of `year` and `years` is set. Without `level` and `units`, a target
    applies to the top unit.

    Attributes:
        year: The one year it applies to, or `None`.
        years: The first and last years it applies to (both included), or `None`.
        level: The level of the units it applies to, or `None`.
        units: The codes of the units it applies to, or `None`. Not with `level`.
        goal: Whether it is the final goal that assessments aim at (without one, the
            latest stated target is the goal).
        aspirational: Whether it is a target to strive for, not a binding one; it is
            judged the same way and flagged in reports.
        assumed_year: Whether the source document states no year and the spec assumes
            one (`note` says why).
        note: Free text, carried into every check of the target, or `None`: a
            plain string or a [`Text`][qnkpi.spec.models.Text] in both languages, so a
            Vietnamese report shows no English note.
        partial: How the target is judged at an as-of before its year ends
            (`--as-of 2025-06`): `as_is` (the value as it stands against the year's
            threshold: a stock or a state), `prorate` (against the threshold times the
            share of the year gone: a flow that builds up evenly) or `year_end` (not
            judged until the year is over). `None`: `year_end` for an indicator that adds
            up periods (a measure with `over_time: sum`) or reads a yearly source,
            `as_is` otherwise.
        milestones: Levels to reach part-way through a year; a milestone at or before
            the as-of is judged in place of `partial`.
    """

    year: int | None = None
    years: tuple[int, int] | None = None
    level: str | None = None
    units: tuple[Code, ...] | None = None
    goal: bool = False
    aspirational: bool = False
    assumed_year: bool = False
    note: Text | None = None
    partial: Literal["year_end", "prorate", "as_is"] | None = None
    milestones: tuple[Milestone, ...] = ()

    @model_validator(mode="after")
    def _when_where(self) -> Target:
        if (self.year is None) == (self.years is None):
            raise ValueError("a target needs exactly one of 'year' or 'years: [first, last]'")
        if self.years is not None and self.years[0] > self.years[1]:
            raise ValueError(f"'years' {list(self.years)}: the first year is after the last")
        if self.level is not None and self.units is not None:
            raise ValueError("a target applies to a 'level' or to 'units', not both")
        seen = set()
        for m in self.milestones:
            if (m.value is None) != (self.op == "between"):
                raise ValueError(f"milestone 'by: {m.by}': a '{self.op}' target's milestone "
                                 f"takes {'min and max' if self.op == 'between' else 'value'}")
            year = m.year
            if year is not None and not self.first_year <= year <= self.last_year:
                years = (str(self.first_year) if self.first_year == self.last_year
                         else f"{self.first_year}-{self.last_year}")
                raise ValueError(f"milestone 'by: {m.by}' is not in the target's years "
                                 f"({years}); give a period of those years, or write it "
                                 "without the year (H1, Q2) for every one of them")
            if (year, m.months) in seen:
                raise ValueError(f"two milestones 'by: {m.by}'; keep one")
            seen.add((year, m.months))
        return self

    @property
    def first_year(self) -> int:
        """The first year the target applies to: `year`, or the first of `years`."""
        return self.year if self.year is not None else self.years[0]  # type: ignore[index]

    @property
    def last_year(self) -> int:
        """The last year the target applies to: `year`, or the last of `years`."""
        return self.year if self.year is not None else self.years[1]  # type: ignore[index]

    @property
    def scope(self) -> tuple[str, ...] | str | None:
        """Where the target applies: a level name, a sorted tuple of unit codes, or `None`
        for the top unit."""
        if self.level is not None:
            return self.level
        return tuple(sorted(self.units)) if self.units is not None else None


class Baseline(Model):
    """The starting point that assessments measure progress from, for the whole
    programme area: it is used when the goal target is on the top unit.

    Attributes:
        year: The baseline's year; it may be before the programme starts.
        value: The indicator's value in that year.
    """

    year: int
    value: float
