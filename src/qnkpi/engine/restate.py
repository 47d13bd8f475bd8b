"""The restated view: earlier years' data carried onto a later year's tree.

Units merge and split (Quảng Ninh's 13 district-level units became 54 commune-level
units on 1 July 2025). To compare 2023 with 2026 on one footing, each earlier year's
reported quantities are moved along the lineage (`predecessors`, with their weights)
onto the units of the target year's tree; the earlier years are then evaluated on that
tree. The data as reported are never changed: this is a second view, and every result
says which view it comes from.

The lineage is a list of edges `predecessor -> successor` with a weight, the share of
the predecessor that went to the successor, and a day, the successor's `valid_from`.
A year's data cross only the edges made after that year's reference day and on or before
the target year's: a change after the target year, or one the year's tree already shows,
does not move them. A unit that lives on keeps what it did not give away.

Each measure's `restate` key says how it travels: `split` (the default for measures
rolled up by `sum`) splits and adds it by the weights; `whole` (the default for the
others) carries it only where a unit of the target tree comes, whole, from exactly one
earlier unit; `none` leaves it missing in the restated years.

An edge without a weight is taken as 1 when it is the
predecessor's only successor that day and the predecessor ended; otherwise its share is
unknown, and every unit it feeds is missing in the restated view.

All of it is numpy over the edges and the restated years at once; the only loop runs over
the days on which the organisation changed (Quảng Ninh: two), in order, so a unit that
was split and later merged gives its shares as they stood at each change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from qnkpi.orgunits import OrgTree
from qnkpi.spec.models import MeasureSpec

__all__ = ["Lineage", "restate"]

FloatPanel = npt.NDArray[np.float64]
BoolPanel = npt.NDArray[np.bool_]

#: Longest lineage chain followed (units changed this many times between two years).
MAX_STEPS = 32


@dataclass(frozen=True, eq=False)
class Lineage:
    """Edges between the tree's rows: `src[e] -> dst[e]` with weight `weight[e]`
    (NaN where the spec gives none), made on `day[e]` (the successor record's
    `valid_from` as an ordinal; -1 where it has none). `goes_on[e]` says whether the
    predecessor still exists on that day (it gave part of itself away and lives on)."""

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    weight: FloatPanel
    day: npt.NDArray[np.int64]
    goes_on: BoolPanel

    @classmethod
    def from_tree(cls, tree: OrgTree) -> Lineage:
        spans: dict[str, list[tuple[int, int]]] = {}
        for unit in tree.records:
            spans.setdefault(unit.code, []).append(
                (unit.valid_from.toordinal() if unit.valid_from else -1,
                 unit.valid_to.toordinal() if unit.valid_to else 1 << 40))
        edges: dict[tuple[int, int, int], tuple[float, bool]] = {}
        for unit in tree.records:
            day = unit.valid_from.toordinal() if unit.valid_from else -1
            for pred in unit.predecessors:
                if pred.code in tree.index:
                    alive = any(lo <= day <= hi for lo, hi in spans[pred.code])
                    key = (tree.index[pred.code], tree.index[unit.code], day)
                    edges[key] = (np.nan if pred.weight is None else pred.weight, alive)
        keys = np.array(list(edges), dtype=np.int64).reshape(-1, 3)
        return cls(keys[:, 0].copy(), keys[:, 1].copy(),
                   np.array([w for w, _ in edges.values()], dtype=np.float64),
                   keys[:, 2].copy(), np.array([a for _, a in edges.values()], dtype=bool))

    def active(self, ref_days: npt.NDArray[np.int64], to_day: int) -> BoolPanel:
        """[edges, years]: the edges a year's data cross on the way to the tree of
        `to_day`: those made after that year's reference day and on or before
        `to_day`. A change after the target year, or before the year, is not crossed."""
        return (ref_days[None, :] < self.day[:, None]) & (self.day[:, None] <= to_day)


def _carry(values: FloatPanel, present: BoolPanel, lineage: Lineage,
           active: BoolPanel) -> tuple[FloatPanel, FloatPanel]:
    """Move `values` (rows x restated years; NaN where a unit did not report;
    `present` where it existed) across the `active` edges ([edges, years]), one
    change day after another.

    On each day, a predecessor gives each successor its weight's share of what it holds
    then, and keeps the rest if it goes on; a missing weight is 1 for the only successor
    of a predecessor that ended, else unknown. Returns (amount, sources): what every row
    holds at the end (NaN where a part of it is unknown) and how many units that year
    it is made of.
    """
    n, n_years = values.shape
    hold = np.where(present, values, 0.0)
    count = present.astype(np.float64)
    for day in np.unique(lineage.day[active.any(axis=1)]).tolist():
        on = np.flatnonzero(lineage.day == day)
        src, dst, act = lineage.src[on], lineage.dst[on], active[on]
        n_out = np.zeros((n, n_years))
        np.add.at(n_out, src, act.astype(np.float64))
        goes_on = np.zeros(n, dtype=bool)
        goes_on[src] = lineage.goes_on[on]
        weight = np.broadcast_to(lineage.weight[on, None], act.shape).copy()
        whole = np.isnan(weight) & (n_out[src] == 1) & ~goes_on[src][:, None]
        weight[whole] = 1.0
        weight[~act] = 0.0
        given = np.zeros((n, n_years))
        np.add.at(given, src, weight)  # NaN where a share is unknown
        gives = n_out > 0
        keep = np.where(goes_on[:, None], np.clip(1.0 - given, 0.0, 1.0), 0.0)
        flow = hold[src] * weight
        moved = np.where(act, count[src], 0.0)
        hold = np.where(gives, np.where(keep == 0, 0.0, hold * keep), hold)
        count = np.where(gives & ~goes_on[:, None], 0.0, count)
        np.add.at(hold, dst, np.where(act, flow, 0.0))
        np.add.at(count, dst, moved)
    return hold, count


def restate(tree: OrgTree, measures: Mapping[str, FloatPanel],
            specs: Mapping[str, MeasureSpec], to_year: int,
            ) -> tuple[OrgTree, dict[str, FloatPanel], BoolPanel]:
    """The tree and measures with every year before `to_year` restated onto
    `to_year`'s tree. Returns (tree, measures, restated), `restated` flagging the
    year columns that were restated."""
    years = tree.years
    col = int(np.flatnonzero(years == to_year)[0])
    restated = years < to_year
    cols = np.flatnonzero(restated)
    target = tree.valid[:, col]
    lineage = Lineage.from_tree(tree)
    active = lineage.active(tree.ref_days[cols], int(tree.ref_days[col]))
    present = tree.valid[:, cols]

    out: dict[str, FloatPanel] = {}
    whole, n_sources = _carry(np.ones((len(target), len(cols))), present, lineage, active)
    reached = (n_sources > 0) & target[:, None]
    single = (n_sources == 1) & np.isclose(whole, 1.0)  # one earlier unit, whole
    for name, panel in measures.items():
        amount, _ = _carry(panel[:, cols], present, lineage, active)
        # missing where any part is missing or of unknown share: never a smaller number
        new = np.where(reached, amount, np.nan)
        how = specs[name].restate
        if how == "whole":  # not additive, or not to be apportioned: one to one only
            new = np.where(single, new, np.nan)
        elif how == "none":
            new = np.full_like(new, np.nan)
        full = panel.copy()
        full[:, cols] = new
        out[name] = full

    valid = tree.valid.copy()
    parent = tree.parent.copy()
    record = tree.record.copy()
    valid[:, cols] = target[:, None]
    parent[:, cols] = tree.parent[:, [col]]
    record[:, cols] = tree.record[:, [col]]
    return replace(tree, valid=valid, parent=parent, record=record), out, restated
