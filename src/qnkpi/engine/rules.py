"""Data validation rules, judged on whole panels.

A spec's `validation` rules (see [`ValidationRule`][qnkpi.spec.models.ValidationRule])
compare measures as the sources reported them, before any roll-up. Each rule is judged
with numpy over the units x years panels at once: both sides are computed as panels,
compared, and the cells where a side is missing are left unjudged.
[`judge_rules`][qnkpi.engine.rules.judge_rules] gives a
[`ValidationResult`][qnkpi.engine.rules.ValidationResult]: one
[`RuleResult`][qnkpi.engine.rules.RuleResult] per rule, with
[`Violation`][qnkpi.engine.rules.Violation] rows built only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qnkpi.errors import DataError, SpecError
from qnkpi.spec.rule_syntax import (
    Comparison,
    Expr,
    MeasureRef,
    Negate,
    Number,
    measure_refs,
)

if TYPE_CHECKING:
    from qnkpi.orgunits import OrgTree
    from qnkpi.spec.models import ValidationRule
    from qnkpi.spec.spec import Spec

__all__ = [
    "ROW_LIMIT",
    "RuleResult",
    "RuleViolationError",
    "ValidationResult",
    "Violation",
    "judge_rules",
]

FloatPanel = npt.NDArray[np.float64]
BoolPanel = npt.NDArray[np.bool_]

ROW_LIMIT = 10
"""How many rows of a broken rule messages list; the rest are counted ("and 4 more")."""

_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater,
            ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal}


def _divide(x: Any, y: Any) -> Any:
    """`x / y`, missing where `y` is 0: a division by zero leaves the cell unjudged,
    whatever is done with the quotient after (`1 / (1 / 0)` is not 0)."""
    return np.where(np.asarray(y) == 0, np.nan, np.divide(x, y))


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": _divide}


@dataclass(frozen=True, eq=False)
class RuleResult:
    """One validation rule judged at every unit and year.

    Panels are units x years, rows and columns as in the
    [`ValidationResult`][qnkpi.engine.rules.ValidationResult]'s `tree`.

    Attributes:
        index: The rule's position in the spec's `validation` list, from 0.
        rule: The rule as the spec states it.
        left: The left side's value at each unit and year; NaN where it has none (a
            measure it names is missing, or it divides by zero). A side that is one
            measure is that measure's panel, and a number a read-only view: do not
            change them.
        right: The right side's value, likewise.
        judged: Where both sides have a value: the cells the rule is judged at.
        broken: Where the rule is judged and its comparison fails.
    """

    index: int
    rule: ValidationRule
    left: FloatPanel
    right: FloatPanel
    judged: BoolPanel
    broken: BoolPanel

    @property
    def severity(self) -> str:
        """The rule's severity: `error` or `warning`."""
        return self.rule.severity

    @property
    def count(self) -> int:
        """How many (unit, year) cells break the rule."""
        return int(np.count_nonzero(self.broken))


@dataclass(frozen=True)
class Violation:
    """One unit and year where a rule is broken: an object of the JSON result's
    `violations`.

    Attributes:
        rule: The rule as written in the spec.
        index: The rule's position in the spec's `validation` list, from 0.
        severity: `error` or `warning`.
        unit: The unit's code.
        unit_name: The unit's name in force that year.
        level: The unit's level.
        year: The year.
        left: The left side's value.
        op: The rule's comparison: `<`, `<=`, `>`, `>=`, `==` or `!=`.
        right: The right side's value.
        values: Each measure the rule names -> its value at the unit and year.
        sources: The sources those measures come from, in the order the rule names
            them: `{"source": name, "file": path or None}`.
        message: The rule's `message` as `{"vi", "en"}`, or `None`.
    """

    rule: str
    index: int
    severity: str
    unit: str
    unit_name: str
    level: str
    year: int
    left: float
    op: str
    right: float
    values: dict[str, float]
    sources: list[dict[str, str | None]]
    message: dict[str, str | None] | None

    def to_dict(self) -> dict[str, Any]:
        """The violation as an object of the JSON result: field name -> value."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class ValidationResult:
    """Every validation rule of a spec judged on its data.

    Attributes:
        spec: The spec whose rules were judged.
        tree: The organisation the panels' rows follow, as reported (never restated).
        measures: Measure name -> its panel as the sources reported it: what the rules
            read.
        rules: One [`RuleResult`][qnkpi.engine.rules.RuleResult] per rule, in spec
            order, broken or not.
    """

    spec: Spec
    tree: OrgTree
    measures: Mapping[str, FloatPanel]
    rules: tuple[RuleResult, ...] = ()

    def broken(self, severity: str | None = None) -> list[RuleResult]:
        """The rules broken somewhere.

        Args:
            severity: Only rules of this severity (`error` or `warning`). Default: all.

        Returns:
            The broken rules, in spec order.
        """
        return [r for r in self.rules
                if r.count and (severity is None or r.severity == severity)]

    def count(self, severity: str | None = None) -> int:
        """How many (rule, unit, year) violations there are.

        Args:
            severity: Only those of rules of this severity. Default: all.

        Returns:
            The number of violations.
        """
        return sum(r.count for r in self.broken(severity))

    def violations(self, severity: str | None = None) -> Iterator[Violation]:
        """Every violation as a row.

        Args:
            severity: Only those of rules of this severity. Default: all.

        Yields:
            [`Violation`][qnkpi.engine.rules.Violation]s by rule (in spec order), then
                year, then unit (in the order of the org units).
        """
        for result in self.broken(severity):
            columns = self._columns(result)
            keys = list(columns)
            for values in zip(*columns.values(), strict=True):
                yield Violation(**dict(zip(keys, values, strict=True)))

    def _columns(self, result: RuleResult, limit: int | None = None) -> dict[str, list[Any]]:
        """A broken rule's violations as columns (the first `limit` of them)."""
        tree, rule = self.tree, result.rule
        comparison = rule.comparison
        cols, rows = np.nonzero(result.broken.T)  # by year, then unit
        rows, cols = rows[:limit], cols[:limit]
        n = len(rows)
        names = list(dict.fromkeys(ref.name for ref in comparison.measures()))
        per = {name: self.measures[name][rows, cols].tolist() for name in names}
        sources = self._sources(names)
        message = rule.message.model_dump() if rule.message is not None else None
        return {
            "rule": [rule.rule] * n,
            "index": [result.index] * n,
            "severity": [rule.severity] * n,
            "unit": np.array(tree.codes, dtype=object)[rows].tolist(),
            "unit_name": tree.unit_names(rows, cols),
            "level": np.array(tree.levels, dtype=object)[tree.level_of[rows]].tolist(),
            "year": tree.years[cols].tolist(),
            "left": result.left[rows, cols].tolist(),
            "op": [comparison.op] * n,
            "right": result.right[rows, cols].tolist(),
            "values": [{name: per[name][k] for name in names} for k in range(n)],
            "sources": [[dict(s) for s in sources] for _ in range(n)],
            "message": [message] * n,
        }

    def _sources(self, names: list[str]) -> list[dict[str, str | None]]:
        out: dict[str, str | None] = {}
        for name in names:
            source = self.spec.measures[name].source
            path = getattr(self.spec.sources.get(source), "path", None)
            out.setdefault(source, str(path) if path is not None else None)
        return [{"source": s, "file": f} for s, f in out.items()]

    def describe(self, result: RuleResult, *, limit: int = ROW_LIMIT,
                 lang: str = "en") -> list[str]:
        """A broken rule for people: a header at the rule's place in the spec, then one
        line per violation (at most `limit`, then how many more), then the rule's message.

        Args:
            result: A rule of `rules`.
            limit: The most violations listed.
            lang: The language of the rule's `message`: `vi` or `en`.

        Returns:
            The lines, without indentation: the header first, the rest to be indented
                under it.
        """
        comparison = result.rule.comparison
        n = result.count
        sources = self._sources(list(dict.fromkeys(r.name for r in comparison.measures())))
        where = " and ".join(f"'{s['source']}'" + (f" ({s['file']})" if s["file"] else "")
                             for s in sources)
        noun = "source" if len(sources) == 1 else "sources"
        header = self.spec.problem(
            ("validation", result.index, "rule"),
            f"rule '{result.rule.rule}' is broken in {n} {_rows(n)}, data from {noun} "
            f"{where}:")
        lines = [str(header)]
        columns = self._columns(result, limit)
        sides = [(comparison.left, comparison.left_text, "left"),
                 (comparison.right, comparison.right_text, "right")]
        for k in range(len(columns["unit"])):
            parts = []
            for expr, text, key in sides:
                if isinstance(expr, Number):
                    continue
                shown = f"{text} = {_number(columns[key][k])}"
                if not isinstance(expr, MeasureRef):
                    inner = dict.fromkeys(r.name for r in measure_refs(expr))
                    shown += " (" + ", ".join(f"{name} = {_number(columns['values'][k][name])}"
                                              for name in inner) + ")"
                parts.append(shown)
            lines.append(f"{columns['year'][k]}, unit '{columns['unit'][k]}' "
                         f"{columns['unit_name'][k]}: {', '.join(parts)}")
        if n > limit:
            lines.append(f"and {n - limit} more")
        if result.rule.message is not None:
            lines.append(result.rule.message.get(lang))
        return lines


class RuleViolationError(DataError):
    """The data break validation rules of severity `error`.

    [`evaluate`][qnkpi.engine.evaluate.evaluate] raises it after judging every rule, so
    it holds every violation (and those of the rules of severity `warning`). The
    message lists each broken rule of severity `error` at its place in the spec, with
    its first rows ([`ROW_LIMIT`][qnkpi.engine.rules.ROW_LIMIT]).

    Args:
        validation: Every rule judged.
        notes: Other notes about the data, made before the rules were judged (what the
            sources noted while reading, values left out).

    Attributes:
        validation: Every rule judged: its
            [`violations`][qnkpi.engine.rules.ValidationResult.violations] gives the rows.
        notes: Other notes about the data, as a result's `warnings` would hold them.
    """

    def __init__(self, validation: ValidationResult, notes: tuple[str, ...] = ()) -> None:
        self.validation = validation
        self.notes = notes
        broken = validation.broken("error")
        n = sum(r.count for r in broken)
        lines = [f"the data break {len(broken)} validation {_plural(len(broken), 'rule')} "
                 f"in {n} {_rows(n)}; correct the data, or the rule in the spec:"]
        for result in broken:
            header, *rest = validation.describe(result)
            lines += [f"  {header}", *(f"    {line}" for line in rest)]
        super().__init__("\n".join(lines))


def judge_rules(spec: Spec, tree: OrgTree,
                measures: Mapping[str, FloatPanel]) -> ValidationResult:
    """Judge every validation rule of `spec` on panels of measures.

    Args:
        spec: A loaded spec (its rules' syntax and names checked).
        tree: The organisation the panels' rows and columns follow.
        measures: Measure name -> units x years panel, NaN where missing, for at least
            every measure the rules name: the values as the sources reported them.

    Returns:
        Every rule judged, in spec order. Nothing is raised for broken rules: the caller
            decides (see [`RuleViolationError`][qnkpi.engine.rules.RuleViolationError]).

    Raises:
        SpecError: A rule cannot be read or names an unknown measure (only for a spec
            built without the loader, which checks both).
    """
    out = []
    for i, item in enumerate(spec.validation):
        comparison = _comparison(spec, i, item)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            left = _side(comparison.left, measures, tree.shape)
            right = _side(comparison.right, measures, tree.shape)
            judged = np.isfinite(left) & np.isfinite(right)
            broken = judged & ~_COMPARE[comparison.op](left, right)
        out.append(RuleResult(i, item, _finite(left), _finite(right), judged, broken))
    return ValidationResult(spec, tree, measures, tuple(out))


def _finite(side: FloatPanel) -> FloatPanel:
    """The side with an overflow (an infinity, never judged) as NaN; the side itself (a
    measure's panel, a constant's read-only view) when it has none, to save memory."""
    infinite = np.isinf(side)
    return np.where(infinite, np.nan, side) if infinite.any() else side


def _comparison(spec: Spec, i: int, item: ValidationRule) -> Comparison:
    from qnkpi.spec.rule_syntax import RuleSyntaxError

    at = ("validation", i, "rule")
    try:
        comparison = item.comparison
    except RuleSyntaxError as exc:
        raise SpecError(spec.problem(at, exc.message, offset=exc.offset)) from None
    for ref in comparison.measures():
        if ref.name not in spec.measures:
            raise SpecError(spec.problem(at, f"unknown measure '{ref.name}'", offset=ref.offset))
    return comparison


def _side(expr: Expr, measures: Mapping[str, FloatPanel],
          shape: tuple[int, int]) -> FloatPanel:
    value = _value(expr, measures)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), shape)


def _value(expr: Expr, measures: Mapping[str, FloatPanel]) -> FloatPanel | float:
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, MeasureRef):
        return measures[expr.name]
    if isinstance(expr, Negate):
        return np.negative(_value(expr.operand, measures))
    out: FloatPanel = _ARITHMETIC[expr.op](_value(expr.left, measures),
                                           _value(expr.right, measures))
    return out


def _number(value: float) -> str:
    """A value as people read it: 1200, 52.3, 0.30000000000000004 (unrounded)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _rows(n: int) -> str:
    return _plural(n, "row")
