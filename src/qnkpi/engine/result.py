"""The result of an evaluation: columnar panels, with rows and JSON on demand.

[`Result`][qnkpi.engine.result.Result] holds one numpy array per indicator and
quantity, units x years; [`Check`][qnkpi.engine.rows.Check] rows, dicts and JSON are
built only when asked for (by `qnkpi.engine.rows`). `Check` is importable from here
too, where 0.1 defined it. The counts by status are made in `qnkpi.engine.result_counts`,
the DataFrames, the JSON head and the notebook view in `qnkpi.engine.result_formats`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qnkpi.engine import headline as _headline
from qnkpi.engine import result_counts as _counts
from qnkpi.engine import result_formats as _formats
from qnkpi.engine import result_json as _json
from qnkpi.engine import rows as _rows
from qnkpi.engine.assess import Assessment
from qnkpi.engine.breaks import breaks_of, has_previous, indicator_breaks
from qnkpi.engine.partial import PartialYear
from qnkpi.engine.rows import Check
from qnkpi.engine.rules import ValidationResult
from qnkpi.engine.tables import TableName, to_arrow
from qnkpi.engine.targets import Thresholds
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.periods import AsOf
from qnkpi.spec.models import IndicatorSpec
from qnkpi.spec.spec import Spec
from qnkpi.verdicts import margin, verdicts

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

__all__ = ["RESULT_FORMAT", "IndicatorResult", "Result"]

RESULT_FORMAT = "result/1"
"""The version of the JSON result format: the value of its `"qnkpi"` key."""


@dataclass(frozen=True, eq=False)
class IndicatorResult:
    """One indicator's panels: values, thresholds, statuses and verdicts, units x years.

    Attributes:
        name: The indicator's name.
        indicator: The indicator as the spec declares it: an instance of its kind (such
            as `RatioIndicator`).
        panel: Its values after roll-up, with the numerator and denominator where the
            kind has them, and coverage counts at aggregates.
        thresholds: The threshold that applies at each unit and year.
        status: int8 [`CheckStatus`][qnkpi.verdicts.CheckStatus] codes: 0 no check,
            1 met, 2 not met, 3 no data, 5 not due.
        partial: How the checks of a year not over at the as-of were judged, or
            `None` for an as-of at a year's end; `thresholds` then hold what that year
            was judged against (a prorated threshold, a milestone).
    """

    name: str
    indicator: IndicatorSpec
    panel: IndicatorPanel
    thresholds: Thresholds
    status: npt.NDArray[np.int8]
    partial: PartialYear | None = None

    @property
    def spec(self) -> IndicatorSpec:
        """Deprecated since 0.2: the same as
        [`indicator`][qnkpi.engine.result.IndicatorResult] (`Result.spec` is the
        programme's spec, this one was an indicator's)."""
        warnings.warn("IndicatorResult.spec is deprecated: use IndicatorResult.indicator",
                      DeprecationWarning, stacklevel=2)
        return self.indicator

    @functools.cached_property
    def margin(self) -> npt.NDArray[np.float64]:
        """How far each value clears its threshold, units x years.

        Positive on the passing side, 0 on the boundary, negative on the failing side
        (for `==`, minus the distance); NaN where there is no value or no threshold.
        Computed on first use, then kept.
        """
        t = self.thresholds
        return margin(self.panel.value, t.op, t.lo, t.hi)

    @functools.cached_property
    def verdict(self) -> npt.NDArray[np.int8]:
        """What a report shows for each check, units x years: int8
        [`Verdict`][qnkpi.verdicts.Verdict] codes, the `status` codes with a `met`
        check of a `>=` or `<=` target passed with room to spare made 4 (`exceeded`).

        The one place the rule is applied (see [`verdicts`][qnkpi.verdicts.verdicts]);
        every reporter reads it here. Computed on first use, then kept.
        """
        return verdicts(self.status, self.thresholds.op, self.margin)


@dataclass(frozen=True, eq=False)
class Result:
    """What [`evaluate`][qnkpi.engine.evaluate.evaluate] returns.

    Columnar: panels are units x years numpy arrays, whose rows are the units of `tree`
    (`tree.codes`) and whose columns are `years`.
    [`checks`][qnkpi.engine.result.Result.checks] yields rows only when asked;
    [`to_dict`][qnkpi.engine.result.Result.to_dict] and
    [`write_json`][qnkpi.engine.result.Result.write_json] give the JSON result.

    Attributes:
        spec: The spec evaluated.
        tree: The organisation as arrays: which unit is which row.
        as_of: The last year checked.
        period: The as-of when it falls before its year's end (`evaluate(as_of=
            "2025-06")`): the as-of year's values are the year so far; `None` otherwise.
        indicators: Indicator name -> its panels, in spec order.
        measures: Measure name -> units x years array as the sources returned it (after
            `absent: zero`), not rolled up.
        assessments: One [`Assessment`][qnkpi.engine.assess.Assessment] per indicator
            and method.
        restated_to: The year whose tree earlier years were restated onto
            (`evaluate(restate_to=...)`), or `None`: every result as reported.
        warnings: Notes about the data that did not stop the evaluation: what the
            sources noted while reading (a file with a header and no rows), values for a
            unit in a year it did not exist in, which are left out, and broken validation
            rules of severity `warning` (one note per rule, with its first rows).
        validation: The spec's data validation rules judged on the data as reported
            (before any roll-up or restating), or `None`. No rule of severity `error` is
            broken in a result: [`evaluate`][qnkpi.engine.evaluate.evaluate] raises
            instead.
    """

    spec: Spec
    tree: OrgTree
    as_of: int
    indicators: dict[str, IndicatorResult]
    measures: dict[str, npt.NDArray[np.float64]]
    assessments: list[Assessment] = field(default_factory=list)
    restated_to: int | None = None
    warnings: tuple[str, ...] = ()
    validation: ValidationResult | None = None
    period: AsOf | None = None

    @property
    def restated(self) -> npt.NDArray[np.bool_]:
        """A boolean array over `years`: the columns whose results are restated (not as
        reported). All false without `restated_to`."""
        if self.restated_to is None:
            return np.zeros(len(self.tree.years), dtype=bool)
        return self.tree.years < self.restated_to

    @property
    def breaks(self) -> npt.NDArray[np.bool_]:
        """`[units, years]` booleans: True where a unit's figure is not comparable with
        its previous year's, because the set of lowest-level units under it changed (or
        one of them gained or gave territory) between the two years' trees; see
        `qnkpi.engine.breaks.tree_breaks`. A restated view has none up to
        `restated_to`. The same for every indicator; `comparable` refines it."""
        out = breaks_of(self.tree).copy()
        if self.restated_to is not None:
            out[:, self.tree.years <= self.restated_to] = False
        return out

    def comparable(self, indicator: str) -> npt.NDArray[np.float64]:
        """One indicator's comparability with the previous year, units x years: 1.0
        comparable, 0.0 not (a break of the tree, unless the unit reported the figure
        itself in both years), NaN where there is no previous year to compare with (the
        first year, or a unit new that year). What each check's
        `comparable_with_previous` says.

        Raises:
            KeyError: `indicator` is not an indicator of the spec.
        """
        broken = indicator_breaks(self.breaks, self.indicators[indicator].panel)
        return np.where(has_previous(self.tree), np.where(broken, 0.0, 1.0), np.nan)

    def headline(self) -> list[_headline.YearCount]:
        """Per year, how many of the top unit's targets were met out of those with a
        figure, and how many had none: the line a report leads with ("Năm 2025: 3/9
        chỉ tiêu đạt và vượt"); see `qnkpi.engine.headline.headline`. The
        JSON summary's `by_year`."""
        return _headline.headline(self)

    @property
    def years(self) -> npt.NDArray[np.int64]:
        """The years the panels span: their columns, from the programme's start (or the
        earliest baseline year) to its end."""
        return self.tree.years

    def check_columns(self, indicator: str) -> dict[str, list[Any]]:
        """One indicator's checks as columns, built with numpy: fast for many checks.

        Args:
            indicator: The indicator's name.

        Returns:
            [`Check`][qnkpi.engine.rows.Check] field name -> list of values, in the
                order of [`checks`][qnkpi.engine.result.Result.checks]: by year, then unit.

        Raises:
            KeyError: `indicator` is not an indicator of the spec.
        """
        return _rows.check_columns(self, indicator)

    def assessments_of(self, indicator: str) -> list[Assessment]:
        """The assessments of one indicator: what a report shows under its grid.

        Args:
            indicator: The indicator's name.

        Returns:
            One [`Assessment`][qnkpi.engine.assess.Assessment] per goal and method: goal
                by goal (see [`goals_of`][qnkpi.engine.assess.goals_of]), each in the order
                the spec names the methods; an empty list when the indicator has no goal or
                its goals apply to no unit.
        """
        return [a for group in self.assessment_groups(indicator) for a in group]

    def assessment_groups(self, indicator: str) -> list[list[Assessment]]:
        """One indicator's assessments, a list per goal: each holds one
        [`Assessment`][qnkpi.engine.assess.Assessment] per method, on the same units.
        An indicator has one goal unless two or more targets end in its latest year with
        none marked `goal: true` (a province target and one for every district): then
        each is assessed at its own units. Goals that apply to no unit are left out.

        Args:
            indicator: The indicator's name.
        """
        groups: dict[int | None, list[Assessment]] = {}
        for a in self._assessments_by_indicator().get(indicator, ()):
            groups.setdefault(a.goal_target, []).append(a)
        return [g for g in groups.values() if len(g[0].inputs.rows)]

    def _assessments_by_indicator(self) -> dict[str, list[Assessment]]:
        """Indicator name -> its assessments, in the order of `assessments`: built on
        first use (a report asks once per indicator; scanning every assessment each time
        made 5,000 indicators take a minute), and again if `assessments` has changed
        length since."""
        cached = self.__dict__.get("_by_indicator")
        if cached is not None and cached[0] == len(self.assessments):
            return cached[1]  # type: ignore[no-any-return]
        index: dict[str, list[Assessment]] = {}
        for a in self.assessments:
            index.setdefault(a.indicator, []).append(a)
        self.__dict__["_by_indicator"] = (len(self.assessments), index)
        return index

    def assessment_rows(self, indicator: str | None = None) -> Iterator[dict[str, Any]]:
        """Every assessment as an object of the JSON result's `assessments`.

        Args:
            indicator: Only this indicator's assessments. Default: every indicator's.

        Yields:
            One dict per (indicator, unit, method): by indicator in spec order, then
                goal (see `assessment_groups`), unit, then method.
        """
        return _rows.assessment_rows(self, indicator)

    def checks(self, indicator: str | None = None) -> Iterator[Check]:
        """Every check, as a [`Check`][qnkpi.engine.rows.Check].

        Args:
            indicator: Only this indicator's checks. Default: every indicator's.

        Yields:
            Checks by indicator (in spec order), then year, then unit (in tree order).
        """
        for row in _rows.check_dicts(self, indicator):
            yield Check(**row)

    def count(self, statuses: Iterable[str]) -> int:
        """Count the checks and assessments that have one of some statuses.

        What `qnkpi evaluate --fail-on` uses.

        Args:
            statuses: Check statuses (`met`, `not_met`, `no_data`) and assessment
                statuses (`achieved`, `on_track`, `at_risk`, `off_track`, `regressing`,
                `insufficient_data`), such as `{"not_met", "regressing"}`.

        Returns:
            How many checks and assessments have one of `statuses`.
        """
        return _counts.count(statuses, (r.status for r in self.indicators.values()),
                             (a.status for a in self.assessments))

    def summary(self) -> dict[str, Any]:
        """Counts of checks and assessments by status.

        Returns:
            A dict with `checks` (how many), `met`, `not_met` and `no_data` (how many of
                each), `indicators` (indicator name -> the same counts per status),
                `assessments` (`total` and a count per assessment status) and `by_year`
                (the top unit's targets per year, as
                [`headline`][qnkpi.engine.result.Result.headline] gives them:
                `{"year", "met", "of", "no_data"}`). It is the `summary` of the JSON
                result. With an as-of before its year's end (`period`), the counts
                have `not_due` too.
        """
        return _counts.summary({name: res.status for name, res in self.indicators.items()},
                               (a.status for a in self.assessments),
                               [row.to_dict() for row in self.headline()],
                               partial=self.period is not None)

    def violation_rows(self) -> Iterator[dict[str, Any]]:
        """Every violation of a validation rule, as an object of the JSON result's
        `violations`.

        Yields:
            One dict per (rule, unit, year) where a rule is broken: by rule in spec
                order, then year, then unit. Only rules of severity `warning` can be
                broken in a result.
        """
        if self.validation is not None:
            for violation in self.validation.violations():
                yield violation.to_dict()

    def to_arrow(self, table: TableName = "checks") -> pa.Table:
        """One table of the result as a pyarrow Table: flat columns, built from the
        panels without a Python object per check.

        The columns are the fields of the JSON result's `checks`, `assessments` or
        `violations`, flattened (see [Result tables](../result.md#tables)): a check's
        `threshold` is split into `threshold` and `threshold_max` (the upper bound of
        `between`), an assessment's `baseline` and `current` into `baseline_year`,
        `baseline_value`, `current_year` and `current_value`. Years and counts are
        int64, values float64, flags bool; missing values are null, never NaN. Rows are
        in the order of [`to_dict`][qnkpi.engine.result.Result.to_dict].

        Args:
            table: `"checks"` (default), `"assessments"` or `"violations"`.

        Returns:
            A `pyarrow.Table`, with its columns even when it has no rows.

        Raises:
            ValueError: `table` is not one of the three.
        """
        return to_arrow(self, table)

    def to_pandas(self, table: TableName = "checks") -> pd.DataFrame:
        """One table of the result as a pandas DataFrame: the columns of
        [`to_arrow`][qnkpi.engine.result.Result.to_arrow], with pandas' nullable dtypes
        (`Int64`, `Float64`, `boolean`, `string`) so that a missing value is `pd.NA`,
        never NaN. Needs pandas.

        Args:
            table: `"checks"` (default), `"assessments"` or `"violations"`.
        """
        return _formats.pandas_frame(self.to_arrow(table))

    def to_polars(self, table: TableName = "checks") -> pl.DataFrame:
        """One table of the result as a polars DataFrame: the columns of
        [`to_arrow`][qnkpi.engine.result.Result.to_arrow] (nulls for missing values).
        Needs polars.

        Args:
            table: `"checks"` (default), `"assessments"` or `"violations"`.
        """
        return _formats.polars_frame(self.to_arrow(table))

    def __repr__(self) -> str:
        """Short: the programme, the as-of year and the counts (the dataclass's own
        repr would print every panel)."""
        return _counts.describe(self.spec.programme.id, self.as_of, self.restated_to,
                                len(self.indicators), self.summary(),
                                partial=self.period is not None)

    def _repr_html_(self) -> str | None:
        """The notebook view: the html report's summary and indicator table.

        The engine stands below the reporters (docs/architecture.md), so it does not
        import the html reporter: it asks the registry the spec was loaded with (else a
        fresh one) for the reporter registered as `html`, and calls its `notebook`
        method. Without one (a registry that blocks it), Jupyter shows `repr`.
        """
        return _formats.notebook_view(self, self.spec.plugins)

    def _head(self) -> dict[str, Any]:
        """The JSON result's keys before its `checks`."""
        return {"qnkpi": RESULT_FORMAT,
                **_formats.json_head(self.spec, self.as_of, self.period, self.restated_to)}

    def to_dict(self) -> dict[str, Any]:
        """The JSON result as a dict.

        Returns:
            A dict of format [`RESULT_FORMAT`][qnkpi.engine.result.RESULT_FORMAT]: the
                programme, `as_of`, `restated_to`, `checks`, `assessments`, `violations`
                and `summary`.
                Missing values are `None`, never NaN.
        """
        return {
            **self._head(),
            "checks": list(_rows.check_dicts(self)),
            "assessments": list(self.assessment_rows()),
            "violations": list(self.violation_rows()),
            "summary": self.summary(),
        }

    def write_json(self, stream: IO[str]) -> None:
        """Write the JSON result, as [`to_dict`][qnkpi.engine.result.Result.to_dict]
        gives it, one check and one assessment per line.

        Readable, and fast however many checks there are: written from the result's
        Arrow tables a batch of rows at a time (`qnkpi.engine.result_json`), the same
        bytes as `json.dumps` gives on each object. Non-ASCII text is written as it is,
        and missing values as `null`, never NaN.

        Args:
            stream: A text stream; open files with `encoding="utf-8"`.
        """

        _json.write_json(self, stream, self._head(), self.summary())
