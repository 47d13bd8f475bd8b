"""The root of a spec, and the model built from what plugins register."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, PrivateAttr, create_model

from qnkpi.errors import Problem
from qnkpi.spec.models import (
    IndicatorSpec,
    MeasureSpec,
    Model,
    Name,
    Objective,
    Programme,
    SourceSpec,
    ValidationRule,
)
from qnkpi.spec.tree import OrgUnitsSpec

if TYPE_CHECKING:
    from qnkpi.plugin.registry import Plugins
    from qnkpi.spec._yaml import Located

__all__ = ["Spec", "build_spec_model"]


class Spec(Model):
    """A programme spec, checked: what [`load_spec`][qnkpi.spec.loader.load_spec] returns.

    A frozen pydantic model whose attributes are the keys of the spec file. `sources`
    and `indicators` hold instances of the source types and indicator kinds that plugins
    registered (`CsvSource`, `RatioIndicator`...: subclasses of
    [`SourceSpec`][qnkpi.spec.models.SourceSpec] and
    [`IndicatorSpec`][qnkpi.spec.models.IndicatorSpec]), so the model a spec is checked
    against depends on the registry it was loaded with.

    Attributes:
        qnkpi: The spec format's version, always 1.
        programme: What the programme is: identity, titles, period, assessment settings.
        org_units: The organisation: its levels and units, read from the spec, its
            org-units file or a provider.
        sources: Source name -> source: where measures come from.
        measures: Measure name -> measure: a raw quantity a source gives per unit and year.
        indicators: Indicator name -> indicator, in spec order: how each is computed from
            measures, and its targets.
        validation: The data validation rules, in spec order: checks on the measures as
            the sources report them, each an error or a warning when broken.
        objectives: Objective name -> objective, in spec order: the programme's
            objectives, which indicators name (`objective:`) and reports group by.
    """

    qnkpi: Literal[1]
    programme: Programme
    org_units: OrgUnitsSpec
    sources: dict[Name, SourceSpec] = {}
    measures: dict[Name, MeasureSpec] = {}
    indicators: dict[Name, IndicatorSpec] = {}
    validation: tuple[ValidationRule, ...] = ()
    objectives: dict[Name, Objective] = {}

    _file: Path | None = PrivateAttr(default=None)
    _located: dict[str, Located] = PrivateAttr(default_factory=dict)
    _plugins: Plugins | None = PrivateAttr(default=None)
    _warnings: tuple[Problem, ...] = PrivateAttr(default=())

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems that do not stop evaluation but deserve a look.

        [`Problem`][qnkpi.errors.Problem]s of severity `"warning"`, located in the
        spec's files (`qnkpi validate` prints them).
        """
        return self._warnings

    @property
    def plugins(self) -> Plugins | None:
        """The plugin registry the spec was loaded with.

        [`evaluate`][qnkpi.engine.evaluate.evaluate] uses it by default too. `None` only
        for a spec built without the loader.
        """
        return self._plugins

    @property
    def file(self) -> Path | None:
        """The file the spec was loaded from (the `file` given to
        [`parse_spec`][qnkpi.spec.loader.parse_spec]), or `None`."""
        return self._file

    def objective_groups(self) -> list[tuple[str | None, tuple[str, ...]]]:
        """The indicators grouped by objective, as every report lists them.

        Returns:
            `(objective name, indicator names)` pairs: the objectives in spec order
                (those no indicator names are left out), then `None` with the
                indicators that name no objective. Indicators keep spec order in each
                group. Without `objectives`, one group: `[(None, every indicator)]`.
        """
        groups: dict[str | None, list[str]] = {name: [] for name in self.objectives}
        groups[None] = []
        for name, ind in self.indicators.items():
            groups[ind.objective if ind.objective in groups else None].append(name)
        return [(key, tuple(names)) for key, names in groups.items() if names]

    def problem(self, path: tuple[str | int, ...], message: str, *,
                severity: str = "error", offset: int | None = None) -> Problem:
        """A problem located at a key of the spec, for messages about it.

        Args:
            path: The keys and list positions leading to the value at fault, from the
                top of the spec, such as `("indicators", "reached", "targets", 0)`. Paths
                under `org_units` point into the org-units file when it is separate.
            message: What is wrong.
            severity: `"error"` or `"warning"`.
            offset: For a text value, the 0-based position of the character at fault
                in it (a name inside a validation rule). The problem's column is then
                that character's, when the text is written on one line with no escapes;
                else the value's.

        Returns:
            A [`Problem`][qnkpi.errors.Problem] at the line and column of that value
                (at the spec's file without a line when the spec was built without the
                loader).
        """
        if path and path[0] == "org_units" and "org_units" in self._located:
            return self._located["org_units"].problem(path[1:], message, severity=severity)
        if "spec" in self._located:
            located = self._located["spec"]
            start = located.text_starts.get(path) if offset is not None else None
            if start is not None and offset is not None:
                return Problem(message, located.file, start[0], start[1] + offset, severity)
            return located.problem(path, message, severity=severity)
        return Problem(message, self._file, severity=severity)


_CACHE: dict[tuple[type[Any], ...], type[Spec]] = {}


def _union(classes: list[type[Any]], key: str) -> Any:
    if len(classes) == 1:
        return classes[0]
    return Annotated[Union[tuple(classes)], Field(discriminator=key)]  # noqa: UP007


def build_spec_model(plugins: Plugins) -> type[Spec]:
    """The model of a spec that may use exactly what `plugins` registered.

    Args:
        plugins: The registry whose source types and indicator kinds are allowed.

    Returns:
        A [`Spec`][qnkpi.spec.spec.Spec] subclass whose `sources` and `indicators` are
            discriminated unions of the registered classes (on `type` and `kind`). It is
            built once per set of classes and cached.
    """
    sources = list(plugins.source_types.values())
    kinds = list(plugins.indicator_kinds.values())
    key = (*sources, object, *kinds)
    if key not in _CACHE:
        fields: dict[str, Any] = {}
        if sources:
            fields["sources"] = (dict[Name, _union(sources, "type")], {})  # type: ignore[misc]
        if kinds:
            fields["indicators"] = (dict[Name, _union(kinds, "kind")], {})  # type: ignore[misc]
        _CACHE[key] = create_model("Spec", __base__=Spec, __doc__=Spec.__doc__,
                                   **fields)
    return _CACHE[key]
