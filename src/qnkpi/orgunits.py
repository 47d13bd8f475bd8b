"""The organisation as arrays: units x years, with each year's tree and roll-up.

Every unit record of the spec gets a row; every year of the evaluation gets a column.
``valid[u, y]`` says whether unit ``u`` belongs to year ``y``'s tree (valid on the
reference day of that year) and ``parent[u, y]`` is its parent's row in that year, or -1.
Roll-ups walk the levels bottom-up with ``numpy.bincount`` over whole panels: no Python
loop over units or cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from qnkpi.spec.models import OrgUnitsSpec

__all__ = ["OrgTree", "Rollup"]

FloatPanel = npt.NDArray[np.float64]
BoolPanel = npt.NDArray[np.bool_]
Rollup = Literal["sum", "mean", "min", "max", "none"]


@dataclass(frozen=True, eq=False)
class OrgTree:
    """Units (rows) over years (columns). Build it with :meth:`from_spec`."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[str, ...]
    level_of: npt.NDArray[np.int16]  # [N] index into ``levels``
    years: npt.NDArray[np.int64]  # [Y]
    valid: BoolPanel  # [N, Y]
    parent: npt.NDArray[np.int64]  # [N, Y], -1 for none
    index: dict[str, int]

    @classmethod
    def from_spec(cls, spec: OrgUnitsSpec, years: Sequence[int]) -> OrgTree:
        """Arrange ``spec``'s units over ``years`` (validated by the spec checks)."""
        units = spec.units
        years_arr = np.asarray(years, dtype=np.int64)
        month, day = (int(part) for part in spec.reference_day.split("-"))
        level_pos = {name: i for i, name in enumerate(spec.levels)}
        index = {unit.code: i for i, unit in enumerate(units)}
        n, n_years = len(units), len(years_arr)
        valid = np.ones((n, n_years), dtype=bool)
        parent = np.full((n, n_years), -1, dtype=np.int64)
        ref_days = [dt.date(int(y), month, day) for y in years_arr]
        for i, unit in enumerate(units):
            if unit.valid_from is not None or unit.valid_to is not None:
                lo = unit.valid_from or dt.date.min
                hi = unit.valid_to or dt.date.max
                valid[i] = [lo <= ref <= hi for ref in ref_days]
            if unit.parent is not None:
                parent[i] = index[unit.parent]
        parent[~valid] = -1
        return cls(
            codes=tuple(unit.code for unit in units),
            names=tuple(unit.name for unit in units),
            levels=tuple(spec.levels),
            level_of=np.array([level_pos[unit.level] for unit in units], dtype=np.int16),
            years=years_arr,
            valid=valid,
            parent=parent,
            index=index,
        )

    @property
    def shape(self) -> tuple[int, int]:
        """(units, years)."""
        n, n_years = self.valid.shape
        return n, n_years

    def empty(self) -> FloatPanel:
        """A units x years panel of NaN (missing)."""
        return np.full(self.shape, np.nan)

    def level_mask(self, levels: str | Sequence[str]) -> BoolPanel:
        """[N, Y]: units of the given level(s) that belong to each year's tree."""
        names = [levels] if isinstance(levels, str) else list(levels)
        wanted = np.isin(self.level_of, [self.levels.index(name) for name in names])
        return self.valid & wanted[:, None]

    def top_mask(self) -> BoolPanel:
        """[N, Y]: units with no parent in each year's tree (usually the one top unit)."""
        return self.valid & (self.parent < 0)

    def leaf_mask(self) -> BoolPanel:
        """[N, Y]: units of each year's tree that have no children that year."""
        n, n_years = self.shape
        has_child = np.zeros(n * n_years, dtype=bool)
        ok = self.parent >= 0
        has_child[(self.parent * n_years + np.arange(n_years))[ok]] = True
        return self.valid & ~has_child.reshape(n, n_years)

    def rollup(self, values: FloatPanel, how: Rollup = "sum") -> FloatPanel:
        """Fill every unit from the bottom up: its own value where it has one, else the
        ``how`` of its children's values (missing where no child has a value).

        Units outside a year's tree are missing in that year. ``how="none"`` keeps only
        the values units reported themselves.
        """
        out = np.where(self.valid, values, np.nan)
        if how == "none":
            return out
        n, n_years = self.shape
        total = np.zeros(n * n_years)
        count = np.zeros(n * n_years)
        extreme = np.full(n * n_years, np.nan)
        for level in range(len(self.levels) - 1, -1, -1):
            rows = np.flatnonzero(self.level_of == level)
            if rows.size == 0:
                continue
            # 1. this level is complete: fill what it did not report from its children
            if how in ("min", "max"):
                agg = extreme.reshape(n, n_years)[rows]
            else:
                t, c = total.reshape(n, n_years)[rows], count.reshape(n, n_years)[rows]
                with np.errstate(invalid="ignore", divide="ignore"):
                    agg = np.where(c > 0, t / c if how == "mean" else t, np.nan)
            own = out[rows]
            out[rows] = np.where(np.isnan(own) & self.valid[rows], agg, own)
            # 2. hand its values up to the parents, whatever their level
            par = self.parent[rows]
            vals = out[rows]
            ok = (par >= 0) & ~np.isnan(vals)
            if not ok.any():
                continue
            flat = (par * n_years + np.arange(n_years))[ok]
            if how in ("min", "max"):
                (np.fmin if how == "min" else np.fmax).at(extreme, flat, vals[ok])
            else:
                total += np.bincount(flat, weights=vals[ok], minlength=n * n_years)
                count += np.bincount(flat, minlength=n * n_years)
        return out

    def subtree_count(self, flags: BoolPanel) -> FloatPanel:
        """[N, Y]: how many units in each unit's subtree (itself included) are flagged."""
        n, n_years = self.shape
        out = (flags & self.valid).astype(np.float64)
        for level in range(len(self.levels) - 1, 0, -1):
            rows = np.flatnonzero(self.level_of == level)
            par = self.parent[rows]
            ok = par >= 0
            if not ok.any():
                continue
            flat = (par * n_years + np.arange(n_years))[ok]
            out += np.bincount(flat, weights=out[rows][ok], minlength=n * n_years).reshape(
                n, n_years)
        return out
