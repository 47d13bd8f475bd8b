"""What an indicator's page says it is: how it is computed, from which measures, in what
unit, which way it should go, under which objective.

Plain data in the reader's language, from the spec; the indicator's card (the html
report's) shows the rest: targets and where they come from, the chart, the grid, the
units' progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qnkpi.i18n import gettext

if TYPE_CHECKING:
    from qnkpi.spec.spec import Spec

__all__ = ["Definition", "definition"]


@dataclass(frozen=True)
class Definition:
    """An indicator's definition, each item a (label, text) pair, in order."""

    items: list[tuple[str, str]]


def definition(spec: Spec, name: str, lang: str) -> Definition:
    """The definition of indicator `name` in `lang`."""
    ind = spec.indicators[name]
    kind = str(getattr(ind, "kind", ""))
    kinds = {"value": gettext("a value", lang), "ratio": gettext("a ratio of two sums", lang),
             "share_of_units": gettext("the share of units meeting a rule", lang),
             "sum": gettext("a sum", lang)}
    roles = {"numerator": gettext("Numerator", lang), "denominator": gettext("Denominator", lang),
             "measure": gettext("Measure", lang), "of": gettext("Judged on", lang)}
    items = [(gettext("Name in the spec", lang), name),
             (gettext("Computed as", lang), kinds.get(kind, kind))]
    for key, what, other in ind.inputs():  # type: ignore[attr-defined]
        source = spec.measures[other] if what == "measure" else spec.indicators[other]
        title = source.title.get(lang) if source.title else other
        items.append((roles.get(str(key[-1]), str(key[-1])), f"{title} ({other})"))
    unit = (ind.unit_title.get(lang) if ind.unit_title
            else "%" if ind.unit == "percent" else ind.unit or "")
    if unit:
        items.append((gettext("Unit of measure", lang), unit))
    direction = {"increase": gettext("should increase", lang),
                 "decrease": gettext("should decrease", lang)}
    items.append((gettext("Direction", lang), direction[ind.direction]))
    if ind.objective is not None and ind.objective in spec.objectives:
        items.append((gettext("Objective", lang),
                      spec.objectives[ind.objective].title.get(lang)))
    return Definition(items)
