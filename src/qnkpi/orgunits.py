"""The organisation as arrays: units x years, with each year's tree and roll-up.

Every unit code of the spec gets a row; every year of the evaluation gets a column.
`valid[u, y]` says whether unit `u` belongs to year `y`'s tree (valid on the
reference day of that year) and `parent[u, y]` is its parent's row in that year, or -1.
Roll-ups walk the levels bottom-up with `numpy.bincount` over whole panels: no Python
loop over units or cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from qnkpi.spec.tree import OrgUnitsSpec, UnitSpec

__all__ = ["OrgTree", "Rollup"]

FloatPanel = npt.NDArray[np.float64]
BoolPanel = npt.NDArray[np.bool_]
Rollup = Literal["sum", "mean", "min", "max", "none"]
"""How a unit without a value gets one from its children: the `sum`, `mean`, `min` or
`max` of theirs, or `none` (it stays missing)."""


@dataclass(frozen=True, eq=False)
class OrgTree:
    """The organisation as arrays: units (rows) over years (columns).

    Build it with [`from_spec`][qnkpi.orgunits.OrgTree.from_spec]. A row is a unit code,
    in the order of the org units. One code may have several records in the spec, one per
    period of its life (a town that became a city, with the same code and territory).
    Panels of shape `(units, years)` (N x Y) hold one value per row and year. Roll-ups
    walk the levels bottom-up with numpy over whole panels: no Python loop over units or
    cells.

    Attributes:
        codes: Each row's unit code.
        names: Each row's latest name.
        levels: The level names, top first.
        level_of: `[N]` each row's index into `levels`.
        years: `[Y]` the years of the columns.
        valid: `[N, Y]` whether the unit belongs to that year's tree (it is valid on that
            year's reference day).
        parent: `[N, Y]` the parent's row that year, or -1 for none.
        index: Unit code -> row.
        records: The spec's unit records.
        record: `[N, Y]` the index into `records` of the record in force that year, or -1
            outside the unit's life.
        latest: Each row's latest record (an index into `records`).
        ref_days: `[Y]` each year's reference day, as `datetime.date.toordinal()`.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[str, ...]
    level_of: npt.NDArray[np.int16]
    years: npt.NDArray[np.int64]
    valid: BoolPanel
    parent: npt.NDArray[np.int64]
    index: dict[str, int]
    records: tuple[UnitSpec, ...] = ()
    record: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    latest: tuple[int, ...] = ()
    ref_days: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    @classmethod
    def from_spec(cls, spec: OrgUnitsSpec, years: Sequence[int]) -> OrgTree:
        """Arrange the units of an org-units spec over some years.

        Args:
            spec: The org units, already checked (as a loaded spec's are).
            years: The years of the columns, consecutive.

        Returns:
            The tree: one row per unit code, one column per year.
        """
        units = spec.units
        years_arr = np.asarray(years, dtype=np.int64)
        month, day = (int(part) for part in spec.reference_day.split("-"))
        level_pos = {name: i for i, name in enumerate(spec.levels)}
        index: dict[str, int] = {}
        for unit in units:
            index.setdefault(unit.code, len(index))
        n, n_years = len(index), len(years_arr)
        record = np.full((n, n_years), -1, dtype=np.int64)
        ref_days = np.array([dt.date(int(y), month, day).toordinal() for y in years_arr],
                            dtype=np.int64)
        latest: dict[int, int] = {}
        for i, unit in enumerate(units):
            row = index[unit.code]
            lo = unit.valid_from.toordinal() if unit.valid_from else -1
            hi = unit.valid_to.toordinal() if unit.valid_to else 1 << 40
            record[row, (ref_days >= lo) & (ref_days <= hi)] = i
            if row not in latest or lo >= _start(units[latest[row]]):
                latest[row] = i
        valid = record >= 0
        parents = np.array([index.get(unit.parent, -1) if unit.parent is not None else -1
                            for unit in units] + [-1], dtype=np.int64)
        parent = parents[record]  # record -1 picks the trailing -1
        first = [latest[row] for row in range(n)]
        return cls(
            codes=tuple(index),
            names=tuple(units[i].name for i in first),
            levels=tuple(spec.levels),
            level_of=np.array([level_pos[units[i].level] for i in first], dtype=np.int16),
            years=years_arr,
            valid=valid,
            parent=parent,
            index=index,
            records=tuple(units),
            record=record,
            latest=tuple(first),
            ref_days=ref_days,
        )

    def unit_names(self, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64],
                   lang: str = "vi") -> list[str]:
        """The name in force for each (row, column) pair.

        A unit renamed in the middle of the programme reads under its name of that year;
        outside its life, under its latest name.

        Args:
            rows: Rows of the tree.
            cols: Columns (year positions), one per row.
            lang: `"vi"` for the official names; `"en"` for `name_en` where the record
                has one.

        Returns:
            One name per pair.
        """
        table = np.array([_name(unit, lang) for unit in self.records] + [""], dtype=object)
        latest = np.array(self.latest_names(lang), dtype=object)
        rec = self.record[rows, cols] if self.records else np.full(len(rows), -1)
        # outside the unit's life (no record that year): its latest name
        return list(np.where(rec >= 0, table[rec], latest[rows]))

    def record_names(self, lang: str = "vi") -> list[str]:
        """The name of each record of `records`, in order: what `record` indexes.

        Args:
            lang: `"vi"` for the official names; `"en"` for `name_en` where the record
                has one.

        Returns:
            One name per record.
        """
        return [_name(unit, lang) for unit in self.records]

    def latest_names(self, lang: str = "vi") -> list[str]:
        """Each row's latest name.

        Args:
            lang: `"vi"` for the official names; `"en"` for `name_en` where the record
                has one.

        Returns:
            One name per row.
        """
        if not self.records:
            return list(self.names)
        return [_name(self.records[i], lang) for i in self.latest]

    @property
    def shape(self) -> tuple[int, int]:
        """The shape of every panel: `(units, years)`."""
        n, n_years = self.valid.shape
        return n, n_years

    def empty(self) -> FloatPanel:
        """A new units x years panel of NaN (missing everywhere)."""
        return np.full(self.shape, np.nan)

    def level_mask(self, levels: str | Sequence[str]) -> BoolPanel:
        """Flag the units of some levels, in each year's tree.

        Args:
            levels: A level name, or several.

        Returns:
            `[N, Y]` boolean: the units of those levels that belong to each year's tree.

        Raises:
            ValueError: A name is not a level of the tree.
        """
        names = [levels] if isinstance(levels, str) else list(levels)
        wanted = np.isin(self.level_of, [self.levels.index(name) for name in names])
        return self.valid & wanted[:, None]

    def top_mask(self) -> BoolPanel:
        """`[N, Y]` boolean: the units with no parent in each year's tree (usually the one
        top unit)."""
        return self.valid & (self.parent < 0)

    def leaf_mask(self) -> BoolPanel:
        """`[N, Y]` boolean: the units of each year's tree that have no children that
        year."""
        n, n_years = self.shape
        has_child = np.zeros(n * n_years, dtype=bool)
        ok = self.parent >= 0
        has_child[(self.parent * n_years + np.arange(n_years))[ok]] = True
        return self.valid & ~has_child.reshape(n, n_years)

    def rollup(self, values: FloatPanel, how: Rollup = "sum") -> FloatPanel:
        """Fill every unit from the bottom up, in each year's tree.

        A unit keeps its own value where it has one; else it gets the `how` of its
        children's values (after they were filled themselves), or stays missing where no
        child has a value. Units outside a year's tree are missing in that year.

        Args:
            values: `[N, Y]` values as reported, NaN where missing.
            how: `sum`, `mean`, `min` or `max` of the children's values; `none` keeps
                only the values units reported themselves.

        Returns:
            A new `[N, Y]` panel.
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

    def coverage(self, has: BoolPanel) -> tuple[FloatPanel, FloatPanel]:
        """Count, at each aggregate, the units expected to report and those that did.

        In each year the reporting level is the lowest level where any unit reported; the
        units expected to report are those of that level, and the leaves of the year's
        tree above it (a branch that stops higher up reports where it stops). An
        aggregate is a unit above the reporting level, with children and no value of its
        own; it expects the expected units of its subtree. A unit expected to report
        that did not is missing, not an aggregate: it has no coverage.

        Args:
            has: `[N, Y]` boolean: the units that reported themselves.

        Returns:
            `(expected, reported)`: two `[N, Y]` panels of counts at every unit and year
                whose value is an aggregate, NaN elsewhere.
        """
        has = has & self.valid
        level = np.where(has, self.level_of[:, None], -1).max(axis=0)  # [Y]
        leaf = self.leaf_mask()
        above = self.level_of[:, None] < level[None, :]
        due = self.valid & ((self.level_of[:, None] == level[None, :]) | (leaf & above))
        expected = self.subtree_count(due)
        reported = self.subtree_count(due & has)
        aggregate = self.valid & ~has & above & ~leaf & (expected > 0)
        return (np.where(aggregate, expected, np.nan), np.where(aggregate, reported, np.nan))

    def subtree_count(self, flags: BoolPanel) -> FloatPanel:
        """Count flagged units in each unit's subtree, in each year's tree.

        Args:
            flags: `[N, Y]` boolean.

        Returns:
            `[N, Y]`: how many units of each unit's subtree (itself included) are flagged.
        """
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


def _start(unit: UnitSpec) -> int:
    return unit.valid_from.toordinal() if unit.valid_from else -1


def _name(unit: UnitSpec, lang: str) -> str:
    return unit.name_en if lang == "en" and unit.name_en else unit.name
