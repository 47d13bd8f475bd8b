"""The restated view: earlier years' data carried onto a later year's tree.

Units merge and split (Quảng Ninh's 13 district-level units became 54 commune-level
units on 1 July 2025). To compare 2023 with 2026 on one footing, each earlier year's
reported quantities are moved along the lineage (``predecessors``, with their weights)
onto the units of the target year's tree; the earlier years are then evaluated on that
tree. The data as reported are never changed: this is a second view, and every result
says which view it comes from.

The lineage is a list of edges ``predecessor -> successor`` with a weight, the share of
the predecessor that went to the successor. An edge without a weight is taken as 1 when
it is the predecessor's only successor and the predecessor ended; otherwise its share is
unknown, and every unit it feeds is missing in the restated view. A unit that lives on
into the target tree keeps what it did not give away.

Quantities that add up (measures rolled up by ``sum``) are split and added by the
weights. Others (``mean``, ``min``, ``max``, ``none``) are carried only where a unit of
the target tree comes, whole, from exactly one earlier unit.

All of it is numpy over the edges and the restated years at once; the loop runs once per
step of a lineage chain (a unit of 2023 that became one of 2024 and then one of 2026 takes
two steps).
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
    """Edges between the tree's rows: ``src[e] -> dst[e]`` with weight ``weight[e]``
    (NaN where the spec gives none)."""

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    weight: FloatPanel

    @classmethod
    def from_tree(cls, tree: OrgTree) -> Lineage:
        edges = {}
        for unit in tree.records:
            for pred in unit.predecessors:
                if pred.code in tree.index:
                    key = (tree.index[pred.code], tree.index[unit.code])
                    edges[key] = np.nan if pred.weight is None else pred.weight
        src = np.array([k[0] for k in edges], dtype=np.int64)
        dst = np.array([k[1] for k in edges], dtype=np.int64)
        return cls(src, dst, np.array(list(edges.values()), dtype=np.float64))

    def resolved(self, continuing: BoolPanel) -> FloatPanel:
        """Weights with the unstated ones filled where the lineage allows: 1 for the only
        successor of a unit that ended (``continuing`` flags the rows that did not)."""
        out = self.weight.copy()
        n_out = np.bincount(self.src, minlength=len(continuing))
        whole = np.isnan(out) & (n_out[self.src] == 1) & ~continuing[self.src]
        out[whole] = 1.0
        return out


def _carry(values: FloatPanel, present: BoolPanel, target: npt.NDArray[np.bool_],
           lineage: Lineage, weight: FloatPanel) -> tuple[FloatPanel, BoolPanel, FloatPanel]:
    """Move ``values`` (rows x restated years; ``present`` where a unit existed that
    year, NaN where it did not report) onto the ``target`` rows.

    Returns (amount, unknown, sources): what each target row receives; where part of it
    is unknown (a missing value or an unknown share on the way); and how many earlier
    units it is made of.
    """
    n, n_years = values.shape
    src, dst = lineage.src, lineage.dst
    given = np.bincount(src, weights=np.nan_to_num(weight, nan=0.0), minlength=n)
    unknown_share = np.bincount(src, weights=np.isnan(weight), minlength=n) > 0
    retain = np.where(unknown_share, np.nan, np.clip(1.0 - given, 0.0, 1.0))[:, None]

    amount = np.zeros((n, n_years))
    unknown = np.zeros((n, n_years), dtype=bool)
    sources = np.zeros((n, n_years))
    pending = np.where(present, values, 0.0)
    moving = present.copy()
    count = present.astype(np.float64)
    for step in range(MAX_STEPS):
        # target units keep what they hold: on the first step their own values, less the
        # shares they gave away; after it, everything that reached them
        keep = moving & target[:, None]
        share = np.broadcast_to(retain if step == 0 else np.ones((n, 1)), (n, n_years))
        kept = keep & (share != 0)  # NaN (unknown share) counts as kept, and unknown
        part = pending * share
        amount += np.where(kept, np.nan_to_num(part), 0.0)
        unknown |= kept & np.isnan(part)
        sources += np.where(kept, count, 0.0)
        # the rest moves one step down the lineage; a target unit passes on only the
        # shares of its own values it gave away
        passing = moving if step == 0 else moving & ~target[:, None]
        live = passing[src]  # [edges, years]
        if not live.any():
            break
        flat = (dst[:, None] * n_years + np.arange(n_years)[None, :])[live]
        flow = (pending[src] * weight[:, None])[live]
        nxt = np.zeros(n * n_years)
        np.add.at(nxt, flat, np.nan_to_num(flow))
        bad = np.zeros(n * n_years, dtype=bool)
        np.logical_or.at(bad, flat, np.isnan(flow))
        cnt = np.zeros(n * n_years)
        np.add.at(cnt, flat, count[src][live])
        moving = (cnt > 0).reshape(n, n_years)
        pending = np.where(bad, np.nan, nxt).reshape(n, n_years)
        count = cnt.reshape(n, n_years)
    return amount, unknown, sources


def restate(tree: OrgTree, measures: Mapping[str, FloatPanel],
            specs: Mapping[str, MeasureSpec], to_year: int,
            ) -> tuple[OrgTree, dict[str, FloatPanel], BoolPanel]:
    """The tree and measures with every year before ``to_year`` restated onto
    ``to_year``'s tree. Returns (tree, measures, restated), ``restated`` flagging the
    year columns that were restated."""
    years = tree.years
    col = int(np.flatnonzero(years == to_year)[0])
    restated = years < to_year
    cols = np.flatnonzero(restated)
    target = tree.valid[:, col]
    lineage = Lineage.from_tree(tree)
    weight = lineage.resolved(target)
    present = tree.valid[:, cols]

    out: dict[str, FloatPanel] = {}
    structure = np.ones((len(target), len(cols)))
    whole, _, n_sources = _carry(structure, present, target, lineage, weight)
    reached = (n_sources > 0) & target[:, None]
    single = (n_sources == 1) & np.isclose(whole, 1.0)  # one earlier unit, whole
    for name, panel in measures.items():
        amount, unknown, _ = _carry(panel[:, cols], present, target, lineage, weight)
        # missing where any part is missing or of unknown share: never a smaller number
        new = np.where(reached & ~unknown, amount, np.nan)
        if specs[name].rollup != "sum":  # not additive: carried only one to one
            new = np.where(single, new, np.nan)
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
