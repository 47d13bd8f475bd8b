"""Judging every (indicator, unit, year): targets resolved into thresholds, values
compared with them exactly, and the status panel of each indicator."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnkpi.engine.partial import judge_partial
from qnkpi.engine.result import IndicatorResult
from qnkpi.engine.statuses import check_status
from qnkpi.engine.targets import resolve_targets
from qnkpi.errors import Problem, SpecError
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.periods import AsOf
from qnkpi.spec.spec import Spec

__all__ = ["check_status", "judge_checks"]

BoolPanel = npt.NDArray[np.bool_]


def judge_checks(spec: Spec, tree: OrgTree, panels: dict[str, IndicatorPanel],
                 checked: BoolPanel, restated: npt.NDArray[np.bool_] | None,
                 as_of: AsOf | None = None) -> dict[str, IndicatorResult]:
    """Every indicator's thresholds and statuses, in spec order.

    Args:
        spec: The spec.
        tree: The tree the panels are on.
        panels: The indicators' panels.
        checked: The (unit, year) cells to check (the units asked for, the years up to
            the as-of year); a cell without a threshold is not checked either.
        restated: The restated years, or `None`.
        as_of: An as-of before its year's end: the targets of that year are judged
            as they say part-way through a year (`qnkpi.engine.partial`).

    Raises:
        SpecError: Two targets of an indicator apply to one unit and year (every such
            problem of every indicator).
    """
    results = {}
    problems: list[Problem] = []
    for name, ind in spec.indicators.items():
        try:
            thresholds = resolve_targets(spec, name, ind, tree)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        partial = not_due = None
        if as_of is not None and as_of.partial:
            thresholds, partial = judge_partial(spec, name, ind, thresholds, tree.years, as_of)
            not_due = np.zeros(tree.shape, dtype=bool)
            not_due[:, partial.column] = partial.not_due
        status = check_status(ind, panels[name], thresholds, checked, restated, not_due)
        results[name] = IndicatorResult(name, ind, panels[name], thresholds, status, partial)
    if problems:
        raise SpecError(problems)
    return results
