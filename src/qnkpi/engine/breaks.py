"""Where a unit's figure is not comparable with the year before: breaks of the tree.

An aggregate is made of the lowest-level units under it. When that set changes between
two years (a reform, a split, a merge), the two figures describe different things:
Quảng Ninh's province added up 13 district-level unions in 2024 and 54 commune-level
unions in 2025, so its count of activities jumps from 35 to 135 without anything having
grown. A unit's figure breaks too when the unit itself gave or took territory (a lineage
edge made between the two years' reference days), even with the same code.

[`tree_breaks`][qnkpi.engine.breaks.tree_breaks] computes it once for the whole tree,
units x years, with numpy over (leaf, ancestor, year) triples: no loop over cells. A
restated view (`evaluate(restate_to=Y)`) has one tree up to Y, so it has no break there
by construction; later years keep theirs.
"""

from __future__ import annotations

import weakref

import numpy as np
import numpy.typing as npt

from qnkpi.kinds.base import IndicatorPanel
from qnkpi.orgunits import OrgTree

__all__ = ["breaks_of", "has_previous", "indicator_breaks", "since_break", "tree_breaks"]

BoolPanel = npt.NDArray[np.bool_]


def has_previous(tree: OrgTree) -> BoolPanel:
    """`[N, Y]`: the unit belongs to this year's tree and to the previous year's (False in
    the first year): where a comparison with the year before can be made at all."""
    out = np.zeros(tree.shape, dtype=bool)
    out[:, 1:] = tree.valid[:, 1:] & tree.valid[:, :-1]
    return out


#: Tree -> its breaks, made once per tree however many indicators ask.
_CACHE: weakref.WeakKeyDictionary[OrgTree, BoolPanel] = weakref.WeakKeyDictionary()


def breaks_of(tree: OrgTree) -> BoolPanel:
    """[`tree_breaks`][qnkpi.engine.breaks.tree_breaks] of `tree`, computed on first use
    and kept while the tree lives (read-only: copy before changing it)."""
    cached = _CACHE.get(tree)
    if cached is None:
        cached = tree_breaks(tree)
        cached.flags.writeable = False
        _CACHE[tree] = cached
    return cached


def tree_breaks(tree: OrgTree, restated_to: int | None = None) -> BoolPanel:
    """`[N, Y]`: True where a unit's figure is not comparable with its previous year's.

    A unit breaks in year y when it belongs to both year y-1's tree and year y's, and
    either the set of leaves of its subtree (the lowest-level units, itself for a leaf)
    differs between the two, or one of those leaves gained or gave territory between
    them (it is a predecessor or a successor of a unit record that came into force in
    year y). A unit new in year y has no previous figure: no break (see
    [`has_previous`][qnkpi.engine.breaks.has_previous]).

    Args:
        tree: The tree (as evaluated: for a restated result, the restated tree).
        restated_to: The year earlier years were restated onto, or None. Years up to it
            share its tree, so none of them breaks.

    Returns:
        A new boolean panel.
    """
    n, n_years = tree.shape
    leaf = tree.leaf_mask()
    altered = _altered(tree)
    rows, cols = np.nonzero(leaf)
    pairs_anc, pairs_leaf, pairs_col = [], [], []
    current = rows
    for _ in range(n + 1):  # up the chain of parents; a chain is never longer than n
        keep = current >= 0
        if not keep.any():
            break
        current, rows, cols = current[keep], rows[keep], cols[keep]
        pairs_anc.append(current)
        pairs_leaf.append(rows)
        pairs_col.append(cols)
        current = tree.parent[current, cols]
    anc = np.concatenate(pairs_anc) if pairs_anc else np.zeros(0, np.int64)
    lf = np.concatenate(pairs_leaf) if pairs_leaf else np.zeros(0, np.int64)
    col = np.concatenate(pairs_col) if pairs_col else np.zeros(0, np.int64)
    key = (anc.astype(np.int64) * n + lf) * n_years + col
    keys = np.unique(key)
    out = np.zeros(n * n_years, dtype=bool)
    # a leaf under the unit this year that was not under it the year before ...
    later = col > 0
    gone_before = ~np.isin(key[later] - 1, keys, assume_unique=False)
    out[(anc[later] * n_years + col[later])[gone_before]] = True
    # ... or one under it the year before that is not under it this year
    earlier = col < n_years - 1
    gone_after = ~np.isin(key[earlier] + 1, keys, assume_unique=False)
    out[(anc[earlier] * n_years + col[earlier] + 1)[gone_after]] = True
    # a leaf under it that gained or gave territory this year
    out[(anc * n_years + col)[altered[lf, col]]] = True
    breaks = out.reshape(n, n_years) & has_previous(tree)
    if restated_to is not None:
        breaks[:, tree.years <= restated_to] = False
    return breaks


def _altered(tree: OrgTree) -> BoolPanel:
    """`[N, Y]`: units that are the successor or a predecessor of a unit record that
    came into force in that year (its first column), with a year before it."""
    n_years = tree.shape[1]
    out = np.zeros(tree.shape, dtype=bool)
    record = tree.record
    if not tree.records or record.size == 0 or n_years < 2:
        return out
    starts = np.zeros(tree.shape, dtype=bool)
    starts[:, 1:] = (record[:, 1:] >= 0) & (record[:, 1:] != record[:, :-1])
    rows, cols = np.nonzero(starts)
    recs = record[rows, cols]
    linked = np.array([bool(tree.records[r].predecessors) for r in recs.tolist()], dtype=bool)
    for row, col, rec in zip(rows[linked].tolist(), cols[linked].tolist(),
                             recs[linked].tolist(), strict=True):
        out[row, col] = True  # a handful: the records made by a change of tree
        for pred in tree.records[rec].predecessors:
            if pred.code in tree.index:
                out[tree.index[pred.code], col] = True
    return out


def indicator_breaks(breaks: BoolPanel, panel: IndicatorPanel) -> BoolPanel:
    """The tree's breaks that matter for one indicator: those of `breaks` except where
    the unit reported the figure itself in both years (its own value, not an aggregate
    of units under it; known where the kind counts coverage)."""
    if panel.expected is None:
        return breaks
    own = ~np.isnan(panel.value) & np.isnan(panel.expected)
    both = np.zeros_like(breaks)
    both[:, 1:] = own[:, 1:] & own[:, :-1]
    return breaks & ~both


def since_break(breaks: BoolPanel) -> npt.NDArray[np.int64]:
    """`[N, Y]`: the column where the unit's current run of comparable years starts: the
    latest break at or before each column (0 where there is none)."""
    cols = np.arange(breaks.shape[1], dtype=np.int64)
    out: npt.NDArray[np.int64] = np.maximum.accumulate(
        np.where(breaks, cols[None, :], 0), axis=1)
    return out
