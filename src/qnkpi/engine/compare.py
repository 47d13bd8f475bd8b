"""Exact, unrounded comparison of whole panels against thresholds."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["OPS", "STATUSES", "compare", "margin", "op_code"]

OPS: tuple[str, ...] = ("", ">", ">=", "<", "<=", "==", "between")
"""Operators by the code threshold panels store; code 0 means "no target here"."""

STATUSES: tuple[str, ...] = ("", "met", "not_met", "no_data")
"""Check statuses by the code status panels store; code 0 means "no check here"."""

FloatPanel = npt.NDArray[np.float64]


def compare(value: FloatPanel, op: npt.NDArray[np.int8], lo: FloatPanel,
            hi: FloatPanel) -> npt.NDArray[np.bool_]:
    """Where `value` passes the threshold. NaN never passes; "> 50" fails on 50.0."""
    with np.errstate(invalid="ignore"):
        passed: npt.NDArray[np.bool_] = (
            ((op == 1) & (value > lo))
            | ((op == 2) & (value >= lo))
            | ((op == 3) & (value < lo))
            | ((op == 4) & (value <= lo))
            | ((op == 5) & (value == lo))
            | ((op == 6) & (value >= lo) & (value <= hi))
        )
    return passed


def margin(value: FloatPanel, op: npt.NDArray[np.int8], lo: FloatPanel,
           hi: FloatPanel) -> FloatPanel:
    """How far `value` clears the threshold: positive on the passing side, 0 on the
    boundary, negative on the failing side (for `==`, minus the distance)."""
    with np.errstate(invalid="ignore", over="ignore"):
        above = value - lo
        return np.select(
            [(op == 1) | (op == 2), (op == 3) | (op == 4), op == 5, op == 6],
            [above, lo - value, -np.abs(above), np.minimum(above, hi - value)],
            default=np.nan,
        )


def op_code(op: str) -> int:
    """The code of `op` in [`OPS`][qnkpi.engine.compare.OPS]."""
    return OPS.index(op)
