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
    OrgUnitsSpec,
    Programme,
    SourceSpec,
)

if TYPE_CHECKING:
    from qnkpi.plugin.manager import Plugins
    from qnkpi.spec._yaml import Located

__all__ = ["Spec", "build_spec_model"]


class Spec(Model):
    """A programme spec: what :func:`qnkpi.load_spec` returns.

    ``sources`` and ``indicators`` hold instances of the source types and indicator
    kinds that plugins registered (subclasses of the base classes named here).
    """

    qnkpi: Literal[1]
    programme: Programme
    org_units: OrgUnitsSpec
    sources: dict[Name, SourceSpec] = {}
    measures: dict[Name, MeasureSpec] = {}
    indicators: dict[Name, IndicatorSpec] = {}

    _file: Path | None = PrivateAttr(default=None)
    _located: dict[str, Located] = PrivateAttr(default_factory=dict)
    _plugins: Plugins | None = PrivateAttr(default=None)
    _warnings: tuple[Problem, ...] = PrivateAttr(default=())

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems that do not stop evaluation but deserve a look."""
        return self._warnings

    @property
    def plugins(self) -> Plugins | None:
        """The plugin registry the spec was loaded with (evaluation uses it too)."""
        return self._plugins

    @property
    def file(self) -> Path | None:
        """The file the spec was loaded from, if any."""
        return self._file

    def problem(self, path: tuple[str | int, ...], message: str, *,
                severity: str = "error") -> Problem:
        """A :class:`Problem` located at ``path`` in the spec's files."""
        if path and path[0] == "org_units" and "org_units" in self._located:
            return self._located["org_units"].problem(path[1:], message, severity=severity)
        if "spec" in self._located:
            return self._located["spec"].problem(path, message, severity=severity)
        return Problem(message, self._file, severity=severity)


_CACHE: dict[tuple[type[Any], ...], type[Spec]] = {}


def _union(classes: list[type[Any]], key: str) -> Any:
    if len(classes) == 1:
        return classes[0]
    return Annotated[Union[tuple(classes)], Field(discriminator=key)]  # noqa: UP007


def build_spec_model(plugins: Plugins) -> type[Spec]:
    """A :class:`Spec` subclass whose ``sources`` and ``indicators`` accept exactly the
    source types and indicator kinds ``plugins`` registered."""
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
