"""Reading the measures: one request per source, every unit and year at once.

What comes back is checked at the door (a panel of the tree's shape, finite numbers or
NaN) and cleaned as the spec says: values of a unit outside its life are left out (with a
warning), and `absent: zero` fills a unit's silence in a year others reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from qnkpi.engine.over_time import fold_measures
from qnkpi.errors import DataError, PluginError, QnkpiError
from qnkpi.kinds.base import FloatPanel
from qnkpi.orgunits import OrgTree
from qnkpi.periods import KINDS, AsOf
from qnkpi.plugin.hooks import SOURCE_TYPES
from qnkpi.plugin.loading import BUILTIN_PLUGINS
from qnkpi.plugin.registry import Plugins
from qnkpi.sources.base import FetchRequest, MeasureRequest, Source
from qnkpi.spec.spec import Spec

__all__ = ["fetch_requests", "read_measures"]

def fetch_requests(spec: Spec, tree: OrgTree) -> dict[str, FetchRequest]:
    """One request per source: every measure read from it, for every unit and year (and
    every period of the year, for a source that reports by half, quarter or month)."""
    by_source: dict[str, list[MeasureRequest]] = defaultdict(list)
    for name, m in spec.measures.items():
        column = m.column if m.column is not None or m.aggregate == "count" else name
        by_source[m.source].append(MeasureRequest(name, column, m.aggregate))
    out = {}
    for source, measures in by_source.items():
        period = getattr(spec.sources[source], "period", "year")
        out[source] = FetchRequest(source, tuple(measures), tree.index, tree.years,
                                   per_year=KINDS[period], period=period)
    return out


def read_measures(spec: Spec, tree: OrgTree, plugins: Plugins,
                  progress: Callable[[str, int, int], None], as_of: AsOf | None = None,
                  ) -> tuple[dict[str, FloatPanel], tuple[str, ...]]:
    """The measures as the sources report them, and notes about the data: what the
    sources noted while reading, and the values left out because their unit did not
    exist that year. `absent: zero` is applied. With an `as_of` before its year's end,
    what the sources hold after it is left out (`qnkpi.engine.over_time`).

    Raises:
        DataError: A source found data it cannot use (every source is read first, so
            one run names every bad one).
        PluginError: A third party's source failed otherwise, or returned something
            that is not a panel of numbers; it names the plugin. A built-in source's crash
            propagates as it is: a bug in qnkpi, not in the data.
    """
    measures, noted = _fetch(spec, tree, plugins, progress, as_of)
    warnings = noted + _outside_life(tree, measures)
    for panel in measures.values():
        panel[~tree.valid] = np.nan  # left out: they neither roll up nor set "as of"
    leaf = tree.leaf_mask()
    for name, m in spec.measures.items():
        if m.absent == "zero":
            panel = measures[name]
            has_data = ~np.isnan(panel).all(axis=0)
            panel[np.isnan(panel) & leaf & has_data] = 0.0
    return measures, warnings


def _outside_life(tree: OrgTree, measures: dict[str, FloatPanel]) -> tuple[str, ...]:
    """Data for a unit in a year it did not exist in are left out; say so, per unit."""
    stray = np.zeros(tree.shape, dtype=bool)
    for panel in measures.values():
        stray |= ~np.isnan(panel) & ~tree.valid
    out = []
    for row in np.flatnonzero(stray.any(axis=1)).tolist():
        years = tree.years[stray[row]].tolist()
        out.append(f"unit '{tree.codes[row]}' has data for {', '.join(map(str, years))}, "
                   "when it was not in the org units (see its valid_from/valid_to); those "
                   "values are left out")
    return tuple(out)


def _fetch(spec: Spec, tree: OrgTree, plugins: Plugins,
           progress: Callable[[str, int, int], None], as_of: AsOf | None,
           ) -> tuple[dict[str, FloatPanel], tuple[str, ...]]:
    """Every measure from its source, and what the sources noted while reading
    ([`FetchRequest.warn`][qnkpi.sources.base.FetchRequest.warn])."""
    out: dict[str, FloatPanel] = {}
    noted: list[str] = []
    failed: list[QnkpiError] = []  # every source is read, so one run names every bad one
    requests = fetch_requests(spec, tree)
    for done, (source_name, request) in enumerate(requests.items()):
        progress("sources", done, len(requests))
        source = spec.sources[source_name]
        assert isinstance(source, Source)
        try:
            got = source.fetch(request)
        except QnkpiError as exc:
            failed.append(exc)
            continue
        except Exception as exc:
            owner = plugins.owner(SOURCE_TYPES, source.type)
            if owner in BUILTIN_PLUGINS:
                raise  # a crash in a built-in source is a bug in qnkpi (exit 70), not bad input
            raise PluginError(owner,
                               f"source '{source_name}' (type '{source.type}') failed: "
                               f"{type(exc).__name__}: {exc}") from exc
        noted += request.warnings
        checked = {m.name: _checked(plugins, source.type, m.name, got.get(m.name),
                                    request.shape) for m in request.measures}
        over_time = {name: spec.measures[name].over_time or "sum" for name in checked}
        yearly, notes = fold_measures(request, checked, over_time, as_of)
        noted += notes
        out.update(yearly)
    progress("sources", len(requests), len(requests))
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise DataError(f"{len(failed)} sources failed:\n" + "\n".join(f"  {e}" for e in failed))
    return out, tuple(dict.fromkeys(noted))


def _checked(plugins: Plugins, source_type: str, measure: str, panel: Any,
             shape: tuple[int, int]) -> FloatPanel:
    """A source's panel for `measure` as float64, or a PluginError saying what is
    wrong with it: missing, of the wrong shape (`shape`: the request's), not numbers,
    infinite."""
    if panel is None or np.shape(panel) != shape:
        raise PluginError(plugins.owner(SOURCE_TYPES, source_type),
                           f"source type '{source_type}' returned no {shape} panel "
                           f"for measure '{measure}'")
    try:
        values = np.asarray(panel, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PluginError(plugins.owner(SOURCE_TYPES, source_type),
                           f"source type '{source_type}' returned values that are not "
                           f"numbers for measure '{measure}': {exc}") from None
    if np.isinf(values).any():
        raise PluginError(plugins.owner(SOURCE_TYPES, source_type),
                           f"source type '{source_type}' returned an infinite value for "
                           f"measure '{measure}'; a source gives finite numbers, or NaN "
                           "for missing")
    return values
