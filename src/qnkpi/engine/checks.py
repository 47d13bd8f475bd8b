"""Judging every (indicator, unit, year): targets resolved into thresholds, values
compared with them exactly, and the status panel of each indicator."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qnkpi.engine.compute import short_of_coverage
from qnkpi.engine.result import IndicatorResult
from qnkpi.engine.targets import Thresholds, resolve_targets
from qnkpi.errors import Problem, SpecError
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.spec.models import IndicatorSpec
from qnkpi.spec.spec import Spec
from qnkpi.verdicts import CheckStatus, Op, compare

__all__ = ["judge_checks"]

BoolPanel = npt.NDArray[np.bool_]


def judge_checks(spec: Spec, tree: OrgTree, panels: dict[str, IndicatorPanel],
                 checked: BoolPanel, restated: npt.NDArray[np.bool_] | None,
                 ) -> dict[str, IndicatorResult]:
    """Every indicator's thresholds and statuses, in spec order.

    Args:
        spec: The spec.
        tree: The tree the panels are on.
        panels: The indicators' panels.
        checked: The (unit, year) cells to check (the units asked for, the years up to
            the as-of year); a cell without a threshold is not checked either.
        restated: The restated years, or `None`.

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
        status = _status(ind, panels[name], thresholds, checked, restated)
        results[name] = IndicatorResult(name, ind, panels[name], thresholds, status)
    if problems:
        raise SpecError(problems)
    return results


def _status(ind: IndicatorSpec, panel: IndicatorPanel, thresholds: Thresholds,
            checked: BoolPanel, restated: npt.NDArray[np.bool_] | None,
            ) -> npt.NDArray[np.int8]:
    """The [`CheckStatus`][qnkpi.verdicts.CheckStatus] of every cell of one indicator."""
    value = panel.value
    checked = checked & (thresholds.op != Op.NONE)
    passed = compare(value, thresholds.op, thresholds.lo, thresholds.hi)
    # missing: not_met: a unit without a value, in a year others have values, has not
    # met the target; a year without any value stays no_data, and so does an aggregate
    # short of min_coverage, whatever the policy, and a unit whose value could not be
    # restated onto the later tree (it is unknown, not unreported)
    not_met = (ind.missing == "not_met") & ~np.isnan(value).all(axis=0)
    if restated is not None:
        not_met &= ~restated
    no_value = np.where(not_met, CheckStatus.NOT_MET, CheckStatus.NO_DATA)
    no_value = np.where(short_of_coverage(ind, panel.expected, panel.reported),
                        CheckStatus.NO_DATA, no_value[None, :])
    status = np.where(~checked, CheckStatus.NONE,
                      np.where(np.isnan(value), no_value,
                               np.where(passed, CheckStatus.MET, CheckStatus.NOT_MET)))
    return status.astype(np.int8)
