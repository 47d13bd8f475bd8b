"""Helpers for testing code that uses qnkpi, and qnkpi plugins: a tiny programme, specs
from Python data, and a registry with exactly the plugins you name.

```python
import qnkpi
from qnkpi.testing import plugins_with, spec_from_dict, tiny_programme

programme = tiny_programme(
    data={"reached": {"D1": {2023: 30}}, "youth": {"D1": {2023: 50}}},
    indicators={"reached_pct": {
        "kind": "ratio", "numerator": "reached", "denominator": "youth",
        "factor": 100, "unit": "percent", "direction": "increase",
        "targets": [{"year": 2023, "op": ">=", "value": 50}]}})
spec = spec_from_dict(programme, plugins=plugins_with(my_plugin))
result = qnkpi.evaluate(spec)
```
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qnkpi.plugin.registry import Plugins
    from qnkpi.spec.spec import Spec

__all__ = ["PERIOD_COLUMNS", "PERIOD_INDICATORS", "PERIOD_MEASURES", "period_records",
           "plugins_with", "spec_from_dict", "tiny_org_units", "tiny_programme"]


def plugins_with(*plugins: object) -> Plugins:
    """Build a registry with the built-ins and the given plugins, and no installed plugin.

    The files of `QNKPI_PLUGINS_DIR` are still loaded: unset it in tests that must not
    see them. It is strict: a plugin that fails raises, rather than being disabled with
    a warning as the command line does, so a plugin's tests see its errors.

    Args:
        *plugins: Plugin objects: modules, or objects with `@hookimpl` methods.

    Returns:
        A fresh registry.

    Raises:
        qnkpi.errors.PluginError: A plugin failed to load or registered something
            invalid; it names the plugin.
    """
    from qnkpi.plugin.registry import get_plugins

    return get_plugins(autoload=False, plugins=plugins, strict=True)


def tiny_org_units(districts: int = 3) -> dict[str, Any]:
    """An org-units mapping: a province `"P"` with districts `"D1"`, `"D2"`...

    Args:
        districts: How many districts.

    Returns:
        The mapping an org-units file holds: levels `province` and `district`, and the
            units (named `"Province"`, `"District 1"`...).
    """
    units = [{"code": "P", "name": "Province", "level": "province"}]
    units += [{"code": f"D{i}", "name": f"District {i}", "level": "district", "parent": "P"}
              for i in range(1, districts + 1)]
    return {"levels": ["province", "district"], "units": units}


def tiny_programme(*, measures: dict[str, Any] | None = None,
                   indicators: dict[str, Any] | None = None,
                   data: dict[str, dict[str, dict[int, float | None]]] | None = None,
                   districts: int = 3, start: int = 2023, end: int = 2030) -> dict[str, Any]:
    """A complete spec as Python data, for [`spec_from_dict`][qnkpi.testing.spec_from_dict].

    Programme `tiny` over `start`-`end`, the org units of
    [`tiny_org_units`][qnkpi.testing.tiny_org_units], an `inline` source named `data`
    holding `data`, and the measures and indicators given. Change the dict as you like
    before loading it.

    Args:
        measures: The `measures` section. Default: one measure per key of `data`, read
            from the `data` source.
        indicators: The `indicators` section. Default: none.
        data: Measure -> unit code -> year -> value (`None` for missing), written into
            the `inline` source (copied).
        districts: How many districts the org units have.
        start: The programme's first year.
        end: The programme's last year.

    Returns:
        The spec as a dict.
    """
    data = data or {}
    return {
        "qnkpi": 1,
        "programme": {"id": "tiny", "title": {"en": "Tiny programme"},
                      "period": {"start": start, "end": end}},
        "org_units": tiny_org_units(districts),
        "sources": {"data": {"type": "inline", "data": copy.deepcopy(data)}},
        "measures": measures if measures is not None else
        {name: {"source": "data"} for name in data},
        "indicators": indicators or {},
    }


def spec_from_dict(data: dict[str, Any], *, base_dir: str | Path = ".",
                   plugins: Plugins | None = None) -> Spec:
    """Load a spec given as Python data, exactly as if it were read from YAML: as
    [`qnkpi.spec_from_dict`][qnkpi.spec.loader.spec_from_dict], with the built-ins only
    by default.

    The data go through the same checks, with the same messages, as a spec file.

    Args:
        data: The spec, as YAML would read it (such as
            [`tiny_programme`][qnkpi.testing.tiny_programme]'s result).
        base_dir: The folder relative paths in the spec resolve against. Problems name
            the file `<dict>` in it.
        plugins: The registry the spec may use. Default:
            [`plugins_with()`][qnkpi.testing.plugins_with], so installed plugins do not
            leak into tests.

    Returns:
        The checked spec.

    Raises:
        qnkpi.errors.SpecError: Listing every problem found.
    """
    from qnkpi.spec.loader import spec_from_dict as load

    return load(data, base_dir=base_dir, plugins=plugins or plugins_with())


# --- data by period, for testing a source that reports by month, quarter or half ------------

PERIOD_COLUMNS: tuple[str, ...] = ("unit_code", "day", "month", "quarter", "half",
                                   "vaccinated", "age", "income")
"""The columns of [`period_records`][qnkpi.testing.period_records]: a unit code, the day
(ISO text), the same day's month, quarter and half as period texts, then three values."""

PERIOD_MEASURES: dict[str, dict[str, Any]] = {
    "people": {"aggregate": "count"},
    "vaccinated": {"column": "vaccinated", "aggregate": "sum"},
    "income": {"column": "income", "aggregate": "sum"},
    "with_income": {"column": "income", "aggregate": "count"},
    "mean_age": {"column": "age", "aggregate": "mean", "over_time": "mean"},
    "top_income": {"column": "income", "aggregate": "max", "over_time": "max"},
    "youngest": {"column": "age", "aggregate": "min", "over_time": "last"},
}
"""Measures of [`period_records`][qnkpi.testing.period_records] (add `source`), one per
aggregate and `over_time`."""

PERIOD_INDICATORS: dict[str, Any] = {
    "vaccinated_n": {"kind": "value", "measure": "vaccinated", "direction": "increase",
                     "targets": [{"years": [2023, 2026], "op": ">=", "value": 60,
                                  "level": "district"},
                                 {"years": [2023, 2026], "op": ">=", "value": 200}]},
    "vaccinated_pct": {"kind": "ratio", "numerator": "vaccinated", "denominator": "people",
                       "factor": 100, "direction": "increase",
                       "targets": [{"years": [2023, 2025], "op": ">=", "value": 50,
                                    "level": "district"}]},
    "age": {"kind": "value", "measure": "mean_age", "direction": "decrease",
            "targets": [{"years": [2023, 2025], "op": "<=", "value": 45, "level": "district"}]},
}
"""Indicators on [`PERIOD_MEASURES`][qnkpi.testing.PERIOD_MEASURES] for
[`tiny_programme`][qnkpi.testing.tiny_programme]'s districts: a count, a ratio of
counts and a mean, with targets that some units meet."""


def period_records(n: int = 3000, seed: int = 19) -> list[tuple[Any, ...]]:
    """Record-level rows from 2022 (before the programme) to the end of 2025, in the
    columns [`PERIOD_COLUMNS`][qnkpi.testing.PERIOD_COLUMNS], for testing that a source by
    period gives the same checks however the rows are placed in time (by `day`, `month`,
    `quarter` or `half`). Codes include one with spaces around it; one month in 97 is
    written without its leading zero (`2024-3`); about a fifth of the incomes are missing
    (`None`). The same `seed` gives the same rows."""
    import numpy as np

    from qnkpi.periods import label, slots_of_dates

    rng = np.random.default_rng(seed)
    days = (np.datetime64("2022-01-01") + rng.integers(0, 4 * 365 + 1, size=n)
            ).astype("datetime64[D]")
    texts = {kind: [label(s, kind) for s in slots_of_dates(days, kind)]
             for kind in ("month", "quarter", "half")}
    texts["month"][::97] = [t.replace("-0", "-") for t in texts["month"][::97]]
    units = rng.choice(["D1", "D2", "D3", " D2 "], size=n)
    vaccinated = rng.integers(0, 2, size=n)
    age = rng.integers(0, 90, size=n)
    income = rng.integers(0, 500, size=n).astype(float)
    missing = rng.random(n) < 0.2
    return [(str(units[i]), str(days[i]), texts["month"][i], texts["quarter"][i],
             texts["half"][i], int(vaccinated[i]), int(age[i]),
             None if missing[i] else float(income[i]))
            for i in range(n)]
