"""Counts of a result's checks and assessments by status: the JSON result's `summary`,
what `qnkpi evaluate --fail-on` counts, and the line `repr` shows.

[`Result.summary`][qnkpi.engine.result.Result.summary],
[`Result.count`][qnkpi.engine.result.Result.count] and `repr(result)` are made here
from the status panels, so this module needs no result of its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from qnkpi.verdicts import ASSESSMENT_STATUSES, STATUSES

__all__ = ["count", "counted_statuses", "describe", "summary"]

Codes = npt.NDArray[np.int8]


def counted_statuses(partial: bool) -> list[str]:
    """The check statuses a summary counts: `not_due` only part-way through a year
    (`partial`), so that a yearly result's JSON is what it always was."""
    return [s for s in STATUSES if s and (s != "not_due" or partial)]


def summary(checks: Mapping[str, Codes], assessed: Iterable[Codes],
            by_year: list[dict[str, Any]], *, partial: bool) -> dict[str, Any]:
    """What `Result.summary` returns.

    Args:
        checks: Indicator name -> its check status panel, in spec order.
        assessed: Each assessment's status codes.
        by_year: The summary's `by_year`, as it is written.
        partial: Whether the result is part-way through a year (`Result.period`).
    """
    keys = counted_statuses(partial)
    per = {}
    for name, status in checks.items():
        counts = np.bincount(status.ravel(), minlength=len(STATUSES))
        per[name] = {s: int(counts[STATUSES.index(s)]) for s in keys}
    total = {s: sum(c[s] for c in per.values()) for s in keys}
    assessments = np.zeros(len(ASSESSMENT_STATUSES), dtype=np.int64)
    for status in assessed:
        assessments += np.bincount(status, minlength=len(ASSESSMENT_STATUSES))
    return {"checks": sum(total.values()), **total, "indicators": per,
            "assessments": {"total": int(assessments.sum()),
                            **{s: int(assessments[i])
                               for i, s in enumerate(ASSESSMENT_STATUSES) if s}},
            "by_year": by_year}


def count(statuses: Iterable[str], checks: Iterable[Codes], assessed: Iterable[Codes]) -> int:
    """How many checks (of the status panels `checks`) and assessments (of the status
    codes `assessed`) have one of `statuses`: what `Result.count` returns."""
    wanted = set(statuses)
    codes = [i for i, s in enumerate(STATUSES) if s and s in wanted]
    total = sum(int(np.isin(status, codes).sum()) for status in checks)
    codes = [i for i, s in enumerate(ASSESSMENT_STATUSES) if s and s in wanted]
    return total + sum(int(np.isin(status, codes).sum()) for status in assessed)


def describe(programme: str, as_of: int, restated_to: int | None, indicators: int,
             summary: Mapping[str, Any], *, partial: bool) -> str:
    """The short text `repr` gives of a result: the programme, the as-of year, the
    restated view if any, and the counts of its `summary`."""
    checks = ", ".join(f"{summary[k]} {k}" for k in counted_statuses(partial))
    restated = f", restated to {restated_to}" if restated_to is not None else ""
    return (f"<Result {programme!r} as of {as_of}{restated}: "
            f"{summary['checks']} checks ({checks}), {summary['assessments']['total']} "
            f"assessments, {indicators} indicators>")
