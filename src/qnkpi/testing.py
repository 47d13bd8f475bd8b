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

__all__ = ["plugins_with", "spec_from_dict", "tiny_org_units", "tiny_programme"]


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
