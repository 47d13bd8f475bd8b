"""The result of an evaluation: columnar panels, with rows and JSON on demand."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from qnkpi.engine.compare import OPS, STATUSES, margin
from qnkpi.engine.targets import Thresholds
from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree
from qnkpi.spec.models import IndicatorSpec
from qnkpi.spec.spec import Spec

__all__ = ["RESULT_FORMAT", "Check", "IndicatorResult", "Result"]

#: Version of the JSON result format (``"qnkpi"`` key).
RESULT_FORMAT = "result/1"


@dataclass(frozen=True, eq=False)
class IndicatorResult:
    """One indicator's panels: values (with numerator and denominator where the kind has
    them), thresholds, and ``status`` codes (see :data:`qnkpi.engine.compare.STATUSES`;
    0 where nothing is checked)."""

    name: str
    spec: IndicatorSpec
    panel: IndicatorPanel
    thresholds: Thresholds
    status: npt.NDArray[np.int8]

    @property
    def margin(self) -> npt.NDArray[np.float64]:
        """How far each value clears its threshold (positive: on the passing side)."""
        t = self.thresholds
        return margin(self.panel.value, t.op, t.lo, t.hi)


@dataclass(frozen=True)
class Check:
    """One (indicator, unit, year) judged against the threshold that applies there."""

    indicator: str
    unit: str
    unit_name: str
    level: str
    year: int
    value: float | None
    op: str
    threshold: float | list[float] | None
    margin: float | None
    numerator: float | None
    denominator: float | None
    status: str
    target: int
    interpolated: bool
    goal: bool
    aspirational: bool
    assumed_year: bool
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        """The check as in the JSON result."""
        return asdict(self)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@dataclass(frozen=True, eq=False)
class Result:
    """What :func:`qnkpi.evaluate` returns.

    Panels are units x years numpy arrays (``tree.codes`` name the rows, ``years`` the
    columns); :meth:`checks` yields rows only when asked; :meth:`to_dict` and
    :meth:`write_json` give the JSON contract.
    """

    spec: Spec
    tree: OrgTree
    as_of: int
    indicators: dict[str, IndicatorResult]
    measures: dict[str, npt.NDArray[np.float64]]
    assessments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def years(self) -> npt.NDArray[np.int64]:
        """The years the panels span (their columns)."""
        return self.tree.years

    def checks(self, indicator: str | None = None) -> Iterator[Check]:
        """Every check, by indicator (in spec order), then year, then unit (tree order)."""
        tree = self.tree
        for name, res in self.indicators.items():
            if indicator is not None and name != indicator:
                continue
            t, p = res.thresholds, res.panel
            marg = res.margin
            cols, rows = np.nonzero(res.status.T)
            for col, row in zip(cols.tolist(), rows.tolist(), strict=True):
                i = int(t.target[row, col])
                target = res.spec.targets[i]
                op = OPS[t.op[row, col]]
                lo, hi = float(t.lo[row, col]), float(t.hi[row, col])
                yield Check(
                    indicator=name,
                    unit=tree.codes[row],
                    unit_name=tree.names[row],
                    level=tree.levels[tree.level_of[row]],
                    year=int(tree.years[col]),
                    value=_num(p.value[row, col]),
                    op=op,
                    threshold=[lo, hi] if op == "between" else lo,
                    margin=_num(marg[row, col]),
                    numerator=None if p.numerator is None else _num(p.numerator[row, col]),
                    denominator=(None if p.denominator is None
                                 else _num(p.denominator[row, col])),
                    status=STATUSES[res.status[row, col]],
                    target=i,
                    interpolated=bool(t.interpolated[row, col]),
                    goal=target.goal,
                    aspirational=target.aspirational,
                    assumed_year=target.assumed_year,
                    note=target.note,
                )

    def summary(self) -> dict[str, Any]:
        """Counts of checks by status, overall and per indicator."""
        per = {}
        for name, res in self.indicators.items():
            counts = np.bincount(res.status.ravel(), minlength=len(STATUSES))
            per[name] = {s: int(counts[i]) for i, s in enumerate(STATUSES) if s}
        total = {s: sum(c[s] for c in per.values()) for s in STATUSES if s}
        return {"checks": sum(total.values()), **total, "indicators": per}

    def to_dict(self) -> dict[str, Any]:
        """The JSON result (format :data:`RESULT_FORMAT`); missing values are ``None``."""
        prog = self.spec.programme
        return {
            "qnkpi": RESULT_FORMAT,
            "programme": {
                "id": prog.id,
                "title": prog.title.model_dump(),
                "owner": prog.owner,
                "period": prog.period.model_dump(),
            },
            "as_of": self.as_of,
            "checks": [c.to_dict() for c in self.checks()],
            "assessments": list(self.assessments),
            "summary": self.summary(),
        }

    def write_json(self, stream: IO[str], *, indent: int | None = 2) -> None:
        """Write :meth:`to_dict` as JSON (UTF-8 text, never NaN)."""
        json.dump(self.to_dict(), stream, ensure_ascii=False, indent=indent, allow_nan=False)
        stream.write("\n")
