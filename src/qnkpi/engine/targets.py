"""Targets resolved into threshold panels: which operator and bounds apply at each
(unit, year), from explicit targets, recurring ones, and interpolation between them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from qnkpi.errors import Problem, SpecError
from qnkpi.orgunits import OrgTree
from qnkpi.spec.models import IndicatorSpec, Target
from qnkpi.spec.spec import Spec
from qnkpi.verdicts import Op, op_code

__all__ = ["Thresholds", "resolve_targets", "target_scope"]

FloatPanel = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Thresholds:
    """The threshold that applies at each unit and year, as units x years panels.

    Attributes:
        op: int8 operator codes: 0 no target, 1 `>`, 2 `>=`, 3 `<`, 4 `<=`, 5 `==`,
            6 `between`.
        lo: The lower bound (the threshold itself, except for `between`); NaN where there
            is no target.
        hi: The upper bound (equal to `lo`, except for `between`); NaN where there is no
            target.
        target: The index of the target in the indicator's `targets` (for an
            interpolated cell, the earlier target); -1 where there is none.
        interpolated: Whether the threshold was interpolated between two stated targets.
    """

    op: npt.NDArray[np.int8]
    lo: FloatPanel
    hi: FloatPanel
    target: npt.NDArray[np.int16]
    interpolated: npt.NDArray[np.bool_]


def target_scope(tree: OrgTree, target: Target) -> npt.NDArray[np.bool_]:
    """`[N, Y]`: the units a target applies to in each year's tree."""
    if target.level is not None:
        return tree.level_mask(target.level)
    if target.units is not None:
        rows = np.zeros(len(tree.codes), dtype=bool)
        rows[[tree.index[code] for code in target.units]] = True
        return tree.valid & rows[:, None]
    return tree.top_mask()


def resolve_targets(spec: Spec, name: str, ind: IndicatorSpec, tree: OrgTree) -> Thresholds:
    """The thresholds of indicator `name`.

    Raises:
        SpecError: Two targets apply to one (unit, year); the problem is at the second.
    """
    shape = tree.shape
    out = Thresholds(np.zeros(shape, np.int8), np.full(shape, np.nan), np.full(shape, np.nan),
                     np.full(shape, -1, np.int16), np.zeros(shape, bool))
    first_year = int(tree.years[0])
    problems: list[Problem] = []

    def place(i: int, year: int, op: str, lo: float, hi: float, interpolated: bool) -> None:
        col = year - first_year
        if not 0 <= col < shape[1]:
            return
        cells = target_scope(tree, ind.targets[i])[:, col]
        if not interpolated:
            clash = cells & (out.op[:, col] != Op.NONE)
            if clash.any():
                other = int(out.target[clash, col][0])
                code = tree.codes[int(np.flatnonzero(clash)[0])]
                problems.append(spec.problem(
                    ("indicators", name, "targets", i),
                    f"this target and target #{other + 1} both apply to unit '{code}' in "
                    f"{year}; give each (unit, year) one target"))
                return
        else:
            cells = cells & (out.op[:, col] == Op.NONE)
        out.op[cells, col] = op_code(op)
        out.lo[cells, col] = lo
        out.hi[cells, col] = hi
        out.target[cells, col] = i
        out.interpolated[cells, col] = interpolated

    stated: dict[object, list[int]] = defaultdict(list)
    for i, target in enumerate(ind.targets):
        lo, hi = target.bounds
        for year in range(target.first_year, target.last_year + 1):
            place(i, year, target.op, lo, hi, False)
        if target.year is not None:
            stated[target.scope].append(i)
    if ind.between != "none":
        for indices in stated.values():
            indices.sort(key=lambda i: ind.targets[i].first_year)
            for a, b in pairwise(indices):
                ta, tb = ind.targets[a], ind.targets[b]
                (alo, ahi), (blo, bhi) = ta.bounds, tb.bounds
                span = tb.first_year - ta.first_year
                for year in range(ta.first_year + 1, tb.first_year):
                    if ind.between == "step":
                        lo, hi = alo, ahi
                    else:  # multiply before dividing: exact where the line is
                        k = year - ta.first_year
                        lo = alo + (blo - alo) * k / span
                        hi = ahi + (bhi - ahi) * k / span
                    place(a, year, ta.op, lo, hi, True)
    if problems:
        raise SpecError(problems)
    return out
