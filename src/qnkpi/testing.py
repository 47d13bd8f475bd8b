"""Helpers for testing qnkpi and qnkpi plugins: a tiny programme, specs from Python data,
and a registry with exactly the plugins you name.

    from qnkpi.testing import spec_from_dict, tiny_programme, plugins_with

    spec = spec_from_dict(tiny_programme(indicators={...}), plugins=plugins_with(MyPlugin()))
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qnkpi.plugin.manager import Plugins
    from qnkpi.spec.spec import Spec

__all__ = ["plugins_with", "spec_from_dict", "tiny_org_units", "tiny_programme"]


def plugins_with(*plugins: object) -> Plugins:
    """A registry with the built-ins and ``plugins``, and no installed plugin."""
    from qnkpi.plugin.manager import get_plugins

    return get_plugins(autoload=False, plugins=plugins)


def tiny_org_units(districts: int = 3) -> dict[str, Any]:
    """A province "P" with ``districts`` districts "D1", "D2", ..."""
    units = [{"code": "P", "name": "Province", "level": "province"}]
    units += [{"code": f"D{i}", "name": f"District {i}", "level": "district", "parent": "P"}
              for i in range(1, districts + 1)]
    return {"levels": ["province", "district"], "units": units}


def tiny_programme(*, measures: dict[str, Any] | None = None,
                   indicators: dict[str, Any] | None = None,
                   data: dict[str, dict[str, dict[int, float | None]]] | None = None,
                   districts: int = 3, start: int = 2023, end: int = 2030) -> dict[str, Any]:
    """A complete spec as Python data: an ``inline`` source named ``data`` holding
    ``data`` (measure -> unit code -> year -> value), one measure per key of ``data``
    unless ``measures`` is given, and ``indicators``."""
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
    """Load a spec given as Python data, exactly as if it were read from YAML."""
    import yaml

    from qnkpi.spec.loader import parse_spec

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_spec(text, file=Path(base_dir) / "<dict>", base_dir=base_dir,
                      plugins=plugins or plugins_with())
